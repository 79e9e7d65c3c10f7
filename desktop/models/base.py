"""What every table shares: the database proxy, a stable UUID, updated_at, a version, the trail.

The UUID and updated_at are there for the planned offline exchange between township PCs and the
centre: a record keeps its identity across databases, and changes can be told apart.

`version` guards against lost updates when several people edit on a server: a record saved with
`save()` writes only the fields that changed since it was loaded, and only if nobody saved it in
the meantime (`UPDATE … SET …, version = version + 1 WHERE id = ? AND version = ?`); otherwise
`ConflictError` names the fields with both values. Every create, change and delete also goes into
the audit trail（痕迹, desktop.models.audit）without the services having to remember it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal

import peewee

from desktop.db import database
from desktop.errors import NotFoundError, UserError
from desktop.models import audit

_MISSING = object()


def new_uuid() -> str:
    return uuid.uuid4().hex


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class ConflictError(UserError):
    """Someone else saved the record after it was loaded here; nothing was written.

    `conflicts` lists (label, this user's value, the value now stored) as text.
    """

    def __init__(self, message: str, conflicts: list[tuple[str, str, str]], other_user: str = ""):
        super().__init__(message)
        self.conflicts = conflicts
        self.other_user = other_user


class _AuditedUpdate(peewee.ModelUpdate):
    """A query update (`Model.update(...).where(...)`) that leaves its changes in the trail."""

    def _execute(self, database):
        model = self.model
        names = [
            field.name for field in self._update
            if isinstance(field, peewee.Field) and field.name not in audit.skipped_fields(model)
        ]
        if not names or not audit.is_audited(model):
            return super()._execute(database)
        query = model.select()
        if self._where is not None:
            query = query.where(self._where)
        with database.atomic():  # the change and its trail, or neither
            before = {row["id"]: row for row in query.dicts()}
            result = super()._execute(database)
            if before:
                fresh = model.select().where(model._meta.primary_key.in_(list(before))).dicts()
                with audit._cached_lookups():
                    self._record(model, names, before, fresh)
        return result

    @staticmethod
    def _record(model, names, before, fresh) -> None:
        for row in fresh:
            old = before.get(row["id"])
            if old is None:
                continue
            changes = {n: (old.get(n), row.get(n)) for n in names if old.get(n) != row.get(n)}
            if changes:
                audit.record_update(model, row["id"], changes, row)


class _AuditedDelete(peewee.ModelDelete):
    """A query delete (and so `delete_instance`) that keeps what it deleted in the trail."""

    def _execute(self, database):
        from desktop.models.exchange import EXCHANGED_TABLES, record_tombstones

        model = self.model
        audited = audit.is_audited(model)
        if not audited and model._meta.table_name not in EXCHANGED_TABLES:
            return super()._execute(database)
        query = model.select()
        if self._where is not None:
            query = query.where(self._where)
        with database.atomic():  # the deletion, its trail and its tombstones, or none of them
            rows = list(query.dicts())
            if rows and audited:
                audit.record_deletes(model, rows)
            record_tombstones(model, rows)  # so the deletion can travel to exchange partners
            return super()._execute(database)


class BaseModel(peewee.Model):
    uuid = peewee.CharField(max_length=32, unique=True, default=new_uuid)
    updated_at = peewee.DateTimeField(default=now)  # not indexed: no query looks rows up by it (migration 12)
    # DEFAULT 1 in the table too: rows written by plain SQL (another program, an old client) get one.
    version = peewee.IntegerField(default=1, constraints=[peewee.SQL("DEFAULT 1")])

    # Set False in a subclass whose rows are not worth a trail (caches, logs).
    audited = True

    class Meta:
        database = database
        legacy_table_names = False

    def __init__(self, *args, **kwargs):
        loaded = bool(kwargs.get("__no_default__"))
        super().__init__(*args, **kwargs)
        # The values as read from the database: save() compares against them.
        self._loaded = dict(self.__data__) if loaded else None

    @classmethod
    def update(cls, __data=None, **update):
        return _AuditedUpdate(cls, cls._normalize_data(__data, update))

    @classmethod
    def delete(cls):
        return _AuditedDelete(cls)

    def save(self, force_insert=False, only=None):
        if self._pk is None or force_insert:
            self.updated_at = now()
            with self._meta.database.atomic():  # the record and its trail, or neither
                rows = super().save(force_insert=force_insert, only=only)
                if audit.is_audited(type(self)):
                    audit.record_create(type(self), self.__data__)
            self._loaded = dict(self.__data__)
            return rows
        return self._save_changes(only)

    def _current_row(self) -> dict | None:
        cls = type(self)
        return cls.select().where(self._pk_expr()).dicts().first()

    def _save_changes(self, only) -> int:
        cls = type(self)
        fields = cls._meta.fields
        bookkeeping = {"id", "version", "updated_at"}
        originals = self._loaded or None
        if only is not None:
            names = [f if isinstance(f, str) else f.name for f in only]
        elif originals is not None:
            names = [
                n for n, v in self.__data__.items()
                if n not in bookkeeping and n in fields and originals.get(n, _MISSING) != v
            ]
        else:
            # Built by hand (Model(id=…)) or from a join: trust what was assigned since.
            names = [n for n in self._dirty if n not in bookkeeping and n in fields]
        names = [n for n in names if n not in bookkeeping]
        if not names:
            self._dirty.clear()
            return 0
        expected = self.__data__.get("version")
        auditing = audit.is_audited(cls)
        with cls._meta.database.atomic():
            if originals is None and auditing:
                originals = self._current_row()
                if originals is None:
                    raise NotFoundError("这条记录已被其他人删除，无法保存")
            changes = {n: self.__data__.get(n) for n in names}
            stamp = now()
            values = {fields[n]: v for n, v in changes.items()}
            values[fields["updated_at"]] = stamp
            values[fields["version"]] = fields["version"] + 1
            where = self._pk_expr()
            if expected is not None:
                where &= fields["version"] == expected
            # peewee.ModelUpdate directly: this change is audited below, field by field.
            rows = peewee.ModelUpdate(cls, values).where(where).execute()
            if rows == 0:
                raise self._conflict(names, self._loaded or None)
            if auditing:
                audit.record_update(
                    cls, self._pk, {n: (originals.get(n), v) for n, v in changes.items()}, {**originals, **self.__data__}
                )
        self.__data__["updated_at"] = stamp
        self.__data__["version"] = (expected or 0) + 1 if expected is not None else self._read_version()
        self._loaded = dict(self.__data__)
        self._dirty.clear()
        return rows

    def _read_version(self):
        cls = type(self)
        return cls.select(cls.version).where(self._pk_expr()).scalar()

    def _conflict(self, names: list[str], originals: dict | None) -> UserError:
        cls = type(self)
        current = self._current_row()
        if current is None:
            return NotFoundError("这条记录已被其他人删除，您的修改没有保存")
        conflicts = []
        seen = set()
        for n in names:
            mine, theirs = self.__data__.get(n), current.get(n)
            if mine != theirs:
                conflicts.append((audit.field_label(cls, n), audit.value_text(cls, n, mine), audit.value_text(cls, n, theirs)))
                seen.add(n)
        if originals:
            skip = audit.skipped_fields(cls)
            for n, before in originals.items():
                if n in seen or n in skip or n not in current or current[n] == before:
                    continue
                mine = self.__data__.get(n, before)
                conflicts.append((audit.field_label(cls, n), audit.value_text(cls, n, mine), audit.value_text(cls, n, current[n])))
        who, when = _last_editor(cls, self._pk)
        by = f"{who}（{when}）" if who else "其他人"
        other = who or "对方"
        lines = [f"“{label}”：您的值为“{mine or '（空）'}”，{other}保存的值为“{theirs or '（空）'}”" for label, mine, theirs in conflicts]
        detail = "；\n".join(lines) if lines else "（对方修改的内容与您相同）"
        message = (
            f"保存冲突：您打开这条记录之后，{by}已经保存了修改。为避免覆盖，您的修改没有保存。\n{detail}\n"
            "请关闭后重新打开这条记录，核对后再修改。"
        )
        return ConflictError(message, conflicts, who)


def _last_editor(model, pk) -> tuple[str, str]:
    if not audit._table_ready():
        return "", ""
    row = (
        audit.AuditEntry.select(audit.AuditEntry.user_name, audit.AuditEntry.at)
        .where((audit.AuditEntry.table_name == model._meta.table_name) & (audit.AuditEntry.row_id == pk))
        .order_by(audit.AuditEntry.id.desc())
        .tuples()
        .first()
    )
    if not row:
        return "", ""
    at = row[1]
    return row[0], at.strftime("%Y-%m-%d %H:%M") if isinstance(at, dt.datetime) else str(at)[:16]


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
