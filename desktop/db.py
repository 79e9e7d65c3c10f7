"""The one database handle of the application.

Models bind to `database` (a proxy); `connect()` points it at a SQLite file or a PostgreSQL server.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee

from desktop.errors import DatabaseError

database = peewee.DatabaseProxy()

# How long opening a SQLite file waits for another program's write to finish (the busy timeout is 10 s).
LOCKED_RETRY_SECONDS = 30.0

# Given to the constructor, so every connection (GUI thread, workers, CLI) gets them.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
    "cache_size": -32000,
    # Reading the whole project library (100,000 rows) is ~25% faster through memory-mapped I/O.
    "mmap_size": 256 * 1024 * 1024,
}


def sqlite_path_from_url(url: str) -> Path | None:
    """The file of a SQLite URL or plain path, or None for a server URL.

    Accepts `sqlite:///relative.db`, `sqlite:////abs/path.db`, `sqlite:///C:/数据/x.db` and plain
    paths, Windows ones included (`C:\\数据\\x.db`).
    """
    text = str(url).strip()
    lowered = text.lower()
    if lowered.startswith(("postgresql://", "postgres://")):
        return None
    if lowered.startswith("sqlite:///"):
        rest = unquote(text[len("sqlite:///"):])
        # sqlite:///C:/x.db → "C:/x.db"; sqlite:////tmp/x.db → "/tmp/x.db"
        return Path(rest)
    if lowered.startswith("sqlite://"):
        raise DatabaseError(f"无法识别的数据库地址：{text}（应为 sqlite:///文件路径 或 postgresql://…）")
    if "://" in text and not (len(text) > 2 and text[1] == ":"):
        raise DatabaseError(f"无法识别的数据库地址：{text}（应为 sqlite:///文件路径 或 postgresql://…）")
    return Path(text)


def make_database(url: str | os.PathLike) -> peewee.Database:
    """Build (but do not open) a peewee database for a URL or path."""
    text = os.fspath(url)
    path = sqlite_path_from_url(text)
    if path is None:
        parsed = urlparse(text)
        try:
            import psycopg  # noqa: F401  (psycopg 3 is the named driver)
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise DatabaseError("服务器模式需要安装 psycopg（pip install \"investdesk[server]\"）") from exc
        return peewee.PostgresqlDatabase(
            unquote(parsed.path.lstrip("/")),
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            host=parsed.hostname or "localhost",
            port=parsed.port or 5432,
            prefer_psycopg3=True,  # psycopg 3 is the named driver, even if psycopg2 is installed
        )
    return peewee.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, check_same_thread=False, timeout=10,
                                 # BEGIN IMMEDIATE: a transaction takes the write lock at once, so it waits for
                                 # another writer (busy_timeout) instead of failing when it reaches its first write.
                                 lock_type="IMMEDIATE")


def is_sqlite() -> bool:
    return isinstance(database.obj, peewee.SqliteDatabase)


def database_file() -> Path | None:
    """The SQLite file in use, or None on a server."""
    if isinstance(database.obj, peewee.SqliteDatabase):
        return Path(database.obj.database)
    return None


def connect(url: str | os.PathLike, *, create: bool = False) -> peewee.Database:
    """Point the proxy at `url` and open it.

    A SQLite file that does not exist is refused unless `create` is true; a file that is not a
    SQLite database is refused with a Chinese message.
    """
    db = make_database(url)
    if isinstance(db, peewee.SqliteDatabase):
        path = Path(db.database)
        try:
            exists, is_dir, parent_exists = path.exists(), path.is_dir(), path.parent.exists()
        except OSError as exc:
            raise DatabaseError(f"无法访问 {path}（没有权限或路径无效）") from exc
        if not exists:
            if not create:
                raise DatabaseError(f"数据库文件不存在：{path}")
            if not parent_exists:
                raise DatabaseError(f"文件夹不存在：{path.parent}")
        elif is_dir:
            raise DatabaseError(f"这是一个文件夹，不是数据库文件：{path}")
        else:
            _check_sqlite_header(path, allow_empty=create)
    close()
    database.initialize(db)
    deadline = time.monotonic() + LOCKED_RETRY_SECONDS
    while True:
        try:
            db.connect(reuse_if_open=True)
            return db
        except (peewee.OperationalError, sqlite3.Error) as exc:
            # Switching an older file to WAL fails at once, without waiting, while another program is in
            # a write (another PC or window upgrading the same file): wait for it, as a write would.
            locked = isinstance(db, peewee.SqliteDatabase) and "locked" in str(exc).lower()
            if locked and time.monotonic() < deadline:
                if not db.is_closed():
                    db.close()
                time.sleep(0.2)
                continue
            if locked:
                raise DatabaseError(f"数据库正被另一个程序写入（可能正在升级），请稍后再打开：{redact(url)}") from exc
            raise DatabaseError(f"无法打开数据库 {redact(url)}：{redact(exc)}") from exc


def _check_sqlite_header(path: Path, *, allow_empty: bool = False) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise DatabaseError(f"无法读取数据库文件 {path}（没有权限或文件被占用）") from exc
    if not head and not allow_empty:
        raise DatabaseError(f"不是招商工作台的数据库（文件是空的）：{path}")
    if head and head != b"SQLite format 3\x00":
        raise DatabaseError(f"不是招商工作台的数据库文件（不是 SQLite 数据库）：{path}")


def redact(text) -> str:
    """A server URL or message without its password (postgresql://user:***@host/db)."""
    return re.sub(r"(://[^:/@\s]+:)[^@\s]+@", r"\1***@", str(text))


def close() -> None:
    if database.obj is not None and not database.obj.is_closed():
        database.obj.close()
