"""A project's lifecycle: the steps with date, credited unit and note; record, 不涉及, undo."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
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
from desktop.services import lifecycle, reference
from desktop.services.dates import format_date
from desktop.services.lifecycle import StepRow

HEADERS = ("序号", "阶段", "步骤", "分值", "完成日期", "计分单位", "说明")
MILESTONES = ((9, "签约"), (10, "入库"), (19, "开工"), (22, "投产"))
DONE_BRUSH = QBrush(QColor("#e8f5e9"))
NA_BRUSH = QBrush(QColor("#f0f0f0"))


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class StepRecordDialog(QDialog):
    """Asks for the date, the unit credited, a short note, or 不涉及."""

    def __init__(self, step: StepRow, default_unit_id: int | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"记录第 {step.number} 步：{step.name}")
        today = dt.date.today()
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setMaximumDate(to_qdate(today))
        self.date_edit.setDate(to_qdate(step.done_on or today))
        self.unit_combo = QComboBox()
        self.unit_combo.addItem("（不计分）", None)
        for unit in reference.list_units():
            self.unit_combo.addItem(unit.name, unit.id)
        position = self.unit_combo.findData(default_unit_id)
        self.unit_combo.setCurrentIndex(position if position >= 0 else 0)
        self.note_edit = QLineEdit(step.note)
        self.note_edit.setMaxLength(200)
        self.note_edit.setPlaceholderText("简要依据，如 协议编号、批复文号")
        self.na_check = QCheckBox("不涉及（视为已完成，不计分）")
        self.na_check.setChecked(step.not_applicable)
        self.na_check.setEnabled(step.optional)
        if not step.optional:
            self.na_check.setToolTip("必经步骤，不能标为不涉及")
        form = QFormLayout()
        form.addRow("完成日期", self.date_edit)
        form.addRow("计分单位", self.unit_combo)
        form.addRow("说明", self.note_edit)
        form.addRow("", self.na_check)
        hint = QLabel("日期不能晚于今天。第 1–2 步默认计给首报单位，其余计给责任单位。")
        hint.setStyleSheet("color: #666;")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def values(self) -> dict:
        return {
            "done_on": from_qdate(self.date_edit.date()),
            "unit_id": self.unit_combo.currentData(),
            "note": self.note_edit.text(),
            "not_applicable": self.na_check.isChecked(),
        }


class LifecyclePanel(QWidget):
    """Emits `changed()` after a step is recorded or undone (the project's row must be re-read)."""

    changed = Signal()

    def __init__(self, project_id: int, parent=None):
        super().__init__(parent)
        self.project_id = project_id
        self.rows: list[StepRow] = []
        self.stage_label = QLabel()
        self.stage_label.setWordWrap(True)
        self.stage_label.setStyleSheet("font-weight: bold;")
        self.milestone_label = QLabel()
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        for column, width in enumerate((44, 56, 190, 44, 96, 120)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.record_button = QPushButton("记录/修改…")
        self.na_button = QPushButton("标为不涉及")
        self.undo_button = QPushButton("撤销记录")
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.na_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stage_label)
        layout.addWidget(self.milestone_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.record_button.clicked.connect(self.record_selected)
        self.na_button.clicked.connect(self.mark_selected_not_applicable)
        self.undo_button.clicked.connect(self.undo_selected)
        self.table.doubleClicked.connect(lambda _index: self.record_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.reload()

    def reload(self) -> None:
        selected = self.selected_step()
        self.rows = lifecycle.project_step_rows(self.project_id)
        self.table.setRowCount(len(self.rows))
        for r, step in enumerate(self.rows):
            if step.not_applicable:
                done_text = "不涉及"
            else:
                done_text = format_date(step.done_on)
            cells = (str(step.number), step.phase, step.name, str(step.points), done_text, step.unit_name, step.note)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c in (0, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if step.recorded:
                    item.setBackground(NA_BRUSH if step.not_applicable else DONE_BRUSH)
                self.table.setItem(r, c, item)
        recorded = [s for s in self.rows if s.recorded]
        if recorded:
            top = max(recorded, key=lambda s: s.number)
            self.stage_label.setText(f"当前阶段：{lifecycle.stage_label(top.phase)}（第 {top.number} 步 {top.name}）")
        else:
            self.stage_label.setText("当前阶段：未开始（尚未记录任何步骤）")
        by_number = {s.number: s for s in self.rows}
        parts = []
        for number, label in MILESTONES:
            step = by_number.get(number)
            day = step.done_on if step and not step.not_applicable else None
            parts.append(f"{label}：{format_date(day) or '—'}")
        self.milestone_label.setText("　".join(parts))
        if selected is not None:
            self.select_step(selected.number)
        self._update_buttons()

    def select_step(self, number: int) -> None:
        for r, step in enumerate(self.rows):
            if step.number == number:
                self.table.selectRow(r)
                return

    def selected_step(self) -> StepRow | None:
        indexes = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not indexes or not self.rows:
            return None
        return self.rows[indexes[0].row()]

    def _update_buttons(self) -> None:
        step = self.selected_step()
        self.record_button.setEnabled(step is not None)
        self.na_button.setEnabled(step is not None and step.optional and not step.not_applicable)
        self.undo_button.setEnabled(step is not None and step.recorded)

    # --- actions -----------------------------------------------------------------------------
    def record_selected(self) -> None:
        step = self.selected_step()
        if step is None:
            return
        if step.recorded:  # keep what was stored, 不计分 included
            unit_id = lifecycle.step_unit_id(self.project_id, step.number)
        else:
            unit_id = lifecycle.default_credit_unit_for(self.project_id, step.number)
        dialog = StepRecordDialog(step, unit_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.record(step.number, **dialog.values())

    def mark_selected_not_applicable(self) -> None:
        step = self.selected_step()
        if step is not None:
            self.record(step.number, done_on=dt.date.today(), not_applicable=True, unit_id=None, note=step.note)

    def record(self, number: int, **values) -> bool:
        try:
            lifecycle.record_step(self.project_id, number, **values)
        except UserError as exc:
            QMessageBox.warning(self, "无法记录", str(exc))
            return False
        self.reload()
        self.changed.emit()
        return True

    def undo_selected(self) -> None:
        step = self.selected_step()
        if step is None or not step.recorded:
            return
        answer = QMessageBox.question(
            self, "撤销记录", f"撤销第 {step.number} 步“{step.name}”的记录？\n（日期、计分单位和说明将被删除）"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.undo(step.number)

    def undo(self, number: int) -> None:
        lifecycle.undo_step(self.project_id, number)
        self.reload()
        self.changed.emit()
