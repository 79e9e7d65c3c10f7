"""首页（领导驾驶舱）: the figures, series and warnings of a period, as plain data.

- Cards: the headline figures of `stats.compute_stats` for the period (the very same numbers),
  each with the ids of the projects behind it so a click can open exactly that list.
- Series: 入库 investment by industry, the stage funnel, the monthly 入库 trend, projects by
  township — all over the period's 入库 projects except the funnel (see `stage_funnel`).
- The county's 双过半 lights (targets of the period end's year through the period end).
- Warnings as of the period end: projects without step progress for 30 days, overdue team
  problems（专班问题清单）and preliminary reviews close to their deadline — the last two only
  when those features are installed (their modules are imported guardedly).
No Qt here; the page only draws what this returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import chunked, fn

from desktop.models.base import yuan_to_wan
from desktop.models.project import LifecycleStep, Project, StatusChange, StepRecord
from desktop.models.reference import Unit
from desktop.services import defaults
from desktop.services.money import wan_to_yi
from desktop.services.project_list import ProjectFilter
from desktop.services.stats import (
    ABOVE_YI_WAN,
    CLOUD_SIGNING,
    NORMAL,
    STAT_KEYS,
    _projects_with_any_step,
    _projects_with_step,
    _status_on,
)

STALLED_DAYS = 30
REVIEW_WARN_DAYS = 1
WARNINGS_LISTED = 100  # per kind; the list's heading opens all of them  # a review is three (working) days: warn on its last day and when overdue
NO_INDUSTRY = "未填写"
NO_TOWNSHIP = "未填写"

# The funnel: (label, first step number of that stage); a project counts in every stage it reached.
FUNNEL_STAGES = (
    ("线索", 1),
    ("洽谈", 3),
    ("初审", 5),
    ("决策", 7),
    ("签约", 9),
    ("入库", 10),
    ("开工", 19),
    ("投产", 22),
)


@dataclass
class ProjectSelection(ProjectFilter):
    """A ProjectFilter naming exactly the projects behind a card or warning (`project_ids`), with a
    title for the list ("驾驶舱：2022-01-01至2022-06-30 入库项目"). The other fields say what they
    can (e.g. the amount band) for a list that does not know `project_ids` yet."""

    project_ids: frozenset[int] = field(default_factory=frozenset)
    title: str = ""


@dataclass(frozen=True)
class Card:
    key: str  # the stats prefix: library, above_yi, above_yi_started, cloud_signed, negotiating
    title: str
    count: int
    amount_yi: Decimal
    hint: str
    selection: ProjectSelection


@dataclass(frozen=True)
class WarningItem:
    kind: str  # "stalled" / "problem" / "review"
    project_id: int
    project_code: str
    project_name: str
    text: str  # short, for a list
    days: int  # days without progress / overdue / left
    detail: str = ""  # the rest, for a tooltip


@dataclass(frozen=True)
class DashboardData:
    date_from: dt.date
    date_to: dt.date
    figures: dict  # equal to compute_stats(date_from, date_to) (the same conditions and rounding)
    cards: tuple[Card, ...]
    investment_by_industry: tuple[tuple[str, Decimal], ...]  # (industry, 亿元), largest first
    stage_funnel: tuple[tuple[str, int], ...]
    monthly_library: tuple[tuple[str, int], ...]  # ("2022-01", count), every month of the period
    by_township: tuple[tuple[str, int], ...]  # every township, also those at 0
    targets: object | None  # targets.TargetsReport, or None when the year has no county target
    warnings: tuple[WarningItem, ...]  # at most WARNINGS_LISTED of each kind, most urgent first
    warning_counts: dict[str, int]  # kind → how many in all; only the kinds that could be checked
    warning_ids: dict[str, frozenset[int]]  # kind → the projects of all of them

    @property
    def features(self) -> tuple[str, ...]:
        """The warning kinds that could be checked ("stalled", and "problem"/"review" when installed)."""
        return tuple(self.warning_counts)

    def warnings_of(self, kind: str) -> list[WarningItem]:
        return [w for w in self.warnings if w.kind == kind]

    def selection_of(self, kind: str, title: str) -> ProjectSelection:
        """The filter that opens every project warned about under `kind` as one list."""
        return ProjectSelection(project_ids=self.warning_ids.get(kind, frozenset()), title=title)


CARD_TEXTS = (
    ("library", "入库项目", "期间内记录“入库”的项目"),
    ("above_yi", "其中亿元以上", "入库项目中总投资 ≥ 1 亿元"),
    ("above_yi_started", "亿元以上已开工", "截至期末已记录“开工”"),
    ("cloud_signed", "云签约", "期间内以云签约方式签约"),
    ("negotiating", "正在对接", "截至期末未签约、状态正常"),
)


def stat_conditions(date_from: dt.date, date_to: dt.date) -> dict:
    """The where-conditions behind each figure of `compute_stats` (the same definitions)."""
    in_library = Project.id.in_(_projects_with_step(defaults.STEP_LIBRARY, date_from=date_from, date_to=date_to))
    above_yi = in_library & (Project.total_investment >= ABOVE_YI_WAN)
    return {
        "library": in_library,
        "above_yi": above_yi,
        "above_yi_started": above_yi & Project.id.in_(_projects_with_step(defaults.STEP_STARTED, date_to=date_to)),
        "cloud_signed": (Project.signing_mode == CLOUD_SIGNING) & Project.id.in_(
            _projects_with_step(defaults.STEP_SIGNED, date_from=date_from, date_to=date_to)
        ),
        "negotiating": (
            Project.id.in_(_projects_with_any_step(date_to))
            & Project.id.not_in(_projects_with_step(defaults.STEP_SIGNED, date_to=date_to))
            & (fn.COALESCE(_status_on(date_to), NORMAL) == NORMAL)
        ),
    }


def _period_text(date_from: dt.date, date_to: dt.date) -> str:
    return f"{date_from.isoformat()}至{date_to.isoformat()}"


def _cards(date_from: dt.date, date_to: dt.date) -> tuple[dict, tuple[Card, ...]]:
    """The figures of `compute_stats` and the cards, from one query per figure: the projects (id,
    总投资) meeting the very conditions stats uses, counted and summed exactly as stats does (SUM of
    the integer 元, then 亿元 half-up once) — tests hold the two equal."""
    conditions = stat_conditions(date_from, date_to)
    figures: dict = {}
    cards = []
    for key, title, hint in CARD_TEXTS:
        rows = Project.select(Project.id, Project.total_investment.coerce(False)).where(conditions[key]).tuples()
        ids, total_yuan = set(), 0
        for pid, yuan in rows:
            ids.add(pid)
            total_yuan += int(yuan)
        amount = wan_to_yi(yuan_to_wan(total_yuan))
        figures[f"{key}_projects"], figures[f"{key}_investment_yi"] = len(ids), amount
        band = "亿元以上" if key.startswith("above_yi") else ""
        selection = ProjectSelection(amount_band=band, project_ids=frozenset(ids),
                                     title=f"驾驶舱：{_period_text(date_from, date_to)} {title}")
        cards.append(Card(key, title, len(ids), amount, hint, selection))
    return {key: figures[key] for key in STAT_KEYS}, tuple(cards)


def _investment_by_industry(condition) -> tuple[tuple[str, Decimal], ...]:
    query = (
        Project.select(Project.industry, fn.SUM(Project.total_investment).coerce(False))
        .where(condition)
        .group_by(Project.industry)
        .tuples()
    )
    rows = [((industry or NO_INDUSTRY), wan_to_yi(yuan_to_wan(int(total or 0)))) for industry, total in query]
    rows.sort(key=lambda r: (-r[1], r[0]))
    return tuple(rows)


def _step_summary(date_to: dt.date) -> dict[int, tuple[dt.date, int]]:
    """Project id → (date of its latest step record, furthest step number) on or before `date_to`
    (done or 不涉及, as the stage is derived) — one pass over the step records for the funnel and
    the stalled projects alike."""
    query = (
        StepRecord.select(StepRecord.project, fn.MAX(StepRecord.done_on), fn.MAX(LifecycleStep.number))
        .join(LifecycleStep, on=(StepRecord.step == LifecycleStep.id))
        .where(StepRecord.done_on <= date_to)
        .group_by(StepRecord.project)
        .tuples()
    )
    return {pid: (_as_date(last_day), reached) for pid, last_day, reached in query}


def _not_normal_on(date_to: dt.date) -> set[int]:
    """Projects whose status on `date_to` (their latest change dated on or before it; ties: the
    later-recorded change) is 暂缓 or 终止 — the rule of `stats._status_on`, over the small
    status table in Python instead of a subquery per project."""
    latest: dict[int, str] = {}
    query = (
        StatusChange.select(StatusChange.project, StatusChange.status)
        .where(StatusChange.changed_on <= date_to)
        .order_by(StatusChange.changed_on, StatusChange.id)
        .tuples()
    )
    for pid, status in query:
        latest[pid] = status
    return {pid for pid, status in latest.items() if status != NORMAL}


def _stage_funnel(summary: dict[int, tuple[dt.date, int]], not_normal: set[int]) -> tuple[tuple[str, int], ...]:
    """Projects by the furthest step recorded on or before the period end, not 暂缓/终止 on that
    day; each project counts in every stage it reached."""
    reached = [number for pid, (_day, number) in summary.items() if pid not in not_normal]
    return tuple((label, sum(1 for n in reached if n >= first)) for label, first in FUNNEL_STAGES)


def _months(date_from: dt.date, date_to: dt.date) -> list[str]:
    months, year, month = [], date_from.year, date_from.month
    while (year, month) <= (date_to.year, date_to.month):
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _monthly_library(date_from: dt.date, date_to: dt.date) -> tuple[tuple[str, int], ...]:
    query = (
        StepRecord.select(StepRecord.done_on)
        .join(LifecycleStep, on=(StepRecord.step == LifecycleStep.id))
        .where(
            (LifecycleStep.number == defaults.STEP_LIBRARY) & (StepRecord.not_applicable == False)  # noqa: E712
            & (StepRecord.done_on >= date_from) & (StepRecord.done_on <= date_to)
        )
        .tuples()
    )
    counts = dict.fromkeys(_months(date_from, date_to), 0)
    for (day,) in query:
        key = str(day)[:7]
        if key in counts:
            counts[key] += 1
    return tuple(counts.items())


def _by_township(condition) -> tuple[tuple[str, int], ...]:
    townships = list(
        Unit.select(Unit.id, Unit.name).where(Unit.kind == "乡镇").order_by(Unit.sort_order, Unit.id).tuples()
    )
    counts = dict(
        Project.select(Project.township, fn.COUNT(Project.id)).where(condition).group_by(Project.township).tuples()
    )
    rows = [(name, int(counts.pop(uid, 0))) for uid, name in townships]
    other = sum(int(n) for n in counts.values())
    if other:
        rows.append((f"其他/{NO_TOWNSHIP}", other))
    return tuple(rows)


# --- warnings -----------------------------------------------------------------------------------


def stalled_candidates(as_of: dt.date, days: int = STALLED_DAYS, *, summary=None, not_normal=None) -> dict[int, dt.date]:
    """Project id → date of its latest step, for projects 正常 on `as_of`, not yet 投产, whose
    latest step record (on or before `as_of`) is more than `days` days old."""
    summary = _step_summary(as_of) if summary is None else summary
    not_normal = _not_normal_on(as_of) if not_normal is None else not_normal
    limit = as_of - dt.timedelta(days=days)
    return {
        pid: last_day for pid, (last_day, reached) in summary.items()
        if last_day < limit and reached < defaults.STEP_OPERATING and pid not in not_normal
    }


def stalled_projects(as_of: dt.date, days: int = STALLED_DAYS, *, limit: int | None = None, candidates=None) -> list[WarningItem]:
    """The stalled projects (see `stalled_candidates`) as warnings, longest stalled first; only the
    first `limit` of them with a limit (a list shows those; the ids of all open the full list)."""
    candidates = stalled_candidates(as_of, days) if candidates is None else candidates
    order = sorted(candidates, key=lambda pid: (candidates[pid], pid))
    if limit is not None:
        order = order[:limit]
    names = {}
    for batch in chunked(order, 500):
        names.update({pid: (code, name) for pid, code, name in
                      Project.select(Project.id, Project.code, Project.name).where(Project.id.in_(batch)).tuples()})
    items = []
    for pid in order:
        code, name = names[pid]
        idle = (as_of - candidates[pid]).days
        items.append(WarningItem("stalled", pid, code, name, f"{name}：{idle} 天无进展", idle,
                                 f"{code} {name}：最近一步记录于 {candidates[pid].isoformat()}"))
    items.sort(key=lambda w: (-w.days, w.project_code))
    return items


def overdue_problems(as_of: dt.date) -> list[WarningItem] | None:
    """Team problems past their due date and not closed by `as_of`; None without the teams feature."""
    try:
        from desktop.models.team import Problem, Team
        from desktop.services import teams  # noqa: F401 - the feature is installed
    except ImportError:
        return None
    query = (
        Problem.select(Problem.text, Problem.due_on, Project.id, Project.code, Project.name)
        .join(Team, on=(Problem.team == Team.id))
        .join(Project, on=(Team.project == Project.id))
        .where(
            Problem.due_on.is_null(False) & (Problem.due_on < as_of) & (Problem.raised_on <= as_of)
            & ((Problem.closed == False) | Problem.closed_on.is_null() | (Problem.closed_on > as_of))  # noqa: E712
        )
        .tuples()
    )
    items = []
    for text, due_on, pid, code, name in query:
        late = (as_of - _as_date(due_on)).days
        items.append(WarningItem("problem", pid, code, name, f"{name}：“{text}”逾期 {late} 天", late,
                                 f"{code} {name}：问题“{text}”限 {_as_date(due_on).isoformat()} 销号，已逾期 {late} 天"))
    items.sort(key=lambda w: (-w.days, w.project_code))
    return items


def reviews_near_deadline(as_of: dt.date, days: int = REVIEW_WARN_DAYS) -> list[WarningItem] | None:
    """Open preliminary reviews due within `days` days of `as_of` or overdue; None without reviews."""
    try:
        from desktop.services import reviews
    except ImportError:
        return None
    list_reviews = getattr(reviews, "list_reviews", None)
    if list_reviews is None:
        return None
    items = []
    for row in list_reviews("pending", today=as_of):
        if row.submitted_on > as_of or row.days_left is None or row.days_left > days:
            continue
        when = f"已超期 {-row.days_left} 天" if row.days_left < 0 else ("今天到期" if row.days_left == 0 else f"剩 {row.days_left} 天")
        items.append(WarningItem("review", row.project_id, row.project_code, row.project_name,
                                 f"{row.project_name}：初审{when}", row.days_left,
                                 f"{row.project_code} {row.project_name}：即时初审期限 {row.due.isoformat()}，{when}"))
    items.sort(key=lambda w: (w.days, w.project_code))
    return items


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# --- everything ---------------------------------------------------------------------------------


def build_dashboard(date_from: dt.date, date_to: dt.date, progress=None) -> DashboardData:
    """Everything the page shows for the inclusive period (a few seconds at 100,000 projects: the
    page runs it on the worker pool; `progress` is accepted for that and not used)."""
    from desktop.services.targets import progress_report

    figures, cards = _cards(date_from, date_to)
    in_library = stat_conditions(date_from, date_to)["library"]
    report = progress_report(date_to)
    targets = report if report.county.has_targets else None
    summary, not_normal = _step_summary(date_to), _not_normal_on(date_to)
    stalled = stalled_candidates(date_to, summary=summary, not_normal=not_normal)
    warnings: list[WarningItem] = stalled_projects(date_to, limit=WARNINGS_LISTED, candidates=stalled)
    counts = {"stalled": len(stalled)}
    ids = {"stalled": frozenset(stalled)}
    for kind, found in (("problem", overdue_problems(date_to)), ("review", reviews_near_deadline(date_to))):
        if found is not None:
            counts[kind] = len(found)
            ids[kind] = frozenset(w.project_id for w in found)
            warnings += found[:WARNINGS_LISTED]
    return DashboardData(
        date_from=date_from,
        date_to=date_to,
        figures=figures,
        cards=cards,
        investment_by_industry=_investment_by_industry(in_library),
        stage_funnel=_stage_funnel(summary, not_normal),
        monthly_library=_monthly_library(date_from, date_to),
        by_township=_by_township(in_library),
        targets=targets,
        warnings=tuple(warnings),
        warning_counts=counts,
        warning_ids=ids,
    )
