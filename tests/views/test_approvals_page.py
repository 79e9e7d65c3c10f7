"""帮办代办 page: checklist generated, an item edited in place records its step, overdue rows, catalogue."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.services import approvals, lifecycle
from desktop.views.approvals_page import C_GAPS, C_LEFT, C_NAME, C_STATUS, C_SUBMITTED, ApprovalCatalogPanel, ApprovalsPage

TODAY = dt.date(2022, 6, 30)


@pytest.fixture
def page(qtbot, sample_projects):
    widget = ApprovalsPage(today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.load()
    return widget


def row_of(page, name):
    return next(r for r in range(page.check_table.rowCount()) if page.check_table.item(r, C_NAME).text() == name)


def test_generate_then_approve_records_the_step(qtbot, page, sample_projects):
    pid = sample_projects["血灵芝加工"]
    assert page.project_table.rowCount() == 0
    added = page.generate_for_project(pid)
    assert added == len(approvals.catalog()) >= 20
    assert page.project_table.rowCount() == 1
    assert page.check_table.rowCount() == added
    assert 12 not in {n for n, _d, _na in lifecycle.project_records(pid)}

    r = row_of(page, "项目备案")
    page.check_table.cellWidget(r, C_STATUS).setCurrentText("已办结")
    assert 12 in {n for n, _d, na in lifecycle.project_records(pid) if not na}
    assert "第 12 步" in page.message.text()
    r = row_of(page, "项目备案")
    assert page.check_table.cellWidget(r, C_STATUS).currentText() == "已办结"
    assert page.project_table.item(0, 2).text().startswith("1/")

    # 容缺受理 ticked in the table is saved
    r = row_of(page, "环评")
    page.check_table.item(r, C_GAPS).setCheckState(page.check_table.item(r, C_GAPS).checkState().Checked)
    assert next(row for row in approvals.checklist(pid, TODAY) if row.name == "环评").accepted_with_gaps


def test_overdue_rows_stand_out_and_are_listed(qtbot, page, sample_projects):
    pid = sample_projects["血灵芝加工"]
    page.generate_for_project(pid)
    r = row_of(page, "施工许可")
    page.check_table.item(r, C_SUBMITTED).setText("2022-05-02")  # typed into the cell
    page.check_table.cellWidget(row_of(page, "施工许可"), C_STATUS).setCurrentText("办理中")
    r = row_of(page, "施工许可")
    assert page.check_table.item(r, C_SUBMITTED).text() == "2022-05-02"
    assert page.check_table.item(r, C_NAME).background().color().name() == "#fde0e0"
    assert int(page.check_table.item(r, C_LEFT).text()) < 0
    assert page.overdue_table.rowCount() == 1
    assert page.overdue_table.item(0, 2).text() == "施工许可"

    page.check_table.item(r, C_SUBMITTED).setText("2022-13-40")
    assert "日期" in page.message.text()


def test_catalogue_panel_saves_edits(qtbot, fresh_db):
    panel = ApprovalCatalogPanel()
    qtbot.addWidget(panel)
    panel.load()
    assert panel.table.rowCount() >= 20
    panel.table.item(0, 2).setText("5")
    assert panel.save() == 1
    assert approvals.catalog()[0].statutory_days == 5
    panel.table.item(1, 2).setText("abc")
    assert panel.save() == 0
    assert "第 2 行" in panel.message.text()


def test_renders_on_the_demo(qtbot, demo_db):
    widget = ApprovalsPage(today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.load()
    assert widget.project_table.rowCount() >= 4
    assert widget.overdue_table.rowCount() > 0
    assert not widget.grab().isNull()
