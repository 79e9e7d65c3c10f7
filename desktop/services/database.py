"""Opening, creating and describing the database of this installation."""

from __future__ import annotations

import os
from pathlib import Path

from desktop import db
from desktop.db import database, sqlite_path_from_url
from desktop.errors import DatabaseError
from desktop.migrations import CURRENT_VERSION, migrate, schema_version
from desktop.models import LifecycleStep, Setting, Unit
from desktop.services import defaults

SETTING_NAME = "installation_name"
SETTING_PREFIX = "code_prefix"
SETTING_IS_DEMO = "is_demo"


def open_database(url: str | os.PathLike, *, create: bool = False) -> None:
    """Open `url`, refuse a newer schema, and migrate an older one (after a backup)."""
    from desktop.services.file_location import refuse_network_path

    refuse_network_path(url)
    db.connect(url, create=create)
    try:
        if not create and schema_version() == 0:
            # An empty file or another program's database: creating our tables in it would leave
            # a library without its lifecycle steps and units (init_database seeds those).
            raise DatabaseError(f"不是招商工作台的数据库（其中没有本程序的数据）：{db.redact(url)}")
        migrate()
    except DatabaseError:
        db.close()
        raise



def init_database(
    url: str | os.PathLike,
    *,
    name: str = defaults.DEFAULT_INSTALLATION_NAME,
    prefix: str = defaults.DEFAULT_CODE_PREFIX,
    overwrite: bool = False,
) -> None:
    """Create a new database with the default settings (steps, units); refuse an existing file."""
    path = sqlite_path_from_url(os.fspath(url))
    if path is not None:
        if path.exists():
            if not overwrite:
                raise DatabaseError(f"文件已存在，不会覆盖：{path}")
            db.close()
            for suffix in ("", "-wal", "-shm"):
                extra = Path(str(path) + suffix)
                if extra.exists():
                    extra.unlink()
    prefix = (prefix or "").strip().upper()
    if not prefix.isalnum() or not prefix.isascii() or len(prefix) > 8:
        raise DatabaseError(f"项目编号前缀应为 1–8 位英文字母或数字：{prefix!r}")
    open_database(url, create=True)
    from desktop.models.audit import suspended

    with database.atomic(), suspended():  # the default lists are not anybody's edits
        seed_defaults(name=name, prefix=prefix)


def seed_defaults(*, name: str, prefix: str) -> None:
    set_setting(SETTING_NAME, name)
    set_setting(SETTING_PREFIX, prefix)
    if not LifecycleStep.select().exists():
        LifecycleStep.insert_many(
            [
                {"number": n, "phase": phase, "name": step, "points": pts, "optional": opt, "milestone": ms}
                for n, phase, step, pts, opt, ms in defaults.DEFAULT_STEPS
            ]
        ).execute()
        # insert_many bypasses save(): uuid/updated_at defaults are still applied by peewee.
    order = 0
    for kind, names in (("部门", defaults.DEPARTMENTS), ("园区", defaults.PARKS), ("乡镇", defaults.TOWNSHIPS)):
        for unit_name in names:
            order += 1
            Unit.get_or_create(name=unit_name, defaults={"kind": kind, "sort_order": order})


def get_setting(key: str, default: str = "") -> str:
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row else default


def set_setting(key: str, value: str) -> None:
    Setting.insert(key=key, value=str(value)).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: str(value)}
    ).execute()


def installation_name() -> str:
    return get_setting(SETTING_NAME, defaults.DEFAULT_INSTALLATION_NAME)


def code_prefix() -> str:
    return get_setting(SETTING_PREFIX, defaults.DEFAULT_CODE_PREFIX)


def is_demo() -> bool:
    return get_setting(SETTING_IS_DEMO) == "1"


def schema_is_current() -> bool:
    return schema_version() == CURRENT_VERSION


def database_description() -> str:
    """The open database as shown to a person: the file path, or the server without its password."""
    path = db.database_file()
    if path is not None:
        return str(path)
    target = database.obj
    if target is None:
        return "（未打开）"
    params = getattr(target, "connect_params", {}) or {}
    host = params.get("host", "localhost")
    port = params.get("port", 5432)
    user = params.get("user", "")
    return f"PostgreSQL 服务器 {user + '@' if user else ''}{host}:{port}/{target.database}"
