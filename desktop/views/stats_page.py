"""统计概览: the reference figures for a period, computed by the same service as the CLI."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.services.dates import format_date_long
from desktop.views.lifecycle_panel import from_qdate, to_qdate

# (count key, amount key, title, explanation)
FIGURES = (
    ("library_projects", "library_investment_yi", "入库项目", "期间内记录“入库”的项目"),
    ("above_yi_projects", "above_yi_investment_yi", "其中亿元以上", "入库项目中总投资 ≥ 1 亿元"),
    ("above_yi_started_projects", "above_yi_started_investment_yi", "亿元以上已开工", "截至期末已记录“开工”"),
    ("cloud_signed_projects", "cloud_signed_investment_yi", "云签约", "期间内以云签约方式签约"),
    ("negotiating_projects", "negotiating_investment_yi", "正在对接", "截至期末未签约、状态正常"),
)


class StatsPage(QWidget):
    title = "统计概览"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.actions_for_toolbar = []
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        today = dt.date.today()
        self.date_from.setDate(to_qdate(dt.date(today.year, 1, 1)))
        self.date_to.setDate(to_qdate(today))
        self.refresh_button = QPushButton("统计")
        self.period_label = QLabel()
        self.period_label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #c62828;")

        bar = QHBoxLayout()
        bar.addWidget(QLabel("统计期间"))
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("至"))
        bar.addWidget(self.date_to)
        bar.addWidget(self.refresh_button)
        bar.addStretch(1)

        self.value_labels: dict[str, tuple[QLabel, QLabel]] = {}
        grid = QGridLayout()
        for i, (count_key, amount_key, title, hint) in enumerate(FIGURES):
            card = QFrame()
            card.setFrameShape(QFrame.Shape.StyledPanel)
            card.setStyleSheet("QFrame { background: #f7f9fc; border: 1px solid #d0d7e2; border-radius: 4px; }"
                               "QLabel { border: none; background: transparent; }")
            box = QVBoxLayout(card)
            heading = QLabel(title)
            heading.setStyleSheet("font-weight: bold; color: #1f4e79;")
            count = QLabel("—")
            count.setStyleSheet("font-size: 20pt; font-weight: bold;")
            amount = QLabel("—")
            amount.setStyleSheet("font-size: 12pt;")
            note = QLabel(hint)
            note.setStyleSheet("color: #666;")
            note.setWordWrap(True)
            for widget in (heading, count, amount, note):
                box.addWidget(widget)
            grid.addWidget(card, i // 3, i % 3)
            self.value_labels[count_key] = (count, amount)

        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addLayout(bar)
        layout.addWidget(self.period_label)
        layout.addWidget(self.error_label)
        layout.addLayout(grid)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.refresh_button.clicked.connect(self.refresh)

    def set_period(self, start: dt.date, end: dt.date) -> None:
        self.date_from.setDate(to_qdate(start))
        self.date_to.setDate(to_qdate(end))

    def load(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        from desktop.services.stats import compute_stats

        start, end = from_qdate(self.date_from.date()), from_qdate(self.date_to.date())
        if start > end:
            self.error_label.setText("开始日期晚于结束日期，请重新选择。")
            return
        self.error_label.setText("")
        figures = compute_stats(start, end)
        self.period_label.setText(f"{format_date_long(start)} 至 {format_date_long(end)}")
        for count_key, amount_key, *_rest in FIGURES:
            count_label, amount_label = self.value_labels[count_key]
            count_label.setText(f"{figures[count_key]} 个")
            amount_label.setText(f"总投资 {figures[amount_key]:.2f} 亿元")
        self.figures = figures
        self.setProperty("loaded", True)
        self.period_label.setAlignment(Qt.AlignmentFlag.AlignLeft)
