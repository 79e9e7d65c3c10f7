"""Excel import (issue 3): the sheets townships really send, read, checked and written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.errors import UserError
from desktop.models import Company, ImportRecord, Person, Project, StepRecord, Unit
from desktop.services import excel_import as ei
from desktop.services.excel_read import UnreadableFileError
from tests.fixtures_excel import (
    HEADER,
    township_rows,
    write_csv,
    write_encrypted_xlsx,
    write_ods,
    write_xls,
    write_xlsx,
)

TODAY = dt.date(2022, 8, 25)


def issue_of(issues, row):
    return [(i.column, i.message) for i in issues if i.row == row]


def project(name):
    return Project.get(Project.name == name)


# --- the township sheet, end to end ------------------------------------------------------------
def test_township_sheet_is_analysed_with_exact_rows(fresh_db, tmp_path):
    path = write_xlsx(tmp_path / "水南镇.xlsx", township_rows(), merges=["A1:N1"])
    analysis = ei.analyse(path, today=TODAY)
    assert analysis.header_row == 3
    assert analysis.headers[:4] == ["序号", "项目名称", "投资方", "总投资（万元）"]
    assert analysis.mapping[1] == "name" and analysis.mapping[3] == "total_investment" and 0 not in analysis.mapping
    assert analysis.rows_read == 3  # section, total and footnote rows are not counted
    assert analysis.valid == 3
    assert analysis.errors == []
    assert analysis.total_investment_wan == Decimal(32000)
    # 洽谈中 has no date column: a warning on its own cell, nothing invented.
    assert issue_of(analysis.warnings, 8) == [("项目进展", "进展“洽谈中”的完成日期未知（该步骤没有日期列），未记录该步骤，已记入形象进度，请在项目中补记日期")]
    assert Project.select().count() == 0  # analyse writes nothing
    data = analysis.to_json()
    assert set(data) == {"file", "sheet", "header_row", "rows_read", "valid", "imported", "updated", "skipped",
                         "duplicates", "errors", "warnings", "total_investment_wan"}
    assert data["total_investment_wan"] == 32000 and data["imported"] == 0


def test_township_sheet_is_written(fresh_db, tmp_path):
    path = write_xlsx(tmp_path / "水南镇.xlsx", township_rows(), merges=["A1:N1"])
    outcome = ei.commit(ei.analyse(path, today=TODAY), today=TODAY)
    assert (outcome.imported, outcome.updated, outcome.skipped) == (3, 0, 0)
    alu = project("年产2万吨铝型材项目")
    assert alu.code == "JL-2022-0001"
    assert alu.investor.name == "福建富远铝业有限公司"
    assert alu.total_investment == Decimal(15000) and alu.fixed_asset_investment == Decimal(12000)
    assert alu.land_area == Decimal(120)
    assert alu.signed_on == dt.date(2022, 3, 15) and alu.started_on == dt.date(2022, 4, 20)
    assert alu.stage_no == 19
    assert alu.responsible_unit.name == "县工信局" and alu.township.name == "水南镇"
    assert alu.industry == "轻合金"
    assert alu.contact == "袁安邦 13805981234"
    assert alu.name_initials == "nc2wdlxcxm"
    steps = {r.step.number: (r.done_on, r.unit.name) for r in StepRecord.select().where(StepRecord.project == alu.id)}
    assert steps == {9: (dt.date(2022, 3, 15), "县工信局"), 19: (dt.date(2022, 4, 20), "县工信局")}
    chip = project("高精密电子元器件")
    assert chip.total_investment == Decimal(12000) and chip.fixed_asset_investment == Decimal(8000)
    assert chip.land_area == Decimal("35.5") and chip.stage_no == 9 and chip.signed_on == dt.date(2022, 5, 18)
    assert chip.contact == "李明 0598-2321234"
    mush = project("富硒香菇三产融合")
    assert mush.total_investment == Decimal(5000)  # full-width digits as text
    assert mush.stage_no == 0 and mush.township.name == "万安镇"
    record = ImportRecord.get()
    assert (record.file_name, record.imported, record.rows_read) == ("水南镇.xlsx", 3, 3)
    assert len(record.sha256) == 64
    if not isinstance(fresh_db, str):  # a SQLite file (on a server the office's own backups apply)
        assert list((fresh_db.parent / "backups").glob("*before-import*.db"))


def test_same_file_again_is_noticed_and_duplicates_skipped_or_updated(fresh_db, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", township_rows())
    ei.commit(ei.analyse(path, today=TODAY), today=TODAY)
    again = ei.analyse(path, today=TODAY)
    assert again.already_imported
    assert [(d.row, d.matches) for d in again.duplicates] == [(5, "JL-2022-0001"), (6, "JL-2022-0002"), (8, "JL-2022-0003")]
    assert again.valid == 0 and again.total_investment_wan == 0
    assert ei.commit(again, today=TODAY) == ei.ImportOutcome(0, 0, 3)
    assert Project.select().count() == 3
    rows = township_rows()
    rows[4][3] = 16000
    changed = write_xlsx(tmp_path / "b.xlsx", rows)
    outcome = ei.commit(ei.analyse(changed, today=TODAY), on_duplicate="update", today=TODAY)
    assert (outcome.imported, outcome.updated) == (0, 3)
    assert project("年产2万吨铝型材项目").total_investment == Decimal(16000)
    assert Project.select().count() == 3


def test_duplicates_within_the_file_by_normalised_name_and_investor(fresh_db, tmp_path):
    rows = [["项目名称", "投资方", "总投资"],
            ["年产２万吨 铝型材（一期）", "富远", 100],
            ["年产2万吨铝型材(一期)", " 富远 ", 200],
            ["年产2万吨铝型材(一期)", "别家", 300]]
    analysis = ei.analyse(write_xlsx(tmp_path / "d.xlsx", rows), today=TODAY)
    assert [(d.row, d.matches) for d in analysis.duplicates] == [(3, 2)]
    assert analysis.valid == 2 and analysis.total_investment_wan == 400
    assert analysis.to_json()["duplicates"] == [{"row": 3, "matches": 2}]
    outcome = ei.commit(analysis, on_duplicate="update", today=TODAY)
    assert (outcome.imported, outcome.updated, outcome.skipped) == (2, 0, 1)


def test_duplicate_of_existing_project_by_code(fresh_db, tmp_path):
    from desktop.services.projects import create_project

    create_project({"name": "旧名字", "total_investment": Decimal(10), "code": "SN-2022-0007"}, today=TODAY)
    rows = [["项目编号", "项目名称", "总投资"], ["SN-2022-0007", "新名字", 20], ["SN-2022-0099", "另一个", 30]]
    analysis = ei.analyse(write_xlsx(tmp_path / "c.xlsx", rows), today=TODAY)
    assert [(d.row, d.matches) for d in analysis.duplicates] == [(2, "SN-2022-0007")]
    ei.commit(analysis, today=TODAY)
    assert Project.get(Project.code == "SN-2022-0099").name == "另一个"  # the sender's code is kept


# --- errors and warnings with their exact places ----------------------------------------------
def test_row_errors_name_total_and_fixed_above_total(fresh_db, tmp_path):
    rows = [["项目名称", "总投资（万元）", "固定资产投资（万元）"],
            [None, 100, None],
            ["没有总投资", None, None],
            ["待定的", "待定", None],
            ["零", 0, None],
            ["负数", -5, None],
            ["固投超了", 100, 200],
            ["好的", 100, 50]]
    analysis = ei.analyse(write_xlsx(tmp_path / "e.xlsx", rows), today=TODAY)
    errors = [(i.row, i.column, i.message) for i in analysis.errors]
    assert errors == [
        (2, "项目名称", "缺少项目名称"),
        (3, "总投资（万元）", "缺少总投资，请填写总投资（万元）"),
        (4, "总投资（万元）", "总投资“待定”不是金额，请填写数字（如 15000 或 1.5亿元）"),
        (5, "总投资（万元）", "总投资必须大于 0"),
        (6, "总投资（万元）", "总投资必须大于 0"),
        (7, "固定资产投资（万元）", "固定资产投资不能大于总投资"),
    ]
    assert analysis.valid == 1 and analysis.rows_read == 7
    ei.commit(analysis, today=TODAY)
    assert [p.name for p in Project.select()] == ["好的"]


def test_bad_optional_amount_is_a_warning_and_left_empty(fresh_db, tmp_path):
    rows = [["项目名称", "总投资", "到位资金", "用地（亩）"], ["甲", 100, "很多", "约50"]]
    analysis = ei.analyse(write_xlsx(tmp_path / "w.xlsx", rows), today=TODAY)
    assert analysis.errors == []
    assert issue_of(analysis.warnings, 2) == [("到位资金", "“很多”不是金额，已留空"),
                                               ("用地（亩）", "“约50”不是亩数，请填写数字，如 120 或 35.5，已留空")]
    ei.commit(analysis, today=TODAY)
    assert project("甲").arrived_funds is None and project("甲").land_area is None


def test_amounts_in_header_units_and_text_forms(fresh_db, tmp_path):
    rows = [["项目名称", "计划总投资(亿元)", "年度计划投资（万元）", "累计完成投资"],
            ["甲", 1.5, "3000万元", " 8,000 "],
            ["乙", "5亿元", "1.2亿", "０.５亿"],
            ["丙", "２", "1,000", None]]
    analysis = ei.analyse(write_xlsx(tmp_path / "u.xlsx", rows), today=TODAY)
    assert analysis.errors == [] and analysis.warnings == []
    ei.commit(analysis, today=TODAY)
    assert (project("甲").total_investment, project("甲").annual_plan_investment, project("甲").completed_investment) == (15000, 3000, 8000)
    assert (project("乙").total_investment, project("乙").annual_plan_investment, project("乙").completed_investment) == (50000, 12000, 5000)
    assert project("丙").total_investment == 20000


@pytest.mark.parametrize(
    ("cell", "expected", "warning"),
    [
        (dt.datetime(2022, 3, 15), dt.date(2022, 3, 15), None),
        (44635, dt.date(2022, 3, 15), None),
        ("2022.3.15", dt.date(2022, 3, 15), None),
        ("2022/01/20", dt.date(2022, 1, 20), None),
        ("2022-03-15", dt.date(2022, 3, 15), None),
        ("2022年5月18日", dt.date(2022, 5, 18), None),
        ("2022年4月", dt.date(2022, 4, 1), "“2022年4月”只有年月，按当月 1 日记录"),
        ("2022-3", dt.date(2022, 3, 1), "“2022-3”只有年月，按当月 1 日记录"),
        ("待定", None, "日期为“待定”，已留空"),
        ("—", None, "日期为“—”，已留空"),
        ("2099-01-01", None, "日期 2099-01-01 晚于今天，已完成的事项不能填将来的日期，未记录"),
    ],
)
def test_dates_in_every_form(fresh_db, tmp_path, cell, expected, warning):
    rows = [["项目名称", "总投资", "签约日期"], ["甲", 100, cell]]
    analysis = ei.analyse(write_xlsx(tmp_path / "d.xlsx", rows), today=TODAY)
    assert issue_of(analysis.warnings, 2) == ([("签约日期", warning)] if warning else [])
    ei.commit(analysis, today=TODAY)
    assert project("甲").signed_on == expected
    assert project("甲").stage_no == (9 if expected else 0)


def test_planned_start_is_never_a_start_record(fresh_db, tmp_path):
    rows = [["项目名称", "总投资", "计划开工时间", "实际开工时间"], ["甲", 100, "2022-01-01", None]]
    analysis = ei.analyse(write_xlsx(tmp_path / "p.xlsx", rows), today=TODAY)
    assert 2 not in analysis.mapping and analysis.mapping[3] == "started_on"
    ei.commit(analysis, today=TODAY)
    assert project("甲").started_on is None and project("甲").stage_no == 0


def test_stage_words_construction_progress_and_unknown_words(fresh_db, tmp_path):
    rows = [["项目名称", "总投资", "项目阶段", "开工日期", "入库日期", "形象进度"],
            ["甲", 100, "土建完成80%", "2021-10-08", None, None],
            ["乙", 100, "设备调试", "2022-02-01", "2022-01-15", "主体完工"],
            ["丙", 100, "搁置中", None, None, None],
            ["丁", 100, "入库", None, "2022-03-01", None],
            ["戊", 100, "已投产", "2021-01-01", None, None],
            ["己", 100, "云签约", None, None, None]]
    analysis = ei.analyse(write_xlsx(tmp_path / "s.xlsx", rows), today=TODAY)
    assert issue_of(analysis.warnings, 2) == []
    assert issue_of(analysis.warnings, 4) == [("项目阶段", "无法识别的进展“搁置中”，已记入形象进度")]
    assert issue_of(analysis.warnings, 6) == [("项目阶段", "进展“已投产”的完成日期未知（表中没有投产时间），未记录该步骤，已记入形象进度，请在项目中补记日期")]
    assert issue_of(analysis.warnings, 7) == [("项目阶段", "进展“云签约”的完成日期未知（表中没有签约时间），未记录该步骤，已记入形象进度，请在项目中补记日期")]
    ei.commit(analysis, today=TODAY)
    assert (project("甲").stage_no, project("甲").started_on, project("甲").progress_text) == (19, dt.date(2021, 10, 8), "土建完成80%")
    assert (project("乙").stage_no, project("乙").library_on, project("乙").progress_text) == (19, dt.date(2022, 1, 15), "主体完工")
    assert (project("丙").stage_no, project("丙").progress_text) == (0, "搁置中")
    assert project("丁").stage_no == 10
    assert (project("戊").stage_no, project("戊").started_on) == (19, dt.date(2021, 1, 1))
    assert project("己").signing_mode == "云签约"


def test_unknown_unit_township_industry_leader_warn_and_create_missing(fresh_db, tmp_path):
    rows = [["项目名称", "总投资", "责任单位", "所在乡镇", "所属产业", "挂钩领导"],
            ["甲", 100, "县大数据局", "水南", "元宇宙", "王五"]]
    path = write_xlsx(tmp_path / "m.xlsx", rows)
    analysis = ei.analyse(path, today=TODAY)
    columns = [c for c, _ in issue_of(analysis.warnings, 2)]
    assert columns == ["责任单位", "所属产业", "挂钩领导"]  # 水南 → 水南镇 is found
    assert "“县大数据局”不在单位列表中，已留空" in issue_of(analysis.warnings, 2)[0][1]
    ei.commit(analysis, today=TODAY)
    p = project("甲")
    assert p.responsible_unit is None and p.industry == "" and p.leader is None and p.township.name == "水南镇"
    assert "已留空" in issue_of(analysis.warnings, 2)[0][1]  # nothing was created: the warning stands
    Project.delete().execute()
    created = ei.analyse(path, today=TODAY)
    ei.commit(created, create_missing=True, today=TODAY)
    assert [m for _, m in issue_of(created.warnings, 2)] == [
        "“县大数据局”不在单位列表中，已新建这个单位", "产业“元宇宙”不在产业列表中，已按表中写法记入", "“王五”不在人员列表中，已新建这位挂钩领导"]
    p = project("甲")
    assert p.responsible_unit.name == "县大数据局" and p.industry == "元宇宙" and p.leader.name == "王五"
    assert Unit.get(Unit.name == "县大数据局").kind == "部门" and Person.get(Person.name == "王五").is_leader


def test_malformed_phone_is_a_warning(fresh_db, tmp_path):
    rows = [["项目名称", "总投资", "联系人及电话"], ["甲", 100, "赵六 138059"]]
    analysis = ei.analyse(write_xlsx(tmp_path / "c.xlsx", rows), today=TODAY)
    assert issue_of(analysis.warnings, 2) == [("联系人及电话", "联系电话“138059”格式不对（手机 11 位，座机如 0598-2321234）")]
    ei.commit(analysis, today=TODAY)
    assert project("甲").contact == "赵六"


# --- sheet shapes ------------------------------------------------------------------------------
def test_two_row_header_with_group_unit(fresh_db, tmp_path):
    rows = [["××镇2022年招商项目"] + [None] * 5,
            ["序号", "项目名称", "投资主体", "计划投资（亿元）", None, "备注"],
            [None, None, None, "总投资", "其中：固定资产投资", None],
            [1, "甲", "甲公司", 1.5, 1.2, "x"]]
    path = write_xlsx(tmp_path / "two.xlsx", rows, merges=["A1:F1", "A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:F3"])
    analysis = ei.analyse(path, today=TODAY)
    assert analysis.header_row == 3
    assert analysis.headers == ["序号", "项目名称", "投资主体", "总投资", "其中：固定资产投资", "备注"]
    ei.commit(analysis, today=TODAY)
    assert (project("甲").total_investment, project("甲").fixed_asset_investment) == (15000, 12000)


def test_two_row_header_without_merge_information_csv(fresh_db, tmp_path):
    rows = [["项目名称", "计划投资（亿元）", None, "项目进展"],
            [None, "总投资", "其中：固定资产投资", None],
            ["甲", "2", "1", "在谈"]]
    analysis = ei.analyse(write_csv(tmp_path / "two.csv", rows), today=TODAY)
    assert analysis.header_row == 2 and analysis.errors == []
    ei.commit(analysis, today=TODAY)
    assert (project("甲").total_investment, project("甲").fixed_asset_investment) == (20000, 10000)


def test_vertically_merged_unit_applies_to_the_block(fresh_db, tmp_path):
    rows = [["项目名称", "总投资", "责任单位"], ["甲", 1, "县工信局"], ["乙", 2, None], ["丙", 3, None], ["丁", 4, "县商务局"]]
    path = write_xlsx(tmp_path / "m.xlsx", rows, merges=["C2:C4"])
    ei.commit(ei.analyse(path, today=TODAY), today=TODAY)
    assert [project(n).responsible_unit.name for n in "甲乙丙丁"] == ["县工信局"] * 3 + ["县商务局"]


def test_vertically_merged_cells_in_xls(fresh_db, tmp_path):
    rows = [["项目名称", "总投资", "责任单位"], ["甲", 1, "县工信局"], ["乙", 2, None]]
    path = write_xls(tmp_path / "m.xls", rows, merges=[(1, 2, 2, 2)])
    ei.commit(ei.analyse(path, today=TODAY), today=TODAY)
    assert project("乙").responsible_unit.name == "县工信局"


def test_numbers_stored_as_text_and_long_codes_stored_as_numbers(fresh_db, tmp_path):
    rows = [["项目编号", "项目名称", "总投资", "用地面积"],
            [350428202203150012, "甲", "15000", "１２０"],
            ["350428202203150013", "乙", " 1 500 ", "35.5亩"]]
    analysis = ei.analyse(write_xlsx(tmp_path / "n.xlsx", rows), today=TODAY)
    assert [(i.row, i.column) for i in analysis.warnings] == [(2, "项目编号")]
    assert "后几位已丢失" in analysis.warnings[0].message
    ei.commit(analysis, today=TODAY)
    assert project("甲").code == "JL-2022-0001" and project("甲").land_area == Decimal(120)
    assert project("乙").code == "350428202203150013" and project("乙").total_investment == 1500


def test_leading_empty_rows_keep_row_numbers(fresh_db, tmp_path):
    rows = [[None], [None], [None, None, None], [None, "项目名称", "总投资"], [None, "甲", None]]
    analysis = ei.analyse(write_xlsx(tmp_path / "l.xlsx", rows), today=TODAY)
    assert analysis.header_row == 4
    assert [(i.row, i.column) for i in analysis.errors] == [(5, "总投资")]


def test_instruction_and_hidden_sheets_are_not_the_default(fresh_db, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "填表说明"
    wb.active.append(["请按模板填写"])
    data = wb.create_sheet("项目")
    data.append(["项目名称", "总投资"])
    data.append(["甲", 1])
    hidden = wb.create_sheet("列表")
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "i.xlsx")
    assert ei.list_sheets(tmp_path / "i.xlsx") == ["项目", "填表说明"]
    assert ei.analyse(tmp_path / "i.xlsx", today=TODAY).sheet == "项目"
    with pytest.raises(UserError, match="没有名为“不存在”的工作表"):
        ei.analyse(tmp_path / "i.xlsx", sheet="不存在")


@pytest.mark.parametrize("kind", ["xls", "ods", "csv-utf8", "csv-bom", "csv-gb18030", "xlsm"])
def test_other_formats(fresh_db, tmp_path, kind):
    rows = township_rows()
    if kind == "xls":
        path = write_xls(tmp_path / "t.xls", rows)
    elif kind == "ods":
        path = write_ods(tmp_path / "t.ods", rows)
    elif kind == "xlsm":
        path = write_xlsx(tmp_path / "t.xlsm", rows)
    else:
        encoding = {"csv-utf8": "utf-8", "csv-bom": "utf-8-sig", "csv-gb18030": "gb18030"}[kind]
        path = write_csv(tmp_path / "t.csv", rows, encoding=encoding)
    analysis = ei.analyse(path, today=TODAY)
    assert (analysis.header_row, analysis.rows_read, analysis.valid, analysis.errors) == (3, 3, 3, [])
    ei.commit(analysis, today=TODAY)
    alu = project("年产2万吨铝型材项目")
    assert alu.signed_on == dt.date(2022, 3, 15) and alu.started_on == dt.date(2022, 4, 20)
    assert project("高精密电子元器件").total_investment == 12000
    assert Company.select().count() == 3


# --- unreadable files --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("坏.xlsx", b"PK\x03\x04 this is not really a zip file", "文件已损坏或不是 Excel 表格"),
        ("坏.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "文件已损坏或不是 Excel 表格"),
        ("随便.docx", b"hello", "这不是 Excel 表格文件"),
        ("空.xlsx", b"", "文件是空的"),
        ("表.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "另存为"),
    ],
)
def test_unreadable_files_say_what_to_do(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError) as info:
        ei.analyse(path)
    assert words in info.value.message
    assert info.value.location.file == name


def test_missing_file(tmp_path):
    with pytest.raises(UnreadableFileError, match="找不到这个文件") as info:
        ei.list_sheets(tmp_path / "没有.xlsx")
    assert info.value.location.file == "没有.xlsx"


def test_encrypted_workbook(tmp_path):
    path = write_encrypted_xlsx(tmp_path / "密.xlsx", [["项目名称", "总投资"], ["甲", 1]])
    with pytest.raises(UnreadableFileError, match="密码"):
        ei.analyse(path)


def test_empty_workbook_and_no_header(tmp_path):
    with pytest.raises(UnreadableFileError, match="工作表是空的"):
        ei.analyse(write_xlsx(tmp_path / "empty.xlsx", []))
    rows = [["说明"]] + [["随便", "什么", i] for i in range(20)]
    with pytest.raises(UnreadableFileError, match="没有找到表头") as info:
        ei.analyse(write_xlsx(tmp_path / "nohead.xlsx", rows))
    assert info.value.location.sheet == "项目清单"


# --- mapping, cancel, rollback, report -------------------------------------------------------
def test_mapping_override_is_remembered_for_the_layout(fresh_db, tmp_path):
    rows = [["项目名称", "总投资", "对接人"], ["甲", 1, "张三 13805981234"]]
    path = write_xlsx(tmp_path / "o.xlsx", rows)
    assert 2 not in ei.analyse(path, today=TODAY).mapping
    analysis = ei.analyse(path, mapping_overrides={2: "contact"}, today=TODAY)
    assert analysis.mapping[2] == "contact"
    ei.commit(analysis, today=TODAY)
    assert project("甲").contact == "张三 13805981234"
    other = write_xlsx(tmp_path / "o2.xlsx", [["项目名称", "总投资", "对接人"], ["乙", 2, "x"]])
    assert ei.analyse(other, today=TODAY).mapping[2] == "contact"


def test_cancel_during_analysis_and_commit_leaves_nothing(fresh_db, tmp_path):
    rows = [["项目名称", "总投资"]] + [[f"项目{i}", i + 1] for i in range(1200)]
    path = write_xlsx(tmp_path / "big.xlsx", rows)
    with pytest.raises(UserError, match="已取消"):
        ei.analyse(path, progress=lambda done, total: False)
    analysis = ei.analyse(path, today=TODAY, progress=lambda done, total: True)
    calls = []

    def cancel_late(done, total):
        calls.append(done)
        return done < total  # cancel at the very end, after the inserts
    with pytest.raises(UserError, match="已取消"):
        ei.commit(analysis, progress=cancel_late, today=TODAY)
    assert Project.select().count() == 0 and Company.select().count() == 0 and ImportRecord.select().count() == 0
    assert ei.commit(analysis, today=TODAY).imported == 1200
    assert Project.select().count() == 1200


def test_error_report(fresh_db, tmp_path):
    from openpyxl import load_workbook

    rows = [["项目名称", "总投资", "签约时间"], ["甲", "待定", None], ["乙", 100, "2022年4月"], ["丙", 100, None]]
    analysis = ei.analyse(write_xlsx(tmp_path / "r.xlsx", rows), today=TODAY)
    out = tmp_path / "问题清单.xlsx"
    ei.write_error_report(analysis, out)
    ws = load_workbook(out).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0] == ["原行号", "项目名称", "总投资", "签约时间", "问题说明"]
    assert values[1][:3] == [2, "甲", "待定"] and "[错误]“总投资”" in values[1][4]
    assert values[2][0] == 3 and "[警告]“签约时间”" in values[2][4]
    assert len(values) == 3
    assert ws.cell(row=2, column=3).fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.cell(row=3, column=4).fill.fgColor.rgb.endswith("FFEB9C")


def test_header_variants_are_recognised():
    for header, key in [("计划总投资（亿元）", "total_investment"), ("总投资额(万元)", "total_investment"),
                        ("其中：固定资产投资", "fixed_asset_investment"), ("用地面积（亩）", "land_area"),
                        ("进展情况", "stage"), ("当前阶段", "stage"), ("签约企业", "investor_name"),
                        ("实际开工时间", "started_on"), ("包挂领导", "leader"), ("所属产业", "industry"),
                        ("2022年计划投资", "annual_plan_investment"), ("项 目 名 称", "name"), ("入库日期", "library_on")]:
        assert ei._field_for_header(header) == key, header
    assert ei._field_for_header("计划开工时间") == ei._IGNORED
    assert set(ei.FIELDS) >= {"code", "name", "investor_name", "total_investment", "fixed_asset_investment", "land_area",
                              "stage", "progress_text", "signed_on", "library_on", "started_on", "annual_plan_investment",
                              "completed_investment", "arrived_funds", "responsible_unit", "leader", "township",
                              "industry", "contact", "remarks"}
    assert HEADER[1] == "项目名称"


def test_an_xls_saved_with_an_xlsx_name_imports(fresh_db, tmp_path):
    """Townships rename files by hand: the content decides how the workbook is read."""
    import xlwt

    from desktop.services import excel_import

    book = xlwt.Workbook()
    sheet = book.add_sheet("项目")
    for c, text in enumerate(["项目名称", "投资方", "总投资（万元）"]):
        sheet.write(0, c, text)
    sheet.write(1, 0, "改名的旧格式表")
    sheet.write(1, 1, "甲公司")
    sheet.write(1, 2, 1200)
    real = tmp_path / "真.xls"
    book.save(str(real))
    renamed = tmp_path / "改了扩展名.xlsx"
    renamed.write_bytes(real.read_bytes())
    analysis = excel_import.analyse(renamed)
    assert analysis.valid == 1 and not analysis.errors
    assert excel_import.commit(analysis).imported == 1


def test_a_formula_saved_without_its_result_is_explained(fresh_db, tmp_path):
    """openpyxl writes formulas without cached results, as some programs do: the cell reads empty."""
    from openpyxl import Workbook

    from desktop.services import excel_import

    book = Workbook()
    sheet = book.active
    sheet.append(["项目名称", "投资方", "总投资（万元）"])
    sheet.append(["公式算出的总投资", "甲公司", "=1000+200"])
    sheet.append(["普通项目", "乙公司", 800])
    path = tmp_path / "有公式.xlsx"
    book.save(path)
    analysis = excel_import.analyse(path)
    assert analysis.valid == 1
    (error,) = [e for e in analysis.errors if e.row == 2]
    assert "这一格是公式" in error.message and "保存后再导入" in error.message


def test_hidden_rows_are_imported_and_said(fresh_db, tmp_path):
    from openpyxl import Workbook

    from desktop.services import excel_import

    book = Workbook()
    sheet = book.active
    sheet.title = "清单"
    sheet.append(["项目名称", "投资方", "总投资（万元）"])
    sheet.append(["看得见的项目", "甲公司", 1000])
    sheet.append(["藏起来的项目", "乙公司", 2000])
    sheet.row_dimensions[3].hidden = True
    path = tmp_path / "有隐藏行.xlsx"
    book.save(path)
    assert excel_import.hidden_rows(path, "清单") == [3]
    analysis = excel_import.analyse(path)
    assert analysis.valid == 2
    assert any(w.row == 3 and "被隐藏" in w.message for w in analysis.warnings)
    assert not any(w.row == 2 and "被隐藏" in w.message for w in analysis.warnings)


def test_planned_dates_are_never_records_however_the_header_says_it(fresh_db, tmp_path):
    for header in ("开工时间（计划）", "开工时间(预计)", "签约时间（拟）", "预计开工时间", "拟签约日期", "计划开工日期"):
        assert ei._field_for_header(header) == ei._IGNORED, header
    assert ei._field_for_header("开工时间（实际）") == "started_on"
    rows = [
        ["项目名称", "投资方", "总投资（万元）", "项目进展", "签约时间", "开工时间", None],
        [None, None, None, None, None, "计划", "实际"],
        ["甲项目", "甲公司", 3000, "签约", "2022-03-01", "2022-05-01", None],
        ["乙项目", "乙公司", 5000, "在建", "2022-02-01", "2022-05-01", "2022-04-01"],
    ]
    path = write_xlsx(tmp_path / "计划与实际.xlsx", rows, merges=["F1:G1", "A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:E2"])
    analysis = ei.analyse(path, today=TODAY)
    assert analysis.header_row == 2 and analysis.rows_read == 2 and not analysis.errors
    assert "开工时间（实际）" in analysis.headers and "开工时间（计划）" in analysis.headers
    ei.commit(analysis, today=TODAY)
    first, second = Project.get(Project.name == "甲项目"), Project.get(Project.name == "乙项目")
    assert first.started_on is None and first.signed_on == dt.date(2022, 3, 1)
    assert second.started_on == dt.date(2022, 4, 1)


def test_planned_and_actual_under_one_date_group_in_a_csv(fresh_db, tmp_path):
    path = tmp_path / "计划与实际.csv"
    path.write_text("项目名称,总投资（万元）,开工时间,\n,,计划,实际\n乙项目,5000,2022-05-01,2022-04-01\n", encoding="utf-8")
    analysis = ei.analyse(path, today=TODAY)
    assert analysis.header_row == 2 and not analysis.errors
    ei.commit(analysis, today=TODAY)
    assert Project.get(Project.name == "乙项目").started_on == dt.date(2022, 4, 1)


def test_dates_that_excel_turned_into_numbers(fresh_db, tmp_path):
    rows = [["项目名称", "总投资（万元）", "签约时间", "入库时间", "开工时间"],
            ["数字日期甲", 1000, 2022.3, 20220315, 202204],
            ["数字日期乙", 1000, 2022.1, 44621, 2022.12]]
    analysis = ei.analyse(write_xlsx(tmp_path / "数字日期.xlsx", rows), today=TODAY)
    warnings = {(w.row, w.column): w.message for w in analysis.warnings}
    assert "只有年月" in warnings[(2, "签约时间")] and "只有年月" in warnings[(2, "开工时间")]
    assert "2022.10" in warnings[(3, "签约时间")]  # 2022.1 may have been typed as 2022.10
    ei.commit(analysis, today=TODAY)
    first, second = Project.get(Project.name == "数字日期甲"), Project.get(Project.name == "数字日期乙")
    assert (first.signed_on, first.library_on, first.started_on) == (dt.date(2022, 3, 1), dt.date(2022, 3, 15), dt.date(2022, 4, 1))
    assert (second.signed_on, second.library_on, second.started_on) == (dt.date(2022, 1, 1), dt.date(2022, 3, 1), None)
    assert any("晚于今天" in w.message for w in analysis.warnings if w.row == 3)  # 2022-12-01 after 25 August


def test_headings_subtotals_and_signatures_are_neither_projects_nor_errors(fresh_db, tmp_path):
    rows = [
        ["序号", "项目名称", "投资方", "总投资（万元）"],
        ["一、轻合金产业（2个）", None, None, 3000],
        [1, "铝型材深加工", "甲公司", 1000],
        [2, "再生铝", "乙公司", 2000],
        ["二", "新材料产业", None, 5000],
        [3, "有机硅单体", "丙公司", 5000],
        [None, "（三）新能源产业", None, None],
        [None, "1.储能电池", None, None],
        [None, "新能源产业（1个）", None, 800],
        [4, "光伏组件", "丁公司", 800],
        ["填报人：张三", None, "审核人：李四", None],
        ["注：1、金额单位为万元；", "2、日期为签约日期。", None, None],
        [None, "年产3万吨项目（缺总投资）", "戊公司", None],
    ]
    analysis = ei.analyse(write_xlsx(tmp_path / "分段小计.xlsx", rows), today=TODAY)
    assert analysis.rows_read == 5 and analysis.valid == 4
    assert [(e.row, e.column) for e in analysis.errors] == [(13, "总投资（万元）")]
    ei.commit(analysis, today=TODAY)
    assert {p.name for p in Project.select()} == {"铝型材深加工", "再生铝", "有机硅单体", "光伏组件"}
    assert analysis.total_investment_wan == Decimal(8800)


def test_a_stage_word_without_its_date_is_kept_in_the_progress_text(fresh_db, tmp_path):
    rows = [["项目名称", "投资方", "总投资（万元）", "项目进展", "开工时间"], ["在建甲", "甲公司", 3000, "在建", None]]
    analysis = ei.analyse(write_xlsx(tmp_path / "无日期.xlsx", rows), today=TODAY)
    (warning,) = [w for w in analysis.warnings if w.row == 2]
    assert "已记入形象进度" in warning.message
    ei.commit(analysis, today=TODAY)
    project = Project.get(Project.name == "在建甲")
    assert project.progress_text == "在建" and project.stage_no == 0


def test_the_error_report_carries_the_unit_of_a_group_header_and_reads_back_the_same(fresh_db, tmp_path):
    from openpyxl import load_workbook

    rows = [["项目名称", "计划投资（亿元）", None, "所在乡镇"], [None, "总投资", "其中：固定资产投资", None],
            ["报告甲", 1.5, 1, "不存在镇"]]
    analysis = ei.analyse(write_xlsx(tmp_path / "分组单位.xlsx", rows, merges=["B1:C1", "A1:A2", "D1:D2"]), today=TODAY)
    assert analysis.rows[0].values["total_investment"] == Decimal(15000)
    report = tmp_path / "问题清单.xlsx"
    ei.write_error_report(analysis, report)
    sheet = load_workbook(report).active
    titles = [c.value for c in sheet[1]]
    assert "总投资（亿元）" in titles and "其中：固定资产投资（亿元）" in titles and "项目名称" in titles
    again = ei.analyse(report, today=TODAY)
    assert again.rows[0].values["total_investment"] == Decimal(15000)
    assert again.rows[0].values["fixed_asset_investment"] == Decimal(10000)


def test_contacts_industries_and_more_header_names_as_townships_write_them(fresh_db, tmp_path):
    rows = [["项目名称", "建设单位", "投资额（亿元）", "所属产业", "联系人/电话", "本年度计划投资", "项目进展情况"],
            ["联系甲", "甲公司", 1.5, "轻合金产业", "袁安邦 138 0598 1234", 3000, "在谈"],
            ["联系乙", "乙公司", 2, "新材料", "李明/0598-2321234转801", None, None]]
    analysis = ei.analyse(write_xlsx(tmp_path / "写法.xlsx", rows), today=TODAY)
    assert sorted(set(analysis.mapping.values())) == sorted(
        {"name", "investor_name", "total_investment", "industry", "contact", "annual_plan_investment", "stage"})
    assert not [w for w in analysis.warnings if "产业" in w.message or "电话" in w.message]
    ei.commit(analysis, today=TODAY)
    first, second = Project.get(Project.name == "联系甲"), Project.get(Project.name == "联系乙")
    assert (first.contact, first.industry, first.total_investment) == ("袁安邦 13805981234", "轻合金", Decimal(15000))
    assert first.investor.name == "甲公司" and first.annual_plan_investment == Decimal(3000)
    assert second.contact == "李明 0598-2321234转801"


@pytest.mark.parametrize("chunk", [5, 37, 1 << 20])
def test_hidden_rows_are_found_however_the_sheet_xml_is_cut(tmp_path, monkeypatch, chunk):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "清单"
    for r in range(1, 301):
        sheet.append([f"项目{r}", r])
    hidden = [7, 150, 151, 300]
    for r in hidden:
        sheet.row_dimensions[r].hidden = True
    sheet.column_dimensions["B"].hidden = True  # a hidden column is not a hidden row
    path = tmp_path / "分段读取.xlsx"
    book.save(path)
    monkeypatch.setattr(ei, "_XML_CHUNK", chunk)
    assert ei.hidden_rows(path, "清单") == hidden
