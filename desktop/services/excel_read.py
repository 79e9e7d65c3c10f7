"""Reading a workbook or CSV file into plain rows, with the sender's row numbers kept exact.

python-calamine reads .xlsx/.xlsm/.xls/.ods (fast, no formulas or formats); it reports merged cells
for .xlsx/.xls only, so an .ods's merges are read from its content.xml. CSV is decoded as
UTF-8 (with or without BOM) or GB18030. Every way a file can be unreadable becomes an
`UnreadableFileError` with one Chinese sentence saying what to do. No Qt here.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from desktop.errors import Location, UserError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")
CSV_SUFFIXES = (".csv", ".txt")
WPS_SUFFIXES = (".et", ".ett", ".wps", ".dps")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Sheets that explain how to fill the list, not the list itself.
INSTRUCTION_WORDS = ("说明", "填表", "填报要求", "instructions", "readme", "下拉", "列表值")

SAVE_AS = "请用 Excel 或 WPS 打开后“另存为” .xlsx 格式再导入"


class UnreadableFileError(UserError):
    """The file cannot be read as a list at all (missing, locked, corrupt, encrypted, empty …)."""


@dataclass
class Table:
    """One sheet as rows of cell values; rows[i] is Excel row i + 1."""

    sheet: str
    sheets: list[str]
    rows: list[list]
    # Merged ranges as ((first_row, first_col), (last_row, last_col)), 0-based, inclusive.
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


def _fail(path: Path, message: str) -> UnreadableFileError:
    return UnreadableFileError(message, Location(file=path.name))


def _check_path(path: Path) -> bytes:
    """The first bytes of the file, after checking it exists and can be opened."""
    try:
        if not path.exists():
            raise _fail(path, "找不到这个文件，请检查文件是否已被移动或删除")
        if path.is_dir():
            raise _fail(path, "这是一个文件夹，请选择要导入的 Excel 文件")
        with open(path, "rb") as fh:
            head = fh.read(8)
    except UserError:
        raise
    except PermissionError as exc:
        raise _fail(path, "无法读取这个文件：它可能正在 Excel 或 WPS 中打开，请关闭文件后再导入") from exc
    except OSError as exc:
        raise _fail(path, f"无法读取这个文件（{exc.strerror or exc}），请把文件复制到本机后再导入") from exc
    suffix = path.suffix.lower()
    if suffix in WPS_SUFFIXES:
        raise _fail(path, f"这是 WPS 的 {suffix} 文件，{SAVE_AS}")
    if not head:
        raise _fail(path, "文件是空的（0 字节），请确认文件已保存完整后再导入")
    return head


def _is_encrypted_ole(path: Path) -> bool:
    """An OOXML workbook with a password is an OLE container holding an EncryptionInfo stream."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(4 * 1024 * 1024)
    except OSError:
        return False
    return "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data


def _is_csv(path: Path, head: bytes) -> bool:
    if path.suffix.lower() in CSV_SUFFIXES:
        return True
    return False


def _open_workbook(path: Path, head: bytes):
    from python_calamine import CalamineWorkbook

    suffix = path.suffix.lower()
    if head.startswith(OLE_MAGIC) and suffix != ".xls" and _is_encrypted_ole(path):
        raise _fail(path, "文件设置了打开密码，请在 Excel 中取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后再导入")
    if suffix not in WORKBOOK_SUFFIXES:
        if not (head.startswith(OLE_MAGIC) or head.startswith(ZIP_MAGIC)):
            raise _fail(path, f"这不是 Excel 表格文件，请选择 .xlsx、.xls、.ods 或 .csv 文件（{SAVE_AS}）")
    # A workbook saved under the wrong extension (an .xls renamed .xlsx, as mailed files often are):
    # calamine picks its reader by the name, so let it look at the content instead.
    misnamed = (head.startswith(OLE_MAGIC) and suffix in {".xlsx", ".xlsm", ".ods"}) or (
        head.startswith(ZIP_MAGIC) and suffix == ".xls")
    try:
        if misnamed:
            with open(path, "rb") as fh:
                return CalamineWorkbook.from_filelike(fh)
        return CalamineWorkbook.from_path(str(path))
    except BaseException as exc:  # a Rust panic arrives as a BaseException subclass
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise _translate(path, exc) from exc


def _translate(path: Path, exc: BaseException) -> UnreadableFileError:
    text = f"{type(exc).__name__} {exc}".lower()
    if "password" in text or "encrypt" in text:
        return _fail(path, "文件设置了打开密码，请在 Excel 中取消密码后再导入")
    if isinstance(exc, PermissionError) or "permission" in text or "denied" in text:
        return _fail(path, "无法读取这个文件：它可能正在 Excel 或 WPS 中打开，请关闭文件后再导入")
    return _fail(path, f"文件已损坏或不是 Excel 表格，无法读取，{SAVE_AS}")


