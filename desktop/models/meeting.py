"""Leadership-group meetings（领导小组会）: the meeting, who attended, and its agenda of projects.

An agenda item carries the proposal put to the meeting and, afterwards, the decision and its
conditions. What a decision did to the project (a lifecycle step 7 record, a dated status change)
is remembered on the item, so that changing or clearing the decision undoes exactly that.
"""

from __future__ import annotations

import peewee

from desktop.models.base import BaseModel, now
from desktop.models.project import Project, StatusChange
from desktop.models.reference import Person

DECISIONS = ("同意落地", "不同意", "暂缓", "补充材料后再议")


class Meeting(BaseModel):
    title = peewee.CharField(max_length=200)
    number = peewee.IntegerField(null=True)  # 第 N 次 (of its year)
    held_on = peewee.DateField(index=True)
    place = peewee.CharField(max_length=200, default="")
    chair = peewee.ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")  # 组长
    note = peewee.TextField(default="")
    created_at = peewee.DateTimeField(default=now)

    field_labels = {"title": "会议名称", "number": "次数", "held_on": "会议日期", "place": "地点", "chair": "组长",
                    "note": "备注"}

    class Meta:
        table_name = "meeting"


class MeetingAttendee(BaseModel):
    meeting = peewee.ForeignKeyField(Meeting, backref="attendees", on_delete="CASCADE")
    person = peewee.ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    sort_order = peewee.IntegerField(default=0)

    field_labels = {"meeting": "会议", "person": "出席人员"}

    class Meta:
        table_name = "meeting_attendee"
        indexes = ((("meeting", "person"), True),)


class AgendaItem(BaseModel):
    meeting = peewee.ForeignKeyField(Meeting, backref="items", on_delete="CASCADE")
    project = peewee.ForeignKeyField(Project, backref="agenda_items", on_delete="CASCADE")
    position = peewee.IntegerField(default=0)
    proposal = peewee.TextField(default="")  # 提请会议研究的事项 / 建议
    decision = peewee.CharField(max_length=16, default="")  # one of DECISIONS, "" before
    conditions = peewee.TextField(default="")
    decided_on = peewee.DateField(null=True)
    # What the decision did: step 7 recorded (and the record it replaced, as JSON, "" when none),
    # or the status change it added.
    step_recorded = peewee.BooleanField(default=False)
    step_before = peewee.TextField(default="")
    status_change = peewee.ForeignKeyField(StatusChange, null=True, backref="+", on_delete="SET NULL")

    field_labels = {"meeting": "会议", "position": "议题顺序", "proposal": "提请事项", "decision": "会议决定",
                    "conditions": "决定条件", "decided_on": "决定日期", "step_recorded": "已记录集体决策",
                    "step_before": "原集体决策记录", "status_change": "状态变更"}

    class Meta:
        table_name = "agenda_item"
        indexes = ((("meeting", "project"), True),)


MEETING_MODELS = [Meeting, MeetingAttendee, AgendaItem]
