"""Bulk inserts (the import's fast path) store exactly what peewee's own save() would store."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.db import database
from desktop.models import Company, Project, StepRecord
from desktop.models.base import WanYuanField
from desktop.services import bulk_write

AMOUNTS = st.one_of(
    st.none(),
    st.decimals(min_value=Decimal(-10) ** 9, max_value=Decimal(10) ** 9, allow_nan=False, allow_infinity=False, places=4),
    st.integers(min_value=-10**9, max_value=10**9).map(Decimal),
    st.sampled_from([Decimal("1E+3"), Decimal("-0"), Decimal("15000.00"), Decimal("0.00005"), Decimal("2.5E+2")]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(AMOUNTS, min_size=1, max_size=12))
def test_a_column_of_amounts_is_stored_as_db_value_stores_each(amounts):
    field = WanYuanField()
    expected = [field.db_value(a) for a in amounts]
    assert bulk_write._stored_column(field, list(amounts)) == expected
    assert bulk_write.stored_amounts(list(amounts), field.db_value) == expected


def test_new_uuids_are_distinct_version_4_hex():
    values = bulk_write.new_uuids(2000)
    assert len(set(values)) == 2000
    assert all(re.fullmatch(r"[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}", v) for v in values)


def test_rows_read_back_as_saved_ones(fresh_db):
    Project.create(code="T-1", name="逐条保存的项目", total_investment=Decimal("15000"),
                           land_area=Decimal("35.5"), signed_on=dt.date(2022, 3, 15), fixed_asset_investment=None)
    bulk_write.insert_rows(Project, [
        {"code": "T-2", "name": "成批写入的项目", "total_investment": Decimal("15000"), "land_area": Decimal("35.5"),
         "signed_on": dt.date(2022, 3, 15), "fixed_asset_investment": None},
        {"code": "T-3", "name": "成批写入的项目二", "total_investment": Decimal("0.5"), "land_area": None,
         "signed_on": None, "fixed_asset_investment": Decimal("0.25")},
    ])
    one, two, three = (Project.get(Project.code == c) for c in ("T-1", "T-2", "T-3"))
    for field in ("total_investment", "land_area", "signed_on", "fixed_asset_investment", "status", "version", "is_key"):
        assert getattr(two, field) == getattr(one, field), field
    assert three.total_investment == Decimal("0.5") and three.fixed_asset_investment == Decimal("0.25")
    assert three.signed_on is None and three.land_area is None
    assert len({one.uuid, two.uuid, three.uuid}) == 3 and two.updated_at is not None


def test_rows_that_leave_out_different_fields_take_the_defaults(fresh_db):
    bulk_write.insert_rows(Company, [{"name": "甲公司", "name_norm": "甲公司"}, {"name": "乙公司", "credit_code": None}])
    first, second = Company.select().order_by(Company.id)
    assert (first.name, first.name_norm, second.name, second.name_norm) == ("甲公司", "甲公司", "乙公司", "")
    assert first.uuid != second.uuid and first.version == second.version == 1


def test_extra_columns_and_the_stamp_are_written(fresh_db):
    project = Project.create(code="T-9", name="带总投资副本的项目", total_investment=Decimal("800"))
    step = fresh_db_step()
    bulk_write.insert_rows(StepRecord, [{"project": project.id, "step": step, "done_on": dt.date(2022, 5, 1), "note": ""}],
                           stamp="2022-05-01 08:00:00")
    record = StepRecord.get()
    assert record.done_on == dt.date(2022, 5, 1) and record.updated_at == dt.datetime(2022, 5, 1, 8, 0)
    assert record.not_applicable is False


def fresh_db_step() -> int:
    from desktop.models import LifecycleStep

    return LifecycleStep.select(LifecycleStep.id).order_by(LifecycleStep.number).first().id


def test_many_rows_are_stored_in_order_with_the_ids_reserved_for_them(fresh_db):
    project = Project.create(code="T-10", name="先有的项目", total_investment=Decimal("100"))
    step = fresh_db_step()
    projects = [{"code": f"B-{i:05d}", "name": f"批量项目{i}", "total_investment": Decimal(i + 1)} for i in range(2500)]
    ids = bulk_write.reserve_ids(Project, len(projects))
    assert len(set(ids)) == 2500 and min(ids) > project.id
    # 2,500 projects of 35 columns are more values than one SQLite statement takes: several statements.
    bulk_write.insert_rows(Project, projects, ids=ids)
    stored = dict(Project.select(Project.code, Project.id).where(Project.code.startswith("B-")).tuples())
    assert [stored[row["code"]] for row in projects] == ids
    assert Project.get(Project.code == "B-02499").total_investment == Decimal(2500)
    bulk_write.insert_rows(StepRecord, [{"project": pid, "step": step, "done_on": dt.date(2022, 5, 1), "note": ""}
                                        for pid in ids])
    assert StepRecord.select().where(StepRecord.project.in_(ids)).count() == 2500
    # Ids reserved afterwards follow the rows just written; a new row saved one by one does too.
    assert bulk_write.reserve_ids(Project, 1)[0] > max(ids)
    assert Project.create(code="T-11", name="后来的项目", total_investment=Decimal("1")).id > max(ids)


def test_a_background_writer_stores_everything_by_finish_and_nothing_queued_after_abandon(fresh_db):
    import pytest

    rows = [(f"后台公司{i}", f"后台公司{i}", "", "", "", "", 1, "2022-01-01 00:00:00", f"{i:032x}") for i in range(3000)]
    columns = ['"name"', '"name_norm"', '"name_initials"', '"region"', '"industry"', '"notes"', '"version"',
               '"updated_at"', '"uuid"']
    with database.atomic():
        with bulk_write.InsertWriter(background=True) as writer:
            writer.insert("company", columns, rows)
        assert Company.select().count() == 3000
    assert Company.get(Company.name == "后台公司2999").uuid == f"{2999:032x}"

    class Stop(Exception):
        pass
    with pytest.raises(Stop), database.atomic():
        with bulk_write.InsertWriter(background=True) as writer:
            writer.insert("company", columns, [(f"未完成公司{i}", *row[1:8], f"{i + 5000:032x}") for i, row in enumerate(rows)])
            raise Stop
    assert Company.select().where(Company.name.startswith("未完成公司")).count() == 0
    assert Company.select().count() == 3000


def test_what_the_background_writer_is_refused_is_raised_to_the_caller_as_peewee_raises_it(fresh_db):
    import peewee
    import pytest

    Company.create(name="已有公司", name_norm="已有公司", uuid="0" * 32)
    columns = ['"name"', '"name_norm"', '"name_initials"', '"region"', '"industry"', '"notes"', '"version"',
               '"updated_at"', '"uuid"']
    with pytest.raises(peewee.IntegrityError), database.atomic():
        with bulk_write.InsertWriter(background=True) as writer:
            writer.insert("company", columns, [("重复编号公司", "重复编号公司", "", "", "", "", 1, "2022-01-01 00:00:00", "0" * 32)])
            writer.finish()
    assert Company.select().count() == 1


def test_the_background_writer_gives_back_pythons_thread_switch_interval(fresh_db):
    import sys

    before = sys.getswitchinterval()
    with database.atomic(), bulk_write.InsertWriter(background=True) as writer:
        writer.insert("company", ['"name"', '"name_norm"', '"name_initials"', '"region"', '"industry"', '"notes"',
                                  '"version"', '"updated_at"', '"uuid"'],
                      [("切换公司", "切换公司", "", "", "", "", 1, "2022-01-01 00:00:00", "1" * 32)])
    assert sys.getswitchinterval() == before
    assert Company.get(Company.name == "切换公司").uuid == "1" * 32


def test_statement_sizes_cover_every_row_with_few_distinct_sizes():
    sizes_seen = set()
    for count in range(0, 5000, 7):
        sizes = bulk_write._statement_sizes(count, 910)
        assert sum(sizes) == count and all(0 < size <= 910 for size in sizes)
        sizes_seen.update(sizes)
    # Each distinct size is one more statement SQLite keeps prepared: the full one and powers of two.
    assert sizes_seen <= {910} | {2 ** n for n in range(10)}


COMPANY_COLUMNS = ['"name"', '"name_norm"', '"name_initials"', '"region"', '"industry"', '"notes"', '"version"',
                   '"updated_at"', '"uuid"']


def _companies(prefix: str, count: int, first_uuid: int) -> list[tuple]:
    return [(f"{prefix}{i}", f"{prefix}{i}", "", "", "", "", 1, "2022-01-01 00:00:00", f"{first_uuid + i:032x}")
            for i in range(count)]


@pytest.mark.sqlite_only
def test_nothing_queued_behind_a_refused_statement_is_written_when_sqlite_ended_the_transaction(fresh_db):
    import peewee

    # SQLite may end the whole transaction itself (an I/O error, out of memory); RAISE(ROLLBACK) does it here.
    database.execute_sql("CREATE TRIGGER end_the_transaction BEFORE INSERT ON company WHEN NEW.name = '坏0' "
                         "BEGIN SELECT RAISE(ROLLBACK, 'the transaction was rolled back'); END")
    for attempt in range(20):  # the statements behind the refused one are queued while it runs: try often
        with pytest.raises(peewee.DatabaseError), database.atomic():
            with bulk_write.InsertWriter(background=True) as writer:
                writer.insert("company", COMPANY_COLUMNS, _companies("坏", 1, 10**6 * (attempt + 1)))
                for batch in range(12):
                    writer.insert("company", COMPANY_COLUMNS, _companies(
                        f"后来{attempt}-{batch}-", 200, 10**6 * (attempt + 1) + 1000 * (batch + 1)))
        assert Company.select().count() == 0


@pytest.mark.sqlite_only
@pytest.mark.skipif(not hasattr(__import__("signal"), "pthread_kill"), reason="needs signal.pthread_kill")
def test_ctrl_c_while_waiting_for_the_writer_leaves_nothing_written_and_the_interval_restored(fresh_db):
    import signal
    import sys
    import threading

    # Slow statements, as on a slow disk, so that Ctrl-C comes while the caller waits for the thread.
    database.execute_sql("CREATE TRIGGER slow_disk AFTER INSERT ON company BEGIN SELECT (WITH RECURSIVE c(x) AS "
                         "(SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) SELECT COUNT(*) FROM c); END")
    before = sys.getswitchinterval()
    with pytest.raises(KeyboardInterrupt), database.atomic():
        with bulk_write.InsertWriter(background=True) as writer:
            for batch in range(4):
                writer.insert("company", COMPANY_COLUMNS, _companies(f"批{batch}-", 100, 1000 * batch))
            threading.Timer(0.2, signal.pthread_kill, (threading.main_thread().ident, signal.SIGINT)).start()
    assert Company.select().count() == 0
    assert sys.getswitchinterval() == before
