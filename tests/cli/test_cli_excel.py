"""`python -m desktop export | template | import` as a user runs them (subprocesses)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing

import openpyxl
import pytest

from tests.cli.test_cli import ROOT, assert_one_chinese_line, data_dir, run_cli, small_db  # noqa: F401 - fixtures

COLUMNS_EXPORTED = ["项目编号", "项目名称", "投资方", "所属产业", "总投资（亿元）", "当前阶段", "状态", "责任单位", "挂钩领导", "所在乡镇", "入库日期"]


def exported_names(path) -> list[str]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert [c.value for c in ws[2]] == COLUMNS_EXPORTED
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True)]
    assert rows[-1][0] == "合计"
    return [r[1] for r in rows[:-1]]


def one_line(result) -> str:
    assert result.returncode == 0, result.err
    assert result.err == ""
    lines = result.out.strip().splitlines()
    assert len(lines) == 1, result.out
    return lines[0]


# --- export -----------------------------------------------------------------------------------------


def test_export_everything(small_db, data_dir, tmp_path):
    target = tmp_path / "导出 全部.xlsx"
    line = one_line(run_cli("export", "--db", str(small_db), "--out", str(target), data_dir=data_dir))
    assert line == f"已导出 9 个项目到 {target}"
    names = exported_names(target)
    assert len(names) == 9 and names[0] == "富远新型铝材产业园"
    ws = openpyxl.load_workbook(target).worksheets[0]
    assert ws["A1"].value.startswith("将乐县招商服务中心 项目库（导出于 ") and "共 9 个" in ws["A1"].value
    assert ws.freeze_panes == "C3" and ws.auto_filter.ref == "A2:K11"
    assert ws["E3"].value == 1.5 and ws["E3"].number_format == "0.00"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--band", "yi"], 5),
        (["--band", "10yi"], 0),
        (["--band", "yi", "--status", "正常", "--township", "水南镇"], 5),
        (["--status", "暂缓"], 2),
        (["--stage", "洽谈"], 3),
        (["--stage", "在建", "--unit", "将乐经济开发区"], 2),
        (["--search", "血灵芝"], 2),
        (["--industry", "轻合金"], 0),
    ],
)
def test_export_filters(small_db, data_dir, tmp_path, args, expected):
    target = tmp_path / "筛选.xlsx"
    line = one_line(run_cli("export", "--db", str(small_db), "--out", str(target), *args, data_dir=data_dir))
    assert line.startswith(f"已导出 {expected} 个项目到 ")
    assert len(exported_names(target)) == expected


def test_export_search_keeps_the_library_order(small_db, data_dir, tmp_path):
    target = tmp_path / "查找.xlsx"
    one_line(run_cli("export", "--db", str(small_db), "--out", str(target), "--search", "血灵芝", data_dir=data_dir))
    assert exported_names(target) == ["血灵芝加工", "血灵芝深加工二期"]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--stage", "不知道"], ["不知道", "洽谈"]),
        (["--unit", "县外星局"], ["县外星局"]),
        (["--township", "火星镇"], ["火星镇"]),
    ],
)
def test_export_refuses_unknown_names(small_db, data_dir, tmp_path, args, fragments):
    target = tmp_path / "x.xlsx"
    result = run_cli("export", "--db", str(small_db), "--out", str(target), *args, data_dir=data_dir)
    assert result.returncode == 1
    assert_one_chinese_line(result, *fragments)
    assert not target.exists()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["export", "--db", "x.db"], "--out"),
        (["export", "--out", "a.xlsx", "--band", "5yi"], "5yi"),
        (["export", "--out", "a.xlsx", "--status", "完成"], "完成"),
        (["template"], "--out"),
        (["import"], "FILE"),
        (["import", "a.xlsx", "--on-duplicate", "merge"], "merge"),
    ],
)
def test_bad_arguments(data_dir, args, fragment):
    result = run_cli(*args, data_dir=data_dir)
    assert result.returncode == 2
    assert_one_chinese_line(result, fragment, args[0], "--help")


def test_export_to_a_file_that_is_not_xlsx(small_db, data_dir, tmp_path):
    result = run_cli("export", "--db", str(small_db), "--out", str(tmp_path / "a.csv"), data_dir=data_dir)
    assert result.returncode == 1
    assert_one_chinese_line(result, ".xlsx")


def test_export_into_a_missing_folder(small_db, data_dir, tmp_path):
    result = run_cli("export", "--db", str(small_db), "--out", str(tmp_path / "没有" / "a.xlsx"), data_dir=data_dir)
    assert result.returncode == 1
    assert_one_chinese_line(result, "文件夹不存在")


def test_export_needs_an_existing_database(data_dir, tmp_path):
    result = run_cli("export", "--db", str(tmp_path / "没有.db"), "--out", str(tmp_path / "a.xlsx"), data_dir=data_dir)
    assert result.returncode == 1
    assert_one_chinese_line(result, "不存在")
    assert not (tmp_path / "没有.db").exists() and not (tmp_path / "a.xlsx").exists()


# --- template ---------------------------------------------------------------------------------------


def test_template_with_the_built_in_lists(data_dir, tmp_path):
    target = tmp_path / "模板.xlsx"
    line = one_line(run_cli("template", "--out", str(target), data_dir=data_dir))
    assert str(target) in line and "内置" in line
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["项目清单", "填表说明", "下拉列表"]
    assert wb["下拉列表"].sheet_state == "hidden"
    assert wb["项目清单"]["A1"].value == "项目编号"
    assert not (data_dir / "investdesk.db").exists()  # no database made on the way


def test_template_with_the_lists_of_a_database(small_db, data_dir, tmp_path):
    with closing(sqlite3.connect(small_db)) as raw:
        raw.execute("UPDATE project SET industry = '竹木加工' WHERE id = 1")
        raw.commit()
    target = tmp_path / "模板.xlsx"
    line = one_line(run_cli("template", "--out", str(target), "--db", str(small_db), data_dir=data_dir))
    assert str(small_db) in line
    wb = openpyxl.load_workbook(target)
    industries = [c.value for c in wb["下拉列表"]["A"][1:] if c.value]
    assert "竹木加工" in industries and "轻合金" in industries


def test_template_refuses_a_missing_database(data_dir, tmp_path):
    result = run_cli("template", "--out", str(tmp_path / "t.xlsx"), "--db", str(tmp_path / "none.db"), data_dir=data_dir)
    assert result.returncode == 1
    assert_one_chinese_line(result, "不存在")
    assert not (tmp_path / "t.xlsx").exists()


def test_help_lists_the_excel_commands(data_dir):
    result = run_cli("--help", data_dir=data_dir)
    for command in ("export", "template", "import"):
        assert command in result.out
    export_help = run_cli("export", "--help", data_dir=data_dir)
    assert export_help.returncode == 0 and "--band" in export_help.out and "亿元以上" in export_help.out
    import_help = run_cli("import", "--help", data_dir=data_dir)
    assert import_help.returncode == 0 and "--dry-run" in import_help.out and "--errors-out" in import_help.out


def test_export_and_template_do_not_load_qt(small_db, tmp_path, data_dir):
    script = (
        "import sys\n"
        "from desktop.__main__ import main\n"
        f"assert main(['export', '--db', {str(small_db)!r}, '--out', {str(tmp_path / 'e.xlsx')!r}]) == 0\n"
        f"assert main(['template', '--out', {str(tmp_path / 't.xlsx')!r}]) == 0\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
        "assert not loaded, loaded\n"
    )
    env = dict(os.environ, INVESTDESK_DATA_DIR=str(data_dir))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr.decode("utf-8", errors="replace")


# --- import -----------------------------------------------------------------------------------------


@pytest.fixture
def township_sheet(tmp_path):
    """A township list: a merged title, a header in row 2, a good row, a bad one and two duplicates."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "水南镇"
    ws.append(["水南镇2022年招商引资项目清单"])
    ws.merge_cells("A1:E1")
    ws.append(["项目名称", "投资方", "总投资（万元）", "所属产业", "所在乡镇"])
    ws.append(["新能源电池配件", "福建某某新能源有限公司", 8000, "新能源", "水南镇"])
    ws.append(["缺总投资的项目", "某公司", "待定", "", "水南镇"])
    ws.append(["富远新型铝材产业园", "福建富远铝业有限公司", 150000, "轻合金", "水南镇"])
    ws.append(["新能源电池配件", "福建某某新能源有限公司", 8000, "新能源", "水南镇"])
    path = tmp_path / "水南镇 清单.xlsx"
    wb.save(path)
    return path


