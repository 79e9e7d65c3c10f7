"""帮办代办: each project's approval checklist (edited in place; approving an item records the matching
lifecycle step, and the page says which), the items past their statutory working days, and the
catalogue panel for the 设置 page."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError
from desktop.services import approvals, lifecycle, reference
from desktop.services.dates import format_date, parse_date
from desktop.views.table_export import export_action, export_shown_table
from desktop.views.widgets import ERROR_STYLE
from desktop.views.widgets import list_table as _table
from desktop.views.widgets import table_cell as _cell

PROJECT_COLUMNS = ("项目编号", "项目名称", "已办结/总数")
CHECK_COLUMNS = ("审批事项", "部门", "法定时限（工作日）", "代办员", "报送日期", "办结日期", "状态", "容缺受理", "办结期限", "剩余工作日", "备注")
(C_NAME, C_DEPT, C_DAYS, C_AGENT, C_SUBMITTED, C_APPROVED, C_STATUS, C_GAPS, C_DUE, C_LEFT, C_NOTE) = range(11)
OVERDUE_COLUMNS = ("项目编号", "项目名称", "审批事项", "部门", "代办员", "办结期限", "超期（工作日）")
CATALOG_COLUMNS = ("审批事项", "部门", "法定时限（工作日）", "记入流程步骤", "启用")
# Columns exported as real dates or numbers (the rest as the text shown).
CHECK_DATES, CHECK_NUMBERS = (C_SUBMITTED, C_APPROVED, C_DUE), (C_DAYS, C_LEFT)
OVERDUE_DATES, OVERDUE_NUMBERS = (OVERDUE_COLUMNS.index("办结期限"),), (OVERDUE_COLUMNS.index("超期（工作日）"),)
OVERDUE_BACKGROUND = QColor("#fde0e0")
RED = QColor("#c62828")


def working_today() -> dt.date:
    """Today, except in the demo database, whose data stop at the end of August 2022."""
    from desktop.services.reviews import today_for_queue

    return today_for_queue()


class ApprovalsPage(QWidget):
    title = "帮办代办"
    open_project = Signal(int)

    def __init__(self, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.today = today
        self.project_id: int | None = None
        self.rows: list[approvals.ChecklistRow] = []
        self._filling = False

        self.project_table = _table(PROJECT_COLUMNS, 1)
        self.generate_button = QPushButton("为项目生成清单…")
        self.generate_button.clicked.connect(lambda: self.generate_for_project())
        left = QGroupBox("有审批清单的项目")
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.project_table, 1)
        left_layout.addWidget(self.generate_button)

        self.project_title = QLabel()
        self.project_title.setStyleSheet("font-weight: bold;")
        self.open_button = QPushButton("打开项目")
        self.open_button.clicked.connect(lambda: self.project_id and self.open_project.emit(self.project_id))
        self.check_table = _table(CHECK_COLUMNS, C_NOTE)
        self.check_table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                                         | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.check_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.message = QLabel()
        self.message.setWordWrap(True)
        hint = QLabel("双击日期或备注可修改（日期按 2022-08-25 格式，清空即删除）；状态、代办员从下拉框选。超期事项标红。")
        hint.setStyleSheet("color: #555;")
        head = QHBoxLayout()
        head.addWidget(self.project_title, 1)
        head.addWidget(self.open_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(head)
        right_layout.addWidget(hint)
        right_layout.addWidget(self.check_table, 1)
        right_layout.addWidget(self.message)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        left.setMinimumWidth(280)

        self.overdue_table = _table(OVERDUE_COLUMNS, 1)
        self.overdue_summary = QLabel()
        overdue_tab = QWidget()
        overdue_layout = QVBoxLayout(overdue_tab)
        overdue_layout.addWidget(self.overdue_summary)
        overdue_layout.addWidget(self.overdue_table, 1)
        self.overdue_table.itemDoubleClicked.connect(self._overdue_double_clicked)

        self.tabs = QTabWidget()
        checklist_tab = QWidget()
        QVBoxLayout(checklist_tab).addWidget(splitter)
        self.tabs.addTab(checklist_tab, "审批清单")
        self.tabs.addTab(overdue_tab, "超期事项")
        QVBoxLayout(self).addWidget(self.tabs)

        self.project_table.itemSelectionChanged.connect(self._project_selected)
        self.check_table.itemChanged.connect(self._item_edited)

        self.generate_action = QAction("生成审批清单", self)
        self.generate_action.triggered.connect(lambda: self.generate_for_project())
        self.overdue_action = QAction("超期事项", self)
        self.overdue_action.triggered.connect(lambda: self.tabs.setCurrentIndex(1))
        self.export_action = export_action(
            self, "把所选项目的审批清单（在“超期事项”页为超期事项）按显示导出为 Excel", self.export_shown)
        self.actions_for_toolbar = [self.generate_action, self.overdue_action, self.export_action]

    def _today(self) -> dt.date:
        return self.today or working_today()

    # --- loading

    def load(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else self.project_id
        self.people = [(p.id, p.name) for p in reference.list_people()]
        projects = approvals.projects_with_checklists()
        table = self.project_table
        table.blockSignals(True)
        table.setRowCount(len(projects))
        target = 0 if projects else -1
        for r, (pid, code, name, total, done) in enumerate(projects):
            table.setItem(r, 0, _cell(code, data=pid))
            table.setItem(r, 1, _cell(name))
            table.setItem(r, 2, _cell(f"{done}/{total}", right=True))
            if pid == keep:
                target = r
        if target >= 0:
            table.selectRow(target)
        table.blockSignals(False)
        self._project_selected()
        self.load_overdue()
        self.setProperty("loaded", True)

    def _project_selected(self) -> None:
        rows = self.project_table.selectionModel().selectedRows()
        if rows:
            r = rows[0].row()
            self.project_id = self.project_table.item(r, 0).data(Qt.ItemDataRole.UserRole)
            self.project_title.setText(f"{self.project_table.item(r, 0).text()}　{self.project_table.item(r, 1).text()}")
        else:
            self.project_id = None
            self.project_title.setText("还没有审批清单：点“为项目生成清单”")
        self.open_button.setEnabled(self.project_id is not None)
        self.show_checklist()

    def show_checklist(self) -> None:
        self.rows = approvals.checklist(self.project_id, self._today()) if self.project_id else []
        table = self.check_table
        self._filling = True
        table.blockSignals(True)
        for r in range(table.rowCount()):
            for c in (C_AGENT, C_STATUS):
                old = table.cellWidget(r, c)
                if old is not None:
                    table.removeCellWidget(r, c)
                    old.hide()
                    old.deleteLater()
        table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            values = {C_NAME: row.name, C_DEPT: row.department, C_DAYS: str(row.statutory_days),
                      C_SUBMITTED: format_date(row.submitted_on), C_APPROVED: format_date(row.approved_on),
                      C_DUE: format_date(row.due_on), C_LEFT: "" if row.days_left is None else str(row.days_left), C_NOTE: row.note}
            for c, value in values.items():
                item = _cell(value, data=row.id if c == C_NAME else None, editable=c in (C_SUBMITTED, C_APPROVED, C_NOTE),
                             right=c in (C_DAYS, C_LEFT))
                if row.step_number and c == C_NAME:
                    item.setToolTip(f"办结后记入流程第 {row.step_number} 步")
                table.setItem(r, c, item)
            gaps = _cell("")
            gaps.setFlags(gaps.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            gaps.setCheckState(Qt.CheckState.Checked if row.accepted_with_gaps else Qt.CheckState.Unchecked)
            table.setItem(r, C_GAPS, gaps)
            agent = QComboBox()
            agent.addItem("", None)
            for pid, name in self.people:
                agent.addItem(name, pid)
            agent.setCurrentIndex(max(0, agent.findData(row.agent_id)))
            agent.currentIndexChanged.connect(lambda _i, r=r, combo=agent: self.edit(r, agent_id=combo.currentData()))
            table.setCellWidget(r, C_AGENT, agent)
            status = QComboBox()
            status.addItems(approvals.APPROVAL_STATUSES)
            status.setCurrentText(row.status)
            status.currentTextChanged.connect(lambda text, r=r: self.edit(r, status=text))
            table.setCellWidget(r, C_STATUS, status)
            if row.overdue:
                for c in range(table.columnCount()):
                    if table.item(r, c) is not None:
                        table.item(r, c).setBackground(OVERDUE_BACKGROUND)
                table.item(r, C_LEFT).setForeground(RED)
                table.item(r, C_DUE).setForeground(RED)
                table.item(r, C_NAME).setToolTip("已超过法定办结时限")
        table.blockSignals(False)
        self._filling = False
        done = sum(1 for row in self.rows if row.status in ("已办结", "不涉及"))
        overdue = sum(1 for row in self.rows if row.overdue)
        if not self.message.property("keep"):
            self.message.setStyleSheet("color: #555;")
            self.message.setText(f"共 {len(self.rows)} 项，已办结或不涉及 {done} 项，超期 {overdue} 项" if self.rows else "")
        self.message.setProperty("keep", False)

    def load_overdue(self) -> None:
        items = approvals.overdue_items(self._today())
        table = self.overdue_table
        table.setRowCount(len(items))
        for r, item in enumerate(items):
            values = [item.project_code, item.project_name, item.item, item.department, item.agent, format_date(item.due_on),
                      str(item.days_over)]
            for c, value in enumerate(values):
                cell = _cell(value, data=item.project_id if c == 0 else None, right=c == 6)
                if c == 6:
                    cell.setForeground(RED)
                table.setItem(r, c, cell)
        self.overdue_summary.setText(f"截至 {format_date(self._today())}，办理中且超过法定时限的事项 {len(items)} 项（双击查看清单）")
        self.tabs.setTabText(1, f"超期事项（{len(items)}）")

    def _overdue_double_clicked(self, item: QTableWidgetItem) -> None:
        project_id = self.overdue_table.item(item.row(), 0).data(Qt.ItemDataRole.UserRole)
        self.tabs.setCurrentIndex(0)
        self.load(project_id)

    # --- export

    def export_shown(self, path: str | None = None):
        """The list on the current tab as shown: the selected project's checklist, or the overdue items."""
        if self.tabs.currentIndex() == 1:
            return export_shown_table(self, self.overdue_table, "超期审批事项", path=path,
                                      title=f"超期审批事项（截至 {format_date(self._today())}）",
                                      numbers=OVERDUE_NUMBERS, dates=OVERDUE_DATES)
        if self.project_id is None:
            self._say("请先在左侧选择一个有审批清单的项目，再导出", error=True)
            return None
        code, name = self.project_table_texts()
        return export_shown_table(self, self.check_table, f"{name}审批清单", title=f"{code} {name} 审批清单".strip(),
                                  path=path, numbers=CHECK_NUMBERS, dates=CHECK_DATES)

    def project_table_texts(self) -> tuple[str, str]:
        """项目编号 and 项目名称 of the selected project, as listed on the left."""
        rows = self.project_table.selectionModel().selectedRows()
        if not rows:
            return "", ""
        r = rows[0].row()
        return self.project_table.item(r, 0).text(), self.project_table.item(r, 1).text()

    # --- editing

    def _item_edited(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        r, c = item.row(), item.column()
        if c == C_GAPS:
            self.edit(r, accepted_with_gaps=item.checkState() == Qt.CheckState.Checked)
        elif c in (C_SUBMITTED, C_APPROVED):
            try:
                day = parse_date(item.text())
            except ValueError as exc:
                self._say(str(exc), error=True)
                self.show_checklist()
                return
            self.edit(r, **({"submitted_on": day} if c == C_SUBMITTED else {"approved_on": day}))
        elif c == C_NOTE:
            self.edit(r, note=item.text())

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "color: #2e7d32; font-weight: bold;")
        self.message.setText(text)
        self.message.setProperty("keep", True)

    def edit(self, row_index: int, **changes) -> str | None:
        """Apply one change through the service; returns (and shows) what it recorded."""
        if self._filling:
            return None
        row = self.rows[row_index]
        before = {(number, day, na) for number, day, na in lifecycle.project_records(self.project_id)}
        try:
            approvals.update_item(row.id, today=self._today(), **changes)
        except UserError as exc:
            self._say(str(exc), error=True)
            self._refresh_after_edit()
            return None
        after = {(number, day, na) for number, day, na in lifecycle.project_records(self.project_id)}
        added = sorted(after - before)
        if added:
            names = lifecycle.steps_summary().names
            parts = [f"第 {number} 步{('「' + names[number] + '」') if number in names else ''}{'（不涉及）' if na else ''}"
                     for number, _day, na in added]
            text = f"“{row.name}”已更新，已记入项目流程：{'、'.join(parts)}"
        else:
            text = f"“{row.name}”已更新"
        self._say(text)
        self._refresh_after_edit()
        return text

    def _refresh_after_edit(self) -> None:
        keep = self.project_id
        self.load(keep)

    # --- generating

    def generate_for_project(self, project_id: int | None = None) -> int | None:
        if project_id is None:
            from desktop.services.project_list import load_rows

            rows = load_rows()
            labels = [f"{row.code}　{row.name}" for row in rows]
            label, ok = QInputDialog.getItem(self, "为项目生成审批清单", "选择项目（可输入编号或名称筛选）：", labels, 0, True)
            if not ok or label not in labels:
                return None
            project_id = rows[labels.index(label)].id
        try:
            added = approvals.generate_checklist(project_id)
        except UserError as exc:
            QMessageBox.warning(self, "没有生成", str(exc))
            return None
        self._say(f"已按目录生成 {added} 项审批事项" if added else "这个项目的清单已包含目录中的全部事项")
        self.load(project_id)
        return added


