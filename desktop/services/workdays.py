"""Working days and deadlines: the holiday calendar（节假日安排）and “within N days”（三日内）.

A day is a working day Monday–Friday and a rest day on Saturday and Sunday, unless the calendar
says otherwise: the State Council's public holidays are rest days, and the weekend days worked in
exchange（调休上班）are working days. The official calendars of 2022–2026 ship as editable CSV files
in resources/calendars/<year>.csv (date,kind,name with kind 休 or 班); they are loaded into the
`calendar_day` table when the database is migrated, and a year added to the resources later is
loaded at first use. After that the table is the truth, edited in the settings.

    deadline(submitted_on, days=3, mode="working")   → the date by which the work is due
    days_left(deadline, today, mode="working")       → 0 on the day itself, negative when overdue

The day of submission never counts: submitted on Friday, three working days run Monday–Wednesday.
Every function takes an optional `calendar` (a WorkCalendar) so tests can use made-up calendars.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from desktop.db import database
from desktop.errors import Location, UserError, ValidationError
from desktop.models.calendar import CalendarDay
from desktop.resources import resource_path
from desktop.services import access

MODES = {"working": "工作日", "calendar": "自然日"}
REST, WORK = "休", "班"
SETTING_LOADED_FILES = "calendar.loaded_files"
# Far enough for any deadline counted in working days without looping for ever on a bad calendar.
_MAX_SCAN_DAYS = 3660


@dataclass(frozen=True)
class CalendarEntry:
    day: dt.date
    is_workday: bool
    name: str

    @property
    def kind(self) -> str:
        return WORK if self.is_workday else REST


class WorkCalendar:
    """Which days are working days: weekdays, except the listed holidays, plus listed 调休 days."""

    def __init__(self, entries: dict[dt.date, tuple[bool, str]] | None = None):
        self._days = dict(entries or {})

    @classmethod
    def from_entries(cls, entries) -> WorkCalendar:
        return cls({e.day: (e.is_workday, e.name) for e in entries})

    def is_workday(self, day: dt.date) -> bool:
        listed = self._days.get(day)
        if listed is not None:
            return listed[0]
        return day.weekday() < 5

    def name(self, day: dt.date) -> str:
        listed = self._days.get(day)
        return listed[1] if listed else ""

    def years(self) -> set[int]:
        return {day.year for day in self._days}


def deadline(submitted_on: dt.date, days: int = 3, mode: str = "working", *, calendar: WorkCalendar | None = None) -> dt.date:
    """The due date of work submitted on `submitted_on`: the `days`-th working (or calendar) day after it."""
    _check_mode(mode)
    if days < 0:
        raise UserError("期限天数不能为负数")
    if mode == "calendar":
        return submitted_on + dt.timedelta(days=days)
    calendar = calendar or load_calendar()
    day, counted = submitted_on, 0
    for _ in range(_MAX_SCAN_DAYS):
        if counted >= days:
            return day
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    raise UserError(f"日历中 {submitted_on.isoformat()} 之后十年内找不到 {days} 个工作日，请检查节假日设置")


def days_left(due: dt.date, today: dt.date, mode: str = "working", *, calendar: WorkCalendar | None = None) -> int:
    """Days from `today` to `due`: working days after today up to the due date (0 = due today);
    negative when overdue (−1 the first working day after, never 0 once the date is past)."""
    _check_mode(mode)
    if mode == "calendar":
        return (due - today).days
    calendar = calendar or load_calendar()
    if today <= due:
        return _working_days_between(today, due, calendar)
    return -max(1, _working_days_between(due, today, calendar))


def _working_days_between(start: dt.date, end: dt.date, calendar: WorkCalendar) -> int:
    """Working days in (start, end]."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            count += 1
    return count


def describe_days_left(left: int) -> str:
    if left > 0:
        return f"剩 {left} 天"
    if left == 0:
        return "今天到期"
    return f"超期 {-left} 天"


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise UserError(f"期限的计算方式只能是工作日或自然日（working/calendar），不是“{mode}”")


# ---------------------------------------------------------------------------------------------
# The calendar in the database.


def load_calendar() -> WorkCalendar:
    """The calendar as stored (loading any newly shipped year first)."""
    load_shipped_calendars()
    return WorkCalendar({
        _as_date(day): (bool(workday), name)
        for day, workday, name in CalendarDay.select(CalendarDay.day, CalendarDay.is_workday, CalendarDay.name).tuples()
    })


