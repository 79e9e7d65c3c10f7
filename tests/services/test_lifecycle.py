"""Lifecycle steps: record, re-record, undo, 不涉及, credited unit, derived stage and milestones."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from desktop.errors import NotFoundError, UserError
from desktop.models import Project, StepRecord
from desktop.services import lifecycle, projects
from desktop.services.lifecycle import Derived, derive_stage
from desktop.services.reference import list_units

TODAY = dt.date(2022, 8, 25)
D = dt.date


@pytest.fixture
def units(fresh_db):
    return {u.name: u.id for u in list_units()}


@pytest.fixture
def project(units):
    return projects.create_project(
        {
            "name": "久策气体（将乐）",
            "investor_name": "久策气体（将乐）有限公司",
            "total_investment": Decimal(50000),
            "first_unit_id": units["县商务局"],
            "responsible_unit_id": units["将乐经济开发区"],
        },
        today=TODAY,
    )


def record(pid, number, day, **kwargs):
    return lifecycle.record_step(pid, number, day, today=TODAY, **kwargs)


def cached(pid) -> Derived:
    row = Project.get_by_id(pid)
    return Derived(row.stage_no, row.signed_on, row.library_on, row.started_on, row.operating_on)


def assert_cache_matches(pid):
    assert cached(pid) == derive_stage(lifecycle.project_records(pid))


def test_a_new_project_has_not_started(project):
    assert cached(project) == Derived(0, None, None, None, None)
    rows = lifecycle.project_step_rows(project)
    assert [r.number for r in rows] == list(range(1, 24))
    assert not any(r.recorded for r in rows)


def test_record_a_step_with_date_unit_and_note(project, units):
    rec = record(project, 3, D(2022, 1, 10), note="县领导带队走访")
    assert rec.done_on == D(2022, 1, 10)
    row = lifecycle.project_step_rows(project)[2]
    assert (row.number, row.name, row.done_on, row.unit_name, row.note, row.not_applicable) == (
        3, "首次洽谈/走访", D(2022, 1, 10), "将乐经济开发区", "县领导带队走访", False,
    )
    assert row.points == 2
    assert cached(project).stage_no == 3


def test_re_recording_a_step_changes_it_and_keeps_one_record(project, units):
    record(project, 9, D(2022, 3, 1))
    record(project, 9, D(2022, 3, 5), unit_id=units["县招商服务中心"], note="正式协议")
    assert StepRecord.select().where(StepRecord.project == project).count() == 1
    assert cached(project).signed_on == D(2022, 3, 5)
    assert lifecycle.step_unit_id(project, 9) == units["县招商服务中心"]
    assert lifecycle.project_step_rows(project)[8].note == "正式协议"


def test_undo_removes_the_step_and_the_stage_falls_back(project):
    record(project, 1, D(2022, 1, 3))
    record(project, 9, D(2022, 3, 1))
    record(project, 10, D(2022, 3, 20))
    assert lifecycle.undo_step(project, 10) is True
    assert cached(project) == Derived(9, D(2022, 3, 1), None, None, None)
    assert lifecycle.undo_step(project, 10) is False
    assert lifecycle.undo_step(project, 9) is True
    assert cached(project) == Derived(1, None, None, None, None)


@pytest.mark.parametrize("number", range(13, 19))
def test_optional_steps_may_be_marked_not_applicable(project, number):
    record(project, number, D(2022, 4, 1), not_applicable=True)
    row = lifecycle.project_step_rows(project)[number - 1]
    assert row.not_applicable and row.recorded
    assert row.optional


@pytest.mark.parametrize("number", [*range(1, 13), *range(19, 24)])
def test_required_steps_may_not_be_marked_not_applicable(project, number):
    with pytest.raises(UserError, match="必经步骤，不能标为不涉及"):
        record(project, number, D(2022, 4, 1), not_applicable=True)
    assert StepRecord.select().count() == 0


def test_a_future_date_is_refused(project):
    with pytest.raises(UserError, match="晚于今天"):
        record(project, 19, TODAY + dt.timedelta(days=1))
    record(project, 19, TODAY)  # today itself is fine
    assert cached(project).started_on == TODAY


def test_a_missing_date_project_or_step_is_refused(project):
    with pytest.raises(UserError, match="完成日期"):
        record(project, 3, None)
    with pytest.raises(NotFoundError):
        record(project, 24, D(2022, 1, 1))
    with pytest.raises(NotFoundError):
        record(999_999, 3, D(2022, 1, 1))


def test_steps_one_and_two_credit_the_first_reporting_unit(project, units):
    record(project, 1, D(2022, 1, 3))
    record(project, 2, D(2022, 1, 4))
    record(project, 3, D(2022, 1, 10))
    record(project, 19, D(2022, 5, 1))
    assert lifecycle.step_unit_id(project, 1) == units["县商务局"]
    assert lifecycle.step_unit_id(project, 2) == units["县商务局"]
    assert lifecycle.step_unit_id(project, 3) == units["将乐经济开发区"]
    assert lifecycle.step_unit_id(project, 19) == units["将乐经济开发区"]
    assert lifecycle.default_credit_unit_for(project, 2) == units["县商务局"]
    assert lifecycle.default_credit_unit_for(project, 5) == units["将乐经济开发区"]


def test_the_credited_unit_is_kept_on_the_record_when_the_project_changes(project, units):
    record(project, 3, D(2022, 1, 10))
    projects.update_project(
        project,
        {"name": "久策气体（将乐）", "total_investment": Decimal(50000), "responsible_unit_id": units["古镛镇"]},
        today=TODAY,
    )
    assert lifecycle.step_unit_id(project, 3) == units["将乐经济开发区"]


def test_a_chosen_or_no_unit_can_be_credited(project, units):
    record(project, 4, D(2022, 1, 20), unit_id=units["水南镇"])
    record(project, 5, D(2022, 1, 25), unit_id=None)
    assert lifecycle.step_unit_id(project, 4) == units["水南镇"]
    assert lifecycle.step_unit_id(project, 5) is None
    with pytest.raises(NotFoundError):
        record(project, 6, D(2022, 1, 26), unit_id=99999)


def test_the_stage_is_the_highest_step_including_not_applicable(project):
    for number in range(1, 13):
        record(project, number, D(2022, 2, number))
    record(project, 13, D(2022, 3, 1), not_applicable=True)
    record(project, 18, D(2022, 3, 2), not_applicable=True)
    assert cached(project).stage_no == 18
    record(project, 14, D(2022, 3, 3))
    assert cached(project).stage_no == 18


def test_steps_recorded_out_of_order(project):
    record(project, 19, D(2021, 10, 8))  # started before it was entered
    record(project, 10, D(2022, 2, 1))
    assert cached(project) == Derived(19, None, D(2022, 2, 1), D(2021, 10, 8), None)


def test_derive_stage_takes_milestones_only_from_done_steps():
    records = [(9, D(2022, 3, 1), True), (10, D(2022, 3, 2), False), (19, D(2022, 4, 1), True), (22, D(2022, 8, 1), False)]
    assert derive_stage(records) == Derived(22, None, D(2022, 3, 2), None, D(2022, 8, 1))
    assert derive_stage([]) == Derived(0, None, None, None, None)
    assert derive_stage([(16, D(2022, 1, 1), True)]).stage_no == 16


def test_derive_stage_of_done_steps_is_derive_stage_without_not_applicable():
    from desktop.services.lifecycle import derive_stage_of_done

    done = {9: D(2022, 3, 1), 10: D(2022, 3, 2), 19: D(2022, 4, 1), 22: D(2022, 8, 1)}
    assert derive_stage_of_done(done) == derive_stage([(n, d, False) for n, d in done.items()])
    assert derive_stage_of_done(done) == Derived(22, D(2022, 3, 1), D(2022, 3, 2), D(2022, 4, 1), D(2022, 8, 1))
    assert derive_stage_of_done({}) == Derived(0, None, None, None, None)


def test_cached_columns_equal_the_derivation_after_every_change(project):
    rng = random.Random(20220630)
    optional = set(range(13, 19))
    for _ in range(120):
        number = rng.randint(1, 23)
        if rng.random() < 0.3:
            lifecycle.undo_step(project, number)
        else:
            na = number in optional and rng.random() < 0.5
            record(project, number, D(2021, 1, 1) + dt.timedelta(days=rng.randint(0, 500)), not_applicable=na)
        assert_cache_matches(project)


def test_cached_columns_are_refreshed_for_the_table(project):
    from desktop.services.project_list import load_rows

    record(project, 10, D(2022, 3, 20))
    (row,) = load_rows(project)
    assert row.stage_no == 10
    assert row.library_on == "2022-03-20"


def test_deleting_a_project_removes_its_steps(project):
    record(project, 3, D(2022, 1, 10))
    projects.delete_project(project)
    assert StepRecord.select().count() == 0


def test_stage_labels_name_the_stage_a_reader_expects(fresh_db):
    labels = lifecycle.stage_labels()
    assert labels[0] == "未开始"
    assert labels[9] == "签约" and labels[10] == "入库" and labels[22] == "投产"
    # 开工 and 资金到位 both mean the project is being built; the approvals after landing are one stage.
    assert labels[19] == labels[20] == "在建"
    assert {labels[n] for n in range(11, 19)} == {"落地审批"}
    summary = lifecycle.steps_summary()
    assert summary.names[10] == "入库"
    assert len(summary.names) == 23
