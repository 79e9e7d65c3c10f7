"""A list exported as the table shows it (the 客商, 线索, 领导小组会 and 帮办代办 pages): the same
columns and rows in the same order, numbers, 亿元 amounts and dates as real Excel values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QFileDialog, QMainWindow, QTableWidget, QWidget


EXPORT_FOLDER_KEY = "export/last_folder"
EXPORT_SHORTCUT = "Ctrl+E"
# Characters Excel refuses in a sheet name or Windows in a file name.
_NOT_IN_NAMES = str.maketrans({ch: "_" for ch in '[]:*?/\\<>|"'})


def shown_rows(table: QTableWidget, *, numbers=(), amounts=(), dates=()) -> tuple[list[str], list[list]]:
    """The header texts and the rows as the table shows them: visual order, hidden rows and columns
    left out, a drop-down's chosen text, a tick as “是”. Columns in `numbers` become numbers,
    in `amounts` numbers (亿元, two decimals as shown), in `dates` real dates, so Excel can sort and sum."""
    vertical = table.verticalHeader()
    columns = _shown_columns(table)
    headers = [table.horizontalHeaderItem(c).text() if table.horizontalHeaderItem(c) else "" for c in columns]
    rows = []
    for visual in range(table.rowCount()):
        r = vertical.logicalIndex(visual)
        if table.isRowHidden(r):
            continue
        rows.append([_typed(_shown_text(table, r, c), c in numbers, c in amounts, c in dates) for c in columns])
    return headers, rows


def _shown_columns(table: QTableWidget) -> list[int]:
    """Logical column numbers in the order shown, hidden ones left out."""
    header = table.horizontalHeader()
    return [c for c in (header.logicalIndex(v) for v in range(table.columnCount())) if not table.isColumnHidden(c)]


def _shown_text(table: QTableWidget, row: int, column: int) -> str:
    widget = table.cellWidget(row, column)
    if isinstance(widget, QComboBox):
        return widget.currentText()
    item = table.item(row, column)
    if item is None:
        return ""
    if not item.text() and item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
        return "是" if item.checkState() == Qt.CheckState.Checked else ""
    return item.text()


def _typed(text: str, number: bool, amount: bool, date: bool):
    plain = text.strip().replace(",", "")
    try:
        if number:
            return int(plain) if plain.lstrip("-").isdigit() else float(plain)
        if amount:
            return round(float(plain), 2)
        if date:
            return dt.date.fromisoformat(plain)
    except ValueError:
        pass  # an empty cell or a word such as “待定”: kept as shown
    return text


def export_file_name(name: str, today: dt.date | None = None) -> str:
    """“客商名单_2022-08-25.xlsx”: what the list is and when it was exported."""
    return f"{name.translate(_NOT_IN_NAMES)}_{(today or dt.date.today()).isoformat()}.xlsx"


def export_folder() -> str:
    """The folder the user last exported to, else 文档 (the data folder is hidden from users)."""
    from desktop.views.main_window import ui_settings

    folder = ui_settings().value(EXPORT_FOLDER_KEY, "", str)
    if folder and Path(folder).is_dir():
        return folder
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return documents if documents and Path(documents).is_dir() else str(Path.home())


def _remember_folder(path: str) -> None:
    from desktop.views.main_window import ui_settings

    ui_settings().setValue(EXPORT_FOLDER_KEY, str(Path(path).parent))


def choose_save_path(parent: QWidget, caption: str, file_name: str) -> str | None:
    """Ask where to save an .xlsx, starting in the folder the user last exported to (else 文档, never the
    program's own folder) with `file_name` filled in; remembers the folder. None when the user cancelled.
    For every Excel file the pages hand out: lists, the 乡镇填报模板, the 作战表."""
    start = str(Path(export_folder()) / file_name.translate(_NOT_IN_NAMES))
    path, _ = QFileDialog.getSaveFileName(parent, caption, start, "Excel 工作簿 (*.xlsx)")
    if not path:
        return None
    if not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    _remember_folder(path)
    return path


def _write_table(path: str, headers: list[str], rows: list[list], *, title: str, amount_columns=(), progress=None) -> int:
    """On the worker pool; `export_table` reports no progress, so the dialog shows a busy bar."""
    from desktop.services.excel_export import YI_FORMAT, export_table

    return export_table(path, headers, rows, title=title, number_formats={c: YI_FORMAT for c in amount_columns},
                        totals=amount_columns)


def export_action(parent: QWidget, tooltip: str, slot) -> QAction:
    """导出… (Ctrl+E, as on the 项目库, 专班 and 积分榜 pages) for a page's toolbar."""
    action = QAction("导出…", parent)
    action.setShortcut(QKeySequence(EXPORT_SHORTCUT))
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.setToolTip(f"{tooltip}（{EXPORT_SHORTCUT}）")
    action.triggered.connect(lambda *_: slot())
    parent.addAction(action)
    return action


def export_shown_table(parent: QWidget, table: QTableWidget, name: str, *, title: str | None = None, path: str | None = None,
                       numbers=(), amounts=(), dates=()):
    """Ask where (default “<name>_<today>.xlsx” in the last export folder, unless `path` is given), then
    write what `table` shows on the worker pool; problems come back as a Chinese message box and the
    outcome shows in the window's status bar. Returns the task, or None when the user cancelled."""
    from desktop.views.progress import run_with_progress

    if path is None:
        path = choose_save_path(parent, f"导出{name}", export_file_name(name))
        if path is None:
            return None
    headers, rows = shown_rows(table, numbers=numbers, amounts=amounts, dates=dates)
    amount_columns = [i for i, c in enumerate(_shown_columns(table)) if c in amounts]
    sheet_title = (title or name).translate(_NOT_IN_NAMES)

    def done(count: int) -> None:
        window = parent.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(f"已导出 {count} 行到 {path}", 10_000)

    return run_with_progress(parent, f"正在导出{name}……", _write_table, path, headers, rows, title=sheet_title,
                             amount_columns=amount_columns, done=done)
