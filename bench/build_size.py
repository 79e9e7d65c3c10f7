"""Size of the one-folder build by part, and an ESTIMATE of the Windows folder (target ≤ 150 MB).

    .venv/bin/python bench/build_size.py [--dist dist/InvestDesk] [--windows-wheels DIR] [--json FILE]

Part 1 (measured): every file of the built folder (python build_scripts/build.py), grouped by what
brought it. Symbolic links count 0 bytes (on Linux investdesk-cli is one, to InvestDesk). The
"floor" is what any PySide6 widgets program frozen the same way carries: the Python interpreter and
its extension modules, QtCore/QtGui/QtWidgets with their bindings, and ICU where Qt needs it.

Part 2 (ESTIMATE, not a measurement; only with --windows-wheels): the Windows build cannot be run
here. Download the win_amd64 wheels of the versions in .venv first:

    .venv/bin/pip download --only-binary=:all: --platform win_amd64 --python-version 3.11 --no-deps \\
        -d /tmp/winwheels PySide6-Essentials==6.11.3 PySide6-Addons==6.11.3 shiboken6==6.11.3 \\
        cryptography==50.0.2 pillow==13.0.0 psycopg-binary==3.3.9 python-calamine==0.9.1 cffi==2.1.1 \\
        pyinstaller==6.22.3

The estimate takes from those wheels what the spec keeps: the Python extension modules the Linux
build collected (by name, .pyd instead of .so), the Qt plugins of the folders PyInstaller's Qt hooks
collect minus the spec's UNUSED_BINARIES, and every DLL they import (read from the PE import tables,
followed transitively inside the wheels). Pure Python and data files (the programs' archives,
pypinyin, reportlab's fonts, resources) are taken from the Linux folder, plus the Windows bootloader
sizes from the PyInstaller wheel, and investdesk-cli.exe counted as a second full copy. Python itself
(python311.dll, its .pyd modules, OpenSSL, SQLite, libffi) is not on PyPI: a documented APPROXIMATE
figure from the python.org 3.11 amd64 distribution is added, marked as such.

Measured here (2026-11-27, Linux, pyenv Python 3.11.7, PySide6 6.11.3, PyInstaller 6.22.3):
    folder 227 MB before the size work of issue 9 → 145.6 MB after (target ≤ 150 MB, 0.97 of it);
    floor 88.0 MB (ICU alone 35.9 MB of it), folder / floor = 1.65×.
    Windows ESTIMATE: 111 MB (16 MB of it the approximate Python figure), 0.74 of the target; the
    same estimate for the spec before the size work, worked out by hand from the wheels, ≈ 119 MB.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import struct
import sys
import zipfile
from collections import defaultdict
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build_scripts" / "investdesk.spec"
TARGET_MB = 150
MB = 1024 * 1024

# (group, pattern on the path inside the folder, '/' separated). First match wins.
GROUPS = [
    ("programs (InvestDesk, investdesk-cli)", "*"),  # top-level files only, see classify()
    ("Qt: ICU data and libraries (Linux only)", "_internal/PySide6/Qt/lib/libicu*"),
    ("Qt: QtCore/QtGui/QtWidgets libraries", "_internal/PySide6/Qt/lib/libQt6Core.*"),
    ("Qt: QtCore/QtGui/QtWidgets libraries", "_internal/PySide6/Qt/lib/libQt6Gui.*"),
    ("Qt: QtCore/QtGui/QtWidgets libraries", "_internal/PySide6/Qt/lib/libQt6Widgets.*"),
    ("Qt: QtCore/QtGui/QtWidgets libraries", "_internal/PySide6/Qt6Core.dll"),
    ("Qt: QtCore/QtGui/QtWidgets libraries", "_internal/PySide6/Qt6Gui.dll"),
    ("Qt: QtCore/QtGui/QtWidgets libraries", "_internal/PySide6/Qt6Widgets.dll"),
    ("Qt: plugins and translations", "_internal/PySide6/Qt/plugins/*"),
    ("Qt: plugins and translations", "_internal/PySide6/plugins/*"),
    ("Qt: plugins and translations", "_internal/PySide6/Qt/translations/*"),
    ("Qt: plugins and translations", "_internal/PySide6/translations/*"),
    ("Qt: other libraries (Pdf, Charts, Network, OpenGL, Svg, PrintSupport …)", "_internal/PySide6/Qt/lib/*"),
    ("Qt: other libraries (Pdf, Charts, Network, OpenGL, Svg, PrintSupport …)", "_internal/PySide6/Qt6*.dll"),
    ("PySide6: QtCore/QtGui/QtWidgets bindings, shiboken", "_internal/PySide6/QtCore.*"),
    ("PySide6: QtCore/QtGui/QtWidgets bindings, shiboken", "_internal/PySide6/QtGui.*"),
    ("PySide6: QtCore/QtGui/QtWidgets bindings, shiboken", "_internal/PySide6/QtWidgets.*"),
    ("PySide6: QtCore/QtGui/QtWidgets bindings, shiboken", "_internal/PySide6/*pyside6*"),
    ("PySide6: QtCore/QtGui/QtWidgets bindings, shiboken", "_internal/shiboken6/*"),
    ("PySide6: QtCore/QtGui/QtWidgets bindings, shiboken", "_internal/*shiboken6*"),
    ("PySide6: QtCore/QtGui/QtWidgets bindings, shiboken", "_internal/*pyside6*"),
    ("PySide6: other bindings", "_internal/PySide6/*"),
    ("Python: interpreter", "_internal/libpython*"),
    ("Python: interpreter", "_internal/python3*.dll"),
    ("Python: extension modules, base_library.zip", "_internal/python3.*/lib-dynload/*"),
    ("Python: extension modules, base_library.zip", "_internal/base_library.zip"),
    ("Python: extension modules, base_library.zip", "_internal/*.pyd"),
    ("Python: extension modules, base_library.zip", "_internal/lib*.dll"),
    ("Python: extension modules, base_library.zip", "_internal/sqlite3.dll"),
    ("Python: extension modules, base_library.zip", "_internal/vcruntime*.dll"),
    ("cryptography (Ed25519 exchange signatures)", "_internal/cryptography*"),
    ("cryptography (Ed25519 exchange signatures)", "_internal/_cffi_backend*"),
    ("psycopg binary + its libpq/OpenSSL (server mode)", "_internal/psycopg*"),
    ("Pillow (reportlab imports PIL.Image)", "_internal/PIL/*"),
    ("Pillow (reportlab imports PIL.Image)", "_internal/pillow.libs/*"),
    ("python-calamine (Excel import)", "_internal/python_calamine/*"),
    ("pypinyin dictionaries", "_internal/pypinyin/*"),
    ("reportlab data (Vera fonts)", "_internal/reportlab/*"),
    ("app resources (Chinese font, calendars, icons)", "_internal/resources/*"),
    ("host system libraries (Linux)", "_internal/lib*.so*"),
    ("other", "*"),
]
FLOOR_GROUPS = {
    "Qt: ICU data and libraries (Linux only)",
    "Qt: QtCore/QtGui/QtWidgets libraries",
    "PySide6: QtCore/QtGui/QtWidgets bindings, shiboken",
    "Python: interpreter",
    "Python: extension modules, base_library.zip",
}


def classify(relative: str) -> str:
    if "/" not in relative:
        return GROUPS[0][0]
    for group, pattern in GROUPS[1:]:
        if fnmatch.fnmatchcase(relative, pattern):
            return group
    return "other"


def folder_breakdown(folder: Path) -> dict[str, int]:
    sizes: dict[str, int] = defaultdict(int)
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        sizes[classify(path.relative_to(folder).as_posix())] += path.stat().st_size
    return dict(sizes)


def print_breakdown(title: str, sizes: dict[str, int]) -> tuple[float, float]:
    total = sum(sizes.values()) / MB
    floor = sum(v for k, v in sizes.items() if k in FLOOR_GROUPS) / MB
    print(title)
    for group, size in sorted(sizes.items(), key=lambda item: -item[1]):
        print(f"  {size / MB:7.1f} MB  {size / MB / total * 100:5.1f} %  {group}")
    print(f"  {total:7.1f} MB  total (target ≤ {TARGET_MB} MB: {'达标' if total <= TARGET_MB else '超标'},"
          f" {total / TARGET_MB:.2f} of the target)")
    print(f"  {floor:7.1f} MB  floor: Python + QtCore/QtGui/QtWidgets and bindings (+ ICU on Linux);"
          f" folder / floor = {total / floor:.2f}×")
    return total, floor


# ---------------------------------------------------------------- Windows estimate

# python.org CPython 3.11 amd64 (3.11.9 installer / embeddable zip), sizes rounded: NOT measured here,
# Python for Windows is not on PyPI. (The MSVC runtime DLLs are counted from the PySide6 wheel.) Interpreter, the .pyd modules this app loads (_asyncio, _bz2,
# _ctypes, _decimal, _elementtree, _hashlib, _lzma, _multiprocessing, _overlapped, _queue, _socket,
# _sqlite3, _ssl, _uuid, _zoneinfo, pyexpat, select, unicodedata) and the DLLs they need.
PYTHON_WINDOWS_APPROX_MB = {
    "python311.dll": 5.7,
    "stdlib .pyd modules (unicodedata 1.1 MB, the rest 0.03–0.26 MB each)": 2.9,
    "libcrypto-3.dll + libssl-3.dll (OpenSSL 3.0, for _ssl/_hashlib)": 5.8,
    "sqlite3.dll": 1.6,
    "libffi-8.dll, python3.dll (abi3 modules import it)": 0.1,
}
# Plugin folders PyInstaller's Qt hooks collect for the modules the app imports (QtGui, QtWidgets,
# QtPrintSupport; QtNetwork is excluded by the spec).
QT_PLUGIN_FOLDERS = ("accessiblebridge", "generic", "iconengines", "imageformats", "platforms",
                     "platforminputcontexts", "platformthemes", "styles", "printsupport")
# Windows' own DLLs (and the UCRT api sets) that PyInstaller does not collect.
WINDOWS_SYSTEM = re.compile(
    r"^(api-ms-win-|ext-ms-)|^(kernel32|user32|gdi32|advapi32|shell32|ole32|oleaut32|ws2_32|winmm|version|"
    r"comdlg32|comctl32|imm32|dwmapi|uxtheme|shlwapi|crypt32|bcrypt|ncrypt|secur32|netapi32|userenv|"
    r"mpr|d3d9|d3d11|d3d12|dxgi|dcomp|dwrite|d2d1|opengl32|setupapi|wtsapi32|authz|"
    r"rpcrt4|iphlpapi|dnsapi|wldap32|normaliz|shcore|cfgmgr32|propsys|usp10|ntdll|powrprof|"
    r"dbghelp|ucrtbase|msvcrt|python3\d*|bcryptprimitives|icu|icuuc|icuin|runtimeobject|"
    r"dxcore|d3dcompiler_47|winhttp|wininet|sspicli|credui|mscms|hid|wevtapi|psapi|kernelbase|"
    r"uiautomationcore)\.dll$|^winspool\.drv$",
    re.I,
)


def pe_imports(data: bytes) -> list[str]:
    """Names of the DLLs a PE file imports (normal and delay-load import tables)."""
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    sections_count = struct.unpack_from("<H", data, pe + 6)[0]
    optional_size = struct.unpack_from("<H", data, pe + 20)[0]
    optional = pe + 24
    magic = struct.unpack_from("<H", data, optional)[0]
    directories = optional + (112 if magic == 0x20B else 96)
    sections = []
    for i in range(sections_count):
        base = optional + optional_size + 40 * i
        virtual_size, virtual_address, raw_size, raw_pointer = struct.unpack_from("<IIII", data, base + 8)
        sections.append((virtual_address, max(virtual_size, raw_size), raw_pointer))

    def offset(rva: int) -> int | None:
        for virtual_address, size, raw_pointer in sections:
            if virtual_address <= rva < virtual_address + size:
                return rva - virtual_address + raw_pointer
        return None

    def name_at(rva: int) -> str:
        start = offset(rva)
        return data[start:data.index(b"\0", start)].decode("ascii", "replace") if start is not None else ""

    names = []
    for index, entry_size, name_field in ((1, 20, 12), (13, 32, 4)):
        rva = struct.unpack_from("<I", data, directories + 8 * index)[0]
        position = offset(rva) if rva else None
        while position is not None and position + entry_size <= len(data):
            name_rva = struct.unpack_from("<I", data, position + name_field)[0]
            if name_rva == 0:
                break
            names.append(name_at(name_rva))
            position += entry_size
    return [n for n in names if n]


class Wheels:
    """The files of the downloaded win_amd64 wheels, by lower-case path and by lower-case DLL name."""

    def __init__(self, folder: Path):
        self.files: dict[str, tuple[zipfile.ZipFile, zipfile.ZipInfo]] = {}
        self.by_name: dict[str, str] = {}
        for wheel in sorted(folder.glob("*win_amd64.whl")) + sorted(folder.glob("*-none-any.whl")):
            archive = zipfile.ZipFile(wheel)
            for info in archive.infolist():
                key = info.filename.lower()
                self.files[key] = (archive, info)
                if key.endswith(".dll"):
                    self.by_name.setdefault(PurePosixPath(key).name, key)

    def size(self, key: str) -> int:
        return self.files[key][1].file_size

    def imports(self, key: str) -> list[str]:
        archive, info = self.files[key]
        return pe_imports(archive.read(info))

    def matching(self, pattern: str) -> list[str]:
        return [key for key in self.files if fnmatch.fnmatchcase(key, pattern.lower())]


def spec_unused_binaries() -> tuple[str, ...]:
    """UNUSED_BINARIES as the spec spells it (read, not imported: the spec runs only inside PyInstaller)."""
    text = SPEC.read_text(encoding="utf-8")
    block = text[text.index("UNUSED_BINARIES = ("):]
    block = block[:block.index(")\n") + 1]
    return tuple(re.findall(r'"([^"]+)"', block))


def windows_estimate(linux_folder: Path, wheel_folder: Path, listing: bool = False) -> dict[str, float]:
    wheels = Wheels(wheel_folder)
    unused = spec_unused_binaries()
    internal = linux_folder / "_internal"

    def kept(key: str) -> bool:
        return not any(part in key for part in unused)

    # Extension modules the Linux build collected → their Windows counterparts.
    roots: list[str] = []
    for path in internal.rglob("*.so"):
        relative = path.relative_to(internal).as_posix()
        if relative.startswith(("python3.", "PySide6/Qt/")) or "/" not in relative and not relative.startswith("_cffi"):
            continue  # stdlib (approximate figure below), Qt's own libraries and plugins, host libraries
        stem = relative.split(".")[0]  # PySide6/QtCore.abi3.so → PySide6/QtCore
        candidates = wheels.matching(stem + ".pyd") + wheels.matching(stem + ".*.pyd")
        if candidates:
            roots.append(candidates[0])
        elif relative.endswith((".abi3.so", ".so")) and "pyside6" not in relative.lower():
            print(f"  (no Windows counterpart found for {relative})", file=sys.stderr)
    roots += [key for key in wheels.matching("pyside6/plugins/*/*.dll")
              if key.split("/")[2] in QT_PLUGIN_FOLDERS and kept(key)]

    collected: dict[str, str] = {}  # lower-case destination name → wheel key
    pending = list(roots)
    while pending:
        key = pending.pop()
        name = PurePosixPath(key).name
        destination = key if not key.endswith(".dll") or "/plugins/" in key else name
        if destination in collected:
            continue
        collected[destination] = key
        for dll in wheels.imports(key):
            dll = dll.lower()
            if WINDOWS_SYSTEM.search(dll) or dll in collected:
                continue
            found = wheels.by_name.get(dll)
            if found is None:
                print(f"  (not in the wheels, assumed a Windows DLL: {dll}, imported by {name})", file=sys.stderr)
            elif kept(found):
                pending.append(found)

    icu = [key for key in wheels.files if re.search(r"(^|/)icu(dt|in|uc)\d*\.dll$", key)]
    print(f"  ICU DLLs in the win_amd64 wheels: {len(icu)} (Qt for Windows uses the system's ICU)", file=sys.stderr)
    groups: dict[str, float] = defaultdict(float)
    for destination, key in collected.items():
        top = key.split("/")[0]
        if top == "pyside6" and "/plugins/" in key:
            group = "Qt: plugins"
        elif top in ("pyside6", "shiboken6") and (key.endswith(".pyd") or ".abi3." in key):
            group = "PySide6 bindings, shiboken"
        elif re.search(r"(msvcp|vcruntime|concrt|vccorlib|vcamp|vcomp)", destination):
            group = "MSVC runtime"
        elif top in ("pyside6", "shiboken6"):
            group = "Qt libraries (no ICU on Windows)"
        else:
            group = {"pil": "Pillow", "pillow.libs": "Pillow", "psycopg_binary": "psycopg binary + libs",
                     "psycopg_binary.libs": "psycopg binary + libs", "cryptography": "cryptography",
                     "_cffi_backend.cp311-win_amd64.pyd": "cryptography",
                     "python_calamine": "python-calamine"}.get(top, top)
        groups[group] += wheels.size(key) / MB
        if listing:
            print(f"  {wheels.size(key) / MB:6.2f} MB  {key}  [{group}]")

    # Same on both systems: data files and the pure-Python archive inside each program.
    for name in ("pypinyin", "reportlab", "resources"):
        groups["data (pypinyin, reportlab fonts, resources) — as on Linux"] += sum(
            f.stat().st_size for f in (internal / name).rglob("*") if f.is_file()) / MB
    groups["data (pypinyin, reportlab fonts, resources) — as on Linux"] += sum(
        f.stat().st_size for f in internal.glob("*.dist-info/*") if f.is_file()) / MB
    translations = internal / "PySide6" / "Qt" / "translations"
    groups["Qt: plugins"] += sum(f.stat().st_size for f in translations.glob("*")) / MB
    linux_program = (linux_folder / "InvestDesk").stat().st_size
    linux_bootloader = Path(__import__("PyInstaller").__file__).parent / "bootloader" / "Linux-64bit-intel" / "run"
    archive_size = linux_program - linux_bootloader.stat().st_size
    bootloaders = sum(wheels.size(k) for k in wheels.matching("pyinstaller/bootloader/windows-64bit-intel/run*.exe")
                      if not k.endswith("_d.exe"))
    groups["programs: InvestDesk.exe + investdesk-cli.exe (archive counted twice)"] = (
        2 * archive_size + bootloaders) / MB
    groups["Python: base_library.zip — as on Linux"] = (internal / "base_library.zip").stat().st_size / MB
    for label, size in PYTHON_WINDOWS_APPROX_MB.items():
        groups[f"APPROXIMATE Python for Windows: {label}"] = size
    return dict(groups)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist" / "InvestDesk")
    parser.add_argument("--windows-wheels", type=Path, help="folder with the downloaded win_amd64 wheels")
    parser.add_argument("--list", action="store_true", help="list every file the Windows estimate counts from the wheels")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    if not args.dist.is_dir():
        print(f"{args.dist} is missing: run python build_scripts/build.py first", file=sys.stderr)
        return 2
    result: dict[str, object] = {}
    sizes = folder_breakdown(args.dist)
    total, floor = print_breakdown(f"{args.dist} ({sys.platform}), measured:", sizes)
    result.update(folder_mb=round(total, 1), floor_mb=round(floor, 1), ratio_to_floor=round(total / floor, 2),
                  groups_mb={k: round(v / MB, 2) for k, v in sizes.items()})
    if args.windows_wheels:
        estimate = windows_estimate(args.dist, args.windows_wheels, listing=args.list)
        estimated = sum(estimate.values())
        approximate = sum(v for k, v in estimate.items() if k.startswith("APPROXIMATE"))
        print("\nWindows folder, ESTIMATED from the win_amd64 wheels (not a build, not a measurement):")
        for group, size in sorted(estimate.items(), key=lambda item: -item[1]):
            print(f"  {size:7.1f} MB  {group}")
        print(f"  {estimated:7.1f} MB  estimated total, of which {approximate:.1f} MB an approximate figure "
              f"for Python itself (target ≤ {TARGET_MB} MB, {estimated / TARGET_MB:.2f} of the target)")
        result.update(windows_estimate_mb=round(estimated, 1), windows_python_approx_mb=round(approximate, 1),
                      windows_groups_mb={k: round(v, 2) for k, v in estimate.items()})
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
