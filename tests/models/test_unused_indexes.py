"""Migration 12 drops the indexes nothing reads; new files never get them."""

from __future__ import annotations

from desktop.db import database
from desktop.migrations import m0012_drop_unused_indexes as m12


def _index_names() -> set[str]:
    if database.obj.__class__.__name__.startswith("Postgres"):
        query = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'index'"
    return {name for (name,) in database.execute_sql(query).fetchall()}


def test_a_new_file_has_none_of_them_and_keeps_the_useful_ones(fresh_db):
    names = _index_names()
    assert not {n for n in names if n.endswith("_updated_at")}
    assert not names & set(m12.FIXED)
    # What queries do use stays.
    assert {"project_code", "project_name_norm", "project_library_on", "auditentry_table_name_row_id",
            "step_record_board", "step_record_project_id_step_id"} <= names


def test_an_older_file_loses_them_and_the_migration_can_run_again(fresh_db):
    database.execute_sql('CREATE INDEX "project_updated_at" ON "project" ("updated_at")')
    database.execute_sql('CREATE INDEX "step_record_updated_at" ON "step_record" ("updated_at")')
    database.execute_sql('CREATE INDEX "project_status" ON "project" ("status")')
    database.execute_sql('CREATE INDEX "auditentry_table_name" ON "audit_entry" ("table_name")')
    database.execute_sql('CREATE INDEX "project_signed_on" ON "project" ("signed_on")')  # not ours to drop
    m12.apply(database)
    m12.apply(database)
    names = _index_names()
    assert not {"project_updated_at", "step_record_updated_at", "project_status", "auditentry_table_name"} & names
    assert "project_signed_on" in names
