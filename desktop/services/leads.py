"""乡贤库, forums（座谈会）and leads（招商线索）: from the first report to the project.

The first-reporting unit（首报单位）owns a lead and is credited with lifecycle steps 1–2 when the lead
becomes a project; it is fixed after the first save (an administrator may correct it), so nothing is
counted twice. A lead must have a responsible person named within one working day（1日内响应）.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import JOIN, fn

from desktop.db import database
from desktop.errors import NotFoundError, UserError, ValidationError
from desktop.models import Person, Project, Unit
from desktop.models.leads import (
    LEAD_GRADES,
    LEAD_SOURCES,
    LEAD_STATUSES,
    Forum,
    ForumAttendee,
    Lead,
    LeadFollowUp,
    Xiangxian,
)
from desktop.services import access
from desktop.services.money import AmountError, parse_amount

STEP_LEAD, STEP_CONTACT = 1, 2
RESPONSE_WORKING_DAYS = 1


# ---------------------------------------------------------------------------------------------
# 乡贤


@dataclass
class XiangxianItem:
    id: int | None
    name: str
    home_township_id: int | None = None
    home_township: str = ""
    city: str = ""
    company: str = ""
    industry: str = ""
    phone: str = ""
    keeper_id: int | None = None
    keeper: str = ""
    notes: str = ""
    forums: int = 0
    leads: int = 0


def list_xiangxian() -> list[XiangxianItem]:
    township = Unit.alias()
    keeper = Person.alias()
    forum_counts = dict(ForumAttendee.select(ForumAttendee.xiangxian, fn.COUNT(ForumAttendee.id))
                        .group_by(ForumAttendee.xiangxian).tuples())
    lead_counts = dict(Lead.select(Lead.xiangxian, fn.COUNT(Lead.id)).where(Lead.xiangxian.is_null(False))
                       .group_by(Lead.xiangxian).tuples())
    query = (Xiangxian.select(Xiangxian, township.name.alias("township_name"), keeper.name.alias("keeper_name"))
             .join_from(Xiangxian, township, on=(Xiangxian.home_township == township.id), join_type=JOIN.LEFT_OUTER)
             .join_from(Xiangxian, keeper, on=(Xiangxian.keeper == keeper.id), join_type=JOIN.LEFT_OUTER)
             .order_by(Xiangxian.name))
    items = []
    for row in query.objects():
        items.append(XiangxianItem(row.id, row.name, row.home_township_id, row.township_name or "", row.city,
                                   row.company, row.industry, row.phone, row.keeper_id, row.keeper_name or "",
                                   row.notes, forum_counts.get(row.id, 0), lead_counts.get(row.id, 0)))
    return items


def save_xiangxian(item: XiangxianItem) -> int:
    access.require_centre()
    from desktop.services.investors import phone_problem

    errors = {}
    if not (item.name or "").strip():
        errors["name"] = "请填写乡贤姓名"
    problem = phone_problem(item.phone)
    if problem:
        errors["phone"] = problem
    if errors:
        raise ValidationError(errors)
    row = Xiangxian.get_or_none(Xiangxian.id == item.id) if item.id else None
    row = row or Xiangxian()
    row.name = item.name.strip()
    row.home_township = item.home_township_id
    row.city, row.company, row.industry = item.city.strip(), item.company.strip(), item.industry.strip()
    row.phone, row.keeper, row.notes = item.phone.strip(), item.keeper_id, item.notes.strip()
    row.save()
    return row.id


# ---------------------------------------------------------------------------------------------
# Forums


@dataclass
class ForumItem:
    id: int | None
    title: str
    held_on: dt.date
    kind: str = "乡贤座谈会"
    place: str = ""
    organiser_id: int | None = None
    organiser: str = ""
    attendee_ids: list[int] = field(default_factory=list)
    leads: int = 0
    notes: str = ""


def list_forums(date_from: dt.date | None = None, date_to: dt.date | None = None) -> list[ForumItem]:
    query = Forum.select().order_by(Forum.held_on.desc(), Forum.id.desc())
    if date_from:
        query = query.where(Forum.held_on >= date_from)
    if date_to:
        query = query.where(Forum.held_on <= date_to)
    units = dict(Unit.select(Unit.id, Unit.name).tuples())
    lead_counts = dict(Lead.select(Lead.forum, fn.COUNT(Lead.id)).where(Lead.forum.is_null(False)).group_by(Lead.forum).tuples())
    attendees: dict[int, list[int]] = {}
    for forum_id, person_id in ForumAttendee.select(ForumAttendee.forum, ForumAttendee.xiangxian).tuples():
        attendees.setdefault(forum_id, []).append(person_id)
    return [ForumItem(f.id, f.title, f.held_on, f.kind, f.place, f.organiser_id, units.get(f.organiser_id, ""),
                      attendees.get(f.id, []), lead_counts.get(f.id, 0), f.notes) for f in query]


def save_forum(item: ForumItem) -> int:
    access.require_centre()
    errors = {}
    if not (item.title or "").strip():
        errors["title"] = "请填写活动名称"
    if not isinstance(item.held_on, dt.date):
        errors["held_on"] = "请填写举办日期"
    if item.kind not in LEAD_SOURCES and item.kind != "其他活动":
        errors["kind"] = f"活动类型“{item.kind}”不在列表中"
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        row = Forum.get_or_none(Forum.id == item.id) if item.id else None
        row = row or Forum()
        row.title, row.held_on, row.kind = item.title.strip(), item.held_on, item.kind
        row.place, row.organiser, row.notes = item.place.strip(), item.organiser_id, item.notes.strip()
        row.save()
        wanted = set(item.attendee_ids)
        existing = {x for (x,) in ForumAttendee.select(ForumAttendee.xiangxian).where(ForumAttendee.forum == row.id).tuples()}
        if existing - wanted:
            ForumAttendee.delete().where((ForumAttendee.forum == row.id) & ForumAttendee.xiangxian.in_(existing - wanted)).execute()
        for person_id in sorted(wanted - existing):
            ForumAttendee.create(forum=row.id, xiangxian=person_id)
    return row.id


# ---------------------------------------------------------------------------------------------
# Leads


@dataclass
class LeadItem:
    id: int | None
    title: str
    source_type: str
    first_unit_id: int | None
    received_on: dt.date
    forum_id: int | None = None
    xiangxian_id: int | None = None
    source_person: str = ""
    responsible_person_id: int | None = None
    responded_on: dt.date | None = None
    grade: str = "B"
    status: str = "新线索"
    investor_name: str = ""
    industry: str = ""
    estimated_investment: Decimal | None = None  # 万元
    content: str = ""
    project_id: int | None = None
    # Read-only, for lists:
    first_unit: str = ""
    forum: str = ""
    source: str = ""
    responsible_person: str = ""
    response_due: dt.date | None = None
    response_overdue: bool = False
    project_code: str = ""
    last_follow_up: dt.date | None = None
    next_on: dt.date | None = None


@dataclass
class FollowUpItem:
    done_on: dt.date
    who: str
    what: str
    next_step: str = ""
    next_on: dt.date | None = None
    id: int | None = None


def response_due(received_on: dt.date) -> dt.date:
    """The day by which a responsible person must be named: one working day after receipt."""
    try:
        from desktop.services.workdays import deadline
    except ImportError:  # the holiday calendar is optional: count weekdays only
        day, left = received_on, RESPONSE_WORKING_DAYS
        while left:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                left -= 1
        return day
    return deadline(received_on, RESPONSE_WORKING_DAYS, "working")


def _lead_item(row: Lead, names: dict, today: dt.date) -> LeadItem:
    due = response_due(row.received_on)
    source = names["forums"].get(row.forum_id) or names["xiangxian"].get(row.xiangxian_id) or row.source_person
    return LeadItem(
        row.id, row.title, row.source_type, row.first_unit_id, row.received_on, row.forum_id, row.xiangxian_id,
        row.source_person, row.responsible_person_id, row.responded_on, row.grade, row.status, row.investor_name,
        row.industry, row.estimated_investment, row.content, row.project_id,
        first_unit=names["units"].get(row.first_unit_id, ""), forum=names["forums"].get(row.forum_id, ""),
        source=source or "", responsible_person=names["people"].get(row.responsible_person_id, ""),
        response_due=due,
        response_overdue=(row.responded_on > due) if row.responded_on else today > due,
        project_code=names["codes"].get(row.project_id, ""),
        last_follow_up=names["last"].get(row.id), next_on=names["next"].get(row.id),
    )


def _names() -> dict:
    last, nxt = {}, {}
    for lead_id, done_on, next_on in (LeadFollowUp.select(LeadFollowUp.lead, LeadFollowUp.done_on, LeadFollowUp.next_on)
                                      .order_by(LeadFollowUp.done_on, LeadFollowUp.id).tuples()):
        last[lead_id] = done_on
        nxt[lead_id] = next_on
    return {
        "units": dict(Unit.select(Unit.id, Unit.name).tuples()),
        "people": dict(Person.select(Person.id, Person.name).tuples()),
        "forums": dict(Forum.select(Forum.id, Forum.title).tuples()),
        "xiangxian": dict(Xiangxian.select(Xiangxian.id, Xiangxian.name).tuples()),
        "codes": dict(Project.select(Project.id, Project.code).join(Lead, on=(Lead.project == Project.id)).tuples()),
        "last": last,
        "next": nxt,
    }


def list_leads(*, status: str | None = None, unit_id: int | None = None, search: str = "",
               today: dt.date | None = None) -> list[LeadItem]:
    today = today or dt.date.today()
    query = Lead.select().order_by(Lead.received_on.desc(), Lead.id.desc())
    if status:
        query = query.where(Lead.status == status)
    if unit_id:
        query = query.where(Lead.first_unit == unit_id)
    names = _names()
    items = [_lead_item(row, names, today) for row in query]
    text = (search or "").strip()
    if text:
        items = [i for i in items if text in i.title or text in i.investor_name or text in i.source or text in i.first_unit]
    return items


def get_lead(lead_id: int, today: dt.date | None = None) -> LeadItem:
    row = Lead.get_or_none(Lead.id == lead_id)
    if row is None:
        raise NotFoundError(f"找不到这条线索（编号 {lead_id}）。")
    return _lead_item(row, _names(), today or dt.date.today())


def _validate_lead(item: LeadItem, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (item.title or "").strip():
        errors["title"] = "请填写线索名称"
    if item.source_type not in LEAD_SOURCES:
        errors["source_type"] = f"线索来源请从列表中选（{'、'.join(LEAD_SOURCES)}）"
    if not item.first_unit_id or not Unit.select().where(Unit.id == item.first_unit_id).exists():
        errors["first_unit"] = "请选择首报单位"
    if not isinstance(item.received_on, dt.date):
        errors["received_on"] = "请填写收到线索的日期"
    elif item.received_on > today:
        errors["received_on"] = "收到日期不能晚于今天"
    if item.responded_on is not None and isinstance(item.received_on, dt.date) and item.responded_on < item.received_on:
        errors["responded_on"] = "明确专人的日期不能早于收到线索的日期"
    if item.grade not in LEAD_GRADES:
        errors["grade"] = "线索等级为 A、B 或 C"
    if item.status not in LEAD_STATUSES:
        errors["status"] = f"状态请从列表中选（{'、'.join(LEAD_STATUSES)}）"
    if item.estimated_investment is not None and item.estimated_investment < 0:
        errors["estimated_investment"] = "预计投资不能为负数"
    return errors


def save_lead(item: LeadItem, *, today: dt.date | None = None) -> int:
    """Create or update a lead. The first-reporting unit is fixed once saved (administrators excepted)."""
    today = today or dt.date.today()
    existing = Lead.get_or_none(Lead.id == item.id) if item.id else None
    if item.id and existing is None:
        raise NotFoundError(f"找不到这条线索（编号 {item.id}），可能已被删除。")
    access.require_edit([existing.first_unit_id if existing else item.first_unit_id])
    errors = _validate_lead(item, today)
    if existing is not None and item.first_unit_id != existing.first_unit_id:
        try:
            access.require_admin()
        except access.PermissionDenied:
            first = Unit.get_by_id(existing.first_unit_id).name
            errors["first_unit"] = f"首报单位（{first}）保存后不能更改，如确属登记错误请管理员更正"
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        row = existing or Lead()
        row.title, row.source_type, row.first_unit = item.title.strip(), item.source_type, item.first_unit_id
        row.received_on, row.forum, row.xiangxian = item.received_on, item.forum_id, item.xiangxian_id
        row.source_person = (item.source_person or "").strip()
        row.responsible_person = item.responsible_person_id
        if item.responded_on is not None:
            row.responded_on = item.responded_on
        elif item.responsible_person_id and row.responded_on is None:
            row.responded_on = today  # naming the person is the response
        row.grade, row.investor_name, row.industry = item.grade, item.investor_name.strip(), item.industry.strip()
        row.estimated_investment, row.content = item.estimated_investment, item.content.strip()
        if row.project_id is None:  # a converted lead stays 已转化
            row.status = item.status
        row.save()
    return row.id


def add_follow_up(lead_id: int, entry: FollowUpItem) -> int:
    lead = Lead.get_or_none(Lead.id == lead_id)
    if lead is None:
        raise NotFoundError(f"找不到这条线索（编号 {lead_id}）。")
    access.require_edit([lead.first_unit_id])
    errors = {}
    if not isinstance(entry.done_on, dt.date):
        errors["done_on"] = "请填写跟进日期"
    if not (entry.what or "").strip():
        errors["what"] = "请填写跟进情况"
    if entry.next_on is not None and isinstance(entry.done_on, dt.date) and entry.next_on < entry.done_on:
        errors["next_on"] = "下一步日期不能早于本次跟进日期"
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        row = LeadFollowUp.create(lead=lead.id, done_on=entry.done_on, who=entry.who.strip(), what=entry.what.strip(),
                                  next_step=entry.next_step.strip(), next_on=entry.next_on)
        if lead.status == "新线索":
            lead.status = "跟进中"
            lead.save()
    return row.id


def follow_ups(lead_id: int) -> list[FollowUpItem]:
    return [FollowUpItem(r.done_on, r.who, r.what, r.next_step, r.next_on, r.id)
            for r in LeadFollowUp.select().where(LeadFollowUp.lead == lead_id).order_by(LeadFollowUp.done_on, LeadFollowUp.id)]


def add_forum_leads(forum_id: int, rows: list[dict], *, today: dt.date | None = None) -> list[int]:
    """Enter the leads raised at a forum in one go (the grid); all rows or none.

    Each row: title (required), first_unit_id (required), investor_name, industry,
    estimated_investment (万元, Decimal or text such as “1.5亿元”), xiangxian_id, grade, content.
    Errors name the row: {"第 3 行": "……"}.
    """
    today = today or dt.date.today()
    forum = Forum.get_or_none(Forum.id == forum_id)
    if forum is None:
        raise NotFoundError("找不到这场座谈会，可能已被删除。")
    items, errors = [], {}
    for number, row in enumerate(rows, 1):
        if not any(str(value or "").strip() for value in row.values()):
            continue  # an empty grid line
        amount = row.get("estimated_investment")
        if isinstance(amount, str):
            try:
                amount = parse_amount(amount) if amount.strip() else None
            except AmountError as exc:
                errors[f"第 {number} 行"] = f"预计投资：{exc}"
                continue
        item = LeadItem(None, str(row.get("title") or "").strip(), forum.kind if forum.kind in LEAD_SOURCES else "乡贤座谈会",
                        row.get("first_unit_id") or forum.organiser_id, forum.held_on, forum_id=forum.id,
                        xiangxian_id=row.get("xiangxian_id"), grade=row.get("grade") or "B",
                        investor_name=str(row.get("investor_name") or ""), industry=str(row.get("industry") or ""),
                        estimated_investment=amount, content=str(row.get("content") or ""))
        problems = _validate_lead(item, today)
        if problems:
            errors[f"第 {number} 行"] = "；".join(problems.values())
        items.append(item)
    if errors:
        raise ValidationError(errors)
    if not items:
        raise UserError("表格是空的：请至少填写一条线索")
    for item in items:
        access.require_edit([item.first_unit_id])
    with database.atomic():
        return [save_lead(item, today=today) for item in items]


def convert_to_project(lead_id: int, values: dict, *, today: dt.date | None = None) -> int:
    """Make a project of a lead: fields prefilled from it, the lead linked, steps 1–2 credited to its first unit.

    `values` are the project form's values; total_investment (万元) is required.
    """
    from desktop.services import lifecycle, projects

    today = today or dt.date.today()
    lead = Lead.get_or_none(Lead.id == lead_id)
    if lead is None:
        raise NotFoundError(f"找不到这条线索（编号 {lead_id}）。")
    if lead.project_id is not None:
        code = Project.get_by_id(lead.project_id).code
        raise UserError(f"这条线索已转为项目 {code}，一条线索只能转一个项目")
    access.require_edit([lead.first_unit_id])
    if values.get("total_investment") in (None, ""):
        raise ValidationError({"total_investment": "请填写预计总投资（每个项目都要有总投资）"})
    merged = {
        "name": lead.title,
        "investor_name": lead.investor_name,
        "industry": lead.industry,
        "content": lead.content,
        "responsible_unit_id": lead.first_unit_id,
        **{k: v for k, v in values.items() if v not in (None, "")},
        "first_unit_id": lead.first_unit_id,  # always the lead's: 首报 credit follows the lead
    }
    with database.atomic():
        project_id = projects.create_project(merged, today=today)
        lifecycle.record_step(project_id, STEP_LEAD, lead.received_on, unit_id=lead.first_unit_id, today=today)
        lifecycle.record_step(project_id, STEP_CONTACT, lead.responded_on or lead.received_on,
                              unit_id=lead.first_unit_id, today=today)
        lead.project = project_id
        lead.status = "已转化"
        lead.save()
    return project_id


def link_to_project(lead_id: int, project_id: int) -> None:
    """Link a lead to a project that already exists; a project reported first by another lead keeps it."""
    lead = Lead.get_or_none(Lead.id == lead_id)
    project = Project.get_or_none(Project.id == project_id)
    if lead is None or project is None:
        raise NotFoundError("线索或项目已不存在，请刷新。")
    access.require_edit([lead.first_unit_id])
    first = Lead.get_or_none((Lead.project == project_id) & (Lead.id != lead_id))
    if first is not None:
        unit = Unit.get_by_id(first.first_unit_id).name
        raise UserError(f"项目 {project.code} 已由{unit}首报（线索“{first.title}”，{first.received_on:%Y-%m-%d}），"
                        "同一项目只算首报单位，这条线索不能再关联")
    lead.project = project_id
    lead.status = "已转化"
    lead.save()


def lead_stats(date_from: dt.date, date_to: dt.date) -> dict:
    """`leads` received, `forums` held and `forum_leads` (leads raised at forums) in the inclusive period."""
    in_period = (Lead.received_on >= date_from) & (Lead.received_on <= date_to)
    return {
        "leads": Lead.select().where(in_period).count(),
        "forums": Forum.select().where((Forum.held_on >= date_from) & (Forum.held_on <= date_to)).count(),
        "forum_leads": Lead.select().join(Forum, on=(Lead.forum == Forum.id))
        .where(in_period & (Forum.held_on >= date_from) & (Forum.held_on <= date_to)).count(),
    }
