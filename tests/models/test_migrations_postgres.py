"""Server mode migrations: after a pg_dump backup (or the user's confirmation that the server's own
backup is current), and under an advisory lock, so two clients starting at once migrate once.

Runs only when INVESTDESK_TEST_PG_URL is set; every table of that database is dropped first.
"""

from __future__ import annotations

import os
import threading
import time
import types
from pathlib import Path

import pytest

PG_URL = os.environ.get("INVESTDESK_TEST_PG_URL", "")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="INVESTDESK_TEST_PG_URL is not set (no PostgreSQL server for tests)"),
]


@pytest.fixture
def pg_db():
    from desktop import db
    from desktop.db import database
    from desktop.services.database import init_database

    db.connect(PG_URL)
    try:
        for (table,) in database.execute_sql("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall():
            database.execute_sql(f'DROP TABLE IF EXISTS "{table}" CASCADE')
    finally:
        db.close()
    init_database(PG_URL)
    yield PG_URL
    db.close()


@pytest.fixture
def next_version(monkeypatch):
    """A migration one version ahead that is slow and counts how often it runs."""
    from desktop import migrations

    runs = []

    def apply(database_):
        runs.append(threading.current_thread().name)
        time.sleep(0.5)  # two unguarded clients would both be in here at once
        database_.execute_sql("CREATE TABLE IF NOT EXISTS extra_for_test (id INTEGER PRIMARY KEY)")

    future = types.SimpleNamespace(VERSION=migrations.CURRENT_VERSION + 1, apply=apply)
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, future])
    monkeypatch.setattr(migrations, "CURRENT_VERSION", migrations.CURRENT_VERSION + 1)
    monkeypatch.setattr(migrations, "confirm_server_backup", None)
    return runs


def _rows_of_version(version: int) -> int:
    from desktop.db import database

    return database.execute_sql("SELECT COUNT(*) FROM schema_info WHERE version = %s", (version,)).fetchone()[0]


def test_two_clients_starting_a_new_version_at_once_migrate_once(pg_db, next_version):
    from desktop import config, migrations
    from desktop.migrations import migrate, schema_version

    results, errors = {}, []

    def client(name):
        try:
            results[name] = migrate()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            from desktop.db import database

            database.close()  # this thread's connection

    threads = [threading.Thread(target=client, args=(f"客户端{n}",), name=f"客户端{n}") for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(next_version) == 1  # applied once
    before = migrations.CURRENT_VERSION - 1
    # One client migrated from the old version; the other waited and found it current.
    assert sorted(results.values()) == [before, migrations.CURRENT_VERSION]
    assert schema_version() == migrations.CURRENT_VERSION
    assert _rows_of_version(migrations.CURRENT_VERSION) == 1
    # …after a pg_dump of the server database into the data folder.
    dumps = list((config.data_dir() / "backups" / "server").glob(f"*-before-v{migrations.CURRENT_VERSION}-*.dump"))
    assert len(dumps) == 1 and dumps[0].stat().st_size > 0


def test_without_pg_dump_the_user_must_confirm_the_servers_backup(pg_db, next_version, monkeypatch):
    from desktop import migrations
    from desktop.migrations import migrate, schema_version
    from desktop.services import backup

    monkeypatch.setattr(backup, "find_pg_dump", lambda: None)
    monkeypatch.delenv(migrations.CONFIRM_ENV, raising=False)
    with pytest.raises(backup.ServerBackupNeeded, match="请确认服务器备份是最新的") as info:
        migrate()
    assert migrations.CONFIRM_ENV in str(info.value)  # how a script confirms
    assert next_version == [] and schema_version() == migrations.CURRENT_VERSION - 1

    asked = []
    monkeypatch.setattr(migrations, "confirm_server_backup", lambda message: asked.append(message) or False)
    with pytest.raises(backup.ServerBackupNeeded):
        migrate()
    assert len(asked) == 1 and "pg_dump" in asked[0]
    assert next_version == []

    monkeypatch.setattr(migrations, "confirm_server_backup", lambda message: asked.append(message) or True)
    assert migrate() == migrations.CURRENT_VERSION - 1
    assert len(next_version) == 1 and schema_version() == migrations.CURRENT_VERSION
    # The advisory lock was released: another migrate() returns at once.
    assert migrate() == migrations.CURRENT_VERSION


def test_a_failing_pg_dump_is_not_taken_for_a_backup(pg_db, next_version, monkeypatch, tmp_path):
    from desktop import migrations
    from desktop.migrations import migrate, schema_version
    from desktop.services import backup

    fake = tmp_path / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump: error: connection refused' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(backup, "find_pg_dump", lambda: str(fake))
    with pytest.raises(backup.ServerBackupNeeded, match="connection refused"):
        migrate()
    assert schema_version() == migrations.CURRENT_VERSION - 1


def test_the_password_reaches_pg_dump_through_the_environment_only(monkeypatch, tmp_path):
    from desktop.services import backup

    seen = {}

    def fake_run(args, env, **kwargs):
        seen["args"], seen["password"] = args, env.get("PGPASSWORD")
        target = next(a.split("=", 1)[1] for a in args if a.startswith("--file="))
        Path(target).write_bytes(b"PGDMP")
        return types.SimpleNamespace(returncode=0, stderr=b"")

    monkeypatch.setattr(backup, "find_pg_dump", lambda: "pg_dump")
    monkeypatch.setattr(backup.subprocess, "run", fake_run)
    dump = backup.pg_dump_backup("postgresql://staff:s%40cret@db.office:5433/zhaoshang", "before-v9", folder=tmp_path)
    assert dump.is_file()
    assert seen["password"] == "s@cret"
    assert not any("cret" in a for a in seen["args"])
    assert "--host=db.office" in seen["args"] and "--port=5433" in seen["args"] and "--username=staff" in seen["args"]


def test_a_script_confirms_the_servers_backup_with_an_environment_variable(pg_db, next_version, monkeypatch):
    from desktop import migrations
    from desktop.migrations import migrate, schema_version
    from desktop.services import backup

    monkeypatch.setattr(backup, "find_pg_dump", lambda: None)
    monkeypatch.setenv(migrations.CONFIRM_ENV, "1")
    assert migrate() == migrations.CURRENT_VERSION - 1
    assert schema_version() == migrations.CURRENT_VERSION and len(next_version) == 1


def test_check_database_on_the_server(pg_db):
    from desktop.db import database
    from desktop.models import Project
    from desktop.services import lifecycle, projects
    from desktop.services.integrity import check_database

    pid = projects.create_project({"name": "服务器上的项目", "total_investment": 100})
    lifecycle.record_step(pid, 1, __import__("datetime").date(2022, 1, 3))
    database.execute_sql("UPDATE project SET stage_no = 7 WHERE id = %s", (pid,))
    report = check_database()
    text = report.text()
    assert report.healthy and len(report.fixed) == 1, text
    assert "服务器模式" in text and "ANALYZE" in text and "VACUUM）" not in text
    assert Project.get_by_id(pid).stage_no == 1
