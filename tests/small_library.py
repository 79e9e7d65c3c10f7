"""A small hand-built project library shared by the CLI and the PostgreSQL tests.

For 2022-01-01…2022-06-30: 入库 3 (3.00亿), of which ≥1亿 2 (2.50亿), started 1 (1.50亿); 云签约 1
(2.00亿); negotiating 2 (2.00亿). Needs an open database with the default settings.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

D = dt.date


def build_small_library(today: dt.date) -> dict[str, int]:
    """Nine projects whose figures for 2022-01-01…2022-06-30 are known (see EXPECTED in the tests)."""
    from desktop.services import lifecycle, projects
    from desktop.services.reference import list_units

    units = {u.name: u.id for u in list_units()}
    ids = {}

    def project(name, total, steps, *, investor="", mode="", status=None, key=False):
        pid = projects.create_project(
            {
                "name": name, "investor_name": investor, "total_investment": Decimal(total), "signing_mode": mode,
                "is_key": key, "first_unit_id": units["县商务局"], "responsible_unit_id": units["将乐经济开发区"],
                "township_id": units["水南镇"],
            },
            today=today,
        )
        for number, day in steps:
            lifecycle.record_step(pid, number, day, today=today)
        if status:
            projects.change_status(pid, status[0], status[1], today=today)
        ids[name] = pid

    project("富远新型铝材产业园", "15000", [(9, D(2022, 2, 1)), (10, D(2022, 3, 1)), (19, D(2022, 5, 1))],
            investor="福建富远铝业有限公司", key=True)
    project("血灵芝加工", "5000", [(9, D(2022, 3, 10)), (10, D(2022, 4, 1))])
    project("久策气体（将乐）", "10000", [(9, D(2022, 6, 1)), (10, D(2022, 6, 30)), (19, D(2022, 7, 2))])
    project("居然之家", "30000", [(9, D(2022, 6, 15)), (10, D(2022, 7, 1))])
    project("民天（将乐）保供基地", "20000", [(9, D(2022, 2, 8))], mode="云签约")
    project("年产5万吨可降解环保产品", "12345.6789", [(3, D(2022, 1, 5))])
    project("血灵芝深加工二期", "7654.3211", [(3, D(2022, 2, 5))], status=("暂缓", D(2022, 7, 15)))
    project("陶粒混凝土防火保温板", "8000", [(3, D(2022, 1, 10))], status=("暂缓", D(2022, 5, 1)))
    project("高频电子变压器", "9000", [(1, D(2022, 7, 5))])
    return ids
