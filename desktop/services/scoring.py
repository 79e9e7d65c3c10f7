"""The scoring board（比学赶超）: points per recorded step, ranked by unit, per period.

How a unit's points for a period are made (every point traceable through `unit_details`):
- every step record dated in the period (inclusive) and actually done (不涉及 earns nothing) earns
  its step's points (LifecycleStep.points, editable) times the project's investment-band weight
  (settings `scoring.weights`; default ×1 below 1亿元, ×1.5 from 1亿元, ×2 from 10亿元 — a band
  starts *at* its amount: exactly 1亿元 is ×1.5);
- the points go to the unit stored on the step record (StepRecord.unit, set when the step was
  recorded and correctable by an administrator with `correct_credit`), never to the project's
  current unit; a record without a unit credits nobody;
- a project's step is one record (unique per project and step), so it counts once;
- records count whatever the project's status is now: a step done in the period was work done in
  the period, and a project terminated later does not undo it;
- deductions (settings `scoring.deductions`, none by default): a rule like “签约 (step 9) without
  开工 (step 19) after N days costs P points per full month” charges the project's responsible
  unit P points at the end of every full month past the deadline that falls in the period, as long
  as the missing step is still not recorded and the project is not 暂缓/终止 on that day. Charging
  at month ends makes the deductions of twelve monthly boards add up to the year's.

The live board is computed each time by one SQL aggregation per period (GROUP BY unit over
step_record ⋈ lifecycle_step ⋈ project, with a CASE for the band weight). Weights are kept in the
SQL as integer thousandths, so sums are exact; a unit's points are shown with one decimal (half-up)
and ranks are given on the shown value: equal shown points share a rank and the next skips (1,1,3).

A published 通报 (`publish_bulletin`) stores the rows as issued plus the settings used, so reopening
or reprinting it months later gives the same numbers whatever changed since.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from peewee import JOIN, SQL, Case, Value, fn

from desktop.db import database
from desktop.errors import NotFoundError, UserError, ValidationError
from desktop.models import LifecycleStep, Project, StatusChange, StepRecord, Unit
from desktop.models.base import YUAN_PER_WAN
from desktop.models.scoring import BoardStepRecord, CreditCorrection, ScoreBulletin
from desktop.services.access import require_admin, require_centre
from desktop.services.database import get_setting, installation_name, set_setting
from desktop.services.dates import format_date_long

SETTING_WEIGHTS = "scoring.weights"
SETTING_DEDUCTIONS = "scoring.deductions"

ONE_DECIMAL = Decimal("0.1")
WEIGHT_SCALE = 1000  # weights are exact to 0.001 and summed as integers in SQL
MAX_STEP_POINTS = 1000
NO_CHARGE_STATUSES = ("暂缓", "终止")


# --- periods -----------------------------------------------------------------------------------
PERIOD_KINDS = {"month": "月度", "quarter": "季度", "half": "半年", "year": "年度", "custom": "自定义"}
_QUARTER_NAMES = "一二三四"


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clipped to the month's end (31 January + 1 → 28/29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
    kind: str  # a key of PERIOD_KINDS
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        year = self.start.year
        if self.kind == "month":
            return f"{year}年{self.start.month}月"
        if self.kind == "quarter":
            return f"{year}年第{_QUARTER_NAMES[(self.start.month - 1) // 3]}季度"
        if self.kind == "half":
            return f"{year}年{'上' if self.start.month == 1 else '下'}半年"
        if self.kind == "year":
            return f"{year}年"
        return f"{format_date_long(self.start)}至{format_date_long(self.end)}"

    @property
    def range_text(self) -> str:
        return f"{format_date_long(self.start)}至{format_date_long(self.end)}"


def month_period(year: int, month: int) -> Period:
    return Period("month", dt.date(year, month, 1), _last_day(year, month))


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    return Period("quarter", dt.date(year, first, 1), _last_day(year, first + 2))


def half_period(year: int, half: int) -> Period:
    first = 1 if half == 1 else 7
    return Period("half", dt.date(year, first, 1), _last_day(year, first + 5))


def year_period(year: int) -> Period:
    return Period("year", dt.date(year, 1, 1), dt.date(year, 12, 31))


def custom_period(start: dt.date, end: dt.date) -> Period:
    if start > end:
        raise UserError(f"开始日期 {start.isoformat()} 晚于结束日期 {end.isoformat()}")
    return Period("custom", start, end)


def period_of(kind: str, year: int, index: int = 1) -> Period:
    """month (index 1–12), quarter (1–4), half (1–2) or year of `year`."""
    if kind == "month":
        return month_period(year, index)
    if kind == "quarter":
        return quarter_period(year, index)
    if kind == "half":
        return half_period(year, index)
    if kind == "year":
        return year_period(year)
    raise UserError(f"没有“{kind}”这种期间（可选：月、季度、半年、年、自定义）")


def period_from_dates(start: dt.date, end: dt.date) -> Period:
    """The period two dates describe: a whole month, quarter, half-year or year is that kind
    (so its previous period is the previous month/quarter…); anything else is custom."""
    if start > end:
        raise UserError(f"开始日期 {start.isoformat()} 晚于结束日期 {end.isoformat()}")
    if start.day == 1 and end == _last_day(end.year, end.month) and start.year == end.year:
        months = end.month - start.month + 1
        if months == 1:
            return month_period(start.year, start.month)
        if months == 3 and start.month in (1, 4, 7, 10):
            return quarter_period(start.year, (start.month - 1) // 3 + 1)
        if months == 6 and start.month in (1, 7):
            return half_period(start.year, 1 if start.month == 1 else 2)
        if months == 12:
            return year_period(start.year)
    return Period("custom", start, end)


def previous_period(period: Period) -> Period:
    """The period of the same kind just before: the previous month/quarter/half-year/year, or for a
    custom period the same number of days ending the day before it starts."""
    if period.kind == "month":
        day = add_months(period.start, -1)
        return month_period(day.year, day.month)
    if period.kind == "quarter":
        day = add_months(period.start, -3)
        return quarter_period(day.year, (day.month - 1) // 3 + 1)
    if period.kind == "half":
        day = add_months(period.start, -6)
        return half_period(day.year, 1 if day.month == 1 else 2)
    if period.kind == "year":
        return year_period(period.start.year - 1)
    end = period.start - dt.timedelta(days=1)
    return Period("custom", end - dt.timedelta(days=period.days - 1), end)


def period_to_json(period: Period) -> dict:
    return {"kind": period.kind, "from": period.start.isoformat(), "to": period.end.isoformat()}


# --- settings ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class WeightBand:
    """Projects whose 总投资 is at least `from_wan` 万元 (up to the next band) get `weight`."""

    from_wan: Decimal
    weight: Decimal


@dataclass(frozen=True)
class DeductionRule:
    """`after_step` done, `missing_step` not recorded after `after_days` days: `points_per_month`
    for every full month past that, charged to the project's responsible unit."""

    name: str
    after_step: int
    missing_step: int
    after_days: int
    points_per_month: Decimal


