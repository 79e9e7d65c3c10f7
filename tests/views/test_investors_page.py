"""客商 page: credit code checked as you type, phones in the contacts grid, 查重 and merging."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop.models import Company
from desktop.services import investors
from desktop.views.investors_page import InvestorsPage

from tests.views.conftest import type_chinese


def valid_code(body: str = "91350428MA2Y3K7Q1") -> str:
    return body + investors.credit_code_check_char(body)


@pytest.fixture
def page(qtbot, fresh_db):
    widget = InvestorsPage()
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.load()
    return widget


def test_credit_code_checked_as_you_type_and_saved(qtbot, page):
    form = page.form
    page.new_investor()
    type_chinese(form.name_edit, "福建富远铝业有限公司")
    code = valid_code()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    qtbot.keyClicks(form.code_edit, wrong)
    assert "校验位" in form.code_field.error.text()
    assert not form.code_field.error.isHidden()
    form.code_edit.setText(code)
    assert form.code_field.error.isHidden()
    row = form.add_contact_row()
    form.contacts.item(row, 0).setText("王建军")
    form.contacts.item(row, 2).setText("138-12")
    assert "电话" in form.contact_error.text()
    assert form.save() is None  # the service refuses the bad phone too
    form.contacts.item(row, 2).setText("13805981234")
    assert form.contact_error.text() == ""
    company_id = form.save()
    assert company_id is not None
    assert page.table.rowCount() == 1 and page.table.item(0, 1).text() == code
    assert investors.get_investor(company_id).contacts[0].phone == "13805981234"


def test_merge_after_confirmation_moves_contacts_and_is_logged(qtbot, page, monkeypatch, no_modal_boxes):
    first = investors.save_investor({"name": "将乐县金溪竹业有限公司", "contacts": [investors.ContactItem("李晓峰", "", "13905981111")]})
    second = investors.save_investor({"name": "将乐县金溪竹业股份有限公司", "credit_code": valid_code(),
                                      "contacts": [investors.ContactItem("赵丽敏", "", "13905982222")]})
    page.load()
    page.tabs.setCurrentIndex(1)
    assert page.pair_table.rowCount() == 1

    assert page.merge_selected() is False  # the patched box answers No: nothing happens
    assert Company.select().count() == 2

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.keep_first.setChecked(True)
    assert page.merge_selected() is True
    assert [c.id for c in Company.select()] == [first]
    kept = investors.get_investor(first)
    assert {c.name for c in kept.contacts} == {"李晓峰", "赵丽敏"}
    assert kept.credit_code == valid_code()  # the removed one's code is kept
    assert page.pair_table.rowCount() == 0
    assert page.log_table.rowCount() == 1
    assert page.log_table.item(0, 2).text() == "将乐县金溪竹业股份有限公司"
    assert second not in [item.id for item in page.items]


def test_renders_on_the_demo(qtbot, demo_db):
    widget = InvestorsPage()
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.load()
    assert widget.table.rowCount() > 100
    assert widget.pair_table.rowCount() >= 2
    widget.search.setText("福建富远铝业有限公司")
    widget.table.selectRow(0)
    projects = widget.form.projects
    assert projects.item(0, 1).text() == "富远新型铝材产业园"
    with qtbot.waitSignal(widget.open_project) as signal:
        projects.itemDoubleClicked.emit(projects.item(0, 1))
    assert signal.args == [projects.item(0, 0).data(256)]
    assert not widget.grab().isNull()


# --- export as shown ------------------------------------------------------------------------------


def table_texts(table) -> tuple[list[str], list[list[str]]]:
    """What the user reads in a table: header texts and each row's cell texts, top to bottom."""
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    rows = [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())] for r in range(table.rowCount())]
    return headers, rows


def sheet_texts(path, amounts=()) -> tuple[list[str], list[list[str]]]:
    """The exported sheet read back as the table writes it (title row 1, header row 2): dates as
    2022-08-25, numbers in the `amounts` columns (0-based) with two decimals, other numbers as written."""
    import datetime as dt
    from decimal import Decimal

    from openpyxl import load_workbook

    sheet = load_workbook(path).active

    def shown(value, column: int) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, (int, float)) and column in amounts:
            return f"{value:,.2f}"
        if isinstance(value, float):
            return format(Decimal(str(value)).normalize(), "f")
        return str(value)

    headers = [cell.value for cell in sheet[2]]
    rows = [[shown(cell.value, c) for c, cell in enumerate(row)] for row in sheet.iter_rows(min_row=3)]
    totals = rows.pop()  # every list export ends with its totals row
    assert totals[0] == "合计" and f"共 {len(rows)} 条" in totals, totals
    return headers, rows


def save_dialog_answering(monkeypatch, *answers):
    """Replace the save dialog: answer the given paths in turn and keep what it was asked."""
    from PySide6.QtWidgets import QFileDialog

    asked: list[str] = []
    queue = [str(a) for a in answers]

    def get_save_file_name(_parent, _caption, start, file_filter, *rest, **kwargs):
        asked.append(start)
        return (queue.pop(0) if queue else ""), file_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", get_save_file_name)
    return asked


def test_export_writes_the_searched_list_as_shown(qtbot, demo_db, tmp_path, monkeypatch):
    import datetime as dt
    from pathlib import Path

    from openpyxl import load_workbook

    page = InvestorsPage()
    qtbot.addWidget(page)
    page.load()
    every = page.table.rowCount()
    type_chinese(page.search, "将乐")
    shown = page.table.rowCount()
    assert 1 < shown < every
    assert page.export_action in page.actions_for_toolbar
    assert page.export_action.shortcut().toString() == "Ctrl+E" and "Excel" in page.export_action.toolTip()

    out = tmp_path / "导出" / "客商.xlsx"
    out.parent.mkdir()
    asked = save_dialog_answering(monkeypatch, out, "")
    page.export_action.trigger()

    assert Path(asked[0]).name == f"客商名单_{dt.date.today().isoformat()}.xlsx"
    assert sheet_texts(out) == table_texts(page.table)
    sheet = load_workbook(out).active
    assert "客商名单" in sheet["A1"].value and f"共 {shown} 个" in sheet["A1"].value
    assert sheet["A3"].value == page.table.item(0, 0).text()
    assert sheet["E3"].value == int(page.table.item(0, 4).text())  # 项目数 a number Excel can sum
    assert sheet.freeze_panes == "A3"

    page.export_action.trigger()  # the next export starts in the folder used last
    assert Path(asked[1]).parent == out.parent


def test_export_of_the_duplicates_tab_and_a_problem_in_chinese(qtbot, demo_db, tmp_path, monkeypatch, no_modal_boxes):
    page = InvestorsPage()
    qtbot.addWidget(page)
    page.load()
    page.tabs.setCurrentIndex(1)
    out = tmp_path / "重复.xlsx"
    save_dialog_answering(monkeypatch, out)
    page.export_action.trigger()
    assert sheet_texts(out) == table_texts(page.pair_table)

    save_dialog_answering(monkeypatch, tmp_path / "没有这个文件夹" / "重复.xlsx")
    page.export_action.trigger()
    assert no_modal_boxes and "文件夹不存在" in no_modal_boxes[-1][1]


def test_ctrl_e_in_the_list_asks_where_to_export(qtbot, page, monkeypatch):
    from PySide6.QtCore import Qt

    asked = save_dialog_answering(monkeypatch)  # the user cancels: nothing written
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 1 and asked[0].endswith(".xlsx")
