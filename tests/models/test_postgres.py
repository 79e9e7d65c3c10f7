"""Server mode: the same models, migrations, services and statistics on PostgreSQL.

Runs only when INVESTDESK_TEST_PG_URL is set (e.g. postgresql://investdesk:pw@localhost/investdesk_test;
.ci/run starts a server and sets it). WARNING: every table in that database's current schema is
dropped before each test — point it at a database kept for tests only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.small_library import build_small_library

PG_URL = os.environ.get("INVESTDESK_TEST_PG_URL", "")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="INVESTDESK_TEST_PG_URL is not set (no PostgreSQL server for tests)"),
]

D = dt.date
TODAY = D(2022, 8, 31)


def _drop_all_tables() -> None:
    from desktop import db
    from desktop.db import database

    db.connect(PG_URL)
    try:
        tables = [
            row[0]
            for row in database.execute_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            ).fetchall()
        ]
        for table in tables:
            database.execute_sql(f'DROP TABLE IF EXISTS "{table}" CASCADE')
    finally:
        db.close()


@pytest.fixture
def pg_db():
    from desktop import db
    from desktop.services.database import init_database

    _drop_all_tables()
    init_database(PG_URL)
    yield PG_URL
    db.close()


def test_the_url_is_a_server():
    import peewee

    from desktop.db import make_database, sqlite_path_from_url

    assert sqlite_path_from_url(PG_URL) is None
    assert isinstance(make_database(PG_URL), peewee.PostgresqlDatabase)


def test_init_and_reopen(pg_db):
    from desktop import db
    from desktop.migrations import CURRENT_VERSION, migrate, schema_version
    from desktop.models import LifecycleStep, Unit
    from desktop.services.database import code_prefix, open_database

    assert not db.is_sqlite()
    assert db.database_file() is None
    assert schema_version() == CURRENT_VERSION
    assert LifecycleStep.select().count() == 23
    assert Unit.select().where(Unit.kind == "乡镇").count() == 13
    assert code_prefix() == "JL"
    assert migrate() == CURRENT_VERSION  # a second run changes nothing
    db.close()
    open_database(pg_db)
    assert schema_version() == CURRENT_VERSION
    assert LifecycleStep.select().count() == 23


def test_a_newer_schema_is_refused(pg_db):
    from desktop import db
    from desktop.db import database
    from desktop.errors import DatabaseError
    from desktop.migrations import CURRENT_VERSION
    from desktop.services.database import open_database

    database.execute_sql(
        "INSERT INTO schema_info (version, applied_at) VALUES (%s, %s)", (CURRENT_VERSION + 1, "2099-01-01T00:00:00")
    )
    db.close()
    with pytest.raises(DatabaseError, match="较新版本"):
        open_database(pg_db)


def test_amounts_are_exact_on_the_server(pg_db):
    from peewee import fn

    from desktop.models import Project
    from desktop.models.base import yuan_to_wan

    amounts = [Decimal("0.0001"), Decimal("12345.6789"), *[Decimal("0.1")] * 10, Decimal("7654.3210")]
    for i, amount in enumerate(amounts, 1):
        Project.create(code=f"JL-2022-{i:04d}", name=f"项目{i}", total_investment=amount)
    assert Project.get(Project.code == "JL-2022-0002").total_investment == Decimal("12345.6789")
    assert Project.get(Project.code == "JL-2022-0001").total_investment == Decimal("0.0001")
    total = Project.select(fn.SUM(Project.total_investment).coerce(False)).scalar()
    assert yuan_to_wan(total) == sum(amounts) == Decimal("20001")


def test_statistics_on_the_server(pg_db):
    from desktop.services.stats import compute_stats

    build_small_library(TODAY)
    figures = compute_stats(D(2022, 1, 1), D(2022, 6, 30))
    expected = {
        "library_projects": 3, "library_investment_yi": Decimal("3.00"),
        "above_yi_projects": 2, "above_yi_investment_yi": Decimal("2.50"),
        "above_yi_started_projects": 1, "above_yi_started_investment_yi": Decimal("1.50"),
        "cloud_signed_projects": 1, "cloud_signed_investment_yi": Decimal("2.00"),
        "negotiating_projects": 2, "negotiating_investment_yi": Decimal("2.00"),
    }
    for key, value in expected.items():
        assert figures[key] == value, key
    july = compute_stats(D(2022, 7, 1), D(2022, 7, 31))
    assert july["library_projects"] == 1
    assert july["library_investment_yi"] == Decimal("3.00")


def test_lifecycle_status_and_duplicates_on_the_server(pg_db):
    from desktop.models import Project
    from desktop.services import lifecycle, projects

    ids = build_small_library(TODAY)
    pid = ids["久策气体（将乐）"]
    row = Project.get_by_id(pid)
    assert (row.stage_no, row.signed_on, row.library_on, row.started_on) == (19, D(2022, 6, 1), D(2022, 6, 30), D(2022, 7, 2))
    lifecycle.record_step(pid, 14, D(2022, 7, 10), not_applicable=True, today=TODAY)
    lifecycle.undo_step(pid, 19)
    row = Project.get_by_id(pid)
    assert (row.stage_no, row.started_on) == (14, None)
    assert lifecycle.derive_stage(lifecycle.project_records(pid)).stage_no == 14

    pending = ids["血灵芝深加工二期"]
    assert projects.status_on(pending, D(2022, 6, 30)) == "正常"
    assert projects.status_on(pending, D(2022, 7, 15)) == "暂缓"

    found = projects.find_similar("久策气体(将乐)")
    assert [(f.project_id, f.same) for f in found] == [(pid, True)]
    assert projects.next_code(2022) == "JL-2022-0010"


def test_project_list_on_the_server(pg_db):
    from desktop.services.project_list import ProjectFilter, filter_indices, load_rows, summarise

    build_small_library(TODAY)
    rows = load_rows()
    assert len(rows) == 9
    fuyuan = next(r for r in rows if r.name == "富远新型铝材产业园")
    assert fuyuan.library_on == "2022-03-01"
    assert fuyuan.is_key  # 1 from SQLite, True from PostgreSQL
    assert fuyuan.total_yuan == 150_000_000
    found = filter_indices(rows, ProjectFilter(text="fyly"))
    assert [rows[i].name for i in found] == ["富远新型铝材产业园"]
    summary = summarise(rows, filter_indices(rows, ProjectFilter(amount_band="亿元以上")))
    assert (summary.count, summary.total_wan) == (5, Decimal("87345.6789"))


def test_the_command_line_reads_the_server(pg_db):
    from desktop import db

    build_small_library(TODAY)
    db.close()
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "stats", "--db", PG_URL, "--from", "2022-01-01", "--to", "2022-06-30", "--json"],
        capture_output=True, cwd=root, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", errors="replace")
    figures = json.loads(result.stdout, parse_float=Decimal)
    assert figures["library_projects"] == 3
    assert figures["negotiating_investment_yi"] == Decimal("2.00")
