"""The audit trail（痕迹）as people read it: a project's history, the global list with filters, export.

The trail is written by the models themselves (desktop.models.base.BaseModel); this module reads it.
Bulk inserts that bypass `save()` (the import's fast path, insert_many) call `record_bulk_create`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from desktop.models import audit as audit_model
from desktop.models.audit import ACTION_LABELS, AuditEntry
from desktop.models.base import BaseModel
from desktop.services import access  # noqa: F401 - importing it installs who the trail names

TABLE_LABELS = {
    "project": "项目", "step_record": "项目步骤", "status_change": "状态变更", "company": "投资方",
    "unit": "单位", "person": "人员", "app_user": "用户", "lifecycle_step": "流程步骤", "team": "专班",
    "team_member": "专班成员", "team_policy": "专班政策", "team_problem": "专班问题", "policy_item": "政策条目",
    "review": "即时初审", "review_opinion": "初审意见", "meeting": "领导小组会", "decision": "集体决策",
    "agenda_item": "会议议题", "investor": "客商", "lead": "线索", "target": "目标任务",
    "approval_item": "帮办代办事项", "chain": "产业链", "chain_target": "目标企业",
}
EXTRA_FIELD_LABELS = {"password": "密码", "locked": "锁定", "pg_login": "数据库账号"}

record_bulk_create = audit_model.record_bulk_create
suspended = audit_model.suspended


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    user_name: str
    action: str  # 新建 / 修改 / 删除
    table: str  # the table's Chinese name
    row_id: int | None
    row_label: str
    project_id: int | None
    field: str  # the field's Chinese name ("" for a whole record)
    old_value: str
    new_value: str

    @property
    def change(self) -> str:
        """One line: what happened, as the history list shows it."""
        if self.field:
            return f"{self.field}：{self.old_value or '（空）'} → {self.new_value or '（空）'}"
        text = self.new_value or self.old_value
        try:
            values = json.loads(text) if text else {}
        except ValueError:
            return text
        if isinstance(values, dict):
            return "；".join(f"{k}：{v}" for k, v in values.items())
        return str(values)


def table_label(table_name: str) -> str:
    return TABLE_LABELS.get(table_name, table_name)


def _models_by_table() -> dict[str, type]:
    found: dict[str, type] = {}
    stack = list(BaseModel.__subclasses__())
    while stack:
        model = stack.pop()
        found.setdefault(model._meta.table_name, model)
        stack.extend(model.__subclasses__())
    return found


def _field_label(models: dict, table_name: str, field: str) -> str:
    if not field:
        return ""
    if field in EXTRA_FIELD_LABELS:
        return EXTRA_FIELD_LABELS[field]
    model = models.get(table_name)
    if model is not None:
        return audit_model.field_label(model, field)
    return audit_model.FIELD_LABELS.get(field, field)


def _rows(query) -> list[AuditRow]:
    models = _models_by_table()
    return [
        AuditRow(
            e.id, e.at, e.user_name, ACTION_LABELS.get(e.action, e.action), table_label(e.table_name), e.row_id,
            e.row_label, e.project_id, _field_label(models, e.table_name, e.field), e.old_value, e.new_value,
        )
        for e in query
    ]


ACTIONS = {label: key for key, label in ACTION_LABELS.items()}


def query_audit(
    *,
    user_name: str | None = None,
    table: str | None = None,
    action: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    text: str = "",
    project_id: int | None = None,
    limit: int | None = 5000,
) -> list[AuditRow]:
    """The trail, newest first. `table` is a table name or its Chinese label; `action` is
    create/update/delete or 新建/修改/删除; dates include both ends; `text` is searched in the
    record's name and the old and new values."""
    query = AuditEntry.select().order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if user_name:
        query = query.where(AuditEntry.user_name == user_name)
    if table:
        names = {name for name, label in TABLE_LABELS.items() if label == table} | {table}
        query = query.where(AuditEntry.table_name.in_(list(names)))
    if action:
        query = query.where(AuditEntry.action == ACTIONS.get(action, action))
    if date_from:
        query = query.where(AuditEntry.at >= dt.datetime.combine(date_from, dt.time.min))
    if date_to:
        query = query.where(AuditEntry.at < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min))
    text = (text or "").strip()
    if text:
        query = query.where(
            AuditEntry.row_label.contains(text) | AuditEntry.old_value.contains(text) | AuditEntry.new_value.contains(text)
            | AuditEntry.user_name.contains(text)
        )
    if project_id is not None:
        query = query.where(AuditEntry.project_id == project_id)
    if limit:
        query = query.limit(limit)
    return _rows(query)


def project_history(project_id: int) -> list[AuditRow]:
    """Everything that happened to one project: its fields, steps, status changes, team …, newest first."""
    return query_audit(project_id=project_id, limit=None)


def record_history(table_name: str, row_id: int) -> list[AuditRow]:
    query = (
        AuditEntry.select()
        .where((AuditEntry.table_name == table_name) & (AuditEntry.row_id == row_id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    return _rows(query)


@dataclass(frozen=True)
class FilterOptions:
    users: list[str]
    tables: list[str]  # Chinese labels
    actions: list[str]


def filter_options() -> FilterOptions:
    users = [name for (name,) in AuditEntry.select(AuditEntry.user_name).distinct().order_by(AuditEntry.user_name).tuples()]
    tables = [table_label(name) for (name,) in AuditEntry.select(AuditEntry.table_name).distinct().tuples()]
    return FilterOptions(users, sorted(set(tables)), list(ACTION_LABELS.values()))


HEADERS = ["时间", "用户", "操作", "对象", "记录", "字段", "原值", "新值"]


def export_audit(out_path: str | Path, rows: list[AuditRow] | None = None, *, title: str = "修改痕迹", **filters) -> int:
    """The trail (the given rows, or the rows matching `filters`) as an .xlsx; returns the row count."""
    from desktop.services.excel_export import export_table

    if rows is None:
        rows = query_audit(limit=None, **filters)
    table = [
        [r.at.strftime("%Y-%m-%d %H:%M:%S") if isinstance(r.at, dt.datetime) else str(r.at), r.user_name, r.action,
         r.table, r.row_label, r.field, r.old_value if r.field else ("" if r.action == "新建" else r.change),
         r.new_value if r.field else (r.change if r.action == "新建" else "")]
        for r in rows
    ]
    return export_table(out_path, HEADERS, table, title=title)
