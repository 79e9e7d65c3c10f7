"""线索 page: lead form, conversion to a project, the forum grid (errors per row), the 乡贤库."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtWidgets import QDialog

from desktop.models import Project
from desktop.models.leads import Lead
from desktop.services import leads, lifecycle, reference
from desktop.views.leads_page import GRID_AMOUNT, GRID_INVESTOR, GRID_TITLE, ConvertDialog, LeadsPage

from tests.views.conftest import type_chinese

TODAY = dt.date(2022, 6, 30)


@pytest.fixture
def units(fresh_db):
    return {u.name: u.id for u in reference.list_units()}


@pytest.fixture
def page(qtbot, units):
    widget = LeadsPage(today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.load()
    return widget


def test_forum_grid_keeps_rows_with_an_error_then_saves_when_fixed(qtbot, page, units):
    forum_id = leads.save_forum(leads.ForumItem(None, "福州乡贤座谈会", dt.date(2022, 3, 5), organiser_id=units["县商务局"]))
    page.forums_tab.load(forum_id)
    tab = page.forums_tab
    tab.set_grid_text(0, GRID_TITLE, "有机硅密封胶项目")
    tab.set_grid_text(0, GRID_AMOUNT, "1.5")
    tab.set_grid_text(1, GRID_INVESTOR, "厦门鹭华贸易有限公司")  # no title: an error on line 2
    tab.set_grid_text(1, GRID_AMOUNT, "abc")

    assert tab.save_grid() is None
    assert "第 2 行" in tab.grid_errors.text()
    assert not tab.grid_errors.isHidden()
    assert Lead.select().count() == 0
    assert tab.grid.item(1, GRID_INVESTOR).text() == "厦门鹭华贸易有限公司"  # kept as typed
    assert tab.grid.item(1, GRID_INVESTOR).toolTip()

    tab.set_grid_text(1, GRID_TITLE, "冷链物流园项目")
    tab.set_grid_text(1, GRID_AMOUNT, "0.8")
    ids = tab.save_grid()
    assert len(ids) == 2
    saved = {lead.title: lead for lead in Lead.select()}
    assert saved["有机硅密封胶项目"].estimated_investment == Decimal(15000)  # the column is in 亿元
    assert saved["冷链物流园项目"].first_unit_id == units["县商务局"]  # blank unit = the organiser
    assert all(lead.forum_id == forum_id and lead.received_on == dt.date(2022, 3, 5) for lead in saved.values())
    assert tab.grid.item(1, GRID_TITLE).text() == ""  # the grid is cleared after a save
    assert "已录入 2 条" in tab.grid_title.text()
    assert tab.table.item(0, 6).text() == "2"


def test_new_lead_then_convert_to_project(qtbot, page, units, monkeypatch):
    tab = page.leads_tab
    page.new_lead()
    type_chinese(tab.title_edit, "年产1万吨竹纤维板项目")
    tab.source_combo.setCurrentText("招商顾问")
    tab.unit_combo.setCurrentIndex(tab.unit_combo.findData(units["水南镇"]))
    tab.received_edit.setDate(dt.date(2022, 6, 1))
    lead_id = tab.save()
    assert lead_id is not None
    assert tab.table.rowCount() == 1
    from desktop.services import access

    assert tab.unit_combo.isEnabled() == access.can_admin()  # 首报单位 locked after the first save
    assert tab.table.item(0, 5).foreground().color().name() == "#c62828"  # nobody named: response overdue

    def accept(dialog):
        dialog.amount.edit.setText("2")
        dialog.amount.unit.setCurrentIndex(1)  # 亿元
        dialog._accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ConvertDialog, "exec", accept)
    with qtbot.waitSignal(page.open_project) as signal:
        project_id = tab.convert()
    assert signal.args == [project_id]
    project = Project.get_by_id(project_id)
    assert project.total_investment == Decimal(20000)
    assert project.first_unit_id == units["水南镇"]
    assert {number for number, _day, _na in lifecycle.project_records(project_id)} >= {1, 2}
    assert Lead.get_by_id(lead_id).status == "已转化"
    assert tab.table.item(0, 7).text() == "已转化"
    assert not tab.convert_button.isEnabled()


def test_convert_dialog_requires_the_total(qtbot, fresh_db):
    lead = leads.LeadItem(1, "线索", "客商", 1, TODAY, first_unit="县商务局")
    dialog = ConvertDialog(lead)
    qtbot.addWidget(dialog)
    dialog._accept()
    assert dialog.value is None
    assert "总投资" in dialog.error.text()


def test_first_unit_change_is_refused_with_the_services_message(qtbot, page, units, monkeypatch):
    lead_id = leads.save_lead(leads.LeadItem(None, "血灵芝加工项目", "客商", units["余坊乡"], dt.date(2022, 5, 2)), today=TODAY)
    page.leads_tab.refresh(select_id=lead_id)
    tab = page.leads_tab
    monkeypatch.setattr("desktop.services.access.require_admin", _refuse)
    tab.unit_combo.setEnabled(True)
    tab.unit_combo.setCurrentIndex(tab.unit_combo.findData(units["县商务局"]))
    assert tab.save() is None
    assert "首报单位" in tab.error_label.text()
    assert Lead.get_by_id(lead_id).first_unit_id == units["余坊乡"]


def _refuse():
    from desktop.services.access import PermissionDenied

    raise PermissionDenied("只有管理员可以更改")


def test_follow_up_added_to_the_log(qtbot, page, units):
    lead_id = leads.save_lead(leads.LeadItem(None, "米粉加工项目", "商会", units["县工信局"], dt.date(2022, 6, 20)), today=TODAY)
    page.leads_tab.refresh(select_id=lead_id)
    tab = page.leads_tab
    type_chinese(tab.follow_what, "电话联系投资方")
    assert tab.add_follow_up() is not None
    assert tab.follow_table.rowCount() == 1
    assert tab.follow_table.item(0, 2).text() == "电话联系投资方"
    assert Lead.get_by_id(lead_id).status == "跟进中"


def test_xiangxian_saved_from_the_form(qtbot, page):
    tab = page.xiangxian_tab
    tab.new_person()
    type_chinese(tab.name_edit, "廖启明")
    qtbot.keyClicks(tab.phone_edit, "123")
    assert tab.phone_edit.toolTip()  # a bad phone is marked as you type
    assert tab.save() is None
    assert "电话" in tab.error_label.text()
    tab.phone_edit.setText("13905981234")
    assert tab.save() is not None
    assert tab.table.item(0, 0).text() == "廖启明"


def test_renders_on_the_demo(qtbot, demo_db):
    widget = LeadsPage(today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.load()
    table = widget.leads_tab.table
    assert table.rowCount() >= 80
    late = [r for r in range(table.rowCount()) if table.item(r, 5).foreground().color().name() == "#c62828"]
    assert late and all(widget.leads_tab.items[r].response_overdue for r in late)
    assert widget.forums_tab.table.rowCount() >= 11
    assert widget.xiangxian_tab.table.rowCount() >= 30
    widget.tabs.setCurrentIndex(1)
    assert not widget.grab().isNull()


def test_forum_dialog_saves_attendees_from_the_xiangxian_list(qtbot, page, units):
    from PySide6.QtCore import Qt

    from desktop.views.leads_page import ForumDialog

    for name in ("廖启明", "黄德昌", "邱建民"):
        leads.save_xiangxian(leads.XiangxianItem(None, name, city="福州"))
    dialog = ForumDialog(None, page)
    qtbot.addWidget(dialog)
    dialog.save()
    assert "名称" in dialog.error.text() or "活动名称" in dialog.error.text()
    type_chinese(dialog.title_edit, "福州将乐乡贤座谈会")
    dialog.date_edit.setDate(dt.date(2022, 1, 15))
    dialog.attendees.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.attendees.item(2).setCheckState(Qt.CheckState.Checked)
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    forum = leads.list_forums()[0]
    assert forum.title == "福州将乐乡贤座谈会" and forum.held_on == dt.date(2022, 1, 15)
    assert len(forum.attendee_ids) == 2


def test_export_writes_each_tab_as_shown_with_the_filters(qtbot, demo_db, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from tests.views.test_investors_page import save_dialog_answering, sheet_texts, table_texts

    widget = LeadsPage(today=TODAY)
    qtbot.addWidget(widget)
    widget.load()
    tab = widget.leads_tab
    every = tab.table.rowCount()
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("跟进中"))
    shown = tab.table.rowCount()
    assert 0 < shown < every
    assert widget.export_action in widget.actions_for_toolbar
    assert widget.export_action.shortcut().toString() == "Ctrl+E"
    out = [tmp_path / name for name in ("线索.xlsx", "座谈会.xlsx", "乡贤.xlsx")]
    asked = save_dialog_answering(monkeypatch, *out)

    widget.export_action.trigger()
    assert asked[0].endswith(f"线索清单_{dt.date.today().isoformat()}.xlsx")
    assert sheet_texts(out[0]) == table_texts(tab.table)
    sheet = load_workbook(out[0]).active
    assert "线索清单（状态：跟进中）" in sheet["A1"].value
    assert sheet.max_row == 2 + shown + 1  # and the totals row
    assert sheet["B3"].value == tab.table.item(0, 1).text()
    assert sheet["A3"].value.date().isoformat() == tab.table.item(0, 0).text()  # a real date, as shown
    assert {sheet.cell(r, 8).value for r in range(3, 3 + shown)} == {"跟进中"}

    widget.tabs.setCurrentWidget(widget.forums_tab)
    widget.export_action.trigger()
    assert "座谈会清单_" in asked[1]
    assert sheet_texts(out[1]) == table_texts(widget.forums_tab.table)

    widget.tabs.setCurrentWidget(widget.xiangxian_tab)
    widget.export_action.trigger()
    assert "乡贤库_" in asked[2]
    assert sheet_texts(out[2]) == table_texts(widget.xiangxian_tab.table)
    phone = load_workbook(out[2]).active["F3"].value
    assert phone is None or isinstance(phone, str)  # phones stay text, never numbers
