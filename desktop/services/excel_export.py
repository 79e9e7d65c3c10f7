"""Export a list as the user sees it to an .xlsx workbook: title, header, frozen panes, widths,
亿元 with two decimals, real dates, a totals row and an autofilter.

The rows are written exactly as shown (the GUI passes its model's rows and shown indices, the CLI
builds them from a `ProjectFilter`). The workbook is written in openpyxl's write-only mode (streamed,
10,000 rows in well under a second) to a temporary file beside the target, which then replaces
the target in one step: a target that is open in Excel/WPS is left untouched and the user is told
to close it. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import unicodedata
from decimal import Decimal
from pathlib import Path

from desktop.errors import Location, UserError
from desktop.services.output_files import no_permission, os_error_message, put_in_place
from desktop.services.project_list import (
    COL_INVESTOR,
    COL_LEADER,
    COL_TOWNSHIP,
    COL_UNIT,
    COLUMN_FIELDS,
    COLUMNS,
    ProjectFilter,
    ProjectRows,
    filter_indices,
    phase_steps,
    sort_indices,
)

CANCELLED = "已取消"
YI_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PROGRESS_EVERY = 500
# Rows whose text decides the column widths (the first ones shown; enough to be representative).
WIDTH_SAMPLE = 2000
MIN_WIDTH, MAX_WIDTH = 8, 48

COL_TOTAL = COLUMNS.index("总投资（亿元）")
COL_STAGE = COLUMNS.index("当前阶段")
COL_DATE = COLUMNS.index("入库日期")
COL_NAME = COLUMNS.index("项目名称")
COL_CODE = COLUMNS.index("项目编号")
YUAN_PER_YI = 100_000_000


# --- shared with the template: text widths and saving ------------------------------------------


def text_width(text) -> int:
    """Width of a cell's text in Excel's character units: a Chinese character counts two."""
    text = "" if text is None else str(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_width(texts, *, minimum: int = MIN_WIDTH, maximum: int = MAX_WIDTH) -> float:
    widest = max((text_width(t) for t in texts), default=0)
    return float(min(max(widest + 2, minimum), maximum))


def check_target(out_path) -> Path:
    """The target as a Path, after the checks a user can fix (suffix, folder)."""
    path = Path(out_path)
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        raise UserError(f"Excel 文件的扩展名应为 .xlsx：{path}（请把文件名改为 {path.stem}.xlsx）")
    if path.is_dir():
        raise UserError(f"这是一个文件夹，不能写成 Excel 文件：{path}")
    if not path.parent.is_dir():
        raise UserError(f"文件夹不存在：{path.parent}（请先建好文件夹，或换一个保存位置）")
    return path


def _locked_message(path: Path) -> str:
    return f"无法覆盖文件“{path.name}”：它可能正在 Excel 或 WPS 中打开，请先在 Excel/WPS 中关闭该文件后再试（或换一个文件名）"


def save_atomically(workbook, out_path) -> Path:
    """Save `workbook` to a temporary file beside `out_path`, then put it in place in one step.

    Any failure leaves the target as it was and no temporary file behind; what the user can fix
    (locked target, no permission, full disk) becomes a Chinese `UserError`.
    """
    path = check_target(out_path)
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f"~{path.stem}-", suffix=".xlsx.tmp", dir=path.parent)
    except PermissionError as exc:
        raise no_permission(path) from exc
    except OSError as exc:
        raise UserError(os_error_message(exc, path), Location(file=path.name)) from exc
    os.close(handle)
    temp = Path(temp_name)
    try:
        try:
            workbook.save(temp)
        except PermissionError as exc:
            raise no_permission(path) from exc
        except OSError as exc:
            raise UserError(os_error_message(exc, path), Location(file=path.name)) from exc
        put_in_place(temp, path, _locked_message(path))
    except BaseException:
        try:
            temp.unlink()
        except OSError:
            pass
        raise
    return path


def check_progress(progress, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        raise UserError(CANCELLED)


def _installation_name() -> str:
    from desktop.services import defaults

    try:
        from desktop.services.database import installation_name

        return installation_name() or defaults.DEFAULT_INSTALLATION_NAME
    except Exception:  # noqa: BLE001 - no database open (a test, a script): the default name
        return defaults.DEFAULT_INSTALLATION_NAME


def _stage_labels() -> dict[int, str]:
    try:
        from desktop.services.lifecycle import stage_labels

        return stage_labels()
    except Exception:  # noqa: BLE001 - no database open: the default steps
        from desktop.services import defaults
        from desktop.services.lifecycle import stage_label

        labels = {0: "未开始"}
        labels.update({number: stage_label(phase) for number, phase, *_ in defaults.DEFAULT_STEPS})
        return labels


# --- the project library --------------------------------------------------------------------------


def title_text(installation: str, title: str, count: int, today: dt.date) -> str:
    return f"{installation} {title}（导出于 {today.isoformat()}，共 {count} 个）"


def export_projects(
    out_path,
    rows: ProjectRows,
    indices: list[int],
    *,
    title: str,
    progress=None,
    stage_labels: dict[int, str] | None = None,
    installation: str | None = None,
    today: dt.date | None = None,
) -> int:
    """Write the rows at `indices` (in that order) to `out_path`; returns how many were written.

    `stage_labels` (step number → 当前阶段 text) and `installation` default to the open database's.
    `progress(done, total)` returning False cancels (UserError “已取消”; the target is untouched).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    check_target(out_path)
    today = today or dt.date.today()
    labels = stage_labels if stage_labels is not None else _stage_labels()
    installation = installation or _installation_name()
    indices = list(indices)
    total = len(indices)
    every = rows.rows
    width = len(COLUMNS)
    check_progress(progress, 0, total)

    # The visible values, column by column, for the shown rows only; text made safe for a cell.
    def values_of(column: int) -> list:
        if column in (COL_INVESTOR, COL_UNIT, COL_LEADER, COL_TOWNSHIP):  # names for ids
            values = [rows.value(every[i], column) for i in indices]
        else:
            position = COLUMN_FIELDS[column]
            values = [every[i][position] for i in indices]
        return [_cell_text(v) for v in values]

    text_columns = {c: values_of(c) for c in range(width) if c not in (COL_TOTAL, COL_STAGE, COL_DATE)}
    totals_yuan = [every[i].total_yuan for i in indices]
    stages = [labels.get(every[i].stage_no, str(every[i].stage_no)) for i in indices]
    dates = [every[i].library_on for i in indices]
    key_flags = [bool(every[i].is_key) for i in indices]

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31] or "项目库")
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "2:2"
    ws.freeze_panes = "C3"  # title and header stay, so do 项目编号 and 项目名称

    # Widths from the header and the first rows shown.
    sample = slice(0, WIDTH_SAMPLE)
    for c, name in enumerate(COLUMNS):
        if c == COL_TOTAL:
            w = column_width([name], minimum=10)
        elif c == COL_DATE:
            w = column_width([name, "2022-06-30"])
        elif c == COL_STAGE:
            w = column_width([name, *stages[sample]])
        else:
            maximum = MAX_WIDTH if c in (COL_NAME, 2) else 30
            w = column_width([name, *text_columns[c][sample]], maximum=maximum)
        ws.column_dimensions[get_column_letter(c + 1)].width = w

    last_col = get_column_letter(width)
    title_cell = WriteOnlyCell(ws, title_text(installation, title, total, today))
    title_cell.font = Font(bold=True, size=14)
    title_cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    ws.merged_cells.add(f"A1:{last_col}1")
    ws.append([title_cell])

    thin = Side(style="thin", color="A0A0A0")
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    header_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header_border = Border(top=thin, bottom=thin, left=thin, right=thin)
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(ws, name)
        cell.font, cell.fill, cell.alignment, cell.border = header_font, header_fill, header_align, header_border
        header.append(cell)
    ws.append(header)

    # Styled cells only where a format is needed (amounts, dates, bold names); the rest are plain values.
    def styled(value, number_format=None, font=None, alignment=None):
        cell = WriteOnlyCell(ws, value)
        if number_format:
            cell.number_format = number_format
        if font is not None:
            cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        return cell

    bold = Font(bold=True)
    first_data_row = 3
    columns_in_order = [text_columns.get(c) for c in range(width)]
    for n in range(total):
        line = [None] * width
        for c in range(width):
            values = columns_in_order[c]
            if values is not None:
                value = values[n]
                line[c] = _as_text_cell(ws, value) if type(value) is _TextCell else value
        if key_flags[n]:  # 重点项目 in bold, as in the table
            name = line[COL_NAME]
            if isinstance(name, str) or name is None:
                name = styled(name)
            name.font = bold
            line[COL_NAME] = name
        line[COL_TOTAL] = styled(_yi(totals_yuan[n]), YI_FORMAT)
        line[COL_STAGE] = stages[n]
        day = dates[n]
        line[COL_DATE] = styled(_as_date(day), DATE_FORMAT) if day else None
        ws.append(line)
        if (n + 1) % PROGRESS_EVERY == 0 and progress is not None and progress(n + 1, total) is False:
            _abandon(ws)
            raise UserError(CANCELLED)

    last_data_row = first_data_row + total - 1
    ws.auto_filter.ref = f"A2:{last_col}{max(last_data_row, 2)}"

    total_label = styled("合计", font=bold)
    count_cell = styled(f"共 {total} 个项目", font=bold)
    sum_yuan = sum(totals_yuan)
    sum_cell = styled(_yi(sum_yuan), YI_FORMAT, font=bold)
    totals_line = [None] * width
    totals_line[0], totals_line[1], totals_line[COL_TOTAL] = total_label, count_cell, sum_cell
    ws.append(totals_line)

    save_atomically(wb, out_path)
    check_progress(progress, total, total)
    return total