DEFAULT_WEIGHTS = (
    WeightBand(Decimal(0), Decimal(1)),
    WeightBand(Decimal(10000), Decimal("1.5")),
    WeightBand(Decimal(100000), Decimal(2)),
)
# An example the settings panel offers (not active by default): 签约 90 days without 开工.
EXAMPLE_DEDUCTION = DeductionRule("签约后未开工", 9, 19, 90, Decimal(2))


@dataclass(frozen=True)
class StepPoints:
    number: int
    name: str
    points: int


@dataclass(frozen=True)
class ScoringSettings:
    steps: tuple[StepPoints, ...]
    weights: tuple[WeightBand, ...]
    deductions: tuple[DeductionRule, ...]

    def step_points(self) -> dict[int, int]:
        return {step.number: step.points for step in self.steps}

    def weight_for(self, total_wan: Decimal | None) -> Decimal:
        return weight_for(self.weights, total_wan)

    def to_json(self) -> dict:
        return {
            "steps": [[s.number, s.name, s.points] for s in self.steps],
            "weights": [{"from_wan": str(b.from_wan), "weight": str(b.weight)} for b in self.weights],
            "deductions": [_rule_to_json(rule) for rule in self.deductions],
        }

    @classmethod
    def from_json(cls, data: dict) -> ScoringSettings:
        return cls(
            steps=tuple(StepPoints(int(n), str(name), int(p)) for n, name, p in data.get("steps", [])),
            weights=_weights_from_json(data.get("weights")),
            deductions=_rules_from_json(data.get("deductions")),
        )