def project_count(path) -> int:
    with closing(sqlite3.connect(path)) as raw:
        return raw.execute("SELECT COUNT(*) FROM project").fetchone()[0]


def test_import_dry_run_json(small_db, data_dir, township_sheet):
    pytest.importorskip("desktop.services.excel_import")
    result = run_cli("import", str(township_sheet), "--db", str(small_db), "--dry-run", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.err
    assert len(result.out.strip().splitlines()) == 1
    report = json.loads(result.stdout.decode("utf-8"))
    assert set(report) >= {
        "file", "sheet", "header_row", "rows_read", "valid", "imported", "updated", "skipped",
        "duplicates", "errors", "warnings", "total_investment_wan",
    }
    assert report["file"].endswith("水南镇 清单.xlsx")
    assert report["sheet"] == "水南镇"
    assert report["header_row"] == 2
    assert report["rows_read"] == 4
    assert report["valid"] == 1
    assert (report["imported"], report["updated"], report["skipped"]) == (0, 0, 0)
    assert {(d["row"], d["matches"]) for d in report["duplicates"]} == {(5, "JL-2022-0001"), (6, 3)}
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(4, "总投资（万元）")]
    assert all(set(w) == {"row", "column", "message"} for w in report["warnings"])
    assert report["total_investment_wan"] == 8000
    assert project_count(small_db) == 9


