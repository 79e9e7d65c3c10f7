"""Projects（项目）, their lifecycle step records and their dated status history."""

from __future__ import annotations

import peewee

from desktop.models.base import BaseModel, WanYuanField, now
from desktop.models.company import Company
from desktop.models.reference import Person, Unit

STATUSES = ("正常", "暂缓", "终止")
SIGNING_MODES = ("", "现场签约", "云签约")


class Project(BaseModel):
    code = peewee.CharField(max_length=32, unique=True)  # PREFIX-YEAR-NNNN
    name = peewee.CharField(max_length=200)
    name_norm = peewee.CharField(max_length=200, index=True, default="")
    name_initials = peewee.CharField(max_length=200, default="")
    investor = peewee.ForeignKeyField(Company, null=True, backref="projects", on_delete="SET NULL")
    industry = peewee.CharField(max_length=64, default="", index=True)
    chain_link = peewee.CharField(max_length=64, default="")
    content = peewee.TextField(default="")

    # Amounts in 万元 (Decimal).
    total_investment = WanYuanField()
    fixed_asset_investment = WanYuanField(null=True)
    signed_amount = WanYuanField(null=True)
    arrived_funds = WanYuanField(null=True)
    annual_plan_investment = WanYuanField(null=True)
    completed_investment = WanYuanField(null=True)
    land_area = peewee.DecimalField(max_digits=14, decimal_places=2, null=True, auto_round=True)  # 亩
    progress_text = peewee.TextField(default="")  # 形象进度

    township = peewee.ForeignKeyField(Unit, null=True, backref="+", on_delete="SET NULL")
    responsible_unit = peewee.ForeignKeyField(Unit, null=True, backref="+", on_delete="SET NULL")
    first_unit = peewee.ForeignKeyField(Unit, null=True, backref="+", on_delete="SET NULL")  # 首报单位
    leader = peewee.ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")  # 挂钩领导
    signing_mode = peewee.CharField(max_length=8, default="")
    is_key = peewee.BooleanField(default=False)
    contact = peewee.CharField(max_length=128, default="")
    remarks = peewee.TextField(default="")

    # Kept by services.lifecycle / services.projects whenever steps or statuses change, so the
    # 100k-row table reads them without a join; tests check them against the derivation.
    status = peewee.CharField(max_length=4, default="正常")
    stage_no = peewee.IntegerField(default=0)
    signed_on = peewee.DateField(null=True)
    library_on = peewee.DateField(null=True, index=True)  # 入库日期
    started_on = peewee.DateField(null=True)
    operating_on = peewee.DateField(null=True)

    created_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "project"


class LifecycleStep(BaseModel):
    """One of the configurable lifecycle steps (23 by default) with its points."""

    number = peewee.IntegerField(unique=True)
    phase = peewee.CharField(max_length=16)
    name = peewee.CharField(max_length=64)
    points = peewee.IntegerField(default=0)
    # Steps that may not apply to a project (recorded as 不涉及).
    optional = peewee.BooleanField(default=False)
    milestone = peewee.CharField(max_length=8, default="")  # 签约/入库/开工/投产

    class Meta:
        table_name = "lifecycle_step"


class StepRecord(BaseModel):
    """A step done for a project (or marked 不涉及), with the unit credited for it."""

    project = peewee.ForeignKeyField(Project, backref="step_records", on_delete="CASCADE")
    step = peewee.ForeignKeyField(LifecycleStep, backref="+", on_delete="RESTRICT")
    done_on = peewee.DateField(index=True)
    not_applicable = peewee.BooleanField(default=False)
    unit = peewee.ForeignKeyField(Unit, null=True, backref="+", on_delete="SET NULL")
    note = peewee.CharField(max_length=200, default="")

    class Meta:
        table_name = "step_record"
        indexes = ((("project", "step"), True),)


class StatusChange(BaseModel):
    """A dated change of a project's status（正常/暂缓/终止）."""

    project = peewee.ForeignKeyField(Project, backref="status_changes", on_delete="CASCADE")
    status = peewee.CharField(max_length=4)
    changed_on = peewee.DateField()
    reason = peewee.CharField(max_length=200, default="")

    class Meta:
        table_name = "status_change"
