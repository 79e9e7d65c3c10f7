"""检查数据库: the file's integrity, its foreign keys, the program's own rules, then VACUUM/ANALYZE.

The result is a report a person can read: what was checked and found sound, what was wrong and has
been repaired, and what needs a person. Repairs are made only when they follow from the data (a
project's cached stage recomputed from its steps; a reference to a deleted unit cleared, as the
schema's ON DELETE rule says), and only after a backup. A damaged file is never "repaired" here:
the report points to 从备份恢复.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import sqlite3
from dataclasses import dataclass, field

from desktop.db import database, database_file, is_sqlite

log = logging.getLogger(__name__)

OK, FIXED, NEEDS_PERSON, NOTE = "ok", "fixed", "person", "note"
MAX_LISTED = 20  # per kind of problem; the rest are counted


@dataclass(frozen=True)
class Finding:
    kind: str  # ok / fixed / person / note
    area: str  # 文件完整性, 外键, 项目阶段 …
    text: str


@dataclass
class CheckReport:
    database: str
    started_at: dt.datetime
    findings: list[Finding] = field(default_factory=list)
    backup: str = ""  # the copy made before the repairs, if any

    def add(self, kind: str, area: str, text: str) -> None:
        self.findings.append(Finding(kind, area, text))

    def of_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]

    @property
    def fixed(self) -> list[Finding]:
        return self.of_kind(FIXED)

    @property
    def needs_person(self) -> list[Finding]:
        return self.of_kind(NEEDS_PERSON)

    @property
    def healthy(self) -> bool:
        return not self.needs_person

    def summary(self) -> str:
        if self.needs_person:
            return f"发现 {len(self.needs_person)} 个需要人工处理的问题，已修复 {len(self.fixed)} 个问题。"
        if self.fixed:
            return f"已修复 {len(self.fixed)} 个问题，数据库现在正常。"
        return "数据库正常，没有发现问题。"

    def text(self) -> str:
        lines = [f"数据库检查报告（{self.started_at:%Y-%m-%d %H:%M}）", f"数据库：{self.database}", "", self.summary()]
        sections = (
            (NEEDS_PERSON, "需要人工处理"),
            (FIXED, "发现并已修复"),
            (NOTE, "提示"),
            (OK, "检查通过"),
        )
        for kind, title in sections:
            items = self.of_kind(kind)
            if not items:
                continue
            lines += ["", f"【{title}】"]
            lines += [f"{n}. {f.area}：{f.text}" for n, f in enumerate(items, 1)]
        if self.backup:
            lines += ["", f"修复前已备份到：{self.backup}"]
        return "\n".join(lines)


def _listed(items: list[str]) -> str:
    shown = "；".join(items[:MAX_LISTED])
    return shown + (f"；等共 {len(items)} 处" if len(items) > MAX_LISTED else "")


def _step(progress, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        from desktop.errors import UserError

        raise UserError("已取消")


def check_database(*, fix: bool = True, progress=None) -> CheckReport:
    """Check the open database; with `fix`, repair what follows from the data and tidy the file."""
    from desktop.services.access import require_admin
    from desktop.services.database import database_description

    if fix:
        require_admin()
    report = CheckReport(database_description(), dt.datetime.now().replace(microsecond=0))
    total = 6
    _step(progress, 0, total)
    if is_sqlite():
        if not _integrity(report):
            return report  # a damaged file: no repairs, no VACUUM — restore from a backup
    else:
        report.add(NOTE, "文件完整性", "服务器模式：由 PostgreSQL 服务器自身保证，未做文件检查。")
    _step(progress, 1, total)

    repairs: list = []
    if is_sqlite():
        _foreign_keys(report, repairs)
    _step(progress, 2, total)
    _stages_and_statuses(report, repairs)
    _step(progress, 3, total)
    _teams(report)
    _step(progress, 4, total)

    if repairs and fix:
        path = database_file()
        if path is not None:
            from desktop.services.backup import backup_before

            report.backup = str(backup_before("check", path))
        with database.atomic():
            for repair in repairs:
                repair()
        for finding in [f for f in report.findings if f.kind == "pending"]:
            report.findings[report.findings.index(finding)] = Finding(FIXED, finding.area, finding.text)
    else:
        for finding in [f for f in report.findings if f.kind == "pending"]:
            report.findings[report.findings.index(finding)] = Finding(NEEDS_PERSON, finding.area, finding.text + "（未修复）")

    if fix:
        _tidy(report)
    _step(progress, total, total)
    return report


def _integrity(report: CheckReport) -> bool:
    import peewee

    try:
        rows = [str(row[0]) for row in database.execute_sql("PRAGMA integrity_check(100)").fetchall()]
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:  # damaged so badly that the check itself stops
        rows = [str(exc)]
    if rows == ["ok"]:
        report.add(OK, "文件完整性", "SQLite 完整性检查（integrity_check）通过。")
        return True
    report.add(
        NEEDS_PERSON, "文件完整性",
        f"数据库文件有损坏（{_listed(rows)}）。请不要继续录入，在“设置 → 备份”中选最近一次正常的备份“从备份恢复”，"
        "或把文件交给维护人员。",
    )
    return False


def _foreign_keys(report: CheckReport, repairs: list) -> None:
    rows = database.execute_sql("PRAGMA foreign_key_check").fetchall()
    if not rows:
        report.add(OK, "外键", "所有引用（项目→单位、人员、企业，流程记录→项目等）都指向存在的记录。")
        return
    fk_info: dict[tuple[str, int], tuple[str, str]] = {}
    problems: dict[tuple[str, str, str], list[int]] = {}
    for table, rowid, parent, fkid in rows:
        key = (table, fkid)
        if key not in fk_info:
            for fk in database.execute_sql(f'PRAGMA foreign_key_list("{table}")').fetchall():
                # id, seq, table, from, to, on_update, on_delete, match
                fk_info[(table, fk[0])] = (fk[3], fk[6].upper())
        column, on_delete = fk_info.get(key, ("?", ""))
        problems.setdefault((table, column, parent, on_delete), []).append(rowid)
    for (table, column, parent, on_delete), rowids in problems.items():
        described = f"表 {table} 中有 {len(rowids)} 条记录的 {column} 指向表 {parent} 中已不存在的记录（行号 {_listed([str(r) for r in rowids])}）"
        if on_delete == "SET NULL":
            repairs.append(_set_null(table, column, rowids))
            report.add("pending", "外键", described + "，已按规则清空该引用。")
        elif on_delete == "CASCADE":
            repairs.append(_delete_rows(table, rowids))
            report.add("pending", "外键", described + "，这些记录随被删除的记录一并删除。")
        else:
            report.add(NEEDS_PERSON, "外键", described + "，需要人工核对后处理。")


def _set_null(table: str, column: str, rowids: list[int]):
    def repair():
        for start in range(0, len(rowids), 500):
            chunk = rowids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            database.execute_sql(f'UPDATE "{table}" SET "{column}" = NULL WHERE rowid IN ({marks})', chunk)

    return repair


def _delete_rows(table: str, rowids: list[int]):
    def repair():
        for start in range(0, len(rowids), 500):
            chunk = rowids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            database.execute_sql(f'DELETE FROM "{table}" WHERE rowid IN ({marks})', chunk)

    return repair


def _as_date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _stages_and_statuses(report: CheckReport, repairs: list) -> None:
    """The stage, milestone dates and status cached on each project agree with its records."""
    from desktop.models import LifecycleStep, Project, StatusChange, StepRecord
    from desktop.services import lifecycle

    records: dict[int, list] = {}
    query = StepRecord.select(StepRecord.project, LifecycleStep.number, StepRecord.done_on, StepRecord.not_applicable).join(LifecycleStep)
    for pid, number, day, na in query.tuples():
        records.setdefault(pid, []).append((number, _as_date(day), bool(na)))
    latest: dict[int, tuple] = {}
    for pid, sid, status, day in StatusChange.select(StatusChange.project, StatusChange.id, StatusChange.status, StatusChange.changed_on).tuples():
        key = (_as_date(day), sid)
        if pid not in latest or key > latest[pid][0]:
            latest[pid] = (key, status)
    stage_wrong, status_wrong = [], []
    columns = (Project.id, Project.code, Project.name, Project.stage_no, Project.signed_on, Project.library_on,
               Project.started_on, Project.operating_on, Project.status)
    count = 0
    for pid, code, name, stage_no, signed, library, started, operating, status in Project.select(*columns).tuples():
        count += 1
        derived = lifecycle.derive_stage(records.get(pid, []))
        cached = (stage_no, _as_date(signed), _as_date(library), _as_date(started), _as_date(operating))
        if cached != (derived.stage_no, derived.signed_on, derived.library_on, derived.started_on, derived.operating_on):
            stage_wrong.append((pid, f"{code} {name}"))
        expected = latest[pid][1] if pid in latest else "正常"
        if status != expected:
            status_wrong.append((pid, f"{code} {name}（记为“{status}”，状态记录为“{expected}”）", expected))
    if stage_wrong:
        ids = [pid for pid, _ in stage_wrong]
        repairs.append(lambda: [lifecycle.refresh_project_cache(pid) for pid in ids])
        report.add("pending", "项目阶段", f"{len(stage_wrong)} 个项目的当前阶段或里程碑日期与流程记录不一致（{_listed([t for _, t in stage_wrong])}），已按流程记录重新计算。")
    else:
        report.add(OK, "项目阶段", f"{count} 个项目的当前阶段和签约、入库、开工、投产日期都与流程记录一致。")
    if status_wrong:
        fixes = [(pid, expected) for pid, _, expected in status_wrong]

        def fix_statuses():
            for pid, expected in fixes:
                Project.update(status=expected).where(Project.id == pid).execute()

        repairs.append(fix_statuses)
        report.add("pending", "项目状态", f"{len(status_wrong)} 个项目的状态与状态变更记录不一致（{_listed([t for _, t, _ in status_wrong])}），已按最近一次变更记录改正。")
    else:
        report.add(OK, "项目状态", "项目的状态（正常/暂缓/终止）都与最近一次状态变更记录一致。")


def _teams(report: CheckReport) -> None:
    """One team per project (when the 专班 feature is installed)."""
    try:
        team_module = importlib.import_module("desktop.models.team")
    except ImportError:
        return
    team = getattr(team_module, "Team", None)
    if team is None or not database.table_exists(team._meta.table_name):
        return
    from peewee import fn

    from desktop.models import Project

    doubles = (
        team.select(team.project, fn.COUNT(team.id))
        .group_by(team.project)
        .having(fn.COUNT(team.id) > 1)
        .tuples()
    )
    doubles = list(doubles)
    if doubles:
        names = dict(Project.select(Project.id, Project.name).where(Project.id.in_([pid for pid, _ in doubles])).tuples())
        listed = _listed([f"{names.get(pid, pid)}（{n} 个）" for pid, n in doubles])
        report.add(NEEDS_PERSON, "专班", f"{len(doubles)} 个项目有不止一个专班：{listed}。请合并成一个专班后删除多余的。")
    else:
        report.add(OK, "专班", "每个项目至多一个专班。")
    missing = (
        Project.select(Project.name)
        .where(Project.is_key & (Project.status != "终止") & ~(Project.id.in_(team.select(team.project))))
        .tuples()
    )
    missing = [name for (name,) in missing]
    if missing:
        report.add(NOTE, "专班", f"{len(missing)} 个重点项目还没有专班：{_listed(missing)}。")


def _tidy(report: CheckReport) -> None:
    """VACUUM (SQLite: compacts the file) and ANALYZE (fresh statistics for the query planner)."""
    if is_sqlite():
        path = database_file()
        before = path.stat().st_size if path is not None else 0
        import peewee

        try:
            database.execute_sql("VACUUM")
            database.execute_sql("ANALYZE")
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except peewee.OperationalError as exc:  # another window is writing: tidy next time
            log.warning("VACUUM/ANALYZE skipped: %s", exc)
            report.add(NOTE, "整理", "数据库正被其他窗口使用，这次没有整理文件（VACUUM），下次检查时再整理。")
            return
        after = path.stat().st_size if path is not None else 0
        saved = max(0, before - after)
        tail = f"，文件减小了 {saved / 1024 / 1024:.1f} MB" if saved >= 1024 * 1024 else ""
        report.add(OK, "整理", f"已整理数据库文件（VACUUM）并更新查询统计（ANALYZE）{tail}。")
    else:
        database.execute_sql("ANALYZE")
        report.add(OK, "整理", "已更新查询统计（ANALYZE）；服务器上的空间整理由 PostgreSQL 自动完成。")
