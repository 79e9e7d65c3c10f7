"""The build scripts: the Windows version resource, the spec's choices, the installer's promises."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import __version__

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "build_scripts"


def _load_build_module():
    spec = importlib.util.spec_from_file_location("investdesk_build", SCRIPTS / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_version_resource_carries_the_package_version(tmp_path):
    build = _load_build_module()
    target = tmp_path / "版本" / "version_info.txt"
    build.write_version_file(target, "1.2.3")
    text = target.read_text(encoding="utf-8")
    assert "filevers=(1, 2, 3, 0)" in text
    assert "StringStruct('ProductVersion', '1.2.3')" in text
    assert "招商工作台" in text
    # The text is Python syntax PyInstaller evaluates: it must at least parse.
    compile(text, str(target), "eval")
    assert build.version() == __version__


@pytest.mark.parametrize(("version", "numeric"), [
    ("0.1.0", "0.1.0.0"), ("1.2", "1.2.0.0"), ("1.2.3.4", "1.2.3.4"), ("0.2.0rc1", "0.2.0.0"),
    ("1.0.0-beta.2", "1.0.0.0"), ("2.1.0.dev3", "2.1.0.0"), ("1.2.3.4.5", "1.2.3.4"),
])
def test_windows_version_numbers_are_always_four_numbers(version, numeric):
    assert _load_build_module().numeric_version(version) == numeric


def test_each_program_has_its_own_version_file_rewritten_when_stale(tmp_path):
    build = _load_build_module()
    files = build.write_version_files(tmp_path, "0.2.0rc1")
    gui = files["InvestDesk"].read_text(encoding="utf-8")
    cli = files["investdesk-cli"].read_text(encoding="utf-8")
    assert "StringStruct('OriginalFilename', 'InvestDesk.exe')" in gui
    assert "StringStruct('OriginalFilename', 'investdesk-cli.exe')" in cli
    assert "StringStruct('InternalName', 'investdesk-cli')" in cli
    assert "filevers=(0, 2, 0, 0)" in cli and "StringStruct('FileVersion', '0.2.0rc1')" in cli
    # A file left by an older version is rewritten; the package version is the default.
    files = build.write_version_files(tmp_path)
    assert f"StringStruct('ProductVersion', '{__version__}')" in files["investdesk-cli"].read_text(encoding="utf-8")


def test_spec_writes_its_own_version_files_so_pyinstaller_alone_can_build():
    spec = (SCRIPTS / "investdesk.spec").read_text(encoding="utf-8")
    assert "write_version_files(BUILD)" in spec
    assert 'windows_extras("InvestDesk")' in spec and 'windows_extras("investdesk-cli")' in spec
    assert "version_info.txt" not in spec


def test_spec_is_one_folder_windowed_without_upx_and_excludes_heavy_qt_modules():
    spec = (SCRIPTS / "investdesk.spec").read_text(encoding="utf-8")
    assert "COLLECT(" in spec  # one folder, not one file
    assert re.search(r'name="InvestDesk",\s*console=False', spec)
    assert re.search(r'name="investdesk-cli",\s*console=True', spec)
    assert "upx=True" not in spec
    for module in ("QtWebEngineCore", "QtQml", "QtQuick", "Qt3DCore", "QtMultimedia"):
        assert f'"PySide6.{module}"' in spec
    assert 'collect_submodules("desktop"' in spec  # migrations and pages are found by name at run time


def test_installer_is_per_user_and_keeps_the_users_data():
    script = (SCRIPTS / "installer.nsi").read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in script
    assert "$LOCALAPPDATA\\Programs" in script
    assert "$SMPROGRAMS" in script
    uninstall = script[script.index('Section "Uninstall"'):]
    assert "InvestDesk\\" not in uninstall.replace("$INSTDIR", "")  # nothing outside the program folder
    assert "$LOCALAPPDATA" not in uninstall


def test_installer_script_starts_with_a_utf8_byte_order_mark():
    """Without it makensis on Windows reads the script in the ANSI code page (cp1252, GBK …) and the
    Chinese names of the shortcuts and of 应用和功能 come out garbled."""
    assert (SCRIPTS / "installer.nsi").read_bytes().startswith(b"\xef\xbb\xbf")


def test_installer_checks_the_system_and_the_running_program_before_touching_files():
    script = (SCRIPTS / "installer.nsi").read_text(encoding="utf-8-sig")
    assert "ManifestDPIAware true" in script
    assert "${IfNot} ${RunningX64}" in script and "32 位" in script
    assert '"EstimatedSize"' in script
    assert "正在运行" in script and "MB_RETRYCANCEL" in script
    install = script[script.index('Section "招商工作台（必需）"'):]
    assert install.index("Call WaitUntilClosed") < install.index("RMDir /r") < install.index("File /r")
    uninstall = script[script.index('Section "Uninstall"'):]
    assert uninstall.index("Call un.WaitUntilClosed") < uninstall.index("RMDir /r")
    on_init = script[script.index("Function un.onInit"):]
    assert on_init.index("Call un.WaitUntilClosed") < on_init.index("FunctionEnd")


def test_workflow_fails_loudly_and_keeps_the_frozen_cli_honest():
    workflow = (ROOT / ".github" / "workflows" / "windows.yml").read_text(encoding="utf-8")
    assert "pull_request:" in workflow
    assert re.search(r"^permissions:\n  contents: read$", workflow, re.M)
    assert "cache: pip" in workflow and "cache-dependency-path: pyproject.toml" in workflow
    # PYTHONUTF8 would make the frozen program print UTF-8 whatever it does by itself.
    assert not re.search(r"^\s*PYTHONUTF8:", workflow, re.M) and "PYTHONIOENCODING: utf-8" in workflow
    assert "build.py --smoke --max-mb 150" in workflow
    assert workflow.count("actions/upload-artifact") == workflow.count("if-no-files-found: error") == 3
    assert "/INPUTCHARSET UTF8" in workflow and "/DVERSION_NUMERIC=$numeric" in workflow


needs_makensis = pytest.mark.skipif(shutil.which("makensis") is None,
                                    reason="makensis (Debian package nsis) is not installed")


# makensis on Windows (the workflow's test step, when NSIS is on PATH) writes its messages in the
# ANSI code page unless told otherwise; Linux's makensis writes UTF-8 and has no such option.
MAKENSIS_OUTPUT = ["-OUTPUTCHARSET", "UTF8"] if sys.platform == "win32" else []


def _run_makensis(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["makensis", *MAKENSIS_OUTPUT, *args], capture_output=True, cwd=cwd,
                          encoding="utf-8", errors="replace")


def _fake_program_folder(source: Path) -> Path:
    (source / "_internal").mkdir(parents=True, exist_ok=True)
    (source / "InvestDesk.exe").write_bytes(b"MZ")
    (source / "investdesk-cli.exe").write_bytes(b"MZ")
    return source


def _makensis(tmp_path, *defines: str, charset: str = "UTF8"):
    source = _fake_program_folder(tmp_path / "InvestDesk")
    out = tmp_path / "setup.exe"
    result = _run_makensis(
        ["-V2", "-INPUTCHARSET", charset, *defines, f"-DSOURCE={source}", f"-DOUTFILE={out}",
         f"-DICON={ROOT / 'resources' / 'icons' / 'investdesk.ico'}", str(SCRIPTS / "installer.nsi")],
        cwd=SCRIPTS,
    )
    return result, out


@needs_makensis
@pytest.mark.parametrize("version", [__version__, "1.2.3", "0.2.0rc1", "1.2.3.4"])
def test_installer_script_compiles(tmp_path, version):
    numeric = _load_build_module().numeric_version(version)
    result, out = _makensis(tmp_path, f"-DVERSION={version}", f"-DVERSION_NUMERIC={numeric}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.stat().st_size > 10_000


@needs_makensis
def test_installer_chinese_survives_a_western_code_page(tmp_path):
    """The CI runner's makensis would read a script without a byte-order mark as cp1252: the mark wins."""
    result, out = _makensis(tmp_path, "-DVERSION=0.1.0", "-DVERSION_NUMERIC=0.1.0.0", charset="CP1252")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "招商工作台 安装程序".encode("utf-16-le") in out.read_bytes()  # the version resource


