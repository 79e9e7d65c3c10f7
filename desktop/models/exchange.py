"""Offline exchange between installations: partners, what was sent, agreed versions, tombstones."""

from __future__ import annotations

import peewee

from desktop.db import database
from desktop.models.base import now
from desktop.models.reference import Unit

PARTNER_ROLES = ("centre", "township")


class _Plain(peewee.Model):
    """Exchange bookkeeping is not exchanged, versioned or audited itself."""

    class Meta:
        database = database
        legacy_table_names = False


class ExchangePartner(_Plain):
    installation_id = peewee.CharField(max_length=32, unique=True)
    name = peewee.CharField(max_length=64)
    prefix = peewee.CharField(max_length=8, default="")
    public_key = peewee.CharField(max_length=64)  # Ed25519, 32 bytes as hex
    role = peewee.CharField(max_length=8, default="township")
    # The township (a Unit) whose records this partner may change; None for the centre.
    unit = peewee.ForeignKeyField(Unit, null=True, backref="+", on_delete="SET NULL")
    registered_at = peewee.DateTimeField(default=now)
    last_sent_seq = peewee.IntegerField(default=0)
    last_received_seq = peewee.IntegerField(default=0)
    received_digests = peewee.TextField(default="")  # digests of files applied, one per line

    class Meta:
        table_name = "exchange_partner"


class ExchangeBase(_Plain):
    """The version of a record both sides agree on with a partner (conflicts are changes past it)."""

    partner = peewee.ForeignKeyField(ExchangePartner, backref="+", on_delete="CASCADE")
    record_uuid = peewee.CharField(max_length=32)
    version = peewee.IntegerField()
    # The agreed values (JSON, as this database stores them), so each side can tell which fields it
    # changed since: edits of different fields on the two sides merge without a conflict.
    data = peewee.TextField(default="")

    class Meta:
        table_name = "exchange_base"
        indexes = ((("partner", "record_uuid"), True),)


class ExchangeSent(_Plain):
    """What went out in a numbered file, promoted to ExchangeBase when the partner acknowledges it."""

    partner = peewee.ForeignKeyField(ExchangePartner, backref="+", on_delete="CASCADE")
    seq = peewee.IntegerField()
    record_uuid = peewee.CharField(max_length=32)
    version = peewee.IntegerField()
    data = peewee.TextField(default="")

    class Meta:
        table_name = "exchange_sent"
        indexes = ((("partner", "seq"), False),)


class RecordOrigin(_Plain):
    """Which installation created a record that came in from elsewhere (local records have none)."""

    record_uuid = peewee.CharField(max_length=32, primary_key=True)
    installation_id = peewee.CharField(max_length=32, index=True)

    class Meta:
        table_name = "record_origin"


class Tombstone(_Plain):
    """A deleted record, so the deletion can travel to partners."""

    table_name_ = peewee.CharField(max_length=64, column_name="table_name")
    record_uuid = peewee.CharField(max_length=32, unique=True)
    version = peewee.IntegerField(default=1)
    deleted_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "tombstone"


EXCHANGE_MODELS = [ExchangePartner, ExchangeBase, ExchangeSent, RecordOrigin, Tombstone]


# Tables whose deletions travel to partners (desktop.services.exchange.TABLES).
EXCHANGED_TABLES = frozenset({"unit", "person", "lifecycle_step", "calendar_day", "company", "company_contact", "project",
                              "step_record", "status_change", "fund_entry", "xiangxian", "forum", "forum_attendee",
                              "lead", "lead_follow_up", "score_bulletin"})


def record_tombstones(model, rows: list[dict]) -> None:
    """Called by BaseModel's delete: remember deleted exchanged records (once the table exists)."""
    table = model._meta.table_name
    if table not in EXCHANGED_TABLES or not rows:
        return
    obj = database.obj
    if obj is None or not (getattr(obj, "_tombstone_ready", False) or obj.table_exists("tombstone")):
        return
    obj._tombstone_ready = True
    stamp = now()
    for start in range(0, len(rows), 200):
        Tombstone.insert_many([{"table_name_": table, "record_uuid": row["uuid"], "version": row.get("version") or 1,
                                "deleted_at": stamp} for row in rows[start:start + 200]]
                              ).on_conflict(conflict_target=[Tombstone.record_uuid],
                                            preserve=[Tombstone.version, Tombstone.deleted_at]).execute()