def _visible_sheet_names(workbook) -> list[str]:
    names = []
    try:
        metadata = workbook.sheets_metadata
    except BaseException as exc:  # pragma: no cover - older calamine
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return list(workbook.sheet_names)
    for meta in metadata:
        if "worksheet" not in str(meta.typ).lower():
            continue
        if "visible" != str(meta.visible).rsplit(".", 1)[-1].lower():
            continue
        names.append(meta.name)
    return names


def is_instruction_sheet(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in INSTRUCTION_WORDS)


def order_sheets(names: list[str]) -> list[str]:
    """Data sheets first (in workbook order), instruction sheets last."""
    return [n for n in names if not is_instruction_sheet(n)] + [n for n in names if is_instruction_sheet(n)]


def list_sheets(path) -> list[str]:
    path = Path(path)
    head = _check_path(path)
    if _is_csv(path, head):
        return [path.stem]
    workbook = _open_workbook(path, head)
    try:
        names = order_sheets(_visible_sheet_names(workbook))
    finally:
        _close(workbook)
    if not names:
        raise _fail(path, "工作簿里没有可见的工作表，请取消隐藏要导入的工作表后再试")
    return names


def _close(workbook) -> None:
    try:
        workbook.close()
    except BaseException as exc:  # pragma: no cover
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise


def read_table(path, sheet: str | None = None) -> Table:
    """The chosen sheet (default: the first data sheet) as rows; row i is Excel row i + 1."""
    path = Path(path)
    head = _check_path(path)
    if _is_csv(path, head):
        return _read_csv(path)
    workbook = _open_workbook(path, head)
    try:
        names = order_sheets(_visible_sheet_names(workbook))
        if sheet is None:
            if not names:
                raise _fail(path, "工作簿里没有可见的工作表，请取消隐藏要导入的工作表后再试")
            # The first data sheet with anything in it: WPS and Excel add an empty “Sheet1” before the list.
            data_sheets = [n for n in names if not is_instruction_sheet(n)] or names
            for sheet in data_sheets:
                rows, merged = _read_sheet(path, workbook, sheet)
                if any(any(_filled(v) for v in row) for row in rows):
                    break
            else:
                sheet = data_sheets[0]
                rows, merged = _read_sheet(path, workbook, sheet)
        elif sheet not in workbook.sheet_names:
            raise UnreadableFileError(f"没有名为“{sheet}”的工作表，请重新选择工作表", Location(file=path.name))
        else:
            rows, merged = _read_sheet(path, workbook, sheet)
    finally:
        _close(workbook)
    rows = [r if type(r) is list else list(r) for r in rows]  # calamine's rows already are fresh lists
    if merged is None:
        # calamine knows merged ranges only for .xlsx/.xls; an .ods (a zip, whatever its name) says
        # them in its content.xml.
        merged = ods_merged_ranges(path, sheet) if head.startswith(ZIP_MAGIC) else []
        _blank_covered_cells(rows, merged)
    else:
        merged = list(merged)
    if not any(any(_filled(v) for v in row) for row in rows):
        raise UnreadableFileError("工作表是空的，请确认选择了填有项目的工作表", Location(file=path.name, sheet=sheet))
    return Table(sheet=sheet, sheets=names, rows=rows, merged=merged)


def _read_sheet(path: Path, workbook, sheet: str) -> tuple[list, list | None]:
    """A sheet's rows as calamine reads them and its merged ranges (None: calamine cannot tell them)."""
    try:
        ws = workbook.get_sheet_by_name(sheet)
        rows = ws.to_python(skip_empty_area=False)
        try:
            merged = ws.merged_cell_ranges
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            merged = []
    except UserError:
        raise
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise _translate(path, exc) from exc
    return rows, merged


_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_SPAN_ATTRIBUTES = (b"number-rows-spanned", b"number-columns-spanned")
# More merged ranges than any list a person fills in: such a file is not a list, its merges are ignored.
MAX_MERGED_RANGES = 100_000


class _SheetEnded(Exception):
    """Raised from the parser's handler to stop reading once the wanted sheet is over."""


def _has_spans(archive) -> bool:
    """Whether content.xml names a span at all: program-made .ods files seldom do, and then need no parse."""
    overlap = max(len(a) for a in _SPAN_ATTRIBUTES)
    tail = b""
    with archive.open("content.xml") as content:
        while chunk := content.read(1 << 20):
            window = tail + chunk
            if any(attribute in window for attribute in _SPAN_ATTRIBUTES):
                return True
            tail = window[-overlap:]
    return False


