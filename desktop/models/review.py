"""即时初审: a project's preliminary review, the member units' opinions, scores and materials.

While a review is open its score, compliance, intensity, routing and proposed result are computed
from these rows and the current settings (services.reviews); confirming freezes them on the row.
"""

from __future__ import annotations

import peewee

from desktop.models.base import BaseModel, now
from desktop.models.project import Project
from desktop.models.reference import Unit

REVIEW_STATUSES = ("审查中", "待补充材料", "已完成")
REVIEW_RESULTS = ("", "通过", "不通过", "补充材料")
OPINIONS = ("同意", "有条件同意", "不同意")


class Review(BaseModel):
    project = peewee.ForeignKeyField(Project, backref="reviews", on_delete="CASCADE")
    submitted_on = peewee.DateField(index=True)
    # The opinions are due by `deadline`: `deadline_days` working or calendar days (`deadline_mode`).
    deadline = peewee.DateField()
    deadline_days = peewee.IntegerField(default=3)
    deadline_mode = peewee.CharField(max_length=8, default="working")
    status = peewee.CharField(max_length=8, default="审查中", index=True)
    # Frozen when the centre confirms (the last confirmation when materials were asked for first).
    result = peewee.CharField(max_length=8, default="")
    confirmed_on = peewee.DateField(null=True)
    score = peewee.DecimalField(max_digits=6, decimal_places=2, null=True, auto_round=True)
    reasons = peewee.TextField(default="")
    routing = peewee.CharField(max_length=128, default="")
    # The 一次性告知书: issued on `notice_on`, the materials are due by `supply_deadline`.
    notice_on = peewee.DateField(null=True)
    supply_deadline = peewee.DateField(null=True)
    note = peewee.TextField(default="")
    created_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "review"


class ReviewOpinion(BaseModel):
    review = peewee.ForeignKeyField(Review, backref="opinions", on_delete="CASCADE")
    unit = peewee.ForeignKeyField(Unit, backref="+", on_delete="CASCADE")
    opinion = peewee.CharField(max_length=8)
    text = peewee.TextField(default="")
    given_on = peewee.DateField()

    class Meta:
        table_name = "review_opinion"
        indexes = ((("review", "unit"), True),)


class ReviewScore(BaseModel):
    """One criterion's score, 0–100; the weight comes from the settings (frozen on confirmation)."""

    review = peewee.ForeignKeyField(Review, backref="scores", on_delete="CASCADE")
    criterion = peewee.CharField(max_length=32)
    score = peewee.DecimalField(max_digits=6, decimal_places=2, auto_round=True)
    weight = peewee.DecimalField(max_digits=6, decimal_places=2, null=True, auto_round=True)

    class Meta:
        table_name = "review_score"
        indexes = ((("review", "criterion"), True),)


class ReviewMaterial(BaseModel):
    """One item of the materials checklist: 已提交 or 缺."""

    review = peewee.ForeignKeyField(Review, backref="materials", on_delete="CASCADE")
    name = peewee.CharField(max_length=64)
    submitted = peewee.BooleanField(default=False)
    sort_order = peewee.IntegerField(default=0)

    class Meta:
        table_name = "review_material"
        indexes = ((("review", "name"), True),)


REVIEW_MODELS = [Review, ReviewOpinion, ReviewScore, ReviewMaterial]