@needs_makensis
def test_installer_refuses_to_compile_without_a_version(tmp_path):
    result, out = _makensis(tmp_path)
    assert result.returncode != 0
    assert "VERSION 未定义" in result.stdout + result.stderr
    assert not out.exists()


def test_smoke_test_runs_without_encoding_overrides_and_wants_strict_utf8(monkeypatch, tmp_path):
    build = _load_build_module()
    monkeypatch.setenv("PYTHONUTF8", "1")
    monkeypatch.setenv("PYTHONIOENCODING", "utf-8")
    env = build.smoke_environment(str(tmp_path))
    assert "PYTHONUTF8" not in env and "PYTHONIOENCODING" not in env
    assert env["QT_QPA_PLATFORM"] == "offscreen" and env["INVESTDESK_DATA_DIR"] == str(tmp_path)
    passed = "[1/5] 生成演示数据库：通过\n自检通过，用时 20.0 秒。\n"
    assert build.check_selftest_output(0, passed.encode("utf-8")) == ""
    assert "not UTF-8" in build.check_selftest_output(0, passed.encode("gbk"))  # a cp936 console's bytes
    assert build.check_selftest_output(1, passed.encode("utf-8")) == "exit code 1"
    assert "no line" in build.check_selftest_output(0, "[1/5] 生成演示数据库：通过\n".encode("utf-8"))


