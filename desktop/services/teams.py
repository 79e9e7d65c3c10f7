"""专班: one team per project — create, edit, members, policy package, problems; the assignment view.

The team's leader is the project's 挂钩领导 (`Project.leader`): one field, read and written here for
both the project form and the team form. A project has at most one team: `create_team` says why
not in Chinese, and the database's unique key on `team.project_id` is the last line.

The assignment view lists every active project (not 终止) with its team's figures, and every person
with the teams they lead and join; people above the load threshold (setting `team.load_threshold`)
stand out. `assign_person` is what dropping a person on a project does.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import JOIN, IntegrityError, fn

from desktop.db import database
from desktop.errors import NotFoundError, UserError, ValidationError
from desktop.models import Person, Project, StepRecord, Unit
from desktop.models.team import (
    CLOSED_LABEL,
    DEPUTY_ROLE,
    LEADER_ROLE,
    MEMBER_ROLE,
    OPEN_LABEL,
    PolicyItem,
    Problem,
    Team,
    TeamMember,
    TeamPolicy,
)
from desktop.services.access import require_admin, require_edit
from desktop.services.database import get_setting, set_setting
from desktop.services.dates import format_date
from desktop.services.money import format_yi

SETTING_LOAD_THRESHOLD = "team.load_threshold"
DEFAULT_LOAD_THRESHOLD = 5
ROLES = (LEADER_ROLE, DEPUTY_ROLE, MEMBER_ROLE, "联络员", "牵头部门", "服务专员")
MEMBER_ROLES = tuple(role for role in ROLES if role not in (LEADER_ROLE, DEPUTY_ROLE))
INACTIVE_STATUS = "终止"  # a terminated project needs no team and loads nobody
ABOVE_YI_WAN = Decimal(10000)
MAX_PROBLEM_TEXT = 300


# --- plain values the views get ----------------------------------------------------------------
@dataclass(frozen=True)
class MemberItem:
    person_id: int
    name: str
    title: str
    unit_name: str
    role: str


@dataclass(frozen=True)
class ProblemItem:
    id: int | None
    text: str
    raised_on: dt.date
    owner_unit_id: int | None
    owner_unit_name: str
    due_on: dt.date | None
    closed: bool
    resolution: str
    closed_on: dt.date | None

    @property
    def status_label(self) -> str:
        return CLOSED_LABEL if self.closed else OPEN_LABEL

    def is_overdue(self, today: dt.date) -> bool:
        return not self.closed and self.due_on is not None and self.due_on < today


@dataclass(frozen=True)
class PolicyItemInfo:
    id: int
    name: str
    active: bool


@dataclass(frozen=True)
class TeamDetail:
    """Everything the team form shows. `team_id` is None for a project that has no team yet."""

    project_id: int
    project_code: str
    project_name: str
    project_is_key: bool
    team_id: int | None
    leader_id: int | None
    leader_name: str
    deputy_id: int | None
    deputy_name: str
    policy_text: str
    founded_on: dt.date | None
    members: list[MemberItem]
    policy_item_ids: list[int]
    problems: list[ProblemItem]

    def describe(self) -> str:
        """One line about the team, as the refusal of a second team quotes it."""
        parts = [f"组长 {self.leader_name or '（未定）'}", f"成员 {len(self.members) + (1 if self.deputy_id else 0)} 人"]
        if self.founded_on:
            parts.append(f"成立于 {format_date(self.founded_on)}")
        open_count = sum(1 for p in self.problems if not p.closed)
        parts.append(f"未销号问题 {open_count} 个")
        return "，".join(parts)


@dataclass(frozen=True)
class AssignmentRow:
    project_id: int
    code: str
    name: str
    total_wan: Decimal
    stage_no: int
    stage_label: str
    status: str
    is_key: bool
    responsible_unit_id: int | None
    responsible_unit_name: str
    leader_id: int | None
    leader_name: str
    team_id: int | None
    member_count: int  # people on the team besides the leader: the deputy and the members
    open_problems: int
    overdue_problems: int
    last_progress_on: dt.date | None

    @property
    def has_team(self) -> bool:
        return self.team_id is not None

    @property
    def key_without_team(self) -> bool:
        return self.is_key and self.team_id is None

    @property
    def total_yi_text(self) -> str:
        return format_yi(self.total_wan)

    @property
    def team_label(self) -> str:
        if self.team_id is not None:
            return "有专班"
        return "无专班（重点项目须成立）" if self.is_key else "无专班"


@dataclass(frozen=True)
class PersonLoad:
    person_id: int
    name: str
    title: str
    unit_name: str
    is_leader: bool
    led: int  # teams led: projects they are 挂钩领导 of that have a team
    joined: int  # teams joined as deputy or member
    overloaded: bool

    @property
    def total(self) -> int:
        return self.led + self.joined

    @property
    def label(self) -> str:
        return f"{self.name}（{self.title}）" if self.title else self.name


@dataclass
class AssignmentFilter:
    """What the filter bar above the assignment table chose; empty means 全部."""

    key_only: bool = False
    above_yi: bool = False
    stage: str = ""  # a stage label such as 签约 (see project_list.phase_steps)
    unit_id: int | None = None  # responsible unit
    without_team_only: bool = False
    phase_steps: dict[str, set[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class AssignOutcome:
    team_id: int
    created: bool
    message: str


# --- settings ---------------------------------------------------------------------------------
def load_threshold() -> int:
    """Above this many teams (led plus joined) a person stands out as overloaded."""
    text = get_setting(SETTING_LOAD_THRESHOLD, str(DEFAULT_LOAD_THRESHOLD))
    try:
        value = int(text)
    except ValueError:
        return DEFAULT_LOAD_THRESHOLD
    return value if value > 0 else DEFAULT_LOAD_THRESHOLD


def set_load_threshold(value: int) -> None:
    require_admin()
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"load_threshold": "负荷上限应为整数"}) from exc
    if not 1 <= number <= 99:
        raise ValidationError({"load_threshold": "负荷上限应在 1 到 99 个专班之间"})
    set_setting(SETTING_LOAD_THRESHOLD, str(number))


# --- reading ----------------------------------------------------------------------------------
def _project(project_id: int) -> Project:
    project = Project.get_or_none(Project.id == project_id)
    if project is None:
        raise NotFoundError("项目不存在或已被删除")
    return project


def _person_exists(person_id: int | None, label: str) -> None:
    if person_id is not None and not Person.select().where(Person.id == person_id).exists():
        raise NotFoundError(f"所选{label}不存在")


def team_id_for_project(project_id: int) -> int | None:
    return Team.select(Team.id).where(Team.project == project_id).scalar()


def team_detail(project_id: int) -> TeamDetail:
    """The team of a project as the form shows it (empty lists when it has none yet)."""
    project = _project(project_id)
    team = Team.get_or_none(Team.project == project_id)
    leader_name = project.leader.name if project.leader_id else ""
    if team is None:
        return TeamDetail(
            project.id, project.code, project.name, bool(project.is_key), None, project.leader_id, leader_name,
            None, "", "", None, [], [], [],
        )
    members = [
        MemberItem(pid, name, title or "", unit_name or "", role)
        for pid, name, title, unit_name, role in (
            TeamMember.select(Person.id, Person.name, Person.title, Unit.name, TeamMember.role)
            .join(Person, on=(TeamMember.person == Person.id))
            .join(Unit, JOIN.LEFT_OUTER, on=(Person.unit == Unit.id))
            .where(TeamMember.team == team.id)
            .order_by(TeamMember.id)
            .tuples()
        )
    ]
    policy_ids = [
        pid for (pid,) in TeamPolicy.select(TeamPolicy.policy_item).where(TeamPolicy.team == team.id).order_by(TeamPolicy.id).tuples()
    ]
    return TeamDetail(
        project.id, project.code, project.name, bool(project.is_key), team.id, project.leader_id, leader_name,
        team.deputy_id, team.deputy.name if team.deputy_id else "", team.policy_text, _as_date(team.founded_on),
        members, policy_ids, problems_of(team.id),
    )


def problems_of(team_id: int) -> list[ProblemItem]:
    query = (
        Problem.select(
            Problem.id, Problem.text, Problem.raised_on, Problem.owner_unit, Unit.name, Problem.due_on,
            Problem.closed, Problem.resolution, Problem.closed_on,
        )
        .join(Unit, JOIN.LEFT_OUTER, on=(Problem.owner_unit == Unit.id))
        .where(Problem.team == team_id)
        .order_by(Problem.closed, Problem.raised_on, Problem.id)
        .tuples()
    )
    return [
        ProblemItem(pid, text, _as_date(raised), unit_id, unit_name or "", _as_date(due), bool(closed), resolution or "", _as_date(closed_on))
        for pid, text, raised, unit_id, unit_name, due, closed, resolution, closed_on in query
    ]


def existing_team_message(project_id: int) -> str | None:
    """Why a project cannot get another team (None when it has none)."""
    detail = team_detail(project_id)
    if detail.team_id is None:
        return None
    return (
        f"项目“{detail.project_name}”（{detail.project_code}）已有专班：{detail.describe()}。"
        "一个项目只能有一个专班，请打开现有专班修改。"
    )


def check_can_create_team(project_id: int) -> None:
    """Raise the UserError `create_team` would raise, before a form is even opened."""
    project = _project(project_id)
    message = existing_team_message(project.id)
    if message:
        raise UserError(message)
    if project.status == INACTIVE_STATUS:
        raise UserError(f"项目“{project.name}”已终止，不再成立专班")


# --- writing: the team ------------------------------------------------------------------------
def _require_project_edit(project: Project) -> None:
    require_edit([project.responsible_unit_id, project.first_unit_id, project.township_id])


def create_team(
    project_id: int,
    *,
    deputy_id: int | None = None,
    policy_text: str = "",
    founded_on: dt.date | None = None,
    today: dt.date | None = None,
) -> int:
    """A new team for a project that has none; returns its id. Raises UserError with the reason
    when the project already has a team."""
    today = today or dt.date.today()
    project = _project(project_id)
    _require_project_edit(project)
    check_can_create_team(project_id)
    _person_exists(deputy_id, "副组长")
    if deputy_id is not None and deputy_id == project.leader_id:
        raise ValidationError({"deputy_id": "副组长不能与组长是同一人"})
    founded_on = founded_on or today
    if founded_on > today:
        raise ValidationError({"founded_on": "成立日期不能晚于今天"})
    try:
        with database.atomic():
            team = Team.create(project=project_id, deputy=deputy_id, policy_text=(policy_text or "").strip(), founded_on=founded_on)
    except IntegrityError as exc:
        # Another window (or PC) made one in between: the unique key refused the second.
        raise UserError(existing_team_message(project_id) or f"无法成立专班：{exc}") from exc
    return team.id


def _team(team_id: int) -> Team:
    team = Team.get_or_none(Team.id == team_id)
    if team is None:
        raise NotFoundError("专班不存在或已被删除")
    return team


def set_leader(project_id: int, person_id: int | None) -> None:
    """The project's 挂钩领导, who is also its team's 组长; leaves the member list if on it."""
    project = _project(project_id)
    _require_project_edit(project)
    _person_exists(person_id, "组长（挂钩领导）")
    with database.atomic():
        # Through save(): the project's version moves on, so a project form opened before this
        # change reports a conflict instead of silently putting the old leader back.
        project.leader = person_id
        project.save()
        team = Team.get_or_none(Team.project == project_id)
        if team is not None and person_id is not None:
            TeamMember.delete().where((TeamMember.team == team.id) & (TeamMember.person == person_id)).execute()
            if team.deputy_id == person_id:
                team.deputy = None
                team.save()


def update_team(team_id: int, *, deputy_id: int | None, policy_text: str, founded_on: dt.date | None, today: dt.date | None = None) -> None:
    today = today or dt.date.today()
    team = _team(team_id)
    project = _project(team.project_id)
    _require_project_edit(project)
    _person_exists(deputy_id, "副组长")
    if deputy_id is not None and deputy_id == project.leader_id:
        raise ValidationError({"deputy_id": "副组长不能与组长是同一人"})
    if founded_on is not None and founded_on > today:
        raise ValidationError({"founded_on": "成立日期不能晚于今天"})
    with database.atomic():
        team.deputy = deputy_id
        team.policy_text = (policy_text or "").strip()
        team.founded_on = founded_on
        team.save()
        if deputy_id is not None:
            TeamMember.delete().where((TeamMember.team == team_id) & (TeamMember.person == deputy_id)).execute()


def delete_team(team_id: int) -> None:
    """Dissolve a team with its members, policy package and problems (the GUI asks first)."""
    team = _team(team_id)
    _require_project_edit(_project(team.project_id))
    with database.atomic():
        # Explicit, so the result does not depend on the backend's ON DELETE support.
        Problem.delete().where(Problem.team == team_id).execute()
        TeamPolicy.delete().where(TeamPolicy.team == team_id).execute()
        TeamMember.delete().where(TeamMember.team == team_id).execute()
        Team.delete().where(Team.id == team_id).execute()


# --- members ----------------------------------------------------------------------------------
def add_member(team_id: int, person_id: int, role: str = MEMBER_ROLE) -> None:
    team = _team(team_id)
    project = _project(team.project_id)
    _require_project_edit(project)
    _person_exists(person_id, "人员")
    role = _member_role(role)
    name = Person.get_by_id(person_id).name
    if person_id == project.leader_id:
        raise UserError(f"{name} 已是该专班的组长（挂钩领导）")
    if person_id == team.deputy_id:
        raise UserError(f"{name} 已是该专班的副组长")
    existing = TeamMember.get_or_none((TeamMember.team == team_id) & (TeamMember.person == person_id))
    if existing is not None:
        raise UserError(f"{name} 已在该专班中（{existing.role}）")
    try:
        TeamMember.create(team=team_id, person=person_id, role=role)
    except IntegrityError as exc:  # pragma: no cover - guarded above; a concurrent writer
        raise UserError(f"{name} 已在该专班中") from exc


def remove_member(team_id: int, person_id: int) -> None:
    team = _team(team_id)
    _require_project_edit(_project(team.project_id))
    removed = TeamMember.delete().where((TeamMember.team == team_id) & (TeamMember.person == person_id)).execute()
    if not removed:
        raise NotFoundError("该人员不在这个专班中")


def set_member_role(team_id: int, person_id: int, role: str) -> None:
    team = _team(team_id)
    _require_project_edit(_project(team.project_id))
    role = _member_role(role)
    changed = TeamMember.update(role=role, updated_at=dt.datetime.now().replace(microsecond=0), version=TeamMember.version + 1).where(
        (TeamMember.team == team_id) & (TeamMember.person == person_id)
    ).execute()
    if not changed:
        raise NotFoundError("该人员不在这个专班中")


def _member_role(role: str) -> str:
    role = (role or "").strip() or MEMBER_ROLE
    if role in (LEADER_ROLE, DEPUTY_ROLE):
        raise UserError(f"“{role}”不是成员角色：组长是项目的挂钩领导，副组长单独设置")
    if len(role) > 32:
        raise UserError("角色名称不能超过 32 个字")
    return role


def assign_person(project_id: int, person_id: int, role: str = MEMBER_ROLE, *, today: dt.date | None = None) -> AssignOutcome:
    """Put a person on a project's team — what dropping a person on a project row does.

    The team is created (founded today) when the project has none. 组长 makes the person the
    project's 挂钩领导; 副组长 the deputy; any other role adds a member.
    """
    today = today or dt.date.today()
    project = _project(project_id)
    _person_exists(person_id, "人员")
    person_name = Person.get_by_id(person_id).name
    team_id = team_id_for_project(project_id)
    on_team = _role_on_team(project, team_id, person_id)
    if on_team:
        raise UserError(f"{person_name} 已在“{project.name}”的专班中（{on_team}）")
    created = False
    with database.atomic():
        if team_id is None:
            team_id = create_team(project_id, today=today)
            created = True
        if role == LEADER_ROLE:
            set_leader(project_id, person_id)
        elif role == DEPUTY_ROLE:
            team = _team(team_id)
            update_team(team_id, deputy_id=person_id, policy_text=team.policy_text, founded_on=_as_date(team.founded_on), today=today)
        else:
            add_member(team_id, person_id, role)
    what = "组长（挂钩领导）" if role == LEADER_ROLE else (role or MEMBER_ROLE)
    if created:
        message = f"“{project.name}”原无专班，已成立专班，{person_name} 任{what}"
    else:
        message = f"已把 {person_name} 加入“{project.name}”专班，任{what}"
    if role == LEADER_ROLE and project.leader_id not in (None, person_id):
        message += f"（原挂钩领导 {Person.get_by_id(project.leader_id).name} 不再挂钩该项目）"
    return AssignOutcome(team_id, created, message)


def _role_on_team(project: Project, team_id: int | None, person_id: int) -> str:
    if team_id is None:
        return ""
    if project.leader_id == person_id:
        return LEADER_ROLE
    team = _team(team_id)
    if team.deputy_id == person_id:
        return DEPUTY_ROLE
    return TeamMember.select(TeamMember.role).where((TeamMember.team == team_id) & (TeamMember.person == person_id)).scalar() or ""


# --- policy package ---------------------------------------------------------------------------
def list_policy_items(*, include_inactive: bool = False) -> list[PolicyItemInfo]:
    query = PolicyItem.select(PolicyItem.id, PolicyItem.name, PolicyItem.active).order_by(PolicyItem.sort_order, PolicyItem.id)
    if not include_inactive:
        query = query.where(PolicyItem.active == True)  # noqa: E712 - peewee expression
    return [PolicyItemInfo(pid, name, bool(active)) for pid, name, active in query.tuples()]


def add_policy_item(name: str) -> int:
    """A new entry of the policy list; an inactive entry of the same name comes back instead."""
    require_edit()
    name = (name or "").strip()
    if not name:
        raise ValidationError({"policy_name": "请填写政策名称"})
    if len(name) > 100:
        raise ValidationError({"policy_name": "政策名称不能超过 100 个字"})
    existing = PolicyItem.get_or_none(PolicyItem.name == name)
    if existing is not None:
        if existing.active:
            raise ValidationError({"policy_name": f"政策清单中已有“{name}”"})
        existing.active = True
        existing.save()
        return existing.id
    order = (PolicyItem.select(fn.MAX(PolicyItem.sort_order)).scalar() or 0) + 1
    return PolicyItem.create(name=name, sort_order=order).id


def set_policy_item_active(item_id: int, active: bool) -> None:
    """Retire (or bring back) a policy list entry; teams that picked it keep it."""
    require_admin()
    changed = PolicyItem.update(active=bool(active)).where(PolicyItem.id == item_id).execute()
    if not changed:
        raise NotFoundError("政策条目不存在")


def set_team_policies(team_id: int, policy_item_ids, policy_text: str | None = None) -> None:
    team = _team(team_id)
    _require_project_edit(_project(team.project_id))
    wanted = list(dict.fromkeys(int(i) for i in policy_item_ids))
    known = {pid for (pid,) in PolicyItem.select(PolicyItem.id).where(PolicyItem.id.in_(wanted)).tuples()} if wanted else set()
    if set(wanted) - known:
        raise NotFoundError("所选政策条目不存在")
    with database.atomic():
        TeamPolicy.delete().where(TeamPolicy.team == team_id).execute()
        for item_id in wanted:
            TeamPolicy.create(team=team_id, policy_item=item_id)
        if policy_text is not None:
            team.policy_text = policy_text.strip()
            team.save()


# --- problems ---------------------------------------------------------------------------------
def validate_problem(values: dict, *, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    text = (values.get("text") or "").strip()
    raised = values.get("raised_on")
    due = values.get("due_on")
    if not text:
        errors["text"] = "请填写问题内容"
    elif len(text) > MAX_PROBLEM_TEXT:
        errors["text"] = f"问题内容不能超过 {MAX_PROBLEM_TEXT} 个字"
    if raised is None:
        errors["raised_on"] = "请填写提出日期"
    elif raised > today:
        errors["raised_on"] = "提出日期不能晚于今天"
    if due is not None and raised is not None and due < raised:
        errors["due_on"] = "办结时限不能早于提出日期"
    if values.get("closed"):
        errors.update(_close_errors(values.get("resolution"), values.get("closed_on"), raised, today))
    return errors


def _close_errors(resolution, closed_on, raised_on, today) -> dict[str, str]:
    errors = {}
    if not (resolution or "").strip():
        errors["resolution"] = "销号须填写办结情况"
    if closed_on is None:
        errors["closed_on"] = "请填写销号日期"
    elif closed_on > today:
        errors["closed_on"] = "销号日期不能晚于今天"
    elif raised_on is not None and closed_on < raised_on:
        errors["closed_on"] = "销号日期不能早于提出日期"
    return errors


def add_problem(
    team_id: int,
    text: str,
    raised_on: dt.date,
    *,
    owner_unit_id: int | None = None,
    due_on: dt.date | None = None,
    today: dt.date | None = None,
) -> int:
    today = today or dt.date.today()
    team = _team(team_id)
    _require_project_edit(_project(team.project_id))
    errors = validate_problem({"text": text, "raised_on": raised_on, "due_on": due_on}, today=today)
    if errors:
        raise ValidationError(errors)
    if owner_unit_id is not None and not Unit.select().where(Unit.id == owner_unit_id).exists():
        raise NotFoundError("所选责任单位不存在")
    return Problem.create(team=team_id, text=text.strip(), raised_on=raised_on, owner_unit=owner_unit_id, due_on=due_on).id


def _problem(problem_id: int) -> Problem:
    problem = Problem.get_or_none(Problem.id == problem_id)
    if problem is None:
        raise NotFoundError("问题不存在或已被删除")
    _require_project_edit(_project(_team(problem.team_id).project_id))
    return problem


def close_problem(problem_id: int, resolution: str, closed_on: dt.date, *, today: dt.date | None = None) -> None:
    """销号: the problem is solved, with how and when."""
    today = today or dt.date.today()
    problem = _problem(problem_id)
    if problem.closed:
        raise UserError(f"该问题已于 {format_date(_as_date(problem.closed_on))} 销号")
    errors = _close_errors(resolution, closed_on, _as_date(problem.raised_on), today)
    if errors:
        raise ValidationError(errors)
    problem.closed = True
    problem.resolution = resolution.strip()
    problem.closed_on = closed_on
    problem.save()


def reopen_problem(problem_id: int) -> None:
    """Back to 未销号 (closed by mistake, or the problem came back); the resolution is kept as a note."""
    problem = _problem(problem_id)
    if not problem.closed:
        raise UserError("该问题尚未销号")
    problem.closed = False
    problem.closed_on = None
    problem.save()


def delete_problem(problem_id: int) -> None:
    problem = _problem(problem_id)
    problem.delete_instance()


# --- the team form's save: everything in one transaction --------------------------------------
def validate_team(values: dict, *, today: dt.date) -> dict[str, str]:
    """Field → message for the team form's values (see `save_team`)."""
    errors: dict[str, str] = {}
    leader = values.get("leader_id")
    deputy = values.get("deputy_id")
    if deputy is not None and deputy == leader:
        errors["deputy_id"] = "副组长不能与组长是同一人"
    founded = values.get("founded_on")
    if founded is not None and founded > today:
        errors["founded_on"] = "成立日期不能晚于今天"
    seen: set[int] = set()
    for person_id, role in values.get("members", []):
        if person_id in (leader, deputy):
            errors["members"] = "组长、副组长不必再列为成员"
        elif person_id in seen:
            errors["members"] = "同一人在成员中出现了两次"
        elif (role or "").strip() in (LEADER_ROLE, DEPUTY_ROLE):
            errors["members"] = "成员的角色不能是组长或副组长"
        seen.add(person_id)
    for number, problem in enumerate(values.get("problems", []), start=1):
        problem_errors = validate_problem(problem, today=today)
        if problem_errors:
            errors["problems"] = f"问题清单第 {number} 条：" + "；".join(problem_errors.values())
            break
    return errors


