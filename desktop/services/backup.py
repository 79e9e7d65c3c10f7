"""Backups of a SQLite database: automatic, before risky work, exported to a stick, restored.

Every copy is made with SQLite's online backup API (a consistent snapshot even while the program
writes), converted to a single self-contained file (journal_mode=DELETE) and checked with
`PRAGMA quick_check`; a copy that fails the check is deleted and the backup fails loudly.

Backups live in a `backups` folder beside the database, named `<库文件名>-<label>-YYYYmmdd-HHMMSS.db`:
`auto` for the automatic ones (at start and every 30 minutes while the data changes), `manual` for
立即备份, and
`before-<what>` for the copies made before an import, a migration (`before-v3`), a restore, a bulk
delete or the repairs of 检查数据库.

Thinning (after every automatic backup), applied to all backups of that database together:
  - the newest backup of each of the 12 most recent days that have one,
  - the newest of each of the 10 most recent ISO weeks, and of the 9 most recent months;
  - besides those, every `before-…` and `manual` backup younger than 14 days (the way back from a bad import);
  - the newest backup is never removed.
So a database edited every day keeps roughly 12 days, 10 weeks and 9 months of history.

Whether the data changed since the last backup is judged by the size and modification time of the
database file and its WAL; when they moved but the content did not (a checkpoint on close), the new
copy is compared by SHA-256 with the last one and dropped if identical.

On a PostgreSQL server there are no file backups here: the server's own backup (pg_dump) is meant,
see `pg_dump_backup` (used before migrations).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from desktop.errors import DatabaseError, UserError

log = logging.getLogger(__name__)

FOLDER_NAME = "backups"
AUTO = "auto"
AUTO_INTERVAL = dt.timedelta(minutes=30)
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 12, 10, 9
KEEP_LABELLED = dt.timedelta(days=14)

_LABELS = {
    "auto": "自动备份",
    "manual": "手动备份",
    "before-import": "导入前",
    "before-restore": "恢复前",
    "before-delete": "批量删除前",
    "before-check": "检查修复前",
    "before-exchange": "导入交换文件前",
}
_NAME = re.compile(r"^(?P<stem>.+)-(?P<label>auto|manual|before-[A-Za-z0-9]+)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?\.db$")


class BackupError(UserError):
    """A backup could not be made or is not usable (disk full, no permission, failed check)."""


class ServerBackupNeeded(DatabaseError):
    """A server database is about to be migrated and pg_dump could not back it up first.

    The GUI turns this into the question “请确认服务器备份是最新的”; see desktop.migrations.
    """

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: dt.datetime
    label: str  # auto, before-import, before-v3 …
    size: int

    @property
    def kind(self) -> str:
        """The label as a person reads it (自动备份, 导入前, 升级到第 3 版前 …)."""
        if self.label in _LABELS:
            return _LABELS[self.label]
        match = re.fullmatch(r"before-v(\d+)", self.label)
        if match:
            return f"升级到第 {match.group(1)} 版前"
        return self.label

    @property
    def size_text(self) -> str:
        return f"{self.size / 1024 / 1024:.1f} MB" if self.size >= 1024 * 1024 else f"{max(1, self.size // 1024)} KB"


@dataclass(frozen=True)
class BackupFileInfo:
    """What a file offered for restoring holds."""

    path: Path
    version: int
    projects: int
    installation: str


@dataclass(frozen=True)
class RestoreOutcome:
    safety_backup: Path | None  # the copy of the data as it was before the restore
    version: int  # the restored file's schema version (migrated afterwards if older)
    projects: int


# --- where ---------------------------------------------------------------------------------------
def current_database_file() -> Path | None:
    """The SQLite file open now, or None on a server or when nothing is open."""
    from desktop.db import database, database_file

    if database.obj is None:
        return None
    return database_file()


def _require_file(db_file: Path | None) -> Path:
    path = Path(db_file) if db_file is not None else current_database_file()
    if path is None:
        raise BackupError("服务器模式下由服务器负责备份（pg_dump），这里只能备份本机的数据库文件。")
    if not path.is_file():
        raise BackupError(f"数据库文件不存在：{path}")
    return path


def backup_folder(db_file: Path | None = None) -> Path:
    path = Path(db_file) if db_file is not None else current_database_file()
    if path is None:
        raise BackupError("服务器模式下没有本机备份文件夹。")
    return path.parent / FOLDER_NAME


def _stamp_file(db_file: Path) -> Path:
    return db_file.parent / FOLDER_NAME / f".{db_file.stem}-last-backup.json"


# --- copying -------------------------------------------------------------------------------------
def _os_message(exc: BaseException) -> str:
    text = str(getattr(exc, "strerror", None) or exc)
    if "disk is full" in text or "No space" in text or getattr(exc, "errno", None) == 28:
        return "磁盘空间不足"
    if isinstance(exc, PermissionError) or "readonly" in text or "Permission" in text:
        return "没有写入权限或文件被占用"
    return text


def online_copy(source: Path, target: Path, *, check: bool = True, base: str | None = None) -> Path:
    """A consistent single-file copy of `source` at `target` (written beside it, then renamed).

    With `check`, the copy must pass PRAGMA quick_check or it is deleted and BackupError raised.
    With `base` (the name `target` was made from by `_free_name`), a target that another process
    took meanwhile is not overwritten: the copy gets the next free name.
    """
    source, target = Path(source), Path(target)
    # Private to this process and thread: two programs backing up in the same second must not
    # write into one another's file.
    part = target.with_name(f"{target.name}.{os.getpid()}-{threading.get_ident()}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if part.exists():
            part.unlink()
        src = sqlite3.connect(str(source), timeout=30)
        try:
            dst = sqlite3.connect(str(part))
            try:
                src.backup(dst)  # all pages in one step: one read snapshot, never restarted by writers
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file (a stick, a mail)
                if check:
                    result = quick_check(dst)
                    if result != ["ok"]:
                        raise BackupError(f"备份副本没有通过完整性检查（{'；'.join(result[:3])}），已删除该副本。")
            finally:
                dst.close()
        finally:
            src.close()
        if base is not None and target.exists():  # taken meanwhile by another process's copy
            target = _free_name(target.parent, base)
        os.replace(part, target)
    except BackupError:
        part.unlink(missing_ok=True)
        raise
    except (OSError, sqlite3.Error) as exc:
        try:
            part.unlink(missing_ok=True)
        except OSError:
            pass
        if "malformed" in str(exc) or "not a database" in str(exc):
            raise BackupError(f"数据库文件有损坏，无法备份（{exc}）。请运行“检查数据库”，或从最近的备份恢复。") from exc
        raise BackupError(f"无法备份数据库到 {target.parent}（{_os_message(exc)}）") from exc
    return target


def quick_check(con: sqlite3.Connection) -> list[str]:
    """PRAGMA quick_check's lines (["ok"] when sound); a badly damaged file raises instead: its message."""
    try:
        return [str(row[0]) for row in con.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]


