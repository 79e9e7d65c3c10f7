"""One window per database file; a stale lock of a dead process is taken over; a command-line write
waits for another process's write and says so, instead of failing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.services.single_instance import (
    WAIT_MESSAGE,
    AlreadyOpenError,
    acquire_gui_lock,
    is_write_locked,
    lock_path,
    wait_until_writable,
)

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL, text=True, encoding="utf-8",
    )


HOLD_GUI_LOCK = """
import sys, time
from desktop.services.single_instance import acquire_gui_lock
lock = acquire_gui_lock(sys.argv[1])
print("locked", flush=True)
time.sleep(60)
"""


def test_a_second_window_on_the_same_database_is_refused(tmp_path):
    db_file = tmp_path / "数据" / "investdesk.db"
    db_file.parent.mkdir()
    first = acquire_gui_lock(db_file)
    try:
        with pytest.raises(AlreadyOpenError) as info:
            acquire_gui_lock(db_file)
        message = str(info.value)
        assert "已经在另一个招商工作台窗口中打开" in message and f"进程 {os.getpid()}" in message
        # Another database in the same folder is independent.
        acquire_gui_lock(tmp_path / "数据" / "demo.db").release()
    finally:
        first.release()
    acquire_gui_lock(db_file).release()  # free again after release


def test_a_lock_held_by_another_process_then_left_by_its_death(tmp_path):
    db_file = tmp_path / "investdesk.db"
    holder = _python(HOLD_GUI_LOCK, str(db_file))
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(AlreadyOpenError, match=f"进程 {holder.pid}"):
            acquire_gui_lock(db_file)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate(timeout=30)
    # The dead process's lock file is still there, naming it; the lock itself is gone.
    assert f"进程 {holder.pid}" in lock_path(db_file).read_text(encoding="utf-8")
    lock = acquire_gui_lock(db_file)
    try:
        assert f"进程 {os.getpid()}" in lock_path(db_file).read_text(encoding="utf-8")
    finally:
        lock.release()


def test_a_stale_lock_file_with_a_dead_pid_is_taken_over(tmp_path):
    db_file = tmp_path / "investdesk.db"
    lock_path(db_file).write_text("进程 999999，电脑 旧电脑，自 2022-08-25 09:00\n", encoding="utf-8")
    with acquire_gui_lock(db_file) as lock:
        assert lock.held


HOLD_WRITE = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
con.execute("INSERT INTO setting (key, value) VALUES ('held_by', 'other window')")
print("writing", flush=True)
time.sleep(float(sys.argv[2]))
con.execute("COMMIT")
print("committed", flush=True)
"""


def test_a_write_waits_for_another_processes_write_and_succeeds(fresh_db):
    from desktop.models import Project
    from desktop.services import projects
    from desktop.services.database import get_setting

    other = _python(HOLD_WRITE, str(fresh_db), "2")
    try:
        assert other.stdout.readline().strip() == "writing"
        assert is_write_locked(fresh_db)
        said = []
        started = time.monotonic()
        assert wait_until_writable(fresh_db, on_wait=said.append) is True
        assert said == [WAIT_MESSAGE] == ["数据库正被其他窗口写入，正在等待……"]
        # The write itself would also have waited (busy_timeout), not failed.
        projects.create_project({"name": "等待后写入", "total_investment": Decimal(10)})
        waited = time.monotonic() - started
    finally:
        _out, err = other.communicate(timeout=30)
    assert other.returncode == 0, err
    assert waited >= 1.0
    assert Project.get(Project.name == "等待后写入")
    assert get_setting("held_by") == "other window"
    assert wait_until_writable(fresh_db, on_wait=said.append) is False
    assert said == [WAIT_MESSAGE]


def test_busy_timeout_alone_lets_a_write_wait_through_a_two_second_lock(fresh_db):
    """A write transaction begun IMMEDIATE waits (busy_timeout) for the other writer. A DEFERRED one
    that read first would fail with "database is locked" (SQLITE_BUSY_SNAPSHOT, not retried) once
    the other process commits — hence lock_type="IMMEDIATE" on the SqliteDatabase (desktop/db.py)."""
    from desktop.db import SQLITE_PRAGMAS, database
    from desktop.models import Project
    from desktop.services import projects

    assert SQLITE_PRAGMAS["busy_timeout"] >= 5000
    other = _python(HOLD_WRITE, str(fresh_db), "2")
    try:
        assert other.stdout.readline().strip() == "writing"
        started = time.monotonic()
        with database.atomic("IMMEDIATE"):
            projects.create_project({"name": "直接写入", "total_investment": Decimal(10)})
        assert time.monotonic() - started >= 1.0
    finally:
        other.communicate(timeout=30)
    assert Project.select().where(Project.name == "直接写入").count() == 1


def test_the_command_line_reads_while_a_window_holds_the_database(fresh_db):
    lock = acquire_gui_lock(fresh_db)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "desktop", "stats", "--db", str(fresh_db), "--from", "2022-01-01", "--to", "2022-06-30"],
            cwd=ROOT, capture_output=True, timeout=120, stdin=subprocess.DEVNULL,
        )
        assert result.returncode == 0, result.stderr.decode("utf-8", errors="replace")
    finally:
        lock.release()


def test_a_plain_service_write_waits_for_another_processes_write(fresh_db):
    from desktop.models import Project
    from desktop.services import projects

    other = _python(HOLD_WRITE, str(fresh_db), "2")
    try:
        assert other.stdout.readline().strip() == "writing"
        projects.create_project({"name": "没有先等待", "total_investment": Decimal(10)})
    finally:
        other.communicate(timeout=30)
    assert Project.select().where(Project.name == "没有先等待").count() == 1
