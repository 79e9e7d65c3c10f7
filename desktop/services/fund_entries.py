"""到位资金 and 完成投资 as dated entries: one figure per project, kind and month.

A month's figure is what arrived (or was invested) in that month, so any period can be summed:
an entry counts in a period when its month's first day lies between the first day of the
period's first month and the period's last day (a month's figure counts once the month has begun).
The project keeps its running totals — `Project.arrived_funds` (到位资金) and
`Project.completed_investment` (累计完成投资) — as the sum of its entries, updated here on every
change, so the project library and its exports still show them without a join.

A project that carried a total before it had entries (typed in the form, imported from Excel)
keeps it: the first entry turns that total into an opening entry (month estimated, said in its
note), so nothing is lost and the total stays the sum of the entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from peewee import IntegrityError, fn

from desktop.db import database
from desktop.errors import NotFoundError, UserError, ValidationError
from desktop.models.base import yuan_to_wan
from desktop.models.project import Project
from desktop.models.targets import FUND_ARRIVED, FUND_COMPLETED, FUND_KINDS, FundEntry
from desktop.services.access import require_edit
from desktop.services.projects import MAX_AMOUNT_WAN

KIND_LABELS = {FUND_ARRIVED: "到位资金", FUND_COMPLETED: "完成投资"}
PROJECT_FIELD = {FUND_ARRIVED: "arrived_funds", FUND_COMPLETED: "completed_investment"}
OPENING_NOTE = "原累计数（首次按月登记时转入，月份为估计）"


@dataclass(frozen=True)
class FundEntryItem:
    id: int
    project_id: int
    kind: str
    month: dt.date
    amount_wan: Decimal
    note: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def month_start(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, 1)


def _project(project_id: int) -> Project:
    project = Project.get_or_none(Project.id == project_id)
    if project is None:
        raise NotFoundError("项目不存在或已被删除")
    return project


def _project_units(project: Project) -> list[int | None]:
    return [project.responsible_unit_id, project.first_unit_id, project.township_id]


def _check(kind: str, month, amount) -> None:
    errors = {}
    if kind not in FUND_KINDS:
        errors["kind"] = "类别应为 到位资金 或 完成投资"
    if not isinstance(month, dt.date):
        errors["month"] = "请填写月份"
    elif month_start(month) > dt.date.today():
        errors["month"] = "月份不能晚于本月"
    if amount is None:
        errors["amount"] = "请填写金额"
    elif not Decimal(amount).is_finite():
        errors["amount"] = "金额不是有效的数字"
    elif amount < 0:
        errors["amount"] = "金额不能为负数"
    elif amount > MAX_AMOUNT_WAN:
        errors["amount"] = "金额超过 1000 亿元，请检查单位（万元/亿元）"
    if errors:
        raise ValidationError(errors)


def _opening_month(project: Project) -> dt.date:
    day = project.started_on or project.signed_on or project.created_at or dt.date.today()
    if isinstance(day, dt.datetime):
        day = day.date()
    return month_start(day)


def _adopt_untracked_total(project: Project, kind: str) -> None:
    """A total the project had before its first entry becomes an opening entry."""
    if FundEntry.select().where((FundEntry.project == project.id) & (FundEntry.kind == kind)).exists():
        return
    total = getattr(project, PROJECT_FIELD[kind])
    if total:
        FundEntry.create(project=project.id, kind=kind, month=_opening_month(project), amount=total, note=OPENING_NOTE)


def refresh_project_total(project_id: int, kind: str) -> Decimal | None:
    """Store the sum of the project's entries of `kind` on the project (None when it has none)."""
    count, total_yuan = (
        FundEntry.select(fn.COUNT(FundEntry.id), fn.SUM(FundEntry.amount).coerce(False))
        .where((FundEntry.project == project_id) & (FundEntry.kind == kind))
        .tuples()
        .get()
    )
    total = yuan_to_wan(int(total_yuan or 0)) if count else None
    Project.update({PROJECT_FIELD[kind]: total}).where(Project.id == project_id).execute()
    return total