def test_import_commits_and_writes_the_error_report(small_db, data_dir, township_sheet, tmp_path):
    pytest.importorskip("desktop.services.excel_import")
    report_path = tmp_path / "问题清单.xlsx"
    result = run_cli(
        "import", str(township_sheet), "--db", str(small_db), "--json", "--errors-out", str(report_path),
        data_dir=data_dir,
    )
    assert result.returncode == 0, result.err
    report = json.loads(result.stdout.decode("utf-8"))
    assert report["imported"] == 1 and report["updated"] == 0 and report["skipped"] == 2
    assert project_count(small_db) == 10
    assert report_path.exists()
    cells = [c.value for row in openpyxl.load_workbook(report_path).worksheets[0].iter_rows() for c in row]
    assert "问题说明" in cells and "缺总投资的项目" in cells


def test_import_summary_in_chinese(small_db, data_dir, township_sheet):
    pytest.importorskip("desktop.services.excel_import")
    result = run_cli("import", str(township_sheet), "--db", str(small_db), "--dry-run", data_dir=data_dir)
    assert result.returncode == 0, result.err
    assert "读到 4 行" in result.out and "有效 1 行" in result.out and "试运行" in result.out
    assert "第 4 行" in result.out
    assert project_count(small_db) == 9


def test_import_of_an_unreadable_file(small_db, data_dir, tmp_path):
    pytest.importorskip("desktop.services.excel_import")
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"PK\x03\x04" + bytes(100))
    result = run_cli("import", str(bad), "--db", str(small_db), "--json", data_dir=data_dir)
    assert result.returncode == 1
    assert_one_chinese_line(result)
    assert result.out == ""
    missing = run_cli("import", str(tmp_path / "没有.xlsx"), "--db", str(small_db), data_dir=data_dir)
    assert missing.returncode == 1
    assert_one_chinese_line(missing, "没有.xlsx")


def test_the_error_report_is_written_even_when_there_is_nothing_wrong(small_db, data_dir, tmp_path):
    clean = tmp_path / "干净的清单.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["项目名称", "投资方", "总投资（万元）"])
    book.active.append(["没有问题的项目", "某公司", 1000])
    book.save(clean)
    report_path = tmp_path / "问题清单.xlsx"
    stale = openpyxl.Workbook()
    stale.active.append(["原行号", "上一次的问题"])
    stale.save(report_path)
    result = run_cli("import", str(clean), "--db", str(small_db), "--dry-run", "--errors-out", str(report_path),
                     data_dir=data_dir)
    assert result.returncode == 0, result.err
    assert "没有发现问题" in result.out
    rows = list(openpyxl.load_workbook(report_path).worksheets[0].iter_rows(values_only=True))
    assert rows == [("原行号", "项目名称", "投资方", "总投资（万元）", "问题说明")]
