"""专班 services: one team per project, members, policies, problems, the assignment view, export."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.errors import UserError, ValidationError
from tests.team_library import build_team_library

TODAY = dt.date(2022, 6, 30)


@pytest.fixture
def library(fresh_db):
    """Four projects (two key), three people, units; no teams yet."""
    return build_team_library()


def test_create_team_then_a_second_one_is_refused_with_the_reason(library):
    from desktop.services import teams

    pid = library["projects"]["富远新型铝材产业园"]
    team_id = teams.create_team(pid, founded_on=dt.date(2022, 3, 1), today=TODAY)
    teams.add_member(team_id, library["people"]["杨思远"], "联络员")
    with pytest.raises(UserError) as refused:
        teams.create_team(pid, today=TODAY)
    message = str(refused.value)
    assert "富远新型铝材产业园" in message and "已有专班" in message
    assert "组长 张国平" in message and "成员 1 人" in message and "成立于 2022-03-01" in message
    assert teams.team_id_for_project(pid) == team_id


def test_the_unique_key_is_the_last_line_when_the_check_is_passed(library, monkeypatch):
    """Two windows both saw “no team yet”: the database refuses the second, in Chinese."""
    from desktop.services import teams

    pid = library["projects"]["居然之家"]
    teams.create_team(pid, today=TODAY)
    monkeypatch.setattr(teams, "check_can_create_team", lambda _pid: None)
    with pytest.raises(UserError, match="已有专班"):
        teams.create_team(pid, today=TODAY)


def test_the_team_leader_is_the_projects_leader(library):
    from desktop.services import projects, teams

    pid = library["projects"]["久策气体（将乐）"]
    teams.create_team(pid, today=TODAY)
    teams.set_leader(pid, library["people"]["苏晓燕"])
    assert projects.project_values(pid)["leader_id"] == library["people"]["苏晓燕"]
    assert teams.team_detail(pid).leader_name == "苏晓燕"


def test_members_roles_and_removal(library):
    from desktop.services import teams

    pid = library["projects"]["富远新型铝材产业园"]
    team_id = teams.create_team(pid, today=TODAY)
    teams.add_member(team_id, library["people"]["杨思远"], "联络员")
    teams.add_member(team_id, library["people"]["苏晓燕"])
    with pytest.raises(UserError, match="已在该专班中"):
        teams.add_member(team_id, library["people"]["杨思远"])
    with pytest.raises(UserError, match="组长"):
        teams.add_member(team_id, library["people"]["张国平"])
    teams.set_member_role(team_id, library["people"]["苏晓燕"], "牵头部门")
    assert [(m.name, m.role) for m in teams.team_detail(pid).members] == [("杨思远", "联络员"), ("苏晓燕", "牵头部门")]
    teams.remove_member(team_id, library["people"]["杨思远"])
    assert [m.name for m in teams.team_detail(pid).members] == ["苏晓燕"]


def test_deputy_cannot_be_the_leader(library):
    from desktop.services import teams

    pid = library["projects"]["富远新型铝材产业园"]
    with pytest.raises(ValidationError, match="副组长不能与组长是同一人"):
        teams.create_team(pid, deputy_id=library["people"]["张国平"], today=TODAY)


def test_problems_close_and_reopen(library):
    from desktop.services import teams

    pid = library["projects"]["富远新型铝材产业园"]
    team_id = teams.create_team(pid, today=TODAY)
    unit = library["units"]["县自然资源局"]
    problem = teams.add_problem(team_id, "用地指标未落实", dt.date(2022, 3, 1), owner_unit_id=unit, due_on=dt.date(2022, 4, 30), today=TODAY)
    with pytest.raises(ValidationError, match="办结情况"):
        teams.close_problem(problem, "", dt.date(2022, 5, 1), today=TODAY)
    with pytest.raises(ValidationError, match="不能早于提出日期"):
        teams.close_problem(problem, "已落实", dt.date(2022, 2, 1), today=TODAY)
    teams.close_problem(problem, "已纳入省级保障", dt.date(2022, 5, 1), today=TODAY)
    item = teams.team_detail(pid).problems[0]
    assert (item.status_label, item.resolution, item.closed_on, item.owner_unit_name) == ("已销号", "已纳入省级保障", dt.date(2022, 5, 1), "县自然资源局")
    with pytest.raises(UserError, match="已于 2022-05-01 销号"):
        teams.close_problem(problem, "再次", dt.date(2022, 5, 2), today=TODAY)
    teams.reopen_problem(problem)
    item = teams.team_detail(pid).problems[0]
    assert (item.status_label, item.closed_on) == ("未销号", None)


def test_problem_validation(library):
    from desktop.services import teams

    team_id = teams.create_team(library["projects"]["居然之家"], today=TODAY)
    with pytest.raises(ValidationError) as bad:
        teams.add_problem(team_id, "  ", dt.date(2022, 7, 1), due_on=dt.date(2022, 6, 1), today=TODAY)
    assert bad.value.errors == {"text": "请填写问题内容", "raised_on": "提出日期不能晚于今天", "due_on": "办结时限不能早于提出日期"}


def test_policy_list_is_editable_and_the_package_is_kept(library):
    from desktop.services import teams

    pid = library["projects"]["富远新型铝材产业园"]
    team_id = teams.create_team(pid, today=TODAY)
    new_item = teams.add_policy_item("铝材产业链专项补助")
    with pytest.raises(ValidationError, match="已有"):
        teams.add_policy_item("铝材产业链专项补助")
    first = teams.list_policy_items()[0].id
    teams.set_team_policies(team_id, [first, new_item], "按协议兑现")
    detail = teams.team_detail(pid)
    assert detail.policy_item_ids == [first, new_item] and detail.policy_text == "按协议兑现"
    teams.set_policy_item_active(new_item, False)
    assert new_item not in [p.id for p in teams.list_policy_items()]
    assert teams.team_detail(pid).policy_item_ids == [first, new_item]  # the team keeps what it picked
    assert teams.add_policy_item("铝材产业链专项补助") == new_item  # coming back, not a duplicate


def test_save_team_creates_and_syncs_everything(library):
    from desktop.services import projects, teams

    pid = library["projects"]["血灵芝加工"]
    people = library["people"]
    policy = teams.list_policy_items()[1].id
    values = {
        "leader_id": people["苏晓燕"], "deputy_id": people["杨思远"], "founded_on": dt.date(2022, 4, 1),
        "policy_text": "一事一议", "members": [(people["张国平"], "成员")], "policy_item_ids": [policy],
        "problems": [{"id": None, "text": "林地审批未完成", "raised_on": dt.date(2022, 4, 2), "owner_unit_id": None,
                      "due_on": dt.date(2022, 5, 1), "closed": False, "resolution": "", "closed_on": None}],
    }
    teams.save_team(pid, values, today=TODAY)
    detail = teams.team_detail(pid)
    assert projects.project_values(pid)["leader_id"] == people["苏晓燕"]
    assert (detail.deputy_id, detail.founded_on, detail.policy_text, detail.policy_item_ids) == (people["杨思远"], dt.date(2022, 4, 1), "一事一议", [policy])
    assert [(m.name, m.role) for m in detail.members] == [("张国平", "成员")]
    problem = detail.problems[0]
    values["members"] = []
    values["problems"] = [{**problem.__dict__, "closed": True, "resolution": "已取得林地审核同意书", "closed_on": dt.date(2022, 4, 20)}]
    assert teams.save_team(pid, values, today=TODAY) == detail.team_id
    detail = teams.team_detail(pid)
    assert detail.members == [] and detail.problems[0].closed and detail.problems[0].id == problem.id
    values["problems"] = []
    teams.save_team(pid, values, today=TODAY)
    assert teams.team_detail(pid).problems == []


def test_save_team_refuses_bad_values(library):
    from desktop.services import teams

    people = library["people"]
    with pytest.raises(ValidationError) as bad:
        teams.save_team(library["projects"]["血灵芝加工"], {
            "leader_id": people["张国平"], "deputy_id": None, "founded_on": dt.date(2022, 7, 1),
            "members": [(people["张国平"], "成员")],
            "problems": [{"id": None, "text": "x", "raised_on": dt.date(2022, 4, 2), "closed": True, "resolution": "", "closed_on": None}],
        }, today=TODAY)
    assert bad.value.errors == {
        "founded_on": "成立日期不能晚于今天", "members": "组长、副组长不必再列为成员",
        "problems": "问题清单第 1 条：销号须填写办结情况；请填写销号日期",
    }
    assert teams.team_id_for_project(library["projects"]["血灵芝加工"]) is None


def test_delete_team_removes_members_policies_and_problems(library):
    from desktop.models.team import Problem, TeamMember, TeamPolicy
    from desktop.services import teams

    pid = library["projects"]["富远新型铝材产业园"]
    team_id = teams.create_team(pid, today=TODAY)
    teams.add_member(team_id, library["people"]["杨思远"])
    teams.set_team_policies(team_id, [teams.list_policy_items()[0].id])
    teams.add_problem(team_id, "用电接入", dt.date(2022, 5, 1), today=TODAY)
    teams.delete_team(team_id)
    assert teams.team_id_for_project(pid) is None
    assert (TeamMember.select().count(), TeamPolicy.select().count(), Problem.select().count()) == (0, 0, 0)


# --- the assignment view ----------------------------------------------------------------------
def _rows_by_name(rows):
    return {row.name: row for row in rows}


def test_assignment_rows_count_members_and_problems(library):
    from desktop.services import teams

    pid = library["projects"]["富远新型铝材产业园"]
    team_id = teams.create_team(pid, deputy_id=library["people"]["苏晓燕"], founded_on=dt.date(2022, 2, 1), today=TODAY)
    teams.add_member(team_id, library["people"]["杨思远"])
    overdue = teams.add_problem(team_id, "用地", dt.date(2022, 3, 1), due_on=dt.date(2022, 6, 29), today=TODAY)
    teams.add_problem(team_id, "用电", dt.date(2022, 3, 2), due_on=dt.date(2022, 6, 30), today=TODAY)  # due today: not overdue
    closed = teams.add_problem(team_id, "环评", dt.date(2022, 3, 3), due_on=dt.date(2022, 4, 1), today=TODAY)
    teams.close_problem(closed, "已批复", dt.date(2022, 4, 15), today=TODAY)
    row = _rows_by_name(teams.assignment_rows(today=TODAY))["富远新型铝材产业园"]
    assert (row.has_team, row.member_count, row.open_problems, row.overdue_problems) == (True, 2, 2, 1)
    assert (row.leader_name, row.stage_label, row.total_yi_text, row.responsible_unit_name) == ("张国平", "在建", "15.00", "将乐经济开发区")
    # The problem closed on 15 April is later than the last step (19, on 20 January).
    assert row.last_progress_on == dt.date(2022, 4, 15)
    teams.close_problem(overdue, "已落实", dt.date(2022, 6, 30), today=TODAY)
    row = _rows_by_name(teams.assignment_rows(today=TODAY))["富远新型铝材产业园"]
    assert (row.open_problems, row.overdue_problems, row.last_progress_on) == (1, 0, dt.date(2022, 6, 30))
    # Seen from an earlier day, nothing after it counts as progress.
    row = _rows_by_name(teams.assignment_rows(today=dt.date(2022, 3, 1)))["富远新型铝材产业园"]
    assert row.last_progress_on == dt.date(2022, 3, 1)


def test_assignment_rows_flag_key_projects_without_team_and_skip_terminated(library):
    from desktop.services import projects, teams

    projects.change_status(library["projects"]["血灵芝加工"], "终止", dt.date(2022, 5, 1), today=TODAY)
    rows = _rows_by_name(teams.assignment_rows(today=TODAY))
    assert sorted(rows) == sorted(["富远新型铝材产业园", "久策气体（将乐）", "居然之家"])
    assert rows["富远新型铝材产业园"].key_without_team and rows["富远新型铝材产业园"].team_label == "无专班（重点项目须成立）"
    assert not rows["久策气体（将乐）"].key_without_team and rows["久策气体（将乐）"].team_label == "无专班"
    assert rows["久策气体（将乐）"].member_count == 0
    assert "其中重点项目无专班 2 个" in teams.summary_text(list(rows.values()))


def test_assignment_filters(library):
    from desktop.services import teams
    from desktop.services.project_list import phase_steps

    units = library["units"]
    names = lambda **kw: [r.name for r in teams.assignment_rows(teams.AssignmentFilter(**kw), today=TODAY)]  # noqa: E731
    assert sorted(names(key_only=True)) == sorted(["富远新型铝材产业园", "居然之家"])
    assert sorted(names(above_yi=True)) == sorted(["富远新型铝材产业园", "久策气体（将乐）", "居然之家"])
    assert names(unit_id=units["县商务局"]) == ["居然之家"]
    assert names(stage="入库", phase_steps=phase_steps()) == ["久策气体（将乐）"]
    assert names(stage="洽谈") == ["血灵芝加工"]  # the mapping is read when not given
    teams.create_team(library["projects"]["居然之家"], today=TODAY)
    assert names(key_only=True, without_team_only=True) == ["富远新型铝材产业园"]


def test_people_loads_count_led_and_joined_teams_and_flag_overload(library):
    from desktop.services import teams

    people = library["people"]
    for name in ("富远新型铝材产业园", "久策气体（将乐）", "居然之家"):
        teams.assign_person(library["projects"][name], people["杨思远"], today=TODAY)
    teams.assign_person(library["projects"]["血灵芝加工"], people["苏晓燕"], "副组长", today=TODAY)
    loads = {p.name: p for p in teams.people_loads(threshold=3)}
    # 张国平 leads all four projects, and each now has a team.
    assert (loads["张国平"].led, loads["张国平"].joined, loads["张国平"].overloaded) == (4, 0, True)
    assert (loads["杨思远"].led, loads["杨思远"].joined, loads["杨思远"].overloaded) == (0, 3, False)  # 3 is not above 3
    assert (loads["苏晓燕"].led, loads["苏晓燕"].joined) == (0, 1)
    assert [p.name for p in teams.people_loads(threshold=3)][:2] == ["张国平", "杨思远"]  # busiest first


def test_load_threshold_setting(library):
    from desktop.services import teams

    assert teams.load_threshold() == 5
    teams.set_load_threshold(2)
    assert teams.load_threshold() == 2
    with pytest.raises(ValidationError, match="1 到 99"):
        teams.set_load_threshold(0)
    with pytest.raises(ValidationError, match="整数"):
        teams.set_load_threshold("五")
    people = library["people"]
    for name in ("富远新型铝材产业园", "久策气体（将乐）", "居然之家"):
        teams.assign_person(library["projects"][name], people["杨思远"], today=TODAY)
    assert {p.name: p.overloaded for p in teams.people_loads()}["杨思远"] is True


def test_assign_person_creates_the_team_when_missing(library):
    from desktop.services import teams

    pid = library["projects"]["居然之家"]
    outcome = teams.assign_person(pid, library["people"]["杨思远"], "联络员", today=TODAY)
    assert outcome.created and "原无专班，已成立专班" in outcome.message
    detail = teams.team_detail(pid)
    assert detail.founded_on == TODAY and [(m.name, m.role) for m in detail.members] == [("杨思远", "联络员")]
    again = teams.assign_person(pid, library["people"]["苏晓燕"], today=TODAY)
    assert not again.created and again.team_id == outcome.team_id
    with pytest.raises(UserError, match="杨思远 已在“居然之家”的专班中（联络员）"):
        teams.assign_person(pid, library["people"]["杨思远"], today=TODAY)
    with pytest.raises(UserError, match="（组长）"):
        teams.assign_person(pid, library["people"]["张国平"], today=TODAY)


def test_assign_person_as_leader_replaces_the_projects_leader(library):
    from desktop.services import teams

    pid = library["projects"]["居然之家"]
    teams.assign_person(pid, library["people"]["苏晓燕"], today=TODAY)
    outcome = teams.assign_person(library["projects"]["久策气体（将乐）"], library["people"]["苏晓燕"], "组长", today=TODAY)
    assert "原挂钩领导 张国平" in outcome.message
    rows = _rows_by_name(teams.assignment_rows(today=TODAY))
    assert rows["久策气体（将乐）"].leader_name == "苏晓燕"
    assert {p.name: p.led for p in teams.people_loads()}["苏晓燕"] == 1


def test_export_workbook(library, tmp_path):
    from openpyxl import load_workbook

    from desktop.services import teams

    teams.assign_person(library["projects"]["居然之家"], library["people"]["杨思远"], today=TODAY)
    out = tmp_path / "专班.xlsx"
    assert teams.export_assignment(out, today=TODAY) == 4
    wb = load_workbook(out)
    ws = wb["专班配备"]
    assert "截至 2022-06-30" in ws["A1"].value and "共 4 个项目" in ws["A1"].value
    assert [c.value for c in ws[2]] == teams.PROJECT_HEADERS
    by_name = {row[1].value: row for row in ws.iter_rows(min_row=3, max_row=6)}
    fuyuan = by_name["富远新型铝材产业园"]
    assert fuyuan[2].value == 15.0 and fuyuan[6].value == "无专班（重点项目须成立）"
    assert fuyuan[0].fill.fgColor.rgb.endswith(teams.KEY_NO_TEAM_FILL) and fuyuan[0].font.bold
    juran = by_name["居然之家"]
    assert (juran[6].value, juran[7].value, juran[5].value) == ("有专班", 1, "张国平")
    assert juran[0].fill.fgColor.rgb in (None, "00000000")
    assert by_name["血灵芝加工"][0].fill.fgColor.rgb.endswith(teams.NO_TEAM_FILL)
    people = {row[0].value: [c.value for c in row] for row in wb["人员负荷"].iter_rows(min_row=3)}
    assert people["杨思远"][3:6] == [0, 1, 1]
    assert people["张国平"][3:6] == [1, 0, 1]


def test_export_respects_the_filter(library, tmp_path):
    from openpyxl import load_workbook

    from desktop.services import teams

    out = tmp_path / "重点.xlsx"
    assert teams.export_assignment(out, teams.AssignmentFilter(key_only=True), today=TODAY) == 2
    ws = load_workbook(out)["专班配备"]
    assert sorted(ws.cell(r, 2).value for r in (3, 4)) == sorted(["富远新型铝材产业园", "居然之家"])
    assert ws.cell(5, 2).value is None


def test_demo_has_teams_for_key_projects(demo_db):
    from desktop.services import teams

    rows = teams.assignment_rows(teams.AssignmentFilter(key_only=True), today=dt.date(2022, 6, 30))
    with_team = [r for r in rows if r.has_team]
    assert len(with_team) >= 15
    assert {r.name for r in rows if r.key_without_team} == {"年产5万吨可降解环保产品", "铁皮石斛种植二期"}
    problems = [p for r in with_team for p in teams.team_detail(r.project_id).problems]
    assert any(p.closed for p in problems)
    assert any(p.is_overdue(dt.date(2022, 6, 30)) for p in problems)
    assert any(not p.closed and not p.is_overdue(dt.date(2022, 6, 30)) for p in problems)
    fuyuan = next(r for r in rows if r.name == "富远新型铝材产业园")
    detail = teams.team_detail(fuyuan.project_id)
    assert detail.leader_name == "林志远" and detail.members and detail.policy_item_ids
    assert any(p.overloaded for p in teams.people_loads())


def test_print_assignment_pdf(library, tmp_path):
    from desktop.services import teams
    from tests.pdf_reading import pdf_pages, squeeze

    teams.assign_person(library["projects"]["居然之家"], library["people"]["杨思远"], today=TODAY)
    teams.set_load_threshold(1)
    teams.assign_person(library["projects"]["久策气体（将乐）"], library["people"]["杨思远"], today=TODAY)
    out = tmp_path / "专班.pdf"
    pages = teams.print_assignment(out, teams.AssignmentFilter(), TODAY)
    texts = pdf_pages(out)
    assert pages == len(texts) >= 1
    text = squeeze("".join(texts))
    assert "专班配备情况表" in text and "截至2022-06-30" in text
    assert "富远新型铝材产业园" in text and "无（须成立）" in text
    assert "共4个项目，已成立专班2个" in text
    assert "杨思远" in text and "负荷过重" in text
    assert f"第1页共{pages}页" in text
    from pypdf import PdfReader

    box = PdfReader(str(out)).pages[0].mediabox
    assert float(box.width) > float(box.height)  # A4 landscape


def test_a_leader_changed_here_is_not_overwritten_by_a_stale_project_form(library):
    """One field in two places: the project form opened before sees a conflict, not a silent undo."""
    from desktop.services import projects, teams

    pid = library["projects"]["久策气体（将乐）"]
    stale = projects.project_values(pid)
    teams.set_leader(pid, library["people"]["苏晓燕"])
    with pytest.raises(UserError):
        projects.update_project(pid, stale, today=TODAY, expected_version=stale["version"])
    assert projects.project_values(pid)["leader_id"] == library["people"]["苏晓燕"]


def test_overdue_problems_for_the_warnings_list(library):
    from desktop.services import projects, teams

    team = teams.create_team(library["projects"]["居然之家"], today=TODAY)
    teams.add_problem(team, "用地", dt.date(2022, 3, 1), due_on=dt.date(2022, 5, 31), owner_unit_id=library["units"]["县自然资源局"], today=TODAY)
    teams.add_problem(team, "用电", dt.date(2022, 3, 1), due_on=dt.date(2022, 6, 30), today=TODAY)
    done = teams.add_problem(team, "环评", dt.date(2022, 3, 1), due_on=dt.date(2022, 4, 1), today=TODAY)
    teams.close_problem(done, "已批复", dt.date(2022, 4, 2), today=TODAY)
    [late] = teams.overdue_problems(TODAY)
    assert (late.project_name, late.text, late.owner_unit_name, late.days_overdue) == ("居然之家", "用地", "县自然资源局", 30)
    projects.change_status(library["projects"]["居然之家"], "终止", dt.date(2022, 6, 1), today=TODAY)
    assert teams.overdue_problems(TODAY) == []