def band_labels(bands) -> list[str]:
    """How each band reads: “1亿元以下”, “1亿元（含）至10亿元”, “10亿元及以上”."""
    def yi(wan: Decimal) -> str:
        return f"{plain_number(wan / 10000)}亿元"

    labels = []
    for i, band in enumerate(bands):
        upper = bands[i + 1].from_wan if i + 1 < len(bands) else None
        if upper is None:
            labels.append(f"{yi(band.from_wan)}及以上" if band.from_wan else "全部项目")
        elif not band.from_wan:
            labels.append(f"{yi(upper)}以下")
        else:
            labels.append(f"{yi(band.from_wan)}（含）至{yi(upper)}")
    return labels


def weight_for(bands, total_wan: Decimal | None) -> Decimal:
    total = Decimal(total_wan or 0)
    weight = bands[0].weight
    for band in bands:
        if total >= band.from_wan:
            weight = band.weight
    return weight


def plain_number(value: Decimal) -> str:
    """Decimal without trailing zeros: 1.50 → 1.5, 2.0 → 2."""
    value = Decimal(value)
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else format(value.normalize(), "f")


def _decimal(value, what: str) -> Decimal:
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({what: f"“{value}”不是数字"}) from None
    if not result.is_finite():
        raise ValidationError({what: f"“{value}”不是数字"})
    return result


def _rule_to_json(rule: DeductionRule) -> dict:
    return {"name": rule.name, "after_step": rule.after_step, "missing_step": rule.missing_step,
            "after_days": rule.after_days, "points_per_month": str(rule.points_per_month)}


def _weights_from_json(data) -> tuple[WeightBand, ...]:
    if not data:
        return DEFAULT_WEIGHTS
    return tuple(WeightBand(Decimal(str(b["from_wan"])), Decimal(str(b["weight"]))) for b in data)


def _rules_from_json(data) -> tuple[DeductionRule, ...]:
    return tuple(
        DeductionRule(str(r.get("name", "")), int(r["after_step"]), int(r["missing_step"]), int(r["after_days"]),
                      Decimal(str(r["points_per_month"])))
        for r in (data or [])
    )


def _load_json_setting(key: str):
    text = get_setting(key, "")
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise UserError(f"积分设置“{key}”已损坏，请在 设置 → 积分 中重新保存") from None


def load_settings() -> ScoringSettings:
    steps = tuple(
        StepPoints(number, name, int(points or 0))
        for number, name, points in LifecycleStep.select(LifecycleStep.number, LifecycleStep.name, LifecycleStep.points)
        .order_by(LifecycleStep.number).tuples()
    )
    return ScoringSettings(
        steps=steps,
        weights=_weights_from_json(_load_json_setting(SETTING_WEIGHTS)),
        deductions=_rules_from_json(_load_json_setting(SETTING_DEDUCTIONS)),
    )


def validate_weights(bands) -> tuple[WeightBand, ...]:
    """Bands as (from_wan, weight) pairs or WeightBands; the first starts at 0, amounts ascend,
    weights are positive with at most 3 decimals."""
    result = []
    for i, band in enumerate(bands, start=1):
        from_wan, weight = (band.from_wan, band.weight) if isinstance(band, WeightBand) else band
        start = _decimal(from_wan, f"weights.{i}.from")
        factor = _decimal(weight, f"weights.{i}.weight")
        if start < 0:
            raise ValidationError({f"weights.{i}.from": f"第 {i} 档的起点不能是负数"})
        if factor <= 0 or factor > 100:
            raise ValidationError({f"weights.{i}.weight": f"第 {i} 档的系数应大于 0、不超过 100"})
        if factor != factor.quantize(Decimal("0.001")):
            raise ValidationError({f"weights.{i}.weight": f"第 {i} 档的系数最多三位小数"})
        result.append(WeightBand(start, factor))
    if not result:
        raise ValidationError({"weights": "至少要有一档系数"})
    result.sort(key=lambda b: b.from_wan)
    if result[0].from_wan != 0:
        raise ValidationError({"weights.1.from": "第一档应从 0 万元起"})
    starts = [b.from_wan for b in result]
    if len(set(starts)) != len(starts):
        raise ValidationError({"weights": "两档的起点相同，请改一个"})
    return tuple(result)


def save_weights(bands) -> tuple[WeightBand, ...]:
    require_centre()
    checked = validate_weights(bands)
    set_setting(SETTING_WEIGHTS, json.dumps(
        [{"from_wan": str(b.from_wan), "weight": str(b.weight)} for b in checked], ensure_ascii=False))
    return checked


