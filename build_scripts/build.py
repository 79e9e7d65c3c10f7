"""Build the one-folder program with PyInstaller: `python build_scripts/build.py [--smoke]`.

Writes dist/InvestDesk/ (InvestDesk + investdesk-cli and everything they need) on the current
system — Windows for the release, Linux here to check the spec. With --smoke it then runs the
frozen program's self-test offscreen (`investdesk-cli --selftest`), which proves that every resource
is found when frozen. Prints the folder's size against the 150 MB target.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
BUILD = ROOT / "build"
TARGET_MB = 150


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from desktop import __version__

    return __version__


def write_version_file(path: Path, text: str) -> None:
    """The Windows version resource (file properties → 详细信息), from the package version."""
    parts = [int(p) for p in text.split(".")[:4] if p.isdigit()]
    parts += [0] * (4 - len(parts))
    numbers = ", ".join(str(p) for p in parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers=({numbers}), prodvers=({numbers}), mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('080404b0', [
      StringStruct('CompanyName', '县招商服务中心'),
      StringStruct('FileDescription', '招商工作台 InvestDesk'),
      StringStruct('FileVersion', '{text}'),
      StringStruct('InternalName', 'InvestDesk'),
      StringStruct('OriginalFilename', 'InvestDesk.exe'),
      StringStruct('ProductName', '招商工作台'),
      StringStruct('ProductVersion', '{text}')])]),
    VarFileInfo([VarStruct('Translation', [2052, 1200])])
  ]
)
""", encoding="utf-8")


def folder_size(path: Path) -> int:
    """Bytes of the files in the folder; symbolic links (Linux: investdesk-cli → InvestDesk) count 0."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def build() -> Path:
    write_version_file(BUILD / "version_info.txt", version())
    env = dict(os.environ, INVESTDESK_BUILD_DIR=str(BUILD))
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(BUILD / "pyinstaller"),
         str(ROOT / "build_scripts" / "investdesk.spec")],
        check=True, cwd=ROOT, env=env,
    )
    folder = DIST / "InvestDesk"
    size_mb = folder_size(folder) / 1024 / 1024
    verdict = "达标" if size_mb <= TARGET_MB else "超标"
    print(f"built {folder} in {time.perf_counter() - started:.0f} s: {size_mb:.1f} MB (target ≤ {TARGET_MB} MB, {verdict});"
          " by part: python bench/build_size.py")
    return folder


def smoke(folder: Path) -> int:
    exe = folder / ("investdesk-cli.exe" if sys.platform == "win32" else "investdesk-cli")
    with tempfile.TemporaryDirectory(prefix="investdesk-smoke-") as data:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", INVESTDESK_DATA_DIR=data)
        env.pop("PYTHONPATH", None)
        # Run from an unrelated folder so nothing is found in the source tree by accident.
        result = subprocess.run([str(exe), "--selftest"], cwd=data, env=env)
    print(f"smoke test: {'passed' if result.returncode == 0 else 'FAILED'} (exit {result.returncode})")
    return result.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="after building, run the frozen self-test offscreen")
    args = parser.parse_args()
    if shutil.which("pyinstaller") is None:
        try:
            import PyInstaller  # noqa: F401
        except ImportError:
            print("PyInstaller is not installed: pip install -e .[build]", file=sys.stderr)
            return 2
    folder = build()
    return smoke(folder) if args.smoke else 0


if __name__ == "__main__":
    sys.exit(main())
