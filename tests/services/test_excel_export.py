"""Export of the project library as shown: read back with openpyxl, the way a user sees the sheet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from desktop.errors import UserError
from desktop.services import excel_export
from desktop.services.excel_export import export_filtered, export_projects
from desktop.services.project_list import COLUMNS, ProjectFilter, ProjectRow, ProjectRows, filter_indices, load_rows, sort_indices

D = dt.date
TODAY = D(2026, 11, 26)
COL_TOTAL = COLUMNS.index("总投资（亿元）")


@pytest.fixture
def library(fresh_db):
    from tests.small_library import build_small_library

    build_small_library(D(2022, 8, 31))
    return fresh_db


def read(path):
    wb = openpyxl.load_workbook(path)
    return wb, wb.worksheets[0]


def data_rows(ws):
    """Rows between the header (row 2) and the totals row, as values."""
    rows = [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]
    assert rows[-1][0] == "合计"
    return rows[:-1]


def test_export_of_the_whole_library(library, tmp_path):
    target = tmp_path / "项目库.xlsx"
    count = export_filtered(target, ProjectFilter())
    assert count == 9
    wb, ws = read(target)
    assert ws.title == "项目库"
    assert ws["A1"].value == f"将乐县招商服务中心 项目库（导出于 {dt.date.today().isoformat()}，共 9 个）"
    assert ws["A1"].font.bold
    assert "A1:K1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[2]] == list(COLUMNS)
    assert all(c.font.bold for c in ws[2])
    assert ws.freeze_panes == "C3"
    assert ws.auto_filter.ref == "A2:K11"
    assert ws.print_title_rows == "$2:$2"

    first = {name: ws.cell(row=3, column=c + 1) for c, name in enumerate(COLUMNS)}
    assert first["项目编号"].value == "JL-2022-0001"
    assert first["项目名称"].value == "富远新型铝材产业园"
    assert first["项目名称"].font.bold  # 重点项目
    assert first["投资方"].value == "福建富远铝业有限公司"
    assert first["总投资（亿元）"].value == 1.5
    assert first["总投资（亿元）"].number_format == "0.00"
    assert first["当前阶段"].value == "在建"
    assert first["状态"].value == "正常"
    assert first["责任单位"].value == "将乐经济开发区"
    assert first["所在乡镇"].value == "水南镇"
    assert first["挂钩领导"].value is None
    assert first["入库日期"].value == dt.datetime(2022, 3, 1)
    assert first["入库日期"].number_format == "yyyy-mm-dd"
    assert first["入库日期"].is_date

    rows = data_rows(ws)
    assert len(rows) == 9
    # 亿元 to full precision in the cell (shown with 2 decimals): 12345.6789 万元.
    by_name = {r[1]: r for r in rows}
    assert by_name["年产5万吨可降解环保产品"][COL_TOTAL] == 1.23456789
    assert by_name["高频电子变压器"][COLUMNS.index("当前阶段")] == "线索"
    assert by_name["高频电子变压器"][COLUMNS.index("入库日期")] is None
    assert by_name["陶粒混凝土防火保温板"][COLUMNS.index("状态")] == "暂缓"

    totals = ws[12]
    assert totals[0].value == "合计" and totals[0].font.bold
    assert totals[1].value == "共 9 个项目"
    assert totals[COL_TOTAL].value == 11.7
    assert totals[COL_TOTAL].number_format == "0.00"
    assert ws.max_row == 12


def test_widths_suit_chinese_text(library, tmp_path):
    target = tmp_path / "宽度.xlsx"
    export_filtered(target, ProjectFilter())
    _wb, ws = read(target)
    widths = {name: ws.column_dimensions[chr(ord("A") + c)].width for c, name in enumerate(COLUMNS)}
    # 年产5万吨可降解环保产品: 11 Chinese characters + 1 digit = 23 units, plus a margin.
    assert widths["项目名称"] >= 23
    assert widths["投资方"] >= 20  # 福建富远铝业有限公司
    assert widths["入库日期"] >= 10
    assert all(8 <= w <= 48 for w in widths.values())


def test_export_writes_exactly_the_shown_rows_in_the_shown_order(library, tmp_path):
    rows = load_rows()
    shown = filter_indices(rows, ProjectFilter(amount_band="亿元以上"))
    shown = sort_indices(rows, shown, COL_TOTAL, descending=True)
    target = tmp_path / "亿元以上.xlsx"
    assert export_projects(target, rows, shown, title="亿元以上项目") == 5
    wb, ws = read(target)
    assert ws.title == "亿元以上项目"
    assert "亿元以上项目（导出于" in ws["A1"].value and "共 5 个" in ws["A1"].value
    names = [r[1] for r in data_rows(ws)]
    assert names == ["居然之家", "民天（将乐）保供基地", "富远新型铝材产业园", "年产5万吨可降解环保产品", "久策气体（将乐）"]
    totals = ws[ws.max_row]
    assert totals[1].value == "共 5 个项目"
    assert totals[COL_TOTAL].value == pytest.approx(8.73456789)
    assert ws.auto_filter.ref == "A2:K7"


def test_export_filtered_with_stage_and_sort(library, tmp_path):
    target = tmp_path / "洽谈.xlsx"
    count = export_filtered(target, ProjectFilter(stage_phase="洽谈"), sort=(COL_TOTAL, False))
    assert count == 3
    _wb, ws = read(target)
    assert [r[1] for r in data_rows(ws)] == ["血灵芝深加工二期", "陶粒混凝土防火保温板", "年产5万吨可降解环保产品"]


def test_an_empty_selection_still_gives_a_sheet(library, tmp_path):
    target = tmp_path / "空.xlsx"
    assert export_filtered(target, ProjectFilter(text="没有这个项目")) == 0
    _wb, ws = read(target)
    assert "共 0 个" in ws["A1"].value
    assert [c.value for c in ws[2]] == list(COLUMNS)
    assert ws["A3"].value == "合计" and ws["B3"].value == "共 0 个项目"
    assert ws.cell(row=3, column=COL_TOTAL + 1).value == 0


def _row(i: int, name: str, total_yuan: int = 150_000_000, **extra) -> ProjectRow:
    values = dict(
        id=i, code=f"JL-2022-{i:04d}", name=name, investor_id=None, industry="轻合金", total_yuan=total_yuan,
        stage_no=9, status="正常", responsible_unit_id=None, leader_id=None, township_id=None,
        library_on="", is_key=False, search_text=name,
    )
    values.update(extra)
    return ProjectRow(**values)


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    rows = ProjectRows([_row(1, "=HYPERLINK(\"http://x\")"), _row(2, "名称\x07带控制符")], {}, {}, {})
    target = tmp_path / "文本.xlsx"
    export_projects(target, rows, [0, 1], title="项目库", stage_labels={9: "签约"}, installation="测试中心", today=TODAY)
    _wb, ws = read(target)
    assert ws["A1"].value == "测试中心 项目库（导出于 2026-11-26，共 2 个）"
    assert ws["B3"].value == "=HYPERLINK(\"http://x\")"
    assert ws["B3"].data_type == "s"
    assert ws["B4"].value == "名称带控制符"
    assert ws["F3"].value == "签约"


def test_a_target_open_in_excel_gives_a_chinese_error_and_stays_as_it_was(library, tmp_path, monkeypatch):
    target = tmp_path / "已打开.xlsx"
    target.write_bytes(b"the user's file")

    def locked(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(excel_export.os, "replace", locked)
    with pytest.raises(UserError) as caught:
        export_filtered(target, ProjectFilter())
    assert "请先在 Excel/WPS 中关闭该文件" in str(caught.value)
    assert "已打开.xlsx" in str(caught.value)
    assert target.read_bytes() == b"the user's file"
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "测试 数据")  # the test's database folder
    assert left == ["已打开.xlsx"]  # no temporary file left


def test_a_windows_sharing_violation_reads_the_same(tmp_path, monkeypatch):
    def shared(src, dst):
        error = OSError(13, "The process cannot access the file")
        error.winerror = 32
        raise error

    monkeypatch.setattr(excel_export.os, "replace", shared)
    with pytest.raises(UserError, match="关闭该文件"):
        export_projects(tmp_path / "a.xlsx", ProjectRows([_row(1, "甲")], {}, {}, {}), [0], title="项目库",
                        stage_labels={}, installation="x")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "fragment"),
    [("项目库.csv", ".xlsx"), ("没有的文件夹/项目库.xlsx", "文件夹不存在")],
)
def test_targets_a_user_can_fix(tmp_path, name, fragment):
    rows = ProjectRows([_row(1, "甲")], {}, {}, {})
    with pytest.raises(UserError, match=fragment):
        export_projects(tmp_path / name, rows, [0], title="项目库", stage_labels={}, installation="x")


def test_a_folder_as_target(tmp_path):
    (tmp_path / "目录.xlsx").mkdir()
    with pytest.raises(UserError, match="文件夹"):
        export_projects(tmp_path / "目录.xlsx", ProjectRows([], {}, {}, {}), [], title="项目库", stage_labels={}, installation="x")


def test_cancel_leaves_nothing_behind(tmp_path):
    rows = ProjectRows([_row(i, f"项目{i}") for i in range(1, 1201)], {}, {}, {})
    calls = []

    def progress(done, total):
        calls.append((done, total))
        return done < 500

    target = tmp_path / "取消.xlsx"
    with pytest.raises(UserError, match="已取消"):
        export_projects(target, rows, list(range(1200)), title="项目库", progress=progress, stage_labels={}, installation="x")
    assert calls[0] == (0, 1200) and calls[-1] == (500, 1200)
    assert list(tmp_path.iterdir()) == []


def test_progress_reaches_the_end_and_an_existing_file_is_replaced(tmp_path):
    rows = ProjectRows([_row(i, f"项目{i}", total_yuan=i * 10_000) for i in range(1, 1201)], {}, {}, {})
    target = tmp_path / "覆盖.xlsx"
    target.write_bytes(b"old")
    seen = []
    count = export_projects(target, rows, list(range(1200)), title="项目库", progress=lambda d, t: seen.append((d, t)) or True,
                            stage_labels={9: "签约"}, installation="x")
    assert count == 1200
    assert seen[0] == (0, 1200) and seen[-1] == (1200, 1200)
    _wb, ws = read(target)
    assert ws.max_row == 1203
    assert ws.cell(row=1203, column=COL_TOTAL + 1).value == pytest.approx(float(Decimal(sum(range(1, 1201)) * 10_000) / 100_000_000))


def test_ten_thousand_rows_are_quick(tmp_path):
    import time

    rows = ProjectRows(
        [_row(i, f"将乐县第{i}号招商项目", total_yuan=i * 1_000_000, library_on="2022-03-01", responsible_unit_id=1)
         for i in range(1, 10_001)],
        {1: "将乐经济开发区"}, {}, {},
    )
    started = time.perf_counter()
    export_projects(tmp_path / "万行.xlsx", rows, list(range(10_000)), title="项目库", stage_labels={9: "签约"}, installation="x")
    assert time.perf_counter() - started < 10  # ~1 s here; generous for a slow CI machine
