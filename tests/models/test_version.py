"""The version column: on every BaseModel table, added to old files by migration 9, bumped by save()."""

from __future__ import annotations

from decimal import Decimal

from desktop.db import database
from desktop.migrations import migrate, schema_version
from desktop.models import Company, Project
from desktop.models.base import BaseModel


def _columns(table: str) -> set[str]:
    return {c.name for c in database.get_columns(table)}


def _base_tables() -> set[str]:
    found, stack = set(), list(BaseModel.__subclasses__())
    while stack:
        model = stack.pop()
        found.add(model._meta.table_name)
        stack.extend(model.__subclasses__())
    return found & set(database.get_tables())


def test_every_edited_table_has_a_version(fresh_db):
    tables = _base_tables()
    assert {"project", "step_record", "status_change", "company", "unit", "person", "app_user"} <= tables
    assert all("version" in _columns(t) for t in tables)
    assert "version" not in _columns("audit_entry") and "version" not in _columns("setting")


def test_migration_9_adds_the_version_to_old_tables_and_keeps_their_rows(fresh_db):
    Project.create(code="JL-2021-0001", name="富远新型铝材产业园", total_investment=Decimal(150000))
    # A file from before version 9: no version column anywhere, no users, no trail.
    for table in _base_tables():
        database.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "version"')
    database.execute_sql('DROP TABLE "app_user"')
    database.execute_sql('DROP TABLE "audit_entry"')
    database.execute_sql("DELETE FROM schema_info WHERE version >= 9")
    assert schema_version() < 9
    migrate()
    assert all("version" in _columns(t) for t in _base_tables())
    project = Project.get(Project.code == "JL-2021-0001")
    assert project.version == 1 and project.name == "富远新型铝材产业园"
    project.remarks = "升级后可以保存"
    project.save()
    assert Project.get_by_id(project.id).version == 2
    # Running it again changes nothing.
    from desktop.migrations import m0009_users_audit

    m0009_users_audit.apply(database)
    assert Project.get_by_id(project.id).version == 2


def test_rows_written_by_plain_sql_get_version_1(fresh_db):
    database.execute_sql("INSERT INTO company (uuid, updated_at, name, name_norm, name_initials, region, industry, notes) "
                         "VALUES ('u1', '2022-01-01 00:00:00', '旧客户端公司', '', '', '', '', '')")
    assert Company.get(Company.name == "旧客户端公司").version == 1


def test_query_updates_of_cached_columns_do_not_count_as_edits(fresh_db):
    from desktop.services import lifecycle, projects

    pid = projects.create_project({"name": "血灵芝加工", "total_investment": Decimal(8000)})
    form = projects.project_values(pid)
    lifecycle.record_step(pid, 3, __import__("datetime").date(2022, 3, 1))  # the stage cache moves
    # The form opened before the step was recorded still saves: the step touched no field of it.
    projects.update_project(pid, {**form, "remarks": "洽谈中"}, expected_version=form["version"])
    project = Project.get_by_id(pid)
    assert project.remarks == "洽谈中" and project.stage_no == 3