def save_team(project_id: int, values: dict, *, today: dt.date | None = None) -> int:
    """Save the team form: creates the team when the project has none; returns the team id.

    values: leader_id, deputy_id, founded_on, policy_text, members [(person_id, role)],
    policy_item_ids [id], problems [dict(id|None, text, raised_on, owner_unit_id, due_on, closed,
    resolution, closed_on)] — problems missing from the list are deleted.
    """
    today = today or dt.date.today()
    project = _project(project_id)
    _require_project_edit(project)
    errors = validate_team(values, today=today)
    if errors:
        raise ValidationError(errors)
    for person_id in [values.get("leader_id"), values.get("deputy_id"), *(p for p, _ in values.get("members", []))]:
        _person_exists(person_id, "人员")
    with database.atomic():
        team_id = team_id_for_project(project_id)
        if team_id is None:
            team_id = create_team(project_id, founded_on=values.get("founded_on"), today=today)
        if values.get("leader_id") != project.leader_id:
            set_leader(project_id, values.get("leader_id"))
        team = _team(team_id)
        team.deputy = values.get("deputy_id")
        team.policy_text = (values.get("policy_text") or "").strip()
        team.founded_on = values.get("founded_on")
        team.save()
        _sync_members(team_id, values.get("members", []))
        set_team_policies(team_id, values.get("policy_item_ids", []))
        _sync_problems(team_id, values.get("problems", []))
    return team_id


