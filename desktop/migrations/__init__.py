"""Numbered, idempotent schema migrations, run at start-up after a backup.

Each module `mNNNN_*.py` has `VERSION = NNNN` and `apply(db)`. Every step must be safe to run again
(create-if-missing, add-column-if-missing), because a migration interrupted half-way is simply run
again at the next start. The version reached is kept in the `schema_info` table.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import pkgutil
import sqlite3
from pathlib import Path

import peewee

from desktop.db import database, database_file
from desktop.errors import DatabaseError

log = logging.getLogger(__name__)


def _migration_modules():
    mods = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            mods.append(importlib.import_module(f"{__name__}.{info.name}"))
    mods.sort(key=lambda m: m.VERSION)
    return mods


MIGRATIONS = _migration_modules()
CURRENT_VERSION = MIGRATIONS[-1].VERSION


def schema_version(db: peewee.Database | None = None) -> int:
    db = db or database
    if not db.table_exists("schema_info"):
        return 0
    row = db.execute_sql("SELECT MAX(version) FROM schema_info").fetchone()
    return int(row[0] or 0)


def check_not_newer(db: peewee.Database | None = None) -> int:
    version = schema_version(db)
    if version > CURRENT_VERSION:
        raise DatabaseError(
            f"这个数据库由较新版本的招商工作台创建（数据库版本 {version}，本程序只支持到 {CURRENT_VERSION}），"
            "请升级程序后再打开。"
        )
    return version


def backup_sqlite_file(source: Path, label: str) -> Path:
    """Copy a SQLite file with the online backup API into a `backups` folder beside it."""
    folder = source.parent / "backups"
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{source.stem}-{label}-{stamp}.db"
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def migrate(db: peewee.Database | None = None) -> int:
    """Bring the open database to CURRENT_VERSION; returns the version it had before."""
    db = db or database
    before = check_not_newer(db)
    if before == CURRENT_VERSION:
        return before
    path = database_file()
    if before > 0 and path is not None and path.exists():
        backup = backup_sqlite_file(path, f"before-v{CURRENT_VERSION}")
        log.info("backed up %s to %s before migrating", path, backup)
    db.execute_sql("CREATE TABLE IF NOT EXISTS schema_info (version INTEGER NOT NULL, applied_at TEXT NOT NULL)")
    for module in MIGRATIONS:
        if module.VERSION <= before:
            continue
        with db.atomic():
            module.apply(db)
            mark = db.param
            db.execute_sql(
                f"INSERT INTO schema_info (version, applied_at) VALUES ({mark}, {mark})",
                (int(module.VERSION), dt.datetime.now().isoformat(timespec="seconds")),
            )
        log.info("migrated database to version %s", module.VERSION)
    return before
