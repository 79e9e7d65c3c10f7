"""帮办代办: checklists from the catalogue, deadlines in working days, approvals recording lifecycle steps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.errors import ValidationError
from desktop.models import Project, StepRecord
from desktop.services import approvals, projects

TODAY = dt.date(2022, 8, 25)


@pytest.fixture
def project_id(fresh_db):
    return projects.create_project({"name": "富远新型铝材产业园", "total_investment": Decimal(150000)}, today=TODAY)


def _items(project_id):
    return {row.name: row for row in approvals.checklist(project_id, today=TODAY)}


def _steps(project_id):
    return {r.step.number: (r.done_on, r.not_applicable) for r in StepRecord.select().where(StepRecord.project == project_id)}


def test_catalogue_has_the_usual_items_and_checklist_is_generated_once(project_id):
    names = [entry.name for entry in approvals.catalog()]
    assert len(names) >= 20
    for name in ("项目备案", "能评", "环评", "安评", "施工许可", "竣工联合验收", "不动产登记"):
        assert name in names
    assert approvals.generate_checklist(project_id) == len(names)
    assert approvals.generate_checklist(project_id) == 0
    assert _items(project_id)["环评"].department == "生态环境局"


def test_approval_records_the_matching_step(project_id):
    approvals.generate_checklist(project_id)
    items = _items(project_id)
    approvals.update_item(items["项目备案"].id, status="已办结", submitted_on=dt.date(2022, 5, 5),
                          approved_on=dt.date(2022, 5, 9), today=TODAY)
    approvals.update_item(items["环评"].id, status="不涉及", today=TODAY)
    approvals.update_item(items["施工许可"].id, status="已办结", submitted_on=dt.date(2022, 7, 1),
                          approved_on=dt.date(2022, 7, 6), today=TODAY)
    steps = _steps(project_id)
    assert steps[12] == (dt.date(2022, 5, 9), False)
    assert steps[14] == (TODAY, True)
    assert steps[18] == (dt.date(2022, 7, 6), False)
    assert Project.get_by_id(project_id).stage_no == 18


def test_planning_step_needs_both_permits(project_id):
    approvals.generate_checklist(project_id)
    items = _items(project_id)
    approvals.update_item(items["建设用地规划许可"].id, status="已办结", submitted_on=dt.date(2022, 6, 1),
                          approved_on=dt.date(2022, 6, 8), today=TODAY)
    assert 17 not in _steps(project_id)
    approvals.update_item(items["建设工程规划许可"].id, status="已办结", submitted_on=dt.date(2022, 6, 10),
                          approved_on=dt.date(2022, 6, 20), today=TODAY)
    assert _steps(project_id)[17] == (dt.date(2022, 6, 20), False)


def test_overdue_items_count_working_days(project_id):
    approvals.generate_checklist(project_id)
    items = _items(project_id)
    # 施工许可: 7 working days from Friday 2022-08-12 → due Tuesday 2022-08-23.
    approvals.update_item(items["施工许可"].id, status="办理中", submitted_on=dt.date(2022, 8, 12), today=TODAY)
    row = _items(project_id)["施工许可"]
    assert row.due_on == dt.date(2022, 8, 23) and row.overdue
    assert not _items(project_id)["环评"].overdue
    overdue = approvals.overdue_items(TODAY)
    assert [(o.item, o.days_over) for o in overdue] == [("施工许可", 2)]
    assert approvals.overdue_items(dt.date(2022, 8, 23)) == []


def test_dates_are_checked(project_id):
    approvals.generate_checklist(project_id)
    item = _items(project_id)["能评"]
    with pytest.raises(ValidationError):
        approvals.update_item(item.id, status="已办结", submitted_on=dt.date(2022, 6, 1), approved_on=dt.date(2022, 5, 1), today=TODAY)
    with pytest.raises(ValidationError):
        approvals.update_item(item.id, submitted_on=dt.date(2022, 9, 1), today=TODAY)
    assert 13 not in _steps(project_id)