def _sync_members(team_id: int, members) -> None:
    wanted = {person_id: (role or "").strip() or MEMBER_ROLE for person_id, role in members}
    current = {pid: role for pid, role in TeamMember.select(TeamMember.person, TeamMember.role).where(TeamMember.team == team_id).tuples()}
    gone = set(current) - set(wanted)
    if gone:
        TeamMember.delete().where((TeamMember.team == team_id) & TeamMember.person.in_(gone)).execute()
    for person_id, role in wanted.items():
        if person_id not in current:
            TeamMember.create(team=team_id, person=person_id, role=role)
        elif current[person_id] != role:
            TeamMember.update(role=role).where((TeamMember.team == team_id) & (TeamMember.person == person_id)).execute()


def _sync_problems(team_id: int, problems) -> None:
    kept = {p["id"] for p in problems if p.get("id") is not None}
    stale = Problem.delete().where(Problem.team == team_id)
    if kept:
        stale = stale.where(Problem.id.not_in(kept))
    stale.execute()
    for values in problems:
        fields = dict(
            text=values["text"].strip(), raised_on=values["raised_on"], owner_unit=values.get("owner_unit_id"),
            due_on=values.get("due_on"), closed=bool(values.get("closed")),
            resolution=(values.get("resolution") or "").strip(),
            closed_on=values.get("closed_on") if values.get("closed") else None,
        )
        if values.get("id") is None:
            Problem.create(team=team_id, **fields)
        else:
            problem = Problem.get_or_none((Problem.id == values["id"]) & (Problem.team == team_id))
            if problem is None:
                raise NotFoundError("问题不存在或已被删除（可能在别处被删除了），请关闭后重新打开")
            changed = any(getattr(problem, name if name != "owner_unit" else "owner_unit_id") != value for name, value in fields.items())
            if changed:
                for name, value in fields.items():
                    setattr(problem, name, value)
                problem.save()


