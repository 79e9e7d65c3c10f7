"""Leadership-group meetings（集体决策）: the meeting, its attendees, the agenda, the decisions.

API (plain values in, dataclasses out; every change checks access.require_centre first):

    list_meetings()                              [MeetingRow], latest first
    meeting_detail(meeting_id)                   MeetingDetail (fields, attendees, agenda in order)
    resolve_meeting("latest" | "12")             a meeting id (for the command line)
    save_meeting(meeting_id | None, values, items)   the dialog's one call: fields, attendees, agenda
                                                 (order, additions, removals) and decisions at once
    create_meeting / update_meeting / delete_meeting
    add_item / remove_item / move_item / reorder_items / set_proposal
    record_decision(item_id, decision, conditions)   同意落地 / 不同意 / 暂缓 / 补充材料后再议, "" clears
    agenda_candidates()                          projects that can be put on an agenda

A decision flows back to its project on the meeting's date: 同意落地 records lifecycle step 7
（集体决策同意）, 不同意 adds the status 终止, 暂缓 the status 暂缓, 补充材料后再议 changes nothing.
Changing a decision later (or clearing it, removing the item, deleting the meeting, moving the
meeting to another day) first undoes what the previous decision did — the step 7 record it wrote
is removed, or the record it replaced is put back; the status change it added is deleted, which
restores the status before it — and then applies the new one. A step 7 record edited by hand
since the decision is left alone: the later edit wins.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN, Case, fn

from desktop.db import database
from desktop.errors import NotFoundError, UserError, ValidationError
from desktop.models import Company, LifecycleStep, Person, Project, StatusChange, StepRecord
from desktop.models.meeting import DECISIONS, AgendaItem, Meeting, MeetingAttendee
from desktop.services import access, lifecycle, projects

APPROVE, REJECT, POSTPONE, RECONSIDER = DECISIONS
STEP_DECISION = 7  # 集体决策同意
STATUS_OF_DECISION = {REJECT: "终止", POSTPONE: "暂缓"}
LATEST = "latest"
MAX_ITEMS = 500


# ---------------------------------------------------------------------------------------------
# What the screens and packs get


@dataclass(frozen=True)
class PersonRef:
    id: int
    name: str
    title: str

    @property
    def label(self) -> str:
        return f"{self.name}（{self.title}）" if self.title else self.name


@dataclass(frozen=True)
class AgendaItemInfo:
    id: int
    position: int  # 1-based
    project_id: int
    project_code: str
    project_name: str
    investor: str
    total_investment: Decimal | None  # 万元
    land_area: Decimal | None  # 亩
    stage_no: int
    status: str
    proposal: str
    decision: str  # "" before the meeting decided
    conditions: str
    decided_on: dt.date | None


@dataclass(frozen=True)
class MeetingDetail:
    id: int
    title: str
    number: int | None
    held_on: dt.date
    place: str
    chair_id: int | None
    chair_name: str
    chair_title: str
    attendees: list[PersonRef]
    note: str
    items: list[AgendaItemInfo]

    @property
    def decided_count(self) -> int:
        return sum(1 for item in self.items if item.decision)

    @property
    def decided(self) -> bool:
        return bool(self.items) and self.decided_count == len(self.items)


@dataclass(frozen=True)
class MeetingRow:
    id: int
    title: str
    number: int | None
    held_on: dt.date
    place: str
    chair_name: str
    item_count: int
    decided_count: int

    @property
    def decided_text(self) -> str:
        if not self.item_count:
            return "无议题"
        if self.decided_count == self.item_count:
            return "已决定"
        if self.decided_count:
            return f"部分决定（{self.decided_count}/{self.item_count}）"
        return "未决定"


@dataclass
class ItemInput:
    """One agenda line as the dialog holds it; `item_id` is None for a line added in the dialog."""

    project_id: int
    proposal: str = ""
    decision: str = ""
    conditions: str = ""
    item_id: int | None = None


@dataclass(frozen=True)
class ProjectChoice:
    id: int
    code: str
    name: str
    investor: str
    total_investment: Decimal | None
    stage_no: int
    status: str

    @property
    def awaiting_group(self) -> bool:
        """Passed the review（初审通过）and not yet decided by the group."""
        return self.stage_no == STEP_DECISION - 1 and self.status == "正常"


# ---------------------------------------------------------------------------------------------
# Reading


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _meeting(meeting_id: int) -> Meeting:
    meeting = Meeting.get_or_none(Meeting.id == meeting_id)
    if meeting is None:
        raise NotFoundError(f"没有编号为 {meeting_id} 的会议（可能已被删除）")
    return meeting


def _item(item_id: int) -> AgendaItem:
    item = AgendaItem.get_or_none(AgendaItem.id == item_id)
    if item is None:
        raise NotFoundError("议题不存在或已被删除")
    return item


def list_meetings() -> list[MeetingRow]:
    counts = {
        mid: (total, decided)
        for mid, total, decided in AgendaItem.select(
            AgendaItem.meeting,
            fn.COUNT(AgendaItem.id),
            fn.SUM(Case(None, [(AgendaItem.decision != "", 1)], 0)),
        )
        .group_by(AgendaItem.meeting)
        .tuples()
    }
    query = (
        Meeting.select(Meeting.id, Meeting.title, Meeting.number, Meeting.held_on, Meeting.place, Person.name)
        .join(Person, JOIN.LEFT_OUTER, on=(Meeting.chair == Person.id))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        .tuples()
    )
    rows = []
    for mid, title, number, held_on, place, chair in query:
        total, decided = counts.get(mid, (0, 0))
        rows.append(MeetingRow(mid, title, number, _as_date(held_on), place or "", chair or "", int(total or 0), int(decided or 0)))
    return rows


def agenda_items(meeting_id: int) -> list[AgendaItemInfo]:
    query = (
        AgendaItem.select(
            AgendaItem.id, AgendaItem.project, Project.code, Project.name, Company.name, Project.total_investment,
            Project.land_area, Project.stage_no, Project.status, AgendaItem.proposal, AgendaItem.decision,
            AgendaItem.conditions, AgendaItem.decided_on,
        )
        .join(Project, on=(AgendaItem.project == Project.id))
        .join(Company, JOIN.LEFT_OUTER, on=(Project.investor == Company.id))
        .where(AgendaItem.meeting == meeting_id)
        .order_by(AgendaItem.position, AgendaItem.id)
        .tuples()
    )
    items = []
    for position, row in enumerate(query, start=1):
        (iid, pid, code, name, investor, total, land, stage, status, proposal, decision, conditions, decided_on) = row
        items.append(AgendaItemInfo(
            iid, position, pid, code, name, investor or "", total, land, stage, status, proposal or "",
            decision or "", conditions or "", _as_date(decided_on),
        ))
    return items


def meeting_detail(meeting_id: int) -> MeetingDetail:
    meeting = _meeting(meeting_id)
    chair = Person.get_or_none(Person.id == meeting.chair_id) if meeting.chair_id else None
    attendees = [
        PersonRef(pid, name, title or "")
        for pid, name, title in MeetingAttendee.select(Person.id, Person.name, Person.title)
        .join(Person, on=(MeetingAttendee.person == Person.id))
        .where(MeetingAttendee.meeting == meeting.id)
        .order_by(MeetingAttendee.sort_order, MeetingAttendee.id)
        .tuples()
    ]
    return MeetingDetail(
        id=meeting.id, title=meeting.title, number=meeting.number, held_on=_as_date(meeting.held_on),
        place=meeting.place or "", chair_id=meeting.chair_id, chair_name=chair.name if chair else "",
        chair_title=chair.title if chair else "", attendees=attendees, note=meeting.note or "",
        items=agenda_items(meeting.id),
    )


def latest_meeting_id() -> int:
    meeting_id = Meeting.select(Meeting.id).order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(1).scalar()
    if meeting_id is None:
        raise NotFoundError("数据库里还没有任何领导小组会，请先在“领导小组会”页面新建会议")
    return meeting_id


def resolve_meeting(text: str | int) -> int:
    """"latest" (the latest by date) or a meeting's record id → the id; Chinese errors otherwise."""
    value = str(text).strip()
    if value.lower() == LATEST:
        return latest_meeting_id()
    if not value.isdigit():
        raise UserError(f"会议应为会议编号（数字）或 latest（最近一次）：“{value}”")
    meeting_id = int(value)
    if not Meeting.select().where(Meeting.id == meeting_id).exists():
        known = ", ".join(str(row.id) for row in list_meetings()[:10])
        hint = f"（现有会议编号：{known}）" if known else "（数据库里还没有任何会议）"
        raise NotFoundError(f"没有编号为 {meeting_id} 的会议{hint}")
    return meeting_id


