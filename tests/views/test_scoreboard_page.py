"""积分榜 page driven as a user would: the board's rows, a click → the drill-down that adds up, a
double-click → open the project, publishing and reprinting, the settings panel recomputing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog

from desktop.services import scoring
from desktop.views import pdf_preview
from desktop.views.scoreboard_page import CreditDialog, PublishedDialog, ScoreboardPage, ScoringSettingsPanel
from tests.pdf_reading import pdf_text, squeeze
from tests.services.test_scoring import build_scoring_case

JUNE = scoring.month_period(2022, 6)


@pytest.fixture
def case(fresh_db):
    return build_scoring_case()


@pytest.fixture
def page(case, qtbot):
    widget = ScoreboardPage()
    qtbot.addWidget(widget)
    widget.resize(1246, 700)
    widget.load()
    widget.picker.set_period(JUNE)
    widget.refresh()
    return widget


def cells(table, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def click_cell(qtbot, table, row: int, column: int, *, double: bool = False) -> None:
    rect = table.visualItemRect(table.item(row, column))
    if double:  # a real double-click starts with a press: the view opens the item pressed
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    else:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_board_shows_every_unit_ranked(page):
    table = page.table
    assert page.period_label.text().startswith("2022年6月")
    assert "与2022年5月比较" in page.compare_label.text()
    assert [cells(table, r)[:5] for r in range(table.rowCount())] == [
        ["1", "甲单位", "25.0", "2", "2"], ["1", "丙单位", "25.0", "2", "2"], ["3", "乙单位", "3.5", "3", "2"],
        ["4", "己单位", "2.0", "1", "1"], ["5", "丁单位", "0.0", "0", "0"]]
    assert cells(table, 0)[-1] == "▲2（+25.0）"
    assert [label for _, label, _ in page.chart.bars] == ["甲单位", "丙单位", "乙单位", "己单位", "丁单位"]


def test_click_a_unit_then_its_steps_add_up(page, qtbot, case):
    for row in range(page.table.rowCount()):
        click_cell(qtbot, page.table, row, 1)
        shown = Decimal(page.table.item(row, 2).text())
        details = page.detail_table
        assert details.rowCount() == int(page.table.item(row, 3).text())
        assert sum((Decimal(details.item(r, 6).text()) for r in range(details.rowCount())), Decimal(0)) == shown
    click_cell(qtbot, page.table, 0, 1)
    assert "甲单位" in page.detail_label.text() and "合计 25.0 分" in page.detail_label.text()
    assert [cells(page.detail_table, r) for r in range(2)] == [
        ["2022-06-01", "P1", "项目P1", "9. 签订正式协议（含云签约）", "10", "×1", "10.0"],
        ["2022-06-30", "P2", "项目P2", "9. 签订正式协议（含云签约）", "10", "×1.5", "15.0"]]
    with qtbot.waitSignal(page.open_project) as opened:
        click_cell(qtbot, page.detail_table, 1, 2, double=True)
    assert opened.args == [case["P2"]]
    page.detail_table.setCurrentCell(0, 1)
    with qtbot.waitSignal(page.open_project) as opened:
        qtbot.keyClick(page.detail_table, Qt.Key.Key_Return)
    assert opened.args == [case["P1"]]


def test_a_bar_click_selects_its_unit(page, qtbot):
    chart = page.chart
    y = 8 + 2 * chart.ROW_HEIGHT + chart.ROW_HEIGHT // 2  # the third bar: 乙单位
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(chart.LABEL_WIDTH + 5, y))
    assert page.table.selectionModel().selectedRows()[0].row() == 2
    assert "乙单位" in page.detail_label.text()


def test_period_picker(page):
    page.picker.kind.setCurrentIndex(page.picker.kind.findData("quarter"))
    page.picker.index.setCurrentIndex(1)
    assert page.board.period == scoring.quarter_period(2022, 2)
    assert page.period_label.text().startswith("2022年第二季度")
    assert page.table.item(0, 2).text() == "33.0"  # 丙: 25 in June + 8 on 31 May
    page.picker.kind.setCurrentIndex(page.picker.kind.findData("custom"))
    assert page.board.period == scoring.Period("custom", dt.date(2022, 4, 1), dt.date(2022, 6, 30))
    page.picker.date_from.setDate(page.picker.date_to.date().addDays(1))
    assert "晚于结束日期" in page.message.text()


def test_correct_a_credit_from_the_drill_down(page, qtbot, case, monkeypatch):
    click_cell(qtbot, page.table, 2, 1)  # 乙单位
    row = next(r for r in range(page.detail_table.rowCount()) if page.detail_table.item(r, 1).text() == "P1"
               and page.detail_table.item(r, 3).text().startswith("2."))
    click_cell(qtbot, page.detail_table, row, 2)
    assert page.correct_button.isEnabled()
    monkeypatch.setattr(CreditDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(CreditDialog, "unit_id", lambda self: case["甲单位"])
    page.correct_button.click()
    assert cells(page.table, 0)[:3] == ["1", "甲单位", "26.0"]
    assert "已更正计分单位" in page.message.text()


def test_publish_then_reprint_unchanged(page, qtbot):
    bulletin_id = page.publish_with("", "第6期", dt.date(2022, 7, 5))
    assert "已发布通报" in page.message.text()
    scoring.set_step_points({9: 50})
    page.refresh()
    assert page.table.item(0, 2).text() != "25.0"
    dialog = PublishedDialog(page)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 1).text() == "第6期"
    assert [dialog.rows_view.item(r, 2).text() for r in range(5)] == ["25.0", "25.0", "3.5", "2.0", "0.0"]
    dialog.reprint()
    (preview,) = pdf_preview.open_previews()
    qtbot.addWidget(preview)
    text = squeeze(pdf_text(preview.path))
    assert "第6期" in text and "甲单位25.022" in text and "2022年7月5日" in text
    preview.close_button.click()
    dialog.delete()  # the confirmation answers No
    assert [b.id for b in scoring.list_bulletins()] == [bulletin_id]


def test_export_and_print_the_live_board(page, qtbot, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "积分榜.xlsx"
    page.export_to(str(out))
    assert "已导出 5 个单位" in page.message.text()
    assert [c.value for c in load_workbook(out).active[4]][:3] == [1, "甲单位", 25.0]
    page.print_action.trigger()
    (preview,) = pdf_preview.open_previews()
    qtbot.addWidget(preview)
    assert "2022年6月招商引资“比学赶超”积分情况通报" in squeeze(pdf_text(preview.path))
    preview.close_button.click()


def test_settings_panel_saves_and_the_board_follows(page, qtbot):
    panel = ScoringSettingsPanel()
    qtbot.addWidget(panel)
    panel.load()
    panel.saved.connect(page.refresh)
    step9 = next(r for r in range(panel.steps.rowCount()) if panel.steps.item(r, 0).text() == "9")
    panel.steps.item(step9, 2).setText("20")
    panel.weights.item(1, 1).setText("2")
    assert panel.save()
    # 甲: 20 × 1 + 20 × 2 = 60; 丙: 5 × 2 + 20 × 2 = 50.
    assert [cells(page.table, r)[:3] for r in range(2)] == [["1", "甲单位", "60.0"], ["2", "丙单位", "50.0"]]
    panel.add_rule.click()
    assert panel.deductions.item(0, 0).text() == "签约后未开工"
    panel.weights.item(1, 1).setText("0")
    assert not panel.save()
    assert "系数" in panel.message.text()
    assert scoring.load_settings().deductions == ()  # nothing of the refused save was written
    panel.weights.item(1, 1).setText("2")
    assert panel.save()
    assert scoring.load_settings().deductions == (scoring.EXAMPLE_DEDUCTION,)


def test_demo_first_half_lists_every_unit(demo_db, qtbot):
    from desktop.services.reference import list_units

    widget = ScoreboardPage()
    qtbot.addWidget(widget)
    widget.load()
    assert widget.board.period == scoring.half_period(2022, 1)  # the demo opens on its reference period
    names = {widget.table.item(r, 1).text() for r in range(widget.table.rowCount())}
    assert {u.name for u in list_units()} <= names
    assert float(widget.table.item(0, 2).text()) > 0
