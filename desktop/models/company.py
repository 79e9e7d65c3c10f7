"""Investors（客商/企业）."""

from __future__ import annotations

import peewee

from desktop.models.base import BaseModel


class Company(BaseModel):
    name = peewee.CharField(max_length=128, index=True)
    # Normalised name and pinyin initials are computed when the name is saved, never per keystroke.
    name_norm = peewee.CharField(max_length=128, index=True, default="")
    name_initials = peewee.CharField(max_length=128, default="")
    credit_code = peewee.CharField(max_length=18, null=True, unique=True)
    region = peewee.CharField(max_length=64, default="")
    industry = peewee.CharField(max_length=64, default="")
    notes = peewee.TextField(default="")

    class Meta:
        table_name = "company"
