"""Demo data for 集体决策: the county's three leadership-group meetings of 2022.

- 第1次 (18 March) and 第2次 (15 April) were held and their decisions recorded: projects that passed
  the review then are agreed（同意落地; their step 7 is re-dated to the meeting day, which lies
  between their steps 6 and 8, so the lifecycle stays in order); 居然之家, 有机硅, 钛白粉 and
  later 酒石酸 are sent back for more material（补充材料后再议）; 中医药康养园 is put on hold（暂缓）
  — the 暂缓 already in its history on that day is the meeting's decision.
- 第3次 (30 August) has the four projects awaiting the group on its agenda, undecided: the briefing
  pack is what the centre prints for it.
Nothing here moves a date that `stats` counts (入库, 签约, 开工) nor adds a status change, so the
reference figures stay exactly as they are. Deterministic: the agreed projects are chosen by rule.
"""

from __future__ import annotations

import datetime as dt

from desktop.models import LifecycleStep, Person, Project, StatusChange, StepRecord
from desktop.models.meeting import AgendaItem
from desktop.services import meetings
from desktop.services.meetings import ItemInput

DEMO_ORDER = 50

AS_OF = dt.date(2022, 8, 31)
CHAIR = "林志远"  # 县委书记, 组长
MEMBERS = ["陈建华", "张国平", "郑文斌", "谢永强", "邱丽萍", "廖振华"]
UNIT_HEADS = ["罗国栋", "何伟东", "范志明", "余春生", "苏晓燕", "温建平", "汤卫国", "朱红梅", "潘志华"]
PLACES = ["县行政服务中心三楼会议室", "县委大院二号楼第一会议室", "县行政服务中心三楼会议室"]

AWAITING = ["居然之家", "年产6000吨食品添加剂酒石酸", "年产2万吨有机硅生产线", "年产3万吨钛白粉精细化加工"]

# (project, conditions) sent back at meeting 1 and 2.
RECONSIDER_1 = [
    ("居然之家", "请补充商业业态规划、交通影响评价和对县城现有商贸业态的影响分析后再提交会议研究。"),
    ("年产2万吨有机硅生产线", "请补充安全预评价、能耗测算及园区危化品管理方案后再提交会议研究。"),
    ("年产3万吨钛白粉精细化加工", "请补充生产工艺说明（不得采用硫酸法新建产能）及环境影响初步分析后再提交会议研究。"),
]
RECONSIDER_2 = [
    ("年产6000吨食品添加剂酒石酸", "请补充原料来源、产品销售意向协议及用地规划条件后再提交会议研究。"),
]
POSTPONED_2 = ("中医药康养园", "市场行情变化，投资方暂缓决策；待投资方明确后重新提交。")

APPROVAL_CONDITIONS = [
    "按投资协议约定的投资强度和亩均税收建设，签约后 6 个月内开工。",
    "严格落实环评、安评“三同时”要求，由责任单位牵头组建项目专班跟踪服务。",
    "用地按“标准地”出让，达产后亩均税收不低于协议约定。",
    "同意享受县招商引资优惠政策，奖补按协议分期兑现。",
    "由责任单位跟踪协议履约，按月报送项目进展。",
]

PROPOSAL_3 = {
    "居然之家": "已按第1次会议要求补充商业业态规划和交通影响评价，建议同意落地。",
    "年产6000吨食品添加剂酒石酸": "已补充原料来源和销售意向协议，建议同意落地。",
    "年产2万吨有机硅生产线": "已补充安全预评价和能耗测算，建议同意落地，并按危化品管理要求建设。",
    "年产3万吨钛白粉精细化加工": "采用氯化法精细化加工工艺，不属限制类；建议同意落地。",
}


def _people() -> dict[str, int]:
    return {name: pid for pid, name in Person.select(Person.id, Person.name).tuples()}


def _project_id(name: str) -> int | None:
    return Project.select(Project.id).where(Project.name == name).scalar()


def _step_dates() -> dict[int, dict[int, dt.date]]:
    dates: dict[int, dict[int, dt.date]] = {}
    query = StepRecord.select(StepRecord.project, LifecycleStep.number, StepRecord.done_on).join(LifecycleStep).tuples()
    for project_id, number, day in query:
        dates.setdefault(project_id, {})[number] = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10])
    return dates


