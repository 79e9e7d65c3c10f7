"""Roles enforced in the services: 管理员, 招商中心, 单位用户 (own unit only), 领导 (read and print)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.models import Project, StepRecord, Unit
from desktop.models.user import ROLE_ADMIN, ROLE_CENTRE, ROLE_LEADER, ROLE_UNIT
from desktop.services import access, lifecycle, projects, reference
from desktop.services.access import CurrentUser, PermissionDenied

TODAY = dt.date(2022, 8, 25)


@pytest.fixture
def units(fresh_db):
    ids = {name: uid for uid, name in Unit.select(Unit.id, Unit.name).tuples()}
    return ids["水南镇"], ids["高唐镇"]


@pytest.fixture
def project_of(units):
    own, other = units

    def make(unit_id, name="项目"):
        return projects.create_project(
            {"name": name, "total_investment": Decimal(1000), "responsible_unit_id": unit_id}, today=TODAY
        )

    return make


def user(role, unit_id=None) -> CurrentUser:
    return CurrentUser(99, "u", "某人", role, unit_id, "水南镇" if unit_id else "")


def test_nobody_logged_in_acts_as_the_files_administrator(project_of, units):
    assert access.current_user() is None and access.effective_role() == ROLE_ADMIN
    pid = project_of(units[0])
    projects.delete_project(pid)  # deletion is the administrator's
    assert access.actor()[1] == access.LOCAL_ADMIN_NAME


@pytest.mark.parametrize("role", [ROLE_ADMIN, ROLE_CENTRE])
def test_administrators_and_the_centre_edit_every_project(role, project_of, units):
    pid = project_of(units[1])
    with access.acting_as(user(role)):
        projects.update_project(pid, {**projects.project_values(pid), "remarks": "改过"}, today=TODAY)
        lifecycle.record_step(pid, 1, TODAY, today=TODAY)
        lifecycle.undo_step(pid, 1)
        projects.change_status(pid, "暂缓", TODAY, "等待", today=TODAY)
        new = projects.create_project({"name": "新项目", "total_investment": Decimal(1)}, today=TODAY)
        reference.add_unit(f"新单位{role}", "部门")
    assert Project.get_by_id(pid).remarks == "改过" and Project.get_by_id(pid).status == "暂缓"
    assert Project.get_or_none(Project.id == new) is not None


def test_only_the_administrator_deletes(project_of, units):
    pid = project_of(units[0])
    with access.acting_as(user(ROLE_CENTRE)), pytest.raises(PermissionDenied, match="只有管理员"):
        projects.delete_project(pid)
    with access.acting_as(user(ROLE_ADMIN)):
        projects.delete_project(pid)
    assert not Project.select().where(Project.id == pid).exists()


def test_a_unit_user_edits_only_their_own_units_projects(project_of, units):
    own, other = units
    mine, theirs = project_of(own, "本镇项目"), project_of(other, "外镇项目")
    with access.acting_as(user(ROLE_UNIT, own)):
        projects.update_project(mine, {**projects.project_values(mine), "progress_text": "土建完成"}, today=TODAY)
        lifecycle.record_step(mine, 3, TODAY, today=TODAY)
        created = projects.create_project({"name": "本镇新项目", "total_investment": Decimal(5), "township_id": own}, today=TODAY)
        with pytest.raises(PermissionDenied, match="本单位（水南镇）"):
            projects.update_project(theirs, {**projects.project_values(theirs), "progress_text": "偷改"}, today=TODAY)
        with pytest.raises(PermissionDenied):
            lifecycle.record_step(theirs, 3, TODAY, today=TODAY)
        with pytest.raises(PermissionDenied):
            lifecycle.undo_step(theirs, 1)
        with pytest.raises(PermissionDenied):
            projects.change_status(theirs, "终止", TODAY, today=TODAY)
        with pytest.raises(PermissionDenied):
            projects.create_project({"name": "别人的", "total_investment": Decimal(5), "responsible_unit_id": other}, today=TODAY)
        with pytest.raises(PermissionDenied):
            projects.create_project({"name": "无主的", "total_investment": Decimal(5)}, today=TODAY)
        with pytest.raises(PermissionDenied, match="招商中心"):
            reference.add_unit("私设单位")
        with pytest.raises(PermissionDenied):
            projects.delete_project(mine)
        # Reading stays open.
        assert projects.project_values(theirs)["name"] == "外镇项目"
    assert Project.get_by_id(mine).progress_text == "土建完成"
    assert Project.get_by_id(theirs).progress_text == ""
    assert Project.get_by_id(created).name == "本镇新项目"
    assert StepRecord.select().where(StepRecord.project == theirs).count() == 0
    assert not Unit.select().where(Unit.name == "私设单位").exists()


def test_a_leader_reads_and_prints_only(project_of, units):
    pid = project_of(units[0])
    with access.acting_as(user(ROLE_LEADER)):
        for attempt in (
            lambda: projects.update_project(pid, {**projects.project_values(pid), "remarks": "x"}, today=TODAY),
            lambda: projects.create_project({"name": "x", "total_investment": Decimal(1)}, today=TODAY),
            lambda: lifecycle.record_step(pid, 1, TODAY, today=TODAY),
            lambda: projects.change_status(pid, "暂缓", TODAY, today=TODAY),
            lambda: reference.save_person({"name": "张三"}),
            lambda: reference.update_unit(units[0], name="改名"),
        ):
            with pytest.raises(PermissionDenied, match="只能查看和打印"):
                attempt()
        assert projects.project_values(pid)["remarks"] == ""
        assert lifecycle.project_step_rows(pid)[0].done_on is None


def test_the_excel_import_is_the_centres(fresh_db, tmp_path):
    from desktop.services import excel_import as ei
    from tests.fixtures_excel import write_xlsx

    path = write_xlsx(tmp_path / "p.xlsx", [["项目名称", "总投资"], ["导入项目", 100]])
    analysis = ei.analyse(path, today=TODAY)
    for role in (ROLE_UNIT, ROLE_LEADER):
        with access.acting_as(user(role, 1)), pytest.raises(PermissionDenied):
            ei.commit(analysis, today=TODAY)
    assert not Project.select().exists()
    with access.acting_as(user(ROLE_CENTRE)):
        ei.commit(analysis, today=TODAY)
    assert Project.select().count() == 1


def test_acting_as_restores_who_was_acting():
    with access.acting_as(user(ROLE_LEADER)):
        with access.acting_as(user(ROLE_CENTRE)):
            assert access.effective_role() == ROLE_CENTRE
        assert access.effective_role() == ROLE_LEADER
    assert access.current_user() is None


def test_the_checks_answer_for_greying_out_buttons(units):
    own, other = units
    with access.acting_as(user(ROLE_UNIT, own)):
        assert access.can_edit([own, None]) and not access.can_edit([other]) and not access.can_edit([])
        assert not access.can_centre() and not access.can_admin()
    with access.acting_as(user(ROLE_CENTRE)):
        assert access.can_edit([]) and access.can_centre() and not access.can_admin()