@pytest.mark.parametrize(("size_mb", "code"), [(149.9, 0), (150.1, 1)])
def test_build_fails_over_the_size_limit(monkeypatch, tmp_path, size_mb, code):
    build = _load_build_module()
    monkeypatch.setattr(build, "build", lambda: (tmp_path, size_mb))
    monkeypatch.setattr(build, "pyinstaller_missing", lambda: False)  # the README's test install has no [build]
    monkeypatch.setattr("sys.argv", ["build.py", "--max-mb", "150"])
    assert build.main() == code


def test_build_prints_the_installers_numeric_version(monkeypatch, capsys):
    build = _load_build_module()
    monkeypatch.setattr("sys.argv", ["build.py", "--numeric-version"])
    assert build.main() == 0
    assert capsys.readouterr().out.strip() == build.numeric_version(__version__)


def _spec_string_list(spec: str, start: str) -> set[str]:
    block = spec[spec.index(start):]
    block = block[:block.index("\n]\n") if start.endswith("[") else block.index(")\n")]
    return set(re.findall(r'"([^"]+)"', block))


def _modules_the_app_imports() -> set[str]:
    import ast

    names: set[str] = set()
    for path in (ROOT / "desktop").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_spec_excludes_nothing_the_app_imports():
    """A module the spec leaves out fails only in the frozen program, on the page that needs it."""
    spec = (SCRIPTS / "investdesk.spec").read_text(encoding="utf-8")
    excluded = _spec_string_list(spec, "excludes = [")
    assert "PySide6.QtCharts" not in excluded and "PySide6.QtPdf" not in excluded
    imported = _modules_the_app_imports()
    clashes = {name for name in imported for out in excluded if name == out or name.startswith(out + ".")}
    assert not clashes, f"the spec excludes modules desktop/ imports: {sorted(clashes)}"


def test_spec_keeps_chinese_input_methods_and_leaves_windows_binaries_unstripped():
    spec = (SCRIPTS / "investdesk.spec").read_text(encoding="utf-8")
    unused = _spec_string_list(spec, "UNUSED_BINARIES = (")
    # ibus/fcitx reach Qt through the platforminputcontexts plugins: without them no Chinese typing on Linux.
    assert not any(word in part for part in unused for word in ("platforminputcontexts", "ibus", "compose"))
    # The window itself (qwindows, qxcb) and the smoke test's offscreen platform.
    assert not any(word in part for part in unused for word in ("platforms/", "qwindows", "qxcb", "qoffscreen"))
    assert re.search(r"STRIP_BINARIES = not ON_WINDOWS\b", spec)
    assert spec.count("strip=STRIP_BINARIES") == 3  # both programs and the folder


