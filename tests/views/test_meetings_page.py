"""领导小组会 page and meeting dialog: what a user sees and does, down to the database and the PDFs."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from desktop.models import Project
from desktop.services import lifecycle, meetings
from desktop.views import pdf_preview
from desktop.views.meeting_dialog import COL_PROPOSAL, MeetingDialog, ProjectPickerDialog
from desktop.views.meetings_page import MeetingsPage
from tests.pdf_reading import pdf_text, squeeze
from tests.views.conftest import type_chinese

TODAY = dt.date(2022, 8, 31)
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture
def page(qtbot, demo_db):
    widget = MeetingsPage(today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.load()
    return widget


def project(name: str) -> Project:
    return Project.get(Project.name == name)


def close_previews(qtbot):
    for dialog in pdf_preview.open_previews():
        qtbot.addWidget(dialog)
        dialog.close_button.click()


def test_the_page_lists_the_meetings_latest_first_with_their_agenda(page):
    table = page.meeting_table
    assert table.rowCount() == 3
    assert [table.item(r, 1).text() for r in range(3)] == [
        "将乐县招商引资工作领导小组2022年第3次会议", "将乐县招商引资工作领导小组2022年第2次会议",
        "将乐县招商引资工作领导小组2022年第1次会议",
    ]
    assert [table.item(r, 6).text() for r in range(3)] == ["未决定", "已决定", "已决定"]
    assert table.item(0, 2).text() == "2022-08-30" and table.item(0, 5).text() == "4"
    items = page.item_table
    assert [items.item(r, 2).text() for r in range(items.rowCount())] == [
        "居然之家", "年产6000吨食品添加剂酒石酸", "年产2万吨有机硅生产线", "年产3万吨钛白粉精细化加工",
    ]
    assert items.item(0, 7).text() == "未决定"
    assert "组长：林志远（县委书记）" in page.summary_label.text()
    assert not page.minutes_button.isEnabled()  # nothing decided yet
    table.selectRow(2)
    assert items.rowCount() == 8 and items.item(0, 7).text() == "同意落地"
    assert page.minutes_button.isEnabled()
    assert [a.text() for a in page.actions_for_toolbar] == ["新建会议", "打开", "会议材料", "纪要", "导出…", "导出议程…"]


def test_double_clicking_an_item_opens_its_project(page, qtbot):
    page.item_table.selectRow(0)
    with qtbot.waitSignal(page.open_project) as signal:
        page.item_table.itemDoubleClicked.emit(page.item_table.item(0, 2))
    assert signal.args == [project("居然之家").id]


def test_a_new_meeting_with_agenda_order_and_decisions(qtbot, demo_db):
    dialog = MeetingDialog(None, today=TODAY)
    qtbot.addWidget(dialog)
    assert dialog.title_edit.text() == "将乐县招商引资工作领导小组2022年第4次会议"  # the next number
    dialog.number_spin.setValue(5)
    assert dialog.title_edit.text() == "将乐县招商引资工作领导小组2022年第5次会议"  # follows while untouched
    dialog.title_edit.clear()
    type_chinese(dialog.title_edit, "将乐县招商引资工作领导小组2022年第4次会议（专题）")
    type_chinese(dialog.place_edit, "县行政服务中心")
    dialog.attendee_list.item(1).setCheckState(Qt.CheckState.Checked)
    first, second = project("居然之家").id, project("年产2万吨有机硅生产线").id
    assert dialog.add_projects([first, second]) == 2
    assert dialog.add_projects([first]) == 0  # already on the agenda
    assert dialog.project_names() == ["居然之家", "年产2万吨有机硅生产线"]
    dialog.agenda.selectRow(1)
    assert dialog.move_selected(-1)
    assert dialog.project_names() == ["年产2万吨有机硅生产线", "居然之家"]
    assert dialog.agenda.item(0, COL_PROPOSAL).text()  # the default proposal
    dialog.set_decision(1, "同意落地", "签约后 6 个月内开工")
    dialog.agenda.selectRow(1)
    assert "第 7 步" in dialog.effect_label.text()
    dialog.set_decision(0, "暂缓")
    assert dialog.save()
    detail = meetings.meeting_detail(dialog.saved_id)
    assert detail.title.endswith("（专题）") and detail.place == "县行政服务中心" and detail.number == 5
    assert [i.project_name for i in detail.items] == ["年产2万吨有机硅生产线", "居然之家"]
    assert [i.decision for i in detail.items] == ["暂缓", "同意落地"]
    assert detail.items[1].conditions == "签约后 6 个月内开工"
    assert len(detail.attendees) == 1
    assert project("居然之家").stage_no == 7 and project("年产2万吨有机硅生产线").status == "暂缓"


def test_validation_problems_show_in_the_dialog_and_nothing_is_saved(qtbot, demo_db):
    before = len(meetings.list_meetings())
    dialog = MeetingDialog(None, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.title_edit.clear()
    assert not dialog.save()
    assert not dialog.error_label.isHidden() and "请填写会议名称" in dialog.error_label.text()
    # A decision for a meeting that has not taken place yet.
    type_chinese(dialog.title_edit, "以后的会议")
    dialog.date_edit.setDate(dialog.date_edit.date().addDays(30))
    dialog.add_projects([project("居然之家").id])
    dialog.set_decision(0, "同意落地")
    assert not dialog.save()
    assert "会议开过之后才能记录决定" in dialog.error_label.text()
    assert len(meetings.list_meetings()) == before


def test_removing_a_decided_item_asks_first_and_undoes_the_decision(qtbot, demo_db, monkeypatch, no_modal_boxes):
    first_meeting = next(r.id for r in meetings.list_meetings() if r.number == 1)
    dialog = MeetingDialog(first_meeting, today=TODAY)
    qtbot.addWidget(dialog)
    agreed = dialog.project_names()[0]
    assert project(agreed).stage_no >= 7
    dialog.agenda.selectRow(0)
    assert not dialog.remove_selected()  # the question was answered “No”
    assert "已记录会议决定" in no_modal_boxes[-1][1]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert dialog.remove_selected()
    assert agreed not in dialog.project_names()
    assert dialog.save()
    assert agreed not in [i.project_name for i in meetings.meeting_detail(first_meeting).items]
    # Its step 7 is the record it had before the meeting's decision, not the meeting's.
    step = next(r for r in lifecycle.project_step_rows(project(agreed).id) if r.number == 7)
    assert step.recorded and "第1次会议" not in step.note


def test_the_project_picker_filters_and_puts_projects_awaiting_the_group_first(qtbot, demo_db):
    picker = ProjectPickerDialog(exclude={project("居然之家").id})
    qtbot.addWidget(picker)
    labels = [picker.list.item(r).text() for r in range(picker.list.count())]
    assert labels[0].startswith("【待领导小组研究】")
    assert not any("居然之家" in label for label in labels)
    picker.filter_edit.setText("有机硅")
    ids = picker.visible_ids()
    assert project("年产2万吨有机硅生产线").id in ids and len(ids) < len(labels)
    picker.select_ids(ids[:1])
    assert picker.selected_ids() == ids[:1]


def test_new_meeting_from_the_page(page, monkeypatch):
    def accept(dialog):
        type_chinese(dialog.place_edit, "县委大院")
        dialog.add_projects([project("年产3万吨钛白粉精细化加工").id])
        assert dialog.save()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(MeetingDialog, "exec", accept)
    page.new_action.trigger()
    assert page.meeting_table.rowCount() == 4
    assert page.detail.place == "县委大院" and page.detail.title.endswith("第4次会议")
    assert page.item_table.item(0, 2).text() == "年产3万吨钛白粉精细化加工"


def test_delete_a_meeting_undoes_its_decisions_after_confirmation(page, monkeypatch, no_modal_boxes):
    second = next(r for r in page.rows if r.number == 2)
    page.select_meeting(second.id)
    paused = project("中医药康养园")
    assert paused.status == "暂缓"
    assert not page.delete_meeting()
    assert "7 个议题已记录决定" in no_modal_boxes[-1][1]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert page.delete_meeting()
    assert page.meeting_table.rowCount() == 2
    assert project("中医药康养园").status == "正常"


def test_briefing_pack_preview_masks_phones_unless_asked(page, qtbot):
    page.full_contacts_box.setChecked(False)
    page.pack_action.trigger()
    (dialog,) = pdf_preview.open_previews()
    qtbot.addWidget(dialog)
    assert dialog.page_count() > 5 and "会议材料" in dialog.windowTitle()
    text = squeeze(pdf_text(dialog.path))
    assert "将乐县招商引资工作领导小组2022年第3次会议" in text and "年产3万吨钛白粉精细化加工" in text
    assert "****" in text and not MOBILE.search(text)
    close_previews(qtbot)


def test_minutes_and_one_pager_previews(page, qtbot):
    first = next(r for r in page.rows if r.number == 1)
    page.select_meeting(first.id)
    page.minutes_button.click()
    (minutes,) = pdf_preview.open_previews()
    qtbot.addWidget(minutes)
    assert "2022年第1次会议会议纪要" in squeeze(pdf_text(minutes.path))
    close_previews(qtbot)
    assert not page.one_pager_button.isEnabled()
    page.item_table.selectRow(5)
    assert page.one_pager_button.isEnabled()
    name = page.item_table.item(5, 2).text()
    page.one_pager_button.click()
    (one,) = pdf_preview.open_previews()
    qtbot.addWidget(one)
    assert one.page_count() == 1 and name in squeeze(pdf_text(one.path))
    close_previews(qtbot)


def test_the_page_is_usable_at_1366_by_768(page):
    page.show()
    assert page.item_table.isVisible() and page.meeting_table.isVisible()
    assert page.item_table.height() > 200
    assert page.pack_button.isVisible() and page.full_contacts_box.isVisible()


def test_export_writes_the_meetings_and_the_selected_agenda_as_shown(page, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from desktop.views.meetings_page import ITEM_AMOUNTS
    from tests.views.test_investors_page import save_dialog_answering, sheet_texts, table_texts

    assert page.export_action.shortcut().toString() == "Ctrl+E"
    assert page.export_agenda_action.shortcut().toString() == "Ctrl+Shift+E"
    meetings_out, agenda_out = tmp_path / "会议.xlsx", tmp_path / "议程.xlsx"
    asked = save_dialog_answering(monkeypatch, meetings_out, agenda_out)

    page.export_action.trigger()
    assert asked[0].endswith(f"领导小组会议_{dt.date.today().isoformat()}.xlsx")
    assert sheet_texts(meetings_out) == table_texts(page.meeting_table)
    sheet = load_workbook(meetings_out).active
    assert sheet["B3"].value == "将乐县招商引资工作领导小组2022年第3次会议"
    assert sheet["C3"].value.date() == dt.date(2022, 8, 30) and sheet["F3"].value == 4  # a real date, a number

    page.meeting_table.selectRow(2)  # the first meeting: eight items, all decided
    page.export_agenda_action.trigger()
    assert "2022年第1次会议议程_" in asked[1]
    assert sheet_texts(agenda_out, ITEM_AMOUNTS) == table_texts(page.item_table)
    sheet = load_workbook(agenda_out).active
    assert sheet.max_row == 2 + 8 + 1
    # The totals row: the count, and the 亿元 columns summed as they are shown.
    assert (sheet["A11"].value, sheet["A11"].font.b) == ("合计", True)
    for c in ITEM_AMOUNTS:
        shown = sum(float(page.item_table.item(r, c).text().replace(",", "") or 0) for r in range(8))
        assert round(sheet.cell(11, c + 1).value, 2) == round(shown, 2)
        assert sheet.cell(11, c + 1).number_format == "0.00"
    assert sheet["H3"].value == "同意落地"
    assert f"{sheet['E3'].value:.2f}" == page.item_table.item(0, 4).text()  # 总投资 in 亿元 as a number
    assert sheet["E3"].number_format == "0.00" and sheet["D3"].number_format == "General"  # shown as 15.00


def test_export_agenda_is_off_without_a_meeting(qtbot, fresh_db):
    widget = MeetingsPage(today=TODAY)
    qtbot.addWidget(widget)
    widget.load()
    assert not widget.export_agenda_action.isEnabled() and widget.export_agenda() is None
    assert widget.export_action.isEnabled()
