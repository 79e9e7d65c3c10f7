"""帮办代办: each landed project's approval checklist, generated from an editable catalogue.

An agent（代办员）carries each item through its department within the statutory working days; an
item past them stands out. Approving an item records the matching lifecycle step (项目备案 → 12,
能评 → 13, 环评 → 14, 安评 → 15, both planning permits → 17, 施工许可 → 18, 竣工联合验收 → 21), and an
item that does not apply（不涉及）marks an optional step 不涉及.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop.db import database
from desktop.errors import NotFoundError, UserError, ValidationError
from desktop.models import LifecycleStep, Person, Project
from desktop.models.approvals import APPROVAL_STATUSES, ApprovalCatalogItem, ApprovalItem
from desktop.services import access

NOT_STARTED, IN_PROGRESS, DONE, NOT_APPLICABLE = APPROVAL_STATUSES
PLANNING_ITEMS = ("建设用地规划许可", "建设工程规划许可")
PLANNING_STEP = 17

# (name, department, statutory working days, lifecycle step)
DEFAULT_CATALOG = [
    ("项目备案", "发改局", 3, 12),
    ("用地预审与选址", "自然资源局", 20, None),
    ("能评", "发改局", 15, 13),
    ("环评", "生态环境局", 30, 14),
    ("安评", "应急管理局", 20, 15),
    ("职业病危害预评价", "卫健局", 20, None),
    ("水土保持", "水利局", 20, None),
    ("地震安评", "地震局", 15, None),
    ("建设用地规划许可", "自然资源局", 10, None),
    ("建设工程规划许可", "自然资源局", 10, None),
    ("施工图审查", "住建局", 10, None),
    ("消防设计审查", "住建局", 15, None),
    ("人防", "人防办", 10, None),
    ("施工许可", "住建局", 7, 18),
    ("供电", "供电公司", 15, None),
    ("供水", "水务公司", 10, None),
    ("供气", "燃气公司", 10, None),
    ("排水", "住建局", 10, None),
    ("通信", "通信公司", 10, None),
    ("不动产登记", "自然资源局", 5, None),
    ("竣工联合验收", "住建局", 15, 21),
]


def seed_catalog() -> None:
    if ApprovalCatalogItem.select().exists():
        return
    ApprovalCatalogItem.insert_many([
        {"name": name, "department": department, "statutory_days": days, "step_number": step, "sort_order": order}
        for order, (name, department, days, step) in enumerate(DEFAULT_CATALOG, 1)
    ]).execute()


@dataclass
class CatalogEntry:
    id: int | None
    name: str
    department: str = ""
    statutory_days: int = 20
    step_number: int | None = None
    active: bool = True


def catalog(*, include_inactive: bool = False) -> list[CatalogEntry]:
    query = ApprovalCatalogItem.select().order_by(ApprovalCatalogItem.sort_order, ApprovalCatalogItem.id)
    if not include_inactive:
        query = query.where(ApprovalCatalogItem.active == True)  # noqa: E712 - peewee expression
    return [CatalogEntry(c.id, c.name, c.department, c.statutory_days, c.step_number, c.active) for c in query]


def save_catalog_entry(entry: CatalogEntry) -> int:
    access.require_admin()
    errors = {}
    name = (entry.name or "").strip()
    if not name:
        errors["name"] = "请填写审批事项名称"
    elif ApprovalCatalogItem.select().where((ApprovalCatalogItem.name == name) & (ApprovalCatalogItem.id != (entry.id or 0))).exists():
        errors["name"] = f"已有“{name}”事项"
    if not isinstance(entry.statutory_days, int) or not 0 < entry.statutory_days <= 365:
        errors["statutory_days"] = "法定时限为 1–365 个工作日"
    if entry.step_number is not None and not LifecycleStep.select().where(LifecycleStep.number == entry.step_number).exists():
        errors["step_number"] = f"没有第 {entry.step_number} 步"
    if errors:
        raise ValidationError(errors)
    row = ApprovalCatalogItem.get_or_none(ApprovalCatalogItem.id == entry.id) if entry.id else None
    if row is None:
        last = ApprovalCatalogItem.select().count()
        row = ApprovalCatalogItem(sort_order=last + 1)
    row.name, row.department, row.statutory_days = name, entry.department.strip(), entry.statutory_days
    row.step_number, row.active = entry.step_number, entry.active
    row.save()
    return row.id


@dataclass
class ChecklistRow:
    id: int
    name: str
    department: str
    statutory_days: int
    agent_id: int | None
    agent: str
    submitted_on: dt.date | None
    approved_on: dt.date | None
    status: str
    accepted_with_gaps: bool
    note: str
    step_number: int | None
    due_on: dt.date | None
    overdue: bool
    days_left: int | None


def _working_deadline(start: dt.date, days: int) -> dt.date:
    try:
        from desktop.services.workdays import deadline
    except ImportError:
        day, left = start, days
        while left:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                left -= 1
        return day
    return deadline(start, days, "working")


def _working_days_left(due: dt.date, today: dt.date) -> int:
    try:
        from desktop.services.workdays import days_left
    except ImportError:
        return (due - today).days
    return days_left(due, today, "working")


def generate_checklist(project_id: int) -> int:
    """Add every active catalogue item the project does not have yet; returns how many were added."""
    project = Project.get_or_none(Project.id == project_id)
    if project is None:
        raise NotFoundError("项目不存在或已被删除")
    access.require_edit([project.responsible_unit_id, project.township_id, project.first_unit_id])
    have = {c for (c,) in ApprovalItem.select(ApprovalItem.catalog_item).where(ApprovalItem.project == project_id).tuples()}
    rows = [{"project": project_id, "catalog_item": entry.id, "department": entry.department,
             "statutory_days": entry.statutory_days} for entry in catalog() if entry.id not in have]
    if rows:
        ApprovalItem.insert_many(rows).execute()
    return len(rows)


def checklist(project_id: int, today: dt.date | None = None) -> list[ChecklistRow]:
    today = today or dt.date.today()
    people = dict(Person.select(Person.id, Person.name).tuples())
    query = (ApprovalItem.select(ApprovalItem, ApprovalCatalogItem.name.alias("item_name"),
                                 ApprovalCatalogItem.step_number.alias("step_number"),
                                 ApprovalCatalogItem.sort_order.alias("sort_order"))
             .join(ApprovalCatalogItem).where(ApprovalItem.project == project_id)
             .order_by(ApprovalCatalogItem.sort_order, ApprovalItem.id))
    rows = []
    for item in query.objects():
        due = _working_deadline(item.submitted_on, item.statutory_days) if item.submitted_on else None
        open_item = item.status == IN_PROGRESS
        left = _working_days_left(due, today) if (due and open_item) else None
        rows.append(ChecklistRow(item.id, item.item_name, item.department, item.statutory_days, item.agent_id,
                                 people.get(item.agent_id, ""), item.submitted_on, item.approved_on, item.status,
                                 item.accepted_with_gaps, item.note, item.step_number, due,
                                 bool(open_item and due and today > due), left))
    return rows


def update_item(item_id: int, *, status: str | None = None, agent_id: int | None | object = ...,
                submitted_on: dt.date | None | object = ..., approved_on: dt.date | None | object = ...,
                accepted_with_gaps: bool | None = None, note: str | None = None,
                today: dt.date | None = None) -> None:
    """Change one checklist item; approving it (or marking it 不涉及) records the matching step."""
    today = today or dt.date.today()
    item = ApprovalItem.get_or_none(ApprovalItem.id == item_id)
    if item is None:
        raise NotFoundError("审批事项已不存在，请刷新。")
    project = Project.get_by_id(item.project_id)
    access.require_edit([project.responsible_unit_id, project.township_id, project.first_unit_id])
    entry = ApprovalCatalogItem.get_by_id(item.catalog_item_id)
    if status is not None:
        if status not in APPROVAL_STATUSES:
            raise ValidationError({"status": f"状态请从列表中选（{'、'.join(APPROVAL_STATUSES)}）"})
        item.status = status
    if agent_id is not ...:
        item.agent = agent_id
    if submitted_on is not ...:
        item.submitted_on = submitted_on
    if approved_on is not ...:
        item.approved_on = approved_on
    if accepted_with_gaps is not None:
        item.accepted_with_gaps = accepted_with_gaps
    if note is not None:
        item.note = note.strip()[:200]
    if item.status == IN_PROGRESS and item.submitted_on is None:
        item.submitted_on = today
    if item.status == DONE and item.approved_on is None:
        item.approved_on = today
    if item.submitted_on and item.submitted_on > today:
        raise ValidationError({"submitted_on": "报送日期不能晚于今天"})
    if item.approved_on and item.submitted_on and item.approved_on < item.submitted_on:
        raise ValidationError({"approved_on": f"“{entry.name}”的办结日期不能早于报送日期"})
    if item.approved_on and item.approved_on > today:
        raise ValidationError({"approved_on": "办结日期不能晚于今天"})
    with database.atomic():
        item.save()
        _record_steps(project.id, entry, item, today)


def _record_steps(project_id: int, entry: ApprovalCatalogItem, item: ApprovalItem, today: dt.date) -> None:
    from desktop.services import lifecycle

    if entry.name in PLANNING_ITEMS:
        _record_planning(project_id, today)
        return
    if entry.step_number is None:
        return
    step = LifecycleStep.get(LifecycleStep.number == entry.step_number)
    if item.status == DONE:
        lifecycle.record_step(project_id, step.number, item.approved_on, note=f"帮办代办：{entry.name}办结", today=today)
    elif item.status == NOT_APPLICABLE and step.optional:
        lifecycle.record_step(project_id, step.number, today, not_applicable=True, note=f"帮办代办：{entry.name}不涉及", today=today)


def _record_planning(project_id: int, today: dt.date) -> None:
    """规划许可 (step 17) needs both planning permits: approved, or one approved and one 不涉及."""
    from desktop.services import lifecycle

    items = list(ApprovalItem.select(ApprovalItem, ApprovalCatalogItem.name.alias("item_name")).join(ApprovalCatalogItem)
                 .where((ApprovalItem.project == project_id) & ApprovalCatalogItem.name.in_(PLANNING_ITEMS)).objects())
    if len(items) < len(PLANNING_ITEMS) or any(i.status not in (DONE, NOT_APPLICABLE) for i in items):
        return
    done = [i.approved_on for i in items if i.status == DONE]
    if done:
        lifecycle.record_step(project_id, PLANNING_STEP, max(done), note="帮办代办：规划许可两证办结", today=today)
    else:
        lifecycle.record_step(project_id, PLANNING_STEP, today, not_applicable=True, note="帮办代办：规划许可不涉及", today=today)


@dataclass(frozen=True)
class OverdueItem:
    project_id: int
    project_code: str
    project_name: str
    item: str
    department: str
    agent: str
    due_on: dt.date
    days_over: int


def overdue_items(today: dt.date | None = None) -> list[OverdueItem]:
    """Items in progress past their statutory working days, across all projects, most overdue first."""
    today = today or dt.date.today()
    people = dict(Person.select(Person.id, Person.name).tuples())
    query = (ApprovalItem.select(ApprovalItem, ApprovalCatalogItem.name.alias("item_name"), Project.code.alias("code"),
                                 Project.name.alias("project_name"))
             .join_from(ApprovalItem, ApprovalCatalogItem).join_from(ApprovalItem, Project)
             .where((ApprovalItem.status == IN_PROGRESS) & ApprovalItem.submitted_on.is_null(False)))
    result = []
    for item in query.objects():
        due = _working_deadline(item.submitted_on, item.statutory_days)
        if today > due:
            result.append(OverdueItem(item.project_id, item.code, item.project_name, item.item_name, item.department,
                                      people.get(item.agent_id, ""), due, -_working_days_left(due, today)))
    return sorted(result, key=lambda o: (-o.days_over, o.project_code))


def projects_with_checklists() -> list[tuple[int, str, str, int, int]]:
    """(project id, code, name, items, items done or 不涉及) for every project that has a checklist."""
    from peewee import fn

    finished = fn.SUM(ApprovalItem.status.in_([DONE, NOT_APPLICABLE]).cast("integer"))
    return [(pid, code, name, int(total), int(done or 0)) for pid, code, name, total, done in
            Project.select(Project.id, Project.code, Project.name, fn.COUNT(ApprovalItem.id), finished)
            .join(ApprovalItem).group_by(Project.id, Project.code, Project.name).order_by(Project.code).tuples()]


def delete_checklist_item(item_id: int) -> None:
    access.require_admin()
    item = ApprovalItem.get_or_none(ApprovalItem.id == item_id)
    if item is None:
        return
    if item.status == DONE:
        raise UserError("已办结的事项不能删除（它已记入项目流程）；如属误录，请先改回“办理中”")
    item.delete_instance()
