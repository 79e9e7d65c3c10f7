"""What every table shares: the database proxy, a stable UUID and an updated_at time.

The UUID and updated_at are there for the planned offline exchange between township PCs and the
centre: a record keeps its identity across databases, and changes can be told apart.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal

import peewee

from desktop.db import database


def new_uuid() -> str:
    return uuid.uuid4().hex


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class BaseModel(peewee.Model):
    uuid = peewee.CharField(max_length=32, unique=True, default=new_uuid)
    updated_at = peewee.DateTimeField(default=now, index=True)

    class Meta:
        database = database
        legacy_table_names = False

    def save(self, *args, **kwargs):
        self.updated_at = now()
        return super().save(*args, **kwargs)


# One 万元 is 10,000 元; money is stored as whole 元 so sums are exact in SQL on every backend.
YUAN_PER_WAN = 10000


class WanYuanField(peewee.BigIntegerField):
    """An amount in 万元 (a Decimal in Python), stored exactly as an integer number of 元."""

    def db_value(self, value):
        if value is None:
            return None
        amount = Decimal(str(value)) * YUAN_PER_WAN
        return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def python_value(self, value):
        if value is None:
            return None
        return yuan_to_wan(value)


def yuan_to_wan(value: int) -> Decimal:
    """Stored 元 → Decimal 万元 without trailing noise (150000000 → Decimal('15000'))."""
    wan = Decimal(int(value)) / YUAN_PER_WAN
    return wan.quantize(Decimal(1)) if wan == wan.to_integral_value() else wan.normalize()
