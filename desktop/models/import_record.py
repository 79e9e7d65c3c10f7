"""A record of each Excel import: which file (name and hash), when, and what it did."""

from __future__ import annotations

import peewee

from desktop.models.base import BaseModel, now


class ImportRecord(BaseModel):
    file_name = peewee.CharField(max_length=255)
    sha256 = peewee.CharField(max_length=64, index=True)
    sheet = peewee.CharField(max_length=128, default="")
    imported_at = peewee.DateTimeField(default=now)
    rows_read = peewee.IntegerField(default=0)
    valid = peewee.IntegerField(default=0)
    imported = peewee.IntegerField(default=0)
    updated = peewee.IntegerField(default=0)
    skipped = peewee.IntegerField(default=0)
    errors = peewee.IntegerField(default=0)
    warnings = peewee.IntegerField(default=0)

    class Meta:
        table_name = "import_record"