def add_entry(project_id: int, kind: str, month: dt.date, amount_wan: Decimal, note: str = "") -> int:
    """Record a month's 到位资金/完成投资 for a project; returns the entry's id."""
    project = _project(project_id)
    require_edit(_project_units(project))
    _check(kind, month, amount_wan)
    month = month_start(month)
    with database.atomic():
        _adopt_untracked_total(project, kind)
        if FundEntry.select().where(
            (FundEntry.project == project_id) & (FundEntry.kind == kind) & (FundEntry.month == month)
        ).exists():
            raise UserError(f"该项目 {month.year}年{month.month}月 已有{KIND_LABELS[kind]}记录，请修改那一条")
        try:
            entry = FundEntry.create(project=project_id, kind=kind, month=month, amount=amount_wan,
                                     note=(note or "").strip()[:200])
        except IntegrityError as exc:  # pragma: no cover - the check above runs in the same transaction
            raise UserError(f"该项目 {month.year}年{month.month}月 已有{KIND_LABELS[kind]}记录") from exc
        refresh_project_total(project_id, kind)
    return entry.id


def _entry(entry_id: int) -> FundEntry:
    entry = FundEntry.get_or_none(FundEntry.id == entry_id)
    if entry is None:
        raise NotFoundError("这条资金记录不存在或已被删除")
    return entry


def update_entry(entry_id: int, *, month: dt.date, amount_wan: Decimal, note: str = "") -> None:
    entry = _entry(entry_id)
    project = _project(entry.project_id)
    require_edit(_project_units(project))
    _check(entry.kind, month, amount_wan)
    month = month_start(month)
    with database.atomic():
        clash = FundEntry.select().where(
            (FundEntry.project == entry.project_id) & (FundEntry.kind == entry.kind)
            & (FundEntry.month == month) & (FundEntry.id != entry_id)
        ).exists()
        if clash:
            raise UserError(f"该项目 {month.year}年{month.month}月 已有{KIND_LABELS[entry.kind]}记录")
        entry.month, entry.amount, entry.note = month, amount_wan, (note or "").strip()[:200]
        entry.save()
        refresh_project_total(entry.project_id, entry.kind)


def delete_entry(entry_id: int) -> None:
    entry = _entry(entry_id)
    project = _project(entry.project_id)
    require_edit(_project_units(project))
    with database.atomic():
        entry.delete_instance()
        refresh_project_total(entry.project_id, entry.kind)


def project_entries(project_id: int, kind: str | None = None) -> list[FundEntryItem]:
    query = FundEntry.select().where(FundEntry.project == project_id).order_by(FundEntry.kind, FundEntry.month)
    if kind is not None:
        query = query.where(FundEntry.kind == kind)
    return [FundEntryItem(e.id, e.project_id, e.kind, e.month, e.amount, e.note) for e in query]


def period_condition(date_from: dt.date, date_to: dt.date):
    """Entries whose month counts in the inclusive period (see the module docstring)."""
    return (FundEntry.month >= month_start(date_from)) & (FundEntry.month <= date_to)


def sum_by_unit(kind: str, date_from: dt.date, date_to: dt.date) -> dict[int | None, Decimal]:
    """Responsible unit id (None: no unit) → sum of `kind` entries in the period, 万元."""
    query = (
        FundEntry.select(Project.responsible_unit, fn.SUM(FundEntry.amount).coerce(False))
        .join(Project, on=(FundEntry.project == Project.id))
        .where((FundEntry.kind == kind) & period_condition(date_from, date_to))
        .group_by(Project.responsible_unit)
        .tuples()
    )
    return {unit_id: yuan_to_wan(int(total or 0)) for unit_id, total in query}


def period_sum(kind: str, date_from: dt.date, date_to: dt.date, *, unit_id: int | None = None,
               project_id: int | None = None) -> Decimal:
    """Sum of `kind` entries in the period, 万元 — all projects, one unit's, or one project's."""
    query = FundEntry.select(fn.SUM(FundEntry.amount).coerce(False)).where(
        (FundEntry.kind == kind) & period_condition(date_from, date_to)
    )
    if unit_id is not None:
        query = query.join(Project, on=(FundEntry.project == Project.id)).where(Project.responsible_unit == unit_id)
    if project_id is not None:
        query = query.where(FundEntry.project == project_id)
    return yuan_to_wan(int(query.scalar() or 0))