def ods_merged_ranges(path, sheet: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Merged ranges of `sheet` in an .ods, 0-based inclusive like calamine's, counted from cell A1.

    A merge is a table-cell with number-rows/columns-spanned; rows and cells carry
    number-rows/columns-repeated (a sheet's trailing empty row is one element repeated a million
    times), so repeats are counted, never expanded. content.xml is read as a stream with expat (no tree
    is built: ElementTree.iterparse took 1.5 × the time) and only up to the end of the sheet. A damaged
    file has no merged ranges rather than no table.
    """
    import zipfile
    from xml.parsers import expat

    table, row_tag = _TABLE + "table", _TABLE + "table-row"
    cell, covered = _TABLE + "table-cell", _TABLE + "covered-table-cell"
    name = _TABLE + "name"
    rows_repeated, columns_repeated = _TABLE + "number-rows-repeated", _TABLE + "number-columns-repeated"
    rows_spanned, columns_spanned = _TABLE + "number-rows-spanned", _TABLE + "number-columns-spanned"
    found: list[tuple[tuple[int, int], tuple[int, int]]] = []
    in_sheet = False
    nested = 0  # tables inside the sheet's cells: their rows are not the sheet's
    row = next_row = column = 0
    row_repeats = 1

    def count(attributes, key) -> int:
        value = attributes.get(key)
        return max(1, int(value)) if value else 1

    def start(tag, attributes):
        nonlocal in_sheet, nested, row, next_row, column, row_repeats
        if tag == cell or tag == covered:
            if not in_sheet or nested:
                return
            repeated = count(attributes, columns_repeated)
            if tag == cell and (rows_spanned in attributes or columns_spanned in attributes):
                height, width = count(attributes, rows_spanned), count(attributes, columns_spanned)
                if height > 1 or width > 1:
                    if len(found) + row_repeats * repeated > MAX_MERGED_RANGES:
                        raise ValueError("more merged ranges than a list has")
                    for r0 in range(row, row + row_repeats):
                        for c0 in range(column, column + repeated):
                            found.append(((r0, c0), (r0 + height - 1, c0 + width - 1)))
            column += repeated
        elif tag == row_tag:
            if in_sheet and not nested:
                row, row_repeats, column = next_row, count(attributes, rows_repeated), 0
                next_row += row_repeats
        elif tag == table:
            if in_sheet:
                nested += 1
            elif attributes.get(name) == sheet:
                in_sheet = True

    def end(tag):
        nonlocal nested
        if tag == table and in_sheet:
            if not nested:
                raise _SheetEnded
            nested -= 1

    try:
        with zipfile.ZipFile(path) as archive:
            if not _has_spans(archive):
                return []
            parser = expat.ParserCreate(namespace_separator="}")
            parser.StartElementHandler = start
            parser.EndElementHandler = end
            with archive.open("content.xml") as content:
                while chunk := content.read(1 << 20):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
    except _SheetEnded:
        return sorted(found)
    except Exception:  # a damaged zip or XML: the rows can still be read, only the merges are lost
        return []
    return []  # no sheet of that name


def _blank_covered_cells(rows: list[list], merged) -> None:
    """Empty the cells hidden under a merge, as Excel does: LibreOffice may keep their old text there."""
    for (r0, c0), (r1, c1) in merged:
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if (r, c) != (r0, c0):
                    row[c] = ""


def _filled(value) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _fail(path, "无法识别 CSV 文件的编码，请用 Excel 打开后另存为 .xlsx 或 UTF-8 编码的 CSV 再导入") from exc


def _read_csv(path: Path) -> Table:
    try:
        data = path.read_bytes()
    except PermissionError as exc:
        raise _fail(path, "无法读取这个文件：它可能正在 Excel 或 WPS 中打开，请关闭文件后再导入") from exc
    except OSError as exc:
        raise _fail(path, f"无法读取这个文件（{exc.strerror or exc}），请把文件复制到本机后再导入") from exc
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(path, f"这不是文本格式的 CSV 文件，{SAVE_AS}")
    text = _decode(path, data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise _fail(path, f"CSV 文件格式有误（{exc}），{SAVE_AS}") from exc
    if not any(any(_filled(v) for v in row) for row in rows):
        raise UnreadableFileError("文件是空的，没有可导入的内容", Location(file=path.name, sheet=path.stem))
    return Table(sheet=path.stem, sheets=[path.stem], rows=rows, merged=[])


def file_sha256(path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(os.fspath(path), "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()
