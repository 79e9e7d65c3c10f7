"""Targets（双过半）: time progress, lights, verdict, done values per unit, fund entries, import, demo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.errors import UserError
from desktop.models.targets import FUND_ARRIVED, FUND_COMPLETED, FundEntry, Target
from desktop.services import fund_entries, targets
from desktop.services.lifecycle import record_step
from desktop.services.projects import create_project, project_values
from desktop.services.reference import list_units
from desktop.services.targets import GREEN, NO_LIGHT, RED, YELLOW, light, time_progress

D = dt.date
TODAY = dt.date(2026, 11, 26)
LEAD, SIGNED, LIBRARY, STARTED = 1, 9, 10, 19


# --- time progress ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2022, 6, 30), Decimal("0.5")),
        (D(2022, 12, 31), Decimal(1)),
        (D(2022, 1, 31), Decimal(1) / 12),
        (D(2022, 3, 31), Decimal(3) / 12),
        (D(2022, 7, 1), (Decimal(6) + Decimal(1) / 31) / 12),
        (D(2022, 2, 14), (Decimal(1) + Decimal(14) / 28) / 12),
        (D(2024, 2, 29), Decimal(2) / 12),  # leap year: the last day of February is two months
    ],
)
def test_time_progress_counts_months_and_days(day, expected):
    assert time_progress(day) == expected


def test_time_progress_is_exactly_half_on_30_june_and_below_the_day_before():
    assert time_progress(D(2022, 6, 30)) == Decimal("0.5")
    assert time_progress(D(2022, 6, 29)) < Decimal("0.5") < time_progress(D(2022, 7, 1))
    assert targets.percent(time_progress(D(2022, 6, 30))) == "50.0%"


# --- lights -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("progress", "expected"),
    [
        ("0.5", GREEN),  # equal to time progress
        ("0.7", GREEN),
        ("0.4999", YELLOW),
        ("0.40", YELLOW),  # exactly 10 points below
        ("0.3999", RED),  # 10.01 points below
        ("0", RED),
    ],
)
def test_light_against_half_time(progress, expected):
    assert light(Decimal(progress), Decimal("0.5")) == expected


def test_no_light_for_a_target_of_zero_or_none():
    assert targets.progress_of(5, 0) is None
    assert targets.progress_of(Decimal(0), Decimal(0)) is None
    assert targets.progress_of(5, None) is None
    assert light(None, Decimal("0.5")) == NO_LIGHT
    assert targets.progress_of(3, 4) == Decimal("0.75")


# --- a hand-built case --------------------------------------------------------------------------


def make(name, wan, unit_id, steps, *, signed=None):
    values = {"name": name, "total_investment": Decimal(wan), "responsible_unit_id": unit_id}
    if signed is not None:
        values["signed_amount"] = Decimal(signed)
    project_id = create_project(values, today=TODAY)
    for number, day in steps.items():
        record_step(project_id, number, day, today=TODAY)
    return project_id


@pytest.fixture
def case(fresh_db):
    units = {u.name: u.id for u in list_units()}
    park, industry = units["将乐经济开发区"], units["县工信局"]
    ids = {
        # 开发区: two entered in H1 (one ≥1亿 and started), one entered in July, one 2021.
        "a": make("甲", 20000, park, {LEAD: D(2021, 11, 1), SIGNED: D(2022, 1, 1), LIBRARY: D(2022, 1, 5), STARTED: D(2022, 6, 30)},
                  signed=18000),
        "b": make("乙", 5000, park, {LEAD: D(2022, 2, 1), SIGNED: D(2022, 3, 1), LIBRARY: D(2022, 6, 30)}),
        "c": make("丙", 30000, park, {LEAD: D(2022, 2, 1), SIGNED: D(2022, 6, 1), LIBRARY: D(2022, 7, 1)}),
        "d": make("丁", 40000, park, {LEAD: D(2021, 2, 1), SIGNED: D(2021, 5, 1), LIBRARY: D(2021, 12, 31), STARTED: D(2022, 1, 1)}),
        # 工信局: one entered, ≥1亿, signed without a 签约额 (counts its 总投资).
        "e": make("戊", 10000, industry, {LEAD: D(2022, 1, 2), SIGNED: D(2022, 2, 1), LIBRARY: D(2022, 3, 1)}),
        # No responsible unit: counts for the county only.
        "f": make("己", 3000, None, {LEAD: D(2022, 1, 2), SIGNED: D(2022, 2, 1), LIBRARY: D(2022, 4, 1)}),
    }
    fund_entries.add_entry(ids["a"], FUND_ARRIVED, D(2022, 1, 1), Decimal(1000))
    fund_entries.add_entry(ids["a"], FUND_ARRIVED, D(2022, 6, 15), Decimal(500))  # stored as June
    fund_entries.add_entry(ids["a"], FUND_ARRIVED, D(2022, 7, 1), Decimal(800))  # after the half-year
    fund_entries.add_entry(ids["d"], FUND_ARRIVED, D(2021, 12, 1), Decimal(2000))  # last year
    fund_entries.add_entry(ids["e"], FUND_ARRIVED, D(2022, 3, 1), Decimal("250.5"))
    return {"park": park, "industry": industry, **ids}


def test_done_values_per_responsible_unit_and_county(case):
    done = targets.done_values(D(2022, 1, 1), D(2022, 6, 30))
    assert done.of(case["park"]) == {
        "library_projects": 2, "library_investment": Decimal(25000), "above_yi_projects": 1,
        "started_projects": 2, "signed_amount": Decimal(18000) + Decimal(5000) + Decimal(30000),
        "arrived_funds": Decimal(1500),
    }
    assert done.of(case["industry"]) == {
        "library_projects": 1, "library_investment": Decimal(10000), "above_yi_projects": 1,
        "started_projects": 0, "signed_amount": Decimal(10000), "arrived_funds": Decimal("250.5"),
    }
    assert done.county == {
        "library_projects": 4, "library_investment": Decimal(38000), "above_yi_projects": 2,
        "started_projects": 2, "signed_amount": Decimal(66000), "arrived_funds": Decimal("1750.5"),
    }
    # A unit with nothing done shows zeros.
    assert done.of(999)["library_projects"] == 0


def test_not_applicable_never_counts_as_done(fresh_db):
    unit = list_units()[0].id
    project = make("庚", 12000, unit, {LEAD: D(2022, 1, 2), SIGNED: D(2022, 2, 1), LIBRARY: D(2022, 3, 1)})
    record_step(project, 18, D(2022, 3, 5), not_applicable=True, today=TODAY)
    assert targets.done_values(D(2022, 1, 1), D(2022, 6, 30)).county["started_projects"] == 0


def test_progress_report_lights_and_verdict(case):
    park = case["park"]
    targets.save_targets(2022, {
        (None, "library_projects"): 8,  # 4/8 = 50% → green at half time
        (None, "library_investment"): Decimal(95000),  # 38000/95000 = 40% → yellow (exactly 10 below)
        (park, "library_projects"): 4,  # 2/4 → green
        (park, "arrived_funds"): Decimal(3750),  # 1500/3750 = 40% → yellow
        (park, "started_projects"): 0,  # a target of 0: no light
    })
    report = targets.progress_report(D(2022, 6, 30))
    assert report.time_progress == Decimal("0.5")
    assert [s.name for s in report.scopes] == ["全县", "将乐经济开发区"]
    county = report.county
    assert county.cell("library_projects").light == GREEN
    assert county.cell("library_investment").light == YELLOW
    assert county.cell("above_yi_projects").target is None and county.cell("above_yi_projects").light == NO_LIGHT
    park_scope = report.scope(park)
    assert park_scope.cell("arrived_funds").progress == Decimal("0.4")
    assert park_scope.cell("arrived_funds").light == YELLOW
    assert park_scope.cell("started_projects").light == NO_LIGHT
    assert park_scope.cell("started_projects").progress_text == "—"
    verdict = report.verdict()
    assert verdict.time_half and not verdict.task_half and not verdict.passed
    assert "任务未过半" in verdict.text and "入库总投资 40.0%" in verdict.text
    assert report.verdict(park).passed is False

    # Lower the one lagging target: both over half.
    targets.set_target(2022, None, "library_investment", Decimal(76000))
    report = targets.progress_report(D(2022, 6, 30))
    assert report.verdict().passed
    assert report.verdict().text == "全县：时间过半、任务过半（双过半）"
    # The day before 30 June time is not yet half, so there is no 双过半 yet.
    early = targets.progress_report(D(2022, 6, 29))
    assert not early.verdict().time_half and "尚未过半" in early.verdict().text


def test_red_at_ten_point_zero_one_below(fresh_db):
    # 3999 of 10000 against 50%: 10.01 points below.
    assert light(targets.progress_of(3999, 10000), time_progress(D(2022, 6, 30))) == RED
    assert light(targets.progress_of(4000, 10000), time_progress(D(2022, 6, 30))) == YELLOW


def test_verdict_without_targets(fresh_db):
    report = targets.progress_report(D(2022, 6, 30))
    assert not report.verdict().passed and "未设定" in report.verdict().text


# --- storing targets ----------------------------------------------------------------------------


def test_targets_are_stored_once_per_year_unit_and_indicator(fresh_db):
    unit = list_units()[0].id
    targets.set_target(2022, None, "library_projects", 10)
    targets.set_target(2022, None, "library_projects", 12)
    targets.set_target(2022, unit, "signed_amount", Decimal("15000"))
    targets.set_target(2022, unit, "signed_amount", Decimal("25000.5"))
    assert Target.select().count() == 2
    assert targets.targets_for_year(2022) == {(None, "library_projects"): 12, (unit, "signed_amount"): Decimal("25000.5")}
    targets.set_target(2022, unit, "signed_amount", None)
    assert targets.targets_for_year(2022) == {(None, "library_projects"): 12}
    assert targets.targets_for_year(2023) == {}


def test_the_database_refuses_a_second_county_target(fresh_db):
    from peewee import IntegrityError

    Target.create(year=2022, unit=None, indicator="library_projects", count=1)
    with pytest.raises(IntegrityError):
        Target.create(year=2022, unit=None, indicator="library_projects", count=2)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [("library_projects", Decimal("2.5"), "整数"), ("library_projects", -1, "负数"), ("signed_amount", Decimal(-1), "负数"),
     ("signed_amount", Decimal(10**9), "1000 亿元")],
)
def test_bad_target_values_are_refused_and_nothing_is_written(fresh_db, key, value, message):
    with pytest.raises(UserError, match=message):
        targets.save_targets(2022, {(None, "started_projects"): 5, (None, key): value})
    assert Target.select().count() == 0


# --- fund entries -------------------------------------------------------------------------------


def test_fund_entries_keep_the_running_total_and_sum_by_period(fresh_db):
    unit = list_units()[0].id
    project = make("辛", 20000, unit, {LEAD: D(2022, 1, 2)})
    first = fund_entries.add_entry(project, FUND_ARRIVED, D(2022, 1, 20), Decimal(300))
    fund_entries.add_entry(project, FUND_ARRIVED, D(2022, 6, 1), Decimal(200))
    fund_entries.add_entry(project, FUND_ARRIVED, D(2022, 7, 1), Decimal(100))
    fund_entries.add_entry(project, FUND_COMPLETED, D(2022, 2, 1), Decimal(900))
    values = project_values(project)
    assert values["arrived_funds"] == Decimal(600) and values["completed_investment"] == Decimal(900)
    assert fund_entries.period_sum(FUND_ARRIVED, D(2022, 1, 1), D(2022, 6, 30)) == Decimal(500)
    assert fund_entries.period_sum(FUND_ARRIVED, D(2022, 1, 15), D(2022, 6, 1)) == Decimal(500)  # months begun
    assert fund_entries.period_sum(FUND_ARRIVED, D(2022, 2, 1), D(2022, 5, 31)) == Decimal(0)
    assert fund_entries.period_sum(FUND_ARRIVED, D(2022, 1, 1), D(2022, 12, 31), unit_id=unit) == Decimal(600)
    assert fund_entries.period_sum(FUND_COMPLETED, D(2022, 1, 1), D(2022, 12, 31)) == Decimal(900)

    fund_entries.update_entry(first, month=D(2022, 3, 9), amount_wan=Decimal(350))
    assert [(e.month, e.amount_wan) for e in fund_entries.project_entries(project, FUND_ARRIVED)] == [
        (D(2022, 3, 1), Decimal(350)), (D(2022, 6, 1), Decimal(200)), (D(2022, 7, 1), Decimal(100))]
    assert project_values(project)["arrived_funds"] == Decimal(650)
    with pytest.raises(UserError, match="已有到位资金记录"):
        fund_entries.add_entry(project, FUND_ARRIVED, D(2022, 6, 30), Decimal(1))
    for entry in fund_entries.project_entries(project, FUND_ARRIVED):
        fund_entries.delete_entry(entry.id)
    assert project_values(project)["arrived_funds"] is None
    assert project_values(project)["completed_investment"] == Decimal(900)


def test_a_total_typed_before_any_entry_becomes_an_opening_entry(fresh_db):
    unit = list_units()[0].id
    project = make("壬", 20000, unit, {LEAD: D(2021, 1, 2), SIGNED: D(2021, 3, 5)})
    from desktop.models.project import Project

    Project.update(arrived_funds=Decimal(1200)).where(Project.id == project).execute()
    fund_entries.add_entry(project, FUND_ARRIVED, D(2022, 2, 1), Decimal(100))
    entries = fund_entries.project_entries(project, FUND_ARRIVED)
    assert [(e.month, e.amount_wan) for e in entries] == [(D(2021, 3, 1), Decimal(1200)), (D(2022, 2, 1), Decimal(100))]
    assert "估计" in entries[0].note
    assert project_values(project)["arrived_funds"] == Decimal(1300)


def test_bad_fund_entries_are_refused(fresh_db):
    unit = list_units()[0].id
    project = make("癸", 20000, unit, {LEAD: D(2022, 1, 2)})
    with pytest.raises(UserError, match="负数"):
        fund_entries.add_entry(project, FUND_ARRIVED, D(2022, 1, 1), Decimal(-5))
    with pytest.raises(UserError, match="类别"):
        fund_entries.add_entry(project, "other", D(2022, 1, 1), Decimal(5))
    with pytest.raises(UserError, match="不存在"):
        fund_entries.add_entry(project + 100, FUND_ARRIVED, D(2022, 1, 1), Decimal(5))
    assert FundEntry.select().count() == 0


# --- import / export ----------------------------------------------------------------------------


def write_sheet(path, rows, title="目标"):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_import_targets_from_a_sheet(fresh_db, tmp_path):
    path = write_sheet(tmp_path / "目标.xlsx", [
        ["2022年目标任务"],
        ["单位", "入库项目数", "入库总投资（亿元）", "签约额（万元）", "到位资金"],
        ["全县", 100, 180.5, 1810000, "25.5"],
        ["将乐经济开发区", "38", None, "", 12],
    ])
    result = targets.import_targets(path, 2022)
    park = next(u.id for u in list_units() if u.name == "将乐经济开发区")
    assert (result.targets, result.units) == (6, 2)
    assert targets.targets_for_year(2022) == {
        (None, "library_projects"): 100, (None, "library_investment"): Decimal(1805000),
        (None, "signed_amount"): Decimal(1810000), (None, "arrived_funds"): Decimal(255000),
        (park, "library_projects"): 38, (park, "arrived_funds"): Decimal(120000),
    }


@pytest.mark.parametrize(
    ("rows", "where", "message"),
    [
        ([["单位", "入库项目数"], ["全县", 10], ["将乐经济开发区", "十二"]], "第 3 行，“入库项目数”列", "不是整数"),
        ([["单位", "入库项目数"], ["全县", 10.5]], "第 2 行，“入库项目数”列", "整数"),
        ([["单位", "签约额（亿元）"], ["全县", "多"]], "第 2 行，“签约额（亿元）”列", "不是金额"),
        ([["单位", "签约额"], ["全县", -3]], "第 2 行，“签约额”列", "负数"),
        ([["单位", "入库项目数"], ["全县", 1], ["不存在的局", 2]], "第 3 行，“单位”列", "没有名为“不存在的局”的单位"),
        ([["单位", "入库项目数"], ["全县", 1], ["全县", 2]], "第 3 行", "已经出现过"),
        ([["单位", "项目个数"], ["全县", 1]], "第 1 行，“项目个数”列", "不认识的指标列"),
        ([["名称", "入库项目数"], ["全县", 1]], "工作表“目标”", "找不到表头"),
    ],
)
def test_import_errors_name_the_sheet_row_and_column_and_write_nothing(fresh_db, tmp_path, rows, where, message):
    targets.set_target(2022, None, "library_projects", 7)
    path = write_sheet(tmp_path / "坏表.xlsx", rows)
    with pytest.raises(UserError) as caught:
        targets.import_targets(path, 2022)
    text = str(caught.value)
    assert "坏表.xlsx" in text and "工作表“目标”" in text and where in text and message in text
    assert targets.targets_for_year(2022) == {(None, "library_projects"): 7}


def test_export_reads_back_and_colours_the_lights(case, tmp_path):
    from openpyxl import load_workbook

    targets.save_targets(2022, {(None, "library_projects"): 8, (None, "library_investment"): Decimal(95000),
                                (case["park"], "arrived_funds"): Decimal(10000)})
    out = tmp_path / "双过半.xlsx"
    assert targets.export_targets(out, D(2022, 6, 30)) == 3
    wb = load_workbook(out)
    assert wb.sheetnames == ["目标任务", "完成进度"]
    progress = wb["完成进度"]
    rows = [[c.value for c in row] for row in progress.iter_rows(min_row=4)]
    assert rows[0] == ["全县", "入库项目数（个）", "8", "4", "50.0%", "50.0%", "绿灯"]
    assert rows[1][0:2] == ["全县", "入库总投资（亿元）"] and rows[1][2:5] == ["9.50", "3.80", "40.0%"]
    assert rows[1][6] == "黄灯" and progress.cell(row=5, column=7).fill.fgColor.rgb.endswith("FFF59D")
    assert rows[2][6] == "红灯"  # 1500 of 10000
    assert "任务未过半" in progress["A2"].value

    # The first sheet imports back unchanged.
    before = targets.targets_for_year(2022)
    Target.delete().execute()
    targets.import_targets(out, 2022)
    assert targets.targets_for_year(2022) == before


# --- the demo -----------------------------------------------------------------------------------


def test_demo_county_passes_double_half_on_30_june(demo_db):
    from desktop.services.demo import REFERENCE_FIGURES, REFERENCE_PERIOD
    from desktop.services.stats import compute_stats

    report = targets.progress_report(D(2022, 6, 30))
    county = report.county
    assert all(cell.target for cell in county.cells), "every indicator has a 2022 county target"
    assert all(cell.progress >= Decimal("0.5") for cell in county.cells)
    assert report.verdict().passed and report.verdict().text.endswith("时间过半、任务过半（双过半）")
    # Main units have targets too, and not every unit is green.
    assert len(report.scopes) >= 6
    assert {c.light for s in report.scopes[1:] for c in s.cells} >= {GREEN, YELLOW, RED}
    assert compute_stats(*REFERENCE_PERIOD) == REFERENCE_FIGURES


def test_demo_fund_entries_add_up_to_each_projects_figures(demo_db):
    from peewee import fn

    from desktop.models.project import Project

    sums = dict(
        FundEntry.select(FundEntry.project, fn.SUM(FundEntry.amount)).where(FundEntry.kind == FUND_ARRIVED)
        .group_by(FundEntry.project).tuples()
    )
    with_funds = list(Project.select(Project.id, Project.arrived_funds).where(Project.arrived_funds.is_null(False)).tuples())
    assert with_funds and len(sums) == len(with_funds)
    for project_id, arrived in with_funds:
        assert Decimal(sums[project_id]) / 10000 == arrived
    h1 = fund_entries.period_sum(FUND_ARRIVED, D(2022, 1, 1), D(2022, 6, 30))
    assert 0 < h1 < fund_entries.period_sum(FUND_ARRIVED, D(2021, 1, 1), D(2022, 8, 31))
    assert FundEntry.select().where(FundEntry.month > D(2022, 8, 31)).count() == 0


def test_migration_is_idempotent_and_turns_existing_totals_into_opening_entries(fresh_db):
    from desktop.db import database
    from desktop.migrations import m0005_targets
    from desktop.models.project import Project

    unit = list_units()[0].id
    project = make("子", 20000, unit, {LEAD: D(2021, 1, 2), SIGNED: D(2021, 3, 5), LIBRARY: D(2021, 3, 9), STARTED: D(2021, 5, 20)})
    Project.update(arrived_funds=Decimal(1500), completed_investment=Decimal(0)).where(Project.id == project).execute()
    m0005_targets.apply(database)
    m0005_targets.apply(database)
    entries = fund_entries.project_entries(project)
    assert [(e.kind, e.month, e.amount_wan) for e in entries] == [(FUND_ARRIVED, D(2021, 5, 1), Decimal(1500))]
    assert entries[0].note == m0005_targets.OPENING_NOTE
