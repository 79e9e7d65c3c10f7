"""Yearly targets and their progress（目标任务，双过半）.

Six indicators, each with a yearly target for the whole county and for any unit:
入库项目数, 入库总投资, 亿元以上项目数, 开工项目数, 签约额, 到位资金.

What counts as done, from 1 January of the year through the chosen day (inclusive), uses the
definitions of `desktop.services.stats` (steps by number, 不涉及 never counts):
- 入库项目数 / 入库总投资: projects with a 入库 (step 10) record dated in the period, their 总投资;
- 亿元以上项目数: of those, 总投资 ≥ 1 亿元;
- 开工项目数: projects with a 开工 (step 19) record dated in the period (any size, any 入库 date);
- 签约额: projects with a 签约 (step 9) record dated in the period, their 签约额 — the 总投资 when no
  签约额 is filled in (the contract usually names the whole investment);
- 到位资金: the dated fund entries of the period (desktop.services.fund_entries).
A unit's figure counts the projects whose 责任单位 (Project.responsible_unit) it is: the unit that
answers for the project all year, whatever unit reported a single step (the scoring board credits
steps to the unit on the step record; targets are about the unit's projects). The county counts
every project, also those without a responsible unit.

Time progress counts months and days: (full months elapsed + day / days in the month) / 12, so
30 June is exactly 50% and 31 December 100%. Light: green when progress ≥ time progress, yellow
when at most 10 points below, red further below; no light for a target of 0 or none.
All arithmetic is Decimal; amounts are 万元 inside, 亿元 in sheets and on screen.
"""

from __future__ import annotations

import calendar
import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from peewee import fn

from desktop.db import database
from desktop.errors import Location, NotFoundError, UserError
from desktop.models.base import yuan_to_wan
from desktop.models.project import Project
from desktop.models.reference import Unit
from desktop.models.targets import FUND_ARRIVED, INDICATOR_KEYS, Target
from desktop.services import defaults
from desktop.services.access import require_centre
from desktop.services.fund_entries import sum_by_unit
from desktop.services.money import AmountError, format_yi, parse_amount, wan_to_yi
from desktop.services.projects import MAX_AMOUNT_WAN
from desktop.services.stats import ABOVE_YI_WAN, _projects_with_step

COUNTY_NAME = "全县"
COUNTY_ALIASES = {"全县", "全县合计", "合计", "县", "全县目标"}
HALF = Decimal("0.5")
YELLOW_BAND = Decimal("0.10")  # 10 percentage points
HUNDRED = Decimal(100)
MAX_COUNT = 1_000_000