# --- the assignment view ----------------------------------------------------------------------
def assignment_rows(criteria: AssignmentFilter | None = None, *, today: dt.date | None = None) -> list[AssignmentRow]:
    """Every active project (not 终止) that passes the filter, with its team's figures, by code.

    Overdue means open with a due date before `today`; the last progress date is the latest step
    record or problem date (raised or closed) or the team's founding, not after `today`.
    """
    criteria = criteria or AssignmentFilter()
    today = today or dt.date.today()
    from desktop.services.lifecycle import stage_labels

    labels = stage_labels()
    query = (
        Project.select(
            Project.id, Project.code, Project.name, Project.total_investment, Project.stage_no, Project.status,
            Project.is_key, Project.responsible_unit, Project.leader,
        )
        .where(Project.status != INACTIVE_STATUS)
        .order_by(Project.code)
    )
    if criteria.key_only:
        query = query.where(Project.is_key == True)  # noqa: E712
    if criteria.above_yi:
        query = query.where(Project.total_investment >= ABOVE_YI_WAN)
    if criteria.unit_id is not None:
        query = query.where(Project.responsible_unit == criteria.unit_id)
    if criteria.stage:
        wanted = criteria.phase_steps.get(criteria.stage)
        if wanted is None:
            from desktop.services.project_list import phase_steps

            wanted = phase_steps().get(criteria.stage, set())
        query = query.where(Project.stage_no.in_(sorted(wanted) or [-1]))
    projects = list(query.tuples())

    units = dict(Unit.select(Unit.id, Unit.name).tuples())
    people = dict(Person.select(Person.id, Person.name).tuples())
    teams = {pid: (tid, deputy, _as_date(founded)) for tid, pid, deputy, founded in Team.select(Team.id, Team.project, Team.deputy, Team.founded_on).tuples()}
    members = dict(TeamMember.select(TeamMember.team, fn.COUNT(TeamMember.id)).group_by(TeamMember.team).tuples())
    open_counts: Counter = Counter()
    overdue_counts: Counter = Counter()
    problem_latest: dict[int, dt.date] = {}
    for team_id, closed, raised, due, closed_on in Problem.select(
        Problem.team, Problem.closed, Problem.raised_on, Problem.due_on, Problem.closed_on
    ).tuples():
        raised, due, closed_on = _as_date(raised), _as_date(due), _as_date(closed_on)
        if not closed:
            open_counts[team_id] += 1
            if due is not None and due < today:
                overdue_counts[team_id] += 1
        for day in (raised, closed_on):
            if day is not None and day <= today and day > problem_latest.get(team_id, dt.date.min):
                problem_latest[team_id] = day
    step_latest = {
        pid: _as_date(day)
        for pid, day in StepRecord.select(StepRecord.project, fn.MAX(StepRecord.done_on))
        .where(StepRecord.done_on <= today)
        .group_by(StepRecord.project)
        .tuples()
    }

    rows = []
    for pid, code, name, total, stage_no, status, is_key, unit_id, leader_id in projects:
        team_id, deputy_id, founded = teams.get(pid, (None, None, None))
        if criteria.without_team_only and team_id is not None:
            continue
        dates = [d for d in (step_latest.get(pid), problem_latest.get(team_id), founded if founded and founded <= today else None) if d]
        rows.append(
            AssignmentRow(
                project_id=pid, code=code, name=name, total_wan=total, stage_no=stage_no,
                stage_label=labels.get(stage_no, str(stage_no)), status=status, is_key=bool(is_key),
                responsible_unit_id=unit_id, responsible_unit_name=units.get(unit_id, ""),
                leader_id=leader_id, leader_name=people.get(leader_id, ""), team_id=team_id,
                member_count=(members.get(team_id, 0) + (1 if deputy_id else 0)) if team_id else 0,
                open_problems=open_counts.get(team_id, 0), overdue_problems=overdue_counts.get(team_id, 0),
                last_progress_on=max(dates) if dates else None,
            )
        )
    return rows


