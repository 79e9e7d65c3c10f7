"""积分榜（比学赶超）: the live board of a period with its bar chart and the drill-down of a unit;
publishing, reprinting and exporting 通报; and the scoring settings panel (step points, weights,
deduction rules).

The board comes from desktop.services.scoring (one SQL aggregation per period, fast enough to run
on the GUI thread); the PDF and the workbook are written on the worker pool.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtCore import QEvent
from PySide6.QtGui import QAction, QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
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
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError
from desktop.services import scoring
from desktop.services.dates import format_date
from desktop.views.lifecycle_panel import from_qdate, to_qdate
from desktop.views.widgets import fit_to_screen

KIND_ORDER = ("month", "quarter", "half", "year", "custom")
UP_COLOR = QColor("#c62828")  # 上升: red, as Chinese rankings show it
DOWN_COLOR = QColor("#2e7d32")
UNIT_ID_ROLE = Qt.ItemDataRole.UserRole
PROJECT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
RECORD_ID_ROLE = Qt.ItemDataRole.UserRole + 2


def _item(text, *, align_right: bool = False, data=None, role=UNIT_ID_ROLE) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if data is not None:
        item.setData(role, data)
    return item


def _points(value: Decimal) -> str:
    return f"{value:.1f}"


def _exact_points(value: Decimal) -> str:
    """One decimal like the board, more only when a weight makes it exact to more (×1.25)."""
    return _points(value) if value == value.quantize(Decimal("0.1")) else scoring.plain_number(value)


class BarChartWidget(QWidget):
    """Horizontal bars, one per unit, painted directly (no QtCharts at start-up); a click on a
    bar selects its unit."""

    unit_clicked = Signal(int)
    ROW_HEIGHT = 20
    LABEL_WIDTH = 120

    def __init__(self, parent=None):
        super().__init__(parent)
        self.bars: list[tuple[int | None, str, float]] = []
        self.selected: int | None = None
        self.setMinimumHeight(80)

    def set_bars(self, bars: list[tuple[int | None, str, float]]) -> None:
        self.bars = bars
        self.setMinimumHeight(max(80, len(bars) * self.ROW_HEIGHT + 16))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(400, len(self.bars) * self.ROW_HEIGHT + 16)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        if not self.bars:
            painter.setPen(QColor("#777"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "没有数据")
            return
        top = max((value for *_, value in self.bars), default=0)
        low = min((value for *_, value in self.bars), default=0)
        span = (top - min(low, 0)) or 1.0
        value_space = 60
        left = self.LABEL_WIDTH
        width = max(self.width() - left - value_space - 8, 10)
        zero_x = left + width * (-min(low, 0) / span)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() - 0.5, 8))
        painter.setFont(font)
        for i, (unit_id, label, value) in enumerate(self.bars):
            y = 8 + i * self.ROW_HEIGHT
            painter.setPen(QColor("#222"))
            painter.drawText(QRectF(4, y, left - 10, self.ROW_HEIGHT), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            length = width * abs(value) / span
            x = zero_x if value >= 0 else zero_x - length
            colour = QColor("#e0a800") if unit_id is not None and unit_id == self.selected else QColor("#1f4e79")
            if value < 0:
                colour = QColor("#b71c1c")
            painter.fillRect(QRectF(x, y + 3, max(length, 1 if value else 0), self.ROW_HEIGHT - 6), colour)
            painter.setPen(QColor("#333"))
            painter.drawText(QRectF(zero_x + (length if value >= 0 else 0) + 4, y, value_space, self.ROW_HEIGHT),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{value:.1f}")

    def bar_at(self, y: float) -> int | None:
        index = int((y - 8) // self.ROW_HEIGHT)
        return index if 0 <= index < len(self.bars) else None

    def mousePressEvent(self, event) -> None:
        index = self.bar_at(event.position().y())
        if index is not None and self.bars[index][0] is not None:
            self.unit_clicked.emit(self.bars[index][0])
        super().mousePressEvent(event)


class PeriodPicker(QWidget):
    """月度/季度/半年/年度 of a year, or 自定义 dates; `period()` gives the scoring.Period."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.kind = QComboBox()
        for key in KIND_ORDER:
            self.kind.addItem(scoring.PERIOD_KINDS[key], key)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setSuffix(" 年")
        self.index = QComboBox()
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.to_label = QLabel("至")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("期间"))
        for widget in (self.kind, self.year, self.index, self.date_from, self.to_label, self.date_to):
            layout.addWidget(widget)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.year.valueChanged.connect(self._emit)
        self.index.currentIndexChanged.connect(self._emit)
        self.date_from.dateChanged.connect(self._emit)
        self.date_to.dateChanged.connect(self._emit)
        self._quiet = False
        self.set_period(scoring.month_period(dt.date.today().year, dt.date.today().month))

    def _fill_index(self, kind: str) -> None:
        self.index.blockSignals(True)
        self.index.clear()
        if kind == "month":
            for m in range(1, 13):
                self.index.addItem(f"{m} 月", m)
        elif kind == "quarter":
            for q, name in enumerate(("第一季度", "第二季度", "第三季度", "第四季度"), start=1):
                self.index.addItem(name, q)
        elif kind == "half":
            self.index.addItem("上半年", 1)
            self.index.addItem("下半年", 2)
        self.index.blockSignals(False)

    def _show_parts(self, kind: str) -> None:
        custom = kind == "custom"
        self.year.setVisible(not custom)
        self.index.setVisible(kind in ("month", "quarter", "half"))
        for widget in (self.date_from, self.to_label, self.date_to):
            widget.setVisible(custom)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        if kind == "custom":
            current = self._period_of_parts(self._last_kind) if self._last_kind != "custom" else None
            if current is not None:
                self._quiet = True
                self.date_from.setDate(to_qdate(current.start))
                self.date_to.setDate(to_qdate(current.end))
                self._quiet = False
        else:
            self._fill_index(kind)
            if self.index.count():
                self.index.setCurrentIndex(0 if kind != "month" else dt.date.today().month - 1)
        self._last_kind = kind
        self._show_parts(kind)
        self._emit()

    def _emit(self, *_args) -> None:
        if not self._quiet:
            self.changed.emit()

    def _period_of_parts(self, kind: str) -> scoring.Period:
        return scoring.period_of(kind, self.year.value(), self.index.currentData() or 1)

    def period(self) -> scoring.Period:
        kind = self.kind.currentData()
        if kind == "custom":
            return scoring.custom_period(from_qdate(self.date_from.date()), from_qdate(self.date_to.date()))
        return self._period_of_parts(kind)

    def set_period(self, period: scoring.Period) -> None:
        self._quiet = True
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(KIND_ORDER.index(period.kind))
        self.kind.blockSignals(False)
        self._last_kind = period.kind
        self.year.setValue(period.start.year)
        self._fill_index(period.kind)
        index = {"month": period.start.month, "quarter": (period.start.month - 1) // 3 + 1,
                 "half": 1 if period.start.month == 1 else 2}.get(period.kind)
        if index is not None:
            self.index.setCurrentIndex(index - 1)
        self.date_from.setDate(to_qdate(period.start))
        self.date_to.setDate(to_qdate(period.end))
        self._show_parts(period.kind)
        self._quiet = False


