"""The township template: read back with openpyxl as Excel would show it."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from desktop.errors import UserError
from desktop.services import defaults, excel_export
from desktop.services.excel_template import (
    HEADERS,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    TEMPLATE_ROWS,
    write_template,
)

CANONICAL = [
    "项目编号", "项目名称", "投资方", "所属产业", "总投资（万元）", "其中：固定资产投资（万元）", "用地面积（亩）",
    "项目进展", "形象进度", "签约日期", "入库日期", "开工时间", "年度计划投资（万元）", "累计完成投资（万元）",
    "到位资金（万元）", "责任单位", "挂钩领导", "所在乡镇", "联系人及电话", "备注",
]


def letter(name: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(CANONICAL.index(name) + 1)


def validations(ws) -> dict[str, str]:
    """Column letter → the list formula of its dropdown."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list"
        for cell_range in dv.sqref.ranges:
            found[cell_range.coord.split(":")[0].rstrip("0123456789")] = dv.formula1
    return found


def list_values(wb, formula: str) -> list[str]:
    sheet_part, cells = formula.split("!")
    assert sheet_part == f"'{LISTS_SHEET}'"
    ws = wb[LISTS_SHEET]
    return [c.value for row in ws[cells.replace("$", "")] for c in row]


def test_the_default_template(tmp_path):
    target = tmp_path / "填报模板.xlsx"
    assert write_template(target, today=dt.date(2026, 11, 26)) == target
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["项目清单", INSTRUCTIONS_SHEET, LISTS_SHEET]
    assert [wb[name].sheet_state for name in wb.sheetnames] == ["visible", "visible", "hidden"]
    assert wb.active.title == "项目清单"

    ws = wb["项目清单"]
    assert list(HEADERS) == CANONICAL
    assert [c.value for c in ws[1]] == CANONICAL
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "C2"

    # Dropdowns from the hidden list sheet, in the range form, over the rows a township fills.
    dropdowns = validations(ws)
    assert set(dropdowns) == {letter("所属产业"), letter("项目进展"), letter("责任单位"), letter("所在乡镇")}
    for dv in ws.data_validations.dataValidation:
        (only,) = dv.sqref.ranges
        column = only.coord.rstrip("0123456789").split(":")[0].rstrip("0123456789")
        assert only.coord == f"{column}2:{column}{TEMPLATE_ROWS + 1}"
        assert dv.errorStyle == "warning"  # a name not in the list can still be typed
    assert list_values(wb, dropdowns[letter("所属产业")]) == defaults.INDUSTRIES
    assert list_values(wb, dropdowns[letter("所在乡镇")]) == defaults.TOWNSHIPS
    units = list_values(wb, dropdowns[letter("责任单位")])
    assert units == [*defaults.DEPARTMENTS, *defaults.PARKS, *defaults.TOWNSHIPS]
    stages = list_values(wb, dropdowns[letter("项目进展")])
    assert stages[:3] == ["洽谈", "初审", "签约"]
    for _n, _phase, step, *_rest in defaults.DEFAULT_STEPS:
        assert step in stages
    assert len(stages) == len(set(stages))

    # Codes and phones as text, dates as dates, for every row typed later.
    assert ws.column_dimensions[letter("项目编号")].number_format == "@"
    assert ws.column_dimensions[letter("联系人及电话")].number_format == "@"
    for name in ("签约日期", "入库日期", "开工时间"):
        assert ws.column_dimensions[letter(name)].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions[letter("项目名称")].width >= 20

    # One example row, clearly marked.
    example = {name: ws[f"{letter(name)}2"] for name in CANONICAL}
    assert "示例" in example["项目名称"].value
    assert example["备注"].value.startswith("示例")
    assert example["项目名称"].font.italic
    assert example["总投资（万元）"].value == 50000
    assert example["签约日期"].value == dt.datetime(2026, 3, 15)
    assert example["签约日期"].number_format == "yyyy-mm-dd"
    assert example["联系人及电话"].number_format == "@"
    assert example["所在乡镇"].value in defaults.TOWNSHIPS
    assert example["项目进展"].value in stages
    assert ws.max_row == 2

    info = wb[INSTRUCTIONS_SHEET]
    text = "\n".join(str(c.value) for c in info["A"] if c.value)
    assert "将乐县招商服务中心" in text
    for fragment in ("万元", "示例", "下拉列表", "2022-03-15", "联系人及电话", "项目编号"):
        assert fragment in text


def test_lists_from_the_open_database(fresh_db, tmp_path):
    from desktop.services import projects, reference
    from desktop.services.database import set_setting

    unit_id = reference.add_unit("县数据局", "部门")
    reference.update_unit(next(u.id for u in reference.list_units() if u.name == "县林业局"), active=False)
    reference.save_person({"name": "李县长", "title": "副县长", "is_leader": True})
    reference.save_person({"name": "王干事", "title": "科员"})
    projects.create_project({"name": "竹木加工", "total_investment": 3000, "industry": "竹木加工", "responsible_unit_id": unit_id})
    set_setting("installation_name", "水南镇招商办")

    target = tmp_path / "数据库模板.xlsx"
    write_template(target, lists=True)
    wb = openpyxl.load_workbook(target)
    ws = wb["项目清单"]
    dropdowns = validations(ws)
    units = list_values(wb, dropdowns[letter("责任单位")])
    assert "县数据局" in units and "县林业局" not in units
    assert "竹木加工" in list_values(wb, dropdowns[letter("所属产业")])
    assert list_values(wb, dropdowns[letter("挂钩领导")]) == ["李县长"]
    assert ws[f"{letter('挂钩领导')}2"].value == "李县长"
    assert "水南镇招商办" in wb[INSTRUCTIONS_SHEET]["A1"].value


def test_lists_given_by_the_caller(tmp_path):
    target = tmp_path / "自定.xlsx"
    write_template(target, lists={"townships": ["水南镇", "古镛镇", "水南镇"], "industries": ["轻合金"]})
    wb = openpyxl.load_workbook(target)
    dropdowns = validations(wb["项目清单"])
    assert list_values(wb, dropdowns[letter("所在乡镇")]) == ["水南镇", "古镛镇"]
    assert list_values(wb, dropdowns[letter("所属产业")]) == ["轻合金"]
    assert wb["项目清单"][f"{letter('所属产业')}2"].value == "轻合金"


def test_a_list_longer_than_an_inline_list_may_be(tmp_path):
    names = [f"第{i}号产业园区管理委员会" for i in range(1, 81)]
    assert len(",".join(names)) > 255  # Excel's limit for an inline list: the range form is needed
    target = tmp_path / "长列表.xlsx"
    write_template(target, lists={"units": names})
    wb = openpyxl.load_workbook(target)
    formula = validations(wb["项目清单"])[letter("责任单位")]
    assert not formula.startswith('"')
    assert list_values(wb, formula) == names


def test_a_locked_target(tmp_path, monkeypatch):
    target = tmp_path / "模板.xlsx"
    target.write_bytes(b"old")

    def locked(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(excel_export.os, "replace", locked)
    with pytest.raises(UserError, match="请先在 Excel/WPS 中关闭该文件"):
        write_template(target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["模板.xlsx"]


def test_the_import_reads_the_template(fresh_db, tmp_path):
    excel_import = pytest.importorskip("desktop.services.excel_import")
    target = tmp_path / "模板.xlsx"
    write_template(target, lists=True)
    analysis = excel_import.analyse(target)
    assert analysis.sheet == "项目清单"
    assert analysis.header_row == 1
    assert not analysis.errors