def validate_deductions(rules) -> tuple[DeductionRule, ...]:
    numbers = {n for (n,) in LifecycleStep.select(LifecycleStep.number).tuples()}
    result = []
    for i, rule in enumerate(rules, start=1):
        if not isinstance(rule, DeductionRule):
            rule = DeductionRule(**rule)
        name = (rule.name or "").strip()[:40]
        try:
            after, missing, days = int(rule.after_step), int(rule.missing_step), int(rule.after_days)
        except (TypeError, ValueError):
            raise ValidationError({f"deductions.{i}": f"第 {i} 条扣分规则的步骤和天数应为整数"}) from None
        per_month = _decimal(rule.points_per_month, f"deductions.{i}.points")
        if after not in numbers or missing not in numbers:
            raise ValidationError({f"deductions.{i}": f"第 {i} 条扣分规则的步骤不存在"})
        if after == missing:
            raise ValidationError({f"deductions.{i}": f"第 {i} 条扣分规则的两个步骤相同"})
        if days < 0 or days > 3650:
            raise ValidationError({f"deductions.{i}.days": f"第 {i} 条扣分规则的天数应在 0–3650 之间"})
        if per_month <= 0 or per_month > 1000 or per_month != per_month.quantize(ONE_DECIMAL):
            raise ValidationError({f"deductions.{i}.points": f"第 {i} 条扣分规则的每月扣分应大于 0，最多一位小数"})
        result.append(DeductionRule(name or f"第{after}步后未完成第{missing}步", after, missing, days, per_month))
    return tuple(result)


def save_deductions(rules) -> tuple[DeductionRule, ...]:
    require_centre()
    checked = validate_deductions(rules)
    set_setting(SETTING_DEDUCTIONS, json.dumps([_rule_to_json(r) for r in checked], ensure_ascii=False))
    return checked


def set_step_points(points: dict[int, int]) -> None:
    """Change the points of lifecycle steps (by number); the live board follows at once."""
    require_centre()
    known = {n for (n,) in LifecycleStep.select(LifecycleStep.number).tuples()}
    for number, value in points.items():
        if number not in known:
            raise NotFoundError(f"没有第 {number} 步")
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise ValidationError({f"step.{number}": f"第 {number} 步的分值应为整数"}) from None
        if value < 0 or value > MAX_STEP_POINTS:
            raise ValidationError({f"step.{number}": f"第 {number} 步的分值应在 0–{MAX_STEP_POINTS} 之间"})
        points[number] = value
    with database.atomic():
        for number, value in points.items():
            # A new version when the points change, so the townships' copies (and boards) follow.
            LifecycleStep.update(points=value, updated_at=dt.datetime.now().replace(microsecond=0),
                                 version=LifecycleStep.version + 1).where(
                (LifecycleStep.number == number) & (LifecycleStep.points != value)).execute()


