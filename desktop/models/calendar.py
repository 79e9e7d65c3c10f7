"""The holiday calendar（节假日安排）: the days that differ from the Monday–Friday week.

A day not stored here is a working day from Monday to Friday and a rest day on Saturday and
Sunday. Stored days are the State Council's holidays (is_workday False) and the weekend days
worked instead（调休上班, is_workday True). Loaded from resources/calendars/*.csv, editable.
"""

from __future__ import annotations

import peewee

from desktop.models.base import BaseModel


class CalendarDay(BaseModel):
    day = peewee.DateField(unique=True)
    is_workday = peewee.BooleanField()
    name = peewee.CharField(max_length=64, default="")

    class Meta:
        table_name = "calendar_day"