GREEN, YELLOW, RED, NO_LIGHT = "green", "yellow", "red", "none"
LIGHT_LABELS = {GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯", NO_LIGHT: "—"}


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    is_amount: bool

    @property
    def unit_text(self) -> str:
        return "亿元" if self.is_amount else "个"

    @property
    def header(self) -> str:
        return f"{self.label}（{self.unit_text}）"


INDICATORS = (
    Indicator("library_projects", "入库项目数", False),
    Indicator("library_investment", "入库总投资", True),
    Indicator("above_yi_projects", "亿元以上项目数", False),
    Indicator("started_projects", "开工项目数", False),
    Indicator("signed_amount", "签约额", True),
    Indicator("arrived_funds", "到位资金", True),
)
INDICATOR_BY_KEY = {indicator.key: indicator for indicator in INDICATORS}
assert tuple(INDICATOR_BY_KEY) == INDICATOR_KEYS


def indicator(key: str) -> Indicator:
    try:
        return INDICATOR_BY_KEY[key]
    except KeyError:
        raise UserError(f"没有这个指标：{key}") from None


# --- time progress, lights, verdict -------------------------------------------------------------


def time_progress(day: dt.date) -> Decimal:
    """Share of `day`'s year elapsed through `day`: (full months + day / days in month) / 12."""
    days_in_month = calendar.monthrange(day.year, day.month)[1]
    return (Decimal(day.month - 1) + Decimal(day.day) / Decimal(days_in_month)) / Decimal(12)


def progress_of(done, target) -> Decimal | None:
    """done / target as a Decimal ratio; None for a target of 0 or none."""
    if target is None or Decimal(target) == 0:
        return None
    return Decimal(done) / Decimal(target)


def light(progress: Decimal | None, time: Decimal) -> str:
    if progress is None:
        return NO_LIGHT
    if progress >= time:
        return GREEN
    if time - progress <= YELLOW_BAND:
        return YELLOW
    return RED


def percent(ratio: Decimal | None) -> str:
    """0.5 → "50.0%"; None → "—"."""
    if ratio is None:
        return "—"
    return f"{(ratio * HUNDRED).quantize(Decimal('0.1')):f}%"


# --- targets ------------------------------------------------------------------------------------


def _check_value(item: Indicator, value):
    """The value as stored (int count / Decimal 万元), or None to clear; raises UserError."""
    if value is None:
        return None
    if item.is_amount:
        amount = Decimal(value)
        if not amount.is_finite():
            raise UserError(f"{item.label}不是有效的数字")
        if amount < 0:
            raise UserError(f"{item.label}不能为负数")
        if amount > MAX_AMOUNT_WAN:
            raise UserError(f"{item.label}超过 1000 亿元，请检查单位（亿元/万元）")
        return amount
    number = Decimal(value)
    if not number.is_finite() or number != number.to_integral_value():
        raise UserError(f"{item.label}应为整数（个）")
    if number < 0:
        raise UserError(f"{item.label}不能为负数")
    if number > MAX_COUNT:
        raise UserError(f"{item.label}太大，请检查")
    return int(number)


def _check_year(year: int) -> int:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise UserError(f"年度应在 2000 至 2100 之间：{year}")
    return year


def _check_unit(unit_id: int | None) -> None:
    if unit_id is not None and not Unit.select().where(Unit.id == unit_id).exists():
        raise NotFoundError("所选单位不存在")


def _write(year: int, unit_id: int | None, item: Indicator, value) -> None:
    scope = Target.unit.is_null() if unit_id is None else (Target.unit == unit_id)
    existing = Target.get_or_none((Target.year == year) & scope & (Target.indicator == item.key))
    if value is None:
        if existing is not None:
            existing.delete_instance()
        return
    if existing is None:
        existing = Target(year=year, unit=unit_id, indicator=item.key)
    existing.count = None if item.is_amount else value
    existing.amount = value if item.is_amount else None
    existing.save()


def set_target(year: int, unit_id: int | None, key: str, value) -> None:
    """Set (or with None clear) one target: a count, or an amount in 万元. unit_id None: 全县."""
    save_targets(year, {(unit_id, key): value})


def save_targets(year: int, values: dict[tuple[int | None, str], object]) -> int:
    """Set several targets at once, all or nothing; returns how many were given."""
    require_centre()
    _check_year(year)
    checked = []
    for (unit_id, key), value in values.items():
        item = indicator(key)
        checked.append((unit_id, item, _check_value(item, value)))
    with database.atomic():
        for unit_id in {unit_id for unit_id, _, _ in checked}:
            _check_unit(unit_id)
        for unit_id, item, value in checked:
            _write(year, unit_id, item, value)
    return len(checked)


def targets_for_year(year: int) -> dict[tuple[int | None, str], object]:
    """(unit id or None for 全县, indicator key) → int count or Decimal 万元."""
    result = {}
    for target in Target.select().where(Target.year == year):
        result[(target.unit_id, target.indicator)] = target.amount if INDICATOR_BY_KEY[target.indicator].is_amount else target.count
    return result


def years_with_targets() -> list[int]:
    return [year for (year,) in Target.select(Target.year).distinct().order_by(Target.year).tuples()]


# --- what is done -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DoneValues:
    county: dict[str, object]  # indicator key → int / Decimal 万元
    by_unit: dict[int | None, dict[str, object]]  # responsible unit id (None: no unit) → same

    def of(self, unit_id: int | None, *, county: bool = False) -> dict[str, object]:
        if county:
            return self.county
        return self.by_unit.get(unit_id, _zeros())


def _zeros() -> dict[str, object]:
    return {item.key: (Decimal(0) if item.is_amount else 0) for item in INDICATORS}


def _grouped(condition, amount_expression=None) -> dict[int | None, tuple[int, Decimal]]:
    amount = amount_expression if amount_expression is not None else Project.total_investment
    query = (
        Project.select(Project.responsible_unit, fn.COUNT(Project.id), fn.SUM(amount).coerce(False))
        .where(condition)
        .group_by(Project.responsible_unit)
        .tuples()
    )
    return {unit_id: (int(count or 0), yuan_to_wan(int(total or 0))) for unit_id, count, total in query}


def done_values(date_from: dt.date, date_to: dt.date) -> DoneValues:
    """Every indicator's done figure for the inclusive period, for the county and per responsible unit."""
    in_library = Project.id.in_(_projects_with_step(defaults.STEP_LIBRARY, date_from=date_from, date_to=date_to))
    library = _grouped(in_library)
    above_yi = _grouped(in_library & (Project.total_investment >= ABOVE_YI_WAN))
    started = _grouped(Project.id.in_(_projects_with_step(defaults.STEP_STARTED, date_from=date_from, date_to=date_to)))
    signed = _grouped(
        Project.id.in_(_projects_with_step(defaults.STEP_SIGNED, date_from=date_from, date_to=date_to)),
        fn.COALESCE(Project.signed_amount, Project.total_investment),
    )
    arrived = sum_by_unit(FUND_ARRIVED, date_from, date_to)

    units = set(library) | set(above_yi) | set(started) | set(signed) | set(arrived)
    by_unit: dict[int | None, dict[str, object]] = {}
    for unit_id in units:
        by_unit[unit_id] = {
            "library_projects": library.get(unit_id, (0, Decimal(0)))[0],
            "library_investment": library.get(unit_id, (0, Decimal(0)))[1],
            "above_yi_projects": above_yi.get(unit_id, (0, Decimal(0)))[0],
            "started_projects": started.get(unit_id, (0, Decimal(0)))[0],
            "signed_amount": signed.get(unit_id, (0, Decimal(0)))[1],
            "arrived_funds": arrived.get(unit_id, Decimal(0)),
        }
    county = _zeros()
    for values in by_unit.values():
        for key, value in values.items():
            county[key] += value
    return DoneValues(county, by_unit)


# --- progress -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    indicator: Indicator
    target: object  # int / Decimal 万元 / None (not set)
    done: object  # int / Decimal 万元
    progress: Decimal | None
    light: str

    def format_value(self, value) -> str:
        if value is None:
            return "—"
        return format_yi(value) if self.indicator.is_amount else str(value)

    @property
    def target_text(self) -> str:
        return self.format_value(self.target)

    @property
    def done_text(self) -> str:
        return self.format_value(self.done)

    @property
    def progress_text(self) -> str:
        return percent(self.progress)


@dataclass(frozen=True)
class Verdict:
    time_half: bool
    task_half: bool
    text: str

    @property
    def passed(self) -> bool:
        return self.time_half and self.task_half


@dataclass(frozen=True)
class ScopeProgress:
    unit_id: int | None  # None: 全县
    name: str
    cells: tuple[Cell, ...]

    def cell(self, key: str) -> Cell:
        return next(c for c in self.cells if c.indicator.key == key)

    @property
    def has_targets(self) -> bool:
        return any(c.progress is not None for c in self.cells)


@dataclass(frozen=True)
class TargetsReport:
    year: int
    day: dt.date
    time_progress: Decimal
    scopes: tuple[ScopeProgress, ...]  # 全县 first, then units in their list order

    @property
    def county(self) -> ScopeProgress:
        return self.scopes[0]

    def scope(self, unit_id: int | None) -> ScopeProgress:
        return next(s for s in self.scopes if s.unit_id == unit_id)

    def verdict(self, unit_id: int | None = None) -> Verdict:
        return verdict(self.scope(unit_id), self.time_progress)


def verdict(scope: ScopeProgress, time: Decimal) -> Verdict:
    """双过半: time progress ≥ 50% and every indicator with a target ≥ 50% done."""
    measured = [c for c in scope.cells if c.progress is not None]
    time_half = time >= HALF
    behind = [c for c in measured if c.progress < HALF]
    task_half = bool(measured) and not behind
    if not measured:
        return Verdict(time_half, False, f"{scope.name}未设定目标任务")
    behind_text = "、".join(f"{c.indicator.label} {c.progress_text}" for c in behind)
    if time_half and task_half:
        text = f"{scope.name}：时间过半、任务过半（双过半）"
    elif time_half:
        text = f"{scope.name}：时间过半、任务未过半（{behind_text} 未过半）"
    elif task_half:
        text = f"{scope.name}：时间进度 {percent(time)}，尚未过半；各项任务均已过半"
    else:
        text = f"{scope.name}：时间进度 {percent(time)}，尚未过半；任务未过半的有 {behind_text}"
    return Verdict(time_half, task_half, text)


def _scope(unit_id, name, targets, done, time) -> ScopeProgress:
    cells = []
    for item in INDICATORS:
        target = targets.get((unit_id, item.key))
        value = done[item.key]
        ratio = progress_of(value, target)
        cells.append(Cell(item, target, value, ratio, light(ratio, time)))
    return ScopeProgress(unit_id, name, tuple(cells))


def progress_report(day: dt.date, *, all_units: bool = False) -> TargetsReport:
    """Targets of `day`'s year against what is done from 1 January through `day`.

    Lists 全县 first, then every unit that has a target that year (every active unit with
    `all_units`)."""
    year = day.year
    targets = targets_for_year(year)
    done = done_values(dt.date(year, 1, 1), day)
    time = time_progress(day)
    scopes = [_scope(None, COUNTY_NAME, targets, done.county, time)]
    with_targets = {unit_id for unit_id, _ in targets if unit_id is not None}
    units = Unit.select(Unit.id, Unit.name, Unit.active).order_by(Unit.sort_order, Unit.id).tuples()
    for unit_id, name, active in units:
        if unit_id in with_targets or (all_units and active):
            scopes.append(_scope(unit_id, name, targets, done.of(unit_id), time))
    return TargetsReport(year, day, time, tuple(scopes))


# --- import -------------------------------------------------------------------------------------


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _header_indicator(text: str) -> tuple[Indicator, str] | None:
    """(indicator, unit word "亿"/"万") for a header such as “入库总投资（亿元）”."""
    plain = _clean(text).replace(" ", "")
    for item in sorted(INDICATORS, key=lambda i: -len(i.label)):
        if plain.startswith(item.label):
            rest = plain[len(item.label):]
            return item, ("万" if "万" in rest else "亿")
    return None


@dataclass(frozen=True)
class ImportResult:
    year: int
    targets: int
    units: int


def read_targets_sheet(path, *, sheet: str | None = None) -> tuple[dict[tuple[int | None, str], object], int]:
    """Read a sheet of targets: a header row starting with “单位” and indicator columns, then one row
    per unit (“全县” for the county). Amounts are 亿元 unless the header says 万元. Empty cells are
    left out. Returns ({(unit id, key): value}, number of unit rows); raises UserError with the
    sheet, row and column of the first bad cell."""
    from pathlib import Path

    from desktop.services.excel_read import read_table

    path = Path(path)
    table = read_table(path, sheet)

    def where(row: int | None = None, column: str | None = None) -> Location:
        return Location(file=path.name, sheet=table.sheet, row=row, column=column)

    header_index = None
    for index, row in enumerate(table.rows[:20]):
        if row and _clean(row[0]).replace(" ", "") in ("单位", "单位名称", "责任单位"):
            header_index = index
            break
    if header_index is None:
        raise UserError("找不到表头：第一列的表头应为“单位”，其后各列为指标名称（如“入库项目数”）", where())
    columns: dict[int, tuple[Indicator, str, str]] = {}
    for c, text in enumerate(table.rows[header_index][1:], start=1):
        if not _clean(text):
            continue
        found = _header_indicator(text)
        if found is None:
            names = "、".join(i.label for i in INDICATORS)
            raise UserError(f"不认识的指标列“{str(text).strip()}”，指标应为：{names}", where(header_index + 1, str(text).strip()))
        if any(item.key == found[0].key for item, _, _ in columns.values()):
            raise UserError(f"指标“{found[0].label}”出现了两列", where(header_index + 1, str(text).strip()))
        columns[c] = (*found, str(text).strip())  # as the sender wrote it, for messages
    if not columns:
        raise UserError("表头中没有指标列", where(header_index + 1))

    units = {name: uid for uid, name in Unit.select(Unit.id, Unit.name).tuples()}
    values: dict[tuple[int | None, str], object] = {}
    seen: dict[int | None, int] = {}
    for index in range(header_index + 1, len(table.rows)):
        row = table.rows[index]
        excel_row = index + 1
        name = _clean(row[0] if row else "")
        if not any(_clean(v) for v in row):
            continue
        if not name:
            raise UserError("请填写单位名称", where(excel_row, _clean(table.rows[header_index][0])))
        if name.replace(" ", "") in COUNTY_ALIASES:
            unit_id = None
        elif name in units:
            unit_id = units[name]
        else:
            raise UserError(f"没有名为“{name}”的单位，请先在“单位与人员”中添加，或改正单位名称", where(excel_row, "单位"))
        if unit_id in seen:
            raise UserError(f"“{name}”在第 {seen[unit_id]} 行已经出现过", where(excel_row, "单位"))
        seen[unit_id] = excel_row
        for c, (item, unit_word, header) in columns.items():
            raw = row[c] if c < len(row) else None
            text = _clean(raw)
            if not text:
                continue
            try:
                if item.is_amount:
                    value = parse_amount(text, unit_word)
                else:
                    value = Decimal(text.removesuffix("个"))
                values[(unit_id, item.key)] = _check_value(item, value)
            except (AmountError, InvalidOperation, ValueError):
                kind = "金额" if item.is_amount else "整数（个数）"
                raise UserError(f"“{text}”不是{kind}", where(excel_row, header)) from None
            except UserError as exc:
                raise UserError(exc.message, where(excel_row, header)) from None
    if not seen:
        raise UserError("表中没有单位行", where())
    return values, len(seen)


def import_targets(path, year: int, *, sheet: str | None = None) -> ImportResult:
    """Import a year's targets from a sheet; all or nothing (see read_targets_sheet)."""
    require_centre()
    _check_year(year)
    values, units = read_targets_sheet(path, sheet=sheet)
    return ImportResult(year, save_targets(year, values), units)


# --- export -------------------------------------------------------------------------------------


LIGHT_FILLS = {GREEN: "C8E6C9", YELLOW: "FFF59D", RED: "FFCDD2"}


def export_targets(out_path, day: dt.date, progress=None) -> int:
    """The year's targets (sheet “目标任务”, in the layout `import_targets` reads back) and their
    progress through `day` (sheet “完成进度”, lights as cell colours); returns the rows written."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from desktop.services.dates import format_date_long
    from desktop.services.excel_export import check_target, column_width, save_atomically

    check_target(out_path)
    report = progress_report(day)
    wb = Workbook()
    ws = wb.active
    ws.title = "目标任务"
    ws.append([f"{report.year}年目标任务（金额单位：亿元）"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["单位", *(item.header for item in INDICATORS)])
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for scope in report.scopes:
        row = [scope.name]
        for cell in scope.cells:
            if cell.target is None:
                row.append(None)
            elif cell.indicator.is_amount:
                row.append(float(wan_to_yi(cell.target)))
            else:
                row.append(int(cell.target))
        ws.append(row)
    ws.column_dimensions["A"].width = column_width([s.name for s in report.scopes] + ["单位"])
    for c, item in enumerate(INDICATORS, start=2):
        ws.column_dimensions[ws.cell(row=2, column=c).column_letter].width = column_width([item.header])
    ws.freeze_panes = "B3"

    ps = wb.create_sheet("完成进度")
    ps.append([f"{report.year}年目标任务完成进度（截至{format_date_long(day)}）"])
    ps["A1"].font = Font(bold=True, size=14)
    ps.append([f"时间进度 {percent(report.time_progress)}；{report.verdict().text}"])
    ps.append(["单位", "指标", "目标", "完成", "完成进度", "时间进度", "亮灯"])
    for cell in ps[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    rows = 0
    for scope in report.scopes:
        for cell in scope.cells:
            if cell.target is None:
                continue
            ps.append([scope.name, cell.indicator.header, cell.target_text, cell.done_text, cell.progress_text,
                       percent(report.time_progress), LIGHT_LABELS[cell.light]])
            rows += 1
            fill = LIGHT_FILLS.get(cell.light)
            if fill:
                ps.cell(row=ps.max_row, column=7).fill = PatternFill("solid", fgColor=fill)
                ps.cell(row=ps.max_row, column=5).fill = PatternFill("solid", fgColor=fill)
            for column in range(3, 7):
                ps.cell(row=ps.max_row, column=column).alignment = Alignment(horizontal="right")
    for letter, width in zip("ABCDEFG", (18, 20, 12, 12, 12, 12, 8)):
        ps.column_dimensions[letter].width = width
    ps.freeze_panes = "A4"
    save_atomically(wb, out_path)
    return rows