# --- the board ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class BoardRow:
    rank: int
    unit_id: int | None
    unit: str
    points: Decimal  # one decimal, half-up
    steps: int
    projects: int
    deduction: Decimal = Decimal(0)  # points taken off (≥ 0), already inside `points`
    previous_rank: int | None = None
    previous_points: Decimal | None = None

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous period (positive: moved up)."""
        return None if self.previous_rank is None else self.previous_rank - self.rank

    @property
    def points_change(self) -> Decimal | None:
        return None if self.previous_points is None else self.points - self.previous_points

    @property
    def change_text(self) -> str:
        """▲2 / ▼1 / — for the rank, then the points difference: “▲2（+3.5）”."""
        change = self.rank_change
        if change is None:
            return ""
        arrow = f"▲{change}" if change > 0 else f"▼{-change}" if change < 0 else "—"
        delta = self.points_change
        return f"{arrow}（{'+' if delta > 0 else ''}{delta}）" if delta else arrow

    @property
    def change_words(self) -> str:
        """The same in words, for paper whose fonts lack ▲▼: “升2位（+3.5）”, “降1位”, “持平”."""
        change = self.rank_change
        if change is None:
            return ""
        words = f"升{change}位" if change > 0 else f"降{-change}位" if change < 0 else "持平"
        delta = self.points_change
        return f"{words}（{'+' if delta > 0 else ''}{delta}）" if delta else words

    def to_json(self) -> dict:
        return {
            "rank": self.rank, "unit_id": self.unit_id, "unit": self.unit, "points": str(self.points),
            "steps": self.steps, "projects": self.projects, "deduction": str(self.deduction),
            "previous_rank": self.previous_rank,
            "previous_points": None if self.previous_points is None else str(self.previous_points),
        }

    @classmethod
    def from_json(cls, data: dict) -> BoardRow:
        prev = data.get("previous_points")
        return cls(
            rank=int(data["rank"]), unit_id=data.get("unit_id"), unit=data["unit"], points=Decimal(data["points"]),
            steps=int(data["steps"]), projects=int(data["projects"]), deduction=Decimal(data.get("deduction", "0")),
            previous_rank=data.get("previous_rank"), previous_points=None if prev is None else Decimal(prev),
        )


@dataclass(frozen=True)
class Board:
    period: Period
    previous: Period | None
    rows: tuple[BoardRow, ...]
    settings: ScoringSettings

    @property
    def total_points(self) -> Decimal:
        return sum((row.points for row in self.rows), Decimal(0))

    @property
    def has_deductions(self) -> bool:
        return any(row.deduction for row in self.rows)


@dataclass
class _UnitTotal:
    points: Decimal = Decimal(0)  # exact
    steps: int = 0
    projects: int = 0
    deduction: Decimal = Decimal(0)


def _weight_case(bands, total):
    """SQL: the band weight for the 总投资 column `total` (元), in thousandths (highest band matching)."""
    milli = [int(b.weight * WEIGHT_SCALE) for b in bands]
    whens = [(total >= Value(int(band.from_wan * YUAN_PER_WAN), converter=False), m)
             for band, m in zip(reversed(bands[1:]), reversed(milli[1:]))]
    return Case(None, whens, milli[0]) if whens else Value(milli[0])


def _board_query(start: dt.date, end: dt.date, settings: ScoringSettings, *, counts: bool = True,
                 via_project: bool = False):
    """SQL: per credited unit, the weighted points in thousandths (then, with `counts`, the steps
    and the distinct projects). The band comes from the step record's copy of its project's 总投资
    (BoardStepRecord.project_total, kept by triggers); `via_project` joins the project instead —
    the same numbers, several times slower at a million records (bench/scoreboard.py shows both)."""
    record = BoardStepRecord
    total = Project.total_investment if via_project else record.project_total
    columns = [record.unit_id, fn.SUM(LifecycleStep.points * _weight_case(settings.weights, total))]
    if counts:
        columns += [fn.COUNT(SQL("*")), fn.COUNT(record.project_id.distinct())]
    query = record.select(*columns).join(LifecycleStep, on=(record.step_id == LifecycleStep.id))
    if via_project:
        query = query.join_from(record, Project, on=(record.project_id == Project.id))
    return (
        query.where(record.done_on.between(start, end)
                    & (record.not_applicable == False)  # noqa: E712 - peewee expression
                    & record.unit_id.is_null(False))
        .group_by(record.unit_id)
        .tuples()
    )


def _step_totals(start: dt.date, end: dt.date, settings: ScoringSettings, *, counts: bool = True) -> dict[int, _UnitTotal]:
    """One aggregation: per credited unit, the weighted points (exact), steps and projects."""
    totals = {}
    for unit_id, milli, *figures in _board_query(start, end, settings, counts=counts):
        steps, projects = figures if counts else (0, 0)
        totals[unit_id] = _UnitTotal(Decimal(int(milli or 0)) / WEIGHT_SCALE, int(steps), int(projects))
    return totals


@dataclass(frozen=True)
class DetailLine:
    """One line behind a unit's score: a step record (kind "step") or a deduction (kind "deduction")."""

    kind: str
    project_id: int
    project_code: str
    project_name: str
    step_number: int
    step_name: str
    done_on: dt.date
    base_points: Decimal
    weight: Decimal
    points: Decimal  # exact; the lines of a unit add up to its points before rounding
    total_wan: Decimal | None = None
    record_id: int | None = None
    unit_id: int | None = None


def _status_histories(project_ids) -> dict[int, list[tuple[dt.date, str]]]:
    histories: dict[int, list[tuple[dt.date, str]]] = {}
    ids = list(project_ids)
    for i in range(0, len(ids), 500):
        query = (StatusChange.select(StatusChange.project, StatusChange.changed_on, StatusChange.status)
                 .where(StatusChange.project.in_(ids[i:i + 500]))
                 .order_by(StatusChange.changed_on, StatusChange.id).tuples())
        for pid, day, status in query:
            histories.setdefault(pid, []).append((_as_date(day), status))
    return histories


def _status_on(history: list[tuple[dt.date, str]], day: dt.date) -> str:
    status = "正常"
    for changed_on, value in history:
        if changed_on <= day:
            status = value
    return status


