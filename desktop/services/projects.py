"""Projects: validation, create/edit, codes, duplicates, status history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN, fn

from desktop.db import database
from desktop.errors import NotFoundError, UserError, ValidationError
from desktop.models import Company, Person, Project, StatusChange, Unit
from desktop.models.project import SIGNING_MODES, STATUSES
from desktop.services import access
from desktop.services.database import code_prefix
from desktop.services.text import edit_distance, normalise_name, pinyin_initials

MONEY_FIELDS = {
    "total_investment": "总投资",
    "fixed_asset_investment": "固定资产投资",
    "signed_amount": "签约额",
    "arrived_funds": "到位资金",
    "annual_plan_investment": "年度计划投资",
    "completed_investment": "累计完成投资",
}
TEXT_FIELDS = ("industry", "chain_link", "content", "progress_text", "contact", "remarks", "signing_mode")
UNIT_FIELDS = ("township_id", "responsible_unit_id", "first_unit_id")

# Upper bound against typing errors (an extra zero or two): 1,000 亿元.
MAX_AMOUNT_WAN = Decimal(10000000)
_HALF_YUAN_IN_WAN = Decimal("0.00005")
_NUMBER_FIELDS = (*MONEY_FIELDS.items(), ("land_area", "用地面积"))


def validate_project(values: dict, *, today: dt.date | None = None) -> dict[str, str]:
    """Field name → Chinese message for every problem in `values` (empty when valid).

    Amounts are Decimal 万元 (None when left empty); land area is Decimal 亩.
    """
    today = today or dt.date.today()
    errors: dict[str, str] = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = "请填写项目名称"
    elif len(name) > 200:
        errors["name"] = "项目名称不能超过 200 个字"
    for field, label in _NUMBER_FIELDS:
        number = values.get(field)
        if number is not None and not (number if type(number) is Decimal else Decimal(number)).is_finite():
            errors[field] = f"{label}不是有效的数字"
    total = values.get("total_investment")
    if "total_investment" in errors:
        pass
    elif total is None:
        errors["total_investment"] = "请填写总投资"
    elif total > MAX_AMOUNT_WAN:
        errors["total_investment"] = "总投资超过 1000 亿元，请检查单位（万元/亿元）"
    elif total < _HALF_YUAN_IN_WAN:
        # Stored in whole 元 (rounded half up): less than half a 元 would be saved as 0.
        errors["total_investment"] = "总投资必须大于 0"
    for field, label in MONEY_FIELDS.items():
        amount = values.get(field)
        if amount is None or field in errors:
            continue
        if amount < 0:
            errors[field] = f"{label}不能为负数"
        elif amount > MAX_AMOUNT_WAN:
            errors[field] = f"{label}超过 1000 亿元，请检查单位（万元/亿元）"
    fixed = values.get("fixed_asset_investment")
    if (
        "fixed_asset_investment" not in errors and "total_investment" not in errors
        and fixed is not None and total is not None and fixed > total
    ):
        errors["fixed_asset_investment"] = "固定资产投资不能大于总投资"
    land = values.get("land_area")
    if land is not None and "land_area" not in errors and land < 0:
        errors["land_area"] = "用地面积不能为负数"
    if values.get("signing_mode", "") not in SIGNING_MODES:
        errors["signing_mode"] = "签约方式应为 现场签约 或 云签约"
    status = values.get("status")
    if status is not None and status not in STATUSES:
        errors["status"] = "状态应为 正常、暂缓 或 终止"
    status_on = values.get("status_on")
    if status_on is not None and status_on > today:
        errors["status_on"] = "状态变更日期不能晚于今天"
    return errors


def company_for_name(name: str) -> Company | None:
    """The investor of that (normalised) name, created if new; None for an empty name."""
    name = (name or "").strip()
    if not name:
        return None
    norm = normalise_name(name)
    company = Company.get_or_none(Company.name_norm == norm)
    if company is None:
        company = Company.create(name=name, name_norm=norm, name_initials=pinyin_initials(name))
    return company


def next_code(year: int | None = None, prefix: str | None = None) -> str:
    """The next free PREFIX-YEAR-NNNN code of this installation."""
    year = year or dt.date.today().year
    prefix = prefix or code_prefix()
    stem = f"{prefix}-{year}-"
    last = (
        Project.select(Project.code)
        .where(Project.code.startswith(stem))
        .order_by(Project.code.desc())
        .limit(1)
        .scalar()
    )
    number = int(last[len(stem):]) + 1 if last and last[len(stem):].isdigit() else 1
    return f"{stem}{number:04d}"


def _apply_values(project: Project, values: dict) -> None:
    name = values["name"].strip()
    project.name = name
    project.name_norm = normalise_name(name)
    project.name_initials = pinyin_initials(name)
    project.investor = company_for_name(values.get("investor_name", ""))
    for field in MONEY_FIELDS:
        setattr(project, field, values.get(field))
    project.land_area = values.get("land_area")
    for field in TEXT_FIELDS:
        setattr(project, field, (values.get(field) or "").strip())
    for field in UNIT_FIELDS:
        unit_id = values.get(field)
        if unit_id is not None and not Unit.select().where(Unit.id == unit_id).exists():
            raise NotFoundError("所选单位不存在")
        setattr(project, field, unit_id)
    leader_id = values.get("leader_id")
    if leader_id is not None and not Person.select().where(Person.id == leader_id).exists():
        raise NotFoundError("所选挂钩领导不存在")
    project.leader = leader_id
    project.is_key = bool(values.get("is_key"))


def create_project(values: dict, *, today: dt.date | None = None) -> int:
    """Validate and save a new project; returns its id. Raises ValidationError."""
    access.require_edit(access.values_unit_ids(values))
    today = today or dt.date.today()
    errors = validate_project(values, today=today)
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        project = Project(code=values.get("code") or next_code(today.year))
        _apply_values(project, values)
        project.save()
        status = values.get("status") or "正常"
        if status != "正常":
            change_status(project.id, status, values.get("status_on") or today, values.get("status_reason", ""), today=today)
    return project.id


def update_project(project_id: int, values: dict, *, today: dt.date | None = None, expected_version: int | None = None) -> None:
    """Validate and save an existing project; a changed status is recorded with its date.

    `expected_version`: the version the form loaded (values["version"]); someone else's save since
    then raises ConflictError instead of being overwritten."""
    access.require_project_edit(project_id)
    today = today or dt.date.today()
    errors = validate_project(values, today=today)
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        project = Project.get_or_none(Project.id == project_id)
        if project is None:
            raise NotFoundError("项目不存在或已被删除")
        if expected_version is not None:
            project.version = expected_version
        _apply_values(project, values)
        project.save()
        status = values.get("status")
        if status and status != project.status:
            change_status(project_id, status, values.get("status_on") or today, values.get("status_reason", ""), today=today)


def change_status(project_id: int, status: str, changed_on: dt.date, reason: str = "", *, today: dt.date | None = None) -> None:
    access.require_project_edit(project_id)
    today = today or dt.date.today()
    if status not in STATUSES:
        raise UserError("状态应为 正常、暂缓 或 终止")
    if changed_on > today:
        raise UserError("状态变更日期不能晚于今天")
    with database.atomic():
        StatusChange.create(project=project_id, status=status, changed_on=changed_on, reason=(reason or "").strip()[:200])
        Project.update(status=current_status(project_id)).where(Project.id == project_id).execute()


def latest_status_change(project_id: int) -> StatusChange | None:
    """The change with the latest date (a form must not back-date a new one before it)."""
    return (
        StatusChange.select()
        .where(StatusChange.project == project_id)
        .order_by(StatusChange.changed_on.desc(), StatusChange.id.desc())
        .first()
    )


def status_on(project_id: int, day: dt.date) -> str:
    """The status the project had on `day` (正常 before any recorded change)."""
    last = (
        StatusChange.select(StatusChange.status)
        .where((StatusChange.project == project_id) & (StatusChange.changed_on <= day))
        .order_by(StatusChange.changed_on.desc(), StatusChange.id.desc())
        .limit(1)
        .scalar()
    )
    return last or "正常"


def current_status(project_id: int) -> str:
    return status_on(project_id, dt.date.max)


def status_history(project_id: int) -> list[StatusChange]:
    return list(
        StatusChange.select()
        .where(StatusChange.project == project_id)
        .order_by(StatusChange.changed_on, StatusChange.id)
    )


def project_values(project_id: int) -> dict:
    """The values a form shows for a project (the same keys `create_project` takes)."""
    project = Project.get_or_none(Project.id == project_id)
    if project is None:
        raise NotFoundError("项目不存在或已被删除")
    values = {
        "id": project.id,
        "code": project.code,
        "name": project.name,
        "investor_name": project.investor.name if project.investor_id else "",
        "land_area": project.land_area,
        "leader_id": project.leader_id,
        "is_key": project.is_key,
        "status": project.status,
        "stage_no": project.stage_no,
        "version": project.version,
    }
    for field in MONEY_FIELDS:
        values[field] = getattr(project, field)
    for field in TEXT_FIELDS:
        values[field] = getattr(project, field)
    for field in UNIT_FIELDS:
        values[field] = getattr(project, field)
    return values


@dataclass(frozen=True)
class SimilarProject:
    project_id: int
    code: str
    name: str
    investor_name: str
    same: bool  # same normalised name and investor
    distance: int  # edit distance between the normalised names

    def describe(self) -> str:
        who = f"（{self.investor_name}）" if self.investor_name else ""
        if self.same:
            return f"已有同名项目：{self.code} {self.name}{who}"
        if self.distance == 0:
            return f"已有同名项目：{self.code} {self.name}{who}，投资方不同"
        return f"已有相近项目：{self.code} {self.name}{who}，名称相差 {self.distance} 个字"


def find_similar(name: str, investor_name: str = "", *, exclude_id: int | None = None, max_distance: int = 2) -> list[SimilarProject]:
    """Projects with the same normalised name and investor, or a name within `max_distance` edits."""
    norm = normalise_name(name)
    if not norm:
        return []
    investor_norm = normalise_name(investor_name)
    # Cheap pre-filter in SQL by length before the edit distance in Python.
    query = Project.select(Project.id, Project.code, Project.name, Project.name_norm, Company.name, Company.name_norm).join(
        Company, join_type=JOIN.LEFT_OUTER, on=(Project.investor == Company.id)
    )
    name_length = fn.LENGTH(Project.name_norm)
    query = query.where((name_length >= len(norm) - max_distance) & (name_length <= len(norm) + max_distance))
    if exclude_id is not None:
        query = query.where(Project.id != exclude_id)
    found = []
    for pid, code, pname, pnorm, cname, cnorm in query.tuples():
        distance = edit_distance(norm, pnorm, limit=max_distance)
        if distance > max_distance:
            continue
        # Same name but another investor is reported as close (distance 0), not as the same.
        same = distance == 0 and (cnorm or "") == investor_norm
        found.append(SimilarProject(pid, code, pname, cname or "", same, distance))
    found.sort(key=lambda s: (not s.same, s.distance, s.code))
    return found[:10]


def delete_project(project_id: int) -> None:
    access.require_admin()
    with database.atomic():
        if not Project.delete().where(Project.id == project_id).execute():
            raise NotFoundError("项目不存在或已被删除")
