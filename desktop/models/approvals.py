"""帮办代办: the catalogue of approval items and each project's checklist."""

from __future__ import annotations

import peewee

from desktop.models.base import BaseModel
from desktop.models.project import Project
from desktop.models.reference import Person

APPROVAL_STATUSES = ("未启动", "办理中", "已办结", "不涉及")


class ApprovalCatalogItem(BaseModel):
    name = peewee.CharField(max_length=64, unique=True)
    department = peewee.CharField(max_length=64, default="")
    statutory_days = peewee.IntegerField(default=20)  # 法定办结时限（工作日）
    step_number = peewee.IntegerField(null=True)  # the lifecycle step its approval records
    sort_order = peewee.IntegerField(default=0)
    active = peewee.BooleanField(default=True)

    class Meta:
        table_name = "approval_catalog_item"


class ApprovalItem(BaseModel):
    project = peewee.ForeignKeyField(Project, backref="approval_items", on_delete="CASCADE")
    catalog_item = peewee.ForeignKeyField(ApprovalCatalogItem, backref="+", on_delete="RESTRICT")
    department = peewee.CharField(max_length=64, default="")
    statutory_days = peewee.IntegerField(default=20)
    agent = peewee.ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")  # 代办员
    submitted_on = peewee.DateField(null=True)
    approved_on = peewee.DateField(null=True)
    status = peewee.CharField(max_length=4, default="未启动")
    accepted_with_gaps = peewee.BooleanField(default=False)  # 容缺受理
    note = peewee.CharField(max_length=200, default="")

    class Meta:
        table_name = "approval_item"
        indexes = ((("project", "catalog_item"), True),)


APPROVAL_MODELS = [ApprovalCatalogItem, ApprovalItem]