def _free_name(folder: Path, base: str) -> Path:
    target = folder / f"{base}.db"
    n = 2
    while target.exists():
        target = folder / f"{base}-{n}.db"
        n += 1
    return target


def _fingerprint(db_file: Path) -> list[int]:
    """Size and mtime of the file and of a non-empty WAL: they move whenever something is written."""
    st = db_file.stat()
    parts = [st.st_size, st.st_mtime_ns]
    try:
        wal = Path(str(db_file) + "-wal").stat()
    except FileNotFoundError:
        pass
    else:
        if wal.st_size > 0:
            parts += [wal.st_size, wal.st_mtime_ns]
    return parts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_stamp(db_file: Path) -> dict:
    try:
        return json.loads(_stamp_file(db_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_stamp(db_file: Path, fingerprint: list[int], backup: Path) -> None:
    stamp = {"fingerprint": fingerprint, "sha256": _sha256(backup), "file": backup.name}
    path = _stamp_file(db_file)
    try:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(stamp), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:  # the backup itself is fine; the next check just makes another one
        log.warning("could not write the backup stamp %s: %s", path, exc)


def make_backup(db_file: Path | None, label: str, *, now: dt.datetime | None = None) -> Path:
    """A checked copy of the database into its backups folder; returns the copy's path."""
    db_file = _require_file(db_file)
    if not re.fullmatch(r"auto|manual|before-[A-Za-z0-9]+", label):
        raise ValueError(f"bad backup label {label!r}")
    now = now or dt.datetime.now()
    fingerprint = _fingerprint(db_file)  # taken first: a write during the copy makes the next one
    base = f"{db_file.stem}-{label}-{now:%Y%m%d-%H%M%S}"
    target = online_copy(db_file, _free_name(db_file.parent / FOLDER_NAME, base), base=base)
    _write_stamp(db_file, fingerprint, target)
    log.info("backed up %s to %s", db_file, target)
    return target


def backup_before(what: str, db_file: Path | None = None) -> Path | None:
    """Back up before risky work: what = "import", "restore", "delete", "check", "v3" (a migration).

    Returns None on a server (the server's backup is meant there); raises BackupError when the copy
    cannot be made, so the risky work does not start.
    """
    if db_file is None and current_database_file() is None:
        return None
    return make_backup(db_file, f"before-{what}")


def has_changed_since_last_backup(db_file: Path | None = None) -> bool:
    db_file = _require_file(db_file)
    stamp = _read_stamp(db_file)
    if not stamp or not (db_file.parent / FOLDER_NAME / stamp.get("file", "")).is_file():
        return True
    return stamp.get("fingerprint") != _fingerprint(db_file)


def backup_if_changed(db_file: Path | None = None, *, now: dt.datetime | None = None, progress=None) -> Path | None:
    """The automatic backup (at start and every 30 minutes): a copy only if the data changed.

    Returns the new copy, or None when nothing changed (or on a server). Thins the folder after.
    """
    if db_file is None and current_database_file() is None:
        return None
    db_file = _require_file(db_file)
    if not has_changed_since_last_backup(db_file):
        return None
    previous = _read_stamp(db_file)
    fingerprint = _fingerprint(db_file)
    now = now or dt.datetime.now()
    base = f"{db_file.stem}-{AUTO}-{now:%Y%m%d-%H%M%S}"
    target = online_copy(db_file, _free_name(db_file.parent / FOLDER_NAME, base), base=base)
    last = db_file.parent / FOLDER_NAME / previous.get("file", "")
    if previous.get("file") and last.is_file() and previous.get("sha256") == _sha256(target):
        # Only a checkpoint moved the file's time: the same data is already backed up.
        target.unlink()
        _write_stamp(db_file, fingerprint, last)
        return None
    _write_stamp(db_file, fingerprint, target)
    thin_backups(db_file, now=now)
    return target


# --- listing and thinning ----------------------------------------------------------------------
def list_backups(db_file: Path | None = None) -> list[BackupInfo]:
    """This database's backups, newest first."""
    db_file = Path(db_file) if db_file is not None else current_database_file()
    if db_file is None:
        return []
    folder = db_file.parent / FOLDER_NAME
    found = []
    if folder.is_dir():
        for path in folder.iterdir():
            match = _NAME.match(path.name)
            if not match or match.group("stem") != db_file.stem or not path.is_file():
                continue
            made_at = dt.datetime.strptime(match.group("stamp"), "%Y%m%d-%H%M%S")
            found.append(BackupInfo(path, made_at, match.group("label"), path.stat().st_size))
    found.sort(key=lambda b: (b.made_at, int(_NAME.match(b.path.name).group("n") or 1)), reverse=True)
    return found


def backups_to_keep(backups: list[BackupInfo], *, now: dt.datetime) -> set[Path]:
    """Which backups the thinning keeps (see the module's docstring)."""
    ordered = sorted(backups, key=lambda b: b.made_at, reverse=True)
    keep: set[Path] = set()
    if ordered:
        keep.add(ordered[0].path)
    periods = (
        (lambda d: d.date(), KEEP_DAILY),
        (lambda d: tuple(d.isocalendar())[:2], KEEP_WEEKLY),
        (lambda d: (d.year, d.month), KEEP_MONTHLY),
    )
    for period_of, count in periods:
        seen = set()
        for backup in ordered:
            period = period_of(backup.made_at)
            if period in seen:
                continue
            if len(seen) == count:
                break
            seen.add(period)
            keep.add(backup.path)
    for backup in ordered:
        if backup.label != AUTO and now - backup.made_at <= KEEP_LABELLED:
            keep.add(backup.path)
    return keep


def thin_backups(db_file: Path | None = None, *, now: dt.datetime | None = None) -> list[Path]:
    """Delete the backups the policy does not keep; returns what was deleted."""
    backups = list_backups(db_file)
    now = now or dt.datetime.now()
    keep = backups_to_keep(backups, now=now)
    removed = []
    folder = backup_folder(db_file)
    for part in folder.glob("*.part") if folder.is_dir() else ():
        try:  # left by a copy that was interrupted (power cut, killed process)
            if dt.datetime.fromtimestamp(part.stat().st_mtime) < now - dt.timedelta(days=1):
                part.unlink()
        except OSError:
            pass
    for backup in backups:
        if backup.path not in keep:
            try:
                backup.path.unlink()
                removed.append(backup.path)
            except OSError as exc:  # open in another program: try again next time
                log.warning("could not remove old backup %s: %s", backup.path, exc)
    return removed


# --- export to a chosen folder -------------------------------------------------------------------
def _safe_file_name(text: str) -> str:
    cleaned = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", text).strip(" .")
    return cleaned[:60] or "招商工作台"


def export_backup(folder, db_file: Path | None = None, *, name: str | None = None, now: dt.datetime | None = None,
                  progress=None) -> Path:
    """A checked copy in `folder` (a USB stick) named 库名-2022-08-25-1530.db; returns its path."""
    db_file = _require_file(db_file)
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupError(f"文件夹不存在：{folder}")
    if name is None:
        name = db_file.stem
        if current_database_file() == db_file:
            from desktop.services.database import installation_name

            name = installation_name() or name
    now = now or dt.datetime.now()
    if progress is not None:
        progress(0, 1)
    base = f"{_safe_file_name(name)}-{now:%Y-%m-%d-%H%M}"
    target = online_copy(db_file, _free_name(folder, base), base=base)
    if progress is not None:
        progress(1, 1)
    return target


# --- restore -------------------------------------------------------------------------------------
def inspect_backup_file(path) -> BackupFileInfo:
    """Check that `path` is an InvestDesk database this program can open; raise DatabaseError if not."""
    from desktop.migrations import CURRENT_VERSION

    path = Path(path)
    if not path.is_file():
        raise DatabaseError(f"备份文件不存在：{path}")
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise DatabaseError(f"无法读取备份文件 {path}（{_os_message(exc)}）") from exc
    if head != b"SQLite format 3\x00":
        raise DatabaseError(f"不是招商工作台的数据库文件（不是 SQLite 数据库）：{path}")
    try:
        raw = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseError(f"无法打开备份文件 {path}：{exc}") from exc
    try:
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "schema_info" not in tables or "project" not in tables:
            raise DatabaseError(f"不是招商工作台的数据库（其中没有本程序的数据）：{path}")
        version = int(raw.execute("SELECT MAX(version) FROM schema_info").fetchone()[0] or 0)
        if version > CURRENT_VERSION:
            raise DatabaseError(
                f"这个备份由较新版本的招商工作台创建（数据库版本 {version}，本程序只支持到 {CURRENT_VERSION}），"
                "请升级程序后再恢复。"
            )
        result = quick_check(raw)
        if result != ["ok"]:
            raise DatabaseError(f"备份文件已损坏，不能用来恢复：{path}（{'；'.join(result[:3])}）")
        projects = int(raw.execute("SELECT COUNT(*) FROM project").fetchone()[0])
        installation = ""
        if "setting" in tables:
            row = raw.execute("SELECT value FROM setting WHERE key = 'installation_name'").fetchone()
            installation = row[0] if row else ""
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"备份文件已损坏或不是数据库：{path}（{exc}）") from exc
    finally:
        raw.close()
    return BackupFileInfo(path, version, projects, installation)


def restore_backup(backup_file, db_file: Path | None = None, *, progress=None) -> RestoreOutcome:
    """Replace the database's content with a backup's, after backing the current data up.

    The copy goes through SQLite's backup API into the live database, i.e. inside one write
    transaction: other connections see the old or the new data, never a mixture, and a crash midway
    leaves the old data. An older backup is migrated to the current schema right after.
    """
    from desktop.services.access import require_admin

    require_admin()
    db_file = _require_file(db_file)
    backup_file = Path(backup_file)
    if backup_file.resolve() == db_file.resolve():
        raise BackupError("不能用数据库文件本身来恢复，请选择一个备份文件。")
    info = inspect_backup_file(backup_file)
    if progress is not None:
        progress(0, 3)
    safety = backup_before("restore", db_file)
    if progress is not None:
        progress(1, 3)
    try:
        src = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(str(db_file), timeout=60)
            try:
                page_src = src.execute("PRAGMA page_size").fetchone()[0]
                page_dst = dst.execute("PRAGMA page_size").fetchone()[0]
                if page_src != page_dst:
                    # A WAL database cannot change its page size inside the backup's transaction.
                    raise BackupError(f"备份文件的页大小（{page_src}）与当前数据库（{page_dst}）不同，无法在打开状态下恢复。")
                src.backup(dst)
                result = quick_check(dst)
                if result != ["ok"]:
                    raise BackupError(f"恢复后的数据库没有通过完整性检查（{'；'.join(result[:3])}），请用“{safety.name}”恢复原数据。")
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(f"恢复失败（{_os_message(exc)}），原数据没有改变。") from exc
    if progress is not None:
        progress(2, 3)
    if current_database_file() is not None and current_database_file().resolve() == db_file.resolve():
        from desktop.services.database import open_database

        # Opened afresh, so nothing cached about the old content survives (e.g. which tables
        # exist); an older backup is migrated to the current tables (after its own backup).
        open_database(db_file)
    if progress is not None:
        progress(3, 3)
    return RestoreOutcome(safety, info.version, info.projects)


# --- PostgreSQL ----------------------------------------------------------------------------------
def set_server_backup_confirmation(ask) -> None:
    """`ask(message) -> bool` is asked before a server database is migrated without a pg_dump
    backup (the GUI shows “请确认服务器备份是最新的”); None: refuse instead."""
    from desktop import migrations

    migrations.confirm_server_backup = ask


def find_pg_dump() -> str | None:
    return shutil.which("pg_dump")


def _tool_output(data: bytes) -> str:
    """A command-line tool's messages: UTF-8, or else the system's code page (GBK on a Chinese Windows)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        import locale

        return data.decode(locale.getpreferredencoding(False), errors="replace")


def pg_dump_backup(url: str, label: str, *, folder: Path | None = None, now: dt.datetime | None = None) -> Path:
    """`pg_dump --format=custom` of a server database into the data folder's backups/server.

    The password (if the URL has one) goes to pg_dump through PGPASSWORD, never on its command line.
    Raises ServerBackupNeeded when pg_dump is missing or fails.
    """
    from desktop import config

    program = find_pg_dump()
    if program is None:
        raise ServerBackupNeeded(
            "本机找不到 pg_dump，无法在升级服务器数据库之前先备份它。请确认服务器备份是最新的。", reason="no-pg-dump"
        )
    parsed = urlparse(url)
    name = unquote(parsed.path.lstrip("/"))
    folder = Path(folder) if folder is not None else config.data_dir() / FOLDER_NAME / "server"
    folder.mkdir(parents=True, exist_ok=True)
    now = now or dt.datetime.now()
    target = folder / f"{_safe_file_name(name)}-{label}-{now:%Y%m%d-%H%M%S}.dump"
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = unquote(parsed.password)
    args = [program, "--format=custom", f"--file={target}", f"--dbname={name}",
            f"--host={parsed.hostname or 'localhost'}", f"--port={parsed.port or 5432}"]
    if parsed.username:
        args.append(f"--username={unquote(parsed.username)}")
    args.append("--no-password")  # never prompt on a console nobody sees
    try:
        result = subprocess.run(args, env=env, capture_output=True, timeout=3600, stdin=subprocess.DEVNULL,
                                # No console window for pg_dump from the windowed program (closing it would kill the backup).
                                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ServerBackupNeeded(f"pg_dump 无法运行（{exc}）。请确认服务器备份是最新的。", reason="pg-dump-failed") from exc
    if result.returncode != 0 or not target.is_file():
        target.unlink(missing_ok=True)
        detail = _tool_output(result.stderr).strip().splitlines()
        raise ServerBackupNeeded(
            f"pg_dump 备份失败（{detail[-1] if detail else result.returncode}）。请确认服务器备份是最新的。",
            reason="pg-dump-failed",
        )
    log.info("pg_dump of %s written to %s", name, target)
    return target