class ScoreboardPage(QWidget):
    title = "积分榜"
    open_project = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.board: scoring.Board | None = None
        self.details: list[scoring.DetailLine] = []
        self.selected_unit: int | None = None

        self.picker = PeriodPicker()
        self.period_label = QLabel()
        self.period_label.setStyleSheet("font-size: 13pt; font-weight: bold; color: #1f4e79;")
        self.compare_label = QLabel()
        self.compare_label.setStyleSheet("color: #555;")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.settings_button = QPushButton("积分设置…")

        self.table = QTableWidget(0, 0)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.chart = BarChartWidget()
        chart_scroll = QScrollArea()
        chart_scroll.setWidgetResizable(True)
        chart_scroll.setWidget(self.chart)

        self.detail_label = QLabel("点击左侧单位，查看其积分的每一条来源。")
        self.detail_label.setWordWrap(True)
        self.detail_table = QTableWidget(0, 7)
        self.detail_table.setHorizontalHeaderLabels(["日期", "项目编号", "项目名称", "步骤", "分值", "系数", "积分"])
        self.detail_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.detail_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.detail_table.verticalHeader().setVisible(False)
        # Empty until a unit is chosen: sized to the headings, else 项目名称 was squeezed to "目名" and
        # the empty table scrolled sideways.
        self.detail_table.resizeColumnsToContents()
        self.detail_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.detail_table.setToolTip("双击或按回车打开项目")
        self.correct_button = QPushButton("更正计分单位…")
        self.correct_button.setEnabled(False)

        top = QHBoxLayout()
        top.addWidget(self.picker)
        top.addStretch(1)
        top.addWidget(self.settings_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_splitter = QSplitter(Qt.Orientation.Vertical)
        left_splitter.addWidget(self.table)
        left_splitter.addWidget(chart_scroll)
        left_splitter.setSizes([320, 220])
        left_layout.addWidget(left_splitter)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail_label)
        right_layout.addWidget(self.detail_table, 1)
        detail_buttons = QHBoxLayout()
        detail_buttons.addStretch(1)
        detail_buttons.addWidget(self.correct_button)
        right_layout.addLayout(detail_buttons)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([560, 640])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        heading = QHBoxLayout()
        heading.addWidget(self.period_label)
        heading.addWidget(self.compare_label, 1)
        layout.addLayout(heading)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        self.publish_action = QAction("发布通报", self)
        self.published_action = QAction("已发布通报", self)
        self.export_action = QAction("导出", self)
        self.print_action = QAction("打印", self)
        self.publish_action.setToolTip("把当前积分榜定稿为一期通报（以后重印数字不变）")
        self.actions_for_toolbar = [self.publish_action, self.published_action, self.export_action, self.print_action]

        self.picker.changed.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._row_selected)
        self.chart.unit_clicked.connect(self.select_unit)
        self.detail_table.itemDoubleClicked.connect(self._open_detail)
        self.detail_table.installEventFilter(self)
        self.detail_table.itemSelectionChanged.connect(self._detail_selected)
        self.correct_button.clicked.connect(self.correct_selected_credit)
        self.settings_button.clicked.connect(self.edit_settings)
        self.publish_action.triggered.connect(self.publish)
        self.published_action.triggered.connect(self.show_published)
        self.export_action.triggered.connect(self.export)
        self.print_action.triggered.connect(self.print_board)
        self._initial_period_set = False

    # --- loading --------------------------------------------------------------------------------
    def load(self) -> None:
        if not self._initial_period_set:
            self._initial_period_set = True
            from desktop.services import database as database_service

            if database_service.is_demo():
                self.picker.set_period(scoring.half_period(2022, 1))  # the demo's reference period
        self.refresh()

    def period(self) -> scoring.Period:
        return self.picker.period()

    def refresh(self) -> None:
        try:
            period = self.period()
        except UserError as exc:
            self._say(str(exc), error=True)
            return
        try:
            board = scoring.compute_board(period)
        except UserError as exc:  # e.g. damaged settings: say so, keep the last board shown
            self._say(str(exc), error=True)
            return
        self._say("")
        self.board = board
        self.period_label.setText(f"{period.label}（{period.range_text}）")
        previous = self.board.previous
        self.compare_label.setText(f"较上期：与{previous.label}比较" if previous else "")
        self._fill_table()
        keep = self.selected_unit
        if keep is not None and any(row.unit_id == keep for row in self.board.rows):
            self.select_unit(keep)
        else:
            self.selected_unit = None
            self._fill_details()

    def _fill_table(self) -> None:
        board = self.board
        headers = ["名次", "单位", "积分", "计分步骤", "涉及项目"]
        if board.has_deductions:
            headers.append("其中扣分")
        headers.append("较上期")
        self.table.blockSignals(True)
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(board.rows))
        for r, row in enumerate(board.rows):
            cells = [_item(row.rank, align_right=True, data=row.unit_id), _item(row.unit, data=row.unit_id),
                     _item(_points(row.points), align_right=True), _item(row.steps, align_right=True),
                     _item(row.projects, align_right=True)]
            if board.has_deductions:
                cells.append(_item(_points(-row.deduction) if row.deduction else "", align_right=True))
            change = _item(row.change_text)
            if row.rank_change:
                change.setForeground(UP_COLOR if row.rank_change > 0 else DOWN_COLOR)
            cells.append(change)
            for c, item in enumerate(cells):
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.blockSignals(False)
        self.chart.selected = self.selected_unit
        self.chart.set_bars([(row.unit_id, row.unit, float(row.points)) for row in board.rows])

    # --- drill-down -----------------------------------------------------------------------------
    def select_unit(self, unit_id: int) -> None:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(UNIT_ID_ROLE) == unit_id:
                self.table.selectRow(r)
                self.table.scrollToItem(self.table.item(r, 0))
                return

    def _row_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        self.selected_unit = self.table.item(rows[0].row(), 0).data(UNIT_ID_ROLE)
        self.chart.selected = self.selected_unit
        self.chart.update()
        self._fill_details()

    def _fill_details(self) -> None:
        self.detail_table.setRowCount(0)
        self.details = []
        self.correct_button.setEnabled(False)
        row = next((r for r in (self.board.rows if self.board else ()) if r.unit_id == self.selected_unit), None)
        if row is None:
            self.detail_label.setText("点击左侧单位，查看其积分的每一条来源。")
            return
        self.details = scoring.unit_details(row.unit_id, self.board.period, settings=self.board.settings)
        total = sum((line.points for line in self.details), Decimal(0))
        self.detail_label.setText(
            f"<b>{row.unit}</b>：{self.board.period.label} 积分 {_points(row.points)}（第 {row.rank} 名），"
            f"来源 {len(self.details)} 条，合计 {_exact_points(total)} 分。双击一行打开项目。")
        self.detail_table.setRowCount(len(self.details))
        for r, line in enumerate(self.details):
            step = f"{line.step_number}. {line.step_name}" if line.kind == "step" else line.step_name
            cells = [_item(format_date(line.done_on), data=line.project_id, role=PROJECT_ID_ROLE),
                     _item(line.project_code), _item(line.project_name), _item(step),
                     _item(scoring.plain_number(line.base_points), align_right=True),
                     _item("×" + scoring.plain_number(line.weight), align_right=True),
                     _item(_exact_points(line.points), align_right=True)]
            cells[0].setData(RECORD_ID_ROLE, line.record_id)
            if line.kind == "deduction":
                for item in cells:
                    item.setForeground(UP_COLOR)
            for c, item in enumerate(cells):
                self.detail_table.setItem(r, c, item)
        self.detail_table.resizeColumnsToContents()
        self.detail_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def _detail_selected(self) -> None:
        rows = self.detail_table.selectionModel().selectedRows()
        self.correct_button.setEnabled(bool(rows) and self.detail_table.item(rows[0].row(), 0).data(RECORD_ID_ROLE) is not None)

    def eventFilter(self, watched, event) -> bool:
        # Enter on a line of the drill-down opens its project, as a double-click does.
        if (watched is self.detail_table and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.detail_table.currentItem()):
            self._open_detail(self.detail_table.currentItem())
            return True
        return super().eventFilter(watched, event)

    def _open_detail(self, item: QTableWidgetItem) -> None:
        project_id = self.detail_table.item(item.row(), 0).data(PROJECT_ID_ROLE)
        if project_id is not None:
            self.open_project.emit(int(project_id))

    def correct_selected_credit(self) -> None:
        """Move the selected step's credit to another unit (an administrator's correction)."""
        from desktop.services.reference import list_units

        rows = self.detail_table.selectionModel().selectedRows()
        if not rows:
            return
        record_id = self.detail_table.item(rows[0].row(), 0).data(RECORD_ID_ROLE)
        if record_id is None:
            return
        units = [u for u in list_units() if u.id != self.selected_unit]
        dialog = CreditDialog([(u.id, u.name) for u in units], self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            scoring.correct_credit(record_id, dialog.unit_id(), dialog.reason.text())
        except UserError as exc:
            QMessageBox.warning(self, "没有更正", str(exc))
            return
        self.refresh()
        self._say("已更正计分单位，积分榜已重新计算。")

    # --- actions --------------------------------------------------------------------------------
    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #c62828;" if error else "color: #1b5e20;")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def edit_settings(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle("积分设置")
        panel = ScoringSettingsPanel()
        panel.load()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(panel)
        layout = QVBoxLayout(dialog)
        layout.addWidget(scroll)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.resize(760, 640)
        panel.saved.connect(self.refresh)
        dialog.exec()

    def publish(self) -> None:
        try:
            period = self.period()
        except UserError as exc:
            self._say(str(exc), error=True)
            return
        dialog = PublishDialog(period, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.publish_with(dialog.title.text(), dialog.number.text(), from_qdate(dialog.published_on.date()))

    def publish_with(self, title: str, number: str, published_on: dt.date) -> int | None:
        try:
            bulletin_id = scoring.publish_bulletin(self.period(), title=title, number=number, published_on=published_on)
        except UserError as exc:
            QMessageBox.warning(self, "没有发布", str(exc))
            return None
        self._say(f"已发布通报“{title or scoring.default_title(self.period())}”，以后重印数字不变。")
        return bulletin_id

    def show_published(self) -> None:
        dialog = PublishedDialog(self)
        dialog.exec()

    def export(self) -> None:
        from desktop.views.table_export import choose_save_path

        path = choose_save_path(self, "导出积分榜", f"{self.period().label}积分榜.xlsx")
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        from desktop.services import scoring_report
        from desktop.views.progress import run_with_progress

        run_with_progress(self, "正在导出积分榜……", scoring_report.export_live_board, path, self.period(),
                          done=lambda count: self._say(f"已导出 {count} 个单位的积分榜到 {path}"))

    def print_board(self):
        from desktop.services import scoring_report
        from desktop.views.pdf_preview import make_pdf_and_preview

        return make_pdf_and_preview(self, f"{self.period().label}积分通报", scoring_report.print_live_board, self.period())


class CreditDialog(QDialog):
    def __init__(self, units: list[tuple[int, str]], parent=None):
        super().__init__(parent)
        self.setWindowTitle("更正计分单位")
        self.unit = QComboBox()
        for unit_id, name in units:
            self.unit.addItem(name, unit_id)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("如：首报单位认定有误")
        form = QFormLayout(self)
        form.addRow(QLabel("这一步的积分改记到："))
        form.addRow("计分单位", self.unit)
        form.addRow("更正原因", self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def unit_id(self) -> int | None:
        return self.unit.currentData()


class PublishDialog(QDialog):
    def __init__(self, period: scoring.Period, parent=None):
        super().__init__(parent)
        self.setWindowTitle("发布通报")
        self.title = QLineEdit(scoring.default_title(period))
        self.number = QLineEdit()
        self.number.setPlaceholderText("如：第6期（可不填）")
        self.published_on = QDateEdit()
        self.published_on.setCalendarPopup(True)
        self.published_on.setDisplayFormat("yyyy-MM-dd")
        self.published_on.setDate(to_qdate(dt.date.today()))
        form = QFormLayout(self)
        form.addRow(QLabel(f"把 {period.label}（{period.range_text}）的积分榜定稿为一期通报。\n"
                           "发布后，步骤分值、系数或记录再有变化，这期通报重印时数字也不变。"))
        form.addRow("标题", self.title)
        form.addRow("期号", self.number)
        form.addRow("发布日期", self.published_on)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("发布")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(560, 220)


class PublishedDialog(QDialog):
    """已发布通报: the list; reprint (PDF), export (.xlsx), delete (administrators, confirmed)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("已发布通报")
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["发布日期", "期号", "标题", "期间", "统计日期"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.rows_view = QTableWidget(0, 0)
        self.rows_view.verticalHeader().setVisible(False)
        self.rows_view.horizontalHeader().setStretchLastSection(True)  # no empty grey band at the right
        self.reprint_button = QPushButton("重印（PDF）")
        self.export_button = QPushButton("导出 Excel")
        self.delete_button = QPushButton("删除")
        buttons = QHBoxLayout()
        for button in (self.reprint_button, self.export_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 2)
        layout.addWidget(QLabel("这期通报发布时的积分（定稿，不随以后的变化而变）："))
        layout.addWidget(self.rows_view, 3)
        layout.addLayout(buttons)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.reprint_button.clicked.connect(self.reprint)
        self.export_button.clicked.connect(self.export)
        self.delete_button.clicked.connect(self.delete)
        self.resize(fit_to_screen(self, 900, 600))
        self.load()

    def load(self) -> None:
        self.items = scoring.list_bulletins()
        self.table.setRowCount(len(self.items))
        for r, b in enumerate(self.items):
            for c, text in enumerate((format_date(b.published_on), b.number, b.title, b.period_label,
                                      f"{format_date(b.date_from)} 至 {format_date(b.date_to)}")):
                self.table.setItem(r, c, _item(text, data=b.id))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        has = bool(self.items)
        for button in (self.reprint_button, self.export_button, self.delete_button):
            button.setEnabled(has)
        if has:
            self.table.selectRow(0)
        else:
            self.rows_view.setRowCount(0)

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 0).data(UNIT_ID_ROLE) if rows else None

    def _show_selected(self) -> None:
        from desktop.services.scoring_report import board_table

        bulletin_id = self.selected_id()
        if bulletin_id is None:
            return
        bulletin = scoring.open_bulletin(bulletin_id)
        header, rows = board_table(bulletin.board)
        self.rows_view.clear()
        self.rows_view.setColumnCount(len(header))
        self.rows_view.setHorizontalHeaderLabels(header)
        self.rows_view.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                text = _points(value) if isinstance(value, Decimal) else value
                self.rows_view.setItem(r, c, _item(text, align_right=isinstance(value, (int, Decimal))))
        self.rows_view.resizeColumnsToContents()

    def reprint(self):
        from desktop.services import scoring_report
        from desktop.views.pdf_preview import make_pdf_and_preview

        bulletin_id = self.selected_id()
        if bulletin_id is not None:
            return make_pdf_and_preview(self, "积分通报（重印）", scoring_report.print_published, bulletin_id)
        return None

    def export(self) -> None:
        from desktop.services import scoring_report
        from desktop.views.progress import run_with_progress

        bulletin_id = self.selected_id()
        if bulletin_id is None:
            return
        from desktop.views.table_export import choose_save_path

        path = choose_save_path(self, "导出通报", "积分通报.xlsx")
        if path:
            run_with_progress(self, "正在导出……", scoring_report.export_published, path, bulletin_id)

    def delete(self) -> None:
        bulletin_id = self.selected_id()
        if bulletin_id is None:
            return
        title = next(b.title for b in self.items if b.id == bulletin_id)
        answer = QMessageBox.question(self, "删除通报", f"删除已发布的通报“{title}”？删除后不能恢复。",
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            scoring.delete_bulletin(bulletin_id)
        except UserError as exc:
            QMessageBox.warning(self, "没有删除", str(exc))
        self.load()


class ScoringSettingsPanel(QWidget):
    """设置 → 积分: step points, investment-band weights, deduction rules. 保存 writes all three."""

    saved = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.steps = QTableWidget(0, 3)
        self.steps.setHorizontalHeaderLabels(["步骤", "名称", "分值"])
        self.steps.verticalHeader().setVisible(False)
        self.steps.setMinimumHeight(260)
        self.weights = QTableWidget(0, 3)
        self.weights.setHorizontalHeaderLabels(["总投资起点（万元）", "系数", "说明"])
        self.weights.verticalHeader().setVisible(False)
        self.weights.setMaximumHeight(150)
        self.deductions = QTableWidget(0, 5)
        self.deductions.setHorizontalHeaderLabels(["名称", "完成第几步后", "未完成第几步", "超过天数", "每满一月扣分"])
        self.deductions.verticalHeader().setVisible(False)
        self.deductions.setMaximumHeight(150)
        self.add_weight = QPushButton("增加一档")
        self.remove_weight = QPushButton("删除所选档")
        self.add_rule = QPushButton("增加扣分规则")
        self.remove_rule = QPushButton("删除所选规则")
        self.save_button = QPushButton("保存")
        self.message = QLabel()
        self.message.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>步骤分值</b>（每完成一步，记入步骤记录的计分单位；“不涉及”不计分）"))
        layout.addWidget(self.steps)
        layout.addWidget(QLabel("<b>投资规模系数</b>（项目总投资达到起点即用该档系数，如 10000 万元 = 1 亿元）"))
        layout.addWidget(self.weights)
        row = QHBoxLayout()
        row.addWidget(self.add_weight)
        row.addWidget(self.remove_weight)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(QLabel("<b>扣分规则</b>（默认没有；例如签约 90 天仍未开工，此后每满一个月扣 2 分，记入责任单位）"))
        layout.addWidget(self.deductions)
        row = QHBoxLayout()
        row.addWidget(self.add_rule)
        row.addWidget(self.remove_rule)
        row.addStretch(1)
        layout.addLayout(row)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button)
        layout.addLayout(bottom)

        self.add_weight.clicked.connect(lambda: self._add_row(self.weights, ["", "1", ""]))
        self.remove_weight.clicked.connect(lambda: self._remove_row(self.weights))
        self.add_rule.clicked.connect(self._add_example_rule)
        self.remove_rule.clicked.connect(lambda: self._remove_row(self.deductions))
        self.save_button.clicked.connect(self.save)

    def load(self) -> None:
        settings = scoring.load_settings()
        self.steps.setRowCount(len(settings.steps))
        for r, step in enumerate(settings.steps):
            self.steps.setItem(r, 0, _item(step.number, align_right=True, data=step.number))
            self.steps.setItem(r, 1, _item(step.name))
            points = QTableWidgetItem(str(step.points))
            points.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.steps.setItem(r, 2, points)
        self.steps.resizeColumnsToContents()
        self.steps.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.weights.setRowCount(0)
        labels = scoring.band_labels(settings.weights)
        for band, label in zip(settings.weights, labels):
            self._add_row(self.weights, [scoring.plain_number(band.from_wan), scoring.plain_number(band.weight), label])
        self.deductions.setRowCount(0)
        for rule in settings.deductions:
            self._add_rule_row(rule)
        self.weights.setColumnWidth(0, 150)
        self.weights.setColumnWidth(1, 80)
        self.weights.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.deductions.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.message.setText("")

    def _add_row(self, table: QTableWidget, texts: list[str]) -> None:
        r = table.rowCount()
        table.insertRow(r)
        for c, text in enumerate(texts):
            item = QTableWidgetItem(text)
            if table is self.weights and c == 2:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setForeground(QColor("#666"))
            table.setItem(r, c, item)

    def _add_rule_row(self, rule: scoring.DeductionRule) -> None:
        self._add_row(self.deductions, [rule.name, str(rule.after_step), str(rule.missing_step), str(rule.after_days),
                                        scoring.plain_number(rule.points_per_month)])

    def _add_example_rule(self) -> None:
        self._add_rule_row(scoring.EXAMPLE_DEDUCTION)

    @staticmethod
    def _remove_row(table: QTableWidget) -> None:
        rows = sorted({index.row() for index in table.selectedIndexes()}, reverse=True)
        for r in rows or [table.rowCount() - 1]:
            if r >= 0:
                table.removeRow(r)

    @staticmethod
    def _text(table: QTableWidget, r: int, c: int) -> str:
        item = table.item(r, c)
        return item.text().strip() if item else ""

    def save(self) -> bool:
        from desktop.errors import ValidationError

        points = {}
        for r in range(self.steps.rowCount()):
            number = self.steps.item(r, 0).data(UNIT_ID_ROLE)
            text = self._text(self.steps, r, 2)
            if not text.isdigit():
                return self._fail(f"第 {number} 步的分值应为 0 或正整数")
            points[number] = int(text)
        bands = [(self._text(self.weights, r, 0) or "0", self._text(self.weights, r, 1))
                 for r in range(self.weights.rowCount())]
        rules = []
        for r in range(self.deductions.rowCount()):
            try:
                rules.append(scoring.DeductionRule(
                    self._text(self.deductions, r, 0), int(self._text(self.deductions, r, 1)),
                    int(self._text(self.deductions, r, 2)), int(self._text(self.deductions, r, 3)),
                    Decimal(self._text(self.deductions, r, 4))))
            except (ValueError, ArithmeticError):
                return self._fail(f"第 {r + 1} 条扣分规则：步骤、天数应为整数，扣分应为数字")
        try:
            checked_bands = scoring.validate_weights(bands)
            checked_rules = scoring.validate_deductions(rules)
            scoring.set_step_points(points)
            scoring.save_weights(checked_bands)
            scoring.save_deductions(checked_rules)
        except ValidationError as exc:
            return self._fail("；".join(exc.errors.values()))
        except UserError as exc:
            return self._fail(str(exc))
        self.load()
        self.message.setStyleSheet("color: #1b5e20;")
        self.message.setText("已保存。积分榜按新的设置重新计算（已发布的通报不变）。")
        self.saved.emit()
        return True

    def _fail(self, text: str) -> bool:
        self.message.setStyleSheet("color: #c62828;")
        self.message.setText(text)
        return False
