"""Build the one-folder program with PyInstaller: `python build_scripts/build.py [--smoke] [--max-mb 150]`.

Writes dist/InvestDesk/ (InvestDesk + investdesk-cli and everything they need) on the current
system — Windows for the release, Linux here to check the spec. With --smoke it then runs the
frozen program's self-test offscreen (`investdesk-cli --selftest`), which proves that every resource
is found when frozen and that the console program prints UTF-8 by itself; on Windows the windowed
InvestDesk.exe runs it too (its exit code is all it can tell). Prints the folder's size against the
150 MB target; with --max-mb it fails when the folder is larger.

`--numeric-version` only prints the four-number version the installer's version resource needs
(makensis /DVERSION_NUMERIC=…).
"""

from __future__ import annotations

import argparse
import os
import re
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


def _source_on_path() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def version() -> str:
    _source_on_path()
    from desktop import __version__

    return __version__


def numeric_version(text: str) -> str:
    """Four numbers for Windows' version resources: 0.1.0 → 0.1.0.0, 0.2.0rc1 → 0.2.0.0, 1.2.3.4 → 1.2.3.4.

    Windows (and makensis's VIProductVersion) accept nothing else: a pre-release or local suffix is
    dropped, missing parts are 0, a fifth part is ignored.
    """
    match = re.match(r"\d+(?:\.\d+)*", text.strip().lstrip("vV"))
    if match is None:
        raise ValueError(f"not a version: {text!r}")
    parts = [min(int(p), 65535) for p in match.group(0).split(".")[:4]]
    parts += [0] * (4 - len(parts))
    return ".".join(str(p) for p in parts)


# What each program's file properties (详细信息) say besides the version.
PROGRAMS = {
    "InvestDesk": "招商工作台 InvestDesk",
    "investdesk-cli": "招商工作台 命令行 investdesk-cli",
}


def version_file_text(text: str, program: str = "InvestDesk") -> str:
    """The Windows version resource (file properties → 详细信息) of one program, from the package version."""
    numbers = ", ".join(numeric_version(text).split("."))
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers=({numbers}), prodvers=({numbers}), mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('080404b0', [
      StringStruct('CompanyName', '县招商服务中心'),
      StringStruct('FileDescription', '{PROGRAMS[program]}'),
      StringStruct('FileVersion', '{text}'),
      StringStruct('InternalName', '{program}'),
      StringStruct('OriginalFilename', '{program}.exe'),
      StringStruct('ProductName', '招商工作台'),
      StringStruct('ProductVersion', '{text}')])]),
    VarFileInfo([VarStruct('Translation', [2052, 1200])])
  ]
)
"""


def write_version_file(path: Path, text: str, program: str = "InvestDesk") -> Path:
    """Write `program`'s version resource unless the file already says exactly that (missing or stale:
    rewritten). PyInstaller reads it as UTF-8."""
    wanted = version_file_text(text, program)
    try:
        if path.read_text(encoding="utf-8") == wanted:
            return path
    except (OSError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(wanted, encoding="utf-8")
    return path


def write_version_files(folder: Path, text: str | None = None) -> dict[str, Path]:
    """One version file per program (each names its own .exe); the spec calls this itself."""
    text = text or version()
    return {program: write_version_file(folder / f"version_info_{program}.txt", text, program) for program in PROGRAMS}


def folder_size(path: Path) -> int:
    """Bytes of the files in the folder; symbolic links (Linux: investdesk-cli → InvestDesk) count 0."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def build() -> tuple[Path, float]:
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
    return folder, size_mb


# Set in a developer's shell or a CI job, these would make the frozen program print UTF-8 even if it
# did not do so by itself (PyInstaller programs honour them): a user's PC has neither.
ENCODING_OVERRIDES = ("PYTHONUTF8", "PYTHONIOENCODING", "PYTHONLEGACYWINDOWSSTDIO")


