"""首页（领导驾驶舱）: KPI cards, charts, the county's 双过半 lights and the warnings of a period.

Everything shown comes from `desktop.services.dashboard.build_dashboard` (plain data). The charts
come from `desktop.views.charts`, imported the first time charts are drawn — not when this module
is imported — so QtCharts costs nothing until the page is shown.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont
from PySide6.QtWidgets import (
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.services.dates import format_date_long
from desktop.views.lifecycle_panel import from_qdate, to_qdate

# (card key, title, count key or None, amount key or None, selection taken from the stats card)
CARDS = (
    ("library", "入库项目", "library_projects", None, "library"),
    ("library_investment", "入库总投资", None, "library_investment_yi", "library"),
    ("above_yi", "亿元以上", "above_yi_projects", "above_yi_investment_yi", "above_yi"),
    ("above_yi_started", "亿元以上开工", "above_yi_started_projects", "above_yi_started_investment_yi", "above_yi_started"),
    ("cloud_signed", "云签约", "cloud_signed_projects", "cloud_signed_investment_yi", "cloud_signed"),
    ("negotiating", "正在对接", "negotiating_projects", "negotiating_investment_yi", "negotiating"),
)
LIGHT_COLOURS = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828", "none": "#9e9e9e"}
WARNING_TITLES = {"stalled": "30 天无进展的项目", "problem": "逾期未销号的专班问题", "review": "临近期限的即时初审"}
ROLE_KIND = Qt.ItemDataRole.UserRole
ROLE_PROJECT = Qt.ItemDataRole.UserRole + 1


def month_labels(months: list[str]) -> list[str]:
    """"2022-03" → "3月" within one year; "22年3月" when the period spans years."""
    if len({m[:4] for m in months}) <= 1:
        return [f"{int(m[5:])}月" for m in months]
    return [f"{m[2:4]}年{int(m[5:])}月" for m in months]


class KpiCard(QPushButton):
    """A card that is a button: click or Enter/Space opens the projects behind the figure."""

    def __init__(self, key: str, title: str, parent=None):
        super().__init__(parent)
        self.key = key
        self.setObjectName("kpi")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumHeight(88)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setStyleSheet(
            "QPushButton#kpi { background: #f4f8fd; border: 1px solid #c9d6e8; border-radius: 6px; text-align: left; }"
            "QPushButton#kpi:hover { background: #e6f0fb; border-color: #7aa7d9; }"
            "QPushButton#kpi:focus { border: 2px solid #2f6eb5; }"
        )
        self.title_label = QLabel(title)
        self.title_label.setStyleSheet("color: #1f4e79; font-weight: bold;")
        self.value_label = QLabel("—")
        self.value_label.setStyleSheet("font-size: 19pt; font-weight: bold; color: #17365d;")
        self.detail_label = QLabel("")
        self.detail_label.setStyleSheet("color: #555;")
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 6, 10, 6)
        box.setSpacing(0)
        for label in (self.title_label, self.value_label, self.detail_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            box.addWidget(label)

    def set_values(self, value: str, detail: str, tooltip: str) -> None:
        size = 19 if len(value) <= 9 else 14  # a county's figures fit; a big database's still show whole
        self.value_label.setStyleSheet(f"font-size: {size}pt; font-weight: bold; color: #17365d;")
        self.value_label.setText(value)
        self.detail_label.setText(detail)
        self.setToolTip(tooltip)
        self.setAccessibleName(f"{self.title_label.text()} {value} {detail}")


class DashboardPage(QWidget):
    title = "首页"
    open_filtered = Signal(object)  # a ProjectFilter (dashboard.ProjectSelection: project_ids + title)
    open_project = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.data = None
        self._request = 0
        self.chart_views: dict[str, QWidget] = {}
        refresh_action = QAction("刷新", self)
        refresh_action.setShortcut("F5")
        refresh_action.triggered.connect(self.refresh)
        self.actions_for_toolbar = [refresh_action]

        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        from desktop.services.stats import default_period

        start, end = default_period()
        self.date_from.setDate(to_qdate(start))
        self.date_to.setDate(to_qdate(end))
        self.refresh_button = QPushButton("统计")
        self.refresh_button.clicked.connect(self.refresh)
        self.period_label = QLabel()
        self.period_label.setStyleSheet("font-size: 13pt; font-weight: bold; color: #17365d;")
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #c62828;")

        bar = QHBoxLayout()
        bar.addWidget(self.period_label)
        bar.addStretch(1)
        bar.addWidget(QLabel("统计期间"))
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("至"))
        bar.addWidget(self.date_to)
        bar.addWidget(self.refresh_button)

        self.cards: dict[str, KpiCard] = {}
        cards_row = QHBoxLayout()
        cards_row.setSpacing(8)
        for key, title, *_ in CARDS:
            card = KpiCard(key, title)
            card.clicked.connect(lambda _checked=False, k=key: self.card_clicked(k))
            self.cards[key] = card
            cards_row.addWidget(card)

        self.chart_grid = QGridLayout()
        self.chart_grid.setSpacing(6)
        for index in (0, 1):
            self.chart_grid.setRowStretch(index, 1)
            self.chart_grid.setColumnStretch(index, 1)
        self.charts_box = QWidget()
        self.charts_box.setLayout(self.chart_grid)

        self.verdict_label = QLabel()
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setStyleSheet("font-weight: bold;")
        self.lights_grid = QGridLayout()
        self.lights_grid.setHorizontalSpacing(8)
        self.lights_grid.setVerticalSpacing(2)
        lights_box = QFrame()
        lights_box.setObjectName("lights")
        lights_box.setStyleSheet("QFrame#lights { border: 1px solid #d0d7e2; border-radius: 4px; background: #fbfcfe; }")
        lights_layout = QVBoxLayout(lights_box)
        lights_layout.setContentsMargins(8, 6, 8, 6)
        heading = QLabel("双过半（全县）")
        heading.setStyleSheet("font-weight: bold; color: #1f4e79;")
        lights_layout.addWidget(heading)
        lights_layout.addWidget(self.verdict_label)
        lights_layout.addLayout(self.lights_grid)

        self.warnings_heading = QLabel("预警")
        self.warnings_heading.setStyleSheet("font-weight: bold; color: #1f4e79;")
        self.warnings_list = QListWidget()
        self.warnings_list.setWordWrap(True)
        self.warnings_list.setToolTip("双击（或回车）打开项目；双击分组标题打开该组项目清单")
        self.warnings_list.itemActivated.connect(self.warning_activated)

        side = QVBoxLayout()
        side.addWidget(lights_box)
        side.addWidget(self.warnings_heading)
        side.addWidget(self.warnings_list, 1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side.setContentsMargins(0, 0, 0, 0)
        side_widget.setFixedWidth(340)

        body = QHBoxLayout()
        body.addWidget(self.charts_box, 1)
        body.addWidget(side_widget)

        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(bar)
        layout.addWidget(self.error_label)
        layout.addLayout(cards_row)
        layout.addLayout(body, 1)
        self.error_label.hide()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        inner.setMinimumHeight(600)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # -- period --------------------------------------------------------------------------------

    def set_period(self, start: dt.date, end: dt.date) -> None:
        self.date_from.setDate(to_qdate(start))
        self.date_to.setDate(to_qdate(end))
        if self.data is not None:
            self.refresh()

    def period(self) -> tuple[dt.date, dt.date]:
        return from_qdate(self.date_from.date()), from_qdate(self.date_to.date())

    def load(self) -> None:
        self.refresh()

    # -- filling -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute on the worker pool (seconds at 100,000 projects); the newest request wins."""
        from desktop.services.dashboard import build_dashboard
        from desktop.workers import run_task

        start, end = self.period()
        if start > end:
            self.error_label.setText("开始日期晚于结束日期，请重新选择。")
            self.error_label.show()
            return
        self.error_label.hide()
        self._request += 1
        request = self._request
        self.refresh_button.setEnabled(False)
        self.period_label.setText(f"{format_date_long(start)} 至 {format_date_long(end)}（正在统计……）")
        run_task(build_dashboard, start, end,
                 on_result=lambda data: self._show_data(request, data),
                 on_error=lambda message, _user: self._show_error(request, message))

    def _show_error(self, request: int, message: str) -> None:
        if request != self._request:
            return
        self.refresh_button.setEnabled(True)
        self.error_label.setText(f"统计没有完成：{message}")
        self.error_label.show()

    def _show_data(self, request: int, data) -> None:
        if request != self._request:
            return  # a newer period was asked for meanwhile
        self.refresh_button.setEnabled(True)
        self.data = data
        self.period_label.setText(f"{format_date_long(data.date_from)} 至 {format_date_long(data.date_to)}")
        self._fill_cards()
        self._fill_charts()
        self._fill_lights()
        self._fill_warnings()

    def _fill_cards(self) -> None:
        figures = self.data.figures
        for key, _title, count_key, amount_key, _source in CARDS:
            card = self.cards[key]
            hint = next(c.hint for c in self.data.cards if c.key == _source)
            if count_key is None:
                card.set_values(f"{figures[amount_key]:.2f} 亿元", f"{figures['library_projects']} 个项目", hint)
            elif amount_key is None:
                card.set_values(f"{figures[count_key]} 个", "期间内入库", hint)
            else:
                card.set_values(f"{figures[count_key]} 个", f"总投资 {figures[amount_key]:.2f} 亿元", hint)

    def _fill_charts(self) -> None:
        from desktop.views import charts  # QtCharts only now, when the page first draws

        data = self.data
        industries = data.investment_by_industry
        views = {
            "industry": charts.bar_chart_view("入库项目总投资（亿元）按产业", [i for i, _ in industries],
                                              [v for _, v in industries], value_format="@value"),
            "funnel": charts.funnel_view("项目阶段漏斗（截至期末，个）", [s for s, _ in data.stage_funnel],
                                         [n for _, n in data.stage_funnel]),
            "trend": charts.line_chart_view("每月入库项目（个）", month_labels([m for m, _ in data.monthly_library]),
                                            [n for _, n in data.monthly_library]),
            "township": charts.bar_chart_view("各乡镇入库项目（个）", [t for t, _ in data.by_township],
                                              [n for _, n in data.by_township], colour="#3a9d5d"),
        }
        for key, view in self.chart_views.items():
            self.chart_grid.removeWidget(view)
            view.deleteLater()
        self.chart_views = views
        for (row, column), key in zip(((0, 0), (0, 1), (1, 0), (1, 1)), ("industry", "funnel", "trend", "township")):
            # A chart view's size hint is its last size: ignore it, so the four share the space evenly.
            views[key].setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            views[key].setMinimumSize(260, 230)
            self.chart_grid.addWidget(views[key], row, column)

    def _clear_lights(self) -> None:
        while self.lights_grid.count():
            item = self.lights_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()

    def _fill_lights(self) -> None:
        from desktop.services.targets import LIGHT_LABELS, percent

        self._clear_lights()
        report = self.data.targets
        if report is None:
            self.verdict_label.setText(f"{self.data.date_to.year}年未设定全县目标任务（在“目标任务”页设定）。")
            self.verdict_label.setStyleSheet("font-weight: bold; color: #666;")
            return
        verdict = report.verdict()
        colour = "#2e7d32" if verdict.passed else ("#c62828" if verdict.time_half else "#17365d")
        self.verdict_label.setText(f"时间进度 {percent(report.time_progress)}　{verdict.text.split('：', 1)[-1]}")
        self.verdict_label.setStyleSheet(f"font-weight: bold; color: {colour};")
        for row, cell in enumerate(report.county.cells):
            dot = QLabel("●")
            dot.setStyleSheet(f"color: {LIGHT_COLOURS[cell.light]}; font-size: 13pt;")
            dot.setToolTip(LIGHT_LABELS[cell.light])
            name = QLabel(cell.indicator.label)
            figures = QLabel(f"{cell.done_text} / {cell.target_text} {cell.indicator.unit_text}")
            figures.setStyleSheet("color: #444;")
            share = QLabel(cell.progress_text)
            share.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            share.setStyleSheet(f"color: {LIGHT_COLOURS[cell.light]}; font-weight: bold;")
            for column, widget in enumerate((dot, name, figures, share)):
                self.lights_grid.addWidget(widget, row, column)
        self.lights_grid.setColumnStretch(2, 1)

    def _fill_warnings(self) -> None:
        self.warnings_list.clear()
        data = self.data
        total = 0
        bold = QFont(self.warnings_list.font())
        bold.setBold(True)
        # Overdue problems and reviews first: they name a deadline missed; stalled projects are many.
        for kind in ("problem", "review", "stalled"):
            if kind not in data.features:
                continue
            items = data.warnings_of(kind)
            count = data.warning_counts[kind]
            total += count
            shown = "" if count == len(items) else f"，列出前 {len(items)} 个"
            header = QListWidgetItem(f"{WARNING_TITLES[kind]}（{count}{shown}）")
            header.setToolTip("双击打开全部项目的清单")
            header.setData(ROLE_KIND, kind)
            header.setFont(bold)
            header.setBackground(QColor("#eef3f9"))
            self.warnings_list.addItem(header)
            for warning in items:
                entry = QListWidgetItem(f"  {warning.text}")
                entry.setData(ROLE_PROJECT, warning.project_id)
                entry.setToolTip(warning.detail or f"{warning.project_code} {warning.project_name}")
                self.warnings_list.addItem(entry)
        self.warnings_heading.setText(f"预警（截至 {data.date_to.isoformat()}，共 {total} 条）")

    # -- clicks --------------------------------------------------------------------------------

    def card_clicked(self, key: str) -> None:
        if self.data is None:
            return
        source = next(source for card_key, *_rest, source in CARDS if card_key == key)
        card = next(c for c in self.data.cards if c.key == source)
        self.open_filtered.emit(card.selection)

    def warning_activated(self, item: QListWidgetItem) -> None:
        project_id = item.data(ROLE_PROJECT)
        if project_id is not None:
            self.open_project.emit(int(project_id))
            return
        kind = item.data(ROLE_KIND)
        if kind and self.data is not None:
            title = f"驾驶舱预警：{WARNING_TITLES[kind]}（截至 {self.data.date_to.isoformat()}）"
            self.open_filtered.emit(self.data.selection_of(kind, title))