# --- What the Windows build needs, checked here on Linux ------------------------------------------

# Where PyInstaller puts things from the win_amd64 wheels (PySide6 has no Qt/ folder there), seen
# in the 6.11.3 wheels. Kept: the window, the offscreen platform of the smoke test, the Windows 11 /
# Vista style (a plugin since Qt 6.7: without it the window looks like Windows 95), the icon formats,
# the Qt libraries QtPdf, QtCharts and printing need, the MSVC runtime and Python's own DLLs.
WINDOWS_KEPT = [
    r"PySide6\plugins\platforms\qwindows.dll", r"PySide6\plugins\platforms\qoffscreen.dll",
    r"PySide6\plugins\styles\qmodernwindowsstyle.dll", r"PySide6\plugins\imageformats\qico.dll",
    r"PySide6\plugins\imageformats\qsvg.dll", r"PySide6\plugins\iconengines\qsvgicon.dll",
    r"PySide6\Qt6Core.dll", r"PySide6\Qt6Gui.dll", r"PySide6\Qt6Widgets.dll", r"PySide6\Qt6Svg.dll",
    r"PySide6\Qt6Pdf.dll", r"PySide6\Qt6PdfWidgets.dll", r"PySide6\Qt6Network.dll",
    r"PySide6\Qt6Charts.dll", r"PySide6\Qt6OpenGL.dll", r"PySide6\Qt6OpenGLWidgets.dll",
    r"PySide6\Qt6PrintSupport.dll", r"PySide6\QtPdf.pyd", r"PySide6\QtPdfWidgets.pyd", r"PySide6\QtCharts.pyd",
    r"PySide6\QtPrintSupport.pyd", r"PySide6\pyside6.abi3.dll", r"shiboken6\shiboken6.abi3.dll",
    r"PySide6\msvcp140.dll", r"PySide6\vcruntime140.dll", r"PySide6\vcruntime140_1.dll",
    "python311.dll", "python3.dll", "sqlite3.dll", "_sqlite3.pyd", "libcrypto-3.dll", "unicodedata.pyd",
]
WINDOWS_LEFT_OUT = [
    r"PySide6\opengl32sw.dll", r"PySide6\plugins\platforms\qdirect2d.dll",
    r"PySide6\plugins\platforminputcontexts\qtvirtualkeyboardplugin.dll", r"PySide6\Qt6Qml.dll",
    r"PySide6\Qt6Quick.dll", r"PySide6\plugins\imageformats\qjpeg.dll", r"PySide6\plugins\imageformats\qgif.dll",
    r"PySide6\plugins\imageformats\qpdf.dll", r"PySide6\plugins\tls\qschannelbackend.dll",
    r"PySide6\plugins\networkinformation\qnetworklistmanager.dll", r"PySide6\plugins\generic\qtuiotouchplugin.dll",
]
# The two filters as the spec writes them: the test applies the same expressions to Windows names.
SPEC_BINARY_FILTER = 'if not any(part in entry[0].lower().replace("\\\\", "/") for part in UNUSED_BINARIES)'
SPEC_TRANSLATION_FILTER = 'if "/translations/" not in entry[0].replace("\\\\", "/") or "zh_CN" in entry[0]]'


def _spec_tuple(spec: str, name: str) -> tuple[str, ...]:
    import ast

    for node in ast.parse(spec).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not found in the spec")


