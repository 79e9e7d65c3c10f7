"""One window per database file, and command-line writes that wait for the window instead of failing.

The window takes an operating-system lock on `<database>.lock` beside the file (fcntl.flock on
Linux/macOS, msvcrt.locking on Windows) and writes its process id into it. The lock, not the
file's existence, is what counts: the operating system drops it when the process ends, even when
it is killed, so a lock file left by a dead process is simply taken over. Plain OS locking keeps
this below the views (no Qt), usable by the GUI start-up and testable headless; QLockFile would
need its own stale-lock heuristics (pid + host + age) for the same result.

The command line takes no such lock: it may read while a window is open. Before a write it calls
`wait_until_writable`, which says “数据库正被其他窗口写入，正在等待……” if another process holds
SQLite's write lock, then waits (busy_timeout does the rest for the write itself).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
import sys
import time
from pathlib import Path
from typing import Callable

from desktop.errors import DatabaseError

WAIT_MESSAGE = "数据库正被其他窗口写入，正在等待……"
_LOCK_OFFSET = 1 << 20  # Windows locks a byte range: lock one far past the text, so it stays readable


class AlreadyOpenError(DatabaseError):
    """Another window of the program has this database open."""


def lock_path(db_file) -> Path:
    db_file = Path(db_file)
    return db_file.with_name(db_file.name + ".lock")


def _try_lock(fh) -> bool:
    if sys.platform == "win32":
        import msvcrt

        fh.seek(_LOCK_OFFSET)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fh) -> None:
    if sys.platform == "win32":
        import msvcrt

        fh.seek(_LOCK_OFFSET)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


class InstanceLock:
    """Held by the window for as long as it has the database open; `release()` on close."""

    def __init__(self, db_file, handle):
        self.db_file = Path(db_file)
        self.path = lock_path(db_file)
        self._handle = handle

    @property
    def held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        if self._handle is None:
            return
        try:
            self._handle.seek(0)
            self._handle.truncate()
            self._handle.flush()
            _unlock(self._handle)
        finally:
            self._handle.close()
            self._handle = None
        # The file stays: deleting it would let a process that opened it just before lock a
        # file nobody else can see any more.

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()


def holder_of(db_file) -> str:
    """What the lock file says about its holder ("进程 1234，电脑 XXX，自 …"), "" if nothing."""
    try:
        text = lock_path(db_file).read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return text.splitlines()[0] if text else ""


def acquire_gui_lock(db_file) -> InstanceLock:
    """Take the window lock of `db_file`, or raise AlreadyOpenError with a Chinese message."""
    path = lock_path(db_file)
    try:
        handle = open(path, "a+b")  # binary: Windows locks a byte offset, which text files cannot seek to
    except OSError as exc:
        raise DatabaseError(f"无法在数据库所在文件夹建立锁文件 {path}（{exc.strerror or exc}）") from exc
    if not _try_lock(handle):
        handle.close()
        who = holder_of(db_file)
        raise AlreadyOpenError(
            f"这个数据库已经在另一个招商工作台窗口中打开{f'（{who}）' if who else ''}：{Path(db_file)}\n"
            "请切换到那个窗口继续工作；同一个数据库同时只能在一个窗口中打开。"
        )
    handle.seek(0)
    handle.truncate()
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    handle.write(f"进程 {os.getpid()}，电脑 {socket.gethostname()}，自 {stamp}\n".encode("utf-8"))
    handle.flush()
    return InstanceLock(db_file, handle)


def is_write_locked(db_file) -> bool:
    """Whether another connection holds SQLite's write lock on `db_file` right now."""
    con = sqlite3.connect(str(db_file), timeout=0, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return True
        raise
    else:
        con.execute("ROLLBACK")
        return False
    finally:
        con.close()


def wait_until_writable(db_file, *, on_wait: Callable[[str], None] | None = None, timeout: float = 600.0,
                        poll: float = 0.2) -> bool:
    """Before a command-line write: if another window is writing, say so and wait for it.

    Returns whether it had to wait. Raises DatabaseError after `timeout` seconds.
    """
    if not is_write_locked(db_file):
        return False
    if on_wait is not None:
        on_wait(WAIT_MESSAGE)
    deadline = time.monotonic() + timeout
    while is_write_locked(db_file):
        if time.monotonic() > deadline:
            raise DatabaseError(f"等了 {int(timeout)} 秒，数据库仍被其他窗口占用写入，请稍后再试：{db_file}")
        time.sleep(poll)
    return True
