import datetime as dt

from desktop.services import database as database_service
from desktop.services.demo import build_demo
from desktop.views.stats_page import StatsPage


def test_stats_page_shows_the_reference_figures_on_the_demo(qtbot, tmp_path):
    path = tmp_path / "演示.db"
    build_demo(path)
    database_service.open_database(path)
    page = StatsPage()
    qtbot.addWidget(page)
    page.set_period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    page.refresh_button.click()
    shown = {key: (count.text(), amount.text()) for key, (count, amount) in page.value_labels.items()}
    assert shown["library_projects"] == ("60 个", "总投资 104.64 亿元")
    assert shown["above_yi_projects"] == ("47 个", "总投资 97.79 亿元")
    assert shown["above_yi_started_projects"] == ("14 个", "总投资 27.04 亿元")
    assert shown["cloud_signed_projects"] == ("12 个", "总投资 25.70 亿元")
    assert shown["negotiating_projects"] == ("72 个", "总投资 109.00 亿元")
    assert page.period_label.text() == "2022年1月1日 至 2022年6月30日"


def test_a_reversed_period_is_explained(qtbot, fresh_db):
    page = StatsPage()
    qtbot.addWidget(page)
    page.set_period(dt.date(2022, 6, 30), dt.date(2022, 1, 1))
    page.refresh()
    assert "开始日期晚于结束日期" in page.error_label.text()