def _deduction_lines(start: dt.date, end: dt.date, settings: ScoringSettings, unit_id: int | None = None) -> list[DetailLine]:
    """The deductions charged in the period (see the module's docstring), one line per month."""
    lines: list[DetailLine] = []
    names = {s.number: s.name for s in settings.steps}
    for rule in settings.deductions:
        # The first charge falls a month (≥ 28 days) after the deadline: later records cannot be charged yet.
        latest_start = end - dt.timedelta(days=28 + rule.after_days)
        done = StepRecord.alias("done")
        missing = StepRecord.alias("missing")
        done_step = LifecycleStep.alias("done_step")
        missing_step = LifecycleStep.alias("missing_step")
        missing_on = (
            missing.select(fn.MIN(missing.done_on))
            .join(missing_step, on=(missing.step == missing_step.id))
            .where((missing.project == Project.id) & (missing_step.number == rule.missing_step))
        )
        query = (
            Project.select(Project.id, Project.code, Project.name, Project.responsible_unit, Project.total_investment,
                           done.done_on, missing_on.alias("missing_on"))
            .join(done, on=(done.project == Project.id))
            .join(done_step, on=(done.step == done_step.id))
            .where((done_step.number == rule.after_step) & (done.not_applicable == False)  # noqa: E712
                   & (done.done_on <= latest_start) & Project.responsible_unit.is_null(False))
        )
        if unit_id is not None:
            query = query.where(Project.responsible_unit == unit_id)
        candidates = []
        for pid, code, name, responsible, total, done_on, missing_day in query.tuples():
            missing_day = _as_date(missing_day)
            if missing_day is not None and missing_day < start:
                continue
            candidates.append((pid, code, name, responsible, total, _as_date(done_on), missing_day))
        histories = _status_histories(c[0] for c in candidates) if candidates else {}
        penalty = -rule.points_per_month
        for pid, code, name, responsible, total, done_on, missing_day in candidates:
            deadline = done_on + dt.timedelta(days=rule.after_days)
            month = 1
            while (charge_day := add_months(deadline, month)) <= end:
                if missing_day is not None and missing_day <= charge_day:
                    break
                if charge_day >= start and _status_on(histories.get(pid, []), charge_day) not in NO_CHARGE_STATUSES:
                    lines.append(DetailLine(
                        kind="deduction", project_id=pid, project_code=code, project_name=name,
                        step_number=rule.missing_step,
                        step_name=f"扣分：{rule.name}（{names.get(rule.after_step, rule.after_step)}后逾期第{month}个月）",
                        done_on=charge_day, base_points=penalty, weight=Decimal(1), points=penalty,
                        total_wan=_as_decimal(total), unit_id=responsible,
                    ))
                month += 1
    return lines


def _as_decimal(value) -> Decimal | None:
    """A WanYuanField value read raw from a tuple query is already converted; pass it through."""
    return None if value is None else Decimal(value)


def _rank(values: list[Decimal]) -> list[int]:
    """Competition ranks of values in descending order: [9, 9, 7] → [1, 1, 3]."""
    ranks = []
    for i, value in enumerate(values):
        ranks.append(ranks[-1] if i and value == values[i - 1] else i + 1)
    return ranks


def _board_rows(period: Period, settings: ScoringSettings, units: list[tuple[int, str, int, bool]], *,
                counts: bool = True) -> list[BoardRow]:
    totals = _step_totals(period.start, period.end, settings, counts=counts)
    if settings.deductions:
        for line in _deduction_lines(period.start, period.end, settings):
            total = totals.setdefault(line.unit_id, _UnitTotal())
            total.points += line.points
            total.deduction -= line.points
    known = {uid for uid, *_ in units}
    extra = [uid for uid in totals if uid not in known]
    if extra:  # an inactive unit (or one deleted meanwhile) that earned points still shows
        units = units + [(uid, name, order, False) for uid, name, order in
                         Unit.select(Unit.id, Unit.name, Unit.sort_order).where(Unit.id.in_(extra)).tuples()]
    entries = []
    for uid, name, order, active in units:
        total = totals.get(uid)
        if total is None and not active:
            continue
        total = total or _UnitTotal()
        shown = total.points.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
        entries.append((shown, order, name, uid, total))
    entries.sort(key=lambda e: (-e[0], e[1], e[2]))
    ranks = _rank([e[0] for e in entries])
    return [
        BoardRow(rank=rank, unit_id=uid, unit=name, points=shown, steps=total.steps, projects=total.projects,
                 deduction=total.deduction.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP))
        for rank, (shown, _order, name, uid, total) in zip(ranks, entries)
    ]


