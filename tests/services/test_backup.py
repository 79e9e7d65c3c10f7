"""Backups: checked online copies, automatic only when changed, thinning, export to a stick, restore."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import sys
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest

from desktop import db
from desktop.errors import DatabaseError
from desktop.services import backup
from desktop.services.backup import BackupError, BackupInfo

FIXTURE_V1 = Path(__file__).resolve().parents[1] / "fixtures" / "investdesk-v1.db"


def _projects_in(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as raw:
        return [row[0] for row in raw.execute("SELECT name FROM project ORDER BY id")]


def _add_project(name: str, code: str = "JL-2022-0001") -> int:
    from desktop.services import projects

    return projects.create_project({"name": name, "code": code, "total_investment": Decimal(100)})


def test_a_backup_before_an_import_is_a_checked_single_file_copy(fresh_db):
    _add_project("备份里的项目")
    copy = backup.backup_before("import")
    assert copy.parent == fresh_db.parent / "backups"
    assert copy.name.startswith("investdesk-before-import-") and copy.suffix == ".db"
    assert _projects_in(copy) == ["备份里的项目"]
    with closing(sqlite3.connect(copy)) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # no -wal needed beside it
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not list(copy.parent.glob("*.part"))
    [info] = backup.list_backups()
    assert (info.path, info.label, info.kind) == (copy, "before-import", "导入前")


def test_the_old_import_hook_still_backs_up(fresh_db):
    from desktop.migrations import backup_sqlite_file

    copy = backup_sqlite_file(fresh_db, "before-import")
    assert copy.is_file() and backup.list_backups()[0].path == copy


def test_two_backups_in_the_same_second_do_not_overwrite_each_other(fresh_db):
    now = dt.datetime(2022, 8, 25, 15, 30)
    first = backup.make_backup(fresh_db, "before-delete", now=now)
    second = backup.make_backup(fresh_db, "before-delete", now=now)
    assert first != second and first.is_file() and second.is_file()


def test_automatic_backup_only_when_the_data_changed(fresh_db):
    first = backup.backup_if_changed()
    assert first is not None and first.name.startswith("investdesk-auto-")
    assert backup.backup_if_changed() is None  # nothing written since

    # Closing and reopening the database (checkpoint, WAL removed) and reading is not a change.
    db.close()
    from desktop.services.database import open_database

    open_database(fresh_db)
    from desktop.models import Project

    assert Project.select().count() == 0
    assert backup.backup_if_changed() is None
    assert len(backup.list_backups()) == 1

    _add_project("新录入的项目")
    second = backup.backup_if_changed(now=dt.datetime.now() + dt.timedelta(seconds=2))
    assert second is not None
    assert _projects_in(second) == ["新录入的项目"]
    assert not first.exists()  # thinning: the newest copy of a day stands for that day
    assert backup.backup_if_changed() is None


def test_a_copy_that_fails_quick_check_is_deleted_and_the_backup_fails(tmp_path):
    damaged = tmp_path / "损坏.db"
    with closing(sqlite3.connect(damaged)) as raw:
        raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT)")
        raw.executemany("INSERT INTO t (text) VALUES (?)", [("x" * 200,) for _ in range(2000)])
        raw.execute("CREATE INDEX t_text ON t (text)")
        raw.commit()
    data = bytearray(damaged.read_bytes())
    page = 4096
    for offset in range(page * 3, page * 3 + 600):  # scribble over a b-tree page
        data[offset] = 0xFF
    damaged.write_bytes(bytes(data))

    with pytest.raises(BackupError, match="完整性检查|损坏"):
        backup.make_backup(damaged, "auto")
    folder = tmp_path / "backups"
    assert list(folder.iterdir()) == []  # neither the bad copy nor a .part is left


def _info(when: dt.datetime, label: str = "auto") -> BackupInfo:
    return BackupInfo(Path(f"/b/investdesk-{label}-{when:%Y%m%d-%H%M%S}.db"), when, label, 1)


def test_thinning_keeps_12_days_10_weeks_9_months_and_recent_labelled_ones():
    now = dt.datetime(2022, 8, 25, 18, 0)
    backups = []
    day = dt.date(2021, 6, 1)
    while day <= now.date():
        for hour in (9, 17):
            backups.append(_info(dt.datetime.combine(day, dt.time(hour))))
        day += dt.timedelta(days=1)
    recent_import = _info(dt.datetime(2022, 8, 22, 10, 0), "before-import")
    old_import = _info(dt.datetime(2022, 8, 1, 10, 0), "before-import")
    migration = _info(dt.datetime(2022, 8, 24, 8, 0), "before-v3")
    backups += [recent_import, old_import, migration]

    keep = backup.backups_to_keep(backups, now=now)
    kept = sorted(b.made_at for b in backups if b.path in keep)
    # 12 days: 14–25 August, the evening copy of each.
    days = [dt.datetime(2022, 8, d, 17) for d in range(14, 26)]
    assert set(days) <= set(kept)
    assert dt.datetime(2022, 8, 25, 9) not in kept  # the older copy of a kept day goes
    assert dt.datetime(2022, 8, 13, 17) not in kept or dt.date(2022, 8, 13).isoweekday() == 7
    # 10 ISO weeks: the Sunday evening copy of each earlier week (Aug 14 is a Sunday).
    sundays = [dt.datetime(2022, 8, 14, 17) - dt.timedelta(weeks=w) for w in range(0, 8)]  # down to 26 June
    assert set(sundays) <= set(kept)
    assert dt.datetime(2022, 6, 19, 17) not in kept  # the 11th week back
    # 9 months: the last evening of each month back to December 2021.
    month_ends = [dt.datetime(2021, 12, 31, 17), dt.datetime(2022, 1, 31, 17), dt.datetime(2022, 2, 28, 17),
                  dt.datetime(2022, 3, 31, 17), dt.datetime(2022, 4, 30, 17), dt.datetime(2022, 5, 31, 17),
                  dt.datetime(2022, 6, 30, 17), dt.datetime(2022, 7, 31, 17)]
    assert set(month_ends) <= set(kept)
    assert dt.datetime(2021, 11, 30, 17) not in kept
    assert min(kept) == dt.datetime(2021, 12, 31, 17)
    # Labelled copies: kept for 14 days.
    assert recent_import.path in keep and migration.path in keep
    assert old_import.path not in keep
    auto_kept = [b for b in backups if b.path in keep and b.label == "auto"]
    assert len(auto_kept) == len(set(days) | set(sundays) | set(month_ends))


def test_thin_backups_deletes_files_of_this_database_only(tmp_path):
    db_file = tmp_path / "investdesk.db"
    db_file.write_bytes(b"")
    folder = tmp_path / "backups"
    folder.mkdir()
    now = dt.datetime(2022, 8, 25, 18, 0)
    names = [f"investdesk-auto-{now - dt.timedelta(days=d):%Y%m%d-%H%M%S}.db" for d in range(0, 400, 3)]
    for name in names:
        (folder / name).write_bytes(b"x")
    other = folder / f"demo-auto-{now - dt.timedelta(days=399):%Y%m%d-%H%M%S}.db"
    other.write_bytes(b"x")
    unrelated = folder / "说明.txt"
    unrelated.write_text("留着", encoding="utf-8")

    import os

    stale, fresh = folder / "investdesk-auto-20220820-100000.db.123-4.part", folder / "investdesk-auto-20220825-175900.db.5-6.part"
    for part, when in ((stale, now - dt.timedelta(days=2)), (fresh, now - dt.timedelta(minutes=1))):
        part.write_bytes(b"x")
        os.utime(part, (when.timestamp(), when.timestamp()))

    removed = backup.thin_backups(db_file, now=now)
    assert not stale.exists() and fresh.exists()  # an interrupted copy is cleared after a day
    left = backup.list_backups(db_file)
    assert removed and len(left) + len(removed) == len(names)
    assert len(left) <= 12 + 10 + 9
    assert left[0].path.name == names[0]  # the newest is kept
    assert other.exists() and unrelated.exists()


def test_export_to_a_chosen_folder_with_a_readable_name(fresh_db, tmp_path):
    _add_project("导出的项目")
    stick = tmp_path / "U盘 备份"
    stick.mkdir()
    now = dt.datetime(2022, 8, 25, 15, 30)
    first = backup.export_backup(stick, now=now)
    assert first.name == "将乐县招商服务中心-2022-08-25-1530.db"
    assert _projects_in(first) == ["导出的项目"]
    second = backup.export_backup(stick, now=now)
    assert second.name == "将乐县招商服务中心-2022-08-25-1530-2.db"
    assert {p.name for p in stick.iterdir()} == {first.name, second.name}  # no -wal, no .part


def test_export_to_a_missing_folder_is_a_user_error(fresh_db, tmp_path):
    with pytest.raises(BackupError, match="文件夹不存在"):
        backup.export_backup(tmp_path / "没有插上的U盘")


def test_restore_brings_the_data_back_after_backing_up_the_current_data(fresh_db, tmp_path):
    from desktop.models import Project

    _add_project("原来的项目")
    saved = backup.export_backup(tmp_path, now=dt.datetime(2022, 8, 25, 15, 30))
    Project.update(name="改错了的名称").execute()
    _add_project("后来录入的项目", code="JL-2022-0002")

    outcome = backup.restore_backup(saved)
    assert [p.name for p in Project.select().order_by(Project.id)] == ["原来的项目"]
    assert outcome.projects == 1
    assert outcome.safety_backup.name.startswith("investdesk-before-restore-")
    assert _projects_in(outcome.safety_backup) == ["改错了的名称", "后来录入的项目"]
    with closing(sqlite3.connect(fresh_db)) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The restored data can be edited as usual.
    _add_project("恢复后录入", code="JL-2022-0003")
    assert Project.select().count() == 2


def test_restoring_a_first_version_backup_migrates_it(fresh_db, tmp_path):
    from desktop.migrations import CURRENT_VERSION, schema_version
    from desktop.models import Project

    old = tmp_path / "旧版备份.db"
    shutil.copyfile(FIXTURE_V1, old)
    backup.restore_backup(old)
    assert schema_version() == CURRENT_VERSION
    assert Project.select().count() == 3
    assert Project.get(Project.code == "JL-2022-0001").total_investment == Decimal(150000)


def test_restore_refuses_other_files_and_newer_versions(fresh_db, tmp_path):
    from desktop.migrations import CURRENT_VERSION
    from desktop.models import Project

    _add_project("不能被覆盖")
    text = tmp_path / "说明.db"
    text.write_text("不是数据库", encoding="utf-8")
    foreign = tmp_path / "别的程序.db"
    with closing(sqlite3.connect(foreign)) as raw:
        raw.execute("CREATE TABLE stuff (id INTEGER)")
        raw.commit()
    newer = tmp_path / "新版.db"
    backup.export_backup(tmp_path, name="新版")
    exported = next(tmp_path.glob("新版-*.db"))
    exported.rename(newer)
    with closing(sqlite3.connect(newer)) as raw:
        raw.execute("INSERT INTO schema_info VALUES (?, '2099-01-01')", (CURRENT_VERSION + 1,))
        raw.commit()

    with pytest.raises(DatabaseError, match="不是 SQLite"):
        backup.restore_backup(text)
    with pytest.raises(DatabaseError, match="不是招商工作台的数据库"):
        backup.restore_backup(foreign)
    with pytest.raises(DatabaseError, match="较新版本"):
        backup.restore_backup(newer)
    with pytest.raises(BackupError, match="数据库文件本身"):
        backup.restore_backup(fresh_db)
    assert [p.name for p in Project.select()] == ["不能被覆盖"]
    assert backup.list_backups() == []  # nothing was even backed up for a refused restore


def test_no_file_backups_when_nothing_is_open():
    from desktop.db import database

    db.close()
    database.initialize(None)
    assert backup.backup_before("import") is None
    assert backup.backup_if_changed() is None
    assert backup.list_backups() == []


def test_pg_dump_missing_asks_for_the_servers_own_backup(monkeypatch):
    monkeypatch.setattr(backup, "find_pg_dump", lambda: None)
    with pytest.raises(backup.ServerBackupNeeded, match="请确认服务器备份是最新的"):
        backup.pg_dump_backup("postgresql://u:secret@localhost/x", "before-v9")


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in pg_dump is a shell script")
def test_pg_dump_failing_in_the_systems_code_page_is_told_in_chinese(monkeypatch, tmp_path):
    """On a Chinese Windows pg_dump writes its messages in GBK, not UTF-8: the user reads them, not mojibake."""
    import locale

    fake = tmp_path / "pg_dump.py"
    fake.write_text("import sys\nsys.stderr.buffer.write('pg_dump: 错误: 连接到服务器失败：密码认证失败\\n'.encode('gbk'))\n"
                    "sys.exit(1)\n", encoding="utf-8")
    script = tmp_path / "pg_dump"
    script.write_text(f"#!/bin/sh\nexec '{sys.executable}' '{fake}' \"$@\"\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setattr(backup, "find_pg_dump", lambda: str(script))
    monkeypatch.setattr(locale, "getpreferredencoding", lambda do_setlocale=True: "gbk")
    with pytest.raises(backup.ServerBackupNeeded, match="pg_dump 备份失败（pg_dump: 错误: 连接到服务器失败：密码认证失败）"):
        backup.pg_dump_backup("postgresql://u:secret@localhost/x", "before-v9", folder=tmp_path / "out")
