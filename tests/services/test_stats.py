"""The headline statistics on small hand-built cases: every definition and its edges."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from desktop.models import LifecycleStep
from desktop.services.lifecycle import record_step
from desktop.services.projects import change_status, create_project
from desktop.services.stats import STAT_KEYS, compute_stats, default_period

TODAY = dt.date(2026, 11, 26)
FROM, TO = dt.date(2022, 1, 1), dt.date(2022, 6, 30)
D = dt.date

LEAD, SIGNED, LIBRARY, STARTED = 1, 9, 10, 19


def make(name: str, wan, *, mode: str = "", steps: dict | None = None, statuses: list | None = None) -> int:
    """A project of `wan` 万元 with steps {number: date} and status changes [(status, date)]."""
    project_id = create_project(
        {"name": name, "total_investment": Decimal(str(wan)), "signing_mode": mode}, today=TODAY
    )
    for number, day in (steps or {}).items():
        record_step(project_id, number, day, today=TODAY)
    for status, day in statuses or []:
        change_status(project_id, status, day, today=TODAY)
    return project_id


def stats(date_from: dt.date = FROM, date_to: dt.date = TO) -> dict:
    return compute_stats(date_from, date_to)


def test_empty_database_gives_the_ten_keys_with_zeros(fresh_db):
    result = stats()
    assert tuple(result) == STAT_KEYS
    assert len(result) == 10
    for key, value in result.items():
        if key.endswith("_projects"):
            assert value == 0 and isinstance(value, int)
        else:
            assert value == Decimal("0.00") and isinstance(value, Decimal)


def test_default_period_is_this_year_to_today():
    assert default_period(D(2022, 8, 25)) == (D(2022, 1, 1), D(2022, 8, 25))
    assert default_period(D(2023, 1, 1)) == (D(2023, 1, 1), D(2023, 1, 1))
    start, end = default_period()
    assert start == D(dt.date.today().year, 1, 1) and end == dt.date.today()


# --- 入库 -------------------------------------------------------------------------------------


def test_library_counts_entries_dated_in_the_period_both_ends_included(fresh_db):
    make("一月一日入库", 20000, steps={LEAD: D(2021, 10, 1), SIGNED: D(2021, 12, 1), LIBRARY: D(2022, 1, 1)})
    make("六月三十日入库", 30000, steps={LEAD: D(2022, 3, 1), SIGNED: D(2022, 6, 1), LIBRARY: D(2022, 6, 30)})
    make("上年末入库", 40000, steps={LEAD: D(2021, 3, 1), SIGNED: D(2021, 6, 1), LIBRARY: D(2021, 12, 31)})
    make("七月一日入库", 50000, steps={LEAD: D(2022, 3, 1), SIGNED: D(2022, 6, 1), LIBRARY: D(2022, 7, 1)})
    make("签约未入库", 60000, steps={LEAD: D(2022, 3, 1), SIGNED: D(2022, 6, 1)})
    result = stats()
    assert result["library_projects"] == 2
    assert result["library_investment_yi"] == Decimal("5.00")
    # The same projects seen from another period.
    assert stats(D(2022, 7, 1), D(2022, 12, 31))["library_projects"] == 1
    assert stats(D(2021, 12, 31), D(2021, 12, 31))["library_projects"] == 1


def test_library_counts_whatever_the_status_now(fresh_db):
    make("入库后暂缓", 10000, steps={LEAD: D(2022, 1, 5), SIGNED: D(2022, 2, 1), LIBRARY: D(2022, 3, 1)},
         statuses=[("暂缓", D(2022, 5, 1))])
    make("入库后终止", 20000, steps={LEAD: D(2022, 1, 5), SIGNED: D(2022, 2, 1), LIBRARY: D(2022, 3, 1)},
         statuses=[("终止", D(2022, 9, 1))])
    result = stats()
    assert result["library_projects"] == 2
    assert result["library_investment_yi"] == Decimal("3.00")


def test_library_step_marked_not_applicable_does_not_count(fresh_db):
    # The steps are editable data: if 入库 were made optional, a 不涉及 record is not an entry.
    LifecycleStep.update(optional=True).where(LifecycleStep.number == LIBRARY).execute()
    project_id = make("不涉及入库", 20000, steps={LEAD: D(2022, 1, 5), SIGNED: D(2022, 2, 1)})
    record_step(project_id, LIBRARY, D(2022, 3, 1), not_applicable=True, today=TODAY)
    assert stats()["library_projects"] == 0
    record_step(project_id, LIBRARY, D(2022, 3, 1), not_applicable=False, today=TODAY)
    assert stats()["library_projects"] == 1


def test_library_uses_the_step_number_not_the_step_id(fresh_db):
    # Renumber the steps' ids out of line with their numbers: only LifecycleStep.number matters.
    step10 = LifecycleStep.get(LifecycleStep.number == LIBRARY)
    step11 = LifecycleStep.get(LifecycleStep.number == 11)
    LifecycleStep.update(number=99).where(LifecycleStep.id == step10.id).execute()
    LifecycleStep.update(number=LIBRARY).where(LifecycleStep.id == step11.id).execute()
    LifecycleStep.update(number=11).where(LifecycleStep.id == step10.id).execute()
    project_id = make("编号不等于主键", 20000)
    record_step(project_id, LIBRARY, D(2022, 3, 1), today=TODAY)  # now the row with step11's id
    assert stats()["library_projects"] == 1
    record_step(make("只有第11步", 20000), 11, D(2022, 3, 1), today=TODAY)
    assert stats()["library_projects"] == 1


# --- 亿元以上 -----------------------------------------------------------------------------------


def test_above_yi_starts_at_exactly_one_yi(fresh_db):
    entered = {LEAD: D(2022, 1, 5), SIGNED: D(2022, 2, 1), LIBRARY: D(2022, 3, 1)}
    make("正好一亿", 10000, steps=entered)
    make("差一分钱", "9999.9999", steps=entered)
    make("五千万", 5000, steps=entered)
    make("未入库的大项目", 500000, steps={LEAD: D(2022, 1, 5)})
    result = stats()
    assert result["library_projects"] == 3
    assert result["above_yi_projects"] == 1
    assert result["above_yi_investment_yi"] == Decimal("1.00")
    assert result["library_investment_yi"] == Decimal("2.50")  # 1 + 0.9999999… + 0.5 = 2.4999999 → 2.50


# --- 亿元以上开工 --------------------------------------------------------------------------------


def test_above_yi_started_needs_a_start_on_or_before_the_end(fresh_db):
    entered = {LEAD: D(2021, 11, 1), SIGNED: D(2022, 1, 10), LIBRARY: D(2022, 2, 1)}
    make("六月三十日开工", 20000, steps={**entered, STARTED: D(2022, 6, 30)})
    make("七月一日开工", 30000, steps={**entered, STARTED: D(2022, 7, 1)})
    # Steps may be recorded out of order: started in 2021, entered in 2022 — still started by 30 June.
    make("先开工后入库", 40000, steps={**entered, STARTED: D(2021, 12, 1)})
    make("小项目开工", 9000, steps={**entered, STARTED: D(2022, 5, 1)})
    make("上年入库开工", 50000, steps={LEAD: D(2021, 1, 5), SIGNED: D(2021, 2, 1), LIBRARY: D(2021, 3, 1),
                                   STARTED: D(2022, 4, 1)})
    result = stats()
    assert result["library_projects"] == 4
    assert result["above_yi_projects"] == 3
    assert result["above_yi_investment_yi"] == Decimal("9.00")
    assert result["above_yi_started_projects"] == 2
    assert result["above_yi_started_investment_yi"] == Decimal("6.00")


def test_started_step_marked_not_applicable_does_not_count(fresh_db):
    LifecycleStep.update(optional=True).where(LifecycleStep.number == STARTED).execute()
    project_id = make("开工不涉及", 20000, steps={LEAD: D(2021, 11, 1), SIGNED: D(2022, 1, 10), LIBRARY: D(2022, 2, 1)})
    record_step(project_id, STARTED, D(2022, 3, 1), not_applicable=True, today=TODAY)
    assert stats()["above_yi_started_projects"] == 0


# --- 云签约 ------------------------------------------------------------------------------------


def test_cloud_signed_needs_cloud_mode_and_a_signing_in_the_period(fresh_db):
    make("云签约一月一日", 10000, mode="云签约", steps={LEAD: D(2021, 10, 1), SIGNED: D(2022, 1, 1)})
    make("云签约六月三十日", 25000, mode="云签约", steps={LEAD: D(2022, 3, 1), SIGNED: D(2022, 6, 30)})
    make("现场签约", 30000, mode="现场签约", steps={LEAD: D(2022, 3, 1), SIGNED: D(2022, 5, 1)})
    make("云签约上年", 40000, mode="云签约", steps={LEAD: D(2021, 3, 1), SIGNED: D(2021, 12, 31)})
    make("云签约七月", 50000, mode="云签约", steps={LEAD: D(2022, 3, 1), SIGNED: D(2022, 7, 1)})
    make("云签约方式但未签", 60000, mode="云签约", steps={LEAD: D(2022, 3, 1), 8: D(2022, 5, 1)})
    result = stats()
    assert result["cloud_signed_projects"] == 2
    assert result["cloud_signed_investment_yi"] == Decimal("3.50")
    # Not entered: 云签约 does not need 入库 (and does not make one).
    assert result["library_projects"] == 0


# --- 正在对接 ----------------------------------------------------------------------------------


def test_negotiating_needs_a_step_by_the_end_and_no_signing_by_then(fresh_db):
    make("线索六月三十日", 1000, steps={LEAD: D(2022, 6, 30)})
    make("线索七月一日", 2000, steps={LEAD: D(2022, 7, 1)})
    make("上年线索仍在谈", 4000, steps={LEAD: D(2021, 5, 1), 2: D(2021, 5, 2), 3: D(2021, 6, 1)})
    make("框架协议未正式签约", 8000, steps={LEAD: D(2022, 1, 10), 8: D(2022, 6, 1)})
    make("七月一日签约", 16000, steps={LEAD: D(2022, 2, 1), SIGNED: D(2022, 7, 1)})
    make("六月三十日签约", 32000, steps={LEAD: D(2022, 2, 1), SIGNED: D(2022, 6, 30)})
    make("上年签约", 64000, steps={LEAD: D(2021, 2, 1), SIGNED: D(2021, 6, 30)})
    make("没有任何步骤", 128000)
    result = stats()
    assert result["negotiating_projects"] == 4
    assert result["negotiating_investment_yi"] == Decimal("2.90")  # 1000+4000+8000+16000 万元
    # Seen on 1 July, the lead of that day counts and the project signed that day no longer does.
    later = stats(D(2022, 1, 1), D(2022, 7, 1))
    assert later["negotiating_projects"] == 4
    assert later["negotiating_investment_yi"] == Decimal("1.50")  # 1000+2000+4000+8000


def test_negotiating_takes_the_status_on_the_end_date_from_the_history(fresh_db):
    lead = {LEAD: D(2022, 1, 10)}
    make("一直正常", 1000, steps=lead)
    make("五月暂缓", 2000, steps=lead, statuses=[("暂缓", D(2022, 5, 1))])
    make("六月三十日暂缓", 4000, steps=lead, statuses=[("暂缓", D(2022, 6, 30))])
    make("七月一日暂缓", 8000, steps=lead, statuses=[("暂缓", D(2022, 7, 1))])
    make("暂缓后恢复", 16000, steps=lead, statuses=[("暂缓", D(2022, 3, 1)), ("正常", D(2022, 5, 20))])
    make("恢复在期末之后", 32000, steps=lead, statuses=[("暂缓", D(2022, 3, 1)), ("正常", D(2022, 7, 20))])
    make("三月终止", 64000, steps=lead, statuses=[("终止", D(2022, 3, 1))])
    make("九月终止", 128000, steps=lead, statuses=[("终止", D(2022, 9, 1))])
    result = stats()
    assert result["negotiating_projects"] == 4  # 一直正常, 七月一日暂缓, 暂缓后恢复, 九月终止
    assert result["negotiating_investment_yi"] == Decimal("15.30")  # 1000+8000+16000+128000 万元


def test_negotiating_same_day_changes_the_later_recorded_one_wins(fresh_db):
    lead = {LEAD: D(2022, 1, 10)}
    make("同日暂缓又恢复", 1000, steps=lead, statuses=[("暂缓", D(2022, 4, 1)), ("正常", D(2022, 4, 1))])
    make("同日恢复又暂缓", 2000, steps=lead, statuses=[("正常", D(2022, 4, 1)), ("暂缓", D(2022, 4, 1))])
    result = stats()
    assert result["negotiating_projects"] == 1
    assert result["negotiating_investment_yi"] == Decimal("0.10")


def test_signed_and_entered_projects_are_not_negotiating(fresh_db):
    make("已入库", 10000, steps={LEAD: D(2021, 11, 1), SIGNED: D(2022, 1, 10), LIBRARY: D(2022, 2, 1)})
    make("在谈", 20000, steps={LEAD: D(2021, 11, 1), 5: D(2022, 1, 10)})
    result = stats()
    assert (result["library_projects"], result["negotiating_projects"]) == (1, 1)
    assert result["negotiating_investment_yi"] == Decimal("2.00")


# --- amounts ----------------------------------------------------------------------------------


def test_amounts_are_rounded_half_up_once_on_the_sum(fresh_db):
    # 0.5025 + 0.5025 = 1.005 亿元: half-up on the sum gives 1.01. Rounding each project first would
    # give 0.50 + 0.50 = 1.00; banker's rounding 1.00; binary floats 1.00 (1.005 is 1.00499… there).
    entered = {LEAD: D(2021, 11, 1), SIGNED: D(2022, 1, 10), LIBRARY: D(2022, 2, 1)}
    make("甲", 5025, steps=entered)
    make("乙", 5025, steps=entered)
    assert stats()["library_investment_yi"] == Decimal("1.01")


def test_amounts_just_below_half_round_down(fresh_db):
    entered = {LEAD: D(2021, 11, 1), SIGNED: D(2022, 1, 10), LIBRARY: D(2022, 2, 1)}
    make("甲", "5024.99", steps=entered)
    make("乙", 5025, steps=entered)
    assert stats()["library_investment_yi"] == Decimal("1.00")  # 1.004999 亿元


def test_amounts_with_fractions_of_wan_are_exact(fresh_db):
    lead = {LEAD: D(2022, 2, 1)}
    for i in range(3):
        make(f"三分之一{i}", "3333.3333", steps=lead)
    make("零头", "0.0001", steps=lead)  # one 元
    result = stats()
    assert result["negotiating_projects"] == 4
    assert result["negotiating_investment_yi"] == Decimal("1.00")  # exactly 10,000 万元


def test_a_period_ending_before_it_starts_counts_nothing_in_period_figures(fresh_db):
    make("入库", 20000, mode="云签约", steps={LEAD: D(2021, 11, 1), SIGNED: D(2022, 1, 10), LIBRARY: D(2022, 2, 1)})
    result = stats(D(2022, 6, 30), D(2022, 1, 1))  # from after to
    assert result["library_projects"] == 0
    assert result["cloud_signed_projects"] == 0
