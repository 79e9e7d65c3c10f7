"""What every record carries (a stable UUID, updated_at) and exact money in 万元."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from peewee import fn

from desktop.models import ALL_MODELS, Company, LifecycleStep, Person, Project, Unit
from desktop.models.base import BaseModel, WanYuanField, yuan_to_wan


def _project(code: str, total: Decimal, **extra) -> Project:
    return Project.create(code=code, name=f"项目{code}", total_investment=total, **extra)


def test_every_exchanged_table_has_uuid_and_updated_at():
    for model in ALL_MODELS:
        if issubclass(model, BaseModel):
            fields = model._meta.fields
            assert "uuid" in fields and "updated_at" in fields, model.__name__
            assert fields["uuid"].unique, model.__name__


def test_records_get_a_distinct_uuid_and_an_updated_at(fresh_db):
    first = Unit.create(name="测试单位甲")
    second = Unit.create(name="测试单位乙")
    assert re.fullmatch(r"[0-9a-f]{32}", first.uuid)
    assert first.uuid != second.uuid
    assert isinstance(first.updated_at, dt.datetime)
    assert abs(first.updated_at - dt.datetime.now()) < dt.timedelta(minutes=1)
    # The default steps and units seeded by init_database carry them too.
    assert LifecycleStep.select().where(LifecycleStep.uuid.is_null() | (LifecycleStep.uuid == "")).count() == 0
    assert Unit.select(fn.COUNT(fn.DISTINCT(Unit.uuid))).scalar() == Unit.select().count()


def test_uuid_is_stable_and_updated_at_moves_on_save(fresh_db):
    person = Person.create(name="李四")
    old = dt.datetime(2020, 1, 1, 8, 0, 0)
    Person.update(updated_at=old).where(Person.id == person.id).execute()

    person = Person.get_by_id(person.id)
    assert person.updated_at == old
    uuid_before = person.uuid
    person.phone = "0598-2323232"
    person.save()

    again = Person.get_by_id(person.id)
    assert again.uuid == uuid_before
    assert again.updated_at > old
    assert again.phone == "0598-2323232"


@pytest.mark.parametrize(
    "amount",
    [Decimal("0.0001"), Decimal("12345.6789"), Decimal("150000"), Decimal("9999.9999"), Decimal("1"), Decimal("0")],
)
def test_wanyuan_amounts_round_trip_exactly(fresh_db, amount):
    project = _project("T-2022-0001", amount, fixed_asset_investment=amount)
    loaded = Project.get_by_id(project.id)
    assert loaded.total_investment == amount
    assert isinstance(loaded.total_investment, Decimal)
    assert loaded.fixed_asset_investment == amount


def test_wanyuan_is_stored_as_whole_yuan(fresh_db):
    project = _project("T-2022-0001", Decimal("12345.6789"))
    raw = Project.select(Project.total_investment).where(Project.id == project.id).tuples().get()
    database = Project._meta.database
    stored = database.execute_sql(f"SELECT total_investment FROM project WHERE id = {database.param}", (project.id,)).fetchone()[0]
    assert stored == 123456789
    assert raw[0] == Decimal("12345.6789")


def test_sums_of_amounts_are_exact(fresh_db):
    # Ten times 0.1 万元 (a sum that drifts in binary floating point) and a few awkward amounts.
    amounts = [Decimal("0.1")] * 10 + [Decimal("12345.6789"), Decimal("0.0001"), Decimal("7654.3210")]
    for i, amount in enumerate(amounts, 1):
        _project(f"T-2022-{i:04d}", amount)
    total_yuan = Project.select(fn.SUM(Project.total_investment).coerce(False)).scalar()
    assert yuan_to_wan(total_yuan) == sum(amounts) == Decimal("20001")


def test_empty_optional_amounts_stay_empty(fresh_db):
    project = _project("T-2022-0001", Decimal(100))
    loaded = Project.get_by_id(project.id)
    assert loaded.fixed_asset_investment is None
    assert loaded.signed_amount is None
    assert loaded.arrived_funds is None


def test_wanyuan_field_conversions():
    field = WanYuanField()
    assert field.db_value(Decimal("1.5")) == 15000
    assert field.db_value("2") == 20000
    assert field.db_value(None) is None
    assert field.python_value(150000000) == Decimal("15000")
    assert str(field.python_value(150000000)) == "15000"
    assert field.python_value(123456789) == Decimal("12345.6789")
    assert field.python_value(None) is None


def test_company_names_are_searchable_by_initials_when_saved(fresh_db):
    from desktop.services.projects import company_for_name

    company = company_for_name("福建富远铝业有限公司")
    loaded = Company.get_by_id(company.id)
    assert loaded.name_initials == "fjfylyyxgs"
    assert "fyly" in loaded.name_initials
    # The same investor typed with other spacing is the same company.
    assert company_for_name(" 福建富远铝业 有限公司 ").id == company.id
