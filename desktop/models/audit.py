"""The audit trail（痕迹）: who changed which field of which record, when, from what to what.

`BaseModel` writes here by itself (save, delete_instance, query updates and deletes), so no
service can forget it. The acting user comes from `actor_provider`, which the access service
installs; the model layer never imports services.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

import peewee

from desktop.db import database

CREATE, UPDATE, DELETE = "create", "update", "delete"
ACTION_LABELS = {CREATE: "新建", UPDATE: "修改", DELETE: "删除"}

# Tables never audited: the trail itself, settings, the import log, the schema's own bookkeeping.
UNAUDITED_TABLES = {"audit_entry", "setting", "import_record", "schema_info"}

# Fields that are bookkeeping or derived from other fields: a change of them is no news.
SKIPPED_FIELDS = {"id", "uuid", "updated_at", "version", "name_norm", "name_initials", "created_at"}
# Per table: fields kept by the services from other records (the project's stage and milestone
# dates follow its step records, which are audited themselves).
SKIPPED_FIELDS_BY_TABLE = {
    "project": {"stage_no", "signed_on", "library_on", "started_on", "operating_on"},
    "app_user": {"password_hash", "failed_attempts", "locked_until", "last_login_at"},
}

# Field name → Chinese label, for conflict messages and the trail shown on screen. A model may add
# its own with a `field_labels` class attribute.
FIELD_LABELS = {
    "code": "项目编号", "name": "名称", "investor": "投资方", "industry": "产业", "chain_link": "产业链环节",
    "content": "建设内容", "total_investment": "总投资（万元）", "fixed_asset_investment": "固定资产投资（万元）",
    "signed_amount": "签约额（万元）", "arrived_funds": "到位资金（万元）",
    "annual_plan_investment": "年度计划投资（万元）", "completed_investment": "累计完成投资（万元）",
    "land_area": "用地面积（亩）", "progress_text": "形象进度", "township": "所在乡镇",
    "responsible_unit": "责任单位", "first_unit": "首报单位", "leader": "挂钩领导", "signing_mode": "签约方式",
    "is_key": "重点项目", "contact": "联系人", "remarks": "备注", "status": "状态", "stage_no": "阶段",
    "project": "项目", "step": "步骤", "done_on": "完成日期", "not_applicable": "不涉及", "unit": "单位",
    "note": "说明", "changed_on": "变更日期", "reason": "原因", "title": "职务", "phone": "电话",
    "is_leader": "领导", "active": "启用", "kind": "类别", "sort_order": "排序", "credit_code": "统一社会信用代码",
    "region": "地区", "notes": "备注", "display_name": "姓名", "role": "角色", "number": "序号",
    "phase": "阶段", "points": "分值", "optional": "可不涉及", "milestone": "节点", "deputy": "副组长",
    "policy_text": "政策包", "founded_on": "成立日期", "team": "专班", "person": "人员", "policy_item": "政策",
    "must_change_password": "须改密码",
}


class AuditEntry(peewee.Model):
    """One fact of the trail: a record created or deleted, or one field of it changed."""

    at = peewee.DateTimeField(index=True)
    user_id = peewee.IntegerField(null=True)
    user_name = peewee.CharField(max_length=64, default="", index=True)
    action = peewee.CharField(max_length=8)  # create / update / delete
    table_name = peewee.CharField(max_length=64)  # indexed with row_id below
    row_id = peewee.IntegerField(null=True)
    row_label = peewee.CharField(max_length=200, default="")
    project_id = peewee.IntegerField(null=True, index=True)
    field = peewee.CharField(max_length=64, default="")
    old_value = peewee.TextField(default="")
    new_value = peewee.TextField(default="")

    class Meta:
        database = database
        table_name = "audit_entry"
        indexes = ((("table_name", "row_id"), False),)


# --- who is acting -----------------------------------------------------------------------------
def _nobody() -> tuple[int | None, str]:
    return None, "系统"


actor_provider: Callable[[], tuple[int | None, str]] = _nobody

# Per thread: a worker's bulk work (suspended trail, batched entries) never swallows what the GUI
# thread saves meanwhile.
_local = threading.local()


@contextmanager
def suspended() -> Iterator[None]:
    """No trail inside, in this thread (bulk work that records itself with `record_bulk_create`,
    or the demo build, which is nobody's edit)."""
    _local.suspended = getattr(_local, "suspended", 0) + 1
    try:
        yield
    finally:
        _local.suspended -= 1


def is_audited(model) -> bool:
    return (
        not getattr(_local, "suspended", 0)
        and getattr(model, "audited", True)
        and model._meta.table_name not in UNAUDITED_TABLES
        and _table_ready()
    )


def _table_ready() -> bool:
    # Before migration 9 (a new file being set up, an old one upgraded) there is no trail table yet.
    obj = database.obj
    if obj is None:
        return False
    if getattr(obj, "_audit_table_ready", False):
        return True
    ready = obj.table_exists("audit_entry")
    if ready:
        obj._audit_table_ready = True
    return ready


def skipped_fields(model) -> set[str]:
    return SKIPPED_FIELDS | SKIPPED_FIELDS_BY_TABLE.get(model._meta.table_name, set()) | set(
        getattr(model, "audit_skip_fields", ())
    )


def field_label(model, name: str) -> str:
    own = getattr(model, "field_labels", {}) or {}
    if name in own:
        return own[name]
    field = model._meta.fields.get(name)
    if field is not None and field.verbose_name:
        return field.verbose_name
    return FIELD_LABELS.get(name, name)


# --- values as text ----------------------------------------------------------------------------
def value_text(model, name: str, value) -> str:
    """A stored value as a person reads it (a unit's name rather than its id)."""
    if value is None or value == "":
        return ""
    field = model._meta.fields.get(name)
    if isinstance(field, peewee.ForeignKeyField):
        target = field.rel_model
        key = value.get_id() if isinstance(value, peewee.Model) else value
        label = _row_label_by_id(target, key)
        return label or f"#{key}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@contextmanager
def _cached_lookups() -> Iterator[None]:
    """Within a bulk record, each unit, person, company … is looked up once, and the entries are
    written together at the end."""
    outer = getattr(_local, "cache", None)
    if outer is None:
        _local.cache, _local.pending = {}, []
    try:
        yield
        if outer is None:
            entries, _local.pending = _local.pending, None
            _insert(entries)
    finally:
        if outer is None:
            _local.cache, _local.pending = None, None


def _row_label_by_id(model, key) -> str:
    cache = getattr(_local, "cache", None)
    if cache is not None:
        cache_key = ("label", model, key)
        if cache_key not in cache:
            cache[cache_key] = _row_label_by_id_uncached(model, key)
        return cache[cache_key]
    return _row_label_by_id_uncached(model, key)


def _row_label_by_id_uncached(model, key) -> str:
    fields = model._meta.fields
    columns = [fields[n] for n in ("code", "number", "name", "display_name") if n in fields]
    if not columns:
        return ""
    try:
        row = model.select(*columns).where(model._meta.primary_key == key).tuples().first()
    except peewee.PeeweeException:
        return ""
    return " ".join(str(v) for v in row if v not in (None, "")) if row else ""


def row_label(model, data: dict) -> str:
    """A short name for a record: its code and name, or what its foreign keys point at."""
    fields = model._meta.fields
    parts = [str(data[n]) for n in ("code", "name", "display_name") if n in fields and data.get(n)]
    if parts:
        return " ".join(dict.fromkeys(parts))[:200]
    for name, field in fields.items():
        if isinstance(field, peewee.ForeignKeyField) and name != "project" and data.get(name) is not None:
            label = value_text(model, name, data[name])
            if label:
                return label[:200]
    return f"#{data.get('id')}" if data.get("id") is not None else ""


def project_id_of(model, data: dict) -> int | None:
    """The project a record belongs to (for the project's history): itself, its `project`, or the
    `project` of the record its first foreign key points at (a team member → its team → project)."""
    if model._meta.table_name == "project":
        return data.get("id")
    fields = model._meta.fields
    if "project" in fields:
        value = data.get("project")
        return value.get_id() if isinstance(value, peewee.Model) else value
    for name, field in fields.items():
        if isinstance(field, peewee.ForeignKeyField) and "project" in field.rel_model._meta.fields:
            key = data.get(name)
            if key is None:
                continue
            key = key.get_id() if isinstance(key, peewee.Model) else key
            target = field.rel_model
            cache, cache_key = getattr(_local, "cache", None), ("project", target, key)
            if cache is not None and cache_key in cache:
                return cache[cache_key]
            found = target.select(target._meta.fields["project"]).where(target._meta.primary_key == key).scalar()
            if cache is not None:
                cache[cache_key] = found
            return found
    return None


def snapshot_text(model, data: dict) -> str:
    """The interesting values of a record, for a created or deleted one (a deletion can be redone)."""
    skip = skipped_fields(model)
    values = {}
    for name in model._meta.sorted_field_names:
        if name in skip or name not in data:
            continue
        text = value_text(model, name, data[name])
        if text != "":
            values[field_label(model, name)] = text
    return json.dumps(values, ensure_ascii=False)


# --- writing -----------------------------------------------------------------------------------
def _entry(action: str, model, row_id, label: str, project_id, field: str = "", old: str = "", new: str = "",
           *, at: dt.datetime, actor: tuple[int | None, str]) -> dict:
    return {
        "at": at, "user_id": actor[0], "user_name": (actor[1] or "")[:64], "action": action,
        "table_name": model._meta.table_name if not isinstance(model, str) else model,
        "row_id": row_id, "row_label": (label or "")[:200], "project_id": project_id,
        "field": field[:64], "old_value": old, "new_value": new,
    }


TRAIL_TABLE = "audit_entry"
TRAIL_COLUMNS = ("at", "user_id", "user_name", "action", "table_name", "row_id", "row_label", "project_id", "field",
                 "old_value", "new_value")


def _write(entries: list[dict]) -> None:
    pending = getattr(_local, "pending", None)
    if pending is not None:
        pending.extend(entries)
        return
    _insert(entries)


def _insert(entries: list[dict]) -> None:
    # Through the DB-API cursor: peewee's insert_many builds a query node per value, which made
    # recording 10,000 imported projects take seconds instead of a fraction of one.
    as_text = isinstance(database.obj, peewee.SqliteDatabase)  # as peewee stores it there
    params = [
        tuple((e[c].isoformat(sep=" ") if as_text else e[c]) if c == "at" else e[c] for c in TRAIL_COLUMNS)
        for e in entries
    ]
    _insert_params(params)


def _insert_params(params: list[tuple]) -> None:
    """Trail rows as tuples in TRAIL_COLUMNS order (`at` already as the database stores it)."""
    if not params:
        return
    mark = database.param
    columns = ", ".join(f'"{c}"' for c in TRAIL_COLUMNS)
    sql = f'INSERT INTO "audit_entry" ({columns}) VALUES ({", ".join([mark] * len(TRAIL_COLUMNS))})'
    with database.atomic():
        cursor = database.cursor()
        for start in range(0, len(params), 500):
            cursor.executemany(sql, params[start:start + 500])


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def record_create(model, data: dict) -> None:
    actor = actor_provider()
    _write([_entry(CREATE, model, data.get("id"), row_label(model, data), project_id_of(model, data),
                   new=snapshot_text(model, data), at=_now(), actor=actor)])


def record_deletes(model, rows: Iterable[dict]) -> None:
    actor, at = actor_provider(), _now()
    with _cached_lookups():
        entries = [
            _entry(DELETE, model, data.get("id"), row_label(model, data), project_id_of(model, data),
                   old=snapshot_text(model, data), at=at, actor=actor)
            for data in rows
        ]
    _write(entries)


def record_update(model, row_id, changes: dict[str, tuple], data: dict) -> None:
    """`changes`: field name → (old, new) Python values; skipped fields are left out here."""
    skip = skipped_fields(model)
    wanted = {n: pair for n, pair in changes.items() if n not in skip}
    if not wanted:
        return
    actor, at = actor_provider(), _now()
    label, project_id = row_label(model, data), project_id_of(model, data)
    entries = []
    for name, (old, new) in wanted.items():
        old_text, new_text = value_text(model, name, old), value_text(model, name, new)
        if old_text != new_text:
            entries.append(_entry(UPDATE, model, row_id, label, project_id, name, old_text, new_text, at=at, actor=actor))
    if entries:
        _write(entries)


def record_bulk_create(model, ids: Iterable[int], *, note: str = "") -> int:
    """One trail entry per record inserted in bulk (insert_many or the import's fast path), which
    `save()` never saw: who, when, which record (its code and name), and `note` (e.g. the file it
    came from) — not every field, which keeps 10,000 imported projects well under a second.
    Returns the count."""
    if not is_audited(model):
        return 0
    ids = list(ids)
    actor, at = actor_provider(), _now()
    fields = model._meta.fields
    wanted = [fields[n] for n in ("id", "code", "name", "display_name", "project") if n in fields]
    count = 0
    with _cached_lookups():
        for start in range(0, len(ids), 500):
            batch = ids[start:start + 500]
            rows = model.select(*wanted).where(model._meta.primary_key.in_(batch)).dicts()
            entries = [
                _entry(CREATE, model, data.get("id"), row_label(model, data), project_id_of(model, data),
                       new=note, at=at, actor=actor)
                for data in rows
            ]
            _write(entries)
            count += len(entries)
    return count


def record_bulk_create_labelled(model, labelled: Iterable[tuple[int, str, int | None]], *, note: str = "") -> int:
    """record_bulk_create for records the caller has just written and still holds: (id, label,
    project id) each — no query back and no per-entry lookups (the import's 10,000 projects)."""
    params = created_entries(model, labelled, note=note)
    _insert_params(params)
    return len(params)


def created_entries(model, labelled: Iterable[tuple[int, str, int | None]], *, note: str = "") -> list[tuple]:
    """The trail rows record_bulk_create_labelled writes, in TRAIL_COLUMNS order, for a caller that
    writes them itself (in the same transaction as the records)."""
    if not is_audited(model):
        return []
    (user_id, user_name), at = actor_provider(), _now()
    table = model._meta.table_name
    at_value = at.isoformat(sep=" ") if isinstance(database.obj, peewee.SqliteDatabase) else at
    fixed = (at_value, user_id, (user_name or "")[:64], CREATE, table)
    return [(*fixed, row_id, (label or "")[:200], project_id, "", "", note) for row_id, label, project_id in labelled]


def record_event(table_name: str, row_id, action: str, field: str = "", old: str = "", new: str = "", *,
                 label: str = "", project_id: int | None = None) -> None:
    """An entry the automatic trail cannot see (a password reset, a login created on the server)."""
    _write([_entry(action, table_name, row_id, label, project_id, field, old, new, at=_now(), actor=actor_provider())])