def test_spec_keeps_what_the_windows_build_needs_and_drops_the_rest():
    spec = (SCRIPTS / "investdesk.spec").read_text(encoding="utf-8")
    assert SPEC_BINARY_FILTER in spec and SPEC_TRANSLATION_FILTER in spec
    unused = _spec_tuple(spec, "UNUSED_BINARIES")

    def kept(dest: str) -> bool:
        return not any(part in dest.lower().replace("\\", "/") for part in unused)

    dropped = [name for name in WINDOWS_KEPT if not kept(name)]
    assert not dropped, f"the spec would leave out of the Windows build: {dropped}"
    kept_anyway = [name for name in WINDOWS_LEFT_OUT if kept(name)]
    assert not kept_anyway, f"the spec would ship to Windows: {kept_anyway}"

    def translation_kept(dest: str) -> bool:
        return "/translations/" not in dest.replace("\\", "/") or "zh_CN" in dest

    assert translation_kept(r"PySide6\translations\qtbase_zh_CN.qm")  # the self-test checks it loads
    assert not translation_kept(r"PySide6\translations\qtbase_de.qm")


def test_spec_keeps_pyinstallers_internal_folder_name_the_installer_relies_on():
    """installer.nsi clears and removes $INSTDIR\\_internal: PyInstaller's default contents folder."""
    spec = (SCRIPTS / "investdesk.spec").read_text(encoding="utf-8")
    assert "contents_directory" not in spec
    script = (SCRIPTS / "installer.nsi").read_text(encoding="utf-8-sig")
    assert 'RMDir /r "$INSTDIR\\_internal"' in script


def _pyinstaller_version_signatures():
    """The constructors PyInstaller evaluates the version file with, read from its source (the module
    itself imports pefile and pywin32, which exist only on Windows)."""
    import ast
    import inspect

    import PyInstaller

    source = Path(PyInstaller.__file__).parent / "utils" / "win32" / "versioninfo.py"
    signatures = {}
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if not isinstance(node, ast.ClassDef):
            continue
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                names = [a.arg for a in item.args.args[1:]]
                required = len(names) - len(item.args.defaults)
                signatures[node.name] = inspect.Signature([
                    inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                      **({} if i < required else {"default": None}))
                    for i, n in enumerate(names)])
    return signatures


def test_version_resource_fits_pyinstallers_structures(tmp_path):
    """A misspelt field would only fail in the Windows build: evaluate the file as PyInstaller does.
    (PyInstaller comes with the build extra: .ci/run runs tests/packaging again once it is installed.)"""
    pytest.importorskip("PyInstaller")
    signatures = _pyinstaller_version_signatures()
    calls: dict[str, list[dict]] = {}

    def stub(name):
        def make(*args, **kwargs):
            bound = signatures[name].bind(*args, **kwargs)  # TypeError on an unknown or missing field
            calls.setdefault(name, []).append(dict(bound.arguments))
            return name
        return make

    text = _load_build_module().version_file_text("0.2.0rc1", "investdesk-cli")
    eval(text, {name: stub(name) for name in signatures})  # noqa: S307 - our own file, as PyInstaller does
    fixed = calls["FixedFileInfo"][0]
    assert fixed["filevers"] == fixed["prodvers"] == (0, 2, 0, 0)
    assert all(0 <= number <= 0xFFFF for number in fixed["filevers"])
    assert calls["StringTable"][0]["name"] == "080404b0"  # Chinese (PRC), Unicode
    assert calls["VarStruct"][0] == {"name": "Translation", "kids": [2052, 1200]}
    strings = {call["name"]: call["val"] for call in calls["StringStruct"]}
    assert strings["OriginalFilename"] == "investdesk-cli.exe" and strings["ProductName"] == "招商工作台"


def test_installer_refuses_windows_older_than_qt6_supports():
    script = (SCRIPTS / "installer.nsi").read_text(encoding="utf-8-sig")
    assert '!include "WinVer.nsh"' in script
    assert re.search(r"^!define MIN_WINDOWS_BUILD 17763\b", script, re.M)  # Windows 10 1809
    on_init = script[script.index("Function .onInit"):]
    on_init = on_init[:on_init.index("FunctionEnd")]
    assert "${IfNot} ${AtLeastBuild} ${MIN_WINDOWS_BUILD}" in on_init and "Abort" in on_init


