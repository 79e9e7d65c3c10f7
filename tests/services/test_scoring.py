"""The scoring board, asserted number by number on a small hand-built case.

Units A–D are ours (the default units are switched off so the board is short); F is inactive but
earned points, E is inactive and earned nothing. Projects sit on the investment-band boundaries:
P1 9,999.99万 (×1), P2 exactly 1亿元 (×1.5), P3 exactly 10亿元 (×2), P4 99,999.99万 (×1.5).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from desktop.errors import NotFoundError, UserError, ValidationError
from desktop.models import LifecycleStep, Project, StatusChange, StepRecord, Unit
from desktop.models.scoring import CreditCorrection
from desktop.services import scoring
from desktop.services.scoring import DeductionRule, Period

D = dt.date
JUNE = scoring.month_period(2022, 6)


def _unit(name: str, order: int, active: bool = True) -> int:
    return Unit.create(name=name, kind="部门", sort_order=order, active=active).id


def _project(code: str, total: str, responsible: int, first: int | None = None) -> int:
    return Project.create(code=code, name=f"项目{code}", total_investment=Decimal(total),
                          responsible_unit=responsible, first_unit=first or responsible).id


def _record(project: int, number: int, day: dt.date, unit: int | None, *, not_applicable: bool = False) -> int:
    step = LifecycleStep.get(LifecycleStep.number == number).id
    return StepRecord.create(project=project, step=step, done_on=day, unit=unit, not_applicable=not_applicable).id


@pytest.fixture
def case(fresh_db):
    return build_scoring_case()


def build_scoring_case() -> dict[str, int]:
    """The hand-built case in the open database; returns unit and project ids by name/code."""
    Unit.update(active=False).execute()
    u = {name: _unit(name, order, active) for name, order, active in
         (("甲单位", 1, True), ("乙单位", 2, True), ("丙单位", 3, True), ("丁单位", 4, True),
          ("戊单位", 5, False), ("己单位", 6, False))}
    p1 = _project("P1", "9999.99", u["甲单位"], u["乙单位"])
    p2 = _project("P2", "10000", u["乙单位"])  # its steps were credited to 甲 before it changed hands
    p3 = _project("P3", "100000", u["丙单位"])
    p4 = _project("P4", "99999.99", u["丙单位"])
    ids = {"P1": p1, "P2": p2, "P3": p3, "P4": p4}
    # June 2022 (the board's period), edges included.
    _record(p1, 1, D(2022, 6, 1), u["乙单位"])  # 1 × 1 → 乙
    ids["P1-2"] = _record(p1, 2, D(2022, 6, 2), u["乙单位"])  # 1 × 1 → 乙, corrected to 甲 in a test
    _record(p1, 3, D(2022, 6, 3), u["己单位"])  # 2 × 1 → 己 (inactive, still listed)
    _record(p1, 9, D(2022, 6, 1), u["甲单位"])  # 10 × 1 → 甲
    _record(p2, 9, D(2022, 6, 30), u["甲单位"])  # 10 × 1.5 → 甲 (stored credit, not the project's 乙)
    _record(p2, 13, D(2022, 6, 10), u["甲单位"], not_applicable=True)  # 不涉及: nothing
    _record(p3, 10, D(2022, 6, 15), u["丙单位"])  # 5 × 2 → 丙
    _record(p4, 9, D(2022, 6, 15), u["丙单位"])  # 10 × 1.5 → 丙
    _record(p4, 1, D(2022, 6, 20), u["乙单位"])  # 1 × 1.5 → 乙
    # Outside June.
    _record(p1, 8, D(2022, 5, 20), u["乙单位"])  # May: 4 × 1 → 乙
    _record(p3, 8, D(2022, 5, 31), u["丙单位"])  # May: 4 × 2 → 丙
    _record(p3, 19, D(2022, 7, 1), u["丙单位"])  # July: not in June
    # A terminated project's steps done in the period still count.
    Project.update(status="终止").where(Project.id == p4).execute()
    StatusChange.create(project=p4, status="终止", changed_on=D(2022, 9, 1))
    return {**u, **ids}


def _table(board) -> list[tuple]:
    return [(r.rank, r.unit, str(r.points), r.steps, r.projects) for r in board.rows]


def test_the_board_number_by_number(case):
    board = scoring.compute_board(JUNE)
    assert _table(board) == [
        (1, "甲单位", "25.0", 2, 2),  # 10 + 15
        (1, "丙单位", "25.0", 2, 2),  # 10 + 15: a tie shares the rank…
        (3, "乙单位", "3.5", 3, 2),  # …and the next rank skips; 1 + 1 + 1.5
        (4, "己单位", "2.0", 1, 1),  # inactive but earned points: listed
        (5, "丁单位", "0.0", 0, 0),  # active with nothing: listed at 0
    ]
    assert "戊单位" not in [r.unit for r in board.rows]  # inactive and nothing earned


def test_band_weights_start_at_their_amount(case):
    settings = scoring.load_settings()
    assert [settings.weight_for(Decimal(x)) for x in ("9999.99", "10000", "99999.99", "100000", "0")] == [
        Decimal(1), Decimal("1.5"), Decimal("1.5"), Decimal(2), Decimal(1)]
    assert scoring.band_labels(settings.weights) == ["1亿元以下", "1亿元（含）至10亿元", "10亿元及以上"]


def test_drill_down_adds_up_to_the_board(case):
    board = scoring.compute_board(JUNE)
    for row in board.rows:
        lines = scoring.unit_details(row.unit_id, JUNE)
        assert sum((line.points for line in lines), Decimal(0)) == row.points
        assert len(lines) == row.steps
    lines = scoring.unit_details(case["甲单位"], JUNE)
    assert [(l.project_code, l.step_number, l.done_on, l.base_points, l.weight, l.points) for l in lines] == [
        ("P1", 9, D(2022, 6, 1), 10, 1, 10),
        ("P2", 9, D(2022, 6, 30), 10, Decimal("1.5"), Decimal("15.0")),
    ]


def test_corrected_credit_moves_the_points(case):
    scoring.correct_credit(case["P1-2"], case["甲单位"], "首报单位认定有误")
    board = scoring.compute_board(JUNE)
    assert _table(board)[:3] == [(1, "甲单位", "26.0", 3, 2), (2, "丙单位", "25.0", 2, 2), (3, "乙单位", "2.5", 2, 2)]
    [log] = scoring.credit_corrections(case["P1-2"])
    assert (log.old_unit, log.new_unit, log.reason) == ("乙单位", "甲单位", "首报单位认定有误")
    with pytest.raises(NotFoundError):
        scoring.correct_credit(999999, case["乙单位"])
    with pytest.raises(NotFoundError):
        scoring.correct_credit(case["P1-2"], 999999)
    assert CreditCorrection.select().count() == 1


def test_not_applicable_cannot_be_credited(case):
    record = StepRecord.get(StepRecord.not_applicable == True).id  # noqa: E712
    with pytest.raises(UserError, match="不涉及"):
        scoring.correct_credit(record, case["甲单位"])


def test_comparison_with_the_previous_month(case):
    board = scoring.compute_board(JUNE)
    assert board.previous == scoring.month_period(2022, 5)
    # May: 丙 8 (4 × 2), 乙 4, 甲 0, 丁 0 → ranks 1, 2, 3, 3; 己 (inactive, nothing in May) not listed.
    changes = {r.unit: (r.previous_rank, r.previous_points, r.rank_change, r.points_change, r.change_text)
               for r in board.rows}
    assert changes == {
        "甲单位": (3, Decimal("0.0"), 2, Decimal("25.0"), "▲2（+25.0）"),
        "丙单位": (1, Decimal("8.0"), 0, Decimal("17.0"), "—（+17.0）"),
        "乙单位": (2, Decimal("4.0"), -1, Decimal("-0.5"), "▼1（-0.5）"),
        "己单位": (None, None, None, None, ""),
        "丁单位": (3, Decimal("0.0"), -2, Decimal("0.0"), "▼2"),
    }


def test_points_and_weights_recompute_the_live_board(case):
    scoring.set_step_points({9: 20})
    scoring.save_weights([("0", "1"), ("10000", "2"), ("100000", "3")])
    board = scoring.compute_board(JUNE, compare=False)
    assert _table(board)[:3] == [(1, "甲单位", "60.0", 2, 2), (2, "丙单位", "55.0", 2, 2), (3, "乙单位", "4.0", 3, 2)]


def test_published_bulletin_stays_as_issued(case):
    bulletin_id = scoring.publish_bulletin(JUNE, number="第6期", published_on=D(2022, 7, 5))
    before = scoring.open_bulletin(bulletin_id)
    scoring.set_step_points({9: 50, 1: 7})
    scoring.save_weights([("0", "3")])
    scoring.correct_credit(case["P1-2"], case["丁单位"])
    assert _table(scoring.compute_board(JUNE)) != _table(before.board)
    again = scoring.open_bulletin(bulletin_id)
    assert _table(again.board) == _table(before.board) == [
        (1, "甲单位", "25.0", 2, 2), (1, "丙单位", "25.0", 2, 2), (3, "乙单位", "3.5", 3, 2),
        (4, "己单位", "2.0", 1, 1), (5, "丁单位", "0.0", 0, 0)]
    assert [r.change_text for r in again.board.rows] == [r.change_text for r in before.board.rows]
    assert again.title == "2022年6月招商引资“比学赶超”积分情况通报"
    assert (again.number, again.published_on, again.board.period) == ("第6期", D(2022, 7, 5), JUNE)
    assert again.board.settings.step_points()[9] == 10  # the settings used, not today's
    assert [(b.id, b.period_label) for b in scoring.list_bulletins()] == [(bulletin_id, "2022年6月")]
    scoring.delete_bulletin(bulletin_id)
    assert scoring.list_bulletins() == []
    with pytest.raises(NotFoundError):
        scoring.open_bulletin(bulletin_id)


SIGNED_NOT_STARTED = DeductionRule("签约后未开工", 9, 19, 30, Decimal(2))


def test_deductions_charge_full_months_to_the_responsible_unit(case):
    assert scoring.load_settings().deductions == ()  # none by default
    scoring.save_deductions([SIGNED_NOT_STARTED])
    # P1 signed 1 June (responsible 甲): deadline 1 July, charged 1 Aug … 1 Dec = 5 months.
    # P2 signed 30 June (responsible 乙): deadline 30 July; started 15 Oct → charged 30 Aug, 30 Sep.
    # P4 signed 15 June (responsible 丙): deadline 15 July; 终止 from 1 Sep → charged 15 Aug only.
    _record(case["P2"], 19, D(2022, 10, 15), case["乙单位"])
    year = scoring.compute_board(scoring.year_period(2022), compare=False)
    rows = {r.unit: r for r in year.rows}
    assert (rows["甲单位"].deduction, rows["乙单位"].deduction, rows["丙单位"].deduction) == (
        Decimal("10.0"), Decimal("4.0"), Decimal("2.0"))
    # 甲 25 − 10; 乙 3.5 + 4 (May) + 15 × 1.5 (P2 开工 in Oct) − 4; 丙 25 + 8 (May) + 30 (P3 开工 in July) − 2.
    assert (rows["甲单位"].points, rows["乙单位"].points, rows["丙单位"].points) == (
        Decimal("15.0"), Decimal("26.0"), Decimal("61.0"))
    for row in year.rows:
        lines = scoring.unit_details(row.unit_id, year.period)
        assert sum((line.points for line in lines), Decimal(0)) == row.points
    charges = [(l.project_code, l.done_on, l.points) for l in scoring.unit_details(case["乙单位"], year.period)
               if l.kind == "deduction"]
    assert charges == [("P2", D(2022, 8, 30), Decimal(-2)), ("P2", D(2022, 9, 30), Decimal(-2))]
    # Monthly boards add up to the year's deductions; June has none yet.
    months = [scoring.compute_board(scoring.month_period(2022, m), compare=False) for m in range(1, 13)]
    assert sum(r.deduction for b in months for r in b.rows if r.unit == "甲单位") == Decimal(10)
    assert {r.unit: r.deduction for r in months[7].rows if r.deduction} == {
        "甲单位": Decimal(2), "乙单位": Decimal(2), "丙单位": Decimal(2)}
    assert not any(r.deduction for r in months[5].rows)


def test_settings_are_validated(case):
    with pytest.raises(ValidationError):
        scoring.save_weights([("100", "1")])  # must start at 0
    with pytest.raises(ValidationError):
        scoring.save_weights([("0", "1"), ("10000", "0")])
    with pytest.raises(ValidationError):
        scoring.save_weights([("0", "1.0001")])
    with pytest.raises(ValidationError):
        scoring.save_deductions([DeductionRule("x", 9, 9, 30, Decimal(1))])
    with pytest.raises(ValidationError):
        scoring.save_deductions([DeductionRule("x", 9, 99, 30, Decimal(1))])
    with pytest.raises(ValidationError):
        scoring.set_step_points({9: -1})
    with pytest.raises(NotFoundError):
        scoring.set_step_points({99: 1})
    scoring.save_weights([("10000", "1.5"), ("0", "1")])  # given out of order: sorted
    assert [b.from_wan for b in scoring.load_settings().weights] == [0, 10000]


def test_periods_and_their_previous():
    assert scoring.previous_period(scoring.month_period(2022, 1)) == scoring.month_period(2021, 12)
    assert scoring.previous_period(scoring.month_period(2022, 3)) == Period("month", D(2022, 2, 1), D(2022, 2, 28))
    assert scoring.previous_period(scoring.quarter_period(2022, 1)) == scoring.quarter_period(2021, 4)
    assert scoring.previous_period(scoring.quarter_period(2022, 3)) == scoring.quarter_period(2022, 2)
    assert scoring.previous_period(scoring.half_period(2022, 1)) == Period("half", D(2021, 7, 1), D(2021, 12, 31))
    assert scoring.previous_period(scoring.half_period(2022, 2)) == scoring.half_period(2022, 1)
    assert scoring.previous_period(scoring.year_period(2022)) == scoring.year_period(2021)
    custom = scoring.custom_period(D(2022, 3, 1), D(2022, 3, 10))
    assert scoring.previous_period(custom) == Period("custom", D(2022, 2, 19), D(2022, 2, 28))
    assert scoring.period_from_dates(D(2022, 1, 1), D(2022, 6, 30)) == scoring.half_period(2022, 1)
    assert scoring.period_from_dates(D(2022, 4, 1), D(2022, 6, 30)).kind == "quarter"
    assert scoring.period_from_dates(D(2022, 2, 1), D(2022, 2, 28)).kind == "month"
    assert scoring.period_from_dates(D(2022, 2, 1), D(2022, 4, 30)).kind == "custom"
    assert [p.label for p in (scoring.quarter_period(2022, 2), scoring.half_period(2022, 2), scoring.year_period(2022))] == [
        "2022年第二季度", "2022年下半年", "2022年"]
    assert scoring.add_months(D(2022, 1, 31), 1) == D(2022, 2, 28)
    with pytest.raises(UserError):
        scoring.custom_period(D(2022, 3, 2), D(2022, 3, 1))


def test_demo_board_first_half_of_2022(demo_db):
    from desktop.services.reference import list_units

    board = scoring.compute_board(scoring.period_from_dates(D(2022, 1, 1), D(2022, 6, 30)))
    assert {u.name for u in list_units()} <= {r.unit for r in board.rows}
    assert board.rows[0].points > 0 and board.rows[0].rank == 1
    assert [r.rank for r in board.rows] == sorted(r.rank for r in board.rows)
    top = board.rows[0]
    assert sum(line.points for line in scoring.unit_details(top.unit_id, board.period)) == top.points
    json.dumps([r.to_json() for r in board.rows], ensure_ascii=False)


def test_the_weight_follows_the_projects_total(case):
    """step_record.project_total is kept by triggers: a changed 总投资 and a newly recorded step
    weigh at once, through every way of writing."""
    from desktop.services import lifecycle

    project = Project.get_by_id(case["P1"])
    project.total_investment = Decimal("10000")  # now exactly 1亿元: ×1.5
    project.save()
    rows = {r.unit: r.points for r in scoring.compute_board(JUNE).rows}
    assert rows["甲单位"] == Decimal("30.0")  # 10 × 1.5 + 15
    assert rows["乙单位"] == Decimal("4.5")  # (1 + 1) × 1.5 + 1.5
    lifecycle.record_step(case["P3"], 11, D(2022, 6, 16), unit_id=case["丁单位"], today=D(2022, 8, 1))
    rows = {r.unit: r.points for r in scoring.compute_board(JUNE).rows}
    assert rows["丁单位"] == Decimal("6.0")  # 3 × 2 (P3 is 10亿元)
    Project.update(total_investment=Decimal(500)).where(Project.id == case["P3"]).execute()
    board = scoring.compute_board(JUNE)
    rows = {r.unit: r.points for r in board.rows}
    assert (rows["丁单位"], rows["丙单位"]) == (Decimal("3.0"), Decimal("20.0"))  # 3 × 1; 5 × 1 + 15
    for row in board.rows:
        assert sum(line.points for line in scoring.unit_details(row.unit_id, JUNE)) == row.points
