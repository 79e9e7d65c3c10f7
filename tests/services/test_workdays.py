"""Working days and deadlines: made-up calendars, the official 2022–2026 calendars, editing."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.errors import UserError, ValidationError
from desktop.services import workdays
from desktop.services.workdays import CalendarEntry, WorkCalendar, days_left, deadline

D = dt.date


# -- made-up calendars ------------------------------------------------------------------------

PLAIN = WorkCalendar()  # weekdays only


def test_the_day_of_submission_does_not_count():
    # Monday → Thursday: Tue, Wed, Thu.
    assert deadline(D(2030, 1, 7), 3, calendar=PLAIN) == D(2030, 1, 10)
    assert deadline(D(2030, 1, 7), 0, calendar=PLAIN) == D(2030, 1, 7)
    assert deadline(D(2030, 1, 7), 3, "calendar") == D(2030, 1, 10)


def test_weekends_are_skipped():
    # Friday: Mon, Tue, Wed.
    assert deadline(D(2030, 1, 11), 3, calendar=PLAIN) == D(2030, 1, 16)
    # Submitted on a Saturday or Sunday: the week's first three days.
    assert deadline(D(2030, 1, 12), 3, calendar=PLAIN) == D(2030, 1, 16)
    assert deadline(D(2030, 1, 13), 3, calendar=PLAIN) == D(2030, 1, 16)
    # Calendar days do not care.
    assert deadline(D(2030, 1, 11), 3, "calendar", calendar=PLAIN) == D(2030, 1, 14)


def test_made_up_holiday_and_make_up_day():
    calendar = WorkCalendar({
        D(2030, 1, 14): (False, "建县纪念日"),  # Monday off
        D(2030, 1, 19): (True, "调休上班"),  # Saturday worked
    })
    # Friday the 11th: Mon 14 is off → Tue 15, Wed 16, Thu 17.
    assert deadline(D(2030, 1, 11), 3, calendar=calendar) == D(2030, 1, 17)
    # Thursday the 17th: Fri 18, Sat 19 (worked), Mon 21.
    assert deadline(D(2030, 1, 17), 3, calendar=calendar) == D(2030, 1, 21)
    assert not calendar.is_workday(D(2030, 1, 14)) and calendar.is_workday(D(2030, 1, 19))
    assert calendar.name(D(2030, 1, 14)) == "建县纪念日"


def test_a_calendar_without_working_days_is_a_user_error():
    closed = WorkCalendar({D(2030, 1, 1) + dt.timedelta(days=n): (False, "x") for n in range(4000)})
    with pytest.raises(UserError, match="找不到"):
        deadline(D(2030, 1, 1), 3, calendar=closed)


def test_bad_mode_and_negative_days():
    with pytest.raises(UserError, match="工作日或自然日"):
        deadline(D(2030, 1, 1), 3, "weeks", calendar=PLAIN)
    with pytest.raises(UserError, match="负数"):
        deadline(D(2030, 1, 1), -1, calendar=PLAIN)


def test_days_left_counts_working_days_and_goes_negative_when_overdue():
    due = D(2030, 1, 16)  # Wednesday
    assert days_left(due, D(2030, 1, 11), calendar=PLAIN) == 3  # Fri: Mon, Tue, Wed
    assert days_left(due, D(2030, 1, 15), calendar=PLAIN) == 1
    assert days_left(due, due, calendar=PLAIN) == 0
    assert days_left(due, D(2030, 1, 17), calendar=PLAIN) == -1
    assert days_left(due, D(2030, 1, 21), calendar=PLAIN) == -3  # Thu, Fri, Mon
    # Overdue on a weekend right after a Friday deadline is still overdue.
    assert days_left(D(2030, 1, 18), D(2030, 1, 19), calendar=PLAIN) == -1
    assert days_left(due, D(2030, 1, 11), "calendar") == 5
    assert days_left(due, D(2030, 1, 18), "calendar") == -2
    assert workdays.describe_days_left(2) == "剩 2 天"
    assert workdays.describe_days_left(0) == "今天到期"
    assert workdays.describe_days_left(-3) == "超期 3 天"


# -- the official calendars -------------------------------------------------------------------


def test_shipped_files_cover_2022_to_2026_and_make_up_days_are_weekends():
    files = workdays.shipped_calendar_files()
    assert set(files) >= {2022, 2023, 2024, 2025, 2026}
    for year, path in files.items():
        entries = workdays.read_calendar_file(path)
        worked = [e.day for e in entries if e.is_workday]
        assert worked and all(day.weekday() >= 5 for day in worked), year
        assert all(e.name for e in entries)


@pytest.fixture
def official(fresh_db):
    return workdays.load_calendar()


@pytest.mark.parametrize("day", [D(2022, 1, 29), D(2022, 1, 30), D(2022, 4, 2), D(2022, 4, 24), D(2022, 5, 7),
                                 D(2022, 10, 8), D(2022, 10, 9), D(2023, 1, 28), D(2023, 6, 25), D(2024, 2, 4),
                                 D(2024, 2, 18), D(2024, 9, 29), D(2025, 1, 26), D(2025, 4, 27), D(2025, 10, 11),
                                 D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20),
                                 D(2026, 10, 10)])
def test_official_make_up_working_days(official, day):
    assert day.weekday() >= 5
    assert official.is_workday(day)


@pytest.mark.parametrize("day", [D(2022, 1, 31), D(2022, 2, 4), D(2022, 4, 4), D(2022, 5, 4), D(2022, 6, 3),
                                 D(2022, 9, 12), D(2022, 10, 7), D(2023, 9, 29), D(2023, 10, 6), D(2024, 2, 16),
                                 D(2024, 6, 10), D(2025, 1, 28), D(2025, 2, 4), D(2025, 5, 5), D(2025, 10, 8),
                                 D(2026, 1, 2), D(2026, 2, 23), D(2026, 4, 6), D(2026, 5, 5), D(2026, 6, 19),
                                 D(2026, 9, 25), D(2026, 10, 7)])
def test_official_holidays_on_weekdays(official, day):
    assert day.weekday() < 5
    assert not official.is_workday(day)


def test_2024_new_years_eve_is_a_working_day(official):
    assert official.is_workday(D(2024, 2, 9))  # 除夕 was not a holiday in 2024; it is from 2025 on
    assert not official.is_workday(D(2025, 1, 28))


def test_deadline_across_national_day_2022(official):
    # Thursday 29 September 2022: Fri 30, then the holiday 1–7 October, Sat 8 and Sun 9 (worked).
    assert deadline(D(2022, 9, 29), 3, calendar=official) == D(2022, 10, 9)
    assert deadline(D(2022, 9, 29), 2, calendar=official) == D(2022, 10, 8)
    # Friday 30 September: Sat 8 and Sun 9 October are worked, Mon 10.
    assert deadline(D(2022, 9, 30), 3, calendar=official) == D(2022, 10, 10)
    assert deadline(D(2022, 9, 30), 3, "calendar", calendar=official) == D(2022, 10, 3)


def test_deadline_across_spring_festival_2022(official):
    # Thursday 27 January 2022: Fri 28, Sat 29 (worked), Sun 30 (worked).
    assert deadline(D(2022, 1, 27), 3, calendar=official) == D(2022, 1, 30)
    # Friday 28 January: 29, 30, then the holiday 31 Jan–6 Feb, Mon 7 February.
    assert deadline(D(2022, 1, 28), 3, calendar=official) == D(2022, 2, 7)


def test_deadline_across_may_day_2022(official):
    # Friday 22 April 2022: Sun 24 (worked), Mon 25, Tue 26.
    assert deadline(D(2022, 4, 22), 3, calendar=official) == D(2022, 4, 26)
    # Thursday 28 April: Fri 29, then 30 Apr–4 May off, Thu 5, Fri 6.
    assert deadline(D(2022, 4, 28), 3, calendar=official) == D(2022, 5, 6)
    # Friday 6 May: Sat 7 (worked), Mon 9, Tue 10.
    assert deadline(D(2022, 5, 6), 3, calendar=official) == D(2022, 5, 10)


def test_deadline_across_spring_festival_2026(official):
    # Thursday 12 February 2026: Fri 13, Sat 14 (worked), then 15–23 off, Tue 24.
    assert deadline(D(2026, 2, 12), 3, calendar=official) == D(2026, 2, 24)
    assert days_left(D(2026, 2, 24), D(2026, 2, 13), calendar=official) == 2


def test_default_is_three_working_days_from_the_database(fresh_db):
    assert deadline(D(2022, 9, 29)) == D(2022, 10, 9)


# -- stored, edited, restored -----------------------------------------------------------------


def test_loaded_once_and_edits_are_kept(fresh_db):
    assert workdays.calendar_years() == [2022, 2023, 2024, 2025, 2026]
    before = workdays.year_entries(2022)
    assert len(before) == 39  # 38 from the 2022 notice, and 31 December (元旦 2023)
    assert before[-1] == CalendarEntry(D(2022, 12, 31), False, "元旦")
    edited = [e for e in before if e.day != D(2022, 10, 9)] + [CalendarEntry(D(2022, 11, 1), False, "县庆")]
    workdays.save_year(2022, edited)
    assert workdays.load_shipped_calendars() == 0  # a shipped file is never loaded twice
    calendar = workdays.load_calendar()
    assert not calendar.is_workday(D(2022, 10, 9))  # a Sunday again
    assert not calendar.is_workday(D(2022, 11, 1))
    assert calendar.name(D(2022, 11, 1)) == "县庆"
    restored = workdays.restore_official_year(2022)
    assert len(restored) == 39 and workdays.load_calendar().is_workday(D(2022, 10, 9))


def test_save_year_refuses_other_years_and_duplicates(fresh_db):
    with pytest.raises(ValidationError, match="不在 2022 年"):
        workdays.save_year(2022, [CalendarEntry(D(2023, 1, 2), False, "x")])
    with pytest.raises(ValidationError, match="重复"):
        workdays.save_year(2022, [CalendarEntry(D(2022, 3, 1), False, "x"), CalendarEntry(D(2022, 3, 1), True, "y")])


def test_a_new_shipped_year_loads_at_first_use(fresh_db, tmp_path, monkeypatch):
    folder = tmp_path / "calendars"
    folder.mkdir()
    for path in workdays.shipped_calendar_files().values():
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "2030.csv").write_text("# test\ndate,kind,name\n2030-01-01,休,元旦\n2030-01-05,班,元旦调休上班\n", encoding="utf-8")
    monkeypatch.setattr(workdays, "calendars_dir", lambda: folder)
    assert 2030 in workdays.calendar_years()
    calendar = workdays.load_calendar()
    assert not calendar.is_workday(D(2030, 1, 1)) and calendar.is_workday(D(2030, 1, 5))


def test_a_bad_calendar_file_names_the_row(tmp_path):
    path = tmp_path / "2031.csv"
    path.write_text("date,kind,name\n2031-01-01,休,元旦\n2031-13-01,休,x\n", encoding="utf-8")
    with pytest.raises(UserError, match="第 3 行") as info:
        workdays.read_calendar_file(path)
    assert "2031-13-01" in str(info.value)
    path.write_text("date,kind,name\n2031-01-01,放,元旦\n", encoding="utf-8")
    with pytest.raises(UserError, match="休.*班"):
        workdays.read_calendar_file(path)


# -- properties over random made-up calendars --------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_days = st.dates(min_value=D(2030, 1, 1), max_value=D(2030, 12, 31))


@settings(max_examples=150, deadline=None)
@given(start=_days, days=st.integers(min_value=1, max_value=15),
       exceptions=st.dictionaries(_days, st.booleans(), max_size=40))
def test_deadline_properties(start, days, exceptions):
    calendar = WorkCalendar({day: (workday, "x") for day, workday in exceptions.items()})
    due = deadline(start, days, calendar=calendar)
    assert due > start and calendar.is_workday(due)
    between = sum(1 for n in range(1, (due - start).days + 1) if calendar.is_workday(start + dt.timedelta(days=n)))
    assert between == days  # exactly `days` working days after the day of submission, the last on the due date
    assert days_left(due, start, calendar=calendar) == days
    assert days_left(due, due, calendar=calendar) == 0
    assert days_left(due, due + dt.timedelta(days=1), calendar=calendar) < 0
