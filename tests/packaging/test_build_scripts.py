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


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis (Debian package nsis) is not installed")
def test_installer_script_compiles(tmp_path):
    source = tmp_path / "InvestDesk"
    (source / "_internal").mkdir(parents=True)
    (source / "InvestDesk.exe").write_bytes(b"MZ")
    (source / "investdesk-cli.exe").write_bytes(b"MZ")
    out = tmp_path / "setup.exe"
    result = subprocess.run(
        ["makensis", "-V2", f"-DVERSION={__version__}", f"-DSOURCE={source}", f"-DOUTFILE={out}",
         f"-DICON={ROOT / 'resources' / 'icons' / 'investdesk.ico'}", str(SCRIPTS / "installer.nsi")],
        capture_output=True, text=True, cwd=SCRIPTS,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.stat().st_size > 10_000


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
