"""The meeting form: title, number, date, place, chair（组长）, attendees, and the agenda — projects in
order with the proposal, moved up and down, added from a picker, removed — and, after the meeting,
each item's decision with its conditions. 保存 writes everything in one go (services.meetings)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
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
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError, ValidationError
from desktop.services import meetings, reference
from desktop.services.meetings import DECISIONS, ItemInput
from desktop.services.money import format_yi
from desktop.views.lifecycle_panel import from_qdate, to_qdate
from desktop.views.widgets import ERROR_STYLE, fit_to_screen

AGENDA_COLUMNS = ("序号", "项目编号", "项目名称", "总投资（亿元）", "提请事项 / 建议", "会议决定", "决定条件")
COL_NO, COL_CODE, COL_NAME, COL_TOTAL, COL_PROPOSAL, COL_DECISION, COL_CONDITIONS = range(len(AGENDA_COLUMNS))
NO_DECISION = "（未决定）"
PICKER_LIMIT = 300


def _readonly(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class ProjectPickerDialog(QDialog):
    """Pick projects to put on the agenda: those awaiting the group first; typing searches the
    whole library (name, pinyin initials, code, investor), showing at most PICKER_LIMIT."""

    def __init__(self, parent=None, *, exclude: set[int] = frozenset()):
        super().__init__(parent)
        self.setWindowTitle("添加议题")
        self.exclude = set(exclude)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("按名称、拼音首字母、编号或投资方查找")
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.more_label = QLabel()
        self.more_label.setStyleSheet("color: #555;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("添加")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda *_: self.accept())
        self.filter_edit.textChanged.connect(self.apply_filter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.more_label)
        layout.addWidget(buttons)
        self.resize(fit_to_screen(self, 720, 520))
        self.apply_filter("")

    def apply_filter(self, text: str) -> None:
        choices = [c for c in meetings.agenda_candidates(text, limit=PICKER_LIMIT + len(self.exclude))
                   if c.id not in self.exclude][:PICKER_LIMIT]
        self.list.clear()
        for choice in choices:
            mark = "【待领导小组研究】" if choice.awaiting_group else ""
            investor = f"（{choice.investor}）" if choice.investor else ""
            paused = f" [{choice.status}]" if choice.status != "正常" else ""
            item = QListWidgetItem(f"{mark}{choice.code}  {choice.name}{investor}  {format_yi(choice.total_investment)} 亿元{paused}")
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            self.list.addItem(item)
        full = len(choices) >= PICKER_LIMIT
        self.more_label.setText(f"只列出前 {PICKER_LIMIT} 个，请输入关键字缩小范围。" if full else "可按住 Ctrl 或 Shift 多选。")

    def visible_ids(self) -> list[int]:
        return [self.list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.list.count())]

    def select_ids(self, ids) -> None:
        wanted = set(ids)
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setSelected(item.data(Qt.ItemDataRole.UserRole) in wanted)

    def selected_ids(self) -> list[int]:
        return [self.list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.list.count())
                if self.list.item(r).isSelected()]


class MeetingDialog(QDialog):
    """New meeting (meeting_id None) or an existing one. `saved_id` is set after 保存."""

    def __init__(self, meeting_id: int | None = None, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.meeting_id = meeting_id
        self.saved_id: int | None = None
        self.today = today or dt.date.today()
        self.setWindowTitle("新建领导小组会" if meeting_id is None else "领导小组会")
        # project id → (code, name, total 万元, decision originally stored) of the lines shown
        self._projects: dict[int, tuple[str, str, object]] = {}
        self._stored_decisions: dict[int, str] = {}
        self._item_ids: dict[int, int] = {}

        self.title_edit = QLineEdit()
        self.number_spin = QSpinBox()
        self.number_spin.setRange(0, 999)
        self.number_spin.setSpecialValueText("—")
        self.number_spin.setPrefix("第 ")
        self.number_spin.setSuffix(" 次")
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.place_edit = QLineEdit()
        self.place_edit.setPlaceholderText("如 县行政服务中心三楼会议室")
        self.chair_combo = QComboBox()
        self.attendee_list = QListWidget()
        self.attendee_list.setMaximumHeight(150)
        self.people = reference.list_people(leaders_first=True)
        self.chair_combo.addItem("（未指定）", None)
        for person in self.people:
            self.chair_combo.addItem(person.label, person.id)
            item = QListWidgetItem(person.label if not person.unit_name else f"{person.name}（{person.unit_name}{person.title}）")
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.attendee_list.addItem(item)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        form = QFormLayout()
        form.addRow("会议名称(&T)", self.title_edit)
        line = QHBoxLayout()
        line.addWidget(self.number_spin)
        line.addWidget(QLabel("日期(&D)"))
        line.addWidget(self.date_edit)
        line.addWidget(QLabel("组长(&C)"))
        line.addWidget(self.chair_combo, 1)
        form.addRow("次数(&N)", line)
        form.addRow("地点(&P)", self.place_edit)
        fields = QWidget()
        fields_layout = QHBoxLayout(fields)
        fields_layout.setContentsMargins(0, 0, 0, 0)
        left = QWidget()
        left.setLayout(form)
        people_box = QGroupBox("出席人员（勾选）")
        people_layout = QVBoxLayout(people_box)
        people_layout.addWidget(self.attendee_list)
        self.attendee_list.setMinimumWidth(260)
        fields_layout.addWidget(left, 1)
        fields_layout.addWidget(people_box, 1)

        self.agenda = QTableWidget(0, len(AGENDA_COLUMNS))
        self.agenda.setHorizontalHeaderLabels(AGENDA_COLUMNS)
        self.agenda.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.agenda.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.agenda.verticalHeader().hide()
        header = self.agenda.horizontalHeader()
        for column in (COL_NO, COL_CODE, COL_TOTAL, COL_DECISION):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column in (COL_NAME, COL_PROPOSAL, COL_CONDITIONS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton("添加项目(&A)…")
        self.remove_button = QPushButton("移除(&R)")
        self.up_button = QPushButton("上移(&U)")
        self.down_button = QPushButton("下移(&W)")
        self.effect_label = QLabel()
        self.effect_label.setStyleSheet("color: #555;")
        self.add_button.clicked.connect(self.pick_projects)
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.agenda.itemSelectionChanged.connect(self._selection_changed)
        agenda_box = QGroupBox("议程（议题按顺序；会后为每个议题记录决定和条件）")
        agenda_layout = QVBoxLayout(agenda_box)
        bar = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.effect_label)
        agenda_layout.addLayout(bar)
        agenda_layout.addWidget(self.agenda, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存(&S)")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(fields)
        splitter.addWidget(agenda_box)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.resize(fit_to_screen(self, 1180, 720))

        self._default_title = ""
        self._load()
        self.date_edit.dateChanged.connect(self._refresh_default_title)
        self.number_spin.valueChanged.connect(self._refresh_default_title)
        self._selection_changed()

    # --- loading -----------------------------------------------------------------------------------

    def _load(self) -> None:
        if self.meeting_id is None:
            day = self.today
            number = meetings.next_number(day.year)
            self.date_edit.setDate(to_qdate(day))
            self.number_spin.setValue(number)
            self._default_title = meetings.default_title(day.year, number)
            self.title_edit.setText(self._default_title)
            leader = next((p for p in self.people if p.is_leader), None)
            if leader is not None:
                self.chair_combo.setCurrentIndex(self.chair_combo.findData(leader.id))
            return
        detail = meetings.meeting_detail(self.meeting_id)
        self.title_edit.setText(detail.title)
        self.number_spin.setValue(detail.number or 0)
        self.date_edit.setDate(to_qdate(detail.held_on))
        self.place_edit.setText(detail.place)
        index = self.chair_combo.findData(detail.chair_id)
        self.chair_combo.setCurrentIndex(max(index, 0))
        attending = {p.id for p in detail.attendees}
        for row in range(self.attendee_list.count()):
            item = self.attendee_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) in attending:
                item.setCheckState(Qt.CheckState.Checked)
        for info in detail.items:
            self._projects[info.project_id] = (info.project_code, info.project_name, info.total_investment)
            self._stored_decisions[info.project_id] = info.decision
            self._item_ids[info.project_id] = info.id
            self._append_row(info.project_id, info.proposal, info.decision, info.conditions)
        self._default_title = meetings.default_title(detail.held_on.year, detail.number or 0)

    def _refresh_default_title(self, *_):
        """While the title is the default one, it follows the date's year and the number."""
        if self.title_edit.text() != self._default_title:
            return
        day = from_qdate(self.date_edit.date())
        self._default_title = meetings.default_title(day.year, self.number_spin.value())
        self.title_edit.setText(self._default_title)

    # --- the agenda table --------------------------------------------------------------------------

    def _append_row(self, project_id: int, proposal: str, decision: str = "", conditions: str = "") -> None:
        code, name, total = self._projects[project_id]
        row = self.agenda.rowCount()
        self.agenda.insertRow(row)
        number = _readonly(str(row + 1))
        number.setData(Qt.ItemDataRole.UserRole, project_id)
        self.agenda.setItem(row, COL_NO, number)
        self.agenda.setItem(row, COL_CODE, _readonly(code))
        self.agenda.setItem(row, COL_NAME, _readonly(name))
        total_item = _readonly(format_yi(total))
        total_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.agenda.setItem(row, COL_TOTAL, total_item)
        self.agenda.setItem(row, COL_PROPOSAL, QTableWidgetItem(proposal))
        combo = QComboBox()
        combo.addItem(NO_DECISION, "")
        for choice in DECISIONS:
            combo.addItem(choice, choice)
        combo.setCurrentIndex(max(combo.findData(decision), 0))
        combo.currentIndexChanged.connect(self._selection_changed)
        self.agenda.setCellWidget(row, COL_DECISION, combo)
        self.agenda.setItem(row, COL_CONDITIONS, QTableWidgetItem(conditions))

    def _row_state(self, row: int) -> tuple[int, str, str, str]:
        project_id = self.agenda.item(row, COL_NO).data(Qt.ItemDataRole.UserRole)
        combo = self.agenda.cellWidget(row, COL_DECISION)
        return (project_id, self.agenda.item(row, COL_PROPOSAL).text(), combo.currentData() or "",
                self.agenda.item(row, COL_CONDITIONS).text())

    def _rows(self) -> list[tuple[int, str, str, str]]:
        return [self._row_state(row) for row in range(self.agenda.rowCount())]

    def _refill(self, rows, select: int | None = None) -> None:
        self.agenda.setRowCount(0)
        for project_id, proposal, decision, conditions in rows:
            self._append_row(project_id, proposal, decision, conditions)
        if select is not None and 0 <= select < self.agenda.rowCount():
            self.agenda.selectRow(select)
        self._selection_changed()

    def project_names(self) -> list[str]:
        return [self.agenda.item(row, COL_NAME).text() for row in range(self.agenda.rowCount())]

    def selected_row(self) -> int:
        rows = self.agenda.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def add_projects(self, project_ids: list[int]) -> int:
        """Append projects (ignoring those already there) with their default proposal."""
        choices = {c.id: c for c in meetings.project_choices(project_ids) if c.status != "终止"}
        added = 0
        for project_id in project_ids:
            if project_id in {r[0] for r in self._rows()} or project_id not in choices:
                continue
            choice = choices[project_id]
            self._projects[project_id] = (choice.code, choice.name, choice.total_investment)
            self._append_row(project_id, meetings.default_proposal(project_id))
            added += 1
        if added:
            self.agenda.selectRow(self.agenda.rowCount() - 1)
        return added

    def pick_projects(self) -> None:
        picker = ProjectPickerDialog(self, exclude={r[0] for r in self._rows()})
        if picker.exec() == QDialog.DialogCode.Accepted:
            self.add_projects(picker.selected_ids())

    def remove_selected(self) -> bool:
        row = self.selected_row()
        if row < 0:
            return False
        project_id, _, decision, _ = self._row_state(row)
        if self._stored_decisions.get(project_id):
            answer = QMessageBox.question(
                self, "移除议题",
                f"“{self._projects[project_id][1]}”已记录会议决定（{self._stored_decisions[project_id]}）。"
                "保存后，移除会撤销这个决定对项目的影响（流程记录、状态），确定移除吗？",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        rows = self._rows()
        del rows[row]
        self._refill(rows, min(row, len(rows) - 1))
        return True

    def move_selected(self, delta: int) -> bool:
        row = self.selected_row()
        target = row + delta
        if row < 0 or not 0 <= target < self.agenda.rowCount():
            return False
        rows = self._rows()
        rows.insert(target, rows.pop(row))
        self._refill(rows, target)
        return True

    def set_decision(self, row: int, decision: str, conditions: str | None = None) -> None:
        combo = self.agenda.cellWidget(row, COL_DECISION)
        combo.setCurrentIndex(max(combo.findData(decision), 0))
        if conditions is not None:
            self.agenda.item(row, COL_CONDITIONS).setText(conditions)

    def _selection_changed(self, *_):
        row = self.selected_row()
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < self.agenda.rowCount() - 1)
        decision = self._row_state(row)[2] if row >= 0 else ""
        effect = meetings.decision_effect(decision)
        self.effect_label.setText(f"“{decision}”：{effect}" if effect else "")

    # --- saving ------------------------------------------------------------------------------------

    def values(self) -> dict:
        attendees = [
            self.attendee_list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.attendee_list.count())
            if self.attendee_list.item(r).checkState() == Qt.CheckState.Checked
        ]
        return {
            "title": self.title_edit.text(),
            "number": self.number_spin.value() or None,
            "held_on": from_qdate(self.date_edit.date()),
            "place": self.place_edit.text(),
            "chair_id": self.chair_combo.currentData(),
            "attendee_ids": attendees,
        }

    def items(self) -> list[ItemInput]:
        return [ItemInput(pid, proposal, decision, conditions, self._item_ids.get(pid))
                for pid, proposal, decision, conditions in self._rows()]

    def _say(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def save(self) -> bool:
        try:
            self.saved_id = meetings.save_meeting(self.meeting_id, self.values(), self.items(), today=self.today)
        except ValidationError as exc:
            self._say("；".join(exc.errors.values()))
            return False
        except UserError as exc:
            self._say(str(exc))
            return False
        self._say("")
        self.accept()
        return True