def _choices(query) -> list[ProjectChoice]:
    return [ProjectChoice(pid, code, name, investor or "", total, stage, status)
            for pid, code, name, investor, total, stage, status in query.tuples()]


def _choice_query():
    return (
        Project.select(Project.id, Project.code, Project.name, Company.name, Project.total_investment,
                       Project.stage_no, Project.status)
        .join(Company, JOIN.LEFT_OUTER, on=(Project.investor == Company.id))
        .where(Project.status != "终止")
    )


def agenda_candidates(search: str = "", *, limit: int | None = 300) -> list[ProjectChoice]:
    """Projects that may be put on an agenda (all but 终止), those awaiting the group first, then
    by code; `search` matches name, pinyin initials, code or investor. At most `limit` (None: all)."""
    from desktop.services.text import normalise_name

    query = _choice_query()
    needle = (search or "").strip()
    if needle:
        norm = normalise_name(needle)
        query = query.where(
            Project.name.contains(needle) | Project.name_norm.contains(norm) | Project.code.contains(needle)
            | Project.name_initials.contains(needle.lower()) | Company.name.contains(needle)
        )
    awaiting = (Project.stage_no == STEP_DECISION - 1) & (Project.status == "正常")
    query = query.order_by(Case(None, [(awaiting, 0)], 1), Project.code)
    if limit is not None:
        query = query.limit(limit)
    return _choices(query)


