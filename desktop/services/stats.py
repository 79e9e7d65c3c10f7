"""The headline statistics of a period (the article's figures: 入库, 亿元以上, 开工, 云签约, 正在对接).

All amounts are 总投资. They are summed in SQL over the integer 元 column (exact on SQLite and
PostgreSQL alike), converted to 亿元 and rounded half-up to 2 decimals once, on the sum.
Periods are inclusive at both ends. Steps are identified by their number (LifecycleStep.number),
never by their id, since the step list is editable data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from peewee import fn

from desktop.models import LifecycleStep, Project, StatusChange, StepRecord
from desktop.models.base import yuan_to_wan
from desktop.services import defaults
from desktop.services.money import wan_to_yi

# 亿元以上: 总投资 ≥ 1 亿元 = 10,000 万元.
ABOVE_YI_WAN = Decimal(10000)
CLOUD_SIGNING = "云签约"
NORMAL = "正常"

STAT_KEYS = (
    "library_projects",
    "library_investment_yi",
    "above_yi_projects",
    "above_yi_investment_yi",
    "above_yi_started_projects",
    "above_yi_started_investment_yi",
    "cloud_signed_projects",
    "cloud_signed_investment_yi",
    "negotiating_projects",
    "negotiating_investment_yi",
)


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """1 January of this year to today (inclusive)."""
    today = today or dt.date.today()
    return dt.date(today.year, 1, 1), today


def _projects_with_step(number: int, *, date_from: dt.date | None = None, date_to: dt.date | None = None):
    """Subquery: ids of projects with step `number` actually done (not 不涉及) within the dates."""
    query = (
        StepRecord.select(StepRecord.project)
        .join(LifecycleStep, on=(StepRecord.step == LifecycleStep.id))
        .where((LifecycleStep.number == number) & (StepRecord.not_applicable == False))  # noqa: E712
    )
    if date_from is not None:
        query = query.where(StepRecord.done_on >= date_from)
    if date_to is not None:
        query = query.where(StepRecord.done_on <= date_to)
    return query


def _projects_with_any_step(date_to: dt.date):
    """Subquery: ids of projects with any step recorded (done or 不涉及) on or before `date_to`."""
    return StepRecord.select(StepRecord.project).where(StepRecord.done_on <= date_to)


def _status_on(date_to: dt.date):
    """Correlated subquery: the project's status on `date_to` — its latest change dated on or
    before that day (ties: the later-recorded change), NULL when there was none (= 正常)."""
    change = StatusChange.alias("sc")
    return (
        change.select(change.status)
        .where((change.project == Project.id) & (change.changed_on <= date_to))
        .order_by(change.changed_on.desc(), change.id.desc())
        .limit(1)
    )


def _count_and_sum(condition) -> tuple[int, Decimal]:
    """Number of projects and their 总投资 in 亿元 (half-up, 2 decimals) for a where-condition."""
    count, total_yuan = (
        Project.select(fn.COUNT(Project.id), fn.SUM(Project.total_investment).coerce(False))
        .where(condition)
        .tuples()
        .get()
    )
    # SQLite gives an int, PostgreSQL a Decimal (SUM of bigint is numeric); both exact.
    wan = yuan_to_wan(int(total_yuan or 0))
    return int(count or 0), wan_to_yi(wan)


def compute_stats(date_from: dt.date, date_to: dt.date) -> dict:
    """The ten headline figures for the inclusive period `date_from`…`date_to`.

    - library_*: projects with a 入库 (step 10) record dated in the period, whatever their status now;
    - above_yi_*: of those, 总投资 ≥ 1 亿元;
    - above_yi_started_*: of those, with a 开工 (step 19) record dated on or before `date_to`;
    - cloud_signed_*: signing mode 云签约 and a 签约 (step 9) record dated in the period;
    - negotiating_*: a step recorded on or before `date_to`, no 签约 record by then, and status 正常
      on `date_to` according to the dated status history.
    Counts are ints; amounts are Decimal 亿元.
    """
    in_library = Project.id.in_(
        _projects_with_step(defaults.STEP_LIBRARY, date_from=date_from, date_to=date_to)
    )
    above_yi = in_library & (Project.total_investment >= ABOVE_YI_WAN)
    above_yi_started = above_yi & Project.id.in_(_projects_with_step(defaults.STEP_STARTED, date_to=date_to))
    cloud_signed = (Project.signing_mode == CLOUD_SIGNING) & Project.id.in_(
        _projects_with_step(defaults.STEP_SIGNED, date_from=date_from, date_to=date_to)
    )
    negotiating = (
        Project.id.in_(_projects_with_any_step(date_to))
        & Project.id.not_in(_projects_with_step(defaults.STEP_SIGNED, date_to=date_to))
        & (fn.COALESCE(_status_on(date_to), NORMAL) == NORMAL)
    )

    result: dict = {}
    for prefix, condition in (
        ("library", in_library),
        ("above_yi", above_yi),
        ("above_yi_started", above_yi_started),
        ("cloud_signed", cloud_signed),
        ("negotiating", negotiating),
    ):
        count, amount = _count_and_sum(condition)
        result[f"{prefix}_projects"] = count
        result[f"{prefix}_investment_yi"] = amount
    return result
