"""线索: the leads（招商线索）with their follow-up log, the forums（座谈会）with a grid to enter the
leads raised there in one go, and the 乡贤库.

The first-reporting unit（首报单位）is fixed once a lead is saved: the field is locked for everyone but
an administrator, and the service refuses a change anyway (its message is shown). Converting a lead
asks for the estimated total investment (every project has one) and then opens the new project.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError, ValidationError
from desktop.services import access, leads, reference
from desktop.services.dates import format_date
from desktop.services.money import AmountError
from desktop.views.table_export import export_action, export_shown_table
from desktop.views.widgets import ERROR_STYLE, AmountEdit, fit_to_screen, list_beside_form, list_table, table_cell

RED = QColor("#c62828")
ERROR_ROW = QColor("#fde0e0")
LEAD_COLUMNS = ("收到日期", "线索名称", "来源", "首报单位", "责任人", "响应期限", "等级", "状态", "项目编号", "最近跟进")
FOLLOW_COLUMNS = ("日期", "跟进人", "跟进情况", "下一步", "下一步日期")
FORUM_COLUMNS = ("日期", "名称", "类型", "地点", "组织单位", "参会乡贤", "线索")
GRID_COLUMNS = ("线索名称", "首报单位", "投资方", "产业", "预计投资（亿元）", "乡贤", "等级")
GRID_TITLE, GRID_UNIT, GRID_INVESTOR, GRID_INDUSTRY, GRID_AMOUNT, GRID_XIANGXIAN, GRID_GRADE = range(7)
XIANGXIAN_COLUMNS = ("姓名", "家乡", "常住城市", "企业", "产业", "电话", "联系干部", "参会", "线索")
FORUM_KINDS = ("乡贤座谈会", "商会", "云洽谈", "其他活动")
# Columns exported as real dates or numbers (the rest as the text shown).
LEAD_DATES = tuple(LEAD_COLUMNS.index(name) for name in ("收到日期", "响应期限", "最近跟进"))
FORUM_DATES, FORUM_NUMBERS = (FORUM_COLUMNS.index("日期"),), (FORUM_COLUMNS.index("线索"),)
XIANGXIAN_NUMBERS = (XIANGXIAN_COLUMNS.index("参会"), XIANGXIAN_COLUMNS.index("线索"))



def working_today() -> dt.date:
    """Today, except in the demo database, whose data stop at the end of August 2022."""
    from desktop.services.reviews import today_for_queue

    return today_for_queue()



def _selected_data(table: QTableWidget):
    rows = table.selectionModel().selectedRows()
    if not rows:
        return None
    return table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)


def _select_data(table: QTableWidget, value) -> None:
    for r in range(table.rowCount()):
        if table.item(r, 0).data(Qt.ItemDataRole.UserRole) == value:
            table.selectRow(r)
            return


def _date_edit(day: dt.date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    day = day or working_today()
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


def _date_of(edit: QDateEdit) -> dt.date:
    return edit.date().toPython()


def _set_date(edit: QDateEdit, day: dt.date) -> None:
    edit.setDate(QDate(day.year, day.month, day.day))


def _combo(items, *, blank: str | None = None) -> QComboBox:
    """A combo of (id, label) pairs; `blank` adds a first entry whose data is None."""
    combo = QComboBox()
    if blank is not None:
        combo.addItem(blank, None)
    for value, label in items:
        combo.addItem(label, value)
    return combo


def _set_combo(combo: QComboBox, value) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(index if index >= 0 else 0)


def _show_errors(label: QLabel, exc: UserError) -> None:
    if isinstance(exc, ValidationError):
        label.setText("\n".join(exc.errors.values()))
    else:
        label.setText(str(exc))
    label.setVisible(True)


# =================================================================================================
# Leads


class ConvertDialog(QDialog):
    """Asks the estimated total investment (required) before a lead becomes a project."""

    def __init__(self, lead: leads.LeadItem, parent=None):
        super().__init__(parent)
        self.setWindowTitle("转为项目")
        self.amount = AmountEdit()
        self.amount.set_value(lead.estimated_investment)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("转为项目")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"把线索“{lead.title}”转为项目。\n首报单位（{lead.first_unit}）记入流程第 1–2 步。"))
        form = QFormLayout()
        form.addRow("预计总投资 *", self.amount)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.value = None

    def _accept(self):
        try:
            value = self.amount.value()
        except AmountError as exc:
            self.error.setText(str(exc))
            return
        if value is None or value <= 0:
            self.error.setText("请填写预计总投资（每个项目都要有总投资）")
            return
        self.value = value
        self.accept()


class LeadsTab(QWidget):
    open_project = Signal(int)
    changed = Signal()

    def __init__(self, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.today = today
        self.items: list[leads.LeadItem] = []
        self.current: leads.LeadItem | None = None

        self.status_filter = QComboBox()
        self.status_filter.addItem("全部状态", None)
        for status in leads.LEAD_STATUSES:
            self.status_filter.addItem(status, status)
        self.unit_filter = QComboBox()
        # Filled by load() after the page is on screen: sized then, not when it was still empty
        # (which cut "全部首报单位" to "全部首报单").
        self.unit_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索线索名称、投资方、来源、首报单位")
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: #555;")
        filters = QHBoxLayout()
        for text, widget in (("状态", self.status_filter), ("首报单位", self.unit_filter)):
            filters.addWidget(QLabel(text))
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.count_label)
        self.table = list_table(LEAD_COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setMinimumSectionSize(30)
        for column, width in enumerate((84, 170, 110, 96, 64, 84, 36, 52, 100, 84)):
            self.table.setColumnWidth(column, width)

        # --- form
        self.title_edit = QLineEdit()
        self.source_combo = QComboBox()
        self.source_combo.addItems(leads.LEAD_SOURCES)
        self.forum_combo = QComboBox()
        self.xiangxian_combo = QComboBox()
        self.person_edit = QLineEdit()
        self.person_edit.setPlaceholderText("中介、顾问、客商姓名")
        self.unit_combo = QComboBox()
        self.received_edit = _date_edit()
        self.responsible_combo = QComboBox()
        self.grade_combo = QComboBox()
        self.grade_combo.addItems(leads.LEAD_GRADES)
        self.status_combo = QComboBox()
        self.status_combo.addItems(leads.LEAD_STATUSES)
        self.investor_edit = QLineEdit()
        self.industry_combo = QComboBox()
        self.industry_combo.setEditable(True)
        self.amount_edit = AmountEdit()
        self.content_edit = QPlainTextEdit()
        self.content_edit.setFixedHeight(60)
        self.response_label = QLabel()
        self.error_label = QLabel()
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        form = QFormLayout()
        form.addRow("线索名称 *", self.title_edit)
        form.addRow("来源类型", self.source_combo)
        form.addRow("座谈会/活动", self.forum_combo)
        form.addRow("乡贤", self.xiangxian_combo)
        form.addRow("其他来源人", self.person_edit)
        form.addRow("首报单位 *", self.unit_combo)
        form.addRow("收到日期", self.received_edit)
        form.addRow("责任人", self.responsible_combo)
        form.addRow("", self.response_label)
        form.addRow("等级", self.grade_combo)
        form.addRow("状态", self.status_combo)
        form.addRow("投资方", self.investor_edit)
        form.addRow("产业", self.industry_combo)
        form.addRow("预计投资", self.amount_edit)
        form.addRow("线索内容", self.content_edit)

        self.new_button = QPushButton("新建线索(&N)")
        self.save_button = QPushButton("保存(&S)")
        self.convert_button = QPushButton("转为项目…")
        self.project_button = QPushButton("打开项目")
        self.new_button.clicked.connect(self.new_lead)
        self.save_button.clicked.connect(self.save)
        self.convert_button.clicked.connect(self.convert)
        self.project_button.clicked.connect(self._open_project)
        form_buttons = QHBoxLayout()
        form_buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.new_button, self.save_button, self.convert_button, self.project_button):
            form_buttons.addWidget(button)
        form_buttons.addStretch(1)

        # --- follow-up log
        self.follow_table = list_table(FOLLOW_COLUMNS, stretch=2)
        self.follow_table.setMinimumHeight(110)
        self.follow_date = _date_edit()
        self.follow_who = QLineEdit()
        self.follow_who.setPlaceholderText("跟进人")
        self.follow_what = QLineEdit()
        self.follow_what.setPlaceholderText("跟进情况 *")
        self.follow_next = QLineEdit()
        self.follow_next.setPlaceholderText("下一步")
        self.follow_next_date = _date_edit()
        self.follow_button = QPushButton("添加跟进")
        self.follow_button.clicked.connect(self.add_follow_up)
        follow_form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.follow_date)
        row.addWidget(self.follow_who)
        follow_form.addRow("日期 / 跟进人", row)
        follow_form.addRow("跟进情况", self.follow_what)
        row = QHBoxLayout()
        row.addWidget(self.follow_next, 1)
        row.addWidget(self.follow_next_date)
        follow_form.addRow("下一步 / 日期", row)
        follow_box = QGroupBox("跟进记录")
        follow_layout = QVBoxLayout(follow_box)
        follow_layout.addWidget(self.follow_table)
        follow_layout.addLayout(follow_form)
        follow_layout.addWidget(self.follow_button, 0, Qt.AlignmentFlag.AlignRight)

        form_widget = QWidget()
        form_layout = QVBoxLayout(form_widget)
        form_layout.addLayout(form)
        form_layout.addWidget(self.error_label)
        form_layout.addWidget(follow_box)
        form_layout.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)
        # The list first: at 1366×768 half the width for the form hid 响应期限, 等级 and 状态.
        splitter = list_beside_form(left, form_widget, form_buttons, form_min_width=380, shares=(2, 1),
                                    sizes=(840, 400))
        QVBoxLayout(self).addWidget(splitter)

        self.status_filter.currentIndexChanged.connect(self.refresh)
        self.unit_filter.currentIndexChanged.connect(self.refresh)
        self.search.textChanged.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._selected)
        self.source_combo.currentTextChanged.connect(self._source_changed)

    # --- loading

    def _today(self) -> dt.date:
        return self.today or working_today()

    def load(self) -> None:
        units = [(u.id, u.name) for u in reference.list_units()]
        people = [(p.id, p.label) for p in reference.list_people()]
        self._fill(self.unit_filter, units, "全部首报单位")
        self._fill(self.unit_combo, units, "（请选择）")
        self._fill(self.responsible_combo, people, "（未指定）")
        self._fill(self.forum_combo, [(f.id, f"{format_date(f.held_on)} {f.title}") for f in leads.list_forums()], "（无）")
        self._fill(self.xiangxian_combo, [(x.id, f"{x.name}（{x.city}）" if x.city else x.name)
                                          for x in leads.list_xiangxian()], "（无）")
        current = self.industry_combo.currentText()
        self.industry_combo.clear()
        self.industry_combo.addItems(["", *reference.industries()])
        self.industry_combo.setCurrentText(current)
        self.refresh()

    @staticmethod
    def _fill(combo: QComboBox, items, blank: str) -> None:
        keep = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(blank, None)
        for value, label in items:
            combo.addItem(label, value)
        _set_combo(combo, keep)
        combo.blockSignals(False)

    def refresh(self, *_args, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else (self.current.id if self.current else None)
        self.items = leads.list_leads(status=self.status_filter.currentData(), unit_id=self.unit_filter.currentData(),
                                      search=self.search.text(), today=self._today())
        table = self.table
        table.blockSignals(True)
        table.setRowCount(len(self.items))
        for r, lead in enumerate(self.items):
            values = [format_date(lead.received_on), lead.title, f"{lead.source_type}·{lead.source}" if lead.source else lead.source_type,
                      lead.first_unit, lead.responsible_person or "（未指定）", format_date(lead.response_due), lead.grade,
                      lead.status, lead.project_code, format_date(lead.last_follow_up)]
            for c, value in enumerate(values):
                item = table_cell(value, data=lead.id if c == 0 else None)
                if lead.response_overdue and c in (4, 5):
                    item.setForeground(RED)
                    item.setToolTip("未在 1 个工作日内明确专人对接" if not lead.responded_on
                                    else f"{format_date(lead.responded_on)} 才明确专人，超过 1 个工作日")
                if c == 7 and lead.status == "已转化":
                    item.setForeground(QColor("#2e7d32"))
                table.setItem(r, c, item)
        table.blockSignals(False)
        overdue = sum(1 for lead in self.items if lead.response_overdue)
        self.count_label.setText(f"共 {len(self.items)} 条，响应超时 {overdue} 条")
        if keep is not None:
            _select_data(table, keep)
        if _selected_data(table) is None:
            self._show(None)
        else:
            self._selected()

    def filter_text(self) -> str:
        """The filters in force, for the title of an export: “状态：跟进中，搜索：铝”; empty when none."""
        parts = []
        if self.status_filter.currentData() is not None:
            parts.append(f"状态：{self.status_filter.currentText()}")
        if self.unit_filter.currentData() is not None:
            parts.append(f"首报单位：{self.unit_filter.currentText()}")
        if self.search.text().strip():
            parts.append(f"搜索：{self.search.text().strip()}")
        return "，".join(parts)

    def _selected(self) -> None:
        lead_id = _selected_data(self.table)
        if lead_id is not None:
            self._show(leads.get_lead(lead_id, today=self._today()))

    # --- form

    def _source_changed(self, source: str) -> None:
        self.forum_combo.setEnabled(source in ("乡贤座谈会", "商会", "云洽谈"))

    def _show(self, lead: leads.LeadItem | None) -> None:
        self.current = lead
        self.error_label.hide()
        blank = lead is None
        self.title_edit.setText("" if blank else lead.title)
        self.source_combo.setCurrentText("乡贤座谈会" if blank else lead.source_type)
        self._source_changed(self.source_combo.currentText())
        _set_combo(self.forum_combo, None if blank else lead.forum_id)
        _set_combo(self.xiangxian_combo, None if blank else lead.xiangxian_id)
        self.person_edit.setText("" if blank else lead.source_person)
        _set_combo(self.unit_combo, None if blank else lead.first_unit_id)
        # 首报单位 is fixed after the first save; an administrator may correct it.
        self.unit_combo.setEnabled(blank or lead.id is None or access.can_admin())
        self.unit_combo.setToolTip("" if self.unit_combo.isEnabled() else "首报单位保存后不能更改（管理员可更正）")
        _set_date(self.received_edit, self._today() if blank else lead.received_on)
        _set_combo(self.responsible_combo, None if blank else lead.responsible_person_id)
        self.grade_combo.setCurrentText("B" if blank else lead.grade)
        self.status_combo.setCurrentText("新线索" if blank else lead.status)
        self.status_combo.setEnabled(blank or lead.project_id is None)
        self.investor_edit.setText("" if blank else lead.investor_name)
        self.industry_combo.setCurrentText("" if blank else lead.industry)
        self.amount_edit.set_value(None if blank else lead.estimated_investment)
        self.content_edit.setPlainText("" if blank else lead.content)
        if blank:
            self.response_label.setText("收到后 1 个工作日内须明确专人对接")
            self.response_label.setStyleSheet("color: #555;")
        else:
            text = f"响应期限 {format_date(lead.response_due)}"
            if lead.responded_on:
                text += f"，{format_date(lead.responded_on)} 明确专人"
            if lead.response_overdue:
                text += "（超时）"
            self.response_label.setText(text)
            self.response_label.setStyleSheet(ERROR_STYLE if lead.response_overdue else "color: #555;")
        converted = lead is not None and lead.project_id is not None
        self.convert_button.setEnabled(lead is not None and lead.id is not None and not converted)
        self.project_button.setEnabled(converted)
        self.project_button.setText(f"打开项目 {lead.project_code}" if converted else "打开项目")
        self.follow_button.setEnabled(lead is not None and lead.id is not None)
        _set_date(self.follow_date, self._today())
        _set_date(self.follow_next_date, self._today() + dt.timedelta(days=7))
        self._show_follow_ups()

    def _show_follow_ups(self) -> None:
        entries = leads.follow_ups(self.current.id) if self.current and self.current.id else []
        table = self.follow_table
        table.setRowCount(len(entries))
        for r, entry in enumerate(entries):
            for c, value in enumerate((format_date(entry.done_on), entry.who, entry.what, entry.next_step, format_date(entry.next_on))):
                table.setItem(r, c, table_cell(value))
        table.resizeRowsToContents()

    def new_lead(self) -> None:
        self.table.clearSelection()
        self._show(None)
        self.title_edit.setFocus()

    def form_item(self) -> leads.LeadItem:
        amount = self.amount_edit.value()  # AmountError is a UserError-like message for the form
        base = self.current or leads.LeadItem(None, "", "", None, self._today())
        item = leads.LeadItem(
            base.id, self.title_edit.text(), self.source_combo.currentText(), self.unit_combo.currentData(),
            _date_of(self.received_edit), forum_id=self.forum_combo.currentData() if self.forum_combo.isEnabled() else None,
            xiangxian_id=self.xiangxian_combo.currentData(), source_person=self.person_edit.text(),
            responsible_person_id=self.responsible_combo.currentData(), responded_on=base.responded_on,
            grade=self.grade_combo.currentText(), status=self.status_combo.currentText(),
            investor_name=self.investor_edit.text(), industry=self.industry_combo.currentText(),
            estimated_investment=amount, content=self.content_edit.toPlainText(), project_id=base.project_id,
        )
        if item.responsible_person_id is None:
            item.responded_on = None
        return item

    def save(self) -> int | None:
        try:
            item = self.form_item()
        except AmountError as exc:
            self.error_label.setText(f"预计投资：{exc}")
            self.error_label.show()
            return None
        try:
            lead_id = leads.save_lead(item, today=self._today())
        except UserError as exc:
            _show_errors(self.error_label, exc)
            return None
        self.refresh(select_id=lead_id)
        self.changed.emit()
        return lead_id

    def add_follow_up(self) -> int | None:
        if self.current is None or self.current.id is None:
            return None
        next_on = _date_of(self.follow_next_date) if self.follow_next.text().strip() else None
        entry = leads.FollowUpItem(_date_of(self.follow_date), self.follow_who.text(), self.follow_what.text(),
                                   self.follow_next.text(), next_on)
        try:
            entry_id = leads.add_follow_up(self.current.id, entry)
        except UserError as exc:
            _show_errors(self.error_label, exc)
            return None
        for edit in (self.follow_what, self.follow_next):
            edit.clear()
        self.refresh(select_id=self.current.id)
        return entry_id

    def ask_total_investment(self, lead: leads.LeadItem):
        dialog = ConvertDialog(lead, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.value

    def convert(self) -> int | None:
        lead = self.current
        if lead is None or lead.id is None or lead.project_id is not None:
            return None
        total = self.ask_total_investment(lead)
        if total is None:
            return None
        try:
            project_id = leads.convert_to_project(lead.id, {"total_investment": total}, today=self._today())
        except UserError as exc:
            QMessageBox.warning(self, "没有转为项目", str(exc))
            return None
        self.refresh(select_id=lead.id)
        self.changed.emit()
        self.open_project.emit(project_id)
        return project_id

    def _open_project(self) -> None:
        if self.current is not None and self.current.project_id:
            self.open_project.emit(self.current.project_id)


# =================================================================================================
# Forums


class ForumDialog(QDialog):
    """A forum or event: date, place, organiser and the 乡贤 who attended (ticked from the 乡贤库)."""

    def __init__(self, forum: leads.ForumItem | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("座谈会/活动" if forum is None else f"座谈会 — {forum.title}")
        self.forum = forum
        self.saved_id: int | None = None
        self.title_edit = QLineEdit(forum.title if forum else "")
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(FORUM_KINDS)
        self.kind_combo.setCurrentText(forum.kind if forum else "乡贤座谈会")
        self.date_edit = _date_edit(forum.held_on if forum else None)
        self.place_edit = QLineEdit(forum.place if forum else "")
        self.organiser_combo = _combo([(u.id, u.name) for u in reference.list_units()], blank="（未指定）")
        _set_combo(self.organiser_combo, forum.organiser_id if forum else None)
        self.attendees = QListWidget()
        chosen = set(forum.attendee_ids) if forum else set()
        for person in leads.list_xiangxian():
            item = QListWidgetItem(f"{person.name}　{person.city}　{person.company}")
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if person.id in chosen else Qt.CheckState.Unchecked)
            self.attendees.addItem(item)
        self.notes_edit = QLineEdit(forum.notes if forum else "")
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("名称 *", self.title_edit)
        form.addRow("类型", self.kind_combo)
        form.addRow("日期", self.date_edit)
        form.addRow("地点", self.place_edit)
        form.addRow("组织单位", self.organiser_combo)
        form.addRow("参会乡贤（勾选）", self.attendees)
        form.addRow("备注", self.notes_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(fit_to_screen(self, 520, 560))

    def attendee_ids(self) -> list[int]:
        return [self.attendees.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.attendees.count())
                if self.attendees.item(i).checkState() == Qt.CheckState.Checked]

    def save(self) -> None:
        item = leads.ForumItem(self.forum.id if self.forum else None, self.title_edit.text(), _date_of(self.date_edit),
                               self.kind_combo.currentText(), self.place_edit.text(), self.organiser_combo.currentData(),
                               attendee_ids=self.attendee_ids(), notes=self.notes_edit.text())
        try:
            self.saved_id = leads.save_forum(item)
        except UserError as exc:
            _show_errors(self.error, exc)
            return
        self.accept()


class ForumsTab(QWidget):
    changed = Signal()
    GRID_ROWS = 8

    def __init__(self, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.today = today
        self.forums: list[leads.ForumItem] = []
        self.units: list[tuple[int, str]] = []
        self.people: list[tuple[int, str]] = []
        self.industries: list[str] = []

        self.table = list_table(FORUM_COLUMNS, stretch=1)
        self.new_button = QPushButton("新建座谈会…")
        self.edit_button = QPushButton("编辑…")
        self.new_button.clicked.connect(self.new_forum)
        self.edit_button.clicked.connect(self.edit_forum)
        self.summary = QLabel()
        self.summary.setStyleSheet("color: #555;")
        top = QHBoxLayout()
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        top.addStretch(1)
        top.addWidget(self.summary)

        self.grid_title = QLabel()
        self.grid_title.setStyleSheet("font-weight: bold;")
        self.grid = QTableWidget(0, len(GRID_COLUMNS))
        self.grid.setHorizontalHeaderLabels(GRID_COLUMNS)
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(GRID_TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((GRID_UNIT, 130), (GRID_INVESTOR, 170), (GRID_INDUSTRY, 80), (GRID_AMOUNT, 110),
                              (GRID_XIANGXIAN, 90), (GRID_GRADE, 50)):
            self.grid.setColumnWidth(column, width)
        self.add_row_button = QPushButton("增加一行")
        self.clear_button = QPushButton("清空表格")
        self.save_grid_button = QPushButton("保存本场线索")
        self.add_row_button.clicked.connect(lambda: self._add_grid_rows(1))
        self.clear_button.clicked.connect(self.clear_grid)
        self.save_grid_button.clicked.connect(self.save_grid)
        self.grid_errors = QLabel()
        self.grid_errors.setStyleSheet(ERROR_STYLE)
        self.grid_errors.setWordWrap(True)
        self.grid_errors.hide()
        self.grid_message = QLabel()
        self.grid_message.setStyleSheet("color: #2e7d32;")
        grid_buttons = QHBoxLayout()
        grid_buttons.addWidget(self.add_row_button)
        grid_buttons.addWidget(self.clear_button)
        grid_buttons.addWidget(self.grid_message, 1)
        grid_buttons.addWidget(self.save_grid_button)
        grid_box = QGroupBox("本场提出的线索（一次录入多条；预计投资按亿元填写）")
        grid_layout = QVBoxLayout(grid_box)
        grid_layout.addWidget(self.grid_title)
        grid_layout.addWidget(self.grid, 1)
        grid_layout.addWidget(self.grid_errors)
        grid_layout.addLayout(grid_buttons)

        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addLayout(top)
        upper_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(grid_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        QVBoxLayout(self).addWidget(splitter)
        self.table.itemSelectionChanged.connect(self._forum_selected)
        self.table.itemDoubleClicked.connect(lambda *_: self.edit_forum())

    def load(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else _selected_data(self.table)
        self.units = [(u.id, u.name) for u in reference.list_units()]
        self.people = [(x.id, x.name) for x in leads.list_xiangxian()]
        self.industries = reference.industries()
        self.forums = leads.list_forums()
        names = dict(self.people)
        table = self.table
        table.blockSignals(True)
        table.setRowCount(len(self.forums))
        for r, forum in enumerate(self.forums):
            attendees = "、".join(names.get(i, "") for i in forum.attendee_ids)
            values = [format_date(forum.held_on), forum.title, forum.kind, forum.place, forum.organiser,
                      f"{len(forum.attendee_ids)} 人：{attendees}" if attendees else "", str(forum.leads)]
            for c, value in enumerate(values):
                table.setItem(r, c, table_cell(value, data=forum.id if c == 0 else None, right=c == 6))
        table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Interactive)
        table.setColumnWidth(5, 260)
        table.blockSignals(False)
        year = (self.today or working_today()).year
        this_year = [f for f in self.forums if f.held_on.year == year]
        self.summary.setText(f"{year} 年 {len(this_year)} 场，提出线索 {sum(f.leads for f in this_year)} 条")
        if keep is not None:
            _select_data(table, keep)
        elif self.forums:
            table.selectRow(0)
        self._forum_selected()

    def selected_forum(self) -> leads.ForumItem | None:
        forum_id = _selected_data(self.table)
        return next((f for f in self.forums if f.id == forum_id), None)

    def _forum_selected(self) -> None:
        forum = self.selected_forum()
        self.edit_button.setEnabled(forum is not None)
        self.save_grid_button.setEnabled(forum is not None)
        if forum is None:
            self.grid_title.setText("请先选择或新建一场座谈会")
        else:
            self.grid_title.setText(f"{format_date(forum.held_on)} {forum.title}（已录入 {forum.leads} 条线索）")
        if self.grid.rowCount() == 0:
            self._add_grid_rows(self.GRID_ROWS)
        else:
            self._refresh_grid_choices()

    # --- the grid

    def _unit_combo(self) -> QComboBox:
        return _combo(self.units, blank="（同组织单位）")

    def _xiangxian_combo(self) -> QComboBox:
        return _combo(self.people, blank="")

    def _add_grid_rows(self, count: int) -> None:
        for _ in range(count):
            row = self.grid.rowCount()
            self.grid.insertRow(row)
            for column in (GRID_TITLE, GRID_INVESTOR, GRID_INDUSTRY, GRID_AMOUNT):
                self.grid.setItem(row, column, QTableWidgetItem(""))
            self.grid.setCellWidget(row, GRID_UNIT, self._unit_combo())
            self.grid.setCellWidget(row, GRID_XIANGXIAN, self._xiangxian_combo())
            grade = QComboBox()
            grade.addItems(["", *leads.LEAD_GRADES])
            self.grid.setCellWidget(row, GRID_GRADE, grade)

    def _refresh_grid_choices(self) -> None:
        for row in range(self.grid.rowCount()):
            for column, items in ((GRID_UNIT, self.units), (GRID_XIANGXIAN, self.people)):
                combo = self.grid.cellWidget(row, column)
                keep = combo.currentData()
                blank = combo.itemText(0)
                combo.clear()
                combo.addItem(blank, None)
                for value, label in items:
                    combo.addItem(label, value)
                _set_combo(combo, keep)

    def clear_grid(self) -> None:
        self.grid.setRowCount(0)
        self._add_grid_rows(self.GRID_ROWS)
        self.grid_errors.hide()

    def set_grid_text(self, row: int, column: int, text: str) -> None:
        self.grid.item(row, column).setText(text)

    def grid_rows(self) -> list[dict]:
        """Every grid line as the service wants it (empty lines included, so the numbers match)."""
        rows = []
        for row in range(self.grid.rowCount()):
            def text(column):
                return self.grid.item(row, column).text().strip()

            amount = text(GRID_AMOUNT)
            if amount and not any(unit in amount for unit in ("亿", "万")):
                amount += "亿"  # the column is in 亿元
            grade = self.grid.cellWidget(row, GRID_GRADE).currentText()
            rows.append({"title": text(GRID_TITLE), "first_unit_id": self.grid.cellWidget(row, GRID_UNIT).currentData(),
                         "investor_name": text(GRID_INVESTOR), "industry": text(GRID_INDUSTRY),
                         "estimated_investment": amount, "xiangxian_id": self.grid.cellWidget(row, GRID_XIANGXIAN).currentData(),
                         "grade": grade or None})
        return rows

    def _mark_rows(self, bad: dict[int, str]) -> None:
        for row in range(self.grid.rowCount()):
            for column in (GRID_TITLE, GRID_INVESTOR, GRID_INDUSTRY, GRID_AMOUNT):
                item = self.grid.item(row, column)
                item.setBackground(ERROR_ROW if row + 1 in bad else QColor(0, 0, 0, 0))
                item.setToolTip(bad.get(row + 1, ""))

    def save_grid(self) -> list[int] | None:
        forum = self.selected_forum()
        if forum is None:
            return None
        self.grid_message.setText("")
        try:
            ids = leads.add_forum_leads(forum.id, self.grid_rows(), today=self.today or working_today())
        except ValidationError as exc:
            bad = {}
            for key, message in exc.errors.items():
                digits = "".join(ch for ch in key if ch.isdigit())
                if digits:
                    bad[int(digits)] = message
            self._mark_rows(bad)
            self.grid_errors.setText("没有保存，请改正后再保存（表格保持原样）：\n"
                                     + "\n".join(f"{key}：{message}" for key, message in exc.errors.items()))
            self.grid_errors.show()
            return None
        except UserError as exc:
            self.grid_errors.setText(str(exc))
            self.grid_errors.show()
            return None
        self._mark_rows({})
        self.clear_grid()
        self.grid_message.setText(f"已保存 {len(ids)} 条线索")
        self.load(forum.id)
        self.changed.emit()
        return ids

    # --- forums

    def new_forum(self) -> None:
        dialog = ForumDialog(None, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.load(dialog.saved_id)
            self.changed.emit()

    def edit_forum(self) -> None:
        forum = self.selected_forum()
        if forum is None:
            return
        dialog = ForumDialog(forum, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.load(forum.id)
            self.changed.emit()


# =================================================================================================
# 乡贤库


class XiangxianTab(QWidget):
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[leads.XiangxianItem] = []
        self.current_id: int | None = None
        self.table = list_table(XIANGXIAN_COLUMNS, stretch=3)
        self.name_edit = QLineEdit()
        self.township_combo = QComboBox()
        self.city_edit = QLineEdit()
        self.company_edit = QLineEdit()
        self.industry_combo = QComboBox()
        self.industry_combo.setEditable(True)
        self.phone_edit = QLineEdit()
        self.keeper_combo = QComboBox()
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setFixedHeight(60)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        form = QFormLayout()
        form.addRow("姓名 *", self.name_edit)
        form.addRow("家乡（乡镇）", self.township_combo)
        form.addRow("常住城市", self.city_edit)
        form.addRow("企业", self.company_edit)
        form.addRow("产业", self.industry_combo)
        form.addRow("电话", self.phone_edit)
        form.addRow("联系干部", self.keeper_combo)
        form.addRow("备注", self.notes_edit)
        self.new_button = QPushButton("新建乡贤")
        self.save_button = QPushButton("保存")
        self.new_button.clicked.connect(self.new_person)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        form_widget = QWidget()
        form_layout = QVBoxLayout(form_widget)
        form_layout.addLayout(form)
        form_layout.addWidget(self.error_label)
        form_layout.addStretch(1)
        splitter = list_beside_form(self.table, form_widget, buttons, form_min_width=360, shares=(3, 1))
        QVBoxLayout(self).addWidget(splitter)
        self.table.itemSelectionChanged.connect(self._selected)
        self.phone_edit.textChanged.connect(self._check_phone)

    def load(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else self.current_id
        LeadsTab._fill(self.township_combo, [(u.id, u.name) for u in reference.list_units("乡镇")], "（未填）")
        LeadsTab._fill(self.keeper_combo, [(p.id, p.label) for p in reference.list_people()], "（未指定）")
        current = self.industry_combo.currentText()
        self.industry_combo.clear()
        self.industry_combo.addItems(["", *reference.industries()])
        self.industry_combo.setCurrentText(current)
        self.items = leads.list_xiangxian()
        table = self.table
        table.blockSignals(True)
        table.setRowCount(len(self.items))
        for r, x in enumerate(self.items):
            values = [x.name, x.home_township, x.city, x.company, x.industry, x.phone, x.keeper, str(x.forums), str(x.leads)]
            for c, value in enumerate(values):
                table.setItem(r, c, table_cell(value, data=x.id if c == 0 else None, right=c >= 7))
        table.blockSignals(False)
        if keep is not None:
            _select_data(table, keep)
        self._selected()

    def _selected(self) -> None:
        person_id = _selected_data(self.table)
        item = next((x for x in self.items if x.id == person_id), None)
        self.current_id = item.id if item else None
        self.error_label.hide()
        self.name_edit.setText(item.name if item else "")
        _set_combo(self.township_combo, item.home_township_id if item else None)
        self.city_edit.setText(item.city if item else "")
        self.company_edit.setText(item.company if item else "")
        self.industry_combo.setCurrentText(item.industry if item else "")
        self.phone_edit.setText(item.phone if item else "")
        _set_combo(self.keeper_combo, item.keeper_id if item else None)
        self.notes_edit.setPlainText(item.notes if item else "")

    def _check_phone(self, text: str) -> None:
        from desktop.services.investors import phone_problem

        problem = phone_problem(text)
        self.phone_edit.setStyleSheet("border: 1px solid #c62828;" if problem else "")
        self.phone_edit.setToolTip(problem or "")

    def new_person(self) -> None:
        self.table.clearSelection()
        self.current_id = None
        self._selected()
        self.name_edit.setFocus()

    def save(self) -> int | None:
        item = leads.XiangxianItem(self.current_id, self.name_edit.text(), self.township_combo.currentData(),
                                   city=self.city_edit.text(), company=self.company_edit.text(),
                                   industry=self.industry_combo.currentText(), phone=self.phone_edit.text(),
                                   keeper_id=self.keeper_combo.currentData(), notes=self.notes_edit.toPlainText())
        try:
            person_id = leads.save_xiangxian(item)
        except UserError as exc:
            _show_errors(self.error_label, exc)
            return None
        self.load(person_id)
        self.changed.emit()
        return person_id


# =================================================================================================


class LeadsPage(QWidget):
    title = "线索"
    open_project = Signal(int)

    def __init__(self, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.leads_tab = LeadsTab(today=today)
        self.forums_tab = ForumsTab(today=today)
        self.xiangxian_tab = XiangxianTab()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.leads_tab, "线索")
        self.tabs.addTab(self.forums_tab, "座谈会")
        self.tabs.addTab(self.xiangxian_tab, "乡贤库")
        QVBoxLayout(self).addWidget(self.tabs)
        self.leads_tab.open_project.connect(self.open_project)
        # What one tab changes shows in the others (forum lead counts, 乡贤 names in the pickers).
        self.forums_tab.changed.connect(self.leads_tab.load)
        self.xiangxian_tab.changed.connect(self.leads_tab.load)
        self.xiangxian_tab.changed.connect(self.forums_tab.load)
        self.leads_tab.changed.connect(lambda: self.forums_tab.load())

        self.new_action = QAction("新建线索", self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.new_lead)
        self.forum_action = QAction("新建座谈会", self)
        self.forum_action.triggered.connect(self.forums_tab.new_forum)
        self.convert_action = QAction("转为项目", self)
        self.convert_action.triggered.connect(self.leads_tab.convert)
        for action in (self.new_action, self.forum_action, self.convert_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.export_action = export_action(
            self, "把当前页签的列表（线索按当前筛选和搜索；座谈会；乡贤库）按显示导出为 Excel", self.export_shown)
        self.actions_for_toolbar = [self.new_action, self.forum_action, self.convert_action, self.export_action]

    def export_shown(self, path: str | None = None):
        """The list on the current tab, as shown."""
        tab = self.tabs.currentWidget()
        if tab is self.forums_tab:
            return export_shown_table(self, self.forums_tab.table, "座谈会清单", path=path,
                                      numbers=FORUM_NUMBERS, dates=FORUM_DATES)
        if tab is self.xiangxian_tab:
            return export_shown_table(self, self.xiangxian_tab.table, "乡贤库", path=path, numbers=XIANGXIAN_NUMBERS)
        filters = self.leads_tab.filter_text()
        return export_shown_table(self, self.leads_tab.table, "线索清单", title=f"线索清单（{filters}）" if filters else None,
                                  path=path, dates=LEAD_DATES)

    def new_lead(self) -> None:
        self.tabs.setCurrentWidget(self.leads_tab)
        self.leads_tab.new_lead()

    def load(self) -> None:
        self.leads_tab.load()
        self.forums_tab.load()
        self.xiangxian_tab.load()
        self.setProperty("loaded", True)
