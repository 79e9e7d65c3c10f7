"""Every chart of the application, and the only module that imports QtCharts.

QtCharts is deprecated since Qt 6.10 (it still ships with 6.11/6.12); keeping it behind these few
functions means a later move (to QtGraphs or painted widgets) touches this file only. Pages import
this module lazily, inside the method that first builds their charts: importing QtCharts costs
start-up time the first page should not pay.

Each function takes plain labels and numbers and returns a ready QChartView.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf", "#393b79", "#637939")
BAR_COLOUR = "#2f6eb5"
LINE_COLOUR = "#d9534f"
MIN_HEIGHT = 230


def _number(value) -> float:
    return float(value) if isinstance(value, Decimal) else float(value or 0)


def _nice_max(values: Sequence[float]) -> float:
    top = max(values, default=0)
    if top <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top <= step * 5:
            return float(step * (int(top / step) + 1))
    return top * 1.1


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setBold(True)
    font.setPointSize(10)
    chart.setTitleFont(font)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(4)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setVisible(False)
    return chart


def _view(chart: QChart) -> QChartView:
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(MIN_HEIGHT)
    return view


def _label_font(size: int = 8) -> QFont:
    font = QFont()
    font.setPointSize(size)
    return font


def _category_axis(labels: Sequence[str], *, rotate: bool = False) -> QBarCategoryAxis:
    axis = QBarCategoryAxis()
    axis.append(list(labels))
    axis.setLabelsFont(_label_font())
    axis.setTruncateLabels(False)  # a county's names are short; “…” would hide them all
    if rotate:
        axis.setLabelsAngle(-90)
    return axis


def _value_axis(values: Sequence[float]) -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(0, _nice_max(values))
    axis.applyNiceNumbers()
    axis.setLabelFormat("%g")
    axis.setLabelsFont(_label_font())
    return axis


def bar_chart_view(title: str, labels: Sequence[str], values: Sequence, *, value_format: str = "@value",
                   horizontal: bool = False, colour: str = BAR_COLOUR) -> QChartView:
    """One bar per label (vertical by default), the value written on each bar."""
    chart = _chart(title)
    bar_set = QBarSet(title)
    bar_set.append([_number(v) for v in values])
    bar_set.setColor(QColor(colour))
    bar_set.setLabelColor(QColor("#222222"))
    series = QHorizontalBarSeries() if horizontal else QBarSeries()
    series.append(bar_set)
    series.setLabelsVisible(True)
    series.setLabelsFormat(value_format)
    series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
    chart.addSeries(series)
    crowded = not horizontal and len(labels) > 6
    categories = _category_axis(labels, rotate=crowded)
    numbers = [_number(v) for v in values]
    if crowded and max((len(f"{n:g}") for n in numbers), default=0) > 3:
        # Side by side, "16.51" and "15.22" over bars 30 pixels apart ran into each other: stood up
        # like the names under them, with room above the tallest bar for its label.
        series.setLabelsAngle(-90)
        numbers.append(max(numbers) * 1.3)
    amounts = _value_axis(numbers)
    if horizontal:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(amounts, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(amounts, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    series.attachAxis(amounts)
    return _view(chart)


def funnel_view(title: str, labels: Sequence[str], values: Sequence) -> QChartView:
    """A funnel drawn as horizontal bars, the first stage on top, each bar centred by padding it
    with an invisible bar on both sides (a stacked series)."""
    from PySide6.QtCharts import QHorizontalStackedBarSeries

    chart = _chart(title)
    numbers = [_number(v) for v in values]
    widest = max(numbers, default=0) or 1
    # Qt draws the first category at the bottom: reverse so the funnel opens at the top.
    order = list(range(len(numbers)))[::-1]
    padding = QBarSet("")
    padding.append([(widest - numbers[i]) / 2 for i in order])
    padding.setColor(QColor(0, 0, 0, 0))
    padding.setBorderColor(QColor(0, 0, 0, 0))
    padding.setLabelColor(QColor(0, 0, 0, 0))
    stage = QBarSet(title)
    stage.append([numbers[i] for i in order])
    stage.setColor(QColor("#8dbbea"))
    stage.setLabelColor(QColor("#0d2a4a"))  # dark: readable also where a thin bar's label spills over
    tail = QBarSet("")
    tail.append([(widest - numbers[i]) / 2 for i in order])
    tail.setColor(QColor(0, 0, 0, 0))
    tail.setBorderColor(QColor(0, 0, 0, 0))
    tail.setLabelColor(QColor(0, 0, 0, 0))
    series = QHorizontalStackedBarSeries()
    series.append(padding)
    series.append(stage)
    series.append(tail)
    series.setBarWidth(0.85)
    series.setLabelsVisible(True)
    series.setLabelsFormat("@value")
    series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsCenter)
    chart.addSeries(series)
    categories = _category_axis([labels[i] for i in order])
    categories.setGridLineVisible(False)
    amounts = QValueAxis()
    amounts.setRange(0, widest)
    amounts.setVisible(False)
    chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(amounts, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(categories)
    series.attachAxis(amounts)
    return _view(chart)


def line_chart_view(title: str, labels: Sequence[str], values: Sequence, *, colour: str = LINE_COLOUR) -> QChartView:
    """A line with a point (and its value) per label, e.g. a monthly trend."""
    chart = _chart(title)
    series = QLineSeries()
    for i, value in enumerate(values):
        series.append(QPointF(i, _number(value)))
    pen = QPen(QColor(colour))
    pen.setWidth(2)
    series.setPen(pen)
    series.setPointsVisible(True)
    series.setPointLabelsVisible(True)
    series.setPointLabelsFormat("@yPoint")
    series.setPointLabelsClipping(False)
    series.setPointLabelsFont(_label_font())
    chart.addSeries(series)
    # A category axis names the months; the line is placed on a value axis of indices under it.
    categories = _category_axis(labels, rotate=len(labels) > 8)
    positions = QValueAxis()
    positions.setRange(-0.5, max(len(labels) - 0.5, 0.5))
    positions.setVisible(False)
    amounts = _value_axis([_number(v) for v in values])
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(positions, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(amounts, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(positions)
    series.attachAxis(amounts)
    return _view(chart)


def pie_chart_view(title: str, labels: Sequence[str], values: Sequence, *, top: int = 7) -> QChartView:
    """Slices for the largest `top` values, the rest as 其他; labels show the share."""
    chart = _chart(title)
    pairs = sorted(zip(labels, (_number(v) for v in values)), key=lambda p: -p[1])
    shown, rest = pairs[:top], sum(v for _, v in pairs[top:])
    if rest > 0:
        shown.append(("其他", rest))
    series = QPieSeries()
    total = sum(v for _, v in shown) or 1
    for i, (label, value) in enumerate(shown):
        piece = series.append(f"{label} {value / total:.0%}", value)
        piece.setColor(QColor(PALETTE[i % len(PALETTE)]))
        piece.setLabelVisible(True)
        piece.setLabelFont(_label_font())
    series.setPieSize(0.6)
    chart.addSeries(series)
    return _view(chart)


def chart_values(view: QChartView) -> list[float]:
    """The numbers a chart shows (its first series), for tests and accessibility texts."""
    series = view.chart().series()[0]
    if isinstance(series, QLineSeries):
        return [point.y() for point in series.points()]
    if isinstance(series, QPieSeries):
        return [piece.value() for piece in series.slices()]
    sets = series.barSets()
    chosen = sets[1] if len(sets) == 3 else sets[0]  # a funnel's visible set sits between paddings
    count = chosen.count()
    values = [chosen.at(i) for i in range(count)]
    if len(sets) == 3:
        values.reverse()
    return values


def chart_labels(view: QChartView) -> list[str]:
    """The category labels along a bar/line chart (in the order given), or a pie's slice labels."""
    chart = view.chart()
    series = chart.series()[0]
    if isinstance(series, QPieSeries):
        return [piece.label() for piece in series.slices()]
    for axis in chart.axes():
        if isinstance(axis, QBarCategoryAxis):
            labels = list(axis.categories())
            return labels[::-1] if len(series.barSets() if hasattr(series, "barSets") else []) == 3 else labels
    return []
