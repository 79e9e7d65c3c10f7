"""charts.py: each function draws the numbers and labels it is given."""

from __future__ import annotations

from decimal import Decimal

from desktop.views import charts


def test_bar_chart(qtbot):
    view = charts.bar_chart_view("按产业", ["轻合金", "精细化工"], [Decimal("15.22"), Decimal("8.40")])
    qtbot.addWidget(view)
    assert view.chart().title() == "按产业"
    assert charts.chart_values(view) == [15.22, 8.4]
    assert charts.chart_labels(view) == ["轻合金", "精细化工"]


def test_funnel_keeps_the_given_order_and_centres_the_bars(qtbot):
    view = charts.funnel_view("漏斗", ["线索", "签约", "开工"], [100, 40, 10])
    qtbot.addWidget(view)
    assert charts.chart_values(view) == [100, 40, 10]
    assert charts.chart_labels(view) == ["线索", "签约", "开工"]
    padding = view.chart().series()[0].barSets()[0]
    assert [padding.at(i) for i in range(3)] == [45, 30, 0]  # bottom (开工) to top (线索)


def test_line_and_pie_and_empty_series(qtbot):
    line = charts.line_chart_view("趋势", ["1月", "2月", "3月"], [3, 0, 5])
    pie = charts.pie_chart_view("占比", ["甲", "乙"], [3, 1])
    empty = charts.bar_chart_view("空", [], [])
    for view in (line, pie, empty):
        qtbot.addWidget(view)
    assert charts.chart_values(line) == [3, 0, 5]
    assert charts.chart_values(pie) == [3, 1]
    assert charts.chart_labels(pie) == ["甲 75%", "乙 25%"]
    assert charts.chart_values(empty) == []
    empty.grab()  # draws without a division by zero


def test_only_charts_imports_qtcharts():
    import ast
    from pathlib import Path

    def imports_qtcharts(path: Path) -> bool:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or "", *(f"{node.module}.{a.name}" for a in node.names)]
            if any(name.startswith("PySide6.QtCharts") for name in names):
                return True
        return False

    root = Path(charts.__file__).resolve().parents[1]
    users = sorted(str(p.relative_to(root).as_posix()) for p in root.rglob("*.py") if imports_qtcharts(p))
    assert users == ["views/charts.py"]
