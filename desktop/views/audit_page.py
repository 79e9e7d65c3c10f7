"""修改痕迹: the global audit trail with filters and export, and a project's own history.

`AuditPage` is a page of the navigation; `ProjectHistoryWidget(project_id)` is a tab the project
form embeds (历史记录).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError
from desktop.services import audit

ALL = "（全部）"
GLOBAL_COLUMNS = ["时间", "用户", "操作", "对象", "记录", "字段", "原值", "新值"]
HISTORY_COLUMNS = ["时间", "用户", "操作", "对象", "内容"]


def _time(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else str(value or "")[:16]


def _table(columns: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    if not rows:
        return  # sized to the headings alone, the columns shrank into a strip at the left
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text if len(text) > 20 else "")
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    for c in range(table.columnCount()):
        table.setColumnWidth(c, min(table.columnWidth(c), 260))


class AuditPage(QWidget):
    title = "修改痕迹"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[audit.AuditRow] = []
        self.user_combo, self.table_combo, self.action_combo = QComboBox(), QComboBox(), QComboBox()
        for combo in (self.user_combo, self.table_combo, self.action_combo):
            combo.setMinimumContentsLength(6)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.from_check, self.to_check = QCheckBox("从"), QCheckBox("到")
        today = QDate.currentDate()
        self.from_edit, self.to_edit = QDateEdit(today.addMonths(-1)), QDateEdit(today)
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText("项目名称、原值或新值中的文字")
        self.text_edit.returnPressed.connect(self.load)
        search = QPushButton("查询(&Q)")
        search.clicked.connect(self.load)
        filters = QHBoxLayout()
        for label, widget in (("用户", self.user_combo), ("对象", self.table_combo), ("操作", self.action_combo)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        for widget in (self.from_check, self.from_edit, self.to_check, self.to_edit, self.text_edit, search):
            filters.addWidget(widget)
        filters.setStretchFactor(self.text_edit, 1)

        self.table = _table(GLOBAL_COLUMNS)
        self.count_label = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        export = QAction("导出", self)
        export.setToolTip("把当前查询结果导出为 Excel（.xlsx）")
        export.triggered.connect(self.export)
        self.actions_for_toolbar = [export]
        self._options_loaded = False

    def _load_options(self) -> None:
        options = audit.filter_options()
        for combo, items in ((self.user_combo, options.users), (self.table_combo, options.tables),
                             (self.action_combo, options.actions)):
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([ALL, *items])
            combo.setCurrentText(current if current in items else ALL)
            combo.blockSignals(False)

    def filters(self) -> dict:
        def chosen(combo):
            text = combo.currentText()
            return None if text in ("", ALL) else text

        return {
            "user_name": chosen(self.user_combo),
            "table": chosen(self.table_combo),
            "action": chosen(self.action_combo),
            "date_from": self.from_edit.date().toPython() if self.from_check.isChecked() else None,
            "date_to": self.to_edit.date().toPython() if self.to_check.isChecked() else None,
            "text": self.text_edit.text(),
        }

    def load(self) -> None:
        self._load_options()
        self.rows = audit.query_audit(**self.filters(), limit=5000)
        _fill(self.table, [
            [_time(r.at), r.user_name, r.action, r.table, r.row_label, r.field,
             r.old_value if r.field else ("" if r.action == "新建" else r.change),
             r.new_value if r.field else (r.change if r.action == "新建" else "")]
            for r in self.rows
        ])
        more = "（只显示最近 5000 条，请缩小范围）" if len(self.rows) >= 5000 else ""
        self.count_label.setText(f"共 {len(self.rows)} 条{more}")

    def export(self, path: str | None = None) -> bool:
        if not path:
            from desktop.views.table_export import choose_save_path

            path = choose_save_path(self, "导出修改痕迹", "修改痕迹.xlsx")
            if not path:
                return False
        try:
            count = audit.export_audit(path, **self.filters())
        except UserError as exc:
            QMessageBox.warning(self, "导出", str(exc))
            return False
        QMessageBox.information(self, "导出", f"已导出 {count} 条到\n{path}")
        return True


class ProjectHistoryWidget(QWidget):
    """历史记录 of one project: its fields, steps, status changes, team … newest first."""

    def __init__(self, project_id: int | None = None, parent=None):
        super().__init__(parent)
        self.project_id = project_id
        self.rows: list[audit.AuditRow] = []
        self.table = _table(HISTORY_COLUMNS)
        self.empty = QLabel("还没有修改记录。")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)

    def set_project(self, project_id: int | None) -> None:
        self.project_id = project_id
        self.load()

    def load(self) -> None:
        self.rows = audit.project_history(self.project_id) if self.project_id is not None else []
        _fill(self.table, [
            [_time(r.at), r.user_name, r.action, r.table if r.table != "项目" else "项目信息",
             (f"{r.row_label}：" if r.table not in ("项目",) and r.row_label else "") + r.change]
            for r in self.rows
        ])
        self.empty.setVisible(not self.rows)
