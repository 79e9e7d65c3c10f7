"""Leadership-group meetings: the agenda, decisions flowing to steps and statuses, and undoing them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.errors import NotFoundError, UserError, ValidationError
from desktop.models import Project, StatusChange
from desktop.models.meeting import AgendaItem, Meeting, MeetingAttendee
from desktop.services import lifecycle, meetings, projects, reference
from desktop.services.meetings import ItemInput

DAY = dt.date(2022, 3, 18)
TODAY = dt.date(2022, 9, 1)


@pytest.fixture
def world(fresh_db):
    """Three projects that passed the review, a chair and two attendees."""
    units = {u.name: u.id for u in reference.list_units()}
    chair = reference.save_person({"name": "林志远", "title": "县委书记", "is_leader": True})
    mayor = reference.save_person({"name": "陈建华", "title": "县长", "is_leader": True})
    head = reference.save_person({"name": "罗国栋", "title": "主任", "unit_id": units["县商务局"]})
    ids = {}
    for name, total in (("居然之家", 30000), ("年产2万吨有机硅生产线", 50000), ("年产3万吨钛白粉精细化加工", 30000)):
        pid = projects.create_project(
            {"name": name, "investor_name": f"{name}投资有限公司", "total_investment": Decimal(total),
             "responsible_unit_id": units["将乐经济开发区"], "first_unit_id": units["县商务局"], "leader_id": mayor},
            today=TODAY,
        )
        for step in range(1, 7):
            lifecycle.record_step(pid, step, dt.date(2022, 1, 1) + dt.timedelta(days=step * 5), today=TODAY)
        ids[name] = pid
    return {"projects": ids, "chair": chair, "mayor": mayor, "head": head}


def values(world, **changes):
    base = {
        "title": "将乐县招商引资工作领导小组2022年第1次会议", "number": 1, "held_on": DAY,
        "place": "县行政服务中心三楼会议室", "chair_id": world["chair"],
        "attendee_ids": [world["mayor"], world["head"]], "note": "",
    }
    base.update(changes)
    return base


def new_meeting(world, names=None, **changes) -> int:
    names = names if names is not None else list(world["projects"])
    items = [ItemInput(world["projects"][n], proposal=f"建议同意{n}落地") for n in names]
    return meetings.save_meeting(None, values(world, **changes), items, today=TODAY)


def item_of(meeting_id: int, name: str):
    return next(i for i in meetings.meeting_detail(meeting_id).items if i.project_name == name)


def stage_and_status(project_id: int) -> tuple[int, str]:
    project = Project.get_by_id(project_id)
    return project.stage_no, project.status


# --- the meeting and its agenda --------------------------------------------------------------


def test_a_meeting_keeps_its_fields_attendees_and_agenda_in_order(world):
    mid = new_meeting(world)
    detail = meetings.meeting_detail(mid)
    assert detail.title == "将乐县招商引资工作领导小组2022年第1次会议"
    assert (detail.number, detail.held_on, detail.place) == (1, DAY, "县行政服务中心三楼会议室")
    assert detail.chair_name == "林志远" and detail.chair_title == "县委书记"
    assert [p.name for p in detail.attendees] == ["陈建华", "罗国栋"]
    assert [i.project_name for i in detail.items] == list(world["projects"])
    assert [i.position for i in detail.items] == [1, 2, 3]
    assert detail.items[0].proposal == "建议同意居然之家落地"
    assert not detail.decided and detail.decided_count == 0
    row = meetings.list_meetings()[0]
    assert (row.item_count, row.decided_count, row.decided_text) == (3, 0, "未决定")


def test_reorder_add_and_remove_items(world):
    mid = new_meeting(world, ["居然之家", "年产2万吨有机硅生产线"])
    ids = [i.id for i in meetings.meeting_detail(mid).items]
    meetings.move_item(ids[1], -1)
    assert [i.project_name for i in meetings.meeting_detail(mid).items] == ["年产2万吨有机硅生产线", "居然之家"]
    meetings.move_item(ids[1], -1)  # already first: nothing happens
    new = meetings.add_item(mid, world["projects"]["年产3万吨钛白粉精细化加工"])
    detail = meetings.meeting_detail(mid)
    assert detail.items[-1].id == new and detail.items[-1].proposal  # a default proposal is filled in
    with pytest.raises(UserError, match="已在这次会议的议程中"):
        meetings.add_item(mid, world["projects"]["居然之家"])
    meetings.remove_item(ids[0])
    assert [i.project_name for i in meetings.meeting_detail(mid).items] == ["年产2万吨有机硅生产线", "年产3万吨钛白粉精细化加工"]
    meetings.reorder_items(mid, [new, ids[1]])
    assert [i.id for i in meetings.meeting_detail(mid).items] == [new, ids[1]]
    with pytest.raises(UserError, match="刷新"):
        meetings.reorder_items(mid, [new])


def test_saving_the_agenda_from_the_dialog_reorders_adds_and_removes(world):
    p = world["projects"]
    mid = new_meeting(world, ["居然之家", "年产2万吨有机硅生产线"])
    first = item_of(mid, "居然之家")
    items = [ItemInput(p["年产3万吨钛白粉精细化加工"], "新议题"), ItemInput(p["居然之家"], "改过的建议", item_id=first.id)]
    meetings.save_meeting(mid, values(world, attendee_ids=[world["head"]]), items, today=TODAY)
    detail = meetings.meeting_detail(mid)
    assert [(i.project_name, i.proposal) for i in detail.items] == [("年产3万吨钛白粉精细化加工", "新议题"), ("居然之家", "改过的建议")]
    assert item_of(mid, "居然之家").id == first.id  # the same row, not a new one
    assert [a.name for a in detail.attendees] == ["罗国栋"]


def test_validation_messages_are_chinese_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as caught:
        meetings.save_meeting(None, values(world, title=" ", held_on=None, number=0), [], today=TODAY)
    assert set(caught.value.errors) == {"title", "held_on", "number"}
    pid = world["projects"]["居然之家"]
    with pytest.raises(ValidationError, match="出现了两次"):
        meetings.save_meeting(None, values(world), [ItemInput(pid), ItemInput(pid)], today=TODAY)
    assert Meeting.select().count() == 0


def test_resolve_meeting_by_id_and_latest(world):
    with pytest.raises(NotFoundError, match="还没有任何领导小组会"):
        meetings.resolve_meeting("latest")
    first = new_meeting(world, [])
    second = new_meeting(world, [], title="第2次", number=2, held_on=dt.date(2022, 5, 20))
    new_meeting(world, [], title="更早补录的会议", number=3, held_on=dt.date(2022, 1, 5))
    assert meetings.resolve_meeting("latest") == second
    assert meetings.resolve_meeting(str(first)) == first
    with pytest.raises(NotFoundError, match="没有编号为 999 的会议"):
        meetings.resolve_meeting("999")
    with pytest.raises(UserError, match="latest"):
        meetings.resolve_meeting("第三次")


def test_default_title_and_next_number(world):
    assert meetings.default_title(2022, 3) == "将乐县招商引资工作领导小组2022年第3次会议"
    assert meetings.next_number(2022) == 1
    new_meeting(world, [], number=2)
    assert meetings.next_number(2022) == 3
    assert meetings.next_number(2023) == 1


# --- decisions flow to the projects ----------------------------------------------------------


def test_approval_records_step_7_on_the_meeting_date(world):
    mid = new_meeting(world)
    pid = world["projects"]["居然之家"]
    meetings.record_decision(item_of(mid, "居然之家").id, "同意落地", "按约定容积率建设", today=TODAY)
    row = next(r for r in lifecycle.project_step_rows(pid) if r.number == 7)
    assert row.done_on == DAY and "第1次会议" in row.note
    assert stage_and_status(pid) == (7, "正常")
    item = item_of(mid, "居然之家")
    assert (item.decision, item.conditions, item.decided_on) == ("同意落地", "按约定容积率建设", DAY)


@pytest.mark.parametrize(("decision", "status"), [("不同意", "终止"), ("暂缓", "暂缓")])
def test_rejection_and_postponement_change_the_status_on_the_meeting_date(world, decision, status):
    mid = new_meeting(world)
    pid = world["projects"]["年产3万吨钛白粉精细化加工"]
    meetings.record_decision(item_of(mid, "年产3万吨钛白粉精细化加工").id, decision, "工艺不符合要求", today=TODAY)
    assert stage_and_status(pid) == (6, status)
    change = projects.latest_status_change(pid)
    assert (change.status, change.changed_on) == (status, DAY)
    assert "工艺不符合要求" in change.reason and "第1次会议" in change.reason
    assert projects.status_on(pid, DAY - dt.timedelta(days=1)) == "正常"


def test_supplement_and_reconsider_changes_nothing(world):
    mid = new_meeting(world)
    pid = world["projects"]["年产2万吨有机硅生产线"]
    before = (lifecycle.project_records(pid), StatusChange.select().count())
    meetings.record_decision(item_of(mid, "年产2万吨有机硅生产线").id, "补充材料后再议", "补充安评材料", today=TODAY)
    assert (lifecycle.project_records(pid), StatusChange.select().count()) == before
    assert item_of(mid, "年产2万吨有机硅生产线").decision == "补充材料后再议"


def test_changing_a_decision_undoes_what_the_previous_one_did(world):
    mid = new_meeting(world)
    pid = world["projects"]["居然之家"]
    item_id = item_of(mid, "居然之家").id
    meetings.record_decision(item_id, "同意落地", today=TODAY)
    assert stage_and_status(pid) == (7, "正常")
    meetings.record_decision(item_id, "暂缓", "等待规划调整", today=TODAY)
    assert stage_and_status(pid) == (6, "暂缓")  # step 7 taken back, status 暂缓
    assert 7 not in {n for n, _, _ in lifecycle.project_records(pid)}
    meetings.record_decision(item_id, "不同意", today=TODAY)
    assert stage_and_status(pid) == (6, "终止")
    assert [c.status for c in projects.status_history(pid)] == ["终止"]  # the 暂缓 is gone, not stacked
    meetings.record_decision(item_id, "补充材料后再议", today=TODAY)
    assert stage_and_status(pid) == (6, "正常")
    assert projects.status_history(pid) == []
    meetings.record_decision(item_id, "同意落地", today=TODAY)
    meetings.clear_decision(item_id)
    assert stage_and_status(pid) == (6, "正常") and item_of(mid, "居然之家").decision == ""


def test_undo_restores_a_step_7_recorded_before_the_decision(world):
    pid = world["projects"]["居然之家"]
    earlier = dt.date(2022, 2, 1)
    lifecycle.record_step(pid, 7, earlier, note="上次会议已同意", today=TODAY)
    mid = new_meeting(world)
    item_id = item_of(mid, "居然之家").id
    meetings.record_decision(item_id, "同意落地", today=TODAY)
    assert next(r for r in lifecycle.project_step_rows(pid) if r.number == 7).done_on == DAY
    meetings.record_decision(item_id, "补充材料后再议", today=TODAY)
    row = next(r for r in lifecycle.project_step_rows(pid) if r.number == 7)
    assert (row.done_on, row.note) == (earlier, "上次会议已同意")


def test_a_step_7_edited_by_hand_since_the_decision_is_left_alone(world):
    mid = new_meeting(world)
    pid = world["projects"]["居然之家"]
    item_id = item_of(mid, "居然之家").id
    meetings.record_decision(item_id, "同意落地", today=TODAY)
    lifecycle.record_step(pid, 7, dt.date(2022, 3, 20), note="按纪要更正日期", today=TODAY)
    meetings.clear_decision(item_id)
    assert next(r for r in lifecycle.project_step_rows(pid) if r.number == 7).done_on == dt.date(2022, 3, 20)


def test_a_later_status_change_survives_undoing_the_decision(world):
    mid = new_meeting(world)
    pid = world["projects"]["年产3万吨钛白粉精细化加工"]
    item_id = item_of(mid, "年产3万吨钛白粉精细化加工").id
    meetings.record_decision(item_id, "暂缓", today=TODAY)
    projects.change_status(pid, "正常", dt.date(2022, 5, 1), "恢复推进", today=TODAY)
    projects.change_status(pid, "终止", dt.date(2022, 7, 1), "投资方退出", today=TODAY)
    meetings.clear_decision(item_id)
    assert [c.status for c in projects.status_history(pid)] == ["正常", "终止"]
    assert stage_and_status(pid) == (6, "终止")


def test_moving_the_meeting_moves_its_decisions(world):
    mid = new_meeting(world)
    p = world["projects"]
    meetings.record_decision(item_of(mid, "居然之家").id, "同意落地", today=TODAY)
    meetings.record_decision(item_of(mid, "年产3万吨钛白粉精细化加工").id, "暂缓", today=TODAY)
    later = dt.date(2022, 3, 25)
    meetings.update_meeting(mid, values(world, held_on=later), today=TODAY)
    assert next(r for r in lifecycle.project_step_rows(p["居然之家"]) if r.number == 7).done_on == later
    history = projects.status_history(p["年产3万吨钛白粉精细化加工"])
    assert [(c.status, c.changed_on) for c in history] == [("暂缓", later)]
    assert item_of(mid, "居然之家").decided_on == later


def test_no_decision_for_a_meeting_not_yet_held(world):
    mid = new_meeting(world, held_on=dt.date(2022, 10, 1))
    with pytest.raises(UserError, match="会议开过之后才能记录决定"):
        meetings.record_decision(item_of(mid, "居然之家").id, "同意落地", today=TODAY)
    assert stage_and_status(world["projects"]["居然之家"]) == (6, "正常")
    assert item_of(mid, "居然之家").decision == ""


def test_an_unknown_decision_is_refused(world):
    mid = new_meeting(world)
    with pytest.raises(UserError, match="同意落地、不同意、暂缓、补充材料后再议"):
        meetings.record_decision(item_of(mid, "居然之家").id, "原则同意", today=TODAY)


def test_decisions_saved_from_the_dialog_flow_and_a_failure_saves_nothing(world):
    p = world["projects"]
    mid = new_meeting(world)
    detail = meetings.meeting_detail(mid)
    items = [ItemInput(i.project_id, i.proposal, item_id=i.id) for i in detail.items]
    items[0].decision, items[0].conditions = "同意落地", "三年内投产"
    items[2].decision = "不同意"
    meetings.save_meeting(mid, values(world), items, today=TODAY)
    assert stage_and_status(p["居然之家"]) == (7, "正常")
    assert stage_and_status(p["年产3万吨钛白粉精细化加工"]) == (6, "终止")
    row = meetings.list_meetings()[0]
    assert row.decided_text == "部分决定（2/3）"
    # Moving the meeting into the future with decisions on it fails as a whole.
    with pytest.raises(UserError, match="会议开过之后"):
        meetings.save_meeting(mid, values(world, held_on=dt.date(2023, 1, 1), place="别处"), items, today=TODAY)
    assert meetings.meeting_detail(mid).place == "县行政服务中心三楼会议室"
    assert stage_and_status(p["居然之家"]) == (7, "正常")


def test_removing_a_decided_item_or_deleting_the_meeting_undoes_its_decisions(world):
    p = world["projects"]
    mid = new_meeting(world)
    meetings.record_decision(item_of(mid, "居然之家").id, "同意落地", today=TODAY)
    meetings.record_decision(item_of(mid, "年产3万吨钛白粉精细化加工").id, "暂缓", today=TODAY)
    meetings.remove_item(item_of(mid, "居然之家").id)
    assert stage_and_status(p["居然之家"]) == (6, "正常")
    assert meetings.delete_meeting(mid) == 1
    assert stage_and_status(p["年产3万吨钛白粉精细化加工"]) == (6, "正常")
    assert Meeting.select().count() == AgendaItem.select().count() == MeetingAttendee.select().count() == 0


def test_deleting_a_project_takes_it_off_the_agenda(world):
    mid = new_meeting(world)
    projects.delete_project(world["projects"]["居然之家"])
    assert [i.project_name for i in meetings.meeting_detail(mid).items] == ["年产2万吨有机硅生产线", "年产3万吨钛白粉精细化加工"]


def test_candidates_put_projects_awaiting_the_group_first(world):
    p = world["projects"]
    other = projects.create_project({"name": "血灵芝加工", "total_investment": Decimal(3000)}, today=TODAY)
    lifecycle.record_step(other, 1, dt.date(2022, 1, 3), today=TODAY)
    gone = projects.create_project({"name": "已终止项目", "total_investment": Decimal(3000)}, today=TODAY)
    projects.change_status(gone, "终止", dt.date(2022, 2, 1), today=TODAY)
    choices = meetings.agenda_candidates()
    names = [c.name for c in choices]
    assert "已终止项目" not in names
    assert set(names[:3]) == set(p) and names[3] == "血灵芝加工"
    assert [c.name for c in meetings.agenda_candidates("钛白粉")] == ["年产3万吨钛白粉精细化加工"]
    assert [c.name for c in meetings.agenda_candidates("xlz")] == ["血灵芝加工"]  # pinyin initials
    assert [c.name for c in meetings.agenda_candidates("有机硅生产线投资")] == ["年产2万吨有机硅生产线"]  # investor
    assert len(meetings.agenda_candidates(limit=2)) == 2
    assert [c.name for c in meetings.project_choices([other, p["居然之家"], 9999])] == ["血灵芝加工", "居然之家"]
    assert meetings.meetings_of_project(p["居然之家"]) == []
    mid = new_meeting(world)
    meetings.record_decision(item_of(mid, "居然之家").id, "补充材料后再议", "补充交通评价", today=TODAY)
    (seen,) = meetings.meetings_of_project(p["居然之家"])
    assert (seen.meeting_id, seen.decision, seen.conditions) == (mid, "补充材料后再议", "补充交通评价")


def test_changes_ask_for_centre_rights(world, monkeypatch):
    from desktop.services import access

    def refuse():
        raise access.PermissionDenied("只有招商中心可以修改会议")

    monkeypatch.setattr(access, "require_centre", refuse)
    with pytest.raises(access.PermissionDenied):
        new_meeting(world)
    assert Meeting.select().count() == 0
