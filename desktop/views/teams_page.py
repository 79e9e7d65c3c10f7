"""专班: which project has a team and who is on it — projects on the left, people on the right.

Projects without a team stand out (orange, “无专班”; key projects red and bold); people above the
load threshold are red. Drag a person onto a project to put them on its team (a team is founded
when the project has none), or pick both and press 加入专班. Double-click a project for its team form.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QDrag, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError
from desktop.services import project_list, reference, teams
from desktop.services.dates import format_date
from desktop.services.teams import AssignmentFilter, AssignmentRow, PersonLoad
from desktop.views.lifecycle_panel import from_qdate, to_qdate

PERSON_MIME = "application/x-investdesk-person-id"
PROJECT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PERSON_ID_ROLE = Qt.ItemDataRole.UserRole + 2

NO_TEAM_BACKGROUND = QColor("#fff0db")  # light orange
KEY_NO_TEAM_BACKGROUND = QColor("#ffcdd2")  # light red
ALERT_COLOUR = QColor("#c62828")
PAUSED_COLOUR = QColor("#8a5a00")

COLUMNS = ("项目编号", "项目名称", "总投资（亿元）", "阶段", "责任单位", "组长", "专班", "成员", "未销号", "逾期", "最近进展")
(COL_CODE, COL_NAME, COL_TOTAL, COL_STAGE, COL_UNIT, COL_LEADER, COL_TEAM, COL_MEMBERS, COL_OPEN, COL_OVERDUE, COL_LAST) = range(len(COLUMNS))
HEADER_TIPS = {
    COL_LEADER: "组长即项目的挂钩领导", COL_MEMBERS: "副组长和成员人数（不含组长）",
    COL_OPEN: "未销号的问题", COL_OVERDUE: "办结时限已过仍未销号的问题",
    COL_LAST: "最近一次流程记录、问题提出或销号、专班成立的日期（不晚于“截至”日期）",
}
NUMERIC = {COL_TOTAL, COL_MEMBERS, COL_OPEN, COL_OVERDUE}
PEOPLE_COLUMNS = ("姓名", "单位 / 职务", "牵头", "参与", "合计")


def _team_text(row: AssignmentRow) -> str:
    if row.has_team:
        return "有专班"
    return "无专班 ⚠" if row.is_key else "无专班"


def _sort_key(column: int):
    keys = {
        COL_CODE: lambda r: r.code, COL_NAME: lambda r: r.name, COL_TOTAL: lambda r: r.total_wan,
        COL_STAGE: lambda r: r.stage_no, COL_UNIT: lambda r: r.responsible_unit_name,
        COL_LEADER: lambda r: r.leader_name,
        # 无专班 first when ascending: key projects without a team lead.
        COL_TEAM: lambda r: (r.has_team, not r.is_key), COL_MEMBERS: lambda r: r.member_count,
        COL_OPEN: lambda r: r.open_problems, COL_OVERDUE: lambda r: r.overdue_problems,
        COL_LAST: lambda r: r.last_progress_on or dt.date.min,
    }
    return keys[column]


class AssignmentTableModel(QAbstractTableModel):
    """The project rows of the assignment view (a few hundred at most: sorted in Python)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[AssignmentRow] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: list[AssignmentRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(section)
        return None

    def display(self, row: AssignmentRow, column: int) -> str:
        if column == COL_CODE:
            return row.code
        if column == COL_NAME:
            return ("★ " if row.is_key else "") + row.name + ("（暂缓）" if row.status == "暂缓" else "")
        if column == COL_TOTAL:
            return row.total_yi_text
        if column == COL_STAGE:
            return row.stage_label
        if column == COL_UNIT:
            return row.responsible_unit_name
        if column == COL_LEADER:
            return row.leader_name or "（未定）"
        if column == COL_TEAM:
            return _team_text(row)
        if column == COL_MEMBERS:
            return str(row.member_count) if row.has_team else "—"
        if column == COL_OPEN:
            return str(row.open_problems) if row.has_team else "—"
        if column == COL_OVERDUE:
            return str(row.overdue_problems) if row.has_team else "—"
        return format_date(row.last_progress_on)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == PROJECT_ID_ROLE:
            return row.project_id
        if role == Qt.ItemDataRole.BackgroundRole and not row.has_team:
            return QBrush(KEY_NO_TEAM_BACKGROUND if row.is_key else NO_TEAM_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.key_without_team or (column == COL_OVERDUE and row.overdue_problems):
                return QBrush(ALERT_COLOUR)
            if row.status == "暂缓":
                return QBrush(PAUSED_COLOUR)
        if role == Qt.ItemDataRole.FontRole and (row.key_without_team or (column == COL_OVERDUE and row.overdue_problems)):
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.key_without_team:
                return "重点项目须成立专班：把右侧人员拖到这一行，或点“新建专班”"
            if not row.has_team:
                return "该项目还没有专班"
            return f"{row.name}：专班成员 {row.member_count} 人，未销号问题 {row.open_problems} 个，其中逾期 {row.overdue_problems} 个"
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return  # no sort chosen: the service's order (by code)
        self.layoutAboutToBeChanged.emit()
        self.rows.sort(key=_sort_key(column), reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()

    def row_of_project(self, project_id: int) -> int:
        for number, row in enumerate(self.rows):
            if row.project_id == project_id:
                return number
        return -1


class ProjectDropTable(QTableView):
    """The projects table: a person dragged from the people list can be dropped on a row."""

    person_dropped = Signal(int, int)  # person id, project id

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(True)

    def _project_at(self, event) -> int | None:
        index = self.indexAt(event.position().toPoint())
        return index.data(PROJECT_ID_ROLE) if index.isValid() else None

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasFormat(PERSON_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasFormat(PERSON_MIME) and self._project_at(event) is not None:
            index = self.indexAt(event.position().toPoint())
            self.selectRow(index.row())
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt API
        project_id = self._project_at(event)
        if not event.mimeData().hasFormat(PERSON_MIME) or project_id is None:
            event.ignore()
            return
        person_id = int(bytes(event.mimeData().data(PERSON_MIME)).decode())
        event.acceptProposedAction()
        self.person_dropped.emit(person_id, int(project_id))


class PeopleTable(QTableWidget):
    """The people with their load; a row can be dragged onto a project."""

    def __init__(self, parent=None):
        super().__init__(0, len(PEOPLE_COLUMNS), parent)
        self.setHorizontalHeaderLabels(list(PEOPLE_COLUMNS))
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(24)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((60, 170, 40, 40, 40)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def selected_person_id(self) -> int | None:
        row = self.currentRow()
        item = self.item(row, 0) if row >= 0 else None
        return item.data(PERSON_ID_ROLE) if item is not None else None

    def startDrag(self, _actions) -> None:  # noqa: N802 - Qt API
        person_id = self.selected_person_id()
        if person_id is None:
            return
        mime = QMimeData()
        mime.setData(PERSON_MIME, str(person_id).encode())
        mime.setText(self.item(self.currentRow(), 0).text())
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.exec(Qt.DropAction.CopyAction)

    def row_of_person(self, person_id: int) -> int:
        for row in range(self.rowCount()):
            if self.item(row, 0).data(PERSON_ID_ROLE) == person_id:
                return row
        return -1


class TeamsPage(QWidget):
    open_project = Signal(int)

    title = "专班"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.as_of = dt.date.today()
        self._phase_steps: dict[str, set[int]] = {}
        self.threshold = teams.DEFAULT_LOAD_THRESHOLD
        self.people: list[PersonLoad] = []
        self.open_dialogs: list = []

        self.key_check = QCheckBox("重点项目")
        self.above_yi_check = QCheckBox("亿元以上")
        self.without_team_check = QCheckBox("只看无专班")
        self.stage_combo = QComboBox()
        self.stage_combo.addItem("全部阶段", "")
        self.stage_combo.setMinimumWidth(100)
        self.unit_combo = QComboBox()
        self.unit_combo.addItem("全部责任单位", None)
        self.unit_combo.setMinimumWidth(130)
        self.as_of_edit = QDateEdit()
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("yyyy-MM-dd")
        self.as_of_edit.setDate(to_qdate(self.as_of))
        self.as_of_edit.setToolTip("逾期问题、最近进展按这一天计算")
        self.count_label = QLabel()

        filters = QHBoxLayout()
        filters.addWidget(QLabel("筛选"))
        for widget in (self.key_check, self.above_yi_check, self.stage_combo, self.unit_combo, self.without_team_check):
            filters.addWidget(widget)
        filters.addSpacing(12)
        filters.addWidget(QLabel("截至"))
        filters.addWidget(self.as_of_edit)
        filters.addStretch(1)

        self.model = AssignmentTableModel(self)
        self.table = ProjectDropTable()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Narrow fixed columns leave the width to 项目名称: at 1280 logical pixels (1920×1080 at 150 %)
        # the name was cut to “★ 富…”.
        for column, width in enumerate((92, 190, 96, 62, 96, 56, 56, 40, 52, 40, 80)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for column in (COL_CODE, COL_LAST):  # codes and dates are read whole or not at all
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(36)

        self.people_table = PeopleTable()
        self.people_hint = QLabel()
        self.people_hint.setWordWrap(True)
        self.people_hint.setStyleSheet("color: #555;")
        self.role_combo = QComboBox()
        self.role_combo.addItems(list(teams.ROLES))
        self.role_combo.setCurrentText(teams.MEMBER_ROLE)
        self.role_combo.setEditable(True)
        self.assign_button = QPushButton("加入选中项目的专班")
        self.assign_button.setToolTip("把右侧选中的人员加入左侧选中项目的专班（也可以直接拖过去）")
        assign_row = QHBoxLayout()
        assign_row.addWidget(QLabel("角色"))
        assign_row.addWidget(self.role_combo, 1)
        assign_row.addWidget(self.assign_button)
        people_box = QGroupBox("人员负荷（拖到左侧项目上即加入其专班）")
        people_layout = QVBoxLayout(people_box)
        people_layout.setContentsMargins(6, 6, 6, 6)
        people_layout.addWidget(self.people_table, 1)
        people_layout.addWidget(self.people_hint)
        people_layout.addLayout(assign_row)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(people_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([960, 300])
        splitter.setChildrenCollapsible(False)

        legend = QLabel(
            "<span style='background:#fff0db'>&nbsp;橙色&nbsp;</span> 无专班　"
            "<span style='background:#ffcdd2; color:#c62828; font-weight:bold'>&nbsp;红色粗体&nbsp;</span> 重点项目无专班（须成立）　"
            "★ 重点项目　逾期：办结时限已过仍未销号"
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        # Both wrap: on one line they were wider than a 1280-pixel screen (1920×1080 at 150%) and the
        # window grew past its right edge.
        legend.setWordWrap(True)
        self.count_label.setWordWrap(True)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bottom = QHBoxLayout()
        bottom.addWidget(legend, 1)
        bottom.addWidget(self.count_label, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addLayout(bottom)

        for check in (self.key_check, self.above_yi_check, self.without_team_check):
            check.toggled.connect(self.refresh)
        self.stage_combo.currentIndexChanged.connect(self.refresh)
        self.unit_combo.currentIndexChanged.connect(self.refresh)
        self.as_of_edit.dateChanged.connect(self._as_of_changed)
        self.table.person_dropped.connect(self.drop_person_on_project)
        self.table.doubleClicked.connect(lambda index: self.open_team(index.data(PROJECT_ID_ROLE)))
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.assign_button.clicked.connect(self.assign_selected)

        self.actions_for_toolbar = self._make_actions()

    def _make_actions(self) -> list[QAction]:
        new_action = QAction("新建专班", self)
        new_action.setShortcut(QKeySequence.StandardKey.New)
        new_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new_action.setToolTip("为选中的项目成立专班（Ctrl+N）")
        new_action.triggered.connect(self.new_team)
        open_action = QAction("打开", self)
        open_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        open_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        open_action.setToolTip("打开选中项目的专班（回车）")
        open_action.triggered.connect(lambda: self.open_team(self.selected_project_id()))
        self.table.addAction(open_action)
        export_action = QAction("导出…", self)
        export_action.setShortcut(QKeySequence("Ctrl+E"))
        export_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        export_action.setToolTip("把当前显示的专班配备和人员负荷导出为 Excel（Ctrl+E）")
        export_action.triggered.connect(self.export_shown)
        print_action = QAction("打印…", self)
        print_action.setShortcut(QKeySequence.StandardKey.Print)
        print_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        print_action.setToolTip("生成 A4 横向 PDF，预览后打印（Ctrl+P）")
        print_action.triggered.connect(self.print_shown)
        refresh_action = QAction("刷新", self)
        refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh_action.triggered.connect(self.load)
        for action in (new_action, export_action, print_action, refresh_action):
            self.addAction(action)
        self.new_action, self.open_action, self.export_action, self.print_action = new_action, open_action, export_action, print_action
        return [new_action, open_action, export_action, print_action, refresh_action]

    # --- data --------------------------------------------------------------------------------
    def set_period(self, _start: dt.date, end: dt.date) -> None:
        """The main window gives the demo its period: overdue is then counted as of its end."""
        self.as_of_edit.setDate(to_qdate(end))

    def _as_of_changed(self, _date) -> None:
        self.as_of = from_qdate(self.as_of_edit.date())
        self.refresh()

    def load(self) -> None:
        """Re-read the pick lists, the projects and the people; keeps filters and selection."""
        self._phase_steps = project_list.phase_steps()
        self._refill(self.stage_combo, [(label, label) for label in self._phase_steps])
        self._refill(self.unit_combo, [(unit.name, unit.id) for unit in reference.list_units()])
        self.refresh()

    @staticmethod
    def _refill(combo: QComboBox, items: list[tuple[str, object]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for text, data in items:
            combo.addItem(text, data)
        position = combo.findData(current)
        combo.setCurrentIndex(position if position >= 0 else 0)
        combo.blockSignals(False)

    def criteria(self) -> AssignmentFilter:
        return AssignmentFilter(
            key_only=self.key_check.isChecked(),
            above_yi=self.above_yi_check.isChecked(),
            stage=self.stage_combo.currentData() or "",
            unit_id=self.unit_combo.currentData(),
            without_team_only=self.without_team_check.isChecked(),
            phase_steps=self._phase_steps,
        )

    def refresh(self, *_args) -> None:
        selected = self.selected_project_id()
        person = self.people_table.selected_person_id()
        rows = teams.assignment_rows(self.criteria(), today=self.as_of)
        self.model.set_rows(rows)
        header = self.table.horizontalHeader()
        if header.sortIndicatorSection() >= 0:
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.count_label.setText(teams.summary_text(rows))
        self._fill_people()
        if selected is not None:
            self.select_project(selected)
        if person is not None:
            self.select_person(person)

    def _fill_people(self) -> None:
        self.threshold = teams.load_threshold()
        self.people = teams.people_loads(threshold=self.threshold)
        overloaded = sum(1 for p in self.people if p.overloaded)
        self.people_hint.setText(
            f"负荷上限 {self.threshold} 个专班（牵头＋参与），超过的标红"
            + (f"：现有 {overloaded} 人超过" if overloaded else "")
        )
        table = self.people_table
        table.setRowCount(len(self.people))
        bold = QFont()
        bold.setBold(True)
        for row, person in enumerate(self.people):
            where = "／".join(part for part in (person.unit_name, person.title) if part)
            cells = [person.name, where, str(person.led), str(person.joined), str(person.total)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setData(PERSON_ID_ROLE, person.person_id)
                if column >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if person.overloaded:
                    item.setForeground(QBrush(ALERT_COLOUR))
                    item.setFont(bold)
                    item.setToolTip(f"{person.label}：牵头 {person.led} 个、参与 {person.joined} 个专班，超过上限 {self.threshold} 个")
                else:
                    item.setToolTip(f"{person.label}：牵头 {person.led} 个、参与 {person.joined} 个专班")
                table.setItem(row, column, item)

    # --- selection ---------------------------------------------------------------------------
    def selected_project_id(self) -> int | None:
        index = self.table.currentIndex()
        return index.data(PROJECT_ID_ROLE) if index.isValid() else None

    def select_project(self, project_id: int) -> bool:
        row = self.model.row_of_project(project_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.model.index(row, COL_NAME))
        return True

    def select_person(self, person_id: int) -> bool:
        row = self.people_table.row_of_person(person_id)
        if row < 0:
            return False
        self.people_table.selectRow(row)
        self.people_table.setCurrentCell(row, 0)
        return True

    def project_row(self, project_id: int) -> AssignmentRow | None:
        row = self.model.row_of_project(project_id)
        return self.model.rows[row] if row >= 0 else None

    def person_load(self, person_id: int) -> PersonLoad | None:
        return next((p for p in self.people if p.person_id == person_id), None)

    # --- assigning ---------------------------------------------------------------------------
    def drop_person_on_project(self, person_id: int, project_id: int, role: str | None = None) -> bool:
        """What dropping a person on a project row does: put them on its team (founding it if
        needed), then show both panes fresh. Returns whether it was done."""
        role = (role or self.role_combo.currentText() or teams.MEMBER_ROLE).strip()
        try:
            outcome = teams.assign_person(project_id, person_id, role)
        except UserError as exc:
            self.message.setStyleSheet("color: #c62828;")
            self.message.setText(str(exc))
            QMessageBox.warning(self, "没有加入专班", str(exc))
            return False
        self.message.setStyleSheet("color: #1b5e20;")
        self.message.setText(outcome.message)
        self.refresh()
        self.select_project(project_id)
        self.select_person(person_id)
        return True

    def assign_selected(self) -> bool:
        project_id, person_id = self.selected_project_id(), self.people_table.selected_person_id()
        if project_id is None or person_id is None:
            QMessageBox.information(self, "加入专班", "请先在左侧选一个项目，在右侧选一位人员。")
            return False
        return self.drop_person_on_project(person_id, project_id)

    # --- teams -------------------------------------------------------------------------------
    def new_team(self):
        """A team for the selected project; a project that has one already is told why not."""
        project_id = self.selected_project_id()
        if project_id is None:
            QMessageBox.information(self, "新建专班", "请先在表格中选中要成立专班的项目。")
            return None
        try:
            teams.check_can_create_team(project_id)
        except UserError as exc:
            QMessageBox.warning(self, "不能再成立专班", str(exc))
            return None
        return self.open_team(project_id)

    def open_team(self, project_id: int | None):
        if project_id is None:
            return None
        from desktop.views.team_dialog import TeamDialog

        for dialog in self.open_dialogs:
            if dialog.project_id == project_id:
                dialog.raise_()
                dialog.activateWindow()
                return dialog
        dialog = TeamDialog(project_id, self, as_of=self.as_of)
        dialog.saved.connect(lambda _pid: self.refresh())
        dialog.finished.connect(lambda _r, d=dialog: self.open_dialogs.remove(d) if d in self.open_dialogs else None)
        self.open_dialogs.append(dialog)
        dialog.show()
        return dialog

    def _context_menu(self, position) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        project_id = index.data(PROJECT_ID_ROLE)
        menu = QMenu(self)
        menu.addAction("打开专班", lambda: self.open_team(project_id))
        menu.addAction("打开项目…", lambda: self.open_project.emit(project_id))
        menu.exec(self.table.viewport().mapToGlobal(position))

    # --- export and print --------------------------------------------------------------------
    def export_shown(self) -> None:
        from desktop.views.table_export import choose_save_path

        path = choose_save_path(self, "导出专班配备", teams.default_export_name(self.as_of))
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        from desktop.views.progress import run_with_progress

        def done(count: int) -> None:
            self.message.setStyleSheet("color: #1b5e20;")
            self.message.setText(f"已导出 {count} 个项目及人员负荷到 {path}")

        run_with_progress(self, "正在导出专班配备……", teams.export_assignment, path, self.criteria(), today=self.as_of, done=done)

    def print_shown(self):
        """Make the A4 landscape PDF of what is shown and open it in the preview (打印 there)."""
        from desktop.views.pdf_preview import make_pdf_and_preview

        return make_pdf_and_preview(self, "专班配备", teams.print_assignment, self.criteria(), self.as_of)


class TeamSettingsPanel(QWidget):
    """设置 → 专班: the load threshold (people above it stand out)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.threshold_spin = QSpinBox()
        self.threshold_spin.setRange(1, 99)
        self.threshold_spin.setSuffix(" 个专班")
        self.save_button = QPushButton("保存")
        self.message = QLabel()
        form = QFormLayout(self)
        row = QHBoxLayout()
        row.addWidget(self.threshold_spin)
        row.addWidget(self.save_button)
        row.addStretch(1)
        form.addRow("人员负荷上限", row)
        form.addRow("", QLabel("一人牵头与参与的专班合计超过此数时，在专班页标红。"))
        form.addRow("", self.message)
        self.save_button.clicked.connect(self.save)

    def load(self) -> None:
        self.threshold_spin.setValue(teams.load_threshold())

    def save(self) -> bool:
        try:
            teams.set_load_threshold(self.threshold_spin.value())
        except UserError as exc:
            self.message.setText(str(exc))
            return False
        self.message.setText(f"已保存：超过 {self.threshold_spin.value()} 个专班标红")
        return True
