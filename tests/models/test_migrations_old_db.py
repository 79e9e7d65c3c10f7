"""A database made by the first schema version (tests/fixtures/investdesk-v1.db, built by
tests/fixtures/make_v1_db.py) is upgraded to the current version with its data intact, backed up
first, and ends with exactly the tables and columns of a database created today."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest

from desktop import db
from desktop.db import database
from desktop.migrations import CURRENT_VERSION, migrate, schema_version
from desktop.services.database import init_database, open_database

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "investdesk-v1.db"
D = dt.date


@pytest.fixture
def old_db(tmp_path):
    target = tmp_path / "旧版 数据" / "investdesk.db"
    target.parent.mkdir()
    shutil.copyfile(FIXTURE, target)
    yield target
    db.close()


def _schema(path: Path) -> dict[str, set[str]]:
    """Table → column names, as SQLite itself reports them."""
    with closing(sqlite3.connect(path)) as raw:
        tables = [row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: {row[1] for row in raw.execute(f'PRAGMA table_info("{t}")')} for t in tables}


def _indexes(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as raw:
        return {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'")}


def test_the_fixture_really_is_version_1():
    with closing(sqlite3.connect(FIXTURE)) as raw:
        assert raw.execute("SELECT MAX(version), COUNT(*) FROM schema_info").fetchone() == (1, 1)
        assert raw.execute("SELECT COUNT(*) FROM project").fetchone()[0] == 3
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "import_record" not in tables  # a version-2 table


def test_the_first_version_is_upgraded_with_its_data(old_db, tmp_path):
    from desktop.models import LifecycleStep, Project, StatusChange, StepRecord, Unit
    from desktop.services import lifecycle, projects
    from desktop.services.database import code_prefix, installation_name

    open_database(old_db)
    assert schema_version() == CURRENT_VERSION

    # The rows are all there and read through today's models.
    assert installation_name() == "将乐县招商服务中心" and code_prefix() == "JL"
    assert LifecycleStep.select().count() == 23
    assert Unit.select().count() == 5
    fuyuan = Project.get(Project.code == "JL-2022-0001")
    assert fuyuan.name == "富远新型铝材产业园"
    assert fuyuan.total_investment == Decimal(150000)
    assert fuyuan.fixed_asset_investment == Decimal(75000)
    assert fuyuan.investor.name == "福建富远铝业有限公司"
    assert fuyuan.leader.name == "张三"
    assert (fuyuan.stage_no, fuyuan.signed_on, fuyuan.library_on, fuyuan.started_on) == (19, D(2021, 3, 1), D(2021, 3, 20), D(2021, 5, 8))
    assert StepRecord.select().count() == 19 + 10 + 3
    assert StatusChange.select().count() == 1
    xuelingzhi = Project.get(Project.code == "JL-2022-0003")
    assert projects.status_on(xuelingzhi.id, D(2022, 7, 1)) == "正常"
    assert projects.status_on(xuelingzhi.id, D(2022, 7, 20)) == "暂缓"
    for project in Project.select():
        assert lifecycle.derive_stage(lifecycle.project_records(project.id)).stage_no == project.stage_no

    # And the upgraded file can be worked with: a step, a new project, a status change.
    jiuce = Project.get(Project.code == "JL-2022-0002")
    lifecycle.record_step(jiuce.id, 19, D(2022, 7, 2), today=D(2022, 8, 31))
    assert Project.get_by_id(jiuce.id).started_on == D(2022, 7, 2)
    new_id = projects.create_project({"name": "升级后新录入", "total_investment": Decimal(500)}, today=D(2022, 8, 31))
    assert Project.get_by_id(new_id).code.startswith("JL-2022-")
    projects.change_status(new_id, "终止", D(2022, 8, 30), "测试", today=D(2022, 8, 31))


def test_the_upgraded_file_has_exactly_the_tables_and_columns_of_a_new_one(old_db, tmp_path):
    open_database(old_db)
    db.close()
    new = tmp_path / "新建" / "investdesk.db"
    new.parent.mkdir()
    init_database(new)
    db.close()
    old_schema, new_schema = _schema(old_db), _schema(new)
    assert set(old_schema) == set(new_schema)
    for table, columns in new_schema.items():
        assert old_schema[table] == columns, f"表 {table} 的列不同"
    assert _indexes(new) == _indexes(old_db)


def test_a_backup_of_the_old_file_is_made_before_migrating(old_db):
    from desktop.services.backup import list_backups

    open_database(old_db)
    [copy] = list_backups(old_db)
    assert copy.label == f"before-v{CURRENT_VERSION}"
    with closing(sqlite3.connect(copy.path)) as raw:
        assert raw.execute("SELECT MAX(version) FROM schema_info").fetchone()[0] == 1
        assert raw.execute("SELECT COUNT(*) FROM project").fetchone()[0] == 3
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_migrating_twice_changes_nothing(old_db):
    open_database(old_db)
    rows = database.execute_sql("SELECT version, applied_at FROM schema_info ORDER BY version").fetchall()
    schema = _schema(old_db)
    projects = database.execute_sql("SELECT * FROM project ORDER BY id").fetchall()
    assert migrate() == CURRENT_VERSION
    db.close()
    open_database(old_db)
    assert migrate() == CURRENT_VERSION
    assert database.execute_sql("SELECT version, applied_at FROM schema_info ORDER BY version").fetchall() == rows
    assert database.execute_sql("SELECT * FROM project ORDER BY id").fetchall() == projects
    assert _schema(old_db) == schema
    from desktop.services.backup import list_backups

    assert len(list_backups(old_db)) == 1  # no second pre-migration backup


def test_the_upgraded_file_passes_the_database_check(old_db):
    from desktop.services.integrity import check_database

    open_database(old_db)
    report = check_database()
    assert report.healthy and not report.fixed, report.text()


def test_two_processes_opening_the_old_file_at_once_migrate_it_once(old_db):
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    code = (
        "import sys\n"
        "from desktop.services.database import open_database\n"
        "open_database(sys.argv[1])\n"
        "print('ok')\n"
    )
    children = [
        subprocess.Popen([sys.executable, "-c", code, str(old_db)], cwd=root, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, encoding="utf-8")
        for _ in range(2)
    ]
    results = [child.communicate(timeout=120) for child in children]  # both have ended before any assert
    for child, (out, err) in zip(children, results):
        assert child.returncode == 0 and out.strip() == "ok", err
    with closing(sqlite3.connect(old_db)) as raw:
        versions = [row[0] for row in raw.execute("SELECT version FROM schema_info ORDER BY version")]
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert len(versions) == len(set(versions))  # every step recorded once
    assert max(versions) == CURRENT_VERSION