_ILLEGAL = None


def _cell_text(value):
    """A text as a cell value: empty → None, control characters dropped, "=…" kept as text."""
    global _ILLEGAL
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return value
    if _ILLEGAL is None:
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        _ILLEGAL = ILLEGAL_CHARACTERS_RE
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    if value.startswith("="):
        return _TextCell(value)
    return value


class _TextCell(str):
    """Marks a text that openpyxl would otherwise take for a formula."""


def _yi(total_yuan: int) -> float:
    """元 (exact integer) → 亿元 as the nearest float; its shortest repr is the exact decimal."""
    return float(Decimal(total_yuan) / YUAN_PER_YI)


def _abandon(ws) -> None:
    """Close a half-written streaming sheet and remove its temporary file (a cancelled export)."""
    try:
        ws.close()
    except Exception:  # noqa: BLE001 - best effort; the export is abandoned anyway
        pass
    writer = getattr(ws, "_writer", None)
    if writer is not None:
        try:
            writer.cleanup()
        except (OSError, ValueError):
            pass


def _as_text_cell(ws, value: str):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws)
    cell._value, cell.data_type = str(value), "s"  # a text starting with "=", not a formula
    return cell


def _as_date(value) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def export_filtered(out_path, criteria: ProjectFilter, sort: tuple[int, bool] | None = None, progress=None, *, title: str = "项目库") -> int:
    """Export the open database's projects that pass `criteria`, sorted by (column, descending)."""
    from desktop.services.project_list import load_rows

    if criteria.stage_phase and not criteria.phase_steps:
        criteria.phase_steps = phase_steps()
    check_target(out_path)
    rows = load_rows()
    indices = filter_indices(rows, criteria)
    if sort is not None:
        column, descending = sort
        indices = sort_indices(rows, indices, column, descending)
    return export_projects(out_path, rows, indices, title=title, progress=progress)


