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


def shown_checklist(table):
    """The checklist as the user reads it: drop-downs by their chosen text, the 容缺受理 tick as “是”."""
    from PySide6.QtCore import Qt

    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    rows = []
    for r in range(table.rowCount()):
        row = []
        for c in range(table.columnCount()):
            widget, item = table.cellWidget(r, c), table.item(r, c)
            if widget is not None:
                row.append(widget.currentText())
            elif c == C_GAPS:
                row.append("是" if item.checkState() == Qt.CheckState.Checked else "")
            else:
                row.append(item.text() if item else "")
        rows.append(row)
    return headers, rows


def test_export_writes_the_checklist_and_the_overdue_items_as_shown(qtbot, page, sample_projects, tmp_path, monkeypatch,
                                                                    no_modal_boxes):
    from openpyxl import load_workbook

    from tests.views.test_investors_page import save_dialog_answering, sheet_texts, table_texts

    assert page.export_action in page.actions_for_toolbar
    assert page.export_action.shortcut().toString() == "Ctrl+E"
    page.export_action.trigger()  # no checklist yet: said on the page, no dialog
    assert "请先" in page.message.text()

    pid = sample_projects["血灵芝加工"]
    page.generate_for_project(pid)
    r = row_of(page, "施工许可")
    page.check_table.item(r, C_SUBMITTED).setText("2022-05-02")
    page.check_table.cellWidget(row_of(page, "施工许可"), C_STATUS).setCurrentText("办理中")
    page.check_table.item(row_of(page, "环评"), C_GAPS).setCheckState(page.check_table.item(0, C_GAPS).checkState().Checked)

    out = [tmp_path / "清单.xlsx", tmp_path / "超期.xlsx"]
    asked = save_dialog_answering(monkeypatch, *out)
    page.export_action.trigger()
    assert asked[0].endswith(f"血灵芝加工审批清单_{dt.date.today().isoformat()}.xlsx")
    assert sheet_texts(out[0]) == shown_checklist(page.check_table)
    sheet = load_workbook(out[0]).active
    assert "血灵芝加工 审批清单" in sheet["A1"].value
    line = 3 + row_of(page, "施工许可")
    assert sheet.cell(line, 1).value == "施工许可" and sheet.cell(line, 7).value == "办理中"
    assert sheet.cell(line, 5).value.date() == dt.date(2022, 5, 2)
    assert sheet.cell(line, 10).value == int(page.check_table.item(line - 3, C_LEFT).text()) < 0
    assert sheet.cell(3 + row_of(page, "环评"), 8).value == "是"

    page.tabs.setCurrentIndex(1)
    page.export_action.trigger()
    assert "超期审批事项_" in asked[1]
    assert sheet_texts(out[1]) == table_texts(page.overdue_table)
    sheet = load_workbook(out[1]).active
    assert sheet.max_row == 4 and sheet["C3"].value == "施工许可" and sheet["G3"].value > 0