def _units() -> list[tuple[int, str, int, bool]]:
    return [(uid, name, order, bool(active)) for uid, name, order, active in
            Unit.select(Unit.id, Unit.name, Unit.sort_order, Unit.active).order_by(Unit.sort_order, Unit.id).tuples()]


def compute_board(period: Period, *, compare: bool = True, settings: ScoringSettings | None = None) -> Board:
    """The live board of `period`: every active unit (also at 0), ranked; with `compare`, each row
    carries its rank and points in the previous period of the same kind (for ▲/▼)."""
    settings = settings or load_settings()
    units = _units()
    rows = _board_rows(period, settings, units)
    previous = None
    if compare:
        previous = previous_period(period)
        # The comparison needs the previous points and ranks only, not its step and project counts.
        before = {row.unit_id: row for row in _board_rows(previous, settings, units, counts=False)}
        rows = [replace(row, previous_rank=before[row.unit_id].rank if row.unit_id in before else None,
                        previous_points=before[row.unit_id].points if row.unit_id in before else None)
                for row in rows]
    return Board(period=period, previous=previous, rows=tuple(rows), settings=settings)


def board_for_dates(start: dt.date, end: dt.date, *, compare: bool = True) -> Board:
    return compute_board(period_from_dates(start, end), compare=compare)


def unit_details(unit_id: int, period: Period, *, settings: ScoringSettings | None = None) -> list[DetailLine]:
    """Every step record and deduction behind a unit's score in the period, by date: the lines'
    points add up exactly to the unit's points on the board (before rounding to one decimal)."""
    settings = settings or load_settings()
    query = (
        StepRecord.select(StepRecord.id, StepRecord.done_on, Project.id, Project.code, Project.name,
                          Project.total_investment, LifecycleStep.number, LifecycleStep.name, LifecycleStep.points)
        .join(LifecycleStep, on=(StepRecord.step == LifecycleStep.id))
        .join_from(StepRecord, Project, on=(StepRecord.project == Project.id))
        .where(StepRecord.done_on.between(period.start, period.end)
               & (StepRecord.not_applicable == False)  # noqa: E712
               & (StepRecord.unit == unit_id))
        .order_by(StepRecord.done_on, Project.code, LifecycleStep.number)
        .tuples()
    )
    lines = []
    for record_id, done_on, pid, code, name, total, number, step_name, points in query:
        total = _as_decimal(total)
        weight = settings.weight_for(total)
        base = Decimal(int(points or 0))
        lines.append(DetailLine(kind="step", project_id=pid, project_code=code, project_name=name,
                                step_number=number, step_name=step_name, done_on=_as_date(done_on),
                                base_points=base, weight=weight, points=base * weight, total_wan=total,
                                record_id=record_id, unit_id=unit_id))
    if settings.deductions:
        lines.extend(_deduction_lines(period.start, period.end, settings, unit_id=unit_id))
        lines.sort(key=lambda line: (line.done_on, line.project_code, line.step_number, line.kind))
    return lines


# --- credit corrections --------------------------------------------------------------------------
@dataclass(frozen=True)
class CorrectionItem:
    record_id: int
    old_unit: str
    new_unit: str
    reason: str
    corrected_at: dt.datetime


def correct_credit(record_id: int, unit_id: int | None, reason: str = "") -> None:
    """Credit a step record to another unit (an administrator's correction, kept in a log)."""
    require_admin()
    record = StepRecord.get_or_none(StepRecord.id == record_id)
    if record is None:
        raise NotFoundError("这条步骤记录不存在或已被删除")
    if unit_id is not None and not Unit.select().where(Unit.id == unit_id).exists():
        raise NotFoundError("计分单位不存在")
    if record.not_applicable and unit_id is not None:
        raise UserError("标为“不涉及”的步骤不计分，不能指定计分单位")
    if record.unit_id == unit_id:
        return
    with database.atomic():
        CreditCorrection.create(step_record=record.id, old_unit=record.unit_id, new_unit=unit_id,
                                reason=(reason or "").strip()[:200])
        # A new version of the record, so the corrected unit reaches exchange partners.
        StepRecord.update(unit=unit_id, updated_at=dt.datetime.now().replace(microsecond=0),
                          version=StepRecord.version + 1).where(StepRecord.id == record.id).execute()


