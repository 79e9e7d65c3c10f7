"""Leads: the first-reporting unit owns them, forums enter them in one go, conversion credits steps 1–2 once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.errors import UserError, ValidationError
from desktop.models import Project, StepRecord, Unit
from desktop.models.leads import Lead
from desktop.services import leads
from desktop.services.leads import FollowUpItem, ForumItem, LeadItem, XiangxianItem

TODAY = dt.date(2022, 8, 25)


@pytest.fixture
def units(fresh_db):
    return {u.name: u.id for u in Unit.select()}


def _lead(units, **kw):
    values = dict(id=None, title="年产5万吨可降解环保产品", source_type="客商", first_unit_id=units["水南镇"],
                  received_on=dt.date(2022, 3, 4), investor_name="福建某环保科技有限公司", industry="新材料")
    values.update(kw)
    return LeadItem(**values)


def test_lead_is_saved_and_its_first_unit_is_fixed(units):
    lead_id = leads.save_lead(_lead(units), today=TODAY)
    item = leads.get_lead(lead_id, today=TODAY)
    assert item.first_unit == "水南镇" and item.status == "新线索"
    item.first_unit_id = units["县商务局"]
    # No user logged in acts as the file's administrator, who may correct it …
    leads.save_lead(item, today=TODAY)
    assert leads.get_lead(lead_id).first_unit == "县商务局"


def test_first_unit_change_refused_for_non_administrators(units, monkeypatch):
    from desktop.services import access

    lead_id = leads.save_lead(_lead(units), today=TODAY)

    def deny():
        raise access.PermissionDenied("只有管理员可以更正")

    monkeypatch.setattr(access, "require_admin", deny)
    item = leads.get_lead(lead_id)
    item.first_unit_id = units["县商务局"]
    with pytest.raises(ValidationError) as refused:
        leads.save_lead(item, today=TODAY)
    assert "首报单位（水南镇）保存后不能更改" in refused.value.errors["first_unit"]
    assert Lead.get_by_id(lead_id).first_unit_id == units["水南镇"]


def test_lead_validation_messages(units):
    with pytest.raises(ValidationError) as bad:
        leads.save_lead(_lead(units, title=" ", source_type="朋友", received_on=dt.date(2022, 9, 1), grade="D"), today=TODAY)
    assert set(bad.value.errors) == {"title", "source_type", "received_on", "grade"}
    assert Lead.select().count() == 0


def test_response_deadline_is_one_working_day(units):
    friday = dt.date(2022, 3, 4)
    assert leads.response_due(friday) == dt.date(2022, 3, 7)  # Monday
    late = leads.save_lead(_lead(units, received_on=friday), today=dt.date(2022, 3, 8))
    assert leads.get_lead(late, today=dt.date(2022, 3, 8)).response_overdue
    on_time = leads.save_lead(_lead(units, received_on=friday, responded_on=dt.date(2022, 3, 7)), today=TODAY)
    assert not leads.get_lead(on_time, today=TODAY).response_overdue


def test_follow_up_moves_a_new_lead_to_following(units):
    lead_id = leads.save_lead(_lead(units), today=TODAY)
    leads.add_follow_up(lead_id, FollowUpItem(dt.date(2022, 3, 10), "王科长", "电话对接，企业有意考察",
                                              "安排实地考察", dt.date(2022, 3, 20)))
    item = leads.get_lead(lead_id)
    assert item.status == "跟进中" and item.last_follow_up == dt.date(2022, 3, 10) and item.next_on == dt.date(2022, 3, 20)
    with pytest.raises(ValidationError):
        leads.add_follow_up(lead_id, FollowUpItem(dt.date(2022, 3, 10), "王科长", "", "", dt.date(2022, 3, 1)))


def test_forum_batch_entry_is_all_or_nothing(units):
    person = leads.save_xiangxian(XiangxianItem(None, "廖先生", units["水南镇"], city="厦门", company="厦门某科技"))
    forum_id = leads.save_forum(ForumItem(None, "2022年春节乡贤座谈会", dt.date(2022, 2, 5), place="县会议中心",
                                          organiser_id=units["县商务局"], attendee_ids=[person]))
    rows = [
        {"title": "高精密电子元器件", "first_unit_id": units["水南镇"], "estimated_investment": "1.2亿元", "xiangxian_id": person},
        {},  # an empty grid line is skipped
        {"title": "", "first_unit_id": units["水南镇"]},
        {"title": "竹木精深加工", "estimated_investment": "很多"},
    ]
    with pytest.raises(ValidationError) as bad:
        leads.add_forum_leads(forum_id, rows, today=TODAY)
    assert set(bad.value.errors) == {"第 3 行", "第 4 行"}
    assert "预计投资" in bad.value.errors["第 4 行"]
    assert Lead.select().count() == 0
    ids = leads.add_forum_leads(forum_id, [rows[0], {"title": "竹木精深加工"}], today=TODAY)
    assert len(ids) == 2
    first, second = (leads.get_lead(i) for i in ids)
    assert first.estimated_investment == Decimal(12000) and first.forum == "2022年春节乡贤座谈会"
    assert first.received_on == dt.date(2022, 2, 5) and first.source_type == "乡贤座谈会"
    assert second.first_unit == "县商务局"  # the organiser reports what nobody else claimed
    forum = leads.list_forums()[0]
    assert forum.leads == 2 and forum.attendee_ids == [person]
    assert leads.list_xiangxian()[0].forums == 1
    stats = leads.lead_stats(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    assert stats == {"leads": 2, "forums": 1, "forum_leads": 2}


def test_convert_to_project_credits_steps_1_and_2_to_the_first_unit_once(units):
    lead_id = leads.save_lead(_lead(units, responded_on=dt.date(2022, 3, 7)), today=TODAY)
    with pytest.raises(ValidationError) as missing:
        leads.convert_to_project(lead_id, {}, today=TODAY)
    assert "总投资" in missing.value.errors["total_investment"]
    project_id = leads.convert_to_project(lead_id, {"total_investment": Decimal(12000),
                                                    "responsible_unit_id": units["将乐经济开发区"]}, today=TODAY)
    project = Project.get_by_id(project_id)
    assert project.name == "年产5万吨可降解环保产品" and project.first_unit_id == units["水南镇"]
    assert project.total_investment == Decimal(12000) and project.investor.name == "福建某环保科技有限公司"
    steps = {(r.step.number, r.done_on, r.unit_id) for r in StepRecord.select().where(StepRecord.project == project_id)}
    assert steps == {(1, dt.date(2022, 3, 4), units["水南镇"]), (2, dt.date(2022, 3, 7), units["水南镇"])}
    assert leads.get_lead(lead_id).status == "已转化" and leads.get_lead(lead_id).project_code == project.code
    with pytest.raises(UserError, match="已转为项目"):
        leads.convert_to_project(lead_id, {"total_investment": Decimal(1)}, today=TODAY)
    # The same project reported by a second unit: it keeps the first.
    other = leads.save_lead(_lead(units, first_unit_id=units["县商务局"], received_on=dt.date(2022, 3, 9)), today=TODAY)
    with pytest.raises(UserError, match="已由水南镇首报"):
        leads.link_to_project(other, project_id)
    assert StepRecord.select().where(StepRecord.project == project_id).count() == 2
