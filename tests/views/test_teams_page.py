"""专班 page: assigning by drop changes both panes; second teams are refused; filters; export."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDropEvent

from tests.team_library import build_team_library

TODAY = dt.date(2022, 6, 30)


@pytest.fixture
def library(fresh_db):
    return build_team_library(["富远新型铝材产业园", "久策气体（将乐）", "血灵芝加工"])


@pytest.fixture
def page(qtbot, library):
    from desktop.views.teams_page import TeamsPage

    widget = TeamsPage()
    qtbot.addWidget(widget)
    widget.set_period(dt.date(2022, 1, 1), TODAY)
    widget.load()
    return widget


def _cell(page, project_id, column) -> str:
    row = page.model.row_of_project(project_id)
    return page.model.index(row, column).data()


def _person_cells(page, person_id) -> list[str]:
    row = page.people_table.row_of_person(person_id)
    return [page.people_table.item(row, c).text() for c in range(page.people_table.columnCount())]


def test_dropping_a_person_on_a_project_changes_both_panes(page, library):
    from desktop.views.teams_page import COL_MEMBERS, COL_TEAM

    pid, person = library["projects"]["久策气体（将乐）"], library["people"]["杨思远"]
    assert (_cell(page, pid, COL_TEAM), _cell(page, pid, COL_MEMBERS)) == ("无专班", "—")
    assert _person_cells(page, person)[2:] == ["0", "0", "0"]

    assert page.drop_person_on_project(person, pid) is True

    assert (_cell(page, pid, COL_TEAM), _cell(page, pid, COL_MEMBERS)) == ("有专班", "1")
    assert _person_cells(page, person)[2:] == ["0", "1", "1"]
    # The leader now leads a team: his count on the right changes too.
    assert _person_cells(page, library["people"]["张国平"])[2:] == ["1", "0", "1"]
    assert "原无专班，已成立专班" in page.message.text()
    assert page.selected_project_id() == pid and page.people_table.selected_person_id() == person

    page.drop_person_on_project(library["people"]["苏晓燕"], pid)
    assert _cell(page, pid, COL_MEMBERS) == "2"


def test_a_real_drop_event_reaches_the_handler(page, library, qtbot):
    from desktop.views.teams_page import COL_MEMBERS, PERSON_MIME

    page.resize(1200, 600)
    page.show()
    qtbot.waitExposed(page)
    pid, person = library["projects"]["血灵芝加工"], library["people"]["苏晓燕"]
    rect = page.table.visualRect(page.model.index(page.model.row_of_project(pid), 1))
    mime = QMimeData()
    mime.setData(PERSON_MIME, str(person).encode())
    event = QDropEvent(QPointF(rect.center()), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    page.table.dropEvent(event)
    assert _cell(page, pid, COL_MEMBERS) == "1"


def test_dropping_someone_already_on_the_team_says_why(page, library, no_modal_boxes):
    from desktop.views.teams_page import COL_MEMBERS

    pid, person = library["projects"]["富远新型铝材产业园"], library["people"]["杨思远"]
    page.drop_person_on_project(person, pid)
    assert page.drop_person_on_project(person, pid) is False
    assert no_modal_boxes[-1][0] == "没有加入专班" and "杨思远 已在“富远新型铝材产业园”的专班中（成员）" in no_modal_boxes[-1][1]
    assert _cell(page, pid, COL_MEMBERS) == "1"
    # The leader cannot join as a member either.
    assert page.drop_person_on_project(library["people"]["张国平"], pid) is False
    assert "（组长）" in no_modal_boxes[-1][1]


def test_assign_by_choosing_with_a_role(page, library):
    from desktop.services import teams

    pid, person = library["projects"]["富远新型铝材产业园"], library["people"]["苏晓燕"]
    page.select_project(pid)
    page.select_person(person)
    page.role_combo.setCurrentText("副组长")
    assert page.assign_selected() is True
    assert teams.team_detail(pid).deputy_id == person


def test_a_second_team_is_refused_with_the_existing_team(page, library, no_modal_boxes):
    from desktop.services import teams
    from desktop.views.team_dialog import TeamDialog

    pid = library["projects"]["富远新型铝材产业园"]
    teams.create_team(pid, founded_on=dt.date(2022, 3, 1), today=TODAY)
    page.refresh()
    page.select_project(pid)
    assert page.new_team() is None
    title, text = no_modal_boxes[-1]
    assert title == "不能再成立专班"
    assert "已有专班" in text and "组长 张国平" in text and "成立于 2022-03-01" in text
    assert teams.team_detail(pid).team_id is not None

    page.select_project(library["projects"]["血灵芝加工"])
    dialog = page.new_team()
    assert isinstance(dialog, TeamDialog) and dialog.detail.team_id is None
    dialog.close()


def test_projects_without_a_team_stand_out(page, library):
    from desktop.services import teams
    from desktop.views.teams_page import ALERT_COLOUR, COL_NAME, COL_TEAM, KEY_NO_TEAM_BACKGROUND, NO_TEAM_BACKGROUND

    model = page.model
    key_row = model.row_of_project(library["projects"]["富远新型铝材产业园"])
    plain_row = model.row_of_project(library["projects"]["血灵芝加工"])
    assert model.index(key_row, COL_TEAM).data() == "无专班 ⚠"
    assert model.index(key_row, COL_NAME).data(Qt.ItemDataRole.BackgroundRole).color() == KEY_NO_TEAM_BACKGROUND
    assert model.index(key_row, COL_NAME).data(Qt.ItemDataRole.ForegroundRole).color() == ALERT_COLOUR
    assert model.index(key_row, COL_NAME).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(plain_row, COL_NAME).data(Qt.ItemDataRole.BackgroundRole).color() == NO_TEAM_BACKGROUND
    assert model.index(plain_row, COL_NAME).data(Qt.ItemDataRole.FontRole) is None
    assert "其中重点项目无专班 1 个" in page.count_label.text()

    teams.create_team(library["projects"]["富远新型铝材产业园"], today=TODAY)
    page.refresh()
    key_row = model.row_of_project(library["projects"]["富远新型铝材产业园"])
    assert model.index(key_row, COL_NAME).data(Qt.ItemDataRole.BackgroundRole) is None
    assert "重点项目无专班" not in page.count_label.text()


def test_filters(page, library):
    shown = lambda: {row.name for row in page.model.rows}  # noqa: E731
    assert len(shown()) == 3
    page.key_check.setChecked(True)
    assert shown() == {"富远新型铝材产业园"}
    page.key_check.setChecked(False)
    page.above_yi_check.setChecked(True)
    assert shown() == {"富远新型铝材产业园", "久策气体（将乐）"}
    page.unit_combo.setCurrentIndex(page.unit_combo.findData(library["units"]["将乐经济开发区"]))
    page.stage_combo.setCurrentIndex(page.stage_combo.findData("入库"))
    assert shown() == {"久策气体（将乐）"}
    page.above_yi_check.setChecked(False)
    page.unit_combo.setCurrentIndex(0)
    page.stage_combo.setCurrentIndex(0)
    page.drop_person_on_project(library["people"]["杨思远"], library["projects"]["血灵芝加工"])
    page.without_team_check.setChecked(True)
    assert shown() == {"富远新型铝材产业园", "久策气体（将乐）"}


def test_overloaded_people_are_red(page, library):
    from desktop.services import teams
    from desktop.views.teams_page import ALERT_COLOUR

    teams.set_load_threshold(1)
    person = library["people"]["杨思远"]
    page.drop_person_on_project(person, library["projects"]["久策气体（将乐）"])
    row = page.people_table.row_of_person(person)
    assert page.people_table.item(row, 0).foreground().color() != ALERT_COLOUR
    page.drop_person_on_project(person, library["projects"]["血灵芝加工"])
    row = page.people_table.row_of_person(person)
    assert page.people_table.item(row, 0).foreground().color() == ALERT_COLOUR
    assert page.people_table.item(row, 0).font().bold()
    assert "负荷上限 1 个专班" in page.people_hint.text()


def test_overdue_counts_follow_the_as_of_date(page, library):
    from desktop.services import teams
    from desktop.views.teams_page import COL_OVERDUE

    pid = library["projects"]["久策气体（将乐）"]
    team = teams.create_team(pid, founded_on=dt.date(2022, 3, 1), today=TODAY)
    teams.add_problem(team, "用电接入", dt.date(2022, 3, 2), due_on=dt.date(2022, 5, 31), today=TODAY)
    page.refresh()
    assert _cell(page, pid, COL_OVERDUE) == "1"
    page.set_period(dt.date(2022, 1, 1), dt.date(2022, 5, 31))
    assert _cell(page, pid, COL_OVERDUE) == "0"


def test_export_writes_what_is_shown(page, library, tmp_path):
    from openpyxl import load_workbook

    page.drop_person_on_project(library["people"]["杨思远"], library["projects"]["久策气体（将乐）"])
    page.key_check.setChecked(True)
    out = tmp_path / "专班配备.xlsx"
    page.export_to(str(out))
    ws = load_workbook(out)["专班配备"]
    assert ws.cell(3, 2).value == "富远新型铝材产业园" and ws.cell(4, 2).value is None
    assert ws.cell(3, 7).value == "无专班（重点项目须成立）"
    assert "已导出 1 个项目" in page.message.text()
    people = {row[0].value: row[5].value for row in load_workbook(out)["人员负荷"].iter_rows(min_row=3)}
    assert people["杨思远"] == 1


def test_double_click_opens_the_team_dialog_once(page, library):
    pid = library["projects"]["久策气体（将乐）"]
    first = page.open_team(pid)
    assert page.open_team(pid) is first
    assert first.detail.project_name == "久策气体（将乐）"
    first.close()


def test_settings_panel_saves_the_threshold(qtbot, fresh_db):
    from desktop.services import teams
    from desktop.views.teams_page import TeamSettingsPanel

    panel = TeamSettingsPanel()
    qtbot.addWidget(panel)
    panel.load()
    assert panel.threshold_spin.value() == 5
    panel.threshold_spin.setValue(3)
    assert panel.save() is True
    assert teams.load_threshold() == 3


def test_print_opens_a_landscape_preview_of_what_is_shown(page, library):
    from desktop.views.pdf_preview import open_previews
    from tests.pdf_reading import pdf_text, squeeze

    page.drop_person_on_project(library["people"]["杨思远"], library["projects"]["久策气体（将乐）"])
    page.key_check.setChecked(True)
    before = len(open_previews())
    page.print_shown()
    previews = open_previews()
    assert len(previews) == before + 1
    preview = previews[-1]
    text = squeeze(pdf_text(preview.path))
    assert "专班配备情况表" in text and "截至2022-06-30" in text
    assert "富远新型铝材产业园" in text and "久策气体" not in text  # the key-project filter applies
    assert "杨思远" in text  # the people part lists everyone on a team
    assert preview.page_count() >= 1
    preview.close()
