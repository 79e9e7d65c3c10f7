"""Issue 3 audit (session 5): township sheets with the quirks the first tests did not mix, and the
bullets that had no test of their own (locked file, a Rust panic, every header synonym)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.models import Project
from desktop.services import defaults, excel_read
from desktop.services import excel_import as ei
from desktop.services.excel_read import UnreadableFileError
from tests.fixtures_excel import write_csv, write_xlsx

TODAY = dt.date(2022, 8, 25)


def issues(found):
    return [(i.row, i.column, i.message) for i in found]


def project(name):
    return Project.get(Project.name == name)


# --- header synonyms and units, as the issue lists them ------------------------------------------
@pytest.mark.parametrize(
    ("header", "key", "unit"),
    [
        ("项目编号", "code", ""), ("项目名称", "name", ""),
        ("投资方", "investor_name", ""), ("投资主体", "investor_name", ""), ("投资企业", "investor_name", ""),
        ("投资单位", "investor_name", ""), ("签约企业", "investor_name", ""),
        ("总投资", "total_investment", ""), ("总投资（万元）", "total_investment", "万"),
        ("总投资(万元)", "total_investment", "万"), ("计划总投资（亿元）", "total_investment", "亿"),
        ("计划总投资(亿元)", "total_investment", "亿"), ("总投资额（亿元）", "total_investment", "亿"),
        ("总投资额(万元)", "total_investment", "万"),
        ("其中：固定资产投资", "fixed_asset_investment", ""), ("其中:固定资产投资（亿元）", "fixed_asset_investment", "亿"),
        ("用地", "land_area", ""), ("用地面积（亩）", "land_area", "亩"),
        ("项目进展", "stage", ""), ("进展情况", "stage", ""), ("项目阶段", "stage", ""), ("当前阶段", "stage", ""),
        ("形象进度", "progress_text", ""),
        ("签约时间", "signed_on", ""), ("签约日期", "signed_on", ""),
        ("入库时间", "library_on", ""), ("入库日期", "library_on", ""),
        ("开工时间", "started_on", ""), ("实际开工时间", "started_on", ""),
        ("年度计划投资", "annual_plan_investment", ""), ("累计完成投资", "completed_investment", ""),
        ("到位资金", "arrived_funds", ""), ("责任单位", "responsible_unit", ""),
        ("挂钩领导", "leader", ""), ("包挂领导", "leader", ""), ("所在乡镇", "township", ""),
        ("产业类别", "industry", ""), ("所属产业", "industry", ""), ("行业", "industry", ""),
        ("联系人及电话", "contact", ""), ("备注", "remarks", ""),
    ],
)
def test_every_header_name_of_the_issue(header, key, unit):
    assert ei._field_for_header(header) == key
    assert ei._clean_header(header)[1] == unit


def test_a_planned_start_is_known_but_never_imported():
    assert ei._field_for_header("计划开工时间") == ei._IGNORED


# --- a 填报单位 line is not the header -------------------------------------------------------------
def test_a_form_line_with_contact_labels_above_the_header_is_not_the_header(fresh_db, tmp_path):
    rows = [
        ["××镇2022年招商项目清单"],
        ["填报单位：", "××镇", "联系人：", "张三", "联系电话：", "13805981234"],
        [None],
        ["项目名称", "投资方", "总投资（万元）", "项目进展", "签约时间", "备注"],
        ["表头下的项目", "甲公司", 1000, "签约", "2022-03-01", None],
    ]
    analysis = ei.analyse(write_xlsx(tmp_path / "填报行.xlsx", rows), today=TODAY)
    assert analysis.header_row == 4
    assert analysis.mapping == {0: "name", 1: "investor_name", 2: "total_investment", 3: "stage", 4: "signed_on", 5: "remarks"}
    assert (analysis.rows_read, analysis.valid, analysis.errors) == (1, 1, [])


# --- rows that are not projects -------------------------------------------------------------------
def test_numbered_empty_rows_of_a_template_are_blank_rows(fresh_db, tmp_path):
    rows = [["序号", "项目名称", "投资方", "总投资（万元）"], [1, "甲", "甲公司", 1000], [2, None, None, None],
            [3, None, None, None], [4.0, "  ", None, None]]
    analysis = ei.analyse(write_xlsx(tmp_path / "预编序号.xlsx", rows), today=TODAY)
    assert (analysis.rows_read, analysis.valid, analysis.errors) == (1, 1, [])


def test_a_number_alone_in_a_mapped_column_is_still_a_row_with_errors(fresh_db, tmp_path):
    rows = [["序号", "项目名称", "投资方", "总投资（万元）"], [None, None, None, 1000]]
    analysis = ei.analyse(write_xlsx(tmp_path / "只有金额.xlsx", rows), today=TODAY)
    assert issues(analysis.errors) == [(2, "项目名称", "缺少项目名称")]


def test_of_which_rows_under_a_total_or_a_project_are_not_projects(fresh_db, tmp_path):
    rows = [["序号", "项目名称", "投资方", "总投资（万元）"],
            [1, "久策气体（将乐）", "福建久策气体集团有限公司", 50000],
            [None, "其中：一期", None, 13000],
            [2, "乙", "乙公司", 500],
            ["合计", None, None, 50500],
            ["其中：亿元以上项目", None, None, 50000],
            ["（其中新开工项目1个）", None, None, 500]]
    analysis = ei.analyse(write_xlsx(tmp_path / "其中.xlsx", rows), today=TODAY)
    assert (analysis.rows_read, analysis.valid, analysis.errors) == (2, 2, [])
    assert analysis.total_investment_wan == Decimal(50500)


# --- the sheet's own unit line ------------------------------------------------------------------
@pytest.mark.parametrize("line", ["单位：亿元", "金额单位：亿元、亩", "（单位：亿元）", "××镇项目清单（金额单位为亿元）"])
def test_a_unit_line_above_the_header_applies_to_amounts_without_their_own_unit(fresh_db, tmp_path, line):
    rows = [["××镇2022年招商项目清单"], [None, None, line], ["项目名称", "投资方", "总投资", "年度计划投资（万元）", "用地"],
            ["单位行甲", "甲公司", 1.5, 3000, 20]]
    analysis = ei.analyse(write_xlsx(tmp_path / "单位行.xlsx", rows), today=TODAY)
    assert analysis.errors == []
    assert [(i.row, i.column) for i in analysis.warnings] == [(0, "")]
    assert "亿元" in analysis.warnings[0].message and "总投资" in analysis.warnings[0].message
    assert analysis.total_investment_wan == Decimal(15000)
    ei.commit(analysis, today=TODAY)
    first = project("单位行甲")
    assert (first.total_investment, first.annual_plan_investment, first.land_area) == (15000, 3000, 20)


def test_a_unit_said_in_the_footnote_applies_too(fresh_db, tmp_path):
    rows = [["项目名称", "投资方", "总投资", "其中：固定资产投资"], ["注脚单位甲", "甲公司", 2, 1.2],
            ["注：金额单位为亿元。"]]
    analysis = ei.analyse(write_xlsx(tmp_path / "注脚单位.xlsx", rows), today=TODAY)
    assert analysis.errors == []
    ei.commit(analysis, today=TODAY)
    assert (project("注脚单位甲").total_investment, project("注脚单位甲").fixed_asset_investment) == (20000, 12000)


@pytest.mark.parametrize("line", ["填报单位：万安镇人民政府", "主管单位：元坊村委会", "责任单位：县工信局"])
def test_a_unit_line_is_not_confused_with_a_reporting_unit(fresh_db, tmp_path, line):
    rows = [[line], ["项目名称", "投资方", "总投资"], ["填报单位甲", "甲公司", 1500]]
    analysis = ei.analyse(write_xlsx(tmp_path / "填报单位.xlsx", rows), today=TODAY)
    assert analysis.warnings == [] and analysis.total_investment_wan == Decimal(1500)


def test_the_error_report_of_a_sheet_with_a_unit_line_reads_back_the_same(fresh_db, tmp_path):
    rows = [["（单位：亿元）"], ["项目名称", "投资方", "总投资", "所在乡镇"], ["报告单位甲", "甲公司", 1.5, "不存在镇"]]
    analysis = ei.analyse(write_xlsx(tmp_path / "单位行报告.xlsx", rows), today=TODAY)
    report = tmp_path / "问题清单.xlsx"
    ei.write_error_report(analysis, report)
    again = ei.analyse(report, today=TODAY)
    assert again.rows[0].values["total_investment"] == Decimal(15000)


# --- stage words that say a step has NOT happened -------------------------------------------------
@pytest.mark.parametrize("word", ["未开工", "尚未开工", "待开工", "计划开工", "拟开工", "未签约", "拟签约", "待签约", "即将投产"])
def test_a_step_not_yet_done_is_not_that_step(fresh_db, tmp_path, word):
    rows = [["项目名称", "总投资", "项目进展"], ["甲", 100, word]]
    analysis = ei.analyse(write_xlsx(tmp_path / "进展.xlsx", rows), today=TODAY)
    assert issues(analysis.warnings) == [(2, "项目进展", f"进展“{word}”说的是尚未完成的步骤，未记录步骤，已记入形象进度")]
    assert analysis.rows[0].values["progress_text"] == word and analysis.rows[0].steps == {}


@pytest.mark.parametrize(("word", "date_column"), [("已签约，未开工", "签约时间"), ("已签约未开工", "签约时间"),
                                                   ("签约待落地", "签约时间"), ("已开工建设", "开工时间"),
                                                   ("在建（土建）", "开工时间"), ("土建完成80%", "开工时间")])
def test_the_step_done_is_found_beside_one_not_done(fresh_db, tmp_path, word, date_column):
    rows = [["项目名称", "总投资", "项目进展", date_column], ["甲", 100, word, "2022-03-15"]]
    analysis = ei.analyse(write_xlsx(tmp_path / "进展.xlsx", rows), today=TODAY)
    assert analysis.warnings == []  # the step the word names is the one the date column records
    ei.commit(analysis, today=TODAY)
    step = {"签约时间": 9, "开工时间": 19}[date_column]
    assert project("甲").stage_no == step


def test_not_started_never_asks_for_a_start_date(fresh_db, tmp_path):
    rows = [["项目名称", "总投资", "项目进展", "开工时间"], ["未开工甲", 100, "未开工", None]]
    analysis = ei.analyse(write_xlsx(tmp_path / "未开工.xlsx", rows), today=TODAY)
    assert issues(analysis.warnings) == [(2, "项目进展", "进展“未开工”说的是尚未完成的步骤，未记录步骤，已记入形象进度")]
    ei.commit(analysis, today=TODAY)
    assert (project("未开工甲").stage_no, project("未开工甲").progress_text) == (0, "未开工")


# --- dates and amounts as they are typed ------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "expected", "warning"),
    [
        ("2022年3月份", dt.date(2022, 3, 1), "“2022年3月份”只有年月，按当月 1 日记录"),
        ("2022年3月中旬", dt.date(2022, 3, 1), "“2022年3月中旬”只有年月，按当月 1 日记录"),
        ("2022.3.15.", dt.date(2022, 3, 15), None),
        ("2022年", None, "“2022年”只有年份，已留空"),
        (2022, None, "“2022”只有年份，已留空"),
    ],
)
def test_dates_as_townships_type_them(fresh_db, tmp_path, cell, expected, warning):
    rows = [["项目名称", "总投资", "签约时间"], ["甲", 100, cell]]
    analysis = ei.analyse(write_xlsx(tmp_path / "日期.xlsx", rows), today=TODAY)
    assert analysis.rows[0].steps.get(9) == expected
    assert issues(analysis.warnings) == ([(2, "签约时间", warning)] if warning else [])


@pytest.mark.parametrize(("cell", "expected"), [("¥5000", 5000), ("￥1.2亿", 12000), ("￥ 8,000", 8000)])
def test_amounts_with_a_currency_sign(fresh_db, tmp_path, cell, expected):
    analysis = ei.analyse(write_xlsx(tmp_path / "金额.xlsx", [["项目名称", "总投资"], ["甲", cell]]), today=TODAY)
    assert analysis.rows[0].values["total_investment"] == expected and analysis.warnings == []


def test_a_long_code_a_csv_saved_in_scientific_form_is_not_kept(fresh_db, tmp_path):
    path = write_csv(tmp_path / "科学计数.csv", [["项目编号", "项目名称", "总投资"], ["3.50428E+17", "甲", 100],
                                                 ["JL-2022-0100", "乙", 100]])
    analysis = ei.analyse(path, today=TODAY)
    assert [(i.row, i.column) for i in analysis.warnings] == [(2, "项目编号")]
    assert "后几位已丢失" in analysis.warnings[0].message
    assert "code" not in analysis.rows[0].values and analysis.rows[1].values["code"] == "JL-2022-0100"


# --- warnings in row order ------------------------------------------------------------------------
def test_warnings_are_in_row_order_with_hidden_rows_among_them(fresh_db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["项目名称", "投资方", "总投资（万元）", "到位资金"])
    sheet.append(["第二行", "甲公司", 1000, None])
    sheet.append(["藏起来的第三行", "乙公司", 2000, None])
    sheet.append(["第四行", "丙公司", 3000, "很多"])
    sheet.row_dimensions[3].hidden = True
    path = tmp_path / "顺序.xlsx"
    book.save(path)
    analysis = ei.analyse(path, today=TODAY)
    assert [w.row for w in analysis.warnings] == [3, 4]


# --- unreadable files that had no test --------------------------------------------------------------
def test_a_file_the_system_will_not_let_us_read(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "被占用.xlsx", [["项目名称", "总投资"], ["甲", 1]])

    def refused(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(excel_read, "open", refused, raising=False)
    with pytest.raises(UnreadableFileError, match="请关闭文件后再导入") as info:
        ei.analyse(path)
    assert info.value.location.file == "被占用.xlsx"


class _RustPanic(BaseException):
    """What pyo3 raises for a panic: a BaseException, not an Exception."""


@pytest.mark.parametrize("where", ["open", "read"])
def test_a_panic_inside_calamine_is_a_user_error(tmp_path, monkeypatch, where):
    from python_calamine import CalamineWorkbook

    path = write_xlsx(tmp_path / "崩溃.xlsx", [["项目名称", "总投资"], ["甲", 1]])

    def panic(*_args, **_kwargs):
        raise _RustPanic("called `Option::unwrap()` on a `None` value")

    if where == "open":
        monkeypatch.setattr(CalamineWorkbook, "from_path", panic)
    else:
        real = CalamineWorkbook.from_path

        class Book:
            def __init__(self, inner):
                self.inner = inner

            def __getattr__(self, name):
                return getattr(self.inner, name)

            def get_sheet_by_name(self, name):
                panic()

        monkeypatch.setattr(CalamineWorkbook, "from_path", lambda p: Book(real(p)))
    with pytest.raises(UnreadableFileError, match="另存为"):
        ei.analyse(path)


# --- a township sheet with everything at once ------------------------------------------------------
def township_with_everything() -> tuple[list[list], list[str]]:
    rows = [
        ["高唐镇2022年上半年招商引资项目入库清单"] + [None] * 13,
        ["填报单位：高唐镇人民政府（盖章）", None, None, None, None, None, None, None, None, "填报日期：2022年7月5日"],
        ["序号", "项目编号", "项目名称", "投资主体", "计划投资（亿元）", None, "项目进展", "签约日期", "计划开工时间",
         "实际开工时间", "责任单位", "所属产业", "联系人及电话", "备注"],
        [None, None, None, None, "总投资", "其中：固定资产投资"] + [None] * 8,
        ["一、新材料产业（3个）"] + [None] * 13,
        [1, 350428202203150012, "年产3万吨有机硅新材料", "福建华硅新材料有限公司", "1.2亿", 1, "已开工", "2022.3.15",
         "2022.5", dt.datetime(2022, 4, 20), "县工信局", "新材料", "袁安邦/0598-2321234", None],
        [2, None, "高端铝箔坯料项目", "三明鑫泰铝业有限公司", "３．５", "3000万元", "签约", "2022年4月", "2022年9月", None,
         None, "轻合金产业", "李明 13805981234", "外资"],
        [3, None, "陶瓷纤维保温材料", "江西瓷纤科技有限公司", "待定", None, "洽谈中", None, None, None, None, "新材料",
         "王五", None],
        ["二、特色农林产业（1个）"] + [None] * 13,
        [4, None, "竹木精深加工", "将乐县竹韵木业有限公司", 0.8, 0.5, "土建完成60%", 44621, "2022-06-01", 44700,
         "县林业局", "特色农林", "张三/138-0598-1234", None],
        ["合计", None, None, None, 5.5, 4.9] + [None] * 8,
        ["注：1.金额单位为亿元；2.项目进展填写洽谈、签约、开工、投产。"] + [None] * 13,
    ]
    merges = ["A1:N1", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:F3", "G3:G4", "H3:H4", "I3:I4", "J3:J4", "K3:K4",
              "L3:L4", "M3:M4", "N3:N4", "K6:K8"]
    return rows, merges


def test_a_township_sheet_with_every_quirk_at_once(fresh_db, tmp_path):
    rows, merges = township_with_everything()
    analysis = ei.analyse(write_xlsx(tmp_path / "高唐镇.xlsx", rows, merges=merges), today=TODAY)
    assert (analysis.header_row, analysis.rows_read, analysis.valid) == (4, 4, 3)
    assert analysis.headers[4:6] == ["总投资", "其中：固定资产投资"]
    assert issues(analysis.errors) == [(8, "总投资", "总投资“待定”不是金额，请填写数字（如 15000 或 1.5亿元）")]
    assert [(row, column) for row, column, _ in issues(analysis.warnings)] == [
        (6, "项目编号"), (7, "签约日期"), (8, "项目进展")]
    assert analysis.total_investment_wan == Decimal(12000 + 35000 + 8000)
    ei.commit(analysis, today=TODAY)
    first = project("年产3万吨有机硅新材料")
    assert (first.total_investment, first.fixed_asset_investment) == (12000, 10000)
    assert (first.signed_on, first.started_on, first.stage_no) == (dt.date(2022, 3, 15), dt.date(2022, 4, 20), 19)
    assert first.contact == "袁安邦 0598-2321234" and first.responsible_unit.name == "县工信局"
    assert first.code != "350428202203150012"
    second = project("高端铝箔坯料项目")
    assert (second.total_investment, second.fixed_asset_investment) == (35000, 3000)
    assert (second.signed_on, second.started_on, second.stage_no) == (dt.date(2022, 4, 1), None, 9)
    assert second.responsible_unit.name == "县工信局" and second.industry == "轻合金"  # the merged cell
    third = project("竹木精深加工")
    assert (third.signed_on, third.started_on) == (dt.date(2022, 3, 1), dt.date(2022, 5, 19))  # serial numbers
    assert third.progress_text == "土建完成60%" and third.responsible_unit.name == "县林业局"
    assert third.contact == "张三 13805981234"


# --- rows under the header that belong to it --------------------------------------------------------
@pytest.mark.parametrize("units", [["亿元", "亿元", "亩"], ["（亿元）", "(亿元)", "（亩）"], ["单位：亿元", None, None]])
def test_a_unit_row_under_the_header_gives_the_columns_their_unit(fresh_db, tmp_path, units):
    rows = [["××镇项目"], ["序号", "项目名称", "投资方", "总投资", "固定资产投资", "用地面积"], [None, None, None, *units],
            [1, "单位行下甲", "甲公司", 1.5, 1, 20]]
    analysis = ei.analyse(write_xlsx(tmp_path / "单位行.xlsx", rows), today=TODAY)
    assert (analysis.header_row, analysis.rows_read, analysis.errors) == (3, 1, [])
    assert analysis.total_investment_wan == Decimal(15000)
    if units[1]:
        assert analysis.rows[0].values["fixed_asset_investment"] == Decimal(10000)
    report = tmp_path / "问题清单.xlsx"
    ei.write_error_report(analysis, report)
    assert ei.analyse(report, today=TODAY).header_units[4] == "亿"  # the report's titles carry the unit


@pytest.mark.parametrize("numbers", [[None, 1, 2, 3, 4], ["栏次", "A", "B", 1, 2], ["甲", "乙", "丙", "1", "2"]])
def test_a_row_of_column_numbers_under_the_header_is_not_a_project(fresh_db, tmp_path, numbers):
    rows = [["序号", "项目名称", "投资方", "总投资（万元）", "用地面积（亩）"], numbers, [1, "栏次下甲", "甲公司", 100, 5]]
    analysis = ei.analyse(write_xlsx(tmp_path / "栏次.xlsx", rows), today=TODAY)
    assert (analysis.header_row, analysis.rows_read, analysis.valid, analysis.errors) == (2, 1, 1, [])
    assert [item.values["name"] for item in analysis.rows] == ["栏次下甲"]


@pytest.mark.parametrize("first", [[1, "年产2万吨项目", "3号公司", 4], [1, "亿元", "甲公司", 5]])
def test_a_first_project_is_never_taken_for_a_row_of_the_header(fresh_db, tmp_path, first):
    rows = [["序号", "项目名称", "投资方", "总投资（万元）"], first]
    analysis = ei.analyse(write_xlsx(tmp_path / "第一行.xlsx", rows), today=TODAY)
    assert (analysis.header_row, analysis.rows_read, analysis.valid) == (1, 1, 1)


@pytest.mark.parametrize(("header", "key"), [
    ("投资者", "investor_name"), ("投资人", "investor_name"), ("项目单位", "investor_name"),
    ("签约主体", "investor_name"), ("投资规模（亿元）", "total_investment"), ("总投资规模", "total_investment"),
    ("项目用地（亩）", "land_area"), ("项目进度", "stage"), ("进度情况", "stage"), ("目前进展情况", "stage"),
    ("工作进展", "stage"), ("工程形象进度", "progress_text"), ("联系人及联系电话", "contact"),
])
def test_more_header_names_townships_use(header, key):
    assert ei._field_for_header(header) == key


def test_a_sheet_whose_name_column_is_headed_project(fresh_db, tmp_path):
    rows = [["序号", "项目", "项目单位", "投资规模（亿元）", "项目进度"], [1, "简写表头甲", "甲公司", 1.5, "在谈"]]
    analysis = ei.analyse(write_xlsx(tmp_path / "简写表头.xlsx", rows), today=TODAY)
    assert analysis.errors == [] and analysis.valid == 1
    assert analysis.rows[0].values["name"] == "简写表头甲" and analysis.total_investment_wan == Decimal(15000)


def test_dates_in_the_error_report_show_as_dates(fresh_db, tmp_path):
    from openpyxl import load_workbook

    rows = [["项目名称", "总投资（万元）", "签约时间"], ["报告日期甲", "待定", dt.datetime(2022, 3, 15)]]
    analysis = ei.analyse(write_xlsx(tmp_path / "日期.xlsx", rows), today=TODAY)
    report = tmp_path / "问题清单.xlsx"
    ei.write_error_report(analysis, report)
    cell = load_workbook(report).active.cell(row=2, column=4)
    assert cell.value == dt.datetime(2022, 3, 15) and cell.number_format == "yyyy-mm-dd"


def test_an_error_value_in_the_total_is_named_in_the_error(fresh_db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["项目名称", "投资方", "总投资（万元）"])
    sheet.append(["查找失败的项目", "甲公司", None])
    sheet.append(["公式没有结果的项目", "乙公司", "=1000+200"])
    sheet["C2"] = "#N/A"
    sheet["C2"].data_type = "e"
    path = tmp_path / "错误值.xlsx"
    book.save(path)
    analysis = ei.analyse(path, today=TODAY)
    messages = {e.row: e.message for e in analysis.errors}
    assert messages[2] == "缺少总投资，请填写总投资（万元）（这一格显示错误值 #N/A，请在表中改正公式或直接填写数字）"
    assert messages[3].endswith(ei.FORMULA_NOTE)


def test_a_unit_in_one_columns_title_is_that_columns_only(fresh_db, tmp_path):
    rows = [["项目名称", "投资方", "总投资（单位：亿元）", "年度计划投资"], ["自带单位甲", "甲公司", 1.5, 3000]]
    analysis = ei.analyse(write_xlsx(tmp_path / "列内单位.xlsx", rows), today=TODAY)
    assert analysis.warnings == []
    assert analysis.rows[0].values["total_investment"] == 15000
    assert analysis.rows[0].values["annual_plan_investment"] == 3000


@pytest.mark.parametrize("line", [["单位负责人：王五"], ["分管领导：王五"], ["填报日期：2022年7月5日"], ["制表日期：2022.7.5"],
                                  ["联系电话：0598-2321234"], ["审核：李四"], ["（盖章）"], ["注1：金额为万元"],
                                  ["单位负责人：王五", "填表人：张三", None, "联系电话：0598-2321234"],
                                  ["填报单位（盖章）：", None, "填报日期：2022年7月5日"]])
def test_signature_lines_in_the_name_column_are_not_projects(fresh_db, tmp_path, line):
    rows = [["序号", "项目名称", "投资方", "总投资（万元）", "备注"], [1, "签字行上甲", "甲公司", 100, None], [None, *line]]
    analysis = ei.analyse(write_xlsx(tmp_path / "签字行.xlsx", rows), today=TODAY)
    assert (analysis.rows_read, analysis.valid, analysis.errors) == (1, 1, [])


@pytest.mark.parametrize("name", ["将乐县人民医院门诊楼", "福建某某人力资源产业园", "一期：厂房建设"])
def test_project_names_are_not_taken_for_signature_lines(fresh_db, tmp_path, name):
    rows = [["序号", "项目名称", "投资方", "总投资（万元）"], [1, name, "甲公司", None]]
    analysis = ei.analyse(write_xlsx(tmp_path / "名称.xlsx", rows), today=TODAY)
    assert [(e.row, e.column) for e in analysis.errors] == [(2, "总投资（万元）")]


@pytest.mark.parametrize(("number", "name"), [(n, name) for n, _phase, name, *_rest in defaults.DEFAULT_STEPS])
def test_each_of_the_23_step_names_is_a_stage_word(number, name):
    ref = ei._load_reference()
    assert ei._stage_step(name, ref.step_names, ref.stage_words) == (number, True)


def test_a_password_protected_xls(tmp_path):
    """An .xls saved with a password carries a FILEPASS record right after its BOF."""
    import struct

    import olefile

    from tests.fixtures_excel import write_xls

    path = write_xls(tmp_path / "加密.xls", [["项目名称", "总投资"], ["甲", 1]])
    book = olefile.OleFileIO(str(path), write_mode=True)
    stream = bytearray(book.openstream("Workbook").read())
    (bof_length,) = struct.unpack_from("<H", stream, 2)
    second = 4 + bof_length
    struct.pack_into("<H", stream, second, 0x002F)  # the record after BOF becomes FILEPASS
    book.write_stream("Workbook", bytes(stream))
    book.close()
    with pytest.raises(UnreadableFileError, match="密码") as info:
        ei.analyse(path)
    assert info.value.location.file == "加密.xls"


# --- a township's own row numbers in the 项目编号 column ----------------------------------------
def test_row_numbers_in_the_code_column_are_not_codes_so_the_next_township_is_not_skipped(fresh_db, tmp_path):
    first = write_xlsx(tmp_path / "水南镇.xlsx", [["项目编号", "项目名称", "总投资"], [1, "水南甲", 100], ["2", "水南乙", 100],
                                                 [3, "水南丙", 100]])
    analysis = ei.analyse(first, today=TODAY)
    assert issues(analysis.warnings) == [(0, "项目编号", "“项目编号”一栏是从 1 起连续的序号，不作项目编号，导入时另编号")]
    ei.commit(analysis, today=TODAY)
    second = write_xlsx(tmp_path / "高唐镇.xlsx", [["项目编号", "项目名称", "总投资"], [1, "高唐甲", 100], [2, "高唐乙", 100]])
    analysis = ei.analyse(second, today=TODAY)
    assert analysis.duplicates == [] and analysis.valid == 2
    ei.commit(analysis, today=TODAY)
    codes = sorted(Project.select(Project.code).tuples())
    assert codes == [(f"JL-2022-000{n}",) for n in range(1, 6)]


def test_a_row_number_never_matches_a_short_code_of_the_library(fresh_db, tmp_path):
    from desktop.services.projects import create_project

    create_project({"name": "已有的无关项目", "total_investment": Decimal(10), "code": "2"}, today=TODAY)
    rows = [["项目编号", "项目名称", "总投资"], [1, "新项目A", 100], [2, "新项目B", 600], [3, "新项目C", 100]]
    analysis = ei.analyse(write_xlsx(tmp_path / "序号.xlsx", rows), today=TODAY)
    assert analysis.duplicates == [] and analysis.valid == 3
    ei.commit(analysis, on_duplicate="update", today=TODAY)
    assert Project.get(Project.code == "2").name == "已有的无关项目"


def test_real_short_codes_beside_a_number_column_are_kept(fresh_db, tmp_path):
    rows = [["序号", "项目编号", "项目名称", "总投资"], [1, 2201, "甲", 100], [2, 2202, "乙", 100], [3, "0250", "丙", 100]]
    analysis = ei.analyse(write_xlsx(tmp_path / "编号.xlsx", rows), today=TODAY)
    assert [item.values.get("code") for item in analysis.rows] == ["2201", "2202", "0250"]
    assert analysis.warnings == []


def test_row_numbers_restarting_in_each_section_with_total_and_note_rows_get_one_warning(fresh_db, tmp_path):
    rows = [["项目编号", "项目名称", "总投资"], ["一、轻合金产业（2个）"], [1, "甲", 100], [2, "乙", 100],
            ["二、新材料产业（1个）"], [1, "丙", 100], ["合计", None, 300], ["注：金额单位为万元"]]
    analysis = ei.analyse(write_xlsx(tmp_path / "分段.xlsx", rows), today=TODAY)
    assert issues(analysis.warnings) == [(0, "项目编号", "“项目编号”一栏是从 1 起连续的序号，不作项目编号，导入时另编号")]
    assert analysis.valid == 3 and all("code" not in item.values for item in analysis.rows)



# --- an empty sheet before the list -----------------------------------------------------------------
def test_an_empty_first_sheet_is_passed_over_for_the_list_after_it(fresh_db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Sheet1"  # WPS's empty first sheet
    book.create_sheet("填表说明").append(["请按模板填写"])
    data = book.create_sheet("项目清单")
    data.append(["××镇招商项目清单"])
    data.append(["项目名称", "总投资（万元）"])
    data.append(["甲", 100])
    book.save(tmp_path / "空表在前.xlsx")
    analysis = ei.analyse(tmp_path / "空表在前.xlsx", today=TODAY)
    assert (analysis.sheet, analysis.header_row, analysis.valid) == ("项目清单", 2, 1)


def test_a_workbook_of_empty_sheets_says_the_first_is_empty(fresh_db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Sheet1"
    book.create_sheet("Sheet2")
    book.save(tmp_path / "全空.xlsx")
    with pytest.raises(UnreadableFileError, match="工作表是空的") as caught:
        ei.analyse(tmp_path / "全空.xlsx", today=TODAY)
    assert caught.value.location.sheet == "Sheet1"


# --- estimates and 千万 ---------------------------------------------------------------------------
def test_estimated_amounts_are_taken_with_a_warning_and_5_qianwan_is_5000_wan(fresh_db, tmp_path):
    rows = [["项目名称", "总投资（万元）", "到位资金"],
            ["甲", "约5亿元", None], ["乙", "5000万元左右", "大约300"], ["丙", "1亿以上", None], ["丁", "5千万", "约"],
            ["戊", "约待定", None]]
    analysis = ei.analyse(write_xlsx(tmp_path / "约数.xlsx", rows), today=TODAY)
    totals = {item.values["name"]: item.values.get("total_investment") for item in analysis.rows}
    assert totals == {"甲": 50000, "乙": 5000, "丙": 10000, "丁": 5000}
    assert analysis.rows[1].values["arrived_funds"] == 300
    assert [(i.row, i.column, i.message) for i in analysis.warnings] == [
        (2, "总投资（万元）", "“约5亿元”是约数，按 50000 万元记录"),
        (3, "总投资（万元）", "“5000万元左右”是约数，按 5000 万元记录"),
        (3, "到位资金", "“大约300”是约数，按 300 万元记录"),
        (4, "总投资（万元）", "“1亿以上”是约数，按 10000 万元记录"),
        (5, "到位资金", "“约”不是金额，已留空"),
    ]
    assert [(i.row, i.column) for i in analysis.errors] == [(6, "总投资（万元）")]


def test_a_form_takes_5_qianwan_too():
    from desktop.services.money import parse_amount

    assert parse_amount("5千万") == 5000 and parse_amount("1.5千万元") == 1500


# --- a project of the library named twice in one file ------------------------------------------------
def test_two_rows_for_one_existing_project_update_it_once(fresh_db, tmp_path):
    from desktop.services.projects import create_project

    create_project({"name": "富远铝材", "investor_name": "富远铝业", "total_investment": Decimal(100), "code": "SN-2022-0007"},
                   today=TODAY)
    rows = [["项目编号", "项目名称", "投资方", "总投资"], ["SN-2022-0007", "富远铝材", "富远铝业", 150],
            ["", "新项目", "", 30], ["", "富远铝材", "富远铝业", 999]]
    analysis = ei.analyse(write_xlsx(tmp_path / "两行.xlsx", rows), today=TODAY)
    assert analysis.to_json()["duplicates"] == [{"row": 2, "matches": "SN-2022-0007"}, {"row": 4, "matches": 2}]
    outcome = ei.commit(analysis, on_duplicate="update", today=TODAY)
    assert (outcome.imported, outcome.updated, outcome.skipped) == (1, 1, 1)
    assert Project.get(Project.code == "SN-2022-0007").total_investment == 150


# --- second review ---------------------------------------------------------------------------------
def test_a_column_headed_project_beside_the_name_column_is_not_the_name(fresh_db, tmp_path):
    rows = [["序号", "项目", "项目名称", "投资方", "总投资（万元）"], [1, "工业项目", "年产2万吨铝型材", "富远铝业", 15000]]
    analysis = ei.analyse(write_xlsx(tmp_path / "类别.xlsx", rows), today=TODAY)
    assert analysis.rows[0].values["name"] == "年产2万吨铝型材"


def test_a_summary_sheet_headed_project_and_count_is_not_a_list_of_projects(fresh_db, tmp_path):
    rows = [["项目", "个数", "总投资（亿元）"], ["签约项目", 5, 10.5], ["开工项目", 3, 8]]
    with pytest.raises(UnreadableFileError, match="没有找到表头"):
        ei.analyse(write_xlsx(tmp_path / "汇总表.xlsx", rows), today=TODAY)


@pytest.mark.parametrize("other", ["2021年纳税额（单位：元）", "土地出让价（单位：元/亩）"])
def test_another_columns_own_unit_is_not_the_sheets(fresh_db, tmp_path, other):
    rows = [["序号", "项目名称", "投资方", "总投资", other], [1, "甲", "富远铝业", 15000, 3500000]]
    analysis = ei.analyse(write_xlsx(tmp_path / "纳税.xlsx", rows), today=TODAY)
    assert analysis.rows[0].values["total_investment"] == 15000
    assert not [i for i in analysis.warnings if "金额单位" in i.message]


def test_a_price_unit_above_the_header_is_not_the_sheets_money_unit(fresh_db, tmp_path):
    rows = [["（地价单位：元/平方米）"], ["项目名称", "总投资"], ["甲", 15000]]
    analysis = ei.analyse(write_xlsx(tmp_path / "地价.xlsx", rows), today=TODAY)
    assert analysis.rows[0].values["total_investment"] == 15000


def test_a_short_code_the_library_has_is_kept_so_an_update_finds_its_project(fresh_db, tmp_path):
    from desktop.services.projects import create_project

    create_project({"name": "富硒香菇三产融合", "total_investment": Decimal(5000), "code": "0101"}, today=TODAY)
    rows = [["项目编号", "项目名称", "总投资"], ["0101", "富硒香菇三产融合（一期）", 6000], ["JL-2022-0100", "乙", 10]]
    analysis = ei.analyse(write_xlsx(tmp_path / "回读.xlsx", rows), today=TODAY)
    assert analysis.to_json()["duplicates"] == [{"row": 2, "matches": "0101"}]
    assert not [i for i in analysis.warnings if "序号" in i.message]
    ei.commit(analysis, on_duplicate="update", today=TODAY)
    assert Project.select().where(Project.name.startswith("富硒香菇")).count() == 1
    assert Project.get(Project.code == "0101").total_investment == 6000


def test_a_code_column_of_row_numbers_gets_one_warning_for_the_sheet(fresh_db, tmp_path):
    rows = [["项目编号", "项目名称", "总投资"]] + [[n, f"项目{n}", 100] for n in range(1, 31)]
    analysis = ei.analyse(write_xlsx(tmp_path / "序号.xlsx", rows), today=TODAY)
    assert [(i.row, i.column, i.message) for i in analysis.warnings] == [
        (0, "项目编号", "“项目编号”一栏是从 1 起连续的序号，不作项目编号，导入时另编号")]
    assert all("code" not in item.values for item in analysis.rows) and analysis.valid == 30


@pytest.mark.parametrize(("cell", "expected"), [("5000多万", 5000), ("1亿余元", 10000), ("超过5亿", 50000),
                                                ("约5000万左右", 5000), ("3千多万", 3000)])
def test_more_ways_of_writing_an_estimate(fresh_db, tmp_path, cell, expected):
    analysis = ei.analyse(write_xlsx(tmp_path / "约数.xlsx", [["项目名称", "总投资"], ["甲", cell]]), today=TODAY)
    assert analysis.rows[0].values["total_investment"] == expected
    assert [i.message for i in analysis.warnings] == [f"“{cell}”是约数，按 {expected} 万元记录"]


@pytest.mark.parametrize("cell", ["约" * 1200 + "5", "5" + "左右" * 1200, "约0亿", "约-5", "约约5"])
def test_odd_estimates_are_row_errors_not_crashes(fresh_db, tmp_path, cell):
    analysis = ei.analyse(write_xlsx(tmp_path / "怪.xlsx", [["项目名称", "总投资"], ["甲", cell]]), today=TODAY)
    assert [(i.row, i.column) for i in analysis.errors] == [(2, "总投资")]
    assert not [i for i in analysis.warnings if "约数" in i.message]


def test_a_row_of_units_labelled_unit_in_the_number_column_belongs_to_the_header(fresh_db, tmp_path):
    rows = [["序号", "项目名称", "投资方", "总投资", "用地"], ["单位", None, None, "亿元", "亩"], [1, "甲", "富远铝业", 1.5, 30]]
    analysis = ei.analyse(write_xlsx(tmp_path / "单位行.xlsx", rows), today=TODAY)
    assert analysis.header_row == 2 and analysis.rows_read == 1
    assert analysis.rows[0].values["total_investment"] == 15000


def test_a_later_row_like_one_that_matched_the_library_repeats_that_row(fresh_db, tmp_path):
    from desktop.services.projects import create_project

    create_project({"name": "旧名称项目", "investor_name": "甲公司", "total_investment": Decimal(10), "code": "JL-2022-0001"},
                   today=TODAY)
    rows = [["项目编号", "项目名称", "投资方", "总投资"], ["JL-2022-0001", "新名称项目", "甲公司", 100], [None, "新名称项目", "甲公司", 200]]
    analysis = ei.analyse(write_xlsx(tmp_path / "改名.xlsx", rows), today=TODAY)
    assert analysis.to_json()["duplicates"] == [{"row": 2, "matches": "JL-2022-0001"}, {"row": 3, "matches": 2}]
    ei.commit(analysis, on_duplicate="update", today=TODAY)
    assert Project.select().where(Project.name == "新名称项目").count() == 1


@pytest.mark.parametrize("rows", [
    [["序号", "项目名称", "投资方", "总投资"], ["单位：亿元"], [1, "甲", "甲公司", 1.5]],
    [["序号（单位：亿元）", "项目名称", "投资方", "总投资"], [1, "甲", "甲公司", 1.5]],
], ids=["a line under the header", "in the number column's title"])
def test_a_unit_stated_in_the_header_rows_is_the_sheets(fresh_db, tmp_path, rows):
    analysis = ei.analyse(write_xlsx(tmp_path / "单位.xlsx", rows), today=TODAY)
    assert analysis.rows[0].values["total_investment"] == 15000
    assert issues(analysis.warnings) == [(0, "", "表中注明金额单位为亿元：“总投资”按亿元计")]
