"""The project library as the table shows it: one raw query, then filtering and sorting in Python.

At 100,000 projects, model instances cost ~1.8 s to fetch and a proxy model over Python data()
~1.5 s per filter; plain tuples plus index lists keep filter and sort around 50 ms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from decimal import Decimal
from operator import itemgetter
from typing import NamedTuple

from desktop.db import database
from desktop.models.base import YUAN_PER_WAN
from desktop.services.text import normalise_name

COLUMNS = ("项目编号", "项目名称", "投资方", "所属产业", "总投资（亿元）", "当前阶段", "状态", "责任单位", "挂钩领导", "所在乡镇", "入库日期")
YI_IN_YUAN = 100_000_000


class ProjectRow(NamedTuple):
    id: int
    code: str
    name: str
    investor: str
    industry: str
    total_yuan: int  # 总投资 in 元 (exact integer)
    stage_no: int
    status: str
    responsible_unit: str
    leader: str
    township: str
    library_on: str  # ISO date or ""
    is_key: bool  # 0/1 from SQLite, a bool from PostgreSQL
    search_text: str  # normalised name, initials, investor and its initials, code (space-separated)


# Position in ProjectRow of each visible column (same order as COLUMNS).
COLUMN_FIELDS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)

# Everything the table needs is computed by the database, so each row arrives ready to use: at
# 100,000 projects a per-row Python conversion costs as much as the fetch itself.
_SQL = """
SELECT p.id, p.code, p.name, COALESCE(c.name, ''), p.industry, p.total_investment, p.stage_no, p.status,
       COALESCE(ru.name, ''), COALESCE(pe.name, ''), COALESCE(tw.name, ''),
       COALESCE(CAST(p.library_on AS TEXT), ''), p.is_key,
       p.name_norm || ' ' || p.name_initials || ' ' || COALESCE(c.name_norm, '') || ' '
           || COALESCE(c.name_initials, '') || ' ' || LOWER(p.code)
FROM project p
LEFT JOIN company c ON c.id = p.investor_id
LEFT JOIN unit ru ON ru.id = p.responsible_unit_id
LEFT JOIN person pe ON pe.id = p.leader_id
LEFT JOIN unit tw ON tw.id = p.township_id
"""

_as_row = partial(tuple.__new__, ProjectRow)


def load_rows(project_id: int | None = None) -> list[ProjectRow]:
    """Every project (or just one) as a plain row, through a raw cursor (no model instances)."""
    if project_id is None:
        cursor = database.execute_sql(_SQL + " ORDER BY p.code")
    else:
        cursor = database.execute_sql(_SQL + f" WHERE p.id = {database.param}", (int(project_id),))
    return list(map(_as_row, cursor))


AMOUNT_BANDS = {"": None, "亿元以上": 1 * YI_IN_YUAN, "10亿元以上": 10 * YI_IN_YUAN}


@dataclass
class ProjectFilter:
    """What the user chose above the table; empty means 全部."""

    text: str = ""
    stage_phase: str = ""  # a phase name such as 签约; stage numbers come from `phase_steps`
    industry: str = ""
    responsible_unit: str = ""
    township: str = ""
    status: str = ""
    key_only: bool | None = None  # True: 重点项目 only; False: non-key only; None: all
    amount_band: str = ""
    phase_steps: dict[str, set[int]] = field(default_factory=dict)


def filter_indices(rows: list[ProjectRow], criteria: ProjectFilter) -> list[int]:
    """Indices of the rows that pass every chosen filter, in the rows' order."""
    tests = []
    needle = normalise_name(criteria.text)
    if needle:
        tests.append(lambda r: needle in r.search_text)
    if criteria.stage_phase:
        wanted = criteria.phase_steps.get(criteria.stage_phase, set())
        tests.append(lambda r: r.stage_no in wanted)
    if criteria.industry:
        tests.append(lambda r: r.industry == criteria.industry)
    if criteria.responsible_unit:
        tests.append(lambda r: r.responsible_unit == criteria.responsible_unit)
    if criteria.township:
        tests.append(lambda r: r.township == criteria.township)
    if criteria.status:
        tests.append(lambda r: r.status == criteria.status)
    if criteria.key_only is not None:
        tests.append(lambda r: r.is_key == criteria.key_only)
    floor = AMOUNT_BANDS.get(criteria.amount_band)
    if floor:
        tests.append(lambda r: r.total_yuan >= floor)
    if not tests:
        return list(range(len(rows)))
    if len(tests) == 1:
        only = tests[0]
        return [i for i, r in enumerate(rows) if only(r)]
    return [i for i, r in enumerate(rows) if all(t(r) for t in tests)]


class SortKeys:
    """Rank arrays per column for one set of rows, computed on a column's first sort.

    Sorting a filtered subset is then an integer sort (~15 ms at 100,000 rows) instead of
    comparing strings through a Python key function each time.
    """

    def __init__(self, rows: list[ProjectRow]):
        self.rows = rows
        self._ranks: dict[int, tuple[list[int], list[int]]] = {}

    def key_array(self, column: int, descending: bool) -> list[int]:
        if column not in self._ranks:
            position = COLUMN_FIELDS[column]
            values = list(map(itemgetter(position), self.rows))
            filled = [i for i, value in enumerate(values) if value != "" and value is not None]
            filled.sort(key=values.__getitem__)
            count = len(self.rows)
            ascending_rank, descending_rank = [count] * count, [count] * count  # empties last both ways
            last = len(filled) - 1
            for rank, i in enumerate(filled):
                ascending_rank[i] = rank
                descending_rank[i] = last - rank
            self._ranks[column] = (ascending_rank, descending_rank)
        ascending_rank, descending_rank = self._ranks[column]
        return descending_rank if descending else ascending_rank


def sort_indices(
    rows: list[ProjectRow], indices: list[int], column: int, descending: bool = False, keys: SortKeys | None = None
) -> list[int]:
    """`indices` ordered by visible column `column`; empty values always last.

    Pass the same `keys` for the same rows to reuse the rank arrays between sorts.
    """
    keys = keys if keys is not None and keys.rows is rows else SortKeys(rows)
    return sorted(indices, key=keys.key_array(column, descending).__getitem__)


@dataclass(frozen=True)
class Summary:
    count: int
    total_wan: Decimal


def summarise(rows: list[ProjectRow], indices: list[int], totals: list[int] | None = None) -> Summary:
    """Count and total investment (万元) of the rows at `indices`; `totals` may hold each row's total_yuan."""
    if totals is None:
        totals = list(map(itemgetter(5), rows))
    return Summary(len(indices), Decimal(sum(map(totals.__getitem__, indices))) / YUAN_PER_WAN)


def phase_steps() -> dict[str, set[int]]:
    """Phase name → the step numbers in it (a stage filter picks a phase)."""
    from desktop.models import LifecycleStep

    mapping: dict[str, set[int]] = {"未开始": {0}}
    for number, phase in LifecycleStep.select(LifecycleStep.number, LifecycleStep.phase).tuples():
        mapping.setdefault(phase, set()).add(number)
    return mapping
