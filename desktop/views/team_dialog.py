"""The team form（专班）: leader (= the project's 挂钩领导), deputy, members with roles, the policy
package, the founding date and the problem list. Edits are kept in the form until 保存, which
writes them in one go; closing with unsaved changes asks first."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QGridLayout,
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
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError, ValidationError
from desktop.services import reference, teams
from desktop.services.dates import format_date
from desktop.views.lifecycle_panel import from_qdate, to_qdate
from desktop.views.widgets import ERROR_STYLE, fit_to_screen

PROBLEM_COLUMNS = ("问题", "提出日期", "责任单位", "办结时限", "状态", "办结情况", "销号日期")
MEMBER_COLUMNS = ("姓名", "单位", "职务", "角色")
ALERT = QColor("#c62828")
DONE = QColor("#2e7d32")


def _date_edit(day: dt.date, *, latest: dt.date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if latest is not None:
        edit.setMaximumDate(to_qdate(latest))
    edit.setDate(to_qdate(day))
    return edit


def _people_combo(people, empty: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem(empty, None)
    for person in people:
        combo.addItem(person.label, person.id)
    combo.setMinimumWidth(180)
    return combo


class TeamDialog(QDialog):
    """Emits `saved(project_id)` after every successful save or dissolution."""

    saved = Signal(int)

    def __init__(self, project_id: int, parent=None, *, today: dt.date | None = None, as_of: dt.date | None = None):
        super().__init__(parent)
        self.project_id = project_id
        self.today = today or dt.date.today()
        self.as_of = as_of or self.today  # overdue problems are marked as of this day
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.people = reference.list_people(leaders_first=True)
        self.people_by_id = {person.id: person for person in self.people}
        self.units = reference.list_units()
        self.unit_names = {unit.id: unit.name for unit in self.units}
        self.members: list[list] = []  # [person_id, role]
        self.member_names: dict = {}  # person id → MemberItem, for people no longer in the active list
        self.problems: list[dict] = []
        self._snapshot: dict = {}

        self.header = QLabel()
        self.header.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.header.setWordWrap(True)
        self.leader_combo = _people_combo(self.people, "（未定）")
        self.leader_combo.setToolTip("组长就是项目的挂钩领导：在这里改，项目表单里的挂钩领导也随之改变")
        self.deputy_combo = _people_combo(self.people, "（无）")
        self.founded_edit = _date_edit(self.today, latest=self.today)
        top = QGroupBox("专班")
        grid = QGridLayout(top)
        note = QLabel("组长即项目的挂钩领导（同一字段，两处显示）")
        note.setStyleSheet("color: #555;")
        grid.addWidget(QLabel("组长（挂钩领导）"), 0, 0)
        grid.addWidget(self.leader_combo, 0, 1)
        grid.addWidget(QLabel("副组长"), 0, 2)
        grid.addWidget(self.deputy_combo, 0, 3)
        grid.addWidget(QLabel("成立日期"), 0, 4)
        grid.addWidget(self.founded_edit, 0, 5)
        grid.addWidget(note, 1, 1, 1, 5)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_members_tab(), "成员")
        self.tabs.addTab(self._build_policy_tab(), "一套政策")
        self.tabs.addTab(self._build_problems_tab(), "问题清单")

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.dissolve_button = QPushButton("解散专班…")
        self.dissolve_button.setAutoDefault(False)
        self.save_button = QPushButton("保存")
        self.save_button.setAutoDefault(False)
        self.save_button.setToolTip("保存（Ctrl+S）")
        self.close_button = QPushButton("关闭")
        self.close_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.dissolve_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(top)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        self.dissolve_button.clicked.connect(self.dissolve)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

        self._load()
        self.resize(fit_to_screen(self, 960, 660))

    # --- building ----------------------------------------------------------------------------
    def _build_members_tab(self) -> QWidget:
        page = QWidget()
        self.members_table = QTableWidget(0, len(MEMBER_COLUMNS))
        self.members_table.setHorizontalHeaderLabels(list(MEMBER_COLUMNS))
        self.members_table.verticalHeader().hide()
        self.members_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.members_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.members_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.members_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.member_person_combo = _people_combo(self.people, "（选择人员）")
        self.member_role_combo = QComboBox()
        self.member_role_combo.setEditable(True)
        self.member_role_combo.addItems(list(teams.MEMBER_ROLES))
        self.add_member_button = QPushButton("添加成员")
        self.remove_member_button = QPushButton("移除选中成员")
        self.member_role_edit_combo = QComboBox()
        self.member_role_edit_combo.setEditable(True)
        self.member_role_edit_combo.addItems(list(teams.MEMBER_ROLES))
        self.set_role_button = QPushButton("改为此角色")
        add_row = QHBoxLayout()
        add_row.addWidget(QLabel("人员"))
        add_row.addWidget(self.member_person_combo, 1)
        add_row.addWidget(QLabel("角色"))
        add_row.addWidget(self.member_role_combo)
        add_row.addWidget(self.add_member_button)
        edit_row = QHBoxLayout()
        edit_row.addWidget(QLabel("选中成员的角色"))
        edit_row.addWidget(self.member_role_edit_combo)
        edit_row.addWidget(self.set_role_button)
        edit_row.addStretch(1)
        edit_row.addWidget(self.remove_member_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.members_table, 1)
        layout.addLayout(edit_row)
        layout.addLayout(add_row)
        self.add_member_button.clicked.connect(self.add_member)
        self.remove_member_button.clicked.connect(self.remove_selected_member)
        self.set_role_button.clicked.connect(self.set_selected_role)
        return page

    def _build_policy_tab(self) -> QWidget:
        page = QWidget()
        self.policy_text_edit = QPlainTextEdit()
        self.policy_text_edit.setPlaceholderText("政策说明：适用的文件、一事一议事项、兑现方式……")
        self.policy_text_edit.setTabChangesFocus(True)
        self.policy_list = QListWidget()
        self.new_policy_edit = QLineEdit()
        self.new_policy_edit.setPlaceholderText("新的政策条目，如 铝材产业链专项补助")
        self.add_policy_button = QPushButton("加入政策清单")
        add_row = QHBoxLayout()
        add_row.addWidget(self.new_policy_edit, 1)
        add_row.addWidget(self.add_policy_button)
        left = QVBoxLayout()
        left.addWidget(QLabel("政策条目（勾选适用于本项目的）"))
        left.addWidget(self.policy_list, 1)
        left.addLayout(add_row)
        right = QVBoxLayout()
        right.addWidget(QLabel("政策说明"))
        right.addWidget(self.policy_text_edit, 1)
        layout = QHBoxLayout(page)
        layout.addLayout(left, 1)
        layout.addLayout(right, 1)
        self.add_policy_button.clicked.connect(self.add_policy_item)
        self.new_policy_edit.returnPressed.connect(self.add_policy_item)
        return page

    def _build_problems_tab(self) -> QWidget:
        page = QWidget()
        self.problems_table = QTableWidget(0, len(PROBLEM_COLUMNS))
        self.problems_table.setHorizontalHeaderLabels(list(PROBLEM_COLUMNS))
        self.problems_table.verticalHeader().hide()
        self.problems_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.problems_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems_table.setWordWrap(False)
        header = self.problems_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((230, 84, 110, 84, 104, 200, 84)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.problem_summary = QLabel()

        self.problem_text_edit = QLineEdit()
        self.problem_text_edit.setPlaceholderText("问题内容，如 用地指标尚未落实")
        self.problem_text_edit.setMaxLength(teams.MAX_PROBLEM_TEXT)
        self.problem_raised_edit = _date_edit(self.today, latest=self.today)
        self.problem_unit_combo = QComboBox()
        self.problem_unit_combo.addItem("（未定）", None)
        for unit in self.units:
            self.problem_unit_combo.addItem(unit.name, unit.id)
        self.problem_due_check = QCheckBox("办结时限")
        self.problem_due_check.setChecked(True)
        self.problem_due_edit = _date_edit(self.today + dt.timedelta(days=30))
        self.add_problem_button = QPushButton("添加问题")
        new_box = QGroupBox("新增问题")
        grid = QGridLayout(new_box)
        grid.addWidget(QLabel("问题"), 0, 0)
        grid.addWidget(self.problem_text_edit, 0, 1, 1, 5)
        grid.addWidget(QLabel("提出日期"), 1, 0)
        grid.addWidget(self.problem_raised_edit, 1, 1)
        grid.addWidget(QLabel("责任单位"), 1, 2)
        grid.addWidget(self.problem_unit_combo, 1, 3)
        due_row = QHBoxLayout()
        due_row.addWidget(self.problem_due_check)
        due_row.addWidget(self.problem_due_edit)
        grid.addLayout(due_row, 1, 4)
        grid.addWidget(self.add_problem_button, 1, 5)

        self.resolution_edit = QLineEdit()
        self.resolution_edit.setPlaceholderText("办结情况，如 已取得环评批复")
        self.closed_on_edit = _date_edit(self.today, latest=self.today)
        self.close_problem_button = QPushButton("销号")
        self.reopen_problem_button = QPushButton("重新打开")
        self.delete_problem_button = QPushButton("删除…")
        close_box = QGroupBox("选中的问题")
        close_row = QHBoxLayout(close_box)
        close_row.addWidget(QLabel("办结情况"))
        close_row.addWidget(self.resolution_edit, 1)
        close_row.addWidget(QLabel("销号日期"))
        close_row.addWidget(self.closed_on_edit)
        close_row.addWidget(self.close_problem_button)
        close_row.addWidget(self.reopen_problem_button)
        close_row.addWidget(self.delete_problem_button)

        layout = QVBoxLayout(page)
        layout.addWidget(self.problems_table, 1)
        layout.addWidget(self.problem_summary)
        layout.addWidget(close_box)
        layout.addWidget(new_box)
        self.problem_due_check.toggled.connect(self.problem_due_edit.setEnabled)
        self.add_problem_button.clicked.connect(self.add_problem)
        self.close_problem_button.clicked.connect(self.close_selected_problem)
        self.reopen_problem_button.clicked.connect(self.reopen_selected_problem)
        self.delete_problem_button.clicked.connect(self.delete_selected_problem)
        self.problems_table.itemSelectionChanged.connect(self._problem_selected)
        return page

    # --- loading -----------------------------------------------------------------------------
    def _load(self) -> None:
        detail = teams.team_detail(self.project_id)
        self.detail = detail
        key = "　★ 重点项目" if detail.project_is_key else ""
        state = "" if detail.team_id is not None else "　（尚无专班：保存后成立）"
        self.header.setText(f"{detail.project_code}　{detail.project_name}{key}{state}")
        self.setWindowTitle(f"专班 — {detail.project_name}")
        self._select(self.leader_combo, detail.leader_id, detail.leader_name)
        self._select(self.deputy_combo, detail.deputy_id, detail.deputy_name)
        for member in detail.members:
            self.member_names.setdefault(member.person_id, member)
        self.founded_edit.setDate(to_qdate(detail.founded_on or self.today))
        self.members = [[m.person_id, m.role] for m in detail.members]
        self.policy_text_edit.setPlainText(detail.policy_text)
        self._fill_policies(set(detail.policy_item_ids))
        self.problems = [
            {"id": p.id, "text": p.text, "raised_on": p.raised_on, "owner_unit_id": p.owner_unit_id, "due_on": p.due_on,
             "closed": p.closed, "resolution": p.resolution, "closed_on": p.closed_on}
            for p in detail.problems
        ]
        self.dissolve_button.setVisible(detail.team_id is not None)
        self._fill_members()
        self._fill_problems()
        self._snapshot = self.state()

    @staticmethod
    def _select(combo: QComboBox, value, name: str = "") -> None:
        position = combo.findData(value)
        if position < 0 and value is not None:
            # Someone no longer in the active list: keep them rather than clear the field on save.
            combo.addItem(f"{name}（已停用）", value)
            position = combo.count() - 1
        combo.setCurrentIndex(max(position, 0))

    def _fill_policies(self, checked: set[int]) -> None:
        self.policy_list.clear()
        items = teams.list_policy_items(include_inactive=True)
        for item in items:
            if not item.active and item.id not in checked:
                continue  # retired entries stay visible only where they were picked
            entry = QListWidgetItem(item.name if item.active else f"{item.name}（已停用）")
            entry.setData(Qt.ItemDataRole.UserRole, item.id)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Checked if item.id in checked else Qt.CheckState.Unchecked)
            self.policy_list.addItem(entry)

    def checked_policy_ids(self) -> list[int]:
        return [
            self.policy_list.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.policy_list.count())
            if self.policy_list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def _fill_members(self) -> None:
        table = self.members_table
        table.setRowCount(len(self.members))
        for row, (person_id, role) in enumerate(self.members):
            person = self.people_by_id.get(person_id) or self.member_names.get(person_id)
            cells = [person.name if person else f"#{person_id}", person.unit_name if person else "", person.title if person else "", role]
            for column, text in enumerate(cells):
                table.setItem(row, column, QTableWidgetItem(text))

    def _fill_problems(self) -> None:
        table = self.problems_table
        table.setRowCount(len(self.problems))
        open_count = overdue = 0
        for row, problem in enumerate(self.problems):
            late = not problem["closed"] and problem["due_on"] is not None and problem["due_on"] < self.as_of
            open_count += not problem["closed"]
            overdue += late
            status = teams.CLOSED_LABEL if problem["closed"] else (f"{teams.OPEN_LABEL}（逾期）" if late else teams.OPEN_LABEL)
            cells = [
                problem["text"], format_date(problem["raised_on"]), self.unit_names.get(problem["owner_unit_id"], ""),
                format_date(problem["due_on"]), status, problem["resolution"] if problem["closed"] else "",
                format_date(problem["closed_on"]) if problem["closed"] else "",
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 4:
                    item.setForeground(QBrush(DONE if problem["closed"] else ALERT if late else QColor("#8a5a00")))
                if column == 0:
                    item.setToolTip(text)
                table.setItem(row, column, item)
        self.problem_summary.setText(
            f"共 {len(self.problems)} 个问题：未销号 {open_count} 个（逾期 {overdue} 个，截至 {format_date(self.as_of)}），"
            f"已销号 {len(self.problems) - open_count} 个"
        )
        self._problem_selected()

    # --- state -------------------------------------------------------------------------------
    def state(self) -> dict:
        """The form's values, as `teams.save_team` takes them."""
        return {
            "leader_id": self.leader_combo.currentData(),
            "deputy_id": self.deputy_combo.currentData(),
            "founded_on": from_qdate(self.founded_edit.date()),
            "policy_text": self.policy_text_edit.toPlainText(),
            "members": [tuple(member) for member in self.members],
            "policy_item_ids": self.checked_policy_ids(),
            "problems": [dict(problem) for problem in self.problems],
        }

    def is_dirty(self) -> bool:
        return self.state() != self._snapshot

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "color: #1b5e20;")
        self.message.setText(text)

    # --- members -----------------------------------------------------------------------------
    def add_member(self) -> bool:
        person_id = self.member_person_combo.currentData()
        role = self.member_role_combo.currentText().strip() or teams.MEMBER_ROLE
        if person_id is None:
            self._say("请先选择要加入的人员", error=True)
            return False
        name = self.people_by_id[person_id].name
        if person_id == self.leader_combo.currentData():
            self._say(f"{name} 是组长，不必再列为成员", error=True)
            return False
        if person_id == self.deputy_combo.currentData():
            self._say(f"{name} 是副组长，不必再列为成员", error=True)
            return False
        if any(member[0] == person_id for member in self.members):
            self._say(f"{name} 已在成员中", error=True)
            return False
        if role in (teams.LEADER_ROLE, teams.DEPUTY_ROLE):
            self._say("组长、副组长请在上方选择", error=True)
            return False
        self.members.append([person_id, role])
        self._fill_members()
        self._say(f"已添加 {name}（{role}），保存后生效")
        return True

    def _selected_row(self, table: QTableWidget) -> int:
        rows = table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def remove_selected_member(self) -> bool:
        row = self._selected_row(self.members_table)
        if row < 0:
            self._say("请先选中要移除的成员", error=True)
            return False
        person_id, _ = self.members.pop(row)
        self._fill_members()
        person = self.people_by_id.get(person_id) or self.member_names.get(person_id)
        self._say(f"已移除 {person.name if person else ''}，保存后生效")
        return True

    def set_selected_role(self) -> bool:
        row = self._selected_row(self.members_table)
        role = self.member_role_edit_combo.currentText().strip()
        if row < 0 or not role:
            self._say("请先选中成员并填写角色", error=True)
            return False
        if role in (teams.LEADER_ROLE, teams.DEPUTY_ROLE):
            self._say("组长、副组长请在上方选择", error=True)
            return False
        self.members[row][1] = role
        self._fill_members()
        self.members_table.selectRow(row)
        return True

    # --- policies ----------------------------------------------------------------------------
    def add_policy_item(self) -> bool:
        """A new entry of the shared policy list (saved at once), ticked for this team."""
        name = self.new_policy_edit.text().strip()
        checked = set(self.checked_policy_ids())
        try:
            item_id = teams.add_policy_item(name)
        except ValidationError as exc:
            self._say("；".join(exc.errors.values()), error=True)
            return False
        self._fill_policies(checked | {item_id})
        self.new_policy_edit.clear()
        self._say(f"已把“{name}”加入政策清单并勾选")
        return True

    # --- problems ----------------------------------------------------------------------------
    def add_problem(self) -> bool:
        values = {
            "id": None,
            "text": self.problem_text_edit.text().strip(),
            "raised_on": from_qdate(self.problem_raised_edit.date()),
            "owner_unit_id": self.problem_unit_combo.currentData(),
            "due_on": from_qdate(self.problem_due_edit.date()) if self.problem_due_check.isChecked() else None,
            "closed": False, "resolution": "", "closed_on": None,
        }
        errors = teams.validate_problem(values, today=self.today)
        if errors:
            self._say("；".join(errors.values()), error=True)
            return False
        self.problems.append(values)
        self._fill_problems()
        self.problem_text_edit.clear()
        self._say("已添加问题，保存后生效")
        return True

    def _problem_selected(self) -> None:
        row = self._selected_row(self.problems_table)
        problem = self.problems[row] if 0 <= row < len(self.problems) else None
        self.close_problem_button.setEnabled(problem is not None and not problem["closed"])
        self.reopen_problem_button.setEnabled(problem is not None and problem["closed"])
        self.delete_problem_button.setEnabled(problem is not None)

    def select_problem(self, row: int) -> None:
        self.problems_table.selectRow(row)

    def close_selected_problem(self) -> bool:
        """销号 the selected problem with the resolution and date typed below the list."""
        row = self._selected_row(self.problems_table)
        if row < 0:
            self._say("请先选中要销号的问题", error=True)
            return False
        problem = self.problems[row]
        closed = {**problem, "closed": True, "resolution": self.resolution_edit.text().strip(), "closed_on": from_qdate(self.closed_on_edit.date())}
        errors = teams.validate_problem(closed, today=self.today)
        if errors:
            self._say("；".join(errors.values()), error=True)
            return False
        self.problems[row] = closed
        self._fill_problems()
        self.resolution_edit.clear()
        self.problems_table.selectRow(row)
        self._say("已销号，保存后生效")
        return True

    def reopen_selected_problem(self) -> bool:
        row = self._selected_row(self.problems_table)
        if row < 0 or not self.problems[row]["closed"]:
            self._say("请先选中已销号的问题", error=True)
            return False
        self.problems[row] = {**self.problems[row], "closed": False, "closed_on": None}
        self._fill_problems()
        self.problems_table.selectRow(row)
        self._say("问题已重新打开（未销号），保存后生效")
        return True

    def delete_selected_problem(self) -> bool:
        row = self._selected_row(self.problems_table)
        if row < 0:
            return False
        answer = QMessageBox.question(
            self, "删除问题", f"删除问题“{self.problems[row]['text']}”？（录错时才删除；解决了请用“销号”）",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.problems.pop(row)
        self._fill_problems()
        return True

    # --- saving and closing ------------------------------------------------------------------
    def save(self) -> bool:
        try:
            teams.save_team(self.project_id, self.state(), today=self.today)
        except ValidationError as exc:
            self._say("；".join(exc.errors.values()), error=True)
            return False
        except UserError as exc:
            self._say(str(exc), error=True)
            return False
        self._load()
        self._say("已保存")
        self.saved.emit(self.project_id)
        return True

    def dissolve(self) -> bool:
        if self.detail.team_id is None:
            return False
        answer = QMessageBox.question(
            self, "解散专班",
            f"解散“{self.detail.project_name}”的专班？成员、政策和问题清单将一并删除，无法恢复。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            teams.delete_team(self.detail.team_id)
        except UserError as exc:
            self._say(str(exc), error=True)
            return False
        self.saved.emit(self.project_id)
        self._snapshot = self.state()
        self.accept()
        return True

    def _may_close(self) -> bool:
        if not self.is_dirty():
            return True
        answer = QMessageBox.question(
            self, "专班", "专班有未保存的修改，是否保存？",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def reject(self) -> None:
        # The window's close button and Esc come here too (QDialog.closeEvent calls reject).
        if self._may_close():
            super().reject()
