"""Industry chains（产业链）, their links, the local companies on each link and the target companies."""

from __future__ import annotations

import peewee

from desktop.models.base import BaseModel
from desktop.models.company import Company
from desktop.models.reference import Person, Unit

TARGET_STATUSES = ("待接触", "已接触", "洽谈中", "已签约", "放弃")
PRIORITIES = ("高", "中", "低")


class Chain(BaseModel):
    name = peewee.CharField(max_length=64, unique=True)
    description = peewee.TextField(default="")
    sort_order = peewee.IntegerField(default=0)

    class Meta:
        table_name = "chain"


class ChainLink(BaseModel):
    """One link of a chain; `position` orders them upstream (1) → downstream."""

    chain = peewee.ForeignKeyField(Chain, backref="links", on_delete="CASCADE")
    name = peewee.CharField(max_length=64)
    position = peewee.IntegerField(default=1)
    note = peewee.CharField(max_length=200, default="")

    class Meta:
        table_name = "chain_link"
        indexes = ((("chain", "name"), True),)


class ChainCompany(BaseModel):
    """A local company working on a link (the chain view counts them to judge the link)."""

    link = peewee.ForeignKeyField(ChainLink, backref="companies", on_delete="CASCADE")
    company = peewee.ForeignKeyField(Company, backref="+", on_delete="CASCADE")

    class Meta:
        table_name = "chain_company"
        indexes = ((("link", "company"), True),)


class TargetCompany(BaseModel):
    """A company to bring in for a link（招商作战表的一行）."""

    link = peewee.ForeignKeyField(ChainLink, backref="targets", on_delete="CASCADE")
    name = peewee.CharField(max_length=128)
    region = peewee.CharField(max_length=64, default="")
    priority = peewee.CharField(max_length=1, default="中")
    unit = peewee.ForeignKeyField(Unit, null=True, backref="+", on_delete="SET NULL")
    leader = peewee.ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    next_action = peewee.CharField(max_length=200, default="")
    next_on = peewee.DateField(null=True)
    status = peewee.CharField(max_length=4, default="待接触")

    class Meta:
        table_name = "target_company"


CHAIN_MODELS = [Chain, ChainLink, ChainCompany, TargetCompany]