def export_table(out_path, headers: list[str], rows: list[list], *, title: str, today: dt.date | None = None,
                 number_formats: dict[int, str] | None = None, totals=()) -> int:
    """A short list (units, people …) as a sheet with a title row, a header, frozen panes, widths, an
    autofilter and a totals row under it (合计, the count, and the sums of the `totals` columns);
    `number_formats`: column (0-based) → Excel number format (YI_FORMAT for 亿元).
    Returns the number of rows written."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    check_target(out_path)
    today = today or dt.date.today()
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31] or "清单"
    last_col = get_column_letter(max(len(headers), 1))
    ws.append([title_text(_installation_name(), title, len(rows), today)])
    ws.merge_cells(f"A1:{last_col}1")
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(list(headers))
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        ws.append([_cell_text(value) for value in row])
    for column, number_format in (number_formats or {}).items():
        for (cell,) in ws.iter_rows(min_row=3, min_col=column + 1, max_col=column + 1):
            cell.number_format = number_format
    for c, name in enumerate(headers):
        ws.column_dimensions[get_column_letter(c + 1)].width = column_width([name, *(str(r[c] or "") for r in rows[:WIDTH_SAMPLE])])
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{last_col}{max(len(rows) + 2, 2)}"
    ws.append(_totals_line(len(headers), rows, totals))
    bold = Font(bold=True)
    for cell in ws[ws.max_row]:
        cell.font = bold
    for column, number_format in (number_formats or {}).items():
        ws.cell(row=ws.max_row, column=column + 1).number_format = number_format
    save_atomically(wb, out_path)
    return len(rows)


def _totals_line(width: int, rows: list[list], totals) -> list:
    """合计, 共 N 条 in the first column that is not summed, and each `totals` column's sum (numbers only;
    a cell such as “待定” adds nothing)."""
    line: list = [None] * max(width, 1)
    line[0] = "合计"
    count_column = next((c for c in range(1, width) if c not in totals), None)
    if count_column is not None:
        line[count_column] = f"共 {len(rows)} 条"
    for c in totals:
        if 0 < c < width:
            numbers = [r[c] for r in rows if c < len(r) and isinstance(r[c], (int, float, Decimal)) and not isinstance(r[c], bool)]
            line[c] = round(sum(numbers), 2) if any(isinstance(n, float) for n in numbers) else sum(numbers)
    return line