def project_choices(project_ids) -> list[ProjectChoice]:
    """The given projects as the agenda shows them (in the order given; unknown ids left out)."""
    ids = list(project_ids)
    found = {c.id: c for c in _choices(_choice_query().where(Project.id.in_(ids or [0])))}
    return [found[pid] for pid in ids if pid in found]


def county_name() -> str:
    """The county of this installation ("将乐县招商服务中心" → "将乐县"); "" when it names none."""
    from desktop.services.database import installation_name

    name = installation_name()
    index = name.find("县")
    return name[: index + 1] if index > 0 else ""


def default_title(year: int, number: int) -> str:
    return f"{county_name()}招商引资工作领导小组{year}年第{number}次会议"


def next_number(year: int) -> int:
    """The next meeting number of `year`: one more than the highest used."""
    last = (
        Meeting.select(fn.MAX(Meeting.number))
        .where((Meeting.held_on >= dt.date(year, 1, 1)) & (Meeting.held_on <= dt.date(year, 12, 31)))
        .scalar()
    )
    return int(last or 0) + 1


def default_proposal(project_id: int) -> str:
    """What the centre usually proposes for a project: from its review when there is one."""
    try:
        from desktop.services import reviews
    except ImportError:  # the review feature is not installed
        reviews = None
    if reviews is not None:
        detail = reviews.latest_review_for_project(project_id)
        if detail is not None and detail.result == "通过":
            score = f"（评分 {detail.score} 分）" if detail.score is not None else ""
            return f"即时初审通过{score}，建议同意落地。"
        if detail is not None and detail.result == "补充材料":
            return "即时初审待补充材料，建议补充材料后再议。"
    stage = Project.select(Project.stage_no).where(Project.id == project_id).scalar() or 0
    if stage >= STEP_DECISION - 1:
        return "即时初审通过，建议同意落地。"
    return "提请会议研究。"


