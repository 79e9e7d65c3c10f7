"""The team form: leader = 挂钩领导, members, policies, problems (销号/reopen), unsaved changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.views.conftest import type_chinese

TODAY = dt.date(2022, 6, 30)


@pytest.fixture
def setup(fresh_db):
    from desktop.services import projects, reference

    units = {u.name: u.id for u in reference.list_units()}
    people = {
        name: reference.save_person({"name": name, "title": title, "is_leader": leader})
        for name, title, leader in [("张国平", "常务副县长", True), ("邱丽萍", "副县长", True), ("杨思远", "项目专员", False), ("苏晓燕", "副局长", False)]
    }
    pid = projects.create_project({"name": "居然之家", "total_investment": Decimal(30000), "is_key": True, "leader_id": people["张国平"]}, today=TODAY)
    return {"project": pid, "people": people, "units": units}


def _dialog(qtbot, project_id):
    from desktop.views.team_dialog import TeamDialog

    dialog = TeamDialog(project_id, today=TODAY)
    qtbot.addWidget(dialog)
    return dialog


def _pick(combo, value):
    combo.setCurrentIndex(combo.findData(value))


def test_a_new_team_is_founded_on_save(qtbot, setup):
    from desktop.services import projects, teams

    dialog = _dialog(qtbot, setup["project"])
    assert "尚无专班" in dialog.header.text() and not dialog.dissolve_button.isVisibleTo(dialog)
    assert dialog.leader_combo.currentData() == setup["people"]["张国平"]  # the project's 挂钩领导
    _pick(dialog.leader_combo, setup["people"]["邱丽萍"])
    _pick(dialog.deputy_combo, setup["people"]["苏晓燕"])
    _pick(dialog.member_person_combo, setup["people"]["杨思远"])
    dialog.member_role_combo.setCurrentText("联络员")
    assert dialog.add_member()
    assert [dialog.members_table.item(0, c).text() for c in (0, 3)] == ["杨思远", "联络员"]
    assert dialog.save()
    detail = teams.team_detail(setup["project"])
    assert detail.team_id is not None and detail.founded_on == TODAY
    assert (detail.leader_name, detail.deputy_id) == ("邱丽萍", setup["people"]["苏晓燕"])
    assert [(m.name, m.role) for m in detail.members] == [("杨思远", "联络员")]
    # One field: the project form shows the new leader too.
    assert projects.project_values(setup["project"])["leader_id"] == setup["people"]["邱丽萍"]
    assert "尚无专班" not in dialog.header.text() and not dialog.is_dirty()


def test_members_cannot_repeat_the_leader_or_themselves(qtbot, setup):
    dialog = _dialog(qtbot, setup["project"])
    _pick(dialog.member_person_combo, setup["people"]["张国平"])
    assert not dialog.add_member() and "是组长" in dialog.message.text()
    _pick(dialog.member_person_combo, setup["people"]["杨思远"])
    assert dialog.add_member()
    assert not dialog.add_member() and "已在成员中" in dialog.message.text()
    dialog.members_table.selectRow(0)
    dialog.member_role_edit_combo.setCurrentText("服务专员")
    assert dialog.set_selected_role()
    assert dialog.members_table.item(0, 3).text() == "服务专员"
    dialog.members_table.selectRow(0)
    assert dialog.remove_selected_member() and dialog.members_table.rowCount() == 0


def test_problems_add_close_reopen_and_save(qtbot, setup):
    from desktop.services import teams

    dialog = _dialog(qtbot, setup["project"])
    assert not dialog.add_problem() and "请填写问题内容" in dialog.message.text()
    type_chinese(dialog.problem_text_edit, "排污权指标需县里协调")
    dialog.problem_raised_edit.setDate(dt.date(2022, 3, 7))
    _pick(dialog.problem_unit_combo, setup["units"]["县生态环境局"])
    dialog.problem_due_edit.setDate(dt.date(2022, 6, 4))
    assert dialog.add_problem()
    assert dialog.problems_table.item(0, 4).text() == "未销号（逾期）"
    assert "逾期 1 个" in dialog.problem_summary.text()

    dialog.select_problem(0)
    assert not dialog.close_selected_problem() and "销号须填写办结情况" in dialog.message.text()
    type_chinese(dialog.resolution_edit, "通过排污权交易解决")
    dialog.closed_on_edit.setDate(dt.date(2022, 6, 20))
    assert dialog.close_selected_problem()
    assert [dialog.problems_table.item(0, c).text() for c in (4, 5, 6)] == ["已销号", "通过排污权交易解决", "2022-06-20"]
    assert dialog.save()
    problem = teams.team_detail(setup["project"]).problems[0]
    assert (problem.text, problem.closed, problem.closed_on, problem.owner_unit_name) == ("排污权指标需县里协调", True, dt.date(2022, 6, 20), "县生态环境局")

    dialog.select_problem(0)
    assert dialog.reopen_selected_problem()
    assert dialog.problems_table.item(0, 4).text() == "未销号（逾期）"
    assert dialog.save()
    assert teams.team_detail(setup["project"]).problems[0].closed is False


def test_policy_items_can_be_added_and_ticked(qtbot, setup):
    from desktop.services import teams

    dialog = _dialog(qtbot, setup["project"])
    dialog.policy_list.item(0).setCheckState(Qt.CheckState.Checked)
    type_chinese(dialog.new_policy_edit, "家居卖场开业扶持")
    assert dialog.add_policy_item()
    last = dialog.policy_list.item(dialog.policy_list.count() - 1)
    assert last.text() == "家居卖场开业扶持" and last.checkState() == Qt.CheckState.Checked
    assert dialog.policy_list.item(0).checkState() == Qt.CheckState.Checked  # kept while the list is refilled
    type_chinese(dialog.policy_text_edit, "一事一议")
    assert dialog.save()
    detail = teams.team_detail(setup["project"])
    names = {p.id: p.name for p in teams.list_policy_items()}
    assert [names[i] for i in detail.policy_item_ids] == [dialog.policy_list.item(0).text(), "家居卖场开业扶持"]
    assert detail.policy_text == "一事一议"
    type_chinese(dialog.new_policy_edit, "家居卖场开业扶持")
    assert not dialog.add_policy_item() and "已有" in dialog.message.text()


def test_closing_with_unsaved_changes_asks(qtbot, setup, no_modal_boxes):
    from desktop.services import teams

    dialog = _dialog(qtbot, setup["project"])
    dialog.show()
    dialog.reject()
    assert no_modal_boxes == []  # nothing changed: no question
    dialog = _dialog(qtbot, setup["project"])
    dialog.show()
    _pick(dialog.deputy_combo, setup["people"]["苏晓燕"])
    assert dialog.is_dirty()
    dialog.reject()  # the patched box answers 不保存
    assert no_modal_boxes[-1] == ("专班", "专班有未保存的修改，是否保存？")
    assert not dialog.isVisible()
    assert teams.team_id_for_project(setup["project"]) is None


def test_unsaved_changes_can_be_saved_on_close(qtbot, setup, monkeypatch):
    from desktop.services import teams

    dialog = _dialog(qtbot, setup["project"])
    dialog.show()
    _pick(dialog.deputy_combo, setup["people"]["苏晓燕"])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Save)
    dialog.reject()
    assert teams.team_detail(setup["project"]).deputy_id == setup["people"]["苏晓燕"]


def test_invalid_values_are_not_saved(qtbot, setup):
    from desktop.services import teams

    dialog = _dialog(qtbot, setup["project"])
    _pick(dialog.deputy_combo, setup["people"]["张国平"])
    assert not dialog.save()
    assert "副组长不能与组长是同一人" in dialog.message.text()
    assert teams.team_id_for_project(setup["project"]) is None


def test_dissolving_asks_first(qtbot, setup, monkeypatch, no_modal_boxes):
    from desktop.services import teams

    teams.create_team(setup["project"], today=TODAY)
    dialog = _dialog(qtbot, setup["project"])
    assert dialog.dissolve_button.isVisibleTo(dialog)
    assert not dialog.dissolve()  # the patched box answers No
    assert "无法恢复" in no_modal_boxes[-1][1]
    assert teams.team_id_for_project(setup["project"]) is not None
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.saved):
        assert dialog.dissolve()
    assert teams.team_id_for_project(setup["project"]) is None


def test_an_inactive_leader_is_kept_not_cleared(qtbot, setup):
    from desktop.models import Person
    from desktop.services import projects, teams

    teams.create_team(setup["project"], today=TODAY)
    Person.update(active=False).where(Person.id == setup["people"]["张国平"]).execute()
    dialog = _dialog(qtbot, setup["project"])
    assert dialog.leader_combo.currentText() == "张国平（已停用）"
    type_chinese(dialog.policy_text_edit, "按协议兑现")
    assert dialog.save()
    assert projects.project_values(setup["project"])["leader_id"] == setup["people"]["张国平"]
