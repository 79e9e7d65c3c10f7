"""领导小组会: the meetings (latest first) and the agenda of the selected one, with its decisions.

From here the centre opens or creates a meeting (desktop/views/meeting_dialog.py), prints the
briefing pack（会议材料, phones masked unless 完整联系方式 is ticked), the 会议纪要 and the one-pager
（项目简表）of a selected agenda item — each built on the worker pool and opened in the preview.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError
from desktop.services import meetings
from desktop.services.dates import format_date
from desktop.services.money import format_yi
from desktop.views.table_export import export_action, export_shown_table
from desktop.views.widgets import table_cell as _cell

MEETING_COLUMNS = ("编号", "会议名称", "日期", "地点", "组长", "议题", "决定情况")
ITEM_COLUMNS = ("序号", "项目编号", "项目名称", "投资方", "总投资（亿元）", "用地（亩）", "提请事项 / 建议", "会议决定", "决定条件")
# Columns exported as real dates or numbers (the rest as the text shown); 总投资 in 亿元 as shown.
MEETING_NUMBERS = (MEETING_COLUMNS.index("编号"), MEETING_COLUMNS.index("议题"))
MEETING_DATES = (MEETING_COLUMNS.index("日期"),)
ITEM_NUMBERS = (ITEM_COLUMNS.index("序号"), ITEM_COLUMNS.index("用地（亩）"))
ITEM_AMOUNTS = (ITEM_COLUMNS.index("总投资（亿元）"),)
DECISION_COLOURS = {"同意落地": "#2e7d32", "不同意": "#c62828", "暂缓": "#8a5a00", "补充材料后再议": "#1f4e79"}


def _table(columns) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    return table


class MeetingsPage(QWidget):
    title = "领导小组会"
    open_project = Signal(int)

    def __init__(self, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.today = today
        self.rows: list[meetings.MeetingRow] = []
        self.detail: meetings.MeetingDetail | None = None

        self.meeting_table = _table(MEETING_COLUMNS)
        header = self.meeting_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.item_table = _table(ITEM_COLUMNS)
        header = self.item_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (2, 6, 8):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.item_table.setWordWrap(True)

        self.new_button = QPushButton("新建会议(&N)")
        self.open_button = QPushButton("打开(&O)")
        self.delete_button = QPushButton("删除会议")
        self.pack_button = QPushButton("生成会议材料(&P)")
        self.full_contacts_box = QCheckBox("完整联系方式")
        self.full_contacts_box.setToolTip("不勾选时，会议材料和项目简表中的手机号隐去中间四位（如 138****1234）")
        self.minutes_button = QPushButton("会议纪要(&M)")
        self.one_pager_button = QPushButton("项目简表(&J)")
        self.one_pager_button.setToolTip("所选议题项目的一页简表")
        self.summary_label = QLabel()
        self.summary_label.setStyleSheet("color: #555;")
        self.summary_label.setWordWrap(True)

        self.new_button.clicked.connect(self.new_meeting)
        self.open_button.clicked.connect(self.open_meeting)
        self.delete_button.clicked.connect(self.delete_meeting)
        self.pack_button.clicked.connect(self.print_pack)
        self.minutes_button.clicked.connect(self.print_minutes)
        self.one_pager_button.clicked.connect(self.print_one_pager)
        self.meeting_table.itemSelectionChanged.connect(self._meeting_selected)
        self.meeting_table.itemDoubleClicked.connect(lambda *_: self.open_meeting())
        self.item_table.itemSelectionChanged.connect(self._update_buttons)
        self.item_table.itemDoubleClicked.connect(self._item_double_clicked)

        buttons = QHBoxLayout()
        for widget in (self.new_button, self.open_button, self.delete_button):
            buttons.addWidget(widget)
        buttons.addSpacing(16)
        for widget in (self.pack_button, self.full_contacts_box, self.minutes_button, self.one_pager_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)

        meetings_box = QGroupBox("会议")
        QVBoxLayout(meetings_box).addWidget(self.meeting_table)
        items_box = QGroupBox("议程与决定（双击议题打开项目）")
        items_layout = QVBoxLayout(items_box)
        items_layout.addWidget(self.summary_label)
        items_layout.addWidget(self.item_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(meetings_box)
        splitter.addWidget(items_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)

        self.new_action = QAction("新建会议", self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.new_meeting)
        self.open_action = QAction("打开", self)
        self.open_action.triggered.connect(self.open_meeting)
        self.pack_action = QAction("会议材料", self)
        self.pack_action.setShortcut(QKeySequence.StandardKey.Print)
        self.pack_action.triggered.connect(self.print_pack)
        self.minutes_action = QAction("纪要", self)
        self.minutes_action.triggered.connect(self.print_minutes)
        for action in (self.new_action, self.open_action, self.pack_action, self.minutes_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.export_action = export_action(self, "把会议列表导出为 Excel", self.export_meetings)
        self.export_agenda_action = QAction("导出议程…", self)
        self.export_agenda_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.export_agenda_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.export_agenda_action.setToolTip("把所选会议的议程与决定（总投资按亿元）导出为 Excel（Ctrl+Shift+E）")
        self.export_agenda_action.triggered.connect(lambda *_: self.export_agenda())
        self.addAction(self.export_agenda_action)
        self.actions_for_toolbar = [self.new_action, self.open_action, self.pack_action, self.minutes_action,
                                    self.export_action, self.export_agenda_action]
        self._update_buttons()

    # --- loading -----------------------------------------------------------------------------------

    def load(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else self.selected_meeting_id()
        self.rows = meetings.list_meetings()
        table = self.meeting_table
        table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            values = [str(row.id), row.title, format_date(row.held_on), row.place, row.chair_name,
                      str(row.item_count), row.decided_text]
            for c, value in enumerate(values):
                item = _cell(value, right=c in (0, 5), data=row.id if c == 0 else None)
                if c == 6 and row.decided_count < row.item_count:
                    item.setForeground(QColor("#8a5a00"))
                table.setItem(r, c, item)
        target = next((r for r, row in enumerate(self.rows) if row.id == keep), 0 if self.rows else -1)
        if target >= 0:
            table.selectRow(target)
        self._meeting_selected()
        self.setProperty("loaded", True)

    def selected_meeting_id(self) -> int | None:
        rows = self.meeting_table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.meeting_table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)

    def select_meeting(self, meeting_id: int) -> None:
        for r in range(self.meeting_table.rowCount()):
            if self.meeting_table.item(r, 0).data(Qt.ItemDataRole.UserRole) == meeting_id:
                self.meeting_table.selectRow(r)
                return

    def _meeting_selected(self) -> None:
        meeting_id = self.selected_meeting_id()
        self.detail = meetings.meeting_detail(meeting_id) if meeting_id is not None else None
        table = self.item_table
        items = self.detail.items if self.detail else []
        table.setRowCount(len(items))
        for r, info in enumerate(items):
            land = "" if info.land_area is None else f"{info.land_area.normalize():f}"
            values = [str(info.position), info.project_code, info.project_name, info.investor,
                      format_yi(info.total_investment), land, info.proposal, info.decision or "未决定", info.conditions]
            for c, value in enumerate(values):
                item = _cell(value, right=c in (0, 4, 5), data=info.project_id if c == 0 else None)
                if c == 7:
                    item.setForeground(QColor(DECISION_COLOURS.get(info.decision, "#777777")))
                table.setItem(r, c, item)
        table.resizeRowsToContents()
        if self.detail is None:
            self.summary_label.setText("还没有会议。点“新建会议”安排一次领导小组会。" if not self.rows else "")
        else:
            d = self.detail
            attendees = "、".join(p.name for p in d.attendees) or "（未填）"
            chair = f"{d.chair_name}（{d.chair_title}）" if d.chair_title else (d.chair_name or "（未指定）")
            self.summary_label.setText(
                f"{d.title}　{format_date(d.held_on)}　{d.place or ''}\n组长：{chair}　出席：{attendees}"
            )
        self._update_buttons()

    def selected_item(self) -> meetings.AgendaItemInfo | None:
        rows = self.item_table.selectionModel().selectedRows()
        if not rows or self.detail is None:
            return None
        return self.detail.items[rows[0].row()]

    def _update_buttons(self) -> None:
        has_meeting = self.detail is not None
        for widget in (self.open_button, self.delete_button, self.pack_button, self.minutes_button):
            widget.setEnabled(has_meeting)
        for action in (self.open_action, self.pack_action, self.minutes_action, self.export_agenda_action):
            action.setEnabled(has_meeting)
        self.minutes_button.setEnabled(has_meeting and self.detail.decided_count > 0)
        self.one_pager_button.setEnabled(self.selected_item() is not None)

    def _item_double_clicked(self, *_):
        item = self.selected_item()
        if item is not None:
            self.open_project.emit(item.project_id)

    # --- meetings ----------------------------------------------------------------------------------

    def _dialog(self, meeting_id: int | None):
        from desktop.views.meeting_dialog import MeetingDialog

        return MeetingDialog(meeting_id, self, today=self.today)

    def new_meeting(self) -> None:
        dialog = self._dialog(None)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.load(dialog.saved_id)

    def open_meeting(self) -> None:
        meeting_id = self.selected_meeting_id()
        if meeting_id is None:
            return
        dialog = self._dialog(meeting_id)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.load(meeting_id)

    def delete_meeting(self) -> bool:
        if self.detail is None:
            return False
        decided = self.detail.decided_count
        undo = f"其中 {decided} 个议题已记录决定，删除会撤销这些决定对项目的影响（流程记录、状态）。" if decided else ""
        answer = QMessageBox.question(
            self, "删除会议", f"确定删除“{self.detail.title}”吗？{undo}此操作不能撤销。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            meetings.delete_meeting(self.detail.id)
        except UserError as exc:
            QMessageBox.warning(self, "没有删除", str(exc))
            return False
        self.load()
        return True

    # --- export ------------------------------------------------------------------------------------

    def export_meetings(self, path: str | None = None):
        """The meetings as listed (latest first)."""
        return export_shown_table(self, self.meeting_table, "领导小组会议", path=path,
                                  numbers=MEETING_NUMBERS, dates=MEETING_DATES)

    def export_agenda(self, path: str | None = None):
        """The selected meeting's agenda and decisions as shown below the list."""
        if self.detail is None:
            return None
        name = f"{self.detail.title}议程"
        return export_shown_table(self, self.item_table, name, path=path, numbers=ITEM_NUMBERS, amounts=ITEM_AMOUNTS)

    # --- paper -------------------------------------------------------------------------------------

    def print_pack(self):
        if self.detail is None:
            return None
        from desktop.services.briefing_pack import build_pack
        from desktop.views.pdf_preview import make_pdf_and_preview

        return make_pdf_and_preview(self, f"会议材料 — {self.detail.title}", build_pack, self.detail.id,
                                    full_contacts=self.full_contacts_box.isChecked())

    def print_minutes(self):
        if self.detail is None:
            return None
        from desktop.services.minutes import build_minutes
        from desktop.views.pdf_preview import make_pdf_and_preview

        return make_pdf_and_preview(self, f"会议纪要 — {self.detail.title}", build_minutes, self.detail.id)

    def print_one_pager(self):
        item = self.selected_item()
        if item is None:
            return None
        from desktop.services.one_pager import build_one_pager
        from desktop.views.pdf_preview import make_pdf_and_preview

        return make_pdf_and_preview(self, f"项目简表 — {item.project_name}", build_one_pager, [item.project_id],
                                    full_contacts=self.full_contacts_box.isChecked())