def smoke_environment(data: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", INVESTDESK_DATA_DIR=data)
    for name in ("PYTHONPATH", *ENCODING_OVERRIDES):
        env.pop(name, None)
    return env


def check_selftest_output(returncode: int, raw: bytes) -> str:
    """Why the self-test did not pass, or "" when it exited 0 and printed strict UTF-8 with its success line."""
    _source_on_path()
    from desktop.selftest import PASSED

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"the output is not UTF-8 ({exc}): the console program does not print UTF-8 by itself"
    if returncode != 0:
        return f"exit code {returncode}"
    if not any(line.startswith(PASSED) for line in text.splitlines()):
        return f"no line starting with “{PASSED}” in the output"
    return ""


def smoke_programs(folder: Path, platform: str = sys.platform) -> list[tuple[Path, bool]]:
    """The programs whose self-test must pass, each with whether its output is checked.

    investdesk-cli everywhere (on Linux InvestDesk is the same file). On Windows also InvestDesk.exe,
    the program users start: it has its own (windowed) bootloader and no console, so only its exit
    code counts.
    """
    if platform == "win32":
        return [(folder / "investdesk-cli.exe", True), (folder / "InvestDesk.exe", False)]
    return [(folder / "investdesk-cli", True)]


def smoke_one(exe: Path, check_output: bool) -> str:
    """Run one program's self-test in a fresh data folder; why it failed, or "" when it passed."""
    with tempfile.TemporaryDirectory(prefix="investdesk-smoke-", ignore_cleanup_errors=True) as data:
        # Run from an unrelated folder so nothing is found in the source tree by accident.
        try:
            result = subprocess.run([str(exe), "--selftest"], cwd=data, env=smoke_environment(data),
                                    capture_output=True, timeout=600)
            returncode, raw = result.returncode, result.stdout + result.stderr
            if check_output:
                problem = check_selftest_output(returncode, raw)
            else:
                problem = f"exit code {returncode}" if returncode != 0 else ""
        except subprocess.TimeoutExpired as exc:
            raw = (exc.stdout or b"") + (exc.stderr or b"")
            problem = "no answer within 600 s"
        except OSError as exc:  # the program is missing or cannot be started
            raw, problem = b"", f"cannot start {exe.name}: {exc}"
    # The bytes as they came: this console may not be UTF-8, and a failure is worth seeing as it is.
    sys.stdout.flush()
    sys.stdout.buffer.write(raw)
    sys.stdout.buffer.flush()
    print(f"smoke test of {exe.name}: {'FAILED: ' + problem if problem else 'passed'}", flush=True)
    return problem


def smoke(folder: Path) -> int:
    problems = [smoke_one(exe, check_output) for exe, check_output in smoke_programs(folder)]
    return 1 if any(problems) else 0


def utf8_output() -> None:
    """This script's own lines in UTF-8 whatever the code page: they hold “≤” and Chinese, which a
    cp1252 pipe (`python build_scripts/build.py > build.log` on an English Windows) cannot encode —
    a crash after minutes of building. A console window shows them either way (Python writes UTF-16)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if stream is not None and hasattr(stream, "reconfigure") and encoding != "utf8":
            stream.reconfigure(encoding="utf-8", errors="replace")


def pyinstaller_missing() -> bool:
    if shutil.which("pyinstaller") is not None:
        return False
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        return True
    return False


def main() -> int:
    utf8_output()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="after building, run the frozen self-test offscreen")
    parser.add_argument("--max-mb", type=float, metavar="MB",
                        help=f"fail when the built folder is larger (the target is {TARGET_MB} MB)")
    parser.add_argument("--numeric-version", action="store_true",
                        help="only print the four-number version (makensis /DVERSION_NUMERIC=…)")
    args = parser.parse_args()
    if args.numeric_version:
        print(numeric_version(version()))
        return 0
    if pyinstaller_missing():
        print("PyInstaller is not installed: pip install -e .[build]", file=sys.stderr)
        return 2
    folder, size_mb = build()
    if args.smoke and smoke(folder) != 0:
        return 1
    if args.max_mb is not None and size_mb > args.max_mb:
        print(f"the folder is {size_mb:.1f} MB, over the limit of {args.max_mb:g} MB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
