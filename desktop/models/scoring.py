"""The scoring board's stored things: published 通报 (frozen snapshots) and credit corrections.

The live board itself is not stored: it is computed from the step records every time
(desktop.services.scoring). A published 通报 keeps the rows as issued, together with the settings
used (step points, weights, deduction rules), so it can be reprinted unchanged months later.
"""

from __future__ import annotations

import peewee

from desktop.db import database
from desktop.models.base import BaseModel, now
from desktop.models.project import StepRecord
from desktop.models.reference import Unit


class ScoreBulletin(BaseModel):
    """A published 比学赶超 通报: the board of one period, frozen as issued."""

    title = peewee.CharField(max_length=200)
    number = peewee.CharField(max_length=64, default="")  # 期号/文号, e.g. 第6期
    period_kind = peewee.CharField(max_length=16)  # month/quarter/half/year/custom
    period_label = peewee.CharField(max_length=64)
    date_from = peewee.DateField()
    date_to = peewee.DateField(index=True)
    published_on = peewee.DateField()
    issuer = peewee.CharField(max_length=64, default="")
    settings_json = peewee.TextField()  # the step points, weights and deduction rules used
    rows_json = peewee.TextField()  # the ranked rows as issued (points as text, exact)
    created_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "score_bulletin"


class CreditCorrection(BaseModel):
    """An administrator moved the credit of a step record from one unit to another."""

    step_record = peewee.ForeignKeyField(StepRecord, backref="+", on_delete="CASCADE")
    old_unit = peewee.ForeignKeyField(Unit, null=True, backref="+", on_delete="SET NULL")
    new_unit = peewee.ForeignKeyField(Unit, null=True, backref="+", on_delete="SET NULL")
    reason = peewee.CharField(max_length=200, default="")
    corrected_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "credit_correction"


SCORING_MODELS = [ScoreBulletin, CreditCorrection]


class BoardStepRecord(peewee.Model):
    """The columns of `step_record` the board reads, including `project_total`: a copy of the
    project's 总投资 (元) kept by database triggers (migration m0004), so the board's query needs
    no lookup of the project per record. Read-only; StepRecord is the model that writes."""

    project_id = peewee.IntegerField()
    step_id = peewee.IntegerField()
    unit_id = peewee.IntegerField(null=True)
    done_on = peewee.DateField()
    not_applicable = peewee.BooleanField()
    project_total = peewee.BigIntegerField(null=True)

    class Meta:
        database = database
        table_name = "step_record"
