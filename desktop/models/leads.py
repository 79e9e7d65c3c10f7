"""Investors' contacts, 乡贤, forums（座谈会）and leads（招商线索）with their follow-up log."""

from __future__ import annotations

import peewee

from desktop.models.base import BaseModel, WanYuanField, now
from desktop.models.company import Company
from desktop.models.project import Project
from desktop.models.reference import Person, Unit

LEAD_SOURCES = ("乡贤座谈会", "商会", "招商顾问", "中介", "客商", "云洽谈", "小分队")
LEAD_GRADES = ("A", "B", "C")
LEAD_STATUSES = ("新线索", "跟进中", "已转化", "暂缓", "关闭")


class CompanyContact(BaseModel):
    company = peewee.ForeignKeyField(Company, backref="contacts", on_delete="CASCADE")
    name = peewee.CharField(max_length=32)
    title = peewee.CharField(max_length=64, default="")
    phone = peewee.CharField(max_length=32, default="")

    class Meta:
        table_name = "company_contact"


class CompanyMerge(BaseModel):
    """The record of two investors merged into one (who was kept, who went, what moved)."""

    kept = peewee.ForeignKeyField(Company, backref="+", on_delete="CASCADE")
    removed_name = peewee.CharField(max_length=128)
    removed_credit_code = peewee.CharField(max_length=18, default="")
    projects_moved = peewee.IntegerField(default=0)
    contacts_moved = peewee.IntegerField(default=0)
    merged_at = peewee.DateTimeField(default=now)
    merged_by = peewee.CharField(max_length=64, default="")

    class Meta:
        table_name = "company_merge"


class Xiangxian(BaseModel):
    """乡贤: a person from the county living elsewhere, who brings leads home."""

    name = peewee.CharField(max_length=32)
    home_township = peewee.ForeignKeyField(Unit, null=True, backref="+", on_delete="SET NULL")
    city = peewee.CharField(max_length=64, default="")  # 常住城市
    company = peewee.CharField(max_length=128, default="")
    industry = peewee.CharField(max_length=64, default="")
    phone = peewee.CharField(max_length=32, default="")
    keeper = peewee.ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")  # 联系人（维护关系的干部）
    notes = peewee.TextField(default="")

    class Meta:
        table_name = "xiangxian"


class Forum(BaseModel):
    """乡贤座谈会 or another promotion event where leads are raised."""

    title = peewee.CharField(max_length=128)
    kind = peewee.CharField(max_length=16, default="乡贤座谈会")
    held_on = peewee.DateField(index=True)
    place = peewee.CharField(max_length=128, default="")
    organiser = peewee.ForeignKeyField(Unit, null=True, backref="+", on_delete="SET NULL")
    notes = peewee.TextField(default="")

    class Meta:
        table_name = "forum"


class ForumAttendee(BaseModel):
    forum = peewee.ForeignKeyField(Forum, backref="attendees", on_delete="CASCADE")
    xiangxian = peewee.ForeignKeyField(Xiangxian, backref="forums", on_delete="CASCADE")

    class Meta:
        table_name = "forum_attendee"
        indexes = ((("forum", "xiangxian"), True),)


class Lead(BaseModel):
    title = peewee.CharField(max_length=200)
    source_type = peewee.CharField(max_length=16)
    forum = peewee.ForeignKeyField(Forum, null=True, backref="leads", on_delete="SET NULL")
    xiangxian = peewee.ForeignKeyField(Xiangxian, null=True, backref="leads", on_delete="SET NULL")
    source_person = peewee.CharField(max_length=64, default="")  # 中介、顾问、客商 who are not 乡贤
    first_unit = peewee.ForeignKeyField(Unit, backref="+", on_delete="RESTRICT")  # 首报单位
    received_on = peewee.DateField(index=True)
    responsible_person = peewee.ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    responded_on = peewee.DateField(null=True)  # when the responsible person was named
    grade = peewee.CharField(max_length=1, default="B")
    status = peewee.CharField(max_length=4, default="新线索", index=True)
    investor_name = peewee.CharField(max_length=128, default="")
    industry = peewee.CharField(max_length=64, default="")
    estimated_investment = WanYuanField(null=True)
    content = peewee.TextField(default="")
    project = peewee.ForeignKeyField(Project, null=True, unique=True, backref="+", on_delete="SET NULL")

    class Meta:
        table_name = "lead"


class LeadFollowUp(BaseModel):
    lead = peewee.ForeignKeyField(Lead, backref="follow_ups", on_delete="CASCADE")
    done_on = peewee.DateField()
    who = peewee.CharField(max_length=64, default="")
    what = peewee.TextField(default="")
    next_step = peewee.CharField(max_length=200, default="")
    next_on = peewee.DateField(null=True)

    class Meta:
        table_name = "lead_follow_up"


LEAD_MODELS = [CompanyContact, CompanyMerge, Xiangxian, Forum, ForumAttendee, Lead, LeadFollowUp]
