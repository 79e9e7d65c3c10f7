"""The Excel import's fast paths (bench/import.py) give exactly what the plain ways give."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.db import database
from desktop.errors import UserError
from desktop.models import Company, Project, StepRecord
from desktop.models.base import WanYuanField
from desktop.services import defaults
from desktop.services import excel_import as ei
from desktop.services.text import pinyin_initials
from tests.fixtures_excel import write_xlsx

# SQLite's fast paths: its trigger, its stored text and its second writing thread.
pytestmark = pytest.mark.sqlite_only

TODAY = dt.date(2022, 8, 25)
HEADER = ["项目名称", "投资方", "总投资（万元）", "签约时间", "入库时间", "开工时间", "责任单位", "首报单位"]


def trigger_sql():
    return database.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'step_record_project_total_insert'"
    ).fetchone()


def big_list(tmp_path, count: int):
    rows = [HEADER]
    for i in range(count):
        rows.append([f"年产{i}万吨新型材料项目", f"福建{i % 7}号实业有限公司", 100 + i, dt.datetime(2021, 3, 1) + dt.timedelta(days=i % 300),
                     "2022.3.15" if i % 3 else None, dt.datetime(2021, 9, 1) if i % 2 else None,
                     "县工信局" if i % 4 else None, "县商务局" if i % 5 else None])
    return write_xlsx(tmp_path / "big.xlsx", rows)


def test_step_records_carry_their_projects_total_and_the_trigger_is_back(fresh_db, tmp_path):
    before = trigger_sql()
    assert before is not None
    # The import recognises migration 4's trigger (if its text changes, the import is correct but slow
    # again: see excel_import._suspendable_total_trigger).
    assert ei._suspendable_total_trigger("step_record") == before[0]
    path = big_list(tmp_path, 2600)  # three batches of projects
    outcome = ei.commit(ei.analyse(path, today=TODAY), today=TODAY)
    assert outcome.imported == 2600
    assert trigger_sql() == before
    wrong = database.execute_sql(
        "SELECT COUNT(*) FROM step_record s JOIN project p ON p.id = s.project_id "
        "WHERE s.project_total IS NOT p.total_investment").fetchone()[0]
    assert wrong == 0
    assert StepRecord.select().count() == 2600 + 1733 + 1300
    # The trigger works again for records written one by one afterwards.
    project = Project.get(Project.name == "年产5万吨新型材料项目")
    database.execute_sql("DELETE FROM step_record WHERE project_id = ?", (project.id,))
    from desktop.services import lifecycle

    lifecycle.record_step(project.id, defaults.STEP_SIGNED, dt.date(2022, 1, 5), today=TODAY)
    total = database.execute_sql("SELECT project_total FROM step_record WHERE project_id = ?", (project.id,)).fetchone()[0]
    assert total == WanYuanField().db_value(Decimal(105))


def test_batches_write_what_one_batch_would(fresh_db, tmp_path):
    path = big_list(tmp_path, 2600)
    ei.commit(ei.analyse(path, today=TODAY), today=TODAY)
    projects = list(Project.select().order_by(Project.id))
    # Projects in row order, codes in sequence, each with its own steps credited as the rules say.
    assert [p.name for p in projects] == [f"年产{i}万吨新型材料项目" for i in range(2600)]
    assert [p.code for p in projects] == [f"JL-2022-{n:04d}" for n in range(1, 2601)]
    steps = {number: sid for sid, number in database.execute_sql("SELECT id, number FROM lifecycle_step")}
    by_project: dict[int, list] = {}
    for project_id, step_id, done_on, unit_id in database.execute_sql(
            "SELECT project_id, step_id, done_on, unit_id FROM step_record ORDER BY id"):
        by_project.setdefault(project_id, []).append((step_id, done_on, unit_id))
    # Step records were written project after project (ids follow the projects' order).
    assert list(by_project) == sorted(by_project)
    for i in (0, 1, 2, 3, 4, 5, 999, 1000, 1001, 2599):
        p = projects[i]
        expected = {(steps[defaults.STEP_SIGNED], (dt.date(2021, 3, 1) + dt.timedelta(days=i % 300)).isoformat())}
        if i % 3:
            expected.add((steps[defaults.STEP_LIBRARY], "2022-03-15"))
        if i % 2:
            expected.add((steps[defaults.STEP_STARTED], "2021-09-01"))
        assert {(s, d) for s, d, _u in by_project[p.id]} == expected
        first, responsible = p.first_unit_id, p.responsible_unit_id
        for step_id, _d, unit in by_project[p.id]:
            number = next(n for n, sid in steps.items() if sid == step_id)
            if number in defaults.STEPS_CREDITED_TO_FIRST_UNIT:
                assert unit == (first or responsible)
            else:
                assert unit == (responsible or first)
    # One write, one time stamp for every step record.
    assert database.execute_sql("SELECT COUNT(DISTINCT updated_at) FROM step_record").fetchone()[0] == 1
    assert Project.get(Project.name == "年产7万吨新型材料项目").investor.name == "福建0号实业有限公司"
    assert Company.select().count() == 7


def test_failed_import_leaves_the_trigger_and_nothing_else(fresh_db, tmp_path, monkeypatch):
    before = trigger_sql()
    path = big_list(tmp_path, 1500)
    analysis = ei.analyse(path, today=TODAY)
    real = ei._bulk_insert
    written = []

    def fail_on_second_step_batch(model, rows, **kwargs):
        if model is StepRecord:
            written.append(len(rows))
            if len(written) == 2:
                raise RuntimeError("disk full")
        return real(model, rows, **kwargs)
    monkeypatch.setattr(ei, "_bulk_insert", fail_on_second_step_batch)
    with pytest.raises(RuntimeError):
        ei.commit(analysis, today=TODAY)
    assert trigger_sql() == before
    assert Project.select().count() == 0 and StepRecord.select().count() == 0
    monkeypatch.setattr(ei, "_bulk_insert", real)
    assert ei.commit(analysis, today=TODAY).imported == 1500


def test_a_changed_trigger_is_left_alone_and_still_fills_the_total(fresh_db, tmp_path):
    database.execute_sql("DROP TRIGGER step_record_project_total_insert")
    database.execute_sql(
        "CREATE TRIGGER step_record_project_total_insert AFTER INSERT ON step_record BEGIN "
        "UPDATE step_record SET project_total = 1 + (SELECT total_investment FROM project WHERE id = NEW.project_id) "
        "WHERE id = NEW.id; END")
    custom = trigger_sql()
    path = big_list(tmp_path, 30)
    ei.commit(ei.analyse(path, today=TODAY), today=TODAY)
    assert trigger_sql() == custom
    wrong = database.execute_sql(
        "SELECT COUNT(*) FROM step_record s JOIN project p ON p.id = s.project_id "
        "WHERE s.project_total IS NOT p.total_investment + 1").fetchone()[0]
    assert wrong == 0 and StepRecord.select().count() > 30


NAME_CHARS = "将乐县福建实业有限公司年产万吨新型材料及制品项目甲乙重庆长沙银行调研朝阳省藏单解会厦门区参0123456789ABCabcΣΑß（）()-·＆&Ⅱ 　、，.İ"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=NAME_CHARS, max_size=16), min_size=1, max_size=8))
def test_cached_initials_are_pinyin_initials(names):
    initials = ei._InitialsCache()
    for name in names + names:  # the second time from the caches
        assert initials(name) == pinyin_initials(name)


def test_skip_rows_look_at_the_whole_row_for_footnotes():
    mapping = {0: "name", 1: "total_investment"}
    note = "注：金额单位为万元。"
    assert ei._skip_kind([note, note, note, note, note], 0, mapping) == "footnote"
    assert ei._skip_kind([note, "2、日期为签约日期。", None, None, "另"], 0, mapping) == "footnote"
    assert ei._skip_kind([note, note, note, note, 5000], 0, mapping) is None  # an amount somewhere: a row to check
    assert ei._skip_kind([None, "", "  ", "合计", 5, 6], 0, mapping) == "total"
    assert ei._skip_kind([1, "项目", 3, "小计"], 1, mapping) is None  # a total word only counts in the first three
    assert ei._skip_kind([None, " ", None], 0, mapping) == "blank"
    assert ei._skip_kind(["一、轻合金产业", None, None], 0, mapping) == "section"


def test_dates_read_once_per_distinct_cell_keep_their_warnings(fresh_db, tmp_path):
    rows = [["项目名称", "总投资", "签约时间"], ["甲", 100, "2022.3"], ["乙", 200, "2022.3"], ["丙", 300, 1],
            ["丁", 400, 1.0], ["戊", 500, True]]
    analysis = ei.analyse(write_xlsx(tmp_path / "d.xlsx", rows), today=TODAY)
    messages = {(i.row, i.message) for i in analysis.warnings}
    assert (2, "“2022.3”只有年月，按当月 1 日记录") in messages and (3, "“2022.3”只有年月，按当月 1 日记录") in messages
    assert [r.steps for r in analysis.rows][:2] == [{defaults.STEP_SIGNED: dt.date(2022, 3, 1)}] * 2


def test_cancelled_commit_in_a_later_batch_restores_everything(fresh_db, tmp_path):
    before = trigger_sql()
    analysis = ei.analyse(big_list(tmp_path, 2100), today=TODAY)

    def cancel_in_second_batch(done, total):  # total: rows × 2 (checking, then writing)
        return done < total // 2 + 1000
    with pytest.raises(UserError, match="已取消"):
        ei.commit(analysis, progress=cancel_in_second_batch, today=TODAY)
    assert trigger_sql() == before and Project.select().count() == 0
    assert StepRecord.select().count() == 0 and Company.select().count() == 0
    assert ei.commit(analysis, today=TODAY).imported == 2100


def test_a_database_refusal_while_storing_a_later_batch_rolls_everything_back(fresh_db, tmp_path):
    # On SQLite the rows are stored on a second thread (bulk_write.InsertWriter): what SQLite refuses
    # there reaches the user as the import's failure, and nothing of the import stays.
    before = trigger_sql()
    analysis = ei.analyse(big_list(tmp_path, 2100), today=TODAY)
    database.execute_sql(
        "CREATE TRIGGER refuse_late_projects BEFORE INSERT ON project WHEN NEW.name = '年产1500万吨新型材料项目' "
        "BEGIN SELECT RAISE(ABORT, 'disk quota reached'); END")
    import peewee

    with pytest.raises(peewee.IntegrityError, match="disk quota reached"):
        ei.commit(analysis, today=TODAY)
    assert trigger_sql() == before
    assert Project.select().count() == 0 and StepRecord.select().count() == 0 and Company.select().count() == 0
    assert database.execute_sql("SELECT COUNT(*) FROM audit_entry WHERE table_name = 'project'").fetchone()[0] == 0
    database.execute_sql("DROP TRIGGER refuse_late_projects")
    assert ei.commit(analysis, today=TODAY).imported == 2100
    assert Project.select().count() == 2100


def test_a_full_disk_during_the_import_is_told_in_chinese_and_nothing_is_written(fresh_db, tmp_path):
    analysis = ei.analyse(big_list(tmp_path, 2100), today=TODAY)
    (pages,) = database.execute_sql("PRAGMA page_count").fetchone()
    database.execute_sql(f"PRAGMA max_page_count = {pages + 40}")  # the disk fills up part way
    with pytest.raises(UserError, match="磁盘空间不足") as caught:
        ei.commit(analysis, today=TODAY)
    assert "操作前的样子" in str(caught.value)
    database.execute_sql("PRAGMA max_page_count = 1073741823")
    assert Project.select().count() == 0 and StepRecord.select().count() == 0 and Company.select().count() == 0
    assert trigger_sql() is not None
    assert ei.commit(analysis, today=TODAY).imported == 2100