def people_loads(*, threshold: int | None = None) -> list[PersonLoad]:
    """Every active person with the teams (of active projects) they lead and join, busiest first."""
    threshold = threshold or load_threshold()
    led = Counter(
        leader for (leader,) in Project.select(Project.leader)
        .join(Team, on=(Team.project == Project.id))
        .where(Project.leader.is_null(False) & (Project.status != INACTIVE_STATUS))
        .tuples()
    )
    joined_teams: dict[int, set[int]] = {}
    active_team = (Team.select(Team.id, Team.deputy, Project.leader).join(Project, on=(Team.project == Project.id)).where(Project.status != INACTIVE_STATUS))
    leader_of = {}
    for team_id, deputy_id, leader_id in active_team.tuples():
        leader_of[team_id] = leader_id
        if deputy_id is not None and deputy_id != leader_id:
            joined_teams.setdefault(deputy_id, set()).add(team_id)
    for team_id, person_id in TeamMember.select(TeamMember.team, TeamMember.person).tuples():
        if team_id in leader_of and person_id != leader_of[team_id]:
            joined_teams.setdefault(person_id, set()).add(team_id)
    query = (
        Person.select(Person.id, Person.name, Person.title, Unit.name, Person.is_leader)
        .join(Unit, JOIN.LEFT_OUTER, on=(Person.unit == Unit.id))
        .where(Person.active == True)  # noqa: E712
        .order_by(Person.id)
        .tuples()
    )
    loads = []
    for pid, name, title, unit_name, is_leader in query:
        n_led, n_joined = led.get(pid, 0), len(joined_teams.get(pid, ()))
        loads.append(PersonLoad(pid, name, title or "", unit_name or "", bool(is_leader), n_led, n_joined, n_led + n_joined > threshold))
    loads.sort(key=lambda p: (-p.total, not p.is_leader, p.person_id))
    return loads


