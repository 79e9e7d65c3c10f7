"""Demo data for 专班: a team for the key projects, with members, a policy package and problems.

Two recent key projects are left without a team on purpose, so the demo shows the warning a key
project without a team gets. Problems are placed around 30 June 2022 (the reference period's last
day): some closed（已销号）, some open and overdue, some open and not yet due. Nothing here touches
the projects, so the reference figures stay as they are. Deterministic (a fixed seed).
"""

from __future__ import annotations

import datetime as dt
import random

from desktop.models import Person, Project, StepRecord, Unit
from desktop.models.team import PolicyItem, Problem, Team, TeamMember, TeamPolicy

DEMO_ORDER = 10

AS_OF = dt.date(2022, 6, 30)
SEED = 20220630 + 10

# Key projects left without a team (recently entered; the team is still being formed).
WITHOUT_TEAM = ("年产5万吨可降解环保产品", "铁皮石斛种植二期")
# Not key, but the county gave them a team anyway.
EXTRA_TEAMS = ("血灵芝加工", "高频电子变压器")

CENTRE_STAFF = ("杨思远", "蔡晓敏", "叶志强", "肖雅琴")  # 联络员 of most teams: the busiest people
TASK_FORCE = ("邓建新", "魏振宇", "曾丽华", "彭永福")
DEPARTMENT_PEOPLE = ("余春生", "苏晓燕", "汤卫国", "何伟东", "童美玲", "温建平", "江海涛")

POLICY_TEXTS = [
    "按《将乐县招商引资若干优惠政策》执行；一事一议事项报县招商引资工作领导小组研究。",
    "享受县重点项目“绿色通道”，审批事项并联办理、容缺受理。",
    "按投资协议约定兑现奖补，由责任单位按季度跟踪兑现进度。",
]

# (problem, owner unit, how it was solved)
PROBLEMS = [
    ("用地报批指标尚未落实，需省厅统筹", "县自然资源局", "已纳入省级重点项目用地保障，指标落实"),
    ("项目用电需新建 110kV 线路接入", "县发改局", "供电公司已出具接入方案，线路开工建设"),
    ("环评报告书待省生态环境厅审批", "县生态环境局", "已取得环评批复"),
    ("天然气管网尚未通达园区", "县住建局", "燃气公司已完成支线敷设并通气"),
    ("厂区周边道路红线需调整", "县住建局", "规划调整方案经县规委会通过"),
    ("员工宿舍等生活配套不足", "将乐经济开发区", "园区人才公寓调配 40 套"),
    ("银行贷款审批进度慢，需协调融资", "县财政局", "组织银企对接会，授信 8000 万元"),
    ("施工图审查意见待回复", "县住建局", "设计单位已修改，审查合格"),
    ("林地使用审批未完成", "县林业局", "已取得使用林地审核同意书"),
    ("排污权指标需县里协调", "县生态环境局", "通过排污权交易解决"),
    ("安全评价专家评审待组织", "县应急管理局", "专家评审会已召开，通过评审"),
    ("施工许可办理时限偏长", "县行政服务中心", "实行容缺受理，5 个工作日办结"),
    ("设备进口关税减免政策咨询", "县商务局", "已协助企业申报减免"),
    ("节能审查需补充用能测算", "县发改局", "补充材料后通过节能审查"),
    ("当地用工招聘困难", "县工信局", "人社部门组织专场招聘会，招聘 120 人"),
]


def populate_demo() -> None:
    rng = random.Random(SEED)
    people = {name: pid for pid, name in Person.select(Person.id, Person.name).tuples()}
    units = {name: uid for uid, name in Unit.select(Unit.id, Unit.name).tuples()}
    unit_people: dict[int, list[int]] = {}
    for pid, unit_id, is_leader in Person.select(Person.id, Person.unit, Person.is_leader).tuples():
        if unit_id is not None and not is_leader:
            unit_people.setdefault(unit_id, []).append(pid)
    policies = [pid for (pid,) in PolicyItem.select(PolicyItem.id).order_by(PolicyItem.sort_order).tuples()]
    first_step = dict(
        StepRecord.select(StepRecord.project, StepRecord.done_on).order_by(StepRecord.done_on.desc()).tuples()
    )  # the earliest record wins (later ones are overwritten)

    projects = list(
        Project.select(Project.id, Project.name, Project.is_key, Project.leader, Project.responsible_unit)
        .where((Project.status != "终止") & ((Project.is_key == True) | Project.name.in_(EXTRA_TEAMS)))  # noqa: E712
        .order_by(Project.code)
        .tuples()
    )
    for number, (project_id, name, _is_key, leader_id, unit_id) in enumerate(projects):
        if name in WITHOUT_TEAM:
            continue
        started = _as_date(first_step.get(project_id)) or dt.date(2021, 6, 1)
        founded = min(started + dt.timedelta(days=rng.randint(10, 40)), dt.date(2022, 5, 31))
        own = [pid for pid in unit_people.get(unit_id, []) if pid != leader_id]
        deputy = own[number % len(own)] if own else people["罗国栋"]
        team = Team.create(
            project=project_id, deputy=deputy, founded_on=founded,
            policy_text=POLICY_TEXTS[number % len(POLICY_TEXTS)],
        )
        members: list[tuple[int, str]] = [(people[CENTRE_STAFF[number % 2]], "联络员")]
        if number % 3 == 0:
            members.append((people[CENTRE_STAFF[2 + number % 2]], "服务专员"))
        if number % 2 == 0:
            members.append((people[TASK_FORCE[number // 2 % len(TASK_FORCE)]], "成员"))
        members.append((people[DEPARTMENT_PEOPLE[number % len(DEPARTMENT_PEOPLE)]], "牵头部门" if not own else "成员"))
        seen = {leader_id, deputy}
        for person_id, role in members:
            if person_id not in seen:
                seen.add(person_id)
                TeamMember.create(team=team, person=person_id, role=role)
        for item in rng.sample(policies, rng.randint(2, 4)):
            TeamPolicy.create(team=team, policy_item=item)
        _problems(rng, team, founded, units, number)


def _problems(rng: random.Random, team: Team, founded: dt.date, units: dict, number: int) -> None:
    """One to four problems: closed ones, and open ones both overdue and not yet due on 30 June."""
    count = 1 + number % 4
    for index, (text, unit_name, resolution) in enumerate(rng.sample(PROBLEMS, count)):
        raised = _between(rng, max(founded, dt.date(2022, 1, 4)), dt.date(2022, 6, 10))
        kind = (number + index) % 3  # 0 closed, 1 open and overdue, 2 open, due after 30 June
        if kind == 1:
            due = _between(rng, raised + dt.timedelta(days=5), max(raised + dt.timedelta(days=5), AS_OF - dt.timedelta(days=3)))
            due = min(due, AS_OF - dt.timedelta(days=1))
            if due < raised:
                due = raised
        elif kind == 2:
            due = _between(rng, AS_OF + dt.timedelta(days=10), dt.date(2022, 9, 30))
        else:
            due = raised + dt.timedelta(days=rng.randint(15, 45))
        closed_on = min(raised + dt.timedelta(days=rng.randint(7, 40)), AS_OF) if kind == 0 else None
        Problem.create(
            team=team, text=text, raised_on=raised, owner_unit=units.get(unit_name), due_on=due,
            closed=kind == 0, resolution=resolution if kind == 0 else "", closed_on=closed_on,
        )


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