def calendar_years() -> list[int]:
    """The years that have entries, ascending."""
    load_shipped_calendars()
    return sorted({_as_date(day).year for (day,) in CalendarDay.select(CalendarDay.day).tuples()})


def year_entries(year: int) -> list[CalendarEntry]:
    """The stored holidays and 调休 days of one year, by date."""
    query = (
        CalendarDay.select()
        .where((CalendarDay.day >= dt.date(year, 1, 1)) & (CalendarDay.day <= dt.date(year, 12, 31)))
        .order_by(CalendarDay.day)
    )
    return [CalendarEntry(_as_date(row.day), bool(row.is_workday), row.name) for row in query]


def save_year(year: int, entries: list[CalendarEntry]) -> None:
    """Replace one year's holidays and 调休 days with `entries` (all dated in that year)."""
    access.require_centre()
    errors = {}
    seen = set()
    for entry in entries:
        if entry.day.year != year:
            errors[entry.day.isoformat()] = f"{entry.day.isoformat()} 不在 {year} 年"
        elif entry.day in seen:
            errors[entry.day.isoformat()] = f"{entry.day.isoformat()} 重复"
        seen.add(entry.day)
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        CalendarDay.delete().where(
            (CalendarDay.day >= dt.date(year, 1, 1)) & (CalendarDay.day <= dt.date(year, 12, 31))
        ).execute()
        for entry in sorted(entries, key=lambda e: e.day):
            CalendarDay.create(day=entry.day, is_workday=entry.is_workday, name=(entry.name or "").strip()[:64])


def restore_official_year(year: int) -> list[CalendarEntry]:
    """Put back the shipped official arrangement of `year` (the days dated in that year)."""
    files = shipped_calendar_files()
    if year not in files:
        raise UserError(f"没有随程序提供的 {year} 年节假日安排")
    # A notice may date days in the year before (2023's 元旦 began on 31 December 2022).
    entries = {e.day: e for path in files.values() for e in read_calendar_file(path) if e.day.year == year}
    entries = sorted(entries.values(), key=lambda e: e.day)
    save_year(year, entries)
    return entries


# ---------------------------------------------------------------------------------------------
# The shipped files.


def calendars_dir() -> Path:
    return resource_path("calendars")


def shipped_calendar_files() -> dict[int, Path]:
    folder = calendars_dir()
    if not folder.is_dir():
        return {}
    return {int(path.stem): path for path in sorted(folder.glob("*.csv")) if path.stem.isdigit()}


def read_calendar_file(path: Path) -> list[CalendarEntry]:
    """Read a calendar CSV: lines starting with # are comments, then `date,kind,name`."""
    lines = [line for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip() and not line.startswith("#")]
    entries = []
    for number, row in enumerate(csv.DictReader(lines), start=2):
        where = Location(file=path.name, row=number)
        try:
            day = dt.date.fromisoformat((row.get("date") or "").strip())
        except ValueError:
            raise UserError(f"日期“{row.get('date')}”无效，应为 2022-10-08 的格式", where) from None
        kind = (row.get("kind") or "").strip()
        if kind not in (REST, WORK):
            raise UserError(f"类别应为“休”或“班”，不是“{kind}”", where)
        entries.append(CalendarEntry(day, kind == WORK, (row.get("name") or "").strip()))
    return entries


def load_shipped_calendars() -> int:
    """Load the shipped files not loaded before (remembered by name in the settings); returns days added.

    A file is loaded once: later edits and deletions in the settings are never undone by it."""
    from desktop.services.database import get_setting, set_setting

    files = shipped_calendar_files()
    loaded = {name for name in get_setting(SETTING_LOADED_FILES, "").split(",") if name}
    new = {year: path for year, path in files.items() if path.name not in loaded}
    if not new:
        return 0
    added = 0
    with database.atomic():
        existing = {_as_date(day) for (day,) in CalendarDay.select(CalendarDay.day).tuples()}
        for path in new.values():
            for entry in read_calendar_file(path):
                if entry.day not in existing:
                    CalendarDay.create(day=entry.day, is_workday=entry.is_workday, name=entry.name)
                    existing.add(entry.day)
                    added += 1
            loaded.add(path.name)
        set_setting(SETTING_LOADED_FILES, ",".join(sorted(loaded)))
    return added


def _as_date(value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