def test_installer_never_clears_another_programs_internal_folder():
    script = (SCRIPTS / "installer.nsi").read_text(encoding="utf-8-sig")
    verify = script[script.index("Function .onVerifyInstDir"):]
    verify = verify[:verify.index("FunctionEnd")]
    assert '${If} ${FileExists} "$INSTDIR\\_internal\\*.*"' in verify
    assert '${AndIfNot} ${FileExists} "$INSTDIR\\InvestDesk.exe"' in verify and "Abort" in verify
    install = script[script.index('Section "招商工作台（必需）"'):]
    # A silent install never runs .onVerifyInstDir: the section refuses such a folder itself, before copying.
    refusal = install.index('${AndIfNot} ${FileExists} "$INSTDIR\\InvestDesk.exe"')
    assert refusal < install.index("Abort", refusal) < install.index('File /r "${SOURCE}/*"')
    guard = install.index('${If} ${FileExists} "$INSTDIR\\InvestDesk.exe"')
    assert guard < install.index('RMDir /r "$INSTDIR\\_internal"') < install.index("${EndIf}", guard)


def test_uninstaller_removes_only_the_registry_values_it_wrote():
    uninstall = (SCRIPTS / "installer.nsi").read_text(encoding="utf-8-sig")
    uninstall = uninstall[uninstall.index('Section "Uninstall"'):]
    assert 'DeleteRegKey HKCU "Software\\${APPKEY}"' not in uninstall
    assert 'DeleteRegValue HKCU "Software\\${APPKEY}" "InstallDir"' in uninstall
    assert 'DeleteRegKey /ifempty HKCU "Software\\${APPKEY}"' in uninstall


# --- The workflow -----------------------------------------------------------------------------------

WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"


def _workflow_steps(text: str) -> list[str]:
    """The steps of the one job, each as its text (the file is a plain list of `      - ` items)."""
    body = text[text.index("    steps:\n") + len("    steps:\n"):]
    return ["      - " + part for part in re.split(r"^      - ", body, flags=re.M)[1:]]


def test_workflow_keeps_the_artifacts_when_only_windows_tests_fail():
    steps = _workflow_steps(WORKFLOW.read_text(encoding="utf-8"))
    names = [re.search(r"(?:name|uses): (.+)", step).group(1) for step in steps]
    tests = names.index("Tests")
    last_upload = max(i for i, name in enumerate(names) if name.startswith("actions/upload-artifact"))
    assert tests > last_upload
    assert "if: ${{ !cancelled() && steps.install.outcome == 'success' }}" in steps[tests]
    assert "id: install" in steps[names.index("Install")]
    assert "python -m pytest" in steps[tests]


def test_workflow_installs_the_pyside6_wheels_the_project_names():
    import tomllib

    workflow = WORKFLOW.read_text(encoding="utf-8")
    assert 'pip install -e ".[build,server,test]"' in workflow
    assert not re.search(r"pip install[^\n]*\bPySide6\b(?![-_])", workflow)  # never the meta-package
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower() for requirement in project["dependencies"]}
    assert {"pyside6-essentials", "pyside6-addons"} <= names and "pyside6" not in names
    assert 'python-version: "3.11"' in workflow and "architecture: x64" in workflow


def _workflow_makensis_command(workflow: str, version: str, numeric: str) -> list[str]:
    lines = workflow[workflow.index("          makensis "):].splitlines()
    command = []
    for line in lines:
        command.append(line.strip().rstrip("`").strip())
        if not line.rstrip().endswith("`"):
            break
    words = " ".join(command).replace("$version", version).replace("$numeric", numeric).split()
    # makensis accepts -X for /X everywhere; on Linux a /X would be taken for a file name.
    return ["-" + word[1:] if word.startswith("/") else word for word in words[1:]]


