"""The Excel template handed out to townships and departments for their project lists.

One data sheet (项目清单) whose header row carries the import's canonical column names, dropdowns
(data validation from a hidden list sheet, in the range form: the lists are longer than the 255
characters an inline list may hold), text format for codes and phones, date format for dates, one
example row marked 示例, and an instructions sheet (填表说明). The lists come from the open database
(`lists=True`), from a mapping given by the caller, or from the built-in defaults. No Qt here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from desktop.services import defaults
from desktop.services.excel_export import column_width, save_atomically

DATA_SHEET = "项目清单"
INSTRUCTIONS_SHEET = "填表说明"
LISTS_SHEET = "下拉列表"
EXAMPLE_MARK = "示例"
# Rows (below the header) that get the dropdowns and formats; far more than any township sends.
TEMPLATE_ROWS = 2000

# (column name, width, kind) — kind: text, money, area, stage, date, list key or free text.
TEMPLATE_COLUMNS = (
    ("项目编号", 16, "code"),
    ("项目名称", 32, "text"),
    ("投资方", 28, "text"),
    ("所属产业", 12, "industries"),
    ("总投资（万元）", 12, "money"),
    ("其中：固定资产投资（万元）", 14, "money"),
    ("用地面积（亩）", 10, "area"),
    ("项目进展", 16, "stages"),
    ("形象进度", 20, "text"),
    ("签约日期", 12, "date"),
    ("入库日期", 12, "date"),
    ("开工时间", 12, "date"),
    ("年度计划投资（万元）", 12, "money"),
    ("累计完成投资（万元）", 12, "money"),
    ("到位资金（万元）", 12, "money"),
    ("责任单位", 16, "units"),
    ("挂钩领导", 10, "leaders"),
    ("所在乡镇", 10, "townships"),
    ("联系人及电话", 22, "phone"),
    ("备注", 30, "text"),
)
HEADERS = tuple(name for name, _w, _k in TEMPLATE_COLUMNS)

# Words a township uses for where a project stands (all understood by the import), then the steps.
STAGE_WORDS = ("洽谈", "初审", "签约", "入库", "开工", "在建", "竣工", "投产")
LIST_TITLES = {"industries": "所属产业", "stages": "项目进展", "units": "责任单位", "townships": "所在乡镇", "leaders": "挂钩领导"}


@dataclass
class TemplateLists:
    industries: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    townships: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)
    installation: str = defaults.DEFAULT_INSTALLATION_NAME

    def get(self, key: str) -> list[str]:
        return getattr(self, key)


def _unique(items) -> list[str]:
    return list(dict.fromkeys(str(i).strip() for i in items if i and str(i).strip()))


def default_lists() -> TemplateLists:
    step_names = [name for _n, _phase, name, *_rest in defaults.DEFAULT_STEPS]
    return TemplateLists(
        industries=list(defaults.INDUSTRIES),
        stages=_unique([*STAGE_WORDS, *step_names]),
        units=_unique([*defaults.DEPARTMENTS, *defaults.PARKS, *defaults.TOWNSHIPS]),
        townships=list(defaults.TOWNSHIPS),
        leaders=[],
    )


def database_lists() -> TemplateLists:
    """The lists of the open database: its industries, steps, active units, townships and leaders."""
    from desktop.services import lifecycle, reference
    from desktop.services.database import installation_name

    return TemplateLists(
        industries=_unique(reference.industries()),
        stages=_unique([*STAGE_WORDS, *(step.name for step in lifecycle.steps())]),
        units=_unique(u.name for u in reference.list_units()),
        townships=_unique(u.name for u in reference.list_units("乡镇")),
        leaders=_unique(p.name for p in reference.list_people(leaders_first=True) if p.is_leader),
        installation=installation_name() or defaults.DEFAULT_INSTALLATION_NAME,
    )


def resolve_lists(lists) -> TemplateLists:
    """None/False → built-in defaults; True → the open database; a TemplateLists or a mapping as given
    (keys industries, stages, units, townships, leaders; missing keys keep the defaults)."""
    if lists is None or lists is False:
        return default_lists()
    if lists is True:
        return database_lists()
    if isinstance(lists, TemplateLists):
        return lists
    if isinstance(lists, Mapping):
        base = default_lists()
        for key, value in lists.items():
            if not hasattr(base, key):
                raise ValueError(f"unknown template list: {key}")
            setattr(base, key, value if key == "installation" else _unique(value))
        return base
    raise TypeError(f"lists must be None, True, a mapping or TemplateLists, not {type(lists).__name__}")


def _example_row(lists: TemplateLists, today: dt.date) -> list:
    def first(items, fallback=""):
        return items[0] if items else fallback

    def pick(items, wanted):
        return wanted if wanted in items else first(items)

    year = today.year
    return [
        None,  # 项目编号: given by the centre on import
        f"年产5万吨可降解环保产品（{EXAMPLE_MARK}）",
        "福建某某环保科技有限公司",
        pick(lists.industries, "新材料"),
        50000,
        40000,
        120,
        pick(lists.stages, "签约"),
        "完成土地平整",
        dt.date(year, 3, 15),
        dt.date(year, 4, 1),
        None,
        20000,
        5000,
        5000,
        pick(lists.units, "县工信局"),
        first(lists.leaders) or None,
        pick(lists.townships, "水南镇"),
        "张三 13800000000",
        f"{EXAMPLE_MARK}：此行是填写示例，填报时请删除本行",
    ]


INSTRUCTIONS = (
    "1. 每个项目填一行，从第 3 行起填写（第 2 行是示例，填报时请删除）；不要修改、删除或调换第 1 行的列名。",
    "2. 金额单位为万元，直接填数字（如 5000）；也可以写“1.2亿元”“3000万元”，导入时会换算。",
    "3. “总投资（万元）”和“项目名称”必填；“其中：固定资产投资”不能大于总投资。",
    "4. 日期按 2022-03-15 的格式填写；只知道月份时可写“2022年4月”（按当月 1 日计）。",
    "5. “所属产业”“项目进展”“责任单位”“所在乡镇”“挂钩领导”可从下拉列表中选择；列表里没有的可以照填，导入时会提示。",
    "6. “项目进展”填项目目前到了哪一步（如 洽谈、签约、开工、投产，或流程步骤名称）；施工进度等文字写在“形象进度”。",
    "7. “联系人及电话”写姓名和电话，中间空一格，如“张三 13800000000”或“张三 0598-2321234”。",
    "8. “项目编号”新项目不填，由招商中心入库时统一编号；更新已有项目时照抄原编号。",
    "9. 填好后保存为 .xlsx 文件，报送招商服务中心导入。",
)


def write_template(out_path, *, lists=None, today: dt.date | None = None) -> Path:
    """Write the township template to `out_path` (an .xlsx); returns the path written."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    today = today or dt.date.today()
    chosen = resolve_lists(lists)

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    last_row = TEMPLATE_ROWS + 1

    # The hidden list sheet: one column per list, its title in row 1.
    lists_ws = wb.create_sheet(LISTS_SHEET)
    ranges: dict[str, str] = {}
    list_col = 0
    for key, title in LIST_TITLES.items():
        items = chosen.get(key)
        if not items:
            continue
        list_col += 1
        letter = get_column_letter(list_col)
        lists_ws.cell(row=1, column=list_col, value=title).font = Font(bold=True)
        for r, item in enumerate(items, start=2):
            lists_ws.cell(row=r, column=list_col, value=item).number_format = "@"
        lists_ws.column_dimensions[letter].width = column_width([title, *items], maximum=40)
        ranges[key] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(items) + 1}"
    lists_ws.sheet_state = "hidden"

    # Header.
    thin = Side(style="thin", color="A0A0A0")
    border = Border(top=thin, bottom=thin, left=thin, right=thin)
    header_font = Font(bold=True)
    required_font = Font(bold=True, color="C00000")
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    header_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for c, (name, width, kind) in enumerate(TEMPLATE_COLUMNS, start=1):
        cell = ws.cell(row=1, column=c, value=name)
        cell.font = required_font if name in ("项目名称", "总投资（万元）") else header_font
        cell.fill, cell.alignment, cell.border = header_fill, header_align, border
        dim = ws.column_dimensions[get_column_letter(c)]
        dim.width = max(width, column_width([name], maximum=40) if kind not in ("money", "area") else width)
        if kind in ("code", "phone"):
            dim.number_format = "@"  # typed 18-digit codes and phones stay text
        elif kind == "date":
            dim.number_format = "yyyy-mm-dd"
    ws.row_dimensions[1].height = 36
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(TEMPLATE_COLUMNS))}1"

    # Dropdowns: warning style, so a name not (yet) in the list can still be entered.
    for c, (name, _width, kind) in enumerate(TEMPLATE_COLUMNS, start=1):
        if kind not in ranges:
            continue
        letter = get_column_letter(c)
        validation = DataValidation(
            type="list", formula1=ranges[kind], allow_blank=True, showDropDown=False,
            showErrorMessage=True, errorStyle="warning", errorTitle="不在列表中",
            error=f"“{name}”最好从下拉列表中选择。列表里没有的也可以照填，导入时会提示核对。",
            showInputMessage=True, promptTitle=name, prompt="请从下拉列表中选择",
        )
        validation.add(f"{letter}2:{letter}{last_row}")
        ws.add_data_validation(validation)

    # The example row, in grey italics, marked 示例 in its name and 备注.
    example_font = Font(italic=True, color="808080")
    example_fill = PatternFill("solid", fgColor="F2F2F2")
    for c, value in enumerate(_example_row(chosen, today), start=1):
        kind = TEMPLATE_COLUMNS[c - 1][2]
        cell = ws.cell(row=2, column=c, value=value)
        cell.font, cell.fill = example_font, example_fill
        if kind in ("code", "phone"):
            cell.number_format = "@"
        elif kind == "date":
            cell.number_format = "yyyy-mm-dd"

    ws.page_setup.orientation = "landscape"
    ws.print_title_rows = "1:1"

    # Instructions.
    info = wb.create_sheet(INSTRUCTIONS_SHEET, index=1)
    info.column_dimensions["A"].width = 110
    info["A1"] = f"{chosen.installation} 招商项目清单填报说明"
    info["A1"].font = Font(bold=True, size=14)
    row = 3
    for line in INSTRUCTIONS:
        info.cell(row=row, column=1, value=line).alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    row += 1
    info.cell(row=row, column=1, value="各列说明").font = Font(bold=True)
    row += 1
    for name, _w, kind in TEMPLATE_COLUMNS:
        info.cell(row=row, column=1, value=f"{name}：{_COLUMN_HELP.get(kind, '')}".rstrip("："))
        row += 1
    row += 1
    info.cell(row=row, column=1, value=f"模板生成日期：{today.isoformat()}").font = Font(color="808080")

    wb.active = 0
    return save_atomically(wb, out_path)


_COLUMN_HELP = {
    "code": "新项目不填；更新已有项目时照抄原编号（文本格式，不会被改成科学计数法）",
    "money": "万元，填数字",
    "area": "亩，填数字",
    "stages": "项目目前到了哪一步，从下拉列表选择",
    "date": "如 2022-03-15",
    "industries": "从下拉列表选择",
    "units": "从下拉列表选择",
    "townships": "从下拉列表选择",
    "leaders": "县领导姓名",
    "phone": "姓名 + 空格 + 电话（文本格式）",
    "text": "",
}
