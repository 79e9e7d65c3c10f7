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
