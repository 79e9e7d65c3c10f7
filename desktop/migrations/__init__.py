"""Numbered, idempotent schema migrations, run at start-up after a backup.

Each module `mNNNN_*.py` has `VERSION = NNNN` and `apply(db)`. Every step must be safe to run again
(create-if-missing, add-column-if-missing), because a migration interrupted half-way is simply run
again at the next start. The version reached is kept in the `schema_info` table.

Before migrating, a SQLite file is copied into its `backups` folder (desktop.services.backup); a
PostgreSQL database is dumped with pg_dump when it is on PATH — otherwise `ServerBackupNeeded` is
raised unless `confirm_server_backup` (set by the GUI, or by the CLI's confirmation) answers yes.
On a server, migrations run under an advisory lock: two clients starting a new version at once
migrate once (the second waits, then finds the schema current). On SQLite each step runs in an
IMMEDIATE transaction that re-reads the version, which does the same for two processes.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
import pkgutil
from pathlib import Path
from typing import Callable

import peewee

from desktop.db import database, database_file
from desktop.errors import DatabaseError

log = logging.getLogger(__name__)

# An arbitrary constant shared by every client of a server ("InvD" + "mig" in hex).
ADVISORY_LOCK_KEY = 0x496E7644_6D6967

# Asked (with the Chinese reason) before migrating a server database that could not be dumped
# first; returns True to go on. None: refuse with ServerBackupNeeded, unless a script has set
# the environment variable below to 1 (it has checked the server's own backup).
confirm_server_backup: Callable[[str], bool] | None = None
CONFIRM_ENV = "INVESTDESK_SERVER_BACKUP_CONFIRMED"


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
    """Kept for callers of the first version: a checked copy into the `backups` folder beside it.

    New code calls desktop.services.backup.backup_before("import" | "delete" | …).
    """
    from desktop.services.backup import make_backup

    return make_backup(Path(source), label)


def _is_postgres(db: peewee.Database) -> bool:
    target = db.obj if isinstance(db, peewee.DatabaseProxy) else db
    return isinstance(target, peewee.PostgresqlDatabase)


def _server_url(db: peewee.Database) -> str:
    target = db.obj if isinstance(db, peewee.DatabaseProxy) else db
    params = target.connect_params
    user = params.get("user") or ""
    password = params.get("password") or ""
    from urllib.parse import quote

    auth = ""
    if user:
        auth = quote(user, safe="") + (":" + quote(password, safe="") if password else "") + "@"
    return f"postgresql://{auth}{params.get('host') or 'localhost'}:{params.get('port') or 5432}/{quote(target.database, safe='')}"


def _backup_server(db: peewee.Database) -> None:
    from desktop.services.backup import ServerBackupNeeded, pg_dump_backup

    try:
        dump = pg_dump_backup(_server_url(db), f"before-v{CURRENT_VERSION}")
    except ServerBackupNeeded as exc:
        hook = confirm_server_backup
        if hook is None:
            if os.environ.get(CONFIRM_ENV) != "1":
                raise ServerBackupNeeded(
                    f"{exc.message}（命令行：确认后设置环境变量 {CONFIRM_ENV}=1 再运行）", reason=exc.reason
                ) from exc
        elif not hook(exc.message):
            raise
        log.warning("migrating the server without a pg_dump backup (confirmed by the user): %s", exc.message)
    else:
        log.info("server database dumped to %s before migrating", dump)


def migrate(db: peewee.Database | None = None) -> int:
    """Bring the open database to CURRENT_VERSION; returns the version it had before."""
    db = db or database
    before = check_not_newer(db)
    if before == CURRENT_VERSION:
        return before
    if _is_postgres(db):
        db.execute_sql("SELECT pg_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
        try:
            before = check_not_newer(db)  # another client may have migrated while we waited
            if before == CURRENT_VERSION:
                return before
            if before > 0:
                _backup_server(db)
            _apply_all(db, before)
        finally:
            db.execute_sql("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
        return before
    path = database_file()
    if before > 0 and path is not None and path.exists():
        from desktop.services.backup import backup_before

        backup = backup_before(f"v{CURRENT_VERSION}", path)
        log.info("backed up %s to %s before migrating", path, backup)
    _apply_all(db, before)
    return before


def _apply_all(db: peewee.Database, before: int) -> None:
    db.execute_sql("CREATE TABLE IF NOT EXISTS schema_info (version INTEGER NOT NULL, applied_at TEXT NOT NULL)")
    sqlite = not _is_postgres(db)
    for module in MIGRATIONS:
        if module.VERSION <= before:
            continue
        # IMMEDIATE on SQLite: the write lock is taken before the version is re-read, so a second
        # process starting at the same moment waits and then skips what the first one did.
        with (db.atomic("IMMEDIATE") if sqlite else db.atomic()):
            if schema_version(db) >= module.VERSION:
                continue
            module.apply(db)
            mark = db.param
            db.execute_sql(
                f"INSERT INTO schema_info (version, applied_at) VALUES ({mark}, {mark})",
                (int(module.VERSION), dt.datetime.now().isoformat(timespec="seconds")),
            )
        log.info("migrated database to version %s", module.VERSION)