def credit_corrections(record_id: int | None = None) -> list[CorrectionItem]:
    old, new = Unit.alias("old"), Unit.alias("new")
    query = (CreditCorrection.select(CreditCorrection.step_record, old.name, new.name, CreditCorrection.reason,
                                     CreditCorrection.corrected_at)
             .join(old, join_type=JOIN.LEFT_OUTER, on=(CreditCorrection.old_unit == old.id))
             .join_from(CreditCorrection, new, join_type=JOIN.LEFT_OUTER, on=(CreditCorrection.new_unit == new.id))
             .order_by(CreditCorrection.id))
    if record_id is not None:
        query = query.where(CreditCorrection.step_record == record_id)
    return [CorrectionItem(rid, o or "", n or "", reason, at) for rid, o, n, reason, at in query.tuples()]


# --- published 通报 ------------------------------------------------------------------------------
@dataclass(frozen=True)
class BulletinSummary:
    id: int
    title: str
    number: str
    period_label: str
    date_from: dt.date
    date_to: dt.date
    published_on: dt.date


@dataclass(frozen=True)
class Bulletin:
    id: int | None
    title: str
    number: str
    published_on: dt.date
    issuer: str
    board: Board


def default_title(period: Period) -> str:
    return f"{period.label}招商引资“比学赶超”积分情况通报"


def bulletin_of(board: Board, *, title: str = "", number: str = "", published_on: dt.date | None = None,
                issuer: str = "") -> Bulletin:
    """A live board dressed as a 通报 (not stored): what printing or exporting the live board uses."""
    return Bulletin(None, (title or "").strip() or default_title(board.period), (number or "").strip(),
                    published_on or dt.date.today(), (issuer or "").strip() or installation_name(), board)


def publish_bulletin(period: Period, *, title: str = "", number: str = "", published_on: dt.date | None = None,
                     issuer: str = "") -> int:
    """Freeze the board of `period` as issued today (or on `published_on`); returns its id."""
    require_centre()
    board = compute_board(period)
    bulletin = bulletin_of(board, title=title, number=number, published_on=published_on, issuer=issuer)
    if len(bulletin.title) > 200:
        raise ValidationError({"title": "标题太长（最多 200 字）"})
    previous = None if board.previous is None else period_to_json(board.previous)
    record = ScoreBulletin.create(
        title=bulletin.title, number=bulletin.number[:64], period_kind=period.kind, period_label=period.label,
        date_from=period.start, date_to=period.end, published_on=bulletin.published_on, issuer=bulletin.issuer[:64],
        settings_json=json.dumps({"settings": board.settings.to_json(), "previous": previous}, ensure_ascii=False),
        rows_json=json.dumps([row.to_json() for row in board.rows], ensure_ascii=False),
    )
    return record.id


def list_bulletins() -> list[BulletinSummary]:
    query = (ScoreBulletin.select(ScoreBulletin.id, ScoreBulletin.title, ScoreBulletin.number, ScoreBulletin.period_label,
                                  ScoreBulletin.date_from, ScoreBulletin.date_to, ScoreBulletin.published_on)
             .order_by(ScoreBulletin.published_on.desc(), ScoreBulletin.id.desc()).tuples())
    return [BulletinSummary(bid, title, number, label, _as_date(a), _as_date(b), _as_date(p))
            for bid, title, number, label, a, b, p in query]


def open_bulletin(bulletin_id: int) -> Bulletin:
    """A published 通报 exactly as issued (its stored rows and settings, not today's)."""
    record = ScoreBulletin.get_or_none(ScoreBulletin.id == bulletin_id)
    if record is None:
        raise NotFoundError("这期通报不存在或已被删除")
    stored = json.loads(record.settings_json)
    period = Period(record.period_kind, _as_date(record.date_from), _as_date(record.date_to))
    prev = stored.get("previous")
    previous = Period(prev["kind"], dt.date.fromisoformat(prev["from"]), dt.date.fromisoformat(prev["to"])) if prev else None
    board = Board(period=period, previous=previous,
                  rows=tuple(BoardRow.from_json(row) for row in json.loads(record.rows_json)),
                  settings=ScoringSettings.from_json(stored.get("settings", {})))
    return Bulletin(record.id, record.title, record.number, _as_date(record.published_on), record.issuer, board)


def delete_bulletin(bulletin_id: int) -> None:
    require_admin()
    deleted = ScoreBulletin.delete().where(ScoreBulletin.id == bulletin_id).execute()
    if not deleted:
        raise NotFoundError("这期通报不存在或已被删除")


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    return dt.date.fromisoformat(str(value)[:10])

