"""Many new rows into one table through the DB-API cursor, converted a column at a time.

peewee's insert_many builds a query node for every value (10,000 projects took 6 s that way). Here the
rows are cut into columns in C (itemgetter, zip); a column whose values the driver takes as they are
(text, numbers, empty) is passed on untouched, dates become their ISO text and whole 万元 amounts their
stored 元 through C-level maps, and only an unusual column is converted value by value.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from operator import itemgetter

import peewee

from desktop.db import database
from desktop.models.base import YUAN_PER_WAN, WanYuanField, now

_NONE = type(None)
_AS_IS = frozenset({str, int, float, _NONE})
_STAMP_FIELDS = ("updated_at", "created_at", "imported_at")
_MISSING = object()
# uuid4().hex for many rows at once: random bytes with the version (4) and RFC 4122 variant bits set
# by byte translation tables over every 16th byte.
_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))
_RFC_4122 = bytes((b & 0x3F) | 0x80 for b in range(256))


def new_uuids(count: int) -> list[str]:
    """`count` random version-4 UUIDs as 32 hex digits (the same values new_uuid() gives one by one)."""
    data = bytearray(os.urandom(16 * count))
    data[6::16] = data[6::16].translate(_VERSION_4)
    data[8::16] = data[8::16].translate(_RFC_4122)
    text = data.hex()
    return [text[i:i + 32] for i in range(0, 32 * count, 32)]


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _with_gaps(column, convert_filled):
    """convert_filled(the values that are not None) → a list, put back between the Nones."""
    filled = [v for v in column if v is not None]
    if len(filled) == len(column):
        return convert_filled(filled)
    converted = iter(convert_filled(filled))
    return [None if v is None else next(converted) for v in column]


def _stored_amounts(column, db_value) -> list:
    """WanYuanField values as stored (元): whole 万元 by integer arithmetic, the rest through db_value."""
    def convert(filled: list) -> list:
        if {type(v) for v in filled} <= {Decimal, int}:
            whole = list(map(int, filled))
            if whole == filled:  # every amount a whole number of 万元 (int == Decimal compares exactly)
                return list(map(YUAN_PER_WAN.__mul__, whole))
        return [db_value(v) for v in filled]
    return _with_gaps(column, convert)


def stored_amounts(values: list, db_value) -> list:
    """WanYuanField values as stored, for a column kept beside the model's (the same integers)."""
    return _stored_amounts(values, db_value)


def _stored_column(field, column):
    if isinstance(field, WanYuanField):
        return _stored_amounts(column, field.db_value)
    kinds = set(map(type, column))
    if isinstance(field, peewee.BooleanField) and kinds <= {bool, _NONE}:
        return column  # both drivers take True/False as they are
    if isinstance(field, (peewee.DecimalField, peewee.BooleanField)):
        return _with_gaps(column, lambda filled: [_plain(field.db_value(v)) for v in filled])
    if kinds <= _AS_IS:
        return column
    if kinds <= {dt.date, _NONE}:
        return _with_gaps(column, lambda filled: list(map(dt.date.isoformat, filled)))
    return [v if type(v) in _AS_IS else _plain(v) for v in column]


def insert_rows(model, rows: list[dict], *, batch: int = 500, extra: dict[str, list] | None = None,
                stamp: str | None = None) -> None:
    """Insert `rows` (field name → Python value; fields left out take their default) into `model`'s
    table. `extra`: column name → one value per row, for columns that are not model fields.
    `stamp`: the updated_at text for all (now by default)."""
    if not rows:
        return
    fields = model._meta.fields
    names = [name for name in fields if name != "id"]
    extra = extra or {}
    stamp = stamp or now().isoformat(sep=" ")
    count = len(rows)
    given = [name for name in names if name in rows[0]]
    cut = None
    if given:
        getter = itemgetter(*given)
        try:
            cut = list(map(getter, rows))
        except KeyError:  # rows that do not all give the same fields: the missing ones take defaults
            cut = None
    if cut is None:
        by_name = {}
    elif len(given) == 1:
        by_name = {given[0]: cut}
    else:
        by_name = dict(zip(given, map(list, zip(*cut))))
    columns = []
    for name in names:
        field = fields[name]
        if name in by_name:
            raw = by_name[name]
        else:
            raw = [row.get(name, _MISSING) for row in rows] if cut is None and given else None
            defaults = _defaults(field, name, count, stamp)
            raw = defaults if raw is None else [d if v is _MISSING else v for v, d in zip(raw, defaults)]
        columns.append(_stored_column(field, raw))
    columns.extend(extra.values())
    quoted = [f'"{fields[n].column_name}"' for n in names] + [f'"{column}"' for column in extra]
    marks = ", ".join([database.param] * len(quoted))
    sql = f'INSERT INTO "{model._meta.table_name}" ({", ".join(quoted)}) VALUES ({marks})'
    params = list(zip(*columns))
    cursor = database.cursor()
    for start in range(0, count, batch):
        cursor.executemany(sql, params[start:start + batch])


def _defaults(field, name: str, count: int, stamp: str) -> list:
    """The values a field takes in `count` new rows that do not give it."""
    if name == "uuid":
        return new_uuids(count)
    if name in _STAMP_FIELDS:
        return [stamp] * count
    if callable(field.default):
        return [field.default() for _ in range(count)]
    return [field.default] * count