# ---------------------------------------------------------------------------------------------
# Validation


def validate_meeting(values: dict, *, today: dt.date | None = None) -> dict[str, str]:
    """Field → Chinese message for the meeting's own fields (title, number, held_on, place, chair)."""
    errors: dict[str, str] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = "请填写会议名称"
    elif len(title) > 200:
        errors["title"] = "会议名称不能超过 200 个字"
    number = values.get("number")
    if number is not None and (not isinstance(number, int) or number <= 0 or number > 999):
        errors["number"] = "会议次数应为 1–999 的整数"
    held_on = values.get("held_on")
    if not isinstance(held_on, dt.date):
        errors["held_on"] = "请填写会议日期"
    if len((values.get("place") or "").strip()) > 200:
        errors["place"] = "地点不能超过 200 个字"
    chair_id = values.get("chair_id")
    if chair_id is not None and not Person.select().where(Person.id == chair_id).exists():
        errors["chair_id"] = "所选组长不存在"
    attendee_ids = values.get("attendee_ids") or []
    if attendee_ids:
        found = {pid for (pid,) in Person.select(Person.id).where(Person.id.in_(list(attendee_ids))).tuples()}
        if set(attendee_ids) - found:
            errors["attendee_ids"] = "出席人员中有人已被删除，请重新选择"
    return errors


def _check_decision(decision: str) -> str:
    decision = (decision or "").strip()
    if decision and decision not in DECISIONS:
        raise UserError(f"会议决定应为 {'、'.join(DECISIONS)} 之一：“{decision}”")
    return decision


def _check_can_decide(meeting: Meeting, today: dt.date) -> None:
    held_on = _as_date(meeting.held_on)
    if held_on > today:
        raise UserError(
            f"会议日期 {held_on.isoformat()} 晚于今天，会议开过之后才能记录决定"
        )


# ---------------------------------------------------------------------------------------------
# What a decision does to its project, and undoing it


def _step_record(project_id: int) -> StepRecord | None:
    return (
        StepRecord.select()
        .join(LifecycleStep)
        .where((StepRecord.project == project_id) & (LifecycleStep.number == STEP_DECISION))
        .first()
    )


def _step_snapshot(record: StepRecord | None) -> str:
    if record is None:
        return ""
    return json.dumps({
        "done_on": _as_date(record.done_on).isoformat(),
        "not_applicable": bool(record.not_applicable),
        "unit_id": record.unit_id,
        "note": record.note or "",
    }, ensure_ascii=False)


def _decision_note(meeting: Meeting) -> str:
    return f"{meeting.title}同意落地"[:200]


def _apply(item: AgendaItem, meeting: Meeting, today: dt.date) -> None:
    """Make the item's decision (already set on it) flow to its project on the meeting's date."""
    held_on = _as_date(meeting.held_on)
    item.decided_on = held_on if item.decision else None
    item.step_recorded, item.step_before, item.status_change = False, "", None
    if item.decision == APPROVE:
        item.step_before = _step_snapshot(_step_record(item.project_id))
        lifecycle.record_step(item.project_id, STEP_DECISION, held_on, note=_decision_note(meeting), today=today)
        item.step_recorded = True
    elif item.decision in STATUS_OF_DECISION:
        reason = f"{meeting.title}决定{item.decision}"
        if item.conditions:
            reason += f"：{item.conditions}"
        projects.change_status(item.project_id, STATUS_OF_DECISION[item.decision], held_on, reason[:200], today=today)
        item.status_change = (
            StatusChange.select(fn.MAX(StatusChange.id)).where(StatusChange.project == item.project_id).scalar()
        )


