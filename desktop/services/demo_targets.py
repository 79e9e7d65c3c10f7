"""Demo data for 双过半: 2022 targets for the county and the main units, and monthly fund entries.

Fund entries: every project with a 到位资金 / 累计完成投资 figure gets it split into monthly
entries from the month it started (else signed) through August 2022 (the demo's last month),
so the entries add up exactly to the project's figure and January–June 2022 holds its share.

Targets are derived from what is done on 30 June 2022 (so they stay right whatever the earlier
demo extensions add): target ≈ done ÷ the share planned for the half-year, rounded up to a round
figure. The county's shares are all above one half — the county passes 双过半 on 30 June — while
a few units lag (yellow and red lights), as in any real 通报. Steps and projects are not touched,
so the reference figures stay exactly as they are. Deterministic.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from desktop.models.project import Project
from desktop.models.reference import Unit
from desktop.models.targets import FUND_ARRIVED, FUND_COMPLETED, FundEntry
from desktop.services.fund_entries import PROJECT_FIELD, refresh_project_total

DEMO_ORDER = 30

YEAR = 2022
HALF_YEAR_END = dt.date(2022, 6, 30)
LAST_MONTH = dt.date(2022, 8, 1)
SEED = 20220630 + 30

# The share of the yearly target done by 30 June, per indicator (county) — all above one half.
COUNTY_SHARES = {
    "library_projects": Decimal("0.60"),
    "library_investment": Decimal("0.58"),
    "above_yi_projects": Decimal("0.59"),
    "started_projects": Decimal("0.55"),
    "signed_amount": Decimal("0.56"),
    "arrived_funds": Decimal("0.57"),
}
# The main units and how far along each is (a share per indicator; below 0.5 lags).
UNIT_SHARES = {
    "将乐经济开发区": (0.58, 0.56, 0.57, 0.52, 0.54, 0.60),
    "县工信局": (0.55, 0.57, 0.54, 0.42, 0.45, 0.53),
    "县农业农村局": (0.60, 0.58, 0.60, 0.45, 0.56, 0.52),
    "县林业局": (0.62, 0.58, 0.60, 0.66, 0.56, 0.55),
    "县商务局": (0.25, 0.23, 0.33, 0.30, 0.70, 0.35),
    "县文体旅局": (0.50, 0.58, 0.50, 0.33, 0.27, 0.51),
    "县发改局": (0.50, 0.53, 0.50, 0.66, 0.48, 0.56),
}
# Amount targets are rounded up to this many 万元 (0.5 亿元); counts to whole projects.
AMOUNT_STEP = Decimal(5000)
# A unit with nothing done yet still gets a target (the lag shows as red).
MINIMUM_COUNT = 2
MINIMUM_AMOUNT = Decimal(10000)


def populate_demo() -> None:
    add_fund_entries()
    add_targets()


# --- fund entries -------------------------------------------------------------------------------


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def split_amount(total: Decimal, months: list[dt.date], rng: random.Random) -> list[tuple[dt.date, Decimal]]:
    """`total` 万元 over `months` in whole 万元 with uneven weights; the last month takes the rest
    so the parts add up exactly."""
    if len(months) == 1:
        return [(months[0], total)]
    weights = [Decimal(str(round(rng.uniform(0.5, 2.0), 2))) for _ in months]
    scale = sum(weights)
    parts = [(total * w / scale).quantize(Decimal(1), rounding=ROUND_FLOOR) for w in weights[:-1]]
    parts.append(total - sum(parts))
    return list(zip(months, parts))


def add_fund_entries() -> None:
    rng = random.Random(SEED)
    rows = []
    touched = []
    query = Project.select().where(
        Project.arrived_funds.is_null(False) | Project.completed_investment.is_null(False)
    ).order_by(Project.code)
    for project in query:
        start = project.started_on or project.signed_on or project.library_on
        if start is None:
            continue
        months = _months(max(start, dt.date(2021, 1, 1)), LAST_MONTH)
        for kind in (FUND_ARRIVED, FUND_COMPLETED):
            total = getattr(project, PROJECT_FIELD[kind])
            if not total:
                continue
            for month, amount in split_amount(Decimal(total), months, rng):
                if amount:
                    rows.append({"project": project.id, "kind": kind, "month": month, "amount": amount,
                                 "note": "按月报送"})
            touched.append((project.id, kind, Decimal(total)))
    for start in range(0, len(rows), 200):
        FundEntry.insert_many(rows[start:start + 200]).execute()
    for project_id, kind, total in touched:
        if refresh_project_total(project_id, kind) != total:
            raise AssertionError(f"demo fund entries do not add up for project {project_id}")


# --- targets ------------------------------------------------------------------------------------


def _target_for(done, share: Decimal, is_amount: bool):
    if is_amount:
        done = Decimal(done)
        if done <= 0:
            return MINIMUM_AMOUNT
        target = (done / share / AMOUNT_STEP).to_integral_value(rounding=ROUND_CEILING) * AMOUNT_STEP
        # Rounding up must not push a share planned above one half below it.
        while share >= Decimal("0.5") and done / target < Decimal("0.5"):
            target -= AMOUNT_STEP / 10
        return target
    if done <= 0:
        return MINIMUM_COUNT
    target = math.ceil(Decimal(done) / share)
    while share >= Decimal("0.5") and Decimal(done) / target < Decimal("0.5"):
        target -= 1
    return target


def add_targets() -> None:
    from desktop.services.targets import INDICATORS, done_values, save_targets

    done = done_values(dt.date(YEAR, 1, 1), HALF_YEAR_END)
    values = {}
    for item in INDICATORS:
        values[(None, item.key)] = _target_for(done.county[item.key], COUNTY_SHARES[item.key], item.is_amount)
    units = dict(Unit.select(Unit.name, Unit.id).tuples())
    for name, shares in UNIT_SHARES.items():
        unit_id = units[name]
        for item, share in zip(INDICATORS, shares):
            values[(unit_id, item.key)] = _target_for(done.of(unit_id)[item.key], Decimal(str(share)), item.is_amount)
    save_targets(YEAR, values)
