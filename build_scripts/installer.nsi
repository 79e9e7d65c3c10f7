; InvestDesk（招商工作台）installer: per-user, no administrator rights needed.
;
;   makensis /DVERSION=0.1.0 /DSOURCE=..\dist\InvestDesk /DOUTFILE=..\dist\InvestDesk-0.1.0-setup.exe installer.nsi
;
; Installs into %LOCALAPPDATA%\Programs\InvestDesk, adds a Start-menu shortcut (and optionally a
; desktop one) and an uninstaller listed in 应用和功能. The user's data (%LOCALAPPDATA%\InvestDesk:
; databases, backups, logs) is a different folder and the uninstaller never touches it.

Unicode true
!include "MUI2.nsh"

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef SOURCE
  !define SOURCE "..\dist\InvestDesk"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\InvestDesk-${VERSION}-setup.exe"
!endif

!define APPNAME "招商工作台"
!define APPKEY "InvestDesk"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPKEY}"

Name "${APPNAME} ${VERSION}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APPKEY}"
InstallDirRegKey HKCU "Software\${APPKEY}" "InstallDir"
SetCompressor /SOLID lzma
!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=2052 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APPNAME} 安装程序"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "CompanyName" "县招商服务中心"
VIAddVersionKey /LANG=2052 "LegalCopyright" "县招商服务中心"

!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\InvestDesk.exe"
!define MUI_FINISHPAGE_RUN_TEXT "立即运行招商工作台"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

Section "招商工作台（必需）" SecMain
  SectionIn RO
  SetShellVarContext current
  ; An older version's files go first, so nothing stale is left beside the new ones.
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File /r "${SOURCE}/*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateDirectory "$SMPROGRAMS\${APPNAME}"
  CreateShortCut "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk" "$INSTDIR\InvestDesk.exe"
  CreateShortCut "$SMPROGRAMS\${APPNAME}\${APPNAME}（演示数据）.lnk" "$INSTDIR\InvestDesk.exe" "--demo"
  CreateShortCut "$SMPROGRAMS\${APPNAME}\卸载${APPNAME}.lnk" "$INSTDIR\uninstall.exe"
  WriteRegStr HKCU "Software\${APPKEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "县招商服务中心"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\InvestDesk.exe"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Section "桌面快捷方式" SecDesktop
  SetShellVarContext current
  CreateShortCut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\InvestDesk.exe"
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  ; Only the program folder: the data folder (%LOCALAPPDATA%\InvestDesk) stays with the user.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\InvestDesk.exe"
  Delete "$INSTDIR\investdesk-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APPNAME}\*.lnk"
  RMDir "$SMPROGRAMS\${APPNAME}"
  Delete "$DESKTOP\${APPNAME}.lnk"
  DeleteRegKey HKCU "${UNINSTKEY}"
  DeleteRegKey HKCU "Software\${APPKEY}"
SectionEnd