def _undo(item: AgendaItem) -> None:
    """Take back what the item's current decision did to its project (nothing for 补充材料后再议)."""
    if item.step_recorded:
        record = _step_record(item.project_id)
        ours = record is not None and _as_date(record.done_on) == _as_date(item.decided_on) and not record.not_applicable
        if ours:
            before = json.loads(item.step_before) if item.step_before else None
            if before is None:
                lifecycle.undo_step(item.project_id, STEP_DECISION)
            else:
                day = dt.date.fromisoformat(before["done_on"])
                unit_id = before["unit_id"]
                if unit_id is not None and not _unit_exists(unit_id):
                    unit_id = None
                lifecycle.record_step(item.project_id, STEP_DECISION, day, unit_id=unit_id, note=before["note"],
                                      not_applicable=before["not_applicable"], today=max(day, dt.date.today()))
    if item.status_change_id is not None:
        StatusChange.delete().where(StatusChange.id == item.status_change_id).execute()
        Project.update(status=projects.current_status(item.project_id)).where(Project.id == item.project_id).execute()
    item.step_recorded, item.step_before, item.status_change, item.decided_on = False, "", None, None


def _unit_exists(unit_id: int) -> bool:
    from desktop.models import Unit

    return Unit.select().where(Unit.id == unit_id).exists()


_DECISION_FIELDS = ("decision", "conditions", "decided_on", "step_recorded", "step_before", "status_change")


def _set_decision(item: AgendaItem, meeting: Meeting, decision: str, conditions: str, today: dt.date) -> None:
    """Store a decision (undoing the previous one when it changes, or when the meeting moved)."""
    decision = _check_decision(decision)
    conditions = (conditions or "").strip()
    held_on = _as_date(meeting.held_on)
    same = decision == item.decision and (not decision or _as_date(item.decided_on) == held_on)
    if same:
        if conditions != (item.conditions or ""):
            item.conditions = conditions
            if item.status_change_id is not None:
                reason = f"{meeting.title}决定{item.decision}" + (f"：{conditions}" if conditions else "")
                StatusChange.update(reason=reason[:200], version=StatusChange.version + 1).where(
                    (StatusChange.id == item.status_change_id) & (StatusChange.reason != reason[:200])).execute()
            item.save()
        return
    if decision:
        _check_can_decide(meeting, today)
    _undo(item)
    item.decision, item.conditions = decision, conditions
    _apply(item, meeting, today)
    # All of them, always: deleting the old status change set the column to NULL behind the
    # model's back (ON DELETE SET NULL), and SQLite may hand the new change the same id.
    item.save(only=_DECISION_FIELDS)


# ---------------------------------------------------------------------------------------------
# Changing


def _write_fields(meeting: Meeting, values: dict) -> None:
    meeting.title = values["title"].strip()
    meeting.number = values.get("number")
    meeting.held_on = values["held_on"]
    meeting.place = (values.get("place") or "").strip()
    meeting.chair = values.get("chair_id")
    meeting.note = (values.get("note") or "").strip()


def _write_attendees(meeting_id: int, attendee_ids) -> None:
    wanted = list(dict.fromkeys(attendee_ids or []))
    MeetingAttendee.delete().where(
        (MeetingAttendee.meeting == meeting_id) & MeetingAttendee.person.not_in(wanted or [0])
    ).execute()
    existing = {row.person_id: row for row in MeetingAttendee.select().where(MeetingAttendee.meeting == meeting_id)}
    for order, person_id in enumerate(wanted, start=1):
        row = existing.get(person_id)
        if row is None:
            MeetingAttendee.create(meeting=meeting_id, person=person_id, sort_order=order)
        elif row.sort_order != order:
            row.sort_order = order
            row.save()


