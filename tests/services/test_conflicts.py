"""Editing conflicts: saving over someone else's newer save is refused with both values named."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.models import Project
from desktop.models.base import ConflictError
from desktop.models.user import ROLE_CENTRE
from desktop.services import access, projects
from desktop.services.access import CurrentUser

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2022, 8, 25)


def other_process(*args: str) -> str:
    """The other person: another process with its own connection to the same database."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.services.conflict_worker", *map(str, args)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def project_id(fresh_db):
    return projects.create_project({"name": "久策气体（将乐）", "total_investment": Decimal(50000)}, today=TODAY)


def test_saving_over_a_newer_save_is_refused_with_both_values(fresh_db, project_id):
    mine = projects.project_values(project_id)  # the form is opened here …
    with access.acting_as(CurrentUser(7, "zhang", "张三", ROLE_CENTRE)):
        projects.update_project(project_id, {**projects.project_values(project_id), "progress_text": "一期土建完成80%"}, today=TODAY)
    mine["progress_text"] = "一期土建完成60%"
    with pytest.raises(ConflictError) as caught:
        projects.update_project(project_id, mine, today=TODAY, expected_version=mine["version"])
    message = str(caught.value)
    assert "张三" in message and "形象进度" in message
    assert "一期土建完成60%" in message and "一期土建完成80%" in message
    assert caught.value.conflicts == [("形象进度", "一期土建完成60%", "一期土建完成80%")]
    assert Project.get_by_id(project_id).progress_text == "一期土建完成80%"  # nothing overwritten
    # Reopened, the form carries the new version and saves.
    fresh = projects.project_values(project_id)
    projects.update_project(project_id, {**fresh, "progress_text": "一期土建完成90%"}, today=TODAY, expected_version=fresh["version"])
    assert Project.get_by_id(project_id).progress_text == "一期土建完成90%"


def test_a_field_the_other_person_changed_is_not_silently_reverted(fresh_db, project_id):
    mine = projects.project_values(project_id)
    projects.update_project(project_id, {**projects.project_values(project_id), "total_investment": Decimal(60000)}, today=TODAY)
    mine["remarks"] = "我只改了备注"
    with pytest.raises(ConflictError) as caught:
        projects.update_project(project_id, mine, today=TODAY, expected_version=mine["version"])
    assert ("总投资（万元）", "50000", "60000") in caught.value.conflicts
    project = Project.get_by_id(project_id)
    assert project.total_investment == Decimal(60000) and project.remarks == ""


def test_two_connections_to_the_same_file(fresh_db, project_id):
    loaded = Project.get_by_id(project_id)  # loaded through this connection
    other_process("edit", fresh_db, project_id, "contact", "李经理 13800000000")
    loaded.contact = "王经理"
    with pytest.raises(ConflictError) as caught:
        loaded.save()
    assert ("联系人", "王经理", "李经理 13800000000") in caught.value.conflicts
    assert Project.get_by_id(project_id).contact == "李经理 13800000000"


def test_the_version_counts_saves_and_a_save_without_changes_writes_nothing(fresh_db, project_id):
    project = Project.get_by_id(project_id)
    assert project.version == 1
    project.remarks = "一"
    project.save()
    assert project.version == 2 and Project.get_by_id(project_id).version == 2
    project.remarks = "二"
    project.save()  # the same object saves again: its own save is no conflict
    assert Project.get_by_id(project_id).version == 3
    assert project.save() == 0 and Project.get_by_id(project_id).version == 3


def test_a_deleted_record_cannot_be_saved(fresh_db, project_id):
    from desktop.errors import NotFoundError

    loaded = Project.get_by_id(project_id)
    projects.delete_project(project_id)
    loaded.remarks = "还在吗"
    with pytest.raises(NotFoundError):
        loaded.save()


def test_two_processes_editing_the_same_record_lose_no_update(fresh_db, project_id):
    procs = [
        subprocess.Popen([sys.executable, "-m", "tests.services.conflict_worker", "increment", str(fresh_db), str(project_id), "15"],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
    assert Project.get_by_id(project_id).land_area == Decimal(30)
