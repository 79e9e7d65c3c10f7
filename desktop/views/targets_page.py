"""目标任务（双过半）: edit a year's targets per unit, import them from a sheet, see progress and lights.

Amounts are typed and shown in 亿元 and stored in 万元 (the services convert nothing: this page
parses with `parse_amount(text, "亿")`). Each edited cell is saved at once; a wrong value is
refused with a message and the cell shows the stored value again.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError
from desktop.services import targets as targets_service
from desktop.services.money import AmountError, format_yi, parse_amount
from desktop.services.reference import list_units
from desktop.views.lifecycle_panel import from_qdate, to_qdate

LIGHT_BACKGROUNDS = {"green": "#c8e6c9", "yellow": "#fff59d", "red": "#ffcdd2"}
ROLE_UNIT = Qt.ItemDataRole.UserRole
COUNTY_ROW = 0


def target_text(indicator: targets_service.Indicator, value) -> str:
    """What a target cell shows: a count, or 亿元 without trailing zeros beyond two decimals."""
    if value is None:
        return ""
    if indicator.is_amount:
        return format_yi(value).replace(",", "")
    return str(value)


class TargetsPage(QWidget):
    title = "目标任务"

    def __init__(self, parent=None):
        super().__init__(parent)
        self._filling = False
        self.report = None
        self.units: list = []

        import_action = QAction("导入目标…", self)
        import_action.triggered.connect(self.choose_import_file)
        export_action = QAction("导出 Excel…", self)
        export_action.triggered.connect(self.choose_export_file)
        refresh_action = QAction("刷新", self)
        refresh_action.setShortcut("F5")
        refresh_action.triggered.connect(self.load)
        self.actions_for_toolbar = [import_action, export_action, refresh_action]

        today = dt.date.today()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(today.year)
        self.year_spin.setSuffix(" 年")
        self.day_edit = QDateEdit()
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("yyyy-MM-dd")
        self.day_edit.setDate(to_qdate(today))
        self.time_label = QLabel()
        self.verdict_label = QLabel()
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setStyleSheet("font-size: 12pt; font-weight: bold;")

        bar = QHBoxLayout()
        bar.addWidget(QLabel("年度"))
        bar.addWidget(self.year_spin)
        bar.addSpacing(16)
        bar.addWidget(QLabel("进度截至"))
        bar.addWidget(self.day_edit)
        bar.addSpacing(16)
        bar.addWidget(self.time_label)
        bar.addStretch(1)

        self.targets_table = QTableWidget()
        self.targets_table.setColumnCount(len(targets_service.INDICATORS))
        self.targets_table.setHorizontalHeaderLabels([i.header for i in targets_service.INDICATORS])
        self.targets_table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.targets_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.targets_table.verticalHeader().setDefaultSectionSize(26)
        self.targets_table.itemChanged.connect(self.target_edited)
        hint = QLabel("双击或直接输入修改目标，回车保存；金额单位为亿元（也可输入“15000万”）；清空单元格即取消该项目标。")
        hint.setStyleSheet("color: #666;")
        hint.setWordWrap(True)
        targets_tab = QWidget()
        targets_layout = QVBoxLayout(targets_tab)
        targets_layout.addWidget(hint)
        targets_layout.addWidget(self.targets_table)

        self.progress_table = QTableWidget()
        self.progress_table.setColumnCount(len(targets_service.INDICATORS) + 1)
        self.progress_table.setHorizontalHeaderLabels([*(i.header for i in targets_service.INDICATORS), "双过半"])
        self.progress_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.progress_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.progress_table.verticalHeader().setDefaultSectionSize(44)
        legend = QLabel("完成 / 目标（完成进度）。绿灯：进度不低于时间进度；黄灯：落后不超过 10 个百分点；红灯：落后超过 10 个百分点。"
                        "完成数按项目的责任单位统计，自 1 月 1 日起至所选日期。")
        legend.setStyleSheet("color: #666;")
        legend.setWordWrap(True)
        progress_tab = QWidget()
        progress_layout = QVBoxLayout(progress_tab)
        progress_layout.addWidget(legend)
        progress_layout.addWidget(self.progress_table)

        self.tabs = QTabWidget()
        self.tabs.addTab(progress_tab, "完成进度")
        self.tabs.addTab(targets_tab, "目标设定")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(bar)
        layout.addWidget(self.verdict_label)
        layout.addWidget(self.tabs, 1)

        self.year_spin.valueChanged.connect(self.year_changed)
        self.day_edit.dateChanged.connect(lambda *_: self.show_progress())

    # -- period --------------------------------------------------------------------------------

    def set_period(self, start: dt.date, end: dt.date) -> None:
        """The main window's period (the demo's first half of 2022): the year and day of its end."""
        for widget in (self.day_edit, self.year_spin):
            widget.blockSignals(True)
        self.day_edit.setDate(to_qdate(end))
        self.year_spin.setValue(end.year)
        for widget in (self.day_edit, self.year_spin):
            widget.blockSignals(False)
        if self.report is not None:
            self.load()

    def year(self) -> int:
        return self.year_spin.value()

    def day(self) -> dt.date:
        return from_qdate(self.day_edit.date())

    def year_changed(self, year: int) -> None:
        day = self.day()
        if day.year != year:
            # Keep the progress day inside the chosen year: the same month and day, or 31 December.
            try:
                moved = day.replace(year=year)
            except ValueError:  # 29 February
                moved = dt.date(year, 2, 28)
            self.day_edit.blockSignals(True)
            self.day_edit.setDate(to_qdate(moved))
            self.day_edit.blockSignals(False)
        self.load()

    # -- filling -------------------------------------------------------------------------------

    def load(self) -> None:
        self.units = list_units()
        self.fill_targets()
        self.show_progress()

    def fill_targets(self) -> None:
        values = targets_service.targets_for_year(self.year())
        rows = [(None, targets_service.COUNTY_NAME)] + [(u.id, u.name) for u in self.units]
        self._filling = True
        try:
            table = self.targets_table
            table.setRowCount(len(rows))
            table.setVerticalHeaderLabels([name for _, name in rows])
            bold = QFont(table.font())
            bold.setBold(True)
            for r, (unit_id, _name) in enumerate(rows):
                for c, item_def in enumerate(targets_service.INDICATORS):
                    item = QTableWidgetItem(target_text(item_def, values.get((unit_id, item_def.key))))
                    item.setData(ROLE_UNIT, unit_id)
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    if r == COUNTY_ROW:
                        item.setFont(bold)
                        item.setBackground(QBrush(QColor("#eef3f9")))
                    table.setItem(r, c, item)
        finally:
            self._filling = False

    def show_progress(self) -> None:
        day = self.day()
        if day.year != self.year():
            self.year_spin.blockSignals(True)
            self.year_spin.setValue(day.year)
            self.year_spin.blockSignals(False)
            self.fill_targets()
        report = targets_service.progress_report(day)
        self.report = report
        self.time_label.setText(f"时间进度 {targets_service.percent(report.time_progress)}")
        verdict = report.verdict()
        colour = "#2e7d32" if verdict.passed else ("#c62828" if verdict.time_half else "#17365d")
        self.verdict_label.setText(verdict.text)
        self.verdict_label.setStyleSheet(f"font-size: 12pt; font-weight: bold; color: {colour};")
        table = self.progress_table
        scopes = [s for s in report.scopes if s.unit_id is None or s.has_targets]
        table.setRowCount(len(scopes))
        table.setVerticalHeaderLabels([s.name for s in scopes])
        for r, scope in enumerate(scopes):
            for c, cell in enumerate(scope.cells):
                if cell.target is None:
                    text = f"{cell.done_text}\n未设目标"
                else:
                    text = f"{cell.done_text} / {cell.target_text}\n{cell.progress_text}"
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setData(ROLE_UNIT, cell.light)
                background = LIGHT_BACKGROUNDS.get(cell.light)
                if background:
                    item.setBackground(QBrush(QColor(background)))
                item.setToolTip(
                    f"{scope.name} {cell.indicator.label}：完成 {cell.done_text}，目标 {cell.target_text}"
                    f"（{cell.indicator.unit_text}），完成进度 {cell.progress_text}，"
                    f"时间进度 {targets_service.percent(report.time_progress)}，{targets_service.LIGHT_LABELS[cell.light]}"
                )
                table.setItem(r, c, item)
            scope_verdict = targets_service.verdict(scope, report.time_progress)
            summary = QTableWidgetItem("双过半" if scope_verdict.passed else ("未过半" if scope.has_targets else "—"))
            summary.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            summary.setToolTip(scope_verdict.text)
            if scope.has_targets:
                summary.setForeground(QBrush(QColor("#2e7d32" if scope_verdict.passed else "#c62828")))
            table.setItem(r, len(scope.cells), summary)

    # -- editing -------------------------------------------------------------------------------

    def target_edited(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        indicator = targets_service.INDICATORS[item.column()]
        unit_id = item.data(ROLE_UNIT)
        text = item.text().strip()
        try:
            value = self.parse_target(indicator, text)
            targets_service.set_target(self.year(), unit_id, indicator.key, value)
        except (UserError, AmountError) as exc:
            QMessageBox.warning(self, "目标未保存", str(exc))
            self.fill_targets()
            return
        self._filling = True
        item.setText(target_text(indicator, value))
        self._filling = False
        self.show_progress()

    @staticmethod
    def parse_target(indicator: targets_service.Indicator, text: str):
        """Typed text → int count / Decimal 万元 (typed in 亿元) / None for an empty cell."""
        if not text:
            return None
        if indicator.is_amount:
            return parse_amount(text, "亿")
        cleaned = text.removesuffix("个").strip()
        try:
            number = Decimal(cleaned)
        except ArithmeticError:
            raise UserError(f"{indicator.label}应为整数（个），不是“{text}”") from None
        if number != number.to_integral_value():
            raise UserError(f"{indicator.label}应为整数（个），不是“{text}”")
        return int(number)

    # -- import / export -----------------------------------------------------------------------

    def choose_import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, f"导入 {self.year()} 年目标任务", "", "Excel 表格 (*.xlsx *.xls *.ods)")
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> bool:
        try:
            result = targets_service.import_targets(path, self.year())
        except UserError as exc:
            QMessageBox.warning(self, "没有导入", f"{exc}\n\n没有写入任何目标，请改正后重新导入。")
            return False
        self.load()
        QMessageBox.information(self, "导入完成", f"已导入 {result.year} 年 {result.units} 个单位的 {result.targets} 项目标。")
        return True

    def choose_export_file(self) -> None:
        name = f"{self.year()}年目标任务完成进度（截至{self.day().isoformat()}）.xlsx"
        from desktop.views.table_export import choose_save_path

        path = choose_save_path(self, "导出目标任务完成进度", name)
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        from desktop.views.progress import run_with_progress

        def done(rows: int) -> None:
            QMessageBox.information(self, "导出完成", f"已导出到 {path}（完成进度 {rows} 行）。")

        run_with_progress(self, "正在导出……", targets_service.export_targets, path, self.day(), done=done)


class FundEntriesPanel(QWidget):
    """A project's monthly 到位资金 and 完成投资（按月登记）: list, add, change, delete.

    A standalone panel for the project form (a tab beside 生命周期); `changed` fires after every
    change so the form can show the new running totals (到位资金, 累计完成投资)."""

    changed = Signal()

    def __init__(self, project_id: int | None = None, parent=None):
        super().__init__(parent)
        from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton

        from desktop.views.widgets import AmountEdit

        self.project_id = project_id
        self.editing_id: int | None = None
        self.entries: list = []
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["月份", "类别", "金额", "备注"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.itemDoubleClicked.connect(lambda *_: self.edit_selected())
        self.kind_combo = QComboBox()
        from desktop.services.fund_entries import KIND_LABELS

        for kind, label in KIND_LABELS.items():
            self.kind_combo.addItem(label, kind)
        self.month_edit = QDateEdit()
        self.month_edit.setDisplayFormat("yyyy-MM")
        self.month_edit.setCalendarPopup(True)
        self.month_edit.setDate(to_qdate(dt.date.today().replace(day=1)))
        self.amount_edit = AmountEdit()
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("备注（可不填）")
        self.save_button = QPushButton("添加")
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("取消修改")
        self.cancel_button.clicked.connect(self.reset_form)
        self.cancel_button.hide()
        self.delete_button = QPushButton("删除所选")
        self.delete_button.clicked.connect(self.delete_selected)
        self.totals_label = QLabel()
        self.totals_label.setStyleSheet("color: #17365d; font-weight: bold;")

        form = QHBoxLayout()
        for widget in (self.kind_combo, self.month_edit):
            form.addWidget(widget)
        form.addWidget(self.amount_edit, 2)
        form.addWidget(self.note_edit, 1)
        form.addWidget(self.save_button)
        form.addWidget(self.cancel_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.totals_label, 1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        hint = QLabel("每月登记当月到位资金、当月完成投资；项目的“到位资金”“累计完成投资”自动为各月之和。")
        hint.setStyleSheet("color: #666;")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addLayout(form)
        self.setEnabled(project_id is not None)
        if project_id is not None:
            self.load()

    def set_project(self, project_id: int | None) -> None:
        self.project_id = project_id
        self.setEnabled(project_id is not None)
        self.reset_form()
        self.load()

    def load(self) -> None:
        from desktop.services.fund_entries import FUND_ARRIVED, FUND_COMPLETED, project_entries
        from desktop.services.money import format_wan

        self.entries = [] if self.project_id is None else project_entries(self.project_id)
        self.entries.sort(key=lambda e: (e.month, e.kind))
        self.table.setRowCount(len(self.entries))
        for r, entry in enumerate(self.entries):
            cells = (f"{entry.month.year}-{entry.month.month:02d}", entry.kind_label,
                     f"{format_yi(entry.amount_wan)} 亿元（{format_wan(entry.amount_wan)} 万元）", entry.note)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        totals = {kind: sum((e.amount_wan for e in self.entries if e.kind == kind), Decimal(0))
                  for kind in (FUND_ARRIVED, FUND_COMPLETED)}
        self.totals_label.setText(
            f"到位资金合计 {format_yi(totals[FUND_ARRIVED])} 亿元；累计完成投资 {format_yi(totals[FUND_COMPLETED])} 亿元"
        )

    def selected_entry(self):
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def edit_selected(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        self.editing_id = entry.id
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(entry.kind))
        self.kind_combo.setEnabled(False)
        self.month_edit.setDate(to_qdate(entry.month))
        self.amount_edit.set_value(entry.amount_wan)
        self.note_edit.setText(entry.note)
        self.save_button.setText("保存修改")
        self.cancel_button.show()

    def reset_form(self) -> None:
        self.editing_id = None
        self.kind_combo.setEnabled(True)
        self.amount_edit.set_value(None)
        self.note_edit.clear()
        self.save_button.setText("添加")
        self.cancel_button.hide()

    def save(self) -> bool:
        from desktop.services import fund_entries

        try:
            amount = self.amount_edit.value()
            month = from_qdate(self.month_edit.date())
            if self.editing_id is None:
                fund_entries.add_entry(self.project_id, self.kind_combo.currentData(), month, amount, self.note_edit.text())
            else:
                fund_entries.update_entry(self.editing_id, month=month, amount_wan=amount, note=self.note_edit.text())
        except (UserError, AmountError) as exc:
            QMessageBox.warning(self, "没有保存", str(exc))
            return False
        self.reset_form()
        self.load()
        self.changed.emit()
        return True

    def delete_selected(self) -> bool:
        from desktop.services import fund_entries

        entry = self.selected_entry()
        if entry is None:
            return False
        answer = QMessageBox.question(
            self, "删除资金记录",
            f"删除 {entry.month.year}年{entry.month.month}月 的{entry.kind_label}记录（{format_yi(entry.amount_wan)} 亿元）？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            fund_entries.delete_entry(entry.id)
        except UserError as exc:
            QMessageBox.warning(self, "没有删除", str(exc))
            return False
        self.load()
        self.changed.emit()
        return True