def _redate_decisions(meeting: Meeting, today: dt.date) -> None:
    """The meeting moved to another day: its decisions now count from the new date."""
    for item in AgendaItem.select().where((AgendaItem.meeting == meeting.id) & (AgendaItem.decision != "")):
        _set_decision(item, meeting, item.decision, item.conditions, today)


def create_meeting(values: dict, *, today: dt.date | None = None) -> int:
    return save_meeting(None, values, None, today=today)


def update_meeting(meeting_id: int, values: dict, *, today: dt.date | None = None) -> None:
    save_meeting(meeting_id, values, None, today=today)


def save_meeting(meeting_id: int | None, values: dict, items: list[ItemInput] | None,
                 *, today: dt.date | None = None) -> int:
    """Create or update a meeting with its attendees and, unless `items` is None, its whole agenda.

    `values`: title, number, held_on, place, chair_id, attendee_ids, note. `items` in agenda order;
    an existing item missing from the list is removed (its decision undone first). Everything is
    one transaction: on any error nothing is saved. Returns the meeting id.
    """
    access.require_centre()
    today = today or dt.date.today()
    errors = validate_meeting(values, today=today)
    if items is not None:
        seen: set[int] = set()
        for entry in items:
            if entry.project_id in seen:
                name = Project.select(Project.name).where(Project.id == entry.project_id).scalar() or entry.project_id
                errors["items"] = f"项目“{name}”在议程中出现了两次"
                break
            seen.add(entry.project_id)
        if len(items) > MAX_ITEMS:
            errors["items"] = f"一次会议最多 {MAX_ITEMS} 个议题"
        for entry in items:
            if entry.decision and entry.decision not in DECISIONS:
                errors["items"] = f"会议决定应为 {'、'.join(DECISIONS)} 之一"
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        if meeting_id is None:
            meeting = Meeting()
            _write_fields(meeting, values)
            meeting.save()
            moved = False
        else:
            meeting = _meeting(meeting_id)
            moved = _as_date(meeting.held_on) != values["held_on"]
            _write_fields(meeting, values)
            meeting.save()
        if "attendee_ids" in values:
            _write_attendees(meeting.id, values.get("attendee_ids"))
        if items is not None:
            _write_items(meeting, items, today)
        elif moved:
            _redate_decisions(meeting, today)
    return meeting.id


def _write_items(meeting: Meeting, items: list[ItemInput], today: dt.date) -> None:
    existing = {row.project_id: row for row in AgendaItem.select().where(AgendaItem.meeting == meeting.id)}
    wanted = {entry.project_id for entry in items}
    for project_id, row in existing.items():
        if project_id not in wanted:
            _undo(row)
            row.delete_instance()
    missing = [e.project_id for e in items if e.project_id not in existing]
    if missing:
        found = {pid for (pid,) in Project.select(Project.id).where(Project.id.in_(missing)).tuples()}
        if set(missing) - found:
            raise NotFoundError("议程中的项目有的已被删除，请刷新后重试")
    for position, entry in enumerate(items, start=1):
        row = existing.get(entry.project_id)
        if row is None:
            row = AgendaItem.create(meeting=meeting.id, project=entry.project_id, position=position,
                                    proposal=(entry.proposal or "").strip())
        else:
            changed = False
            if row.position != position:
                row.position, changed = position, True
            proposal = (entry.proposal or "").strip()
            if proposal != (row.proposal or ""):
                row.proposal, changed = proposal, True
            if changed:
                row.save()
        _set_decision(row, meeting, entry.decision, entry.conditions, today)


def delete_meeting(meeting_id: int) -> int:
    """Delete a meeting; the decisions it recorded are undone on their projects first.

    Returns how many decisions were undone."""
    access.require_centre()
    with database.atomic():
        meeting = _meeting(meeting_id)
        undone = 0
        for item in AgendaItem.select().where(AgendaItem.meeting == meeting.id):
            if item.decision:
                undone += 1
            _undo(item)
        meeting.delete_instance()
    return undone


