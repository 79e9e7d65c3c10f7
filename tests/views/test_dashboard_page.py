"""首页（驾驶舱）: the KPI cards show the stats figures, clicks ask for the filtered list or a project."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from desktop.services.dashboard import ProjectSelection
from desktop.services.project_list import ProjectFilter
from desktop.views.dashboard_page import DashboardPage, month_labels

FROM, TO = dt.date(2022, 1, 1), dt.date(2022, 6, 30)


def page_for(qtbot, start=FROM, end=TO) -> DashboardPage:
    page = DashboardPage()
    qtbot.addWidget(page)
    page.set_period(start, end)
    page.load()
    return page


def test_cards_show_the_reference_figures_of_the_demo(qtbot, demo_db):
    page = page_for(qtbot)
    shown = {key: (card.value_label.text(), card.detail_label.text()) for key, card in page.cards.items()}
    assert shown["library"][0] == "60 个"
    assert shown["library_investment"] == ("104.64 亿元", "60 个项目")
    assert shown["above_yi"] == ("47 个", "总投资 97.79 亿元")
    assert shown["above_yi_started"] == ("14 个", "总投资 27.04 亿元")
    assert shown["cloud_signed"] == ("12 个", "总投资 25.70 亿元")
    assert shown["negotiating"] == ("72 个", "总投资 109.00 亿元")
    assert page.period_label.text() == "2022年1月1日 至 2022年6月30日"
    # The county passes 双过半 in the demo and every light is shown green.
    assert "时间过半、任务过半" in page.verdict_label.text()
    assert page.lights_grid.rowCount() == 6
    # Warnings: the groups are headed with their counts.
    headers = [page.warnings_list.item(i).text() for i in range(page.warnings_list.count())
               if page.warnings_list.item(i).data(0x0100) is not None]
    assert headers[0].startswith("逾期未销号的专班问题（") and headers[-1].startswith("30 天无进展的项目（")


def test_clicking_a_card_asks_for_the_filtered_list(qtbot, demo_db):
    page = page_for(qtbot)
    with qtbot.waitSignal(page.open_filtered) as caught:
        page.cards["above_yi_started"].click()
    selection = caught.args[0]
    assert isinstance(selection, ProjectFilter) and isinstance(selection, ProjectSelection)
    assert len(selection.project_ids) == 14 and selection.amount_band == "亿元以上"
    assert "亿元以上已开工" in selection.title
    with qtbot.waitSignal(page.open_filtered) as caught:
        page.cards["library_investment"].click()
    assert len(caught.args[0].project_ids) == 60


def test_activating_a_warning_opens_the_project_and_a_heading_opens_its_list(qtbot, demo_db):
    page = page_for(qtbot)
    rows = [page.warnings_list.item(i) for i in range(page.warnings_list.count())]
    heading = next(item for item in rows if item.data(0x0100) == "stalled")
    first = rows[rows.index(heading) + 1]
    stalled = page.data.warnings_of("stalled")
    with qtbot.waitSignal(page.open_project) as caught:
        page.warnings_list.itemActivated.emit(first)
    assert caught.args == [stalled[0].project_id]
    with qtbot.waitSignal(page.open_filtered) as caught:
        page.warnings_list.itemActivated.emit(heading)
    assert caught.args[0].project_ids == page.data.warning_ids["stalled"] >= {w.project_id for w in stalled}


def test_changing_the_period_recomputes(qtbot, fresh_db):
    from desktop.services.lifecycle import record_step
    from desktop.services.projects import create_project

    pid = create_project({"name": "一月入库", "total_investment": Decimal(12000)}, today=dt.date(2026, 1, 1))
    for step, day in ((1, dt.date(2021, 12, 1)), (9, dt.date(2022, 1, 3)), (10, dt.date(2022, 1, 5))):
        record_step(pid, step, day, today=dt.date(2026, 1, 1))
    page = page_for(qtbot)
    assert page.cards["library"].value_label.text() == "1 个"
    assert "未设定全县目标任务" in page.verdict_label.text()
    page.set_period(dt.date(2022, 2, 1), TO)
    assert page.cards["library"].value_label.text() == "0 个"
    page.set_period(TO, FROM)
    page.refresh()
    assert "开始日期晚于结束日期" in page.error_label.text()


def test_month_labels():
    assert month_labels(["2022-01", "2022-02"]) == ["1月", "2月"]
    assert month_labels(["2021-12", "2022-01"]) == ["21年12月", "22年1月"]


def test_importing_the_dashboard_page_does_not_import_qtcharts():
    code = (
        "import sys; import desktop.views.dashboard_page, desktop.views.targets_page; "
        "print(any(name.startswith('PySide6.QtCharts') for name in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), cwd=str(Path(__file__).parents[2]))
    assert result.stdout.strip() == "False"


def test_the_charts_are_drawn_with_the_dashboard_series(qtbot, demo_db):
    from desktop.views.charts import chart_labels, chart_values

    page = page_for(qtbot)
    data = page.data
    assert chart_values(page.chart_views["trend"]) == [n for _, n in data.monthly_library]
    assert chart_labels(page.chart_views["trend"]) == ["1月", "2月", "3月", "4月", "5月", "6月"]
    assert chart_values(page.chart_views["funnel"]) == [n for _, n in data.stage_funnel]
    assert chart_labels(page.chart_views["funnel"])[0] == "线索"
    assert chart_values(page.chart_views["township"]) == [n for _, n in data.by_township]
    assert chart_values(page.chart_views["industry"]) == [float(v) for _, v in data.investment_by_industry]
