"""Yearly targets（目标任务，双过半）and dated fund entries（到位资金/累计完成投资，按月）.

A target belongs to a year, an indicator and either a unit or the whole county (unit NULL). Counts
and amounts live in separate columns so an amount stays exact 万元 (WanYuanField) and a count an
integer. Uniqueness of (year, unit, indicator) is enforced by the database: a plain unique index
for units and a partial one for the county row (NULL never collides in a plain unique index);
both are created by migration m0005.
"""

from __future__ import annotations

import peewee

from desktop.models.base import BaseModel, WanYuanField
from desktop.models.project import Project
from desktop.models.reference import Unit

# Indicator keys (labels and kinds: desktop.services.targets.INDICATORS).
INDICATOR_KEYS = (
    "library_projects",
    "library_investment",
    "above_yi_projects",
    "started_projects",
    "signed_amount",
    "arrived_funds",
)

FUND_ARRIVED = "arrived"  # 到位资金
FUND_COMPLETED = "completed"  # 完成投资（累计完成投资 is the running sum）
FUND_KINDS = (FUND_ARRIVED, FUND_COMPLETED)


class Target(BaseModel):
    year = peewee.IntegerField()
    unit = peewee.ForeignKeyField(Unit, null=True, backref="+", on_delete="CASCADE")  # NULL: 全县
    indicator = peewee.CharField(max_length=32)
    count = peewee.IntegerField(null=True)  # for the 项目数 indicators
    amount = WanYuanField(null=True)  # for the amount indicators, 万元

    class Meta:
        table_name = "target"
        indexes = ((("year", "unit", "indicator"), True),)


class FundEntry(BaseModel):
    """One month's 到位资金 or 完成投资 of a project, in 万元; `month` is that month's first day."""

    project = peewee.ForeignKeyField(Project, backref="fund_entries", on_delete="CASCADE")
    kind = peewee.CharField(max_length=16)
    month = peewee.DateField(index=True)
    amount = WanYuanField()
    note = peewee.CharField(max_length=200, default="")

    class Meta:
        table_name = "fund_entry"
        indexes = ((("project", "kind", "month"), True),)


TARGET_MODELS = [Target, FundEntry]