class ApprovalCatalogPanel(QWidget):
    """设置 → 帮办代办审批目录: the items every new checklist is generated from."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.entries: list[approvals.CatalogEntry] = []
        self.table = _table(CATALOG_COLUMNS, 0)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.add_button = QPushButton("新增事项")
        self.save_button = QPushButton("保存目录")
        self.add_button.clicked.connect(self.add_row)
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        box = QGroupBox("帮办代办审批目录（生成清单时使用；“记入流程步骤”填步骤序号，可空）")
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.table, 1)
        box_layout.addLayout(buttons)
        QVBoxLayout(self).addWidget(box)

    def load(self) -> None:
        self.entries = approvals.catalog(include_inactive=True)
        self.table.setRowCount(0)
        for entry in self.entries:
            self._append(entry)
        self.message.setText("")

    def _append(self, entry: approvals.CatalogEntry) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        values = (entry.name, entry.department, str(entry.statutory_days), "" if entry.step_number is None else str(entry.step_number))
        for c, value in enumerate(values):
            self.table.setItem(r, c, _cell(value, data=entry.id if c == 0 else None, editable=True))
        active = _cell("")
        active.setFlags(active.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        active.setCheckState(Qt.CheckState.Checked if entry.active else Qt.CheckState.Unchecked)
        self.table.setItem(r, 4, active)

    def add_row(self) -> None:
        self._append(approvals.CatalogEntry(None, "", "", 20, None, True))
        self.table.scrollToBottom()
        self.table.editItem(self.table.item(self.table.rowCount() - 1, 0))

    def save(self) -> int:
        """Save every changed row; rows with errors are named and left as typed."""
        old = {e.id: e for e in self.entries}
        saved, problems = 0, []
        for r in range(self.table.rowCount()):
            text = [self.table.item(r, c).text().strip() for c in range(4)]
            entry_id = self.table.item(r, 0).data(Qt.ItemDataRole.UserRole)
            if entry_id is None and not text[0]:
                continue
            try:
                days = int(text[2])
                step = int(text[3]) if text[3] else None
            except ValueError:
                problems.append(f"第 {r + 1} 行：时限和步骤须为整数")
                continue
            entry = approvals.CatalogEntry(entry_id, text[0], text[1], days, step,
                                           self.table.item(r, 4).checkState() == Qt.CheckState.Checked)
            if entry_id is not None and old.get(entry_id) == entry:
                continue
            try:
                new_id = approvals.save_catalog_entry(entry)
            except UserError as exc:
                problems.append(f"第 {r + 1} 行：{exc}")
                continue
            self.table.item(r, 0).setData(Qt.ItemDataRole.UserRole, new_id)
            saved += 1
        if problems:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(f"已保存 {saved} 项；以下未保存：\n" + "\n".join(problems))
        else:
            self.entries = approvals.catalog(include_inactive=True)
            self.message.setStyleSheet("color: #2e7d32;")
            self.message.setText(f"已保存 {saved} 项")
        return saved