@needs_makensis
def test_workflow_makensis_call_finds_the_build_and_writes_what_is_uploaded(tmp_path):
    """The workflow's own makensis line, in a copy of the checkout's layout: the folder build.py
    writes is what gets installed, and the installer lands where the upload step looks for it."""
    workflow = WORKFLOW.read_text(encoding="utf-8")
    build = _load_build_module()
    uploads = re.findall(r"^\s+path: (\S+)$", workflow, re.M)
    assert Path(uploads[0].rstrip("/")) == (build.DIST / "InvestDesk").relative_to(ROOT)
    assert f"--json {uploads[1]}" in workflow  # the size step writes what is uploaded

    (tmp_path / "build_scripts").mkdir()
    shutil.copy(SCRIPTS / "installer.nsi", tmp_path / "build_scripts")
    (tmp_path / "resources" / "icons").mkdir(parents=True)
    shutil.copy(ROOT / "resources" / "icons" / "investdesk.ico", tmp_path / "resources" / "icons")
    _fake_program_folder(tmp_path / build.DIST.relative_to(ROOT) / "InvestDesk")
    args = _workflow_makensis_command(workflow, "0.2.0rc1", build.numeric_version("0.2.0rc1"))
    if sys.platform != "win32":
        args[-1] = args[-1].replace("\\", "/")  # the script's own path is the shell's business
    result = _run_makensis(args, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    installers = sorted(tmp_path.glob(uploads[2]))
    assert [p.name for p in installers] == ["InvestDesk-0.2.0rc1-setup.exe"]
    assert installers[0].stat().st_size > 10_000


def test_workflow_finds_nsis_on_the_runner_before_installing_it():
    steps = _workflow_steps(WORKFLOW.read_text(encoding="utf-8"))
    nsis = next(step for step in steps if "name: Installer (NSIS)" in step)
    assert nsis.index(r'$env:Path = "C:\Program Files (x86)\NSIS;"') < nsis.index("Get-Command makensis")


# --- build.py's smoke test and output -----------------------------------------------------------------

def test_smoke_runs_the_windowed_program_too_on_windows(tmp_path):
    build = _load_build_module()
    assert build.smoke_programs(tmp_path, "win32") == [
        (tmp_path / "investdesk-cli.exe", True), (tmp_path / "InvestDesk.exe", False)]
    assert build.smoke_programs(tmp_path, "linux") == [(tmp_path / "investdesk-cli", True)]


@pytest.mark.parametrize(("windowed_exit", "expected"), [(0, 0), (1, 1)])
def test_smoke_fails_when_the_windowed_program_fails(monkeypatch, tmp_path, capsys, windowed_exit, expected):
    build = _load_build_module()
    cli, gui = tmp_path / "investdesk-cli.exe", tmp_path / "InvestDesk.exe"
    monkeypatch.setattr(build, "smoke_programs", lambda folder: [(cli, True), (gui, False)])
    passed = "自检通过，用时 9.0 秒。\n".encode("utf-8")

    def fake_run(args, **kwargs):
        assert kwargs["env"]["QT_QPA_PLATFORM"] == "offscreen" and "PYTHONUTF8" not in kwargs["env"]
        if args[0] == str(cli):
            return subprocess.CompletedProcess(args, 0, passed, b"")
        return subprocess.CompletedProcess(args, windowed_exit, b"", b"")  # no console, no output

    monkeypatch.setattr(build.subprocess, "run", fake_run)
    assert build.smoke(tmp_path) == expected
    out = capsys.readouterr().out
    assert "smoke test of investdesk-cli.exe: passed" in out
    assert ("smoke test of InvestDesk.exe: passed" in out) == (expected == 0)


def test_smoke_reports_a_program_that_cannot_start(tmp_path, capsys):
    build = _load_build_module()
    assert "cannot start" in build.smoke_one(tmp_path / "missing-program", True)
    assert "FAILED" in capsys.readouterr().out


def test_build_output_survives_a_western_code_page(monkeypatch):
    """`python build_scripts/build.py > build.log` on an English Windows: a cp1252 pipe."""
    import io

    build = _load_build_module()
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1252")
    monkeypatch.setattr(sys, "stdout", stream)
    build.utf8_output()
    print("100.0 MB (target ≤ 150 MB, 达标)")
    stream.flush()
    assert raw.getvalue().decode("utf-8") == "100.0 MB (target ≤ 150 MB, 达标)\n"
