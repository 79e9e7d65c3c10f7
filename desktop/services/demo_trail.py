"""Demo data for the trail（修改痕迹）: a few edits made by the demo's accounts in August 2022, so the
修改痕迹 page and a project's 修改记录 tab show what they are for. Only words change (形象进度, 备注,
联系人): no amount, step or status, so the reference figures stay as they are. Runs after
demo_users, which empties the trail the build itself would have left.
"""

from __future__ import annotations

import datetime as dt

from desktop.models import Project
from desktop.models import audit as audit_model
from desktop.models.audit import AuditEntry
from desktop.models.user import User

DEMO_ORDER = 95

# (project code, field, new value, account, when)
EDITS = (
    ("JL-2021-0018", "progress_text", "已开工，果园基地平整完成，加工厂房基础施工中", "水南镇", dt.datetime(2022, 8, 3, 9, 12)),
    ("JL-2021-0001", "progress_text", "在建：一期厂房主体封顶，挤压生产线设备进场", "演示", dt.datetime(2022, 8, 12, 15, 40)),
    ("JL-2021-0001", "remarks", "8月12日现场调度：厂房9月底交付，请县供电公司提前对接专线", "演示", dt.datetime(2022, 8, 12, 15, 41)),
    ("JL-2021-0016", "progress_text", "已开工，基础施工完成，钢结构吊装中", "演示", dt.datetime(2022, 8, 26, 10, 5)),
    ("JL-2021-0016", "contact", "黄经理 138****1234", "演示", dt.datetime(2022, 8, 26, 10, 6)),
)


def populate_demo() -> None:
    users = {name: (uid, display or name) for uid, name, display in
             User.select(User.id, User.name, User.display_name).tuples()}
    before = audit_model.actor_provider
    try:
        for code, field, new, account, when in EDITS:
            project = Project.get_or_none(Project.code == code)
            if project is None or account not in users:
                continue
            old = getattr(project, field)
            Project.update({field: new}).where(Project.id == project.id).execute()  # the build records nothing itself
            audit_model.actor_provider = lambda who=users[account]: who
            last = AuditEntry.select(AuditEntry.id).order_by(AuditEntry.id.desc()).scalar() or 0
            row = Project.select().where(Project.id == project.id).dicts().get()
            audit_model.record_update(Project, project.id, {field: (old, new)}, row)
            AuditEntry.update(at=when).where(AuditEntry.id > last).execute()  # when it was done, in the demo's 2022
    finally:
        audit_model.actor_provider = before
