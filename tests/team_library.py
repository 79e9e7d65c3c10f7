"""Projects and people for the 专班 tests (services and page): key and plain projects at several
stages, a leader, a centre officer and a department's deputy; no teams yet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

TODAY = dt.date(2022, 6, 30)

PEOPLE = [  # name, title, is_leader, unit
    ("张国平", "常务副县长", True, None),
    ("杨思远", "项目专员", False, "县招商服务中心"),
    ("苏晓燕", "副局长", False, "县生态环境局"),
]
PROJECTS = [  # name, 总投资 (万元), is_key, responsible unit, steps recorded (1 … n)
    ("富远新型铝材产业园", Decimal(150000), True, "将乐经济开发区", 19),
    ("久策气体（将乐）", Decimal(50000), False, "将乐经济开发区", 10),
    ("血灵芝加工", Decimal(3000), False, "县农业农村局", 3),
    ("居然之家", Decimal(30000), True, "县商务局", 6),
]


def build_team_library(project_names: list[str] | None = None) -> dict:
    """The people and the named projects (all by default), led by 张国平. Needs an open database."""
    from desktop.services import lifecycle, projects, reference

    units = {u.name: u.id for u in reference.list_units()}
    people = {
        name: reference.save_person({"name": name, "title": title, "is_leader": leader, "unit_id": units.get(unit)})
        for name, title, leader, unit in PEOPLE
    }
    ids = {}
    for name, total, key, unit, last_step in PROJECTS:
        if project_names is not None and name not in project_names:
            continue
        pid = projects.create_project({
            "name": name, "total_investment": total, "is_key": key, "responsible_unit_id": units[unit],
            "leader_id": people["张国平"],
        }, today=TODAY)
        for step in range(1, last_step + 1):
            lifecycle.record_step(pid, step, dt.date(2022, 1, 1) + dt.timedelta(days=step))
        ids[name] = pid
    return {"projects": ids, "people": people, "units": units}