@dataclass(frozen=True)
class OverdueProblem:
    project_id: int
    project_code: str
    project_name: str
    problem_id: int
    text: str
    owner_unit_name: str
    due_on: dt.date
    days_overdue: int


def overdue_problems(today: dt.date | None = None) -> list[OverdueProblem]:
    """Open problems past their due date on active projects, longest overdue first (for warnings)."""
    today = today or dt.date.today()
    query = (
        Problem.select(Project.id, Project.code, Project.name, Problem.id, Problem.text, Unit.name, Problem.due_on)
        .join(Team, on=(Problem.team == Team.id))
        .join(Project, on=(Team.project == Project.id))
        .join(Unit, JOIN.LEFT_OUTER, on=(Problem.owner_unit == Unit.id))
        .where((Problem.closed == False) & (Problem.due_on < today) & (Project.status != INACTIVE_STATUS))  # noqa: E712
        .order_by(Problem.due_on, Project.code, Problem.id)
        .tuples()
    )
    return [
        OverdueProblem(pid, code, name, problem_id, text, unit_name or "", _as_date(due), (today - _as_date(due)).days)
        for pid, code, name, problem_id, text, unit_name, due in query
    ]


def summary_text(rows: list[AssignmentRow]) -> str:
    with_team = sum(1 for r in rows if r.has_team)
    key_missing = sum(1 for r in rows if r.key_without_team)
    overdue = sum(r.overdue_problems for r in rows)
    text = f"共 {len(rows)} 个项目，已成立专班 {with_team} 个，无专班 {len(rows) - with_team} 个"
    if key_missing:
        text += f"，其中重点项目无专班 {key_missing} 个"
    return text + f"；未销号问题 {sum(r.open_problems for r in rows)} 个，逾期 {overdue} 个"


