"""Schema versions: migrations are idempotent, older databases are migrated after a backup, newer ones refused."""

from __future__ import annotations

import sqlite3
import types
from contextlib import closing

import pytest

from desktop import db, migrations
from desktop.db import database
from desktop.errors import DatabaseError
from desktop.migrations import CURRENT_VERSION, MIGRATIONS, migrate, schema_version
from desktop.models import ALL_MODELS
from desktop.services.database import open_database


def _tables() -> set[str]:
    return set(database.get_tables())


def test_migrations_are_numbered_in_order():
    versions = [m.VERSION for m in migrations.MIGRATIONS]
    assert versions == sorted(versions)
    assert len(set(versions)) == len(versions)
    assert versions[0] == 1
    assert CURRENT_VERSION == versions[-1]


def test_an_empty_database_gets_every_table_and_the_current_version(db_path):
    db_path.parent.mkdir(parents=True)
    open_database(db_path, create=True)
    try:
        assert schema_version() == CURRENT_VERSION
        expected = {model._meta.table_name for model in ALL_MODELS} | {"schema_info"}
        assert expected <= _tables()
    finally:
        db.close()


def test_running_migrate_twice_changes_nothing(fresh_db):
    tables = _tables()
    rows = database.execute_sql("SELECT version, applied_at FROM schema_info ORDER BY version").fetchall()
    assert migrate() == CURRENT_VERSION
    assert migrate() == CURRENT_VERSION
    assert _tables() == tables
    assert database.execute_sql("SELECT version, applied_at FROM schema_info ORDER BY version").fetchall() == rows
    assert not (fresh_db.parent / "backups").exists()


def test_each_migration_can_be_run_again_after_an_interruption(fresh_db):
    from desktop.models import Project

    Project.create(code="JL-2022-0001", name="已有项目", total_investment=100)
    for module in migrations.MIGRATIONS:
        module.apply(database)  # must not fail ("duplicate column", "table exists") nor lose data
    assert Project.select().count() == 1


def test_reopening_keeps_the_data_and_the_version(fresh_db):
    from desktop.models import Project

    Project.create(code="JL-2022-0001", name="重开后仍在", total_investment=100)
    db.close()
    open_database(fresh_db)
    assert schema_version() == CURRENT_VERSION
    assert Project.get(Project.code == "JL-2022-0001").name == "重开后仍在"
    count = database.execute_sql("SELECT COUNT(*) FROM schema_info").fetchone()[0]
    assert count == len(MIGRATIONS)  # numbers may leave gaps; each migration is recorded once


def test_a_newer_database_is_refused_with_a_chinese_message(fresh_db):
    database.execute_sql(
        "INSERT INTO schema_info (version, applied_at) VALUES (?, ?)", (CURRENT_VERSION + 1, "2099-01-01T00:00:00")
    )
    db.close()
    with pytest.raises(DatabaseError) as info:
        open_database(fresh_db)
    message = str(info.value)
    assert "较新版本" in message
    assert str(CURRENT_VERSION + 1) in message
    # The refused database is left closed and untouched.
    assert database.obj is None or database.obj.is_closed()
    with closing(sqlite3.connect(fresh_db)) as raw:
        assert raw.execute("SELECT MAX(version) FROM schema_info").fetchone()[0] == CURRENT_VERSION + 1


def test_an_older_database_is_backed_up_then_migrated(fresh_db, monkeypatch):
    from desktop.models import Project

    Project.create(code="JL-2022-0001", name="迁移前的项目", total_investment=100)
    applied = []

    def apply(database_):
        applied.append(True)
        database_.execute_sql("CREATE TABLE IF NOT EXISTS extra_for_test (id INTEGER PRIMARY KEY)")

    future = types.SimpleNamespace(VERSION=CURRENT_VERSION + 1, apply=apply)
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, future])
    monkeypatch.setattr(migrations, "CURRENT_VERSION", CURRENT_VERSION + 1)
    db.close()

    open_database(fresh_db)
    assert applied == [True]
    assert schema_version() == CURRENT_VERSION + 1
    assert "extra_for_test" in _tables()
    backups = list((fresh_db.parent / "backups").glob("*.db"))
    assert len(backups) == 1
    with closing(sqlite3.connect(backups[0])) as raw:
        assert raw.execute("SELECT MAX(version) FROM schema_info").fetchone()[0] == CURRENT_VERSION
        assert raw.execute("SELECT name FROM project").fetchall() == [("迁移前的项目",)]

    # Opening again migrates nothing more and makes no second backup.
    db.close()
    open_database(fresh_db)
    assert applied == [True]
    assert len(list((fresh_db.parent / "backups").glob("*.db"))) == 1
