"""desktop.db: database URLs, opening files, and the SQLite pragmas on every connection."""

from __future__ import annotations

import threading
from pathlib import Path

import peewee
import pytest

from desktop import db
from desktop.db import connect, database, make_database, sqlite_path_from_url
from desktop.errors import DatabaseError


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///relative/x.db", Path("relative/x.db")),
        ("sqlite:////abs/path/x.db", Path("/abs/path/x.db")),
        ("sqlite:///C:/数据/x.db", Path("C:/数据/x.db")),
        ("sqlite:///%E6%95%B0%E6%8D%AE.db", Path("数据.db")),
        ("SQLITE:///upper.db", Path("upper.db")),
        ("/plain/abs/x.db", Path("/plain/abs/x.db")),
        ("plain.db", Path("plain.db")),
        ("  spaced.db  ", Path("spaced.db")),
        ("C:\\数据\\x.db", Path("C:\\数据\\x.db")),
        ("D:/招商/investdesk.db", Path("D:/招商/investdesk.db")),
    ],
)
def test_sqlite_urls_and_plain_paths_give_the_file(url, expected):
    assert sqlite_path_from_url(url) == expected


@pytest.mark.parametrize("url", ["postgresql://user:pw@localhost/investdesk", "postgres://localhost/x", "PostgreSQL://h/db"])
def test_server_urls_have_no_file(url):
    assert sqlite_path_from_url(url) is None


@pytest.mark.parametrize("url", ["http://example.com/x.db", "mysql://root@localhost/db", "sqlite://x.db", "ftp://a/b"])
def test_garbage_urls_are_refused_in_chinese(url):
    with pytest.raises(DatabaseError) as info:
        sqlite_path_from_url(url)
    assert "无法识别的数据库地址" in str(info.value)


def test_make_database_builds_sqlite_without_opening(tmp_path):
    target = tmp_path / "x.db"
    built = make_database(f"sqlite:///{target}")
    assert isinstance(built, peewee.SqliteDatabase)
    assert built.is_closed()
    assert not target.exists()


def test_missing_file_is_refused_unless_created(tmp_path):
    target = tmp_path / "missing.db"
    with pytest.raises(DatabaseError, match="数据库文件不存在"):
        connect(target)
    assert not target.exists()
    connect(target, create=True)
    try:
        assert target.exists()
    finally:
        db.close()


def test_create_in_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(DatabaseError, match="文件夹不存在"):
        connect(tmp_path / "没有" / "x.db", create=True)


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(DatabaseError, match="文件夹"):
        connect(tmp_path)


def test_a_text_file_is_not_a_database(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("这不是数据库\n", encoding="utf-8")
    with pytest.raises(DatabaseError, match="不是 SQLite 数据库"):
        connect(bogus)
    assert bogus.read_text(encoding="utf-8") == "这不是数据库\n"


def _pragmas() -> tuple[str, int, int]:
    mode = database.execute_sql("PRAGMA journal_mode").fetchone()[0]
    fks = database.execute_sql("PRAGMA foreign_keys").fetchone()[0]
    busy = database.execute_sql("PRAGMA busy_timeout").fetchone()[0]
    return mode, fks, busy


def test_pragmas_on_every_connection_including_another_thread(fresh_db):
    assert _pragmas() == ("wal", 1, 10000)

    # A new connection after closing (reopen) gets them again.
    db.close()
    database.connect()
    assert _pragmas() == ("wal", 1, 10000)

    seen = {}

    def worker():
        try:
            seen["pragmas"] = _pragmas()
        except Exception as exc:  # pragma: no cover - reported below
            seen["error"] = exc
        finally:
            database.close()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(10)
    assert "error" not in seen, seen.get("error")
    assert seen["pragmas"] == ("wal", 1, 10000)


def test_foreign_keys_are_enforced(fresh_db):
    from desktop.models import StepRecord

    with pytest.raises(peewee.IntegrityError):
        StepRecord.create(project=999_999, step=1, done_on="2022-01-01")


def test_opening_an_older_file_waits_while_another_program_writes_to_it(tmp_path):
    # Switching a file still in the old journal mode to WAL fails at once, without waiting, while another
    # connection is in a write (another PC or window upgrading the same file): opening waits instead.
    import sqlite3
    import threading
    import time

    from desktop import db

    path = tmp_path / "旧文件.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE t (x)")
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (1)")
    finished = threading.Timer(0.6, other.execute, ("COMMIT",))
    finished.start()
    started = time.monotonic()
    try:
        opened = db.connect(path)
        assert opened.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert time.monotonic() - started >= 0.5  # it waited for the other write rather than failing
    finally:
        finished.join()
        db.close()
        other.close()


def test_a_file_locked_for_longer_than_the_wait_says_so_in_chinese(tmp_path, monkeypatch):
    import sqlite3

    from desktop import db
    from desktop.errors import DatabaseError

    monkeypatch.setattr(db, "LOCKED_RETRY_SECONDS", 0.3)
    path = tmp_path / "旧文件.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE t (x)")
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (1)")
    try:
        with pytest.raises(DatabaseError, match="正被另一个程序写入"):
            db.connect(path)
    finally:
        other.execute("ROLLBACK")
        other.close()
        db.close()
