"""`python -m desktop import` with a real township sheet, as a clerk runs it (issue 3 audit, session 5):
exact rows, columns and messages in the JSON, the error report, the same file twice, --sheet,
--create-missing, --on-duplicate update, and export → import with update changing nothing."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import openpyxl

from tests.cli.test_cli import data_dir, run_cli, small_db  # noqa: F401 - fixtures
from tests.fixtures_excel import write_xlsx
from tests.services.test_excel_import_s5 import township_with_everything

KEYS = {"file", "sheet", "header_row", "rows_read", "valid", "imported", "updated", "skipped", "duplicates", "errors",
        "warnings", "total_investment_wan"}
RED, YELLOW = "FFC7CE", "FFEB9C"


def run_json(*args, data_dir):
    result = run_cli(*args, "--json", data_dir=data_dir)
    assert result.returncode == 0, result.err
    lines = result.out.strip().splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert set(report) == KEYS
    return report


def table_rows(path, table: str, where: str = "") -> list[tuple]:
    with closing(sqlite3.connect(path)) as raw:
        return raw.execute(f'SELECT * FROM "{table}" {where} ORDER BY 1').fetchall()


def test_a_township_sheet_through_the_cli(small_db, data_dir, tmp_path):
    rows, merges = township_with_everything()
    sheet = write_xlsx(tmp_path / "高唐镇 上半年.xlsx", rows, merges=merges, title="高唐镇")
    report_path = tmp_path / "问题清单.xlsx"
    dry = run_json("import", str(sheet), "--db", str(small_db), "--dry-run", "--errors-out", str(report_path),
                   data_dir=data_dir)
    assert (dry["sheet"], dry["header_row"], dry["rows_read"], dry["valid"]) == ("高唐镇", 4, 4, 3)
    assert (dry["imported"], dry["updated"], dry["skipped"], dry["duplicates"]) == (0, 0, 0, [])
    assert dry["errors"] == [{"row": 8, "column": "总投资", "message": "总投资“待定”不是金额，请填写数字（如 15000 或 1.5亿元）"}]
    assert [(w["row"], w["column"]) for w in dry["warnings"]] == [(6, "项目编号"), (7, "签约日期"), (8, "项目进展")]
    assert dry["warnings"][1]["message"] == "“2022年4月”只有年月，按当月 1 日记录"
    assert dry["total_investment_wan"] == 55000
    before = len(table_rows(small_db, "project"))

    # The report: the rows with problems as sent, a 问题说明 column, the problem cells coloured.
    ws = openpyxl.load_workbook(report_path).worksheets[0]
    titles = [c.value for c in ws[1]]
    assert titles[0] == "原行号" and titles[-1] == "问题说明"
    assert "总投资（亿元）" in titles and "计划开工时间" in titles
    lines = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    assert sorted(lines) == [6, 7, 8]
    total_column = titles.index("总投资（亿元）") + 1
    code_column = titles.index("项目编号") + 1
    assert ws.cell(row=lines[8], column=total_column).value == "待定"
    assert ws.cell(row=lines[8], column=total_column).fill.fgColor.rgb.endswith(RED)
    assert ws.cell(row=lines[6], column=code_column).fill.fgColor.rgb.endswith(YELLOW)
    assert ws.cell(row=lines[8], column=len(titles)).value.startswith("[错误]“总投资”总投资“待定”不是金额")

    done = run_json("import", str(sheet), "--db", str(small_db), data_dir=data_dir)
    assert (done["imported"], done["updated"], done["skipped"]) == (3, 0, 0)
    assert len(table_rows(small_db, "project")) == before + 3

    # The same file again: said, and its rows are duplicates of the projects just written.
    again = run_json("import", str(sheet), "--db", str(small_db), data_dir=data_dir)
    assert again["warnings"][0]["row"] == 0 and "以前已经导入过" in again["warnings"][0]["message"]
    assert [d["row"] for d in again["duplicates"]] == [6, 7, 10]
    assert all(isinstance(d["matches"], str) for d in again["duplicates"])
    assert (again["valid"], again["imported"], again["skipped"], again["total_investment_wan"]) == (0, 0, 3, 0)
    assert len(table_rows(small_db, "project")) == before + 3

    # A corrected sheet, imported with update: the changed amount is written, nothing is added.
    rows[6][4] = "4亿元"
    changed = write_xlsx(tmp_path / "高唐镇 更正.xlsx", rows, merges=merges, title="高唐镇")
    updated = run_json("import", str(changed), "--db", str(small_db), "--on-duplicate", "update", data_dir=data_dir)
    assert (updated["imported"], updated["updated"], updated["skipped"]) == (0, 3, 0)
    assert table_rows(small_db, "project", "WHERE name = '高端铝箔坯料项目'")[0].count(4 * 10**8) == 1
    assert len(table_rows(small_db, "project")) == before + 3


def test_the_sheet_option_picks_the_sheet_and_its_row_numbers(small_db, data_dir, tmp_path):
    path = write_xlsx(tmp_path / "两批.xlsx", [["请按模板填写"]], title="填表说明", extra_sheets={
        "第一批": [["项目名称", "投资方", "总投资（万元）"], ["第一批项目", "甲公司", 100]],
        "第二批": [["二批清单"], [None], ["项目名称", "投资方", "总投资（万元）"], ["第二批项目", "乙公司", "待定"]],
    })
    first = run_json("import", str(path), "--db", str(small_db), "--dry-run", data_dir=data_dir)
    assert (first["sheet"], first["header_row"], first["valid"]) == ("第一批", 1, 1)
    second = run_json("import", str(path), "--db", str(small_db), "--dry-run", "--sheet", "第二批", data_dir=data_dir)
    assert (second["sheet"], second["header_row"], second["valid"]) == ("第二批", 3, 0)
    assert [(e["row"], e["column"]) for e in second["errors"]] == [(4, "总投资（万元）")]


def test_create_missing_through_the_cli(small_db, data_dir, tmp_path):
    rows = [["项目名称", "投资方", "总投资（万元）", "责任单位"], ["数据中心", "甲公司", 100, "县大数据局"]]
    path = write_xlsx(tmp_path / "新单位.xlsx", rows)
    left = run_json("import", str(path), "--db", str(small_db), data_dir=data_dir)
    assert [(w["row"], w["column"]) for w in left["warnings"]] == [(2, "责任单位")]
    assert "已留空" in left["warnings"][0]["message"]
    assert table_rows(small_db, "unit", "WHERE name = '县大数据局'") == []
    other = write_xlsx(tmp_path / "新单位2.xlsx", [rows[0], ["数据中心二期", "甲公司", 200, "县大数据局"]])
    created = run_json("import", str(other), "--db", str(small_db), "--create-missing", data_dir=data_dir)
    assert "已新建" in created["warnings"][0]["message"] and created["imported"] == 1
    assert len(table_rows(small_db, "unit", "WHERE name = '县大数据局'")) == 1


def test_export_then_import_with_update_changes_nothing_through_the_cli(small_db, data_dir, tmp_path):
    def everything() -> dict:
        with closing(sqlite3.connect(small_db)) as raw:
            tables = [t for (t,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            return {t: raw.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables if t != "import_record"}

    before = everything()
    exported = tmp_path / "项目库.xlsx"
    result = run_cli("export", "--db", str(small_db), "--out", str(exported), data_dir=data_dir)
    assert result.returncode == 0, result.err
    report = run_json("import", str(exported), "--db", str(small_db), "--on-duplicate", "update", data_dir=data_dir)
    assert report["errors"] == [] and report["warnings"] == []
    assert (report["imported"], report["updated"]) == (0, len(before["project"]))
    assert everything() == before