# --- export and print -------------------------------------------------------------------------
PROJECT_HEADERS = ["项目编号", "项目名称", "总投资（亿元）", "当前阶段", "责任单位", "组长（挂钩领导）", "专班", "成员数", "未销号问题", "逾期问题", "最近进展"]
PEOPLE_HEADERS = ["姓名", "职务", "单位", "牵头专班", "参与专班", "合计", "负荷"]
NO_TEAM_FILL = "FFE0B2"  # orange: a project without a team
KEY_NO_TEAM_FILL = "FFCDD2"  # red: a key project without a team
OVERLOAD_FONT = "C62828"


def project_cells(row: AssignmentRow) -> list:
    return [
        row.code, row.name, row.total_wan, row.stage_label, row.responsible_unit_name, row.leader_name,
        row.team_label, row.member_count if row.has_team else "", row.open_problems, row.overdue_problems,
        row.last_progress_on,
    ]


def person_cells(person: PersonLoad, threshold: int) -> list:
    return [person.name, person.title, person.unit_name, person.led, person.joined, person.total,
            f"超过 {threshold} 个" if person.overloaded else ""]


def export_assignment(
    out_path, criteria: AssignmentFilter | None = None, *, today: dt.date | None = None, progress=None, title: str = "专班配备"
) -> int:
    """The assignment view as a workbook: sheet 专班配备 (projects) and 人员负荷 (people); returns
    the number of project rows. Projects without a team are orange, key ones red and bold."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from desktop.services.excel_export import DATE_FORMAT, YI_FORMAT, check_progress, check_target, column_width, save_atomically

    check_target(out_path)
    today = today or dt.date.today()
    rows = assignment_rows(criteria, today=today)
    threshold = load_threshold()
    people = people_loads(threshold=threshold)
    installation = get_setting("installation_name", "")
    wb = Workbook()
    ws = wb.active
    ws.title = "专班配备"
    ws.append([heading_text(installation, title, len(rows), today)])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(PROJECT_HEADERS))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(PROJECT_HEADERS)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
    for number, row in enumerate(rows, start=1):
        cells = project_cells(row)
        cells[2] = float(format_yi(row.total_wan).replace(",", ""))
        ws.append(cells)
        excel_row = ws.max_row
        ws.cell(excel_row, 3).number_format = YI_FORMAT
        ws.cell(excel_row, 11).number_format = DATE_FORMAT
        if not row.has_team:
            fill = PatternFill("solid", fgColor=KEY_NO_TEAM_FILL if row.is_key else NO_TEAM_FILL)
            for cell in ws[excel_row]:
                cell.fill = fill
                if row.is_key:
                    cell.font = Font(bold=True, color=OVERLOAD_FONT)
        if row.overdue_problems:
            ws.cell(excel_row, 10).font = Font(bold=True, color=OVERLOAD_FONT)
        if number % 200 == 0:
            check_progress(progress, number, len(rows))
    ws.append([])
    ws.append([summary_text(rows)])
    for column, name in enumerate(PROJECT_HEADERS, start=1):
        sample = [name, *(str(project_cells(r)[column - 1] or "") for r in rows[:500])]
        ws.column_dimensions[get_column_letter(column)].width = column_width(sample)
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(PROJECT_HEADERS))}{len(rows) + 2}"

    sheet = wb.create_sheet("人员负荷")
    sheet.append([f"人员负荷（牵头、参与专班数；超过 {threshold} 个为负荷过重）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(PEOPLE_HEADERS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(PEOPLE_HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    for person in people:
        sheet.append(person_cells(person, threshold))
        if person.overloaded:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True, color=OVERLOAD_FONT)
    for column, name in enumerate(PEOPLE_HEADERS, start=1):
        sample = [name, *(str(person_cells(p, threshold)[column - 1]) for p in people)]
        sheet.column_dimensions[get_column_letter(column)].width = column_width(sample)
    sheet.freeze_panes = "A3"
    check_progress(progress, len(rows), len(rows))
    save_atomically(wb, out_path)
    return len(rows)


def print_assignment(out_path, criteria: AssignmentFilter | None = None, as_of: dt.date | None = None, *, progress=None) -> int:
    """The assignment view as an A4 landscape PDF: the projects table (no team shaded, key
    projects without a team in red), then the people who are on a team; returns the page count."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import TableStyle

    from desktop.services import pdf

    as_of = as_of or dt.date.today()
    rows = assignment_rows(criteria, today=as_of)
    threshold = load_threshold()
    people = [p for p in people_loads(threshold=threshold) if p.total]
    installation = get_setting("installation_name", "")
    story = [
        pdf.paragraph("专班配备情况表", "title"),
        pdf.paragraph(f"{installation}　截至 {format_date(as_of)}", "subtitle"),
        pdf.paragraph(summary_text(rows) + "。", "body"),
    ]
    widths = [w * mm for w in (24, 62, 10, 16, 16, 27, 17, 24, 11, 13, 11, 24)]
    body = []
    for row in rows:
        team_cells = [row.member_count, row.open_problems, row.overdue_problems] if row.has_team else ["—", "—", "—"]
        body.append([
            row.code, row.name, "是" if row.is_key else "", row.total_yi_text, row.stage_label, row.responsible_unit_name,
            row.leader_name, "有" if row.has_team else ("无（须成立）" if row.is_key else "无"), *team_cells,
            format_date(row.last_progress_on),
        ])
    headers = ["项目编号", "项目名称", "重点", "总投资（亿元）", "阶段", "责任单位", "组长", "专班", "成员", "未销号问题", "逾期", "最近进展"]
    table = pdf.data_table(headers, body, widths, align=[None, None, "center", "right", "center", None, None, "center", "right", "right", "right", "center"])
    commands = []
    for number, row in enumerate(rows, start=1):
        if not row.has_team:
            commands.append(("BACKGROUND", (0, number), (-1, number), colors.HexColor("#" + (KEY_NO_TEAM_FILL if row.is_key else NO_TEAM_FILL))))
    if commands:
        table.setStyle(TableStyle(commands))
    story.append(table)
    story.append(pdf.paragraph("底色橙色为无专班，红色为重点项目无专班；逾期指办结时限已过仍未销号的问题。", "small"))
    story.append(pdf.heading("人员负荷", 1))
    story.append(pdf.paragraph(f"牵头、参与专班合计超过 {threshold} 个的人员标注“负荷过重”。", "body"))
    people_rows = [[p.name, p.title, p.unit_name, p.led, p.joined, p.total, "负荷过重" if p.overloaded else ""] for p in people]
    people_table = pdf.data_table(PEOPLE_HEADERS, people_rows, [w * mm for w in (30, 60, 50, 22, 22, 22, 30)],
                                  align=[None, None, None, "right", "right", "right", "center"])
    overloaded = [("TEXTCOLOR", (0, n), (-1, n), colors.HexColor("#" + OVERLOAD_FONT)) for n, p in enumerate(people, start=1) if p.overloaded]
    if overloaded:
        people_table.setStyle(TableStyle(overloaded))
    story.append(people_table)
    return pdf.build_pdf(out_path, story, title="专班配备情况表", header_text=f"{installation} 专班配备情况表",
                         landscape=True, progress=progress)


def heading_text(installation: str, title: str, count: int, as_of: dt.date) -> str:
    return f"{installation} {title}（截至 {format_date(as_of)}，共 {count} 个项目）".strip()


def _as_date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def default_export_name(today: dt.date | None = None, suffix: str = ".xlsx") -> str:
    today = today or dt.date.today()
    return f"专班配备_{today:%Y%m%d}{suffix}"