def add_item(meeting_id: int, project_id: int, proposal: str | None = None) -> int:
    """Put a project on the agenda (at the end); returns the item id."""
    access.require_centre()
    with database.atomic():
        meeting = _meeting(meeting_id)
        project = Project.get_or_none(Project.id == project_id)
        if project is None:
            raise NotFoundError("项目不存在或已被删除")
        if AgendaItem.select().where((AgendaItem.meeting == meeting.id) & (AgendaItem.project == project_id)).exists():
            raise UserError(f"项目“{project.name}”已在这次会议的议程中")
        last = AgendaItem.select(fn.MAX(AgendaItem.position)).where(AgendaItem.meeting == meeting.id).scalar() or 0
        if proposal is None:
            proposal = default_proposal(project_id)
        item = AgendaItem.create(meeting=meeting.id, project=project_id, position=last + 1, proposal=proposal.strip())
    return item.id


def remove_item(item_id: int) -> None:
    """Take an item off the agenda; a decision it carries is undone on the project first."""
    access.require_centre()
    with database.atomic():
        item = _item(item_id)
        _undo(item)
        item.delete_instance()


def reorder_items(meeting_id: int, item_ids: list[int]) -> None:
    access.require_centre()
    with database.atomic():
        current = [i.id for i in AgendaItem.select(AgendaItem.id).where(AgendaItem.meeting == meeting_id)]
        if sorted(current) != sorted(item_ids):
            raise UserError("议程已被其他人修改，请刷新后重试")
        for position, item_id in enumerate(item_ids, start=1):
            AgendaItem.update(position=position).where(AgendaItem.id == item_id).execute()


def move_item(item_id: int, delta: int) -> None:
    """Move an item up (delta < 0) or down the agenda."""
    item = _item(item_id)
    ids = [i.id for i in agenda_items(item.meeting_id)]
    index = ids.index(item_id)
    target = max(0, min(len(ids) - 1, index + delta))
    if target == index:
        return
    ids.insert(target, ids.pop(index))
    reorder_items(item.meeting_id, ids)


def set_proposal(item_id: int, text: str) -> None:
    access.require_centre()
    item = _item(item_id)
    item.proposal = (text or "").strip()
    item.save()


def record_decision(item_id: int, decision: str, conditions: str = "", *, today: dt.date | None = None) -> None:
    """Record the meeting's decision on one item ("" clears it); see the module's docstring."""
    access.require_centre()
    today = today or dt.date.today()
    with database.atomic():
        item = _item(item_id)
        _set_decision(item, _meeting(item.meeting_id), decision, conditions, today)


def clear_decision(item_id: int) -> None:
    record_decision(item_id, "")


def decision_effect(decision: str) -> str:
    """What a decision will do to its project, in words (for the dialog)."""
    return {
        APPROVE: "记录流程第 7 步“集体决策同意”（会议日期）",
        REJECT: "项目状态改为“终止”（会议日期）",
        POSTPONE: "项目状态改为“暂缓”（会议日期）",
        RECONSIDER: "项目不变，待补充材料后再提交会议研究",
    }.get(decision, "")


@dataclass(frozen=True)
class MeetingOfProject:
    meeting_id: int
    title: str
    held_on: dt.date
    decision: str
    conditions: str


def meetings_of_project(project_id: int) -> list[MeetingOfProject]:
    """The meetings a project was on, by date (for its one-pager and form)."""
    query = (
        AgendaItem.select(Meeting.id, Meeting.title, Meeting.held_on, AgendaItem.decision, AgendaItem.conditions)
        .join(Meeting, on=(AgendaItem.meeting == Meeting.id))
        .where(AgendaItem.project == project_id)
        .order_by(Meeting.held_on, Meeting.id)
        .tuples()
    )
    return [MeetingOfProject(mid, title, _as_date(day), decision or "", conditions or "")
            for mid, title, day, decision, conditions in query]

