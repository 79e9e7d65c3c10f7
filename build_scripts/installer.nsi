; InvestDesk（招商工作台）installer: per-user, no administrator rights needed.
;
;   makensis /INPUTCHARSET UTF8 /DVERSION=0.1.0 /DVERSION_NUMERIC=0.1.0.0 /DSOURCE=..\dist\InvestDesk
;            /DOUTFILE=..\dist\InvestDesk-0.1.0-setup.exe installer.nsi
;
; VERSION is the package version as shown (0.1.0, 0.2.0rc1 …); VERSION_NUMERIC its four numbers for
; the version resource (`python build_scripts/build.py --numeric-version` prints it).
; This file is saved as UTF-8 *with* a byte-order mark: without one, makensis on Windows reads it in
; the system's ANSI code page (cp1252 on the CI runner, GBK on a Chinese PC) and the Chinese names of
; the shortcuts, of 应用和功能 and of the version resource come out garbled. /INPUTCHARSET UTF8 says
; the same on the command line.
;
; Installs into %LOCALAPPDATA%\Programs\InvestDesk, adds a Start-menu shortcut (and optionally a
; desktop one) and an uninstaller listed in 应用和功能. The user's data (%LOCALAPPDATA%\InvestDesk:
; databases, backups, logs) is a different folder and the uninstaller never touches it.

Unicode true
ManifestDPIAware true
!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "x64.nsh"
!include "WinVer.nsh"

!ifndef VERSION
  !error "VERSION 未定义：makensis /DVERSION=x.y.z /DVERSION_NUMERIC=x.y.z.0 …（版本号见 desktop/__init__.py）"
!endif
!ifndef VERSION_NUMERIC
  !error "VERSION_NUMERIC 未定义：makensis /DVERSION_NUMERIC=x.y.z.0 …（python build_scripts/build.py --numeric-version 给出）"
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
!define MIN_WINDOWS_BUILD 17763  ; Windows 10 1809, the oldest Qt 6 supports

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

; Four numbers, always (makensis refuses anything else); the text fields show the version as released.
VIProductVersion "${VERSION_NUMERIC}"
VIFileVersion "${VERSION_NUMERIC}"
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

; A running program keeps its files locked: overwriting or deleting them half-way would leave a
; broken installation. Windows refuses to open a running .exe for writing (its image is mapped), so
; opening each program in append mode — without writing a byte — tells whether it runs, without a
; plug-in. Both the installer and the uninstaller need the check, hence the macro (un. prefix).
!macro DEFINE_WAIT_UNTIL_CLOSED PREFIX
Function ${PREFIX}ProgramInUse  ; $R0 ← 1 when InvestDesk.exe or investdesk-cli.exe is running
  StrCpy $R0 0
  ${If} ${FileExists} "$INSTDIR\InvestDesk.exe"
    ClearErrors
    FileOpen $R1 "$INSTDIR\InvestDesk.exe" a
    ${If} ${Errors}
      StrCpy $R0 1
    ${Else}
      FileClose $R1
    ${EndIf}
  ${EndIf}
  ${If} ${FileExists} "$INSTDIR\investdesk-cli.exe"
    ClearErrors
    FileOpen $R1 "$INSTDIR\investdesk-cli.exe" a
    ${If} ${Errors}
      StrCpy $R0 1
    ${Else}
      FileClose $R1
    ${EndIf}
  ${EndIf}
FunctionEnd

Function ${PREFIX}WaitUntilClosed
  retry:
    Call ${PREFIX}ProgramInUse
    StrCmp $R0 0 done
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "招商工作台正在运行。$\r$\n$\r$\n请先保存并关闭它（也包括命令行窗口里的 investdesk-cli），再点“重试”。" /SD IDCANCEL IDRETRY retry
    Abort "招商工作台仍在运行，已取消。"
  done:
FunctionEnd
!macroend
!insertmacro DEFINE_WAIT_UNTIL_CLOSED ""
!insertmacro DEFINE_WAIT_UNTIL_CLOSED "un."

Function .onInit
  ; The program is built for 64-bit Windows only (64-bit Python and Qt).
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "招商工作台需要 64 位的 Windows 10 或 Windows 11。$\r$\n这台电脑是 32 位系统，无法安装。" /SD IDOK
    Abort
  ${EndIf}
  ; Qt 6 runs on Windows 10 1809 (build 17763) or later, Python 3.11 not on Windows 7/8: installed on an
  ; older Windows the program would only fail at start with a missing-DLL message nobody understands.
  ${IfNot} ${AtLeastBuild} ${MIN_WINDOWS_BUILD}
    MessageBox MB_OK|MB_ICONSTOP "招商工作台需要 Windows 10（1809 版或更新）或 Windows 11。$\r$\n这台电脑的 Windows 版本太旧，程序无法运行，所以不安装。" /SD IDOK
    Abort
  ${EndIf}
FunctionEnd

; The installer clears _internal before copying (so nothing stale stays beside the new files) and the
; uninstaller removes it: a folder that holds another program's _internal (every PyInstaller program
; has one) would lose it. Only a new or empty folder, or an earlier installation of this program, is
; accepted (the "下一步" button stays disabled otherwise).
Function .onVerifyInstDir
  ${If} ${FileExists} "$INSTDIR\_internal\*.*"
  ${AndIfNot} ${FileExists} "$INSTDIR\InvestDesk.exe"
    Abort
  ${EndIf}
FunctionEnd

Section "招商工作台（必需）" SecMain
  SectionIn RO
  SetShellVarContext current
  ; A silent install (/S /D=…) never calls .onVerifyInstDir: the same refusal here, or the uninstaller
  ; would later remove the other program's _internal.
  ${If} ${FileExists} "$INSTDIR\_internal\*.*"
  ${AndIfNot} ${FileExists} "$INSTDIR\InvestDesk.exe"
    MessageBox MB_OK|MB_ICONSTOP "文件夹 $INSTDIR 里已有别的程序（_internal 文件夹），请换一个空文件夹安装。" /SD IDOK
    Abort
  ${EndIf}
  Call WaitUntilClosed
  ; An older version's files go first, so nothing stale is left beside the new ones — only when that
  ; version is there, whatever folder a silent install (/S /D=…) was given.
  ${If} ${FileExists} "$INSTDIR\InvestDesk.exe"
    RMDir /r "$INSTDIR\_internal"
  ${EndIf}
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
  ; The size 应用和功能 shows (in KB), measured on the installed folder.
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" "$0"
SectionEnd

Section "桌面快捷方式" SecDesktop
  SetShellVarContext current
  CreateShortCut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\InvestDesk.exe"
SectionEnd

Function un.onInit
  Call un.WaitUntilClosed
FunctionEnd

Section "Uninstall"
  SetShellVarContext current
  Call un.WaitUntilClosed  ; it may have been started again while the confirmation page was open
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
  ; Only what the installer wrote: anything else under Software\InvestDesk is the user's.
  DeleteRegValue HKCU "Software\${APPKEY}" "InstallDir"
  DeleteRegKey /ifempty HKCU "Software\${APPKEY}"
SectionEnd
