"""The build scripts: the Windows version resource, the spec's choices, the installer's promises."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
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


def _makensis(tmp_path, *defines: str, charset: str = "UTF8"):
    source = tmp_path / "InvestDesk"
    (source / "_internal").mkdir(parents=True, exist_ok=True)
    (source / "InvestDesk.exe").write_bytes(b"MZ")
    (source / "investdesk-cli.exe").write_bytes(b"MZ")
    out = tmp_path / "setup.exe"
    result = subprocess.run(
        ["makensis", "-V2", "-INPUTCHARSET", charset, *defines, f"-DSOURCE={source}", f"-DOUTFILE={out}",
         f"-DICON={ROOT / 'resources' / 'icons' / 'investdesk.ico'}", str(SCRIPTS / "installer.nsi")],
        capture_output=True, text=True, cwd=SCRIPTS,
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
