"""Units（部门/乡镇/园区）and people（干部）: the short lists the forms pick from."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN, IntegrityError

from desktop.db import database
from desktop.errors import NotFoundError, UserError, ValidationError
from desktop.models import Person, Unit
from desktop.models.reference import UNIT_KINDS
from desktop.services import access


@dataclass(frozen=True)
class UnitItem:
    id: int
    name: str
    kind: str
    active: bool


@dataclass(frozen=True)
class PersonItem:
    id: int
    name: str
    title: str
    unit_id: int | None
    unit_name: str
    phone: str
    is_leader: bool

    @property
    def label(self) -> str:
        return f"{self.name}（{self.title}）" if self.title else self.name


def list_units(kind: str | None = None, *, include_inactive: bool = False) -> list[UnitItem]:
    query = Unit.select(Unit.id, Unit.name, Unit.kind, Unit.active).order_by(Unit.sort_order, Unit.id)
    if kind:
        query = query.where(Unit.kind == kind)
    if not include_inactive:
        query = query.where(Unit.active == True)  # noqa: E712 - peewee expression
    return [UnitItem(*row) for row in query.tuples()]


def add_unit(name: str, kind: str = "部门") -> int:
    access.require_centre()
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写单位名称"})
    if kind not in UNIT_KINDS:
        raise ValidationError({"kind": f"单位类别应为：{'、'.join(UNIT_KINDS)}"})
    if Unit.select().where(Unit.name == name).exists():
        raise ValidationError({"name": f"已有名为“{name}”的单位"})
    order = (Unit.select(Unit.sort_order).order_by(Unit.sort_order.desc()).limit(1).scalar() or 0) + 1
    return Unit.create(name=name, kind=kind, sort_order=order).id


def update_unit(unit_id: int, *, name: str | None = None, kind: str | None = None, active: bool | None = None) -> None:
    access.require_centre()
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        raise NotFoundError("单位不存在")
    if name is not None:
        name = name.strip()
        if not name:
            raise ValidationError({"name": "请填写单位名称"})
        if Unit.select().where((Unit.name == name) & (Unit.id != unit_id)).exists():
            raise ValidationError({"name": f"已有名为“{name}”的单位"})
        unit.name = name
    if kind is not None:
        if kind not in UNIT_KINDS:
            raise ValidationError({"kind": f"单位类别应为：{'、'.join(UNIT_KINDS)}"})
        unit.kind = kind
    if active is not None:
        unit.active = active
    try:
        unit.save()
    except IntegrityError as exc:  # pragma: no cover - guarded above; a concurrent writer
        raise UserError(f"无法保存单位：{exc}") from exc


def list_people(*, leaders_first: bool = False) -> list[PersonItem]:
    query = (
        Person.select(Person.id, Person.name, Person.title, Person.unit, Unit.name, Person.phone, Person.is_leader)
        .join(Unit, JOIN.LEFT_OUTER, on=(Person.unit == Unit.id))
        .where(Person.active == True)  # noqa: E712
    )
    query = query.order_by(Person.is_leader.desc(), Person.id) if leaders_first else query.order_by(Person.id)
    return [PersonItem(pid, name, title, unit_id, unit_name or "", phone, bool(leader)) for pid, name, title, unit_id, unit_name, phone, leader in query.tuples()]


def save_person(values: dict, person_id: int | None = None) -> int:
    """Create or update a person; values: name, title, unit_id, phone, is_leader."""
    access.require_centre()
    name = (values.get("name") or "").strip()
    errors = {}
    if not name:
        errors["name"] = "请填写姓名"
    phone = (values.get("phone") or "").strip()
    if phone and not all(ch.isdigit() or ch in "-+ ()" for ch in phone):
        errors["phone"] = "电话只能包含数字和 - + ( )"
    unit_id = values.get("unit_id")
    if unit_id is not None and not Unit.select().where(Unit.id == unit_id).exists():
        errors["unit_id"] = "所选单位不存在"
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        person = Person() if person_id is None else Person.get_or_none(Person.id == person_id)
        if person is None:
            raise NotFoundError("人员不存在")
        person.name = name
        person.title = (values.get("title") or "").strip()
        person.unit = unit_id
        person.phone = phone
        person.is_leader = bool(values.get("is_leader"))
        person.save()
    return person.id


def industries() -> list[str]:
    """Industries in use plus the defaults, for the form's pick list."""
    from desktop.models import Project
    from desktop.services.defaults import INDUSTRIES

    used = [row[0] for row in Project.select(Project.industry).distinct().where(Project.industry != "").tuples()]
    return list(dict.fromkeys([*INDUSTRIES, *sorted(used)]))


def company_names() -> list[str]:
    """Investor names for the form's completer."""
    from desktop.models import Company

    return [name for (name,) in Company.select(Company.name).order_by(Company.name).tuples()]
