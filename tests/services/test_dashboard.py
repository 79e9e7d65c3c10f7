"""The dashboard's plain data: the same figures as stats, the projects behind them, series, warnings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.services import dashboard
from desktop.services.dashboard import build_dashboard, stalled_projects
from desktop.services.lifecycle import record_step
from desktop.services.projects import change_status, create_project
from desktop.services.reference import list_units
from desktop.services.stats import compute_stats

D = dt.date
TODAY = dt.date(2026, 11, 26)
FROM, TO = D(2022, 1, 1), D(2022, 6, 30)


def make(name, wan, steps, *, industry="", township=None, mode=""):
    values = {"name": name, "total_investment": Decimal(wan), "industry": industry, "signing_mode": mode}
    if township:
        values["township_id"] = next(u.id for u in list_units() if u.name == township)
    project_id = create_project(values, today=TODAY)
    for number, day in steps.items():
        record_step(project_id, number, day, today=TODAY)
    return project_id


@pytest.fixture
def case(fresh_db):
    return {
        "big": make("大项目", 20000, {1: D(2021, 11, 1), 9: D(2022, 1, 3), 10: D(2022, 1, 5), 19: D(2022, 6, 20)},
                    industry="轻合金", township="水南镇"),
        "small": make("小项目", 3000, {1: D(2022, 2, 1), 9: D(2022, 3, 1), 10: D(2022, 3, 30)},
                      industry="特色农林", township="万安镇"),
        "cloud": make("云签约项目", 15000, {1: D(2022, 1, 10), 9: D(2022, 5, 20)}, mode="云签约", industry="轻合金"),
        "talking": make("对接中", 8000, {1: D(2022, 3, 1), 3: D(2022, 4, 1)}),
        "stale": make("停滞线索", 5000, {1: D(2022, 1, 4), 2: D(2022, 1, 5)}),
        "paused": make("暂缓项目", 5000, {1: D(2022, 1, 4)}),
    }


def test_dashboard_figures_are_compute_stats_and_cards_name_their_projects(case):
    change_status(case["paused"], "暂缓", D(2022, 2, 1), today=TODAY)
    data = build_dashboard(FROM, TO)
    assert data.figures == compute_stats(FROM, TO)
    cards = {card.key: card for card in data.cards}
    assert [c.title for c in data.cards] == ["入库项目", "其中亿元以上", "亿元以上已开工", "云签约", "正在对接"]
    assert cards["library"].count == 2 and cards["library"].amount_yi == Decimal("2.30")
    assert cards["library"].selection.project_ids == {case["big"], case["small"]}
    assert cards["above_yi"].selection.project_ids == {case["big"]}
    assert cards["above_yi"].selection.amount_band == "亿元以上"
    assert cards["above_yi_started"].selection.project_ids == {case["big"]}
    assert cards["cloud_signed"].selection.project_ids == {case["cloud"]}
    assert cards["negotiating"].selection.project_ids == {case["talking"], case["stale"]}
    assert "入库项目" in cards["library"].selection.title and "2022-01-01" in cards["library"].selection.title
    for card in data.cards:
        assert card.count == len(card.selection.project_ids)


def test_dashboard_figures_equal_stats_on_the_demo_for_several_periods(demo_db):
    for period in ((FROM, TO), (D(2022, 1, 1), D(2022, 3, 31)), (D(2021, 1, 1), D(2022, 8, 31))):
        data = build_dashboard(*period)
        assert data.figures == compute_stats(*period)
        for card in data.cards:
            assert card.count == len(card.selection.project_ids)


def test_series(case):
    data = build_dashboard(FROM, TO)
    assert data.investment_by_industry == (("轻合金", Decimal("2.00")), ("特色农林", Decimal("0.30")))
    assert data.monthly_library == (("2022-01", 1), ("2022-02", 0), ("2022-03", 1), ("2022-04", 0), ("2022-05", 0), ("2022-06", 0))
    townships = dict(data.by_township)
    assert townships["水南镇"] == 1 and townships["万安镇"] == 1 and townships["古镛镇"] == 0
    assert len(townships) == 13  # every township, also those at 0
    funnel = dict(data.stage_funnel)
    assert funnel["线索"] == 6 and funnel["洽谈"] == 4 and funnel["签约"] == 3 and funnel["入库"] == 2
    assert funnel["开工"] == 1 and funnel["投产"] == 0
    # Funnel counts steps as of the period end.
    assert dict(build_dashboard(FROM, D(2022, 1, 31)).stage_funnel)["入库"] == 1


def test_monthly_trend_spans_years(fresh_db):
    data = build_dashboard(D(2021, 11, 15), D(2022, 2, 1))
    assert [month for month, _ in data.monthly_library] == ["2021-11", "2021-12", "2022-01", "2022-02"]


def test_stalled_projects_as_of_the_period_end(case):
    change_status(case["paused"], "暂缓", D(2022, 2, 1), today=TODAY)
    stalled = {w.project_id: w for w in stalled_projects(TO)}
    # stale: last step 5 January → 176 days; paused projects and fresh ones are not listed.
    assert set(stalled) == {case["stale"], case["small"], case["talking"], case["cloud"]}
    assert stalled[case["stale"]].days == 176 and "176 天无进展" in stalled[case["stale"]].text
    assert case["big"] not in stalled  # 开工 on 20 June
    # Exactly 30 days is not yet stalled; 31 is.
    assert case["talking"] not in {w.project_id for w in stalled_projects(D(2022, 5, 1))}
    assert case["talking"] in {w.project_id for w in stalled_projects(D(2022, 5, 2))}
    # Steps after the day do not count: as of 10 January the lead is fresh.
    assert case["stale"] not in {w.project_id for w in stalled_projects(D(2022, 1, 10))}
    assert [w.project_id for w in stalled_projects(TO)][0] == case["stale"]  # longest first


def test_overdue_problems_as_of_the_period_end(case):
    teams = pytest.importorskip("desktop.services.teams")
    team = teams.create_team(case["big"], today=TODAY)
    teams.add_problem(team, "用地指标未落实", D(2022, 3, 1), due_on=D(2022, 5, 31), today=TODAY)
    teams.add_problem(team, "尚未到期", D(2022, 3, 1), due_on=D(2022, 7, 31), today=TODAY)
    closed = teams.add_problem(team, "按期销号", D(2022, 3, 1), due_on=D(2022, 4, 30), today=TODAY)
    teams.close_problem(closed, "已解决", D(2022, 4, 20), today=TODAY)
    late_closed = teams.add_problem(team, "逾期后销号", D(2022, 3, 1), due_on=D(2022, 4, 30), today=TODAY)
    teams.close_problem(late_closed, "已解决", D(2022, 8, 1), today=TODAY)
    found = dashboard.overdue_problems(TO)
    assert [(w.project_id, w.days) for w in found] == [(case["big"], 61), (case["big"], 30)]
    assert "逾期后销号" in found[0].text and "用地指标未落实" in found[1].text
    data = build_dashboard(FROM, TO)
    assert "problem" in data.features and len(data.warnings_of("problem")) == 2


def test_warning_lists_are_capped_but_their_selection_holds_every_project(case, monkeypatch):
    monkeypatch.setattr(dashboard, "WARNINGS_LISTED", 2)
    data = build_dashboard(FROM, TO)
    every = {w.project_id for w in stalled_projects(TO)}
    assert len(every) == 5 and data.warning_counts["stalled"] == 5
    assert [w.project_id for w in data.warnings_of("stalled")] == [w.project_id for w in stalled_projects(TO)][:2]
    selection = data.selection_of("stalled", "停滞项目")
    assert selection.project_ids == every and selection.title == "停滞项目"


def test_dashboard_has_the_county_lights_when_targets_exist(case):
    from desktop.services.targets import save_targets

    assert build_dashboard(FROM, TO).targets is None
    save_targets(2022, {(None, "library_projects"): 4})
    data = build_dashboard(FROM, TO)
    assert data.targets.county.cell("library_projects").progress == Decimal("0.5")
    assert data.targets.verdict().passed


def test_demo_dashboard_is_alive(demo_db):
    data = build_dashboard(FROM, TO)
    assert data.targets is not None and data.targets.verdict().passed
    assert sum(n for _, n in data.monthly_library) == 60
    assert all(n > 0 for _, n in data.monthly_library)
    assert len(data.investment_by_industry) >= 5
    assert data.warnings_of("stalled")
