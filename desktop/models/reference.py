"""Reference lists the forms pick from: units (departments, townships, parks) and people."""

from __future__ import annotations

import peewee

from desktop.db import database
from desktop.models.base import BaseModel

UNIT_KINDS = ("部门", "乡镇", "园区", "其他")


class Unit(BaseModel):
    """A department, township or park — a reporting and responsible unit."""

    name = peewee.CharField(max_length=64, unique=True)
    kind = peewee.CharField(max_length=8, default="部门")
    sort_order = peewee.IntegerField(default=0)
    active = peewee.BooleanField(default=True)

    class Meta:
        table_name = "unit"


class Person(BaseModel):
    """A cadre（干部）: a leader in charge of projects, a team member, a contact."""

    name = peewee.CharField(max_length=32)
    title = peewee.CharField(max_length=64, default="")
    unit = peewee.ForeignKeyField(Unit, null=True, backref="people", on_delete="SET NULL")
    phone = peewee.CharField(max_length=32, default="")
    is_leader = peewee.BooleanField(default=False)
    active = peewee.BooleanField(default=True)

    class Meta:
        table_name = "person"


class Setting(peewee.Model):
    """Key/value settings of this installation (name, code prefix, thresholds …)."""

    key = peewee.CharField(max_length=64, primary_key=True)
    value = peewee.TextField(default="")

    class Meta:
        database = database
        table_name = "setting"