def _agreed_candidates(day: dt.date, taken: set[int], count: int) -> list[int]:
    """Projects the group could have agreed on `day`: review passed before it, framework agreement
    after it, 正常 throughout — the largest first."""
    dates = _step_dates()
    chosen = []
    query = (
        Project.select(Project.id, Project.total_investment)
        .where((Project.stage_no >= 8) & (Project.status == "正常") & Project.id.not_in(
            StatusChange.select(StatusChange.project)))
        .order_by(Project.total_investment.desc(), Project.code)
        .tuples()
    )
    for project_id, _total in query:
        steps = dates.get(project_id, {})
        if project_id in taken or 6 not in steps or 8 not in steps or 7 not in steps:
            continue
        if steps[6] <= day <= steps[8]:
            chosen.append(project_id)
        if len(chosen) == count:
            break
    return chosen


def _attendees(people: dict[str, int]) -> list[int]:
    return [people[name] for name in MEMBERS + UNIT_HEADS if name in people]


def _meeting_values(number: int, day: dt.date, people: dict[str, int]) -> dict:
    return {
        "title": meetings.default_title(2022, number),
        "number": number,
        "held_on": day,
        "place": PLACES[number - 1],
        "chair_id": people.get(CHAIR),
        "attendee_ids": _attendees(people),
        "note": "",
    }


def populate_demo() -> None:
    people = _people()
    taken: set[int] = set()

    # 第1次: five agreed, three sent back for more material.
    day1 = dt.date(2022, 3, 18)
    agreed1 = _agreed_candidates(day1, taken, 5)
    taken.update(agreed1)
    items1 = [ItemInput(pid, meetings.default_proposal(pid), meetings.APPROVE, APPROVAL_CONDITIONS[i % 5])
              for i, pid in enumerate(agreed1)]
    for name, conditions in RECONSIDER_1:
        pid = _project_id(name)
        if pid is not None:
            items1.append(ItemInput(pid, "即时初审通过，提请会议研究。", meetings.RECONSIDER, conditions))
    meetings.save_meeting(None, _meeting_values(1, day1, people), items1, today=AS_OF)

    # 第2次: five agreed, 酒石酸 sent back, 中医药康养园 put on hold.
    day2 = dt.date(2022, 4, 15)
    agreed2 = _agreed_candidates(day2, taken, 5)
    taken.update(agreed2)
    items2 = [ItemInput(pid, meetings.default_proposal(pid), meetings.APPROVE, APPROVAL_CONDITIONS[(i + 2) % 5])
              for i, pid in enumerate(agreed2)]
    for name, conditions in RECONSIDER_2:
        pid = _project_id(name)
        if pid is not None:
            items2.append(ItemInput(pid, "即时初审通过，提请会议研究。", meetings.RECONSIDER, conditions))
    meeting2 = meetings.save_meeting(None, _meeting_values(2, day2, people), items2, today=AS_OF)
    _adopt_postponement(meeting2, day2)

    # 第3次: the four awaiting the group, not yet decided.
    day3 = dt.date(2022, 8, 30)
    items3 = []
    for name in AWAITING:
        pid = _project_id(name)
        if pid is not None:
            items3.append(ItemInput(pid, PROPOSAL_3[name]))
    meetings.save_meeting(None, _meeting_values(3, day3, people), items3, today=AS_OF)


def _adopt_postponement(meeting_id: int, day: dt.date) -> None:
    """中医药康养园 was put on hold on the meeting's day: record that as the meeting's decision,
    linked to the status change already in its history (no second 暂缓)."""
    name, conditions = POSTPONED_2
    project_id = _project_id(name)
    if project_id is None:
        return
    change = StatusChange.get_or_none((StatusChange.project == project_id) & (StatusChange.status == "暂缓")
                                      & (StatusChange.changed_on == day))
    if change is None:
        return
    position = AgendaItem.select().where(AgendaItem.meeting == meeting_id).count() + 1
    AgendaItem.create(meeting=meeting_id, project=project_id, position=position,
                      proposal="投资方提出暂缓，提请会议研究。", decision=meetings.POSTPONE, conditions=conditions,
                      decided_on=day, status_change=change.id)
