"""Importing the project lists townships and departments send in Excel (issue 3).

Two phases: `analyse()` reads the file and checks every row against the database without writing
anything; `commit()` writes the valid rows in one transaction after an automatic backup. Row numbers
in every message are the Excel row numbers the sender sees. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from desktop.db import database, database_file
from desktop.errors import Location, UserError, database_failure_message
from desktop.services import defaults
from desktop.services.bulk_write import InsertWriter as _InsertWriter
from desktop.services.bulk_write import insert_rows as _bulk_insert
from desktop.services.bulk_write import reserve_ids as _reserve_ids
from desktop.services.bulk_write import stored_amounts
from desktop.services.dates import parse_date
from desktop.services.excel_read import (
    Table,
    UnreadableFileError,
    file_sha256,
    read_table,
)
from desktop.services.excel_read import list_sheets as _list_sheets
from desktop.services.money import AmountError, parse_amount, parse_area
from desktop.services.text import normalise_name as _normalise_name

# Names, units and townships repeat across a list: normalising each distinct text once is enough.
normalise_name = functools.lru_cache(maxsize=1 << 16)(_normalise_name)

__all__ = [
    "FIELDS",
    "Duplicate",
    "ImportAnalysis",
    "ImportOutcome",
    "Issue",
    "UnreadableFileError",
    "analyse",
    "commit",
    "list_sheets",
    "write_error_report",
]

# Field key → Chinese label (what the mapping editor offers).
FIELDS: dict[str, str] = {
    "code": "项目编号",
    "name": "项目名称",
    "investor_name": "投资方",
    "total_investment": "总投资",
    "fixed_asset_investment": "固定资产投资",
    "land_area": "用地面积（亩）",
    "stage": "项目进展",
    "progress_text": "形象进度",
    "signed_on": "签约时间",
    "library_on": "入库时间",
    "started_on": "开工时间",
    "operating_on": "投产时间",
    "annual_plan_investment": "年度计划投资",
    "completed_investment": "累计完成投资",
    "arrived_funds": "到位资金",
    "signed_amount": "签约额",
    "responsible_unit": "责任单位",
    "first_unit": "首报单位",
    "leader": "挂钩领导",
    "township": "所在乡镇",
    "industry": "产业类别",
    "content": "建设内容",
    "contact": "联系人及电话",
    "remarks": "备注",
}

# One synonym table: normalised header (no spaces, no units, no “其中：”) → field key.
_SYNONYM_LISTS = {
    "code": ["项目编号", "编号", "项目代码", "项目编码"],
    "name": ["项目名称", "项目名", "名称"],
    "investor_name": ["投资方", "投资主体", "投资企业", "投资单位", "签约企业", "投资商", "投资方名称", "企业名称", "签约单位", "客商",
                      "建设单位", "业主单位", "项目业主", "投资者", "投资人", "项目单位", "签约主体"],
    "total_investment": ["总投资", "计划总投资", "总投资额", "投资总额", "项目总投资", "计划投资总额", "投资额", "投资规模",
                         "总投资规模"],
    "fixed_asset_investment": ["固定资产投资", "固投", "固定资产投资额"],
    "land_area": ["用地", "用地面积", "占地面积", "用地规模", "占地", "计划用地", "项目用地"],
    "stage": ["项目进展", "进展情况", "项目阶段", "当前阶段", "进展", "阶段", "项目状态", "目前进展", "推进情况",
              "项目进展情况", "项目推进情况", "项目进度", "进度情况", "目前进展情况", "工作进展"],
    "progress_text": ["形象进度", "项目形象进度", "工程形象进度"],
    "signed_on": ["签约时间", "签约日期"],
    "library_on": ["入库时间", "入库日期"],
    "started_on": ["开工时间", "实际开工时间", "开工日期", "实际开工日期"],
    "operating_on": ["投产时间", "投产日期", "实际投产时间"],
    "annual_plan_investment": ["年度计划投资", "本年计划投资", "年计划投资", "年度投资计划", "本年度计划投资"],
    "completed_investment": ["累计完成投资", "累计完成", "累计投资", "已完成投资"],
    "arrived_funds": ["到位资金", "资金到位", "累计到位资金", "实际到位资金"],
    "signed_amount": ["签约额", "签约金额", "协议投资额"],
    "responsible_unit": ["责任单位", "牵头单位", "承办单位", "责任部门"],
    "first_unit": ["首报单位"],
    "leader": ["挂钩领导", "包挂领导", "挂钩县领导", "包挂县领导", "挂钩联系领导"],
    "township": ["所在乡镇", "乡镇", "所属乡镇", "乡镇(街道)", "项目所在地"],
    "industry": ["产业类别", "所属产业", "行业", "产业", "产业类型", "所属行业", "行业类别", "产业分类"],
    "content": ["建设内容", "建设内容及规模", "项目内容", "主要建设内容", "项目简介"],
    "contact": ["联系人及电话", "联系人", "联系方式", "联系电话", "联系人及联系方式", "企业联系人", "联系人电话",
                "联系人/电话", "联系人/联系电话", "联系人、电话", "联系人和电话", "联系人及联系电话"],
    "remarks": ["备注", "说明"],
}
SYNONYMS: dict[str, str] = {}
_WEAK_NAME_HEADERS = {"项目"}
for _key, _names in _SYNONYM_LISTS.items():
    for _name in _names:
        SYNONYMS[unicodedata.normalize("NFKC", _name)] = _key
# Known column names that are deliberately not imported (they still help find the header row).
# 计划开工时间 is a plan, never a 开工 record.
IGNORED_HEADERS = {"序号", "计划开工时间", "计划开工日期", "计划投产时间", "计划签约时间", "计划竣工时间"}
_IGNORED = "__ignored__"

MONEY_KEYS = ("total_investment", "fixed_asset_investment", "annual_plan_investment", "completed_investment",
              "arrived_funds", "signed_amount")
DATE_STEPS = {"signed_on": defaults.STEP_SIGNED, "library_on": defaults.STEP_LIBRARY,
              "started_on": defaults.STEP_STARTED, "operating_on": defaults.STEP_OPERATING}
UNIT_KEYS = ("responsible_unit", "township", "first_unit")
TEXT_KEYS = ("progress_text", "content", "remarks")

# Stage words → lifecycle step number (the 23 step names themselves are added from the database).
_STAGE_WORDS = {
    3: ["洽谈", "在谈", "洽谈中", "对接中", "对接", "在洽谈", "正在洽谈", "正在对接", "跟踪对接", "接洽中", "商谈中"],
    4: ["实地考察", "考察"],
    5: ["初审", "提交初审", "初审中", "待初审"],
    6: ["初审通过", "已初审"],
    7: ["集体决策同意", "已决策"],
    8: ["框架协议", "签订框架协议"],
    9: ["签约", "已签约", "签订协议", "云签约", "已签订协议", "正式签约"],
    10: ["入库", "已入库"],
    11: ["企业注册", "已注册"],
    12: ["备案", "立项", "已备案", "已立项"],
    19: ["开工", "已开工", "在建", "土建", "主体施工", "设备安装", "生产线安装", "设备调试", "试生产", "动工",
         "建设中", "正在建设", "施工中", "续建", "新开工"],
    21: ["竣工", "竣工验收", "已竣工"],
    22: ["投产", "已投产", "建成投产", "竣工投产", "部分投产"],
    23: ["达产", "上规", "已达产"],
}
_WORD_STEP = {w: n for n, ws in _STAGE_WORDS.items() for w in ws}
# Words found inside longer progress texts ("土建完成80%") → step; longest first.
_STAGE_KEYWORDS = sorted(
    [(w, n) for n, ws in _STAGE_WORDS.items() for w in ws if len(w) >= 2 and w not in ("对接", "考察", "立项", "备案")],
    key=lambda item: -len(item[0]),
)

# A step word after these is one not (yet) done: 未开工, 拟签约, 计划开工, 即将投产.
_NOT_DONE_RE = re.compile(r"(?:未|待|拟|计划|准备|即将|争取|力争|预计|没有)$")
_SECTION_RE = re.compile(r"^\s*[一二三四五六七八九十百]+\s*[、.．，,]")
# Also a heading: “（一）……”, a bare 序号 “二”, or a text ending in “（4个）” (a section's count).
_SECTION_MARK_RE = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十百]+\s*[)）]|[一二三四五六七八九十百]+\s*$)")
_SECTION_COUNT_RE = re.compile(r"[（(]\s*(?:共\s*)?\d+\s*个(?:项目)?\s*[)）]\s*$")
# A heading alone in the name column: “1.轻合金产业”, “新能源产业” (never a project's name).
_LONE_HEADING_RE = re.compile(r"^\s*(?:\d+\s*[.、．]\s*\S.*|\S*(?:产业|行业|板块|产业链|类项目))\s*$")
_TOTAL_RE = re.compile(r"^\s*[（(]?\s*(合\s*计|总\s*计|小\s*计)")
_OF_WHICH_RE = re.compile(r"^[(（]?\s*其\s*中")
# “注：……”, “注1：……”, and the signature lines under a list: 填报人：, 单位负责人：, 分管领导：, 填报日期：,
# 联系电话：, 审核：, 填报单位（盖章）：, or “（盖章）” alone.
_FOOTNOTE_RE = re.compile(r"^\s*(?:(?:注\s*\d*|备注|说明|[^\s\d:：]{0,6}(?:人|领导|日期|时间|电话|审核|制表|签字|签名|盖章|单位)"
                          r"\s*[)）]?)\s*[:：]|[(（]?\s*盖\s*章\s*[)）]?\s*$)")
_MONTH_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*(?:份|初|上旬|中旬|下旬|中|底|末)?$")
_YEAR_RE = re.compile(r"^(\d{4})\s*年?\s*(?:度|初|底|末|上半年|下半年)?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EMPTY_WORDS = {"待定", "—", "-", "--", "——", "/", "无", "暂无", "未定", "空", "／", "—-", "未开工", "未签约", "无。"}
# A mobile number as people write it: 13805981234, 138 0598 1234, 138-0598-1234.
_MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d(?:[ \-－—]?\d{4}){2})(?!\d)")
# A landline with its area code, and an extension after 转/分机 (0598-2321234转801).
_LANDLINE_RE = re.compile(r"(?<!\d)(0\d{2,3}[-－—]?\d{7,8}(?:\s*(?:转|分机)\s*\d{1,5})?)(?!\d)")
_DIGITS_RE = re.compile(r"[\d\-－—]{5,}")
_CONTACT_SEPARATORS_RE = re.compile(r"[\s/／,，;；、:：()（）]+")
_CONTACT_LABEL_RE = re.compile(r"^(联系人|电话|手机)\s*")
_EXCEL_EPOCH = dt.date(1899, 12, 30)

MAX_HEADER_SEARCH = 15
NOT_STARTED = "未开始"
EXAMPLE_MARK = "示例"  # excel_template.EXAMPLE_MARK  # lifecycle.stage_labels()[0]
CANCELLED = "已取消"


# --- public data ----------------------------------------------------------------------------
@dataclass(slots=True)  # slots: a 100,000-row list holds tens of thousands of these
class Issue:
    row: int
    column: str
    message: str
    # What the message becomes when the import creates the missing unit, person or industry.
    if_created: str = ""

    def to_json(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(slots=True)
class Duplicate:
    row: int
    matches: int | str
    project_id: int | None = None

    def to_json(self) -> dict:
        return {"row": self.row, "matches": self.matches}


@dataclass
class ImportOutcome:
    imported: int
    updated: int
    skipped: int


@dataclass(slots=True)
class ImportRow:
    """One row that passed the checks (possibly a duplicate): the values to write."""

    row: int
    values: dict
    steps: dict[int, dt.date]  # step number → date done
    pending: dict[str, str]  # unit/township/first_unit/leader/industry names not (yet) known
    duplicate: Duplicate | None = None


@dataclass
class ImportAnalysis:
    file: str
    sheet: str
    sheets: list[str]
    header_row: int
    headers: list[str]
    mapping: dict[int, str]
    rows_read: int = 0
    valid: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    total_investment_wan: Decimal = Decimal(0)
    already_imported: bool = False
    # Internal: what commit and the error report need.
    sha256: str = ""
    first_header_row: int = 0
    rows: list[ImportRow] = field(default_factory=list)
    raw_rows: dict[int, list] = field(default_factory=dict)
    header_cells: list[list] = field(default_factory=list)
    header_units: list[str] = field(default_factory=list)  # 亿/万/元/亩 per column, from its header
    layout_key: str = ""
    mapping_overrides: dict[int, str] | None = None

    @property
    def file_name(self) -> str:
        return Path(self.file).name

    def to_json(self, outcome: ImportOutcome | None = None) -> dict:
        total = self.total_investment_wan
        number = int(total) if total == total.to_integral_value() else float(total)
        return {
            "file": self.file,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "rows_read": self.rows_read,
            "valid": self.valid,
            "imported": outcome.imported if outcome else 0,
            "updated": outcome.updated if outcome else 0,
            "skipped": outcome.skipped if outcome else 0,
            "duplicates": [d.to_json() for d in self.duplicates],
            "errors": [i.to_json() for i in self.errors],
            "warnings": [i.to_json() for i in self.warnings],
            "total_investment_wan": number,
        }


def list_sheets(path) -> list[str]:
    """Visible worksheets, data sheets first and instruction sheets (填表说明 …) last."""
    return _list_sheets(path)


# --- cells ----------------------------------------------------------------------------------
def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    """A cell as text, the way the sender sees it (15000.0 → "15000", a date → 2022-03-15)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _clean_header(value) -> tuple[str, str]:
    """Header cell → (normalised name for the synonym table, unit: 亿/万/元/亩/'')."""
    text = unicodedata.normalize("NFKC", _text(value))
    text = re.sub(r"\s+", "", text)
    unit = ""
    for inner in re.findall(r"[(\[【]([^)\]】]*)[)\]】]", text):
        if "亿" in inner:
            unit = "亿"
        elif "万" in inner:
            unit = unit or "万"
        elif "亩" in inner:
            unit = unit or "亩"
        elif inner in ("元",):
            unit = unit or "元"
    text = re.sub(r"[(\[【][^)\]】]*[)\]】]", "", text)
    match = re.search(r"[/、]?(亿元|万元|亿|亩)$", text)
    if match and len(text) > len(match.group(0)) + 1:
        unit = unit or match.group(1)[0]
        text = text[: match.start()]
    text = re.sub(r"^(其中|含)[:：]?", "", text).rstrip(":：*＊")
    text = text.lstrip("*＊")
    return text, unit


_PLAN_MARK_RE = re.compile(r"计划|预计|拟|预期|计划日期")
_ACTUAL_WORDS = {"实际", "实际时间", "实际日期", "实际完成", "已完成", "完成", "完成时间", "完成日期"}
_BRACKETED_RE = re.compile(r"[(\[【（]([^)\]】）]*)[)\]】）]")


def _field_for_header(value) -> str | None:
    name, _unit = _clean_header(value)
    if not name:
        return None
    if name in IGNORED_HEADERS:
        return _IGNORED
    key = SYNONYMS.get(name)
    if key in DATE_STEPS and any(_PLAN_MARK_RE.search(inner) for inner in _BRACKETED_RE.findall(_text(value))):
        return _IGNORED  # 开工时间（计划）, 签约时间（拟）: a plan, never a record
    if key:
        return key
    for prefix in ("计划", "预计", "拟"):
        if name.startswith(prefix) and SYNONYMS.get(name[len(prefix):]) in DATE_STEPS:
            return _IGNORED  # 预计开工时间, 拟签约日期
    year = re.match(r"^\d{4}年(度)?(1-\d+月)?", name)
    if year:
        rest = name[year.end():]
        if rest in ("计划投资", "计划完成投资", "投资计划", "年度计划投资"):
            return "annual_plan_investment"
        if rest in ("完成投资", "累计完成投资"):
            return "completed_investment"
    return None


# --- header detection ------------------------------------------------------------------------
@dataclass
class _Header:
    first: int  # 0-based index of the first header row
    last: int  # 0-based index of the last header row
    labels: list[str]  # text shown for each column (as in the sheet)
    keys: list[str | None]  # field per column (None/_IGNORED when not imported)
    units: list[str]


def _horizontal_parent(merged, r: int, c: int):
    for (r0, c0), (r1, c1) in merged:
        if r0 <= r <= r1 and c0 <= c <= c1 and c1 > c0:
            return r0, c0
    return None


def _vertical_from_above(merged, r: int, c: int) -> bool:
    for (r0, c0), (r1, c1) in merged:
        if r0 < r <= r1 and c0 <= c <= c1:
            return True
    return False


def _known_count(row: list) -> int:
    """How many different known columns a row names. A label ending in a colon introduces the value
    beside it (“联系人：”“张三”“联系电话：”… on a 填报单位 line): a form line, not column names."""
    found = set()
    for v in row:
        if _blank(v) or (isinstance(v, str) and v.rstrip().endswith((":", "："))):
            continue
        key = _field_for_header(v)
        if key is not None:
            found.add(key if key != _IGNORED else _clean_header(v)[0])
    return len(found)


def _two_row_labels(rows, merged, r: int, width: int):
    """Combined labels of rows r and r+1 when r+1 is a sub-header row, else None."""
    if r + 1 >= len(rows):
        return None
    top, sub = rows[r], rows[r + 1]
    if _known_count(top) < 1:
        return None
    parents: list = []
    for c in range(width):
        value = top[c] if c < len(top) else None
        if _blank(value):
            origin = _horizontal_parent(merged, r, c)
            if origin is not None:
                value = rows[origin[0]][origin[1]]
            elif c > 0 and not _blank(sub[c] if c < len(sub) else None) and parents and parents[-1][1]:
                value = parents[-1][0]  # a group cell without merge information (.ods, .csv)
        child = sub[c] if c < len(sub) else None
        is_group = not _blank(child) and not _vertical_from_above(merged, r + 1, c)
        parents.append((value, is_group))
    non_empty = [c for c in range(width) if c < len(sub) and not _blank(sub[c])]
    sub_keys = {c: _sub_header_field(parents[c][0], sub[c]) for c in non_empty}
    sub_known = sum(1 for key in sub_keys.values() if key is not None)
    if sub_known < 1 or sub_known * 2 < len(non_empty):
        return None
    for c in non_empty:
        parent, _ = parents[c]
        if not _blank(parent) and _field_for_header(parent) not in (None,) and _horizontal_parent(merged, r, c) is None:
            # A sub-header under a column name of its own: row r+1 is data, not a header.
            if sub_keys[c] is None:
                return None
    labels, keys, units = [], [], []
    for c in range(width):
        parent, is_group = parents[c]
        child = sub[c] if c < len(sub) else None
        _, parent_unit = _clean_header(parent) if not _blank(parent) else ("", "")
        if is_group:
            key = sub_keys[c]
            plain = _field_for_header(child)
            # 计划 | 实际 under 开工时间 say little on their own: the label names the group too.
            label = _text(child) if plain is not None or _blank(parent) else f"{_text(parent)}（{_text(child)}）"
            unit = _clean_header(child)[1] or parent_unit
        else:
            label = _text(parent)
            key = _field_for_header(parent) if not _blank(parent) else None
            unit = parent_unit
        labels.append(label)
        keys.append(key)
        units.append(unit)
    return labels, keys, units


def _sub_header_field(parent, child) -> str | None:
    """The field of a sub-header cell: its own name, or — under a date group such as 开工时间 — 实际
    (the date done: the group's field) or 计划/预计 (a plan: not imported)."""
    own = _field_for_header(child)
    if own is not None or _blank(parent):
        return own
    group = _field_for_header(parent)
    if group not in DATE_STEPS:
        return None
    word = re.sub(r"\s+", "", unicodedata.normalize("NFKC", _text(child)))
    if _PLAN_MARK_RE.search(word):
        return _IGNORED
    if word in _ACTUAL_WORDS:
        return group
    return None


def _find_header(rows, merged, width: int) -> _Header | None:
    for r in range(min(MAX_HEADER_SEARCH, len(rows))):
        row = rows[r]
        single = _known_count(row)
        combined = _two_row_labels(rows, merged, r, width)
        if combined is not None:
            labels, keys, units = combined
            if sum(1 for k in keys if k is not None) >= 2:
                return _Header(r, r + 1, labels, keys, units)
        if single >= 2:
            labels = [_text(row[c]) if c < len(row) else "" for c in range(width)]
            keys = [_field_for_header(row[c]) if c < len(row) and not _blank(row[c]) else None for c in range(width)]
            units = [_clean_header(row[c])[1] if c < len(row) else "" for c in range(width)]
            return _Header(r, r, labels, keys, units)
    return None


# “单位：亿元”, “金额单位：亿元、亩”, “（金额单位为亿元）” — but not “填报单位：××镇”.
_SHEET_UNIT_RE = re.compile(r"单位\s*(?:[:：]|为|是)\s*(亿元|万元|元)(?![\u4e00-\u9fff/／每])")
_FOOTNOTE_SEARCH_ROWS = 10


def _stated_unit(value) -> str:
    """亿/万/元 when the cell states a money unit (“单位：亿元”), else ""."""
    if isinstance(value, str) and "单位" in value:
        found = _SHEET_UNIT_RE.search(unicodedata.normalize("NFKC", value).replace(" ", ""))
        if found:
            return found.group(1)[0]
    return ""


def _sheet_unit(rows, header: _Header, mapping: dict[int, str], rows_added: range) -> str:
    """The money unit the sheet states once for all (亿/万/元), or "": on a line above the header or
    among the rows taken into it (a line “单位：亿元” under the header), in a header cell that is no
    amount column's own title, or in a footnote (注：金额单位为亿元) among the last rows."""
    for r in [*range(0, header.first), *rows_added]:
        for value in rows[r]:
            if unit := _stated_unit(value):
                return unit
    for r in range(header.first, rows_added.start):
        for c, value in enumerate(rows[r]):
            if c in mapping or not (unit := _stated_unit(value)):
                continue
            # “序号（单位：亿元）” or a spare cell over an empty column speaks for the sheet; an unmapped
            # column's own title (“纳税额（单位：元）”) only for that column.
            if (c < len(header.keys) and header.keys[c] == _IGNORED) or not any(
                    c < len(rows[below]) and not _blank(rows[below][c]) for below in range(header.last + 1, len(rows))):
                return unit
    for r in range(max(header.last + 1, len(rows) - _FOOTNOTE_SEARCH_ROWS), len(rows)):
        row = rows[r]
        first = next((v for v in row if not _blank(v)), None)
        if isinstance(first, str) and _FOOTNOTE_RE.match(unicodedata.normalize("NFKC", first)):
            for value in row:
                if unit := _stated_unit(value):
                    return unit
    return ""


def _apply_sheet_unit(rows, header: _Header, mapping: dict[int, str], rows_added: range) -> str:
    """Give the sheet's stated money unit to the amount columns whose header names none; the warning
    that says so, or "" (万元, the default, needs no word). `rows_added`: the rows _extend_header took in."""
    unit = _sheet_unit(rows, header, mapping, rows_added)
    if unit not in ("亿", "元"):
        return ""
    applied = []
    for c, key in mapping.items():
        if key in MONEY_KEYS and c < len(header.units) and not header.units[c]:
            header.units[c] = unit
            applied.append(header.labels[c])
    if not applied:
        return ""
    word = UNIT_WORDS[unit]
    return f"表中注明金额单位为{word}：{'、'.join(f'“{label}”' for label in applied)}按{word}计"


_HEADER_UNITS = {"亿元": "亿", "亿": "亿", "万元": "万", "万": "万", "元": "元", "亩": "亩"}
_OTHER_UNITS = {"个", "人", "年", "月", "%", "平方米", "㎡", "m2", "公顷", "吨", "万吨", "千瓦", "米", "年月日", "年.月.日",
                "年-月-日", "年/月/日", "年月", "年.月", "是/否"}
_COLUMN_MARKS = {"栏次", "序号", "甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"}
_MAX_HEADER_ROWS = 4


def _unit_word(value) -> str | None:
    """The unit a cell under the header names alone (“亿元”, “（万元）”, “单位：亩”) as 亿/万/元/亩; "" for
    another unit (个, %, 年月日); None when the cell says anything else."""
    if not isinstance(value, str):
        return None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).strip("()[]【】")
    text = re.sub(r"^单位[:：]?", "", text).strip("()[]【】")
    if not text:
        return ""  # “单位” alone in the 序号 column: the label of the row of units
    if text in _HEADER_UNITS:
        return _HEADER_UNITS[text]
    return "" if text in _OTHER_UNITS else None


def _column_number(value) -> int | str | None:
    """A cell of a 栏次 row: its number (1, "2"), "" for a mark (栏次, A, 甲), None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() and 0 < value < 100 else None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if text.isdigit() and len(text) <= 2:
            return int(text)
        if text in _COLUMN_MARKS or (len(text) == 1 and "A" <= text <= "Z"):
            return ""
    return None


def _extend_header(rows, header: _Header) -> None:
    """Take in the rows under the header that still belong to it: a row of units (亿元 | 亿元 | 亩), whose
    units go to the columns above that name none, and a row of column numbers (栏次 | 1 | 2 | 3 …)."""
    while header.last + 1 < len(rows) and header.last + 1 - header.first < _MAX_HEADER_ROWS:
        filled = [(c, v) for c, v in enumerate(rows[header.last + 1]) if not _blank(v)]
        if not filled:
            return
        units = [(c, _unit_word(v)) for c, v in filled]
        if all(unit is not None for _c, unit in units) and any(unit for _c, unit in units):
            for c, unit in units:
                if unit and c < len(header.units) and not header.units[c]:
                    header.units[c] = unit
            header.last += 1
            continue
        numbers = [_column_number(v) for _c, v in filled]
        digits = [n for n in numbers if isinstance(n, int)]
        if len(filled) >= 3 and None not in numbers and digits and digits == list(range(digits[0], digits[0] + len(digits))):
            header.last += 1
            continue
        return


def _layout_key(labels: list[str]) -> str:
    text = "|".join(_clean_header(label)[0] for label in labels)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


# --- values ---------------------------------------------------------------------------------
_AMOUNT_LIMIT = Decimal(10) ** 9  # 万元; projects.MAX_AMOUNT_WAN (1000 亿元) is checked after this
_AMOUNT_LIMIT_NUMBER = 10**9


class _Bad(ValueError):
    pass


class _Approximate(ValueError):
    """An amount written as an estimate (约5亿, 5000万左右): taken as the number, with a warning."""

    def __init__(self, amount: Decimal, written: str):
        super().__init__(written)
        self.amount, self.written = amount, written


# “约5亿元”, “大约3000万”, “超过5亿”, “5000万元左右”, “1亿以上”, “5000多万”, “1亿余元”: the number, as an
# estimate. The words come off once (no estimate of an estimate).
_ESTIMATE_WORDS_RE = re.compile(
    r"^(?:大约|将近|接近|超过|约|近|超|逾|预计)|(?<=\d)(?:多|余)(?=亿|万|元|$)|(?<=[亿千万])(?:多|余)(?=万|元|$)|(?:左右|以上|多|余)$")


def _amount(value, unit: str, *, estimates: bool = True) -> Decimal | None:
    kind = type(value)
    if (kind is int or kind is float) and unit not in ("亿", "元") and 0 < abs(value) <= _AMOUNT_LIMIT_NUMBER and value == int(value):
        return Decimal(int(value))  # the common case: a whole number of 万元 (same result as below)
    if _blank(value):
        return None
    factor = {"亿": Decimal(10000), "元": Decimal("0.0001")}.get(unit, Decimal(1))
    if isinstance(value, bool):
        raise _Bad(f"“{_text(value)}”不是金额")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise _Bad("不是有效的数字")
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        result = number * factor
    elif isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        raise _Bad(f"“{_text(value)}”是日期，不是金额")
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip().replace("，", ",").replace(" ", "").lstrip("¥")
        text = text.rstrip("。.") if not re.search(r"\d\.$", text) else text.rstrip(".")
        try:
            result = parse_amount(text, default_unit="亿" if unit == "亿" else "万")
        except AmountError as exc:
            number = _ESTIMATE_WORDS_RE.sub("", text) if estimates else text
            if number != text and number[:1].isdigit():
                try:
                    amount = _amount(number, unit, estimates=False)  # the words come off once
                except _Bad:
                    amount = None
                if amount is not None and amount > 0:
                    raise _Approximate(amount, _text(value)) from None
            raise _Bad(f"“{_text(value)}”不是金额") from exc
        except (InvalidOperation, ValueError) as exc:
            raise _Bad(f"“{_text(value)}”不是金额") from exc
        if result is None:
            return None
        if unit == "元" and not re.search(r"(亿|万|元)", text):
            result = result * factor
    if not result.is_finite():
        raise _Bad(f"“{_text(value)}”不是有效的数字")
    if abs(result) > _AMOUNT_LIMIT:
        raise _Bad(f"“{_text(value)}”数额过大（超过 1000 亿元），请检查单位")
    return result.normalize() if result != result.to_integral_value() else result.quantize(Decimal(1))


def _area(value) -> Decimal | None:
    if _blank(value):
        return None
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise _Bad(f"“{_text(value)}”不是亩数")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise _Bad("不是有效的数字")
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    try:
        result = parse_area(str(value))
    except (AmountError, InvalidOperation, ValueError) as exc:
        raise _Bad(f"“{_text(value)}”不是亩数，请填写数字，如 120 或 35.5") from exc
    if result is not None and abs(result) >= Decimal("1e12"):
        raise _Bad(f"“{_text(value)}”不是合理的亩数")
    return result


def _date(value) -> tuple[dt.date | None, str | None]:
    """(date, warning): real dates, serial numbers and the usual written forms."""
    if _blank(value):
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, bool):
        return None, f"“{_text(value)}”不是日期，已留空"
    if isinstance(value, (int, float)):
        return _date_from_number(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = re.sub(r"(?<=\d)[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", text)
    if text[-1:] in (".", "。") and text[-2:-1].isdigit():
        text = text[:-1]  # “2022.3.15.”
    if text in _EMPTY_WORDS or text.strip("—-－/ ") == "":
        return None, f"日期为“{text}”，已留空"
    try:
        return parse_date(text), None
    except ValueError:
        pass
    compact = _COMPACT_DATE_RE.match(text)
    if compact:
        try:
            return dt.date(*(int(g) for g in compact.groups())), None
        except ValueError:
            return None, f"“{text}”不是有效日期，已留空"
    month = _MONTH_RE.match(text)
    if month:
        year, mon = int(month.group(1)), int(month.group(2))
        if 1900 <= year <= 2200 and 1 <= mon <= 12:
            return dt.date(year, mon, 1), f"“{text}”只有年月，按当月 1 日记录"
    year_only = _YEAR_RE.match(text)
    if year_only and 1900 <= int(year_only.group(1)) <= 2200:
        return None, f"“{text}”只有年份，已留空"
    text2 = re.sub(r"\s+", "", text).rstrip("日号")
    if text2 != text:
        try:
            return parse_date(text2), None
        except ValueError:
            pass
    return None, f"“{text}”不是日期，已留空（应为 2022-03-15 或 2022年3月15日 的形式）"


def _date_from_number(value: int | float) -> tuple[dt.date | None, str | None]:
    """A number in a date column: an Excel serial date, or what a typed date became once Excel took
    it for a number — 20220315, 202203 (year and month), 2022.3 (year.month)."""
    if value != value or value in (float("inf"), float("-inf")):
        return None, "不是有效的日期，已留空"
    whole = float(value).is_integer()
    if whole and 1900 <= value <= 2200:  # as a serial number that is 1905: a year typed alone
        return None, f"“{int(value)}”只有年份，已留空"
    if whole and 19000101 <= value <= 21001231:
        return _date(str(int(value)))
    if whole and 190001 <= value <= 210012 and 1 <= int(value) % 100 <= 12:
        year, month = divmod(int(value), 100)
        return dt.date(year, month, 1), f"“{int(value)}”只有年月，按当月 1 日记录"
    if not whole and 1900 < value < 2101:
        year, _, digits = repr(float(value)).partition(".")
        month = int(digits) if len(digits) <= 2 else 0
        if 1 <= month <= 12:
            text = f"{year}.{digits}"
            if digits == "1":  # 2022.10 typed into a number cell is stored as 2022.1
                return dt.date(int(year), 1, 1), f"“{text}”按{year}年1月1日记录；如果填的是 {year}.10（10 月），请改为文本格式的日期"
            return dt.date(int(year), month, 1), f"“{text}”只有年月，按当月 1 日记录"
        return None, f"“{_text(value)}”不是日期，已留空（应为 2022-03-15 或 2022年3月15日 的形式）"
    if 1 <= value < 2958466:
        return _EXCEL_EPOCH + dt.timedelta(days=int(value)), None
    return None, f"“{_text(value)}”不是日期，已留空"


_UNREAD = object()


def _known_industry(name: str, industries) -> str | None:
    """The industry of the list a sheet's 产业 cell names: itself, or without a trailing 产业/行业
    (“轻合金产业” → 轻合金), compared without spaces and in half-width."""
    if name in industries:
        return name
    by_norm = {normalise_name(industry): industry for industry in industries}
    norm = normalise_name(name)
    for candidate in (norm, *(norm[:-len(suffix)] for suffix in ("产业链", "产业", "行业") if norm.endswith(suffix))):
        if candidate and candidate in by_norm:
            return by_norm[candidate]
    return None


_LOST_DIGITS = ("项目编号是以数字格式保存的长数字，后几位已丢失（Excel 只保留 15 位），已留空；"
                "请把该列设为文本格式后重新填写")
_SCIENTIFIC_RE = re.compile(r"^\d(?:\.\d+)?[eE]\+\d+$")
_MAX_SEQUENCE_DIGITS = 4  # a code of at most this many digits and nothing else is a row number


def _code(value) -> tuple[str, str | None]:
    if _blank(value):
        return "", None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "", "项目编号无效，已留空"
        if abs(value) >= 1e15:
            return "", _LOST_DIGITS
    if isinstance(value, int) and abs(value) >= 10**15:
        return str(value), None
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else _text(value)
    if _SCIENTIFIC_RE.match(text):
        return "", _LOST_DIGITS  # “3.50428E+17”: what Excel shows, and saves in a CSV, of a long number
    if len(text) > 32:
        return "", "项目编号超过 32 个字符，已留空"
    return text, None


def _codes_are_row_numbers(rows, header: _Header, column: int | None, name_col: int | None, mapping, remarks_col) -> bool:
    """Whether the 项目编号 column only counts the rows: 1, 2, 3 … on the projects' rows in order (starting
    again at 1 in a section is allowed). A township's row numbers kept as codes would make the next
    township's 1, 2, 3 “duplicates” of these projects, and those rows would be skipped."""
    if column is None:
        return False
    previous, found = 0, False
    for r in range(header.last + 1, len(rows)):
        row = rows[r]
        value = row[column] if column < len(row) else None
        if _blank(value) or _skip_kind(row, name_col, mapping) or _is_example(row, name_col, remarks_col):
            continue
        code, _warning = _code(value)
        if not code:
            continue
        if not (len(code) <= _MAX_SEQUENCE_DIGITS and code.isdigit()) or int(code) not in (previous + 1, 1):
            return False
        previous, found = int(code), True
    return found


def _split_contact(text: str) -> tuple[str, str, str | None]:
    """“袁安邦 13805981234” / “袁安邦/0598-2321234” → (name, phone, warning)."""
    text = unicodedata.normalize("NFKC", text).strip()
    mobiles = _MOBILE_RE.findall(text)
    rest = text
    for phone in mobiles:
        rest = rest.replace(phone, " ")
    landlines = _LANDLINE_RE.findall(rest)
    for phone in landlines:
        rest = rest.replace(phone, " ")
    phones = [re.sub(r"[ \-－—]", "", phone) for phone in mobiles] + [re.sub(r"\s+", "", phone) for phone in landlines]
    name = _CONTACT_SEPARATORS_RE.sub(" ", rest).strip()
    name = _CONTACT_LABEL_RE.sub("", name).strip()
    warning = None
    if not phones and _DIGITS_RE.search(text):
        warning = f"联系电话“{_DIGITS_RE.search(text).group(0)}”格式不对（手机 11 位，座机如 0598-2321234）"
        name = re.sub(r"[\d\-－—]{5,}", "", name).strip()
    return name[:64], " ".join(phones)[:64], warning


def _stage_step(text: str, step_names: dict[str, int], stage_words: dict[str, int] | None = None) -> tuple[int | None, bool]:
    """(step number, matched exactly) for a stage word, or (None, False).

    `stage_words` are the stage labels lists show (落地审批, 达效, 未开始 → 0 …): every 当前阶段 an
    export writes reads back as the highest step of that stage."""
    word = normalise_name(text).rstrip("。.;；")
    if not word:
        return None, False
    if word in step_names:
        return step_names[word], True
    number = _WORD_STEP.get(word)
    if number is not None:
        return number, True
    if stage_words and word in stage_words:
        return stage_words[word], True
    for keyword, number in _STAGE_KEYWORDS:
        start = word.find(keyword)
        while start >= 0:
            if not _said_not_done(word, start):
                return number, False
            start = word.find(keyword, start + 1)  # “未开工” says the step is not done: look further
    return None, False


def _said_not_done(word: str, start: int) -> bool:
    """Whether the step word at `start` comes after 未/待/拟/计划…: a step not (yet) done."""
    return _NOT_DONE_RE.search(word, max(0, start - 2), start) is not None


def _names_a_step_not_done(text: str) -> bool:
    """Whether a stage word names a step only as not (yet) done: 未开工, 拟签约, 即将投产."""
    word = normalise_name(text)
    return any(_said_not_done(word, start) for keyword, _number in _STAGE_KEYWORDS for start in [word.find(keyword)] if start > 0)


# --- the database side of the checks ---------------------------------------------------------
def _db_open() -> bool:
    # Not is_closed(): peewee keeps one connection per thread, and the wizard analyses and commits on
    # a worker thread whose connection opens on its first query.
    return database.obj is not None


@dataclass
class _Reference:
    units: dict[str, int] = field(default_factory=dict)
    townships: dict[str, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)
    industries: set[str] = field(default_factory=set)
    step_names: dict[str, int] = field(default_factory=dict)
    step_numbers: set[int] = field(default_factory=set)
    by_code: dict[str, tuple[int, str]] = field(default_factory=dict)
    by_key: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)
    # Step number → the stage label lists show (lifecycle.stage_labels()); 0 → 未开始.
    stage_label: dict[int, str] = field(default_factory=dict)
    # Stage label → the highest step of that stage (so every 当前阶段 an export shows reads back).
    stage_words: dict[str, int] = field(default_factory=dict)
    stage_of: dict[int, int] = field(default_factory=dict)  # existing project id → stage_no


def _load_reference() -> _Reference:
    ref = _Reference()
    ref.industries = set(defaults.INDUSTRIES)
    step_rows = [(n, name, phase) for n, phase, name, *_ in defaults.DEFAULT_STEPS]
    if _db_open():
        from desktop.models import Company, LifecycleStep, Person, Project, Unit

        for uid, name, kind in Unit.select(Unit.id, Unit.name, Unit.kind).tuples():
            ref.units[normalise_name(name)] = uid
            if kind == "乡镇":
                ref.townships[normalise_name(name)] = uid
        for pid, name in Person.select(Person.id, Person.name).tuples():
            ref.people.setdefault(normalise_name(name), pid)
        ref.industries |= {i for (i,) in Project.select(Project.industry).distinct().where(Project.industry != "").tuples()}
        rows = list(LifecycleStep.select(LifecycleStep.number, LifecycleStep.name, LifecycleStep.phase).tuples())
        if rows:
            step_rows = rows
        query = Project.select(Project.id, Project.code, Project.name_norm, Company.name_norm, Project.stage_no).join(
            Company, join_type=__import__("peewee").JOIN.LEFT_OUTER, on=(Project.investor == Company.id)
        )
        for pid, code, name_norm, investor_norm, stage_no in query.tuples():
            ref.by_code[normalise_name(code)] = (pid, code)
            ref.by_key.setdefault((name_norm, investor_norm or ""), (pid, code))
            ref.stage_of[pid] = stage_no or 0
    ref.stage_label[0] = NOT_STARTED
    ref.stage_words[NOT_STARTED] = 0
    for number, name, phase in step_rows:
        label = defaults.STAGE_OF_PHASE.get(phase, phase)
        ref.stage_label[number] = label
        if label:
            norm = normalise_name(label)
            ref.stage_words[norm] = max(ref.stage_words.get(norm, 0), number)
    for number, name, _phase in step_rows:
        ref.step_numbers.add(number)
        ref.step_names[normalise_name(name)] = number
        for part in re.split(r"[（()）/]", name):
            if len(part) >= 2:
                ref.step_names.setdefault(normalise_name(part), number)
    return ref


def _lookup_unit(name: str, table: dict[str, int]) -> int | None:
    norm = normalise_name(name)
    if norm in table:
        return table[norm]
    for suffix in ("镇", "乡", "县"):
        if norm + suffix in table:
            return table[norm + suffix]
    if not norm.startswith("县") and "县" + norm in table:
        return table["县" + norm]
    return None


def _remembered_mapping(layout_key: str) -> dict[int, str]:
    if not _db_open():
        return {}
    try:
        from desktop.services.database import get_setting

        text = get_setting(f"import_mapping:{layout_key}")
        return {int(k): v for k, v in json.loads(text).items()} if text else {}
    except Exception:  # a broken setting must not stop an import  # noqa: BLE001
        return {}


# --- analyse --------------------------------------------------------------------------------
def _check_progress(progress, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        raise UserError(CANCELLED)


def analyse(path, *, sheet: str | None = None, mapping_overrides: dict[int, str] | None = None, progress=None,
            today: dt.date | None = None) -> ImportAnalysis:
    """Read and check the file; nothing is written. Raises UnreadableFileError for unreadable files."""
    today = today or dt.date.today()
    path_obj = Path(path)
    table: Table = read_table(path_obj, sheet)
    rows = table.rows
    _check_progress(progress, 0, max(len(rows), 1))  # read: the bar starts, and a cancel is heard from here
    width = max((len(r) for r in rows), default=0)
    header = _find_header(rows, table.merged, width)
    if header is None:
        raise UnreadableFileError(
            "在前 15 行中没有找到表头（至少要有“项目名称”“总投资”等两个列名），请检查是否选对了工作表，或使用导入模板",
            Location(file=path_obj.name, sheet=table.sheet),
        )
    found_last = header.last
    _extend_header(rows, header)
    rows_added = range(found_last + 1, header.last + 1)
    layout_key = _layout_key(header.labels)
    mapping: dict[int, str] = {}
    for c, key in enumerate(header.keys):
        if key and key != _IGNORED and (key not in mapping.values() or key == "contact"):
            mapping[c] = key
    if "name" not in mapping.values():
        # “项目 | 项目单位 | 投资规模”: a column headed 项目 alone names the projects only when no other
        # column does (beside 项目名称 it is a kind — 工业项目 —, and it never helps find a header).
        weak = next((c for c, label in enumerate(header.labels) if c not in mapping and _clean_header(label)[0] in _WEAK_NAME_HEADERS), None)
        if weak is not None:
            mapping[weak] = "name"
    remembered = _remembered_mapping(layout_key)
    for overrides in (remembered, mapping_overrides or {}):
        for c, key in overrides.items():
            c = int(c)
            if c < 0 or c >= width:
                continue
            if key and key not in FIELDS:
                raise UserError(f"未知的字段：{key}")
            for other in [o for o, k in mapping.items() if k == key and o != c and key != "contact"]:
                del mapping[other]
            if key:
                mapping[c] = key
            else:
                mapping.pop(c, None)
    mapping = dict(sorted(mapping.items()))
    unit_note = _apply_sheet_unit(rows, header, mapping, rows_added)
    analysis = ImportAnalysis(
        file=str(path), sheet=table.sheet, sheets=table.sheets, header_row=header.last + 1,
        headers=header.labels, mapping=mapping, first_header_row=header.first + 1,
        header_cells=[list(rows[r]) for r in range(header.first, header.last + 1)],
        header_units=list(header.units),
        layout_key=layout_key, mapping_overrides=dict(mapping_overrides) if mapping_overrides else None,
    )
    try:
        analysis.sha256 = file_sha256(path_obj)
    except OSError as exc:
        raise UnreadableFileError("无法读取这个文件，请关闭文件后再导入", Location(file=path_obj.name)) from exc
    ref = _load_reference()
    if _db_open():
        from desktop.models import ImportRecord

        if database.table_exists(ImportRecord._meta.table_name):
            analysis.already_imported = ImportRecord.select().where(ImportRecord.sha256 == analysis.sha256).exists()
        if analysis.already_imported:
            analysis.warnings.append(Issue(0, "", "这个文件以前已经导入过一次，再次导入时重复的项目会按所选方式跳过或更新"))
    if unit_note:
        analysis.warnings.append(Issue(0, "", unit_note))
    # Cells merged down a block of rows apply to every row of the block.
    for (r0, c0), (r1, c1) in table.merged:
        if r1 > r0 and r0 > header.last:
            for r in range(r0 + 1, r1 + 1):
                if r < len(rows):
                    row = rows[r]
                    while len(row) <= c0:
                        row.append("")
                    if _blank(row[c0]):
                        row[c0] = rows[r0][c0] if c0 < len(rows[r0]) else ""
    _check_rows(analysis, rows, header, ref, today, progress)
    if path_obj.suffix.lower() in (".xlsx", ".xlsm"):
        _explain_formula_cells(analysis, path_obj)
        _warn_hidden_rows(analysis, path_obj)
    return analysis


_XML_CHUNK = 1 << 20
_ROW_TAG_RE = re.compile(rb"<(?:\w+:)?row\b[^>]*>")
_HIDDEN_RE = re.compile(rb'\bhidden="(?:1|true)"')
_ROW_NUMBER_RE = re.compile(rb'\br="(\d+)"')


def hidden_rows(path: Path, sheet_name: str) -> list[int]:
    """Excel row numbers hidden in `sheet_name` of an .xlsx (calamine does not say; the sheet's XML does).

    The sheet's XML is streamed a megabyte at a time (100,000 rows are ~200 MB of XML: read whole,
    it alone would take an import over its memory budget); only a piece that mentions hidden="…"
    is searched tag by tag."""
    import zipfile
    from xml.etree import ElementTree

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    rows: list[int] = []
    try:
        with zipfile.ZipFile(path) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            rid = next((s.get(f"{{{ns['r']}}}id") for s in book.iterfind("m:sheets/m:sheet", ns)
                        if s.get("name") == sheet_name), None)
            target = next((r.get("Target") for r in rels.iterfind("p:Relationship", ns) if r.get("Id") == rid), None)
            if target is None:
                return []
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            with archive.open(member) as stream:
                carried = b""
                while chunk := stream.read(_XML_CHUNK):
                    data = carried + chunk
                    # A tag has no “<” inside: every tag that starts before the last “<” ends before it.
                    cut = data.rfind(b"<")
                    body, carried = (data[:cut], data[cut:]) if cut > 0 else (b"", data)
                    if b'hidden="' in body:
                        rows += _hidden_in(body)
                rows += _hidden_in(carried)
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return []
    return rows


def _hidden_in(xml: bytes) -> list[int]:
    found = []
    for tag in _ROW_TAG_RE.finditer(xml):
        if _HIDDEN_RE.search(tag.group(0)):
            number = _ROW_NUMBER_RE.search(tag.group(0))
            if number:
                found.append(int(number.group(1)))
    return found


def _warn_hidden_rows(analysis: ImportAnalysis, path: Path) -> None:
    """Hidden rows are imported like the others (the sender may have hidden them only to print), but said."""
    hidden = [r for r in hidden_rows(path, analysis.sheet) if r > analysis.header_row]
    for row in hidden[:50]:
        analysis.warnings.append(Issue(row, "", "这一行在表中被隐藏，仍照常导入；如果它不该导入，请在表中删除这一行"))
    if len(hidden) > 50:
        analysis.warnings.append(Issue(0, "", f"表中另有 {len(hidden) - 50} 个隐藏行，也照常导入"))
    if hidden:
        analysis.warnings.sort(key=lambda i: i.row)


FORMULA_NOTE = "（这一格是公式，文件里没有保存计算结果：请在 Excel 或 WPS 中打开这个文件、保存后再导入）"
MAX_FORMULA_CHECKS = 500


_EXCEL_ERRORS = {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA"}


def _explain_formula_cells(analysis: ImportAnalysis, path: Path) -> None:
    """A cell calamine reads as empty may show the sender something: an error value (#N/A, #REF! —
    a VLOOKUP that found nothing), or a formula saved without its result (a file written by another
    program). Say so on the row's problem instead of only “missing”, since calamine sees neither."""
    # Errors only: an empty required cell is where a lost formula result hurts (and warnings can be many).
    issues = [i for i in analysis.errors if i.row > 0 and i.column][:MAX_FORMULA_CHECKS]
    if not issues:
        return
    columns = {label: c for c, label in reversed(list(enumerate(analysis.headers)))}
    wanted = {(i.row, columns[i.column]) for i in issues if i.column in columns}
    if not wanted:
        return
    notes: dict[tuple[int, int], str] = {}
    for cell, value in _openpyxl_cells(path, analysis.sheet, wanted, data_only=True).items():
        if isinstance(value, str) and value.strip() in _EXCEL_ERRORS:
            notes[cell] = f"（这一格显示错误值 {value.strip()}，请在表中改正公式或直接填写数字）"
    rest = wanted - set(notes)
    if rest:
        for cell, value in _openpyxl_cells(path, analysis.sheet, rest, data_only=False).items():
            if isinstance(value, str) and value.startswith("="):
                notes[cell] = FORMULA_NOTE
    for issue in issues:
        note = notes.get((issue.row, columns.get(issue.column)))
        if note and note not in issue.message:
            issue.message += note


def _openpyxl_cells(path: Path, sheet_name: str, wanted: set[tuple[int, int]], *, data_only: bool) -> dict:
    """(Excel row, 0-based column) → the value openpyxl reads there; {} when it cannot read the file."""
    try:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=data_only)
    except Exception:  # noqa: BLE001 - only an explanation; the import itself is already checked
        return {}
    found = {}
    try:
        sheet = book[sheet_name] if sheet_name in book.sheetnames else book.worksheets[0]
        low, high = min(r for r, _ in wanted), max(r for r, _ in wanted)
        by_row: dict[int, list[int]] = {}
        for row, column in wanted:
            by_row.setdefault(row, []).append(column)
        for number, values in enumerate(sheet.iter_rows(min_row=low, max_row=high, values_only=True), low):
            for column in by_row.get(number, ()):
                if column < len(values):
                    found[(number, column)] = values[column]
    except Exception:  # noqa: BLE001 - as above
        return {}
    finally:
        book.close()
    return found


def _skip_kind(row: list, name_col: int | None, mapping: dict[int, str]) -> str | None:
    filled = []  # the first three filled cells are all the checks below need (but for a footnote's)
    for c, v in enumerate(row):
        if v is not None and (type(v) is not str or v.strip()):
            filled.append((c, v))
            if len(filled) == 3:
                break
    if not filled:
        return "blank"
    for _c, v in filled:
        if isinstance(v, str):
            text = unicodedata.normalize("NFKC", v)
            if _TOTAL_RE.match(text):
                return "total"
            if _SECTION_COUNT_RE.search(text):
                return "section"  # “新能源产业（2个）”, with or without the section's subtotal beside it
    first_c, first = filled[0]
    if not isinstance(first, str):  # a number or a date: a project's 序号 or values
        if len(filled) == 1 and first_c not in mapping:
            return "blank"  # a template's 序号 numbered in advance, with nothing beside it
        return None
    first_text = unicodedata.normalize("NFKC", first).strip()
    if _OF_WHICH_RE.match(first_text):
        return "total"  # “其中：亿元以上项目” under a total, “其中：一期” under a project: parts, not projects
    if _SECTION_RE.match(first_text) or _SECTION_MARK_RE.match(first_text):
        return "section"  # “一、轻合金产业” or a 序号 “二”/“（一）”, even with a subtotal beside it
    if len(filled) == 1:
        if _FOOTNOTE_RE.match(first_text):
            return "footnote"
        if first_c != name_col and (first_c == 0 or first_c not in mapping):
            return "section"
        if first_c == name_col and _LONE_HEADING_RE.match(first_text):
            return "section"
        return None
    if _FOOTNOTE_RE.match(first_text):
        # “注：……” or “填报人：…… 审核人：……” over a few cells: text only, no amount or date
        if all(isinstance(v, str) for v in row if v is not None and (type(v) is not str or v.strip())):
            return "footnote"
    return None


def _is_example(row: list, name_col: int | None, remarks_col: int | None) -> bool:
    """The template's example row: 项目名称 “……（示例）” and 备注 “示例：……” (a footnote, not a project)."""
    if name_col is None or remarks_col is None or name_col >= len(row) or remarks_col >= len(row):
        return False
    name, remarks = row[name_col], row[remarks_col]
    if not isinstance(name, str) or not isinstance(remarks, str):
        return False
    return "(示例)" in unicodedata.normalize("NFKC", name) and remarks.strip().startswith(EXAMPLE_MARK)


_CONTACT, _CODE, _MONEY, _AREA, _DATE, _STAGE, _UNIT, _LEADER, _INDUSTRY, _NAME, _TEXT = (
    "contact", "code", "money", "area", "date", "stage", "unit", "leader", "industry", "name", "text")


def _kind_of(key: str) -> str:
    """The column kind (one of the constants above: compared with `is` in the row loop)."""
    plain = {"contact": _CONTACT, "code": _CODE, "stage": _STAGE, "leader": _LEADER, "industry": _INDUSTRY}
    if key in plain:
        return plain[key]
    if key in MONEY_KEYS:
        return _MONEY
    if key == "land_area":
        return _AREA
    if key in DATE_STEPS:
        return _DATE
    if key in UNIT_KEYS:
        return _UNIT
    if key in ("name", "investor_name"):
        return _NAME
    return _TEXT


def _check_rows(analysis: ImportAnalysis, rows, header: _Header, ref: _Reference, today: dt.date, progress) -> None:
    mapping = analysis.mapping
    labels = header.labels
    col_of = {}
    for c, key in mapping.items():
        col_of.setdefault(key, c)
    name_col = col_of.get("name")
    remarks_col = col_of.get("remarks")
    seen: dict[tuple[str, str], int] = {}
    seen_codes: dict[str, int] = {}
    seen_existing: dict[int, int] = {}  # existing project id → the first row that matched it
    total_rows = len(rows) - header.last - 1
    from desktop.services.projects import validate_project

    def label(c: int) -> str:
        return labels[c] if c < len(labels) else ""

    # What each mapped column holds, decided once for the sheet rather than once a cell.
    plan = [(c, key, _kind_of(key), header.units[c] if c < len(header.units) else "") for c, key in mapping.items()]
    dates_read: dict = {}
    industries_read: dict = {}
    codes_are_row_numbers = _codes_are_row_numbers(rows, header, col_of.get("code"), name_col, mapping, remarks_col)
    if codes_are_row_numbers:
        analysis.warnings.append(Issue(0, label(col_of["code"]), f"“{label(col_of['code'])}”一栏是从 1 起连续的序号，"
                                                                 "不作项目编号，导入时另编号"))
    for index in range(header.last + 1, len(rows)):
        done = index - header.last
        if done % 500 == 0:
            _check_progress(progress, done, total_rows)
        row = rows[index]
        rows[index] = None  # let go of each row once read (100,000 rows: ~70 MB); the report keeps copies
        excel_row = index + 1
        if _skip_kind(row, name_col, mapping) or _is_example(row, name_col, remarks_col):
            continue
        analysis.rows_read += 1
        errors: list[Issue] = []
        warnings: list[Issue] = []

        values: dict = {}
        pending: dict[str, str] = {}
        steps: dict[int, dt.date] = {}
        stage_words: list[tuple[int, str]] = []
        contact_parts: list[str] = []
        width = len(row)
        for c, key, kind, unit in plan:
            value = row[c] if c < width else None
            if kind is _CONTACT:
                if not _blank(value):
                    contact_parts.append(_text(value))
                continue
            if value is None or (isinstance(value, str) and not value.strip()):  # _blank(value)
                continue
            try:
                if kind is _MONEY:
                    values[key] = _amount(value, unit)
                elif kind is _DATE:
                    # Lists repeat their dates: each distinct cell is read once (the cell's type is part
                    # of the key, as 1 == 1.0 == True).
                    date_key = (value.__class__, value)
                    read = dates_read.get(date_key)
                    if read is None:
                        read = dates_read[date_key] = _date(value)
                    day, warning = read
                    if warning:
                        warnings.append(Issue(excel_row, label(c), warning))
                    if day is not None:
                        if day > today:
                            warnings.append(Issue(excel_row, label(c), f"日期 {day.isoformat()} 晚于今天，已完成的事项不能填将来的日期，未记录"))
                        elif day.year < 1980:
                            warnings.append(Issue(excel_row, label(c), f"日期 {day.isoformat()} 不合理，未记录"))
                        else:
                            steps[DATE_STEPS[key]] = day
                elif kind is _NAME:
                    values[key] = _text(value).replace("\n", "")
                elif kind is _UNIT:
                    name = _text(value)
                    unit_id = _lookup_unit(name, ref.townships if key == "township" else ref.units)
                    if unit_id is None and key == "township":
                        unit_id = _lookup_unit(name, ref.units)
                    if unit_id is None:
                        pending[key] = name[:64]
                        what = "乡镇" if key == "township" else "单位"
                        warnings.append(Issue(excel_row, label(c), f"“{name}”不在{what}列表中，已留空（可先在设置中添加，或导入时选择创建缺少的{what}）",
                                              if_created=f"“{name}”不在{what}列表中，已新建这个{what}"))
                    else:
                        values[key + "_id"] = unit_id
                elif kind is _CODE:
                    code, warning = _code(value)
                    if warning:
                        warnings.append(Issue(excel_row, label(c), warning))
                    if code and not codes_are_row_numbers:
                        values["code"] = code
                elif kind is _AREA:
                    values[key] = _area(value)
                elif kind is _STAGE:
                    stage_words.append((c, _text(value)))
                elif kind is _LEADER:
                    name = _text(value)
                    person = ref.people.get(normalise_name(name))
                    if person is None:
                        pending["leader"] = name[:32]
                        warnings.append(Issue(excel_row, label(c), f"“{name}”不在人员列表中，挂钩领导已留空（可先在设置中添加，或导入时选择创建缺少的人员）",
                                              if_created=f"“{name}”不在人员列表中，已新建这位挂钩领导"))
                    else:
                        values["leader_id"] = person
                elif kind is _INDUSTRY:
                    name = _text(value)
                    # Lists repeat their industries: each distinct cell is matched once.
                    known = industries_read.get(name, _UNREAD)
                    if known is _UNREAD:
                        known = industries_read[name] = _known_industry(name, ref.industries)
                    if known is not None:
                        values["industry"] = known
                    else:
                        pending["industry"] = name[:64]
                        warnings.append(Issue(excel_row, label(c), f"产业“{name}”不在产业列表中，已留空（导入时可选择创建缺少的产业）",
                                              if_created=f"产业“{name}”不在产业列表中，已按表中写法记入"))
                else:
                    values[key] = _text(value)
            except _Approximate as estimate:
                values[key] = estimate.amount
                warnings.append(Issue(excel_row, label(c), f"“{estimate.written}”是约数，按 {estimate.amount} 万元记录"))
            except _Bad as exc:
                if key == "total_investment":
                    errors.append(Issue(excel_row, label(c), f"总投资{exc}，请填写数字（如 15000 或 1.5亿元）"))
                    values["_total_bad"] = True
                else:
                    warnings.append(Issue(excel_row, label(c), f"{exc}，已留空"))
        if contact_parts:
            name, phone, warning = _split_contact(" ".join(contact_parts))
            if warning:
                warnings.append(Issue(excel_row, label(col_of["contact"]), warning))
            values["contact"] = f"{name} {phone}".strip()[:128]
        existing_stage = None  # the current stage_no of the project this row updates, if any
        if stage_words and values.get("name"):
            code = values.get("code", "")
            found = ref.by_code.get(normalise_name(code)) if code else None
            found = found or ref.by_key.get((normalise_name(values["name"]), normalise_name(values.get("investor_name", ""))))
            if found is not None:
                existing_stage = ref.stage_of.get(found[0], 0)
        for c, word in stage_words:
            number, exact = _stage_step(word, ref.step_names, ref.stage_words)
            if number == 0:  # 未开始: no step to record
                if existing_stage:
                    warnings.append(Issue(excel_row, label(c), f"进展为“{word}”，但项目已到“{ref.stage_label.get(existing_stage, existing_stage)}”阶段，进展未改动"))
                continue
            if (existing_stage is not None and number in ref.step_numbers
                    and ref.stage_label.get(number) == ref.stage_label.get(existing_stage)):
                # The project already is at that stage (an export read back): neither its lifecycle
                # nor its 形象进度 is touched by the stage word, and there is nothing to warn about.
                if normalise_name(word) == "云签约":
                    values["signing_mode"] = "云签约"
                if not exact and not values.get("progress_text"):
                    values["progress_text"] = word  # a description (“土建完成80%”), not a stage word
                continue
            if number is None or number not in ref.step_numbers:
                progress_text = values.get("progress_text", "")
                if word not in progress_text:
                    values["progress_text"] = f"{progress_text}；{word}" if progress_text else word
                if number is None and _names_a_step_not_done(word):
                    warnings.append(Issue(excel_row, label(c), f"进展“{word}”说的是尚未完成的步骤，未记录步骤，已记入形象进度"))
                else:
                    warnings.append(Issue(excel_row, label(c), f"无法识别的进展“{word}”，已记入形象进度"))
                continue
            if not exact and not values.get("progress_text"):
                values["progress_text"] = word
            if normalise_name(word) == "云签约":
                values["signing_mode"] = "云签约"
            if number not in steps:
                date_key = next((k for k, n in DATE_STEPS.items() if n == number), None)
                step_label = FIELDS.get(date_key, "") if date_key else ""
                why = f"表中没有{step_label}" if date_key and date_key not in col_of else (
                    f"{step_label}未填" if date_key else "该步骤没有日期列")
                # Without a date the step cannot be recorded (the statistics count steps by date):
                # the word is kept in 形象进度, so the project still says how far it is.
                progress_text = values.get("progress_text", "")
                if word not in progress_text:
                    values["progress_text"] = f"{progress_text}；{word}" if progress_text else word
                warnings.append(Issue(excel_row, label(c), f"进展“{word}”的完成日期未知（{why}），未记录该步骤，"
                                                           "已记入形象进度，请在项目中补记日期"))

        # Errors: name, total, fixed > total (and the rest of the form's rules).
        if not values.get("name"):
            errors.append(Issue(excel_row, label(name_col) if name_col is not None else "", "缺少项目名称"))
        total_col = col_of.get("total_investment")
        if values.get("total_investment") is None and not values.pop("_total_bad", False):
            errors.append(Issue(excel_row, label(total_col) if total_col is not None else "", "缺少总投资，请填写总投资（万元）"))
        values.pop("_total_bad", None)
        check = validate_project({**values, "name": values.get("name") or "-"}, today=today)
        for key, message in check.items():
            c = col_of.get(key)
            where = label(c) if c is not None else ""
            if key == "total_investment":
                if values.get("total_investment") is not None:
                    errors.append(Issue(excel_row, where, message))
            elif key == "fixed_asset_investment" and "大于总投资" in message:
                errors.append(Issue(excel_row, where, message))
            elif key == "name":
                errors.append(Issue(excel_row, where, message))
            elif key in values:
                warnings.append(Issue(excel_row, where, f"{message}，已留空"))
                values[key] = None
        analysis.warnings.extend(warnings)
        if errors:
            analysis.errors.extend(errors)
            analysis.raw_rows[excel_row] = list(row)
            continue
        if warnings:
            analysis.raw_rows[excel_row] = list(row)
        for number in list(steps):
            if number not in ref.step_numbers:
                del steps[number]
        item = ImportRow(excel_row, values, steps, pending)
        key = (normalise_name(values["name"]), normalise_name(values.get("investor_name", "")))
        code = values.get("code", "")
        if key in seen:
            item.duplicate = Duplicate(excel_row, seen[key], None)
        else:
            found = ref.by_code.get(normalise_name(code)) if code else None
            found = found or ref.by_key.get(key)
            if found is not None:
                pid, existing = found
                if pid in seen_existing:
                    # A second row for a project an earlier row already matched: it repeats that row (an
                    # update writes each project once).
                    item.duplicate = Duplicate(excel_row, seen_existing[pid], None)
                else:
                    seen_existing[pid] = excel_row
                    item.duplicate = Duplicate(excel_row, existing, pid)
                    seen.setdefault(key, excel_row)  # a later row of the same name + investor repeats this one
        if item.duplicate is None:
            seen[key] = excel_row
            if code:
                if normalise_name(code) in seen_codes:
                    analysis.warnings.append(Issue(excel_row, label(col_of["code"]), f"项目编号“{code}”与第 {seen_codes[normalise_name(code)]} 行相同，将另编号"))
                    values.pop("code")
                else:
                    seen_codes[normalise_name(code)] = excel_row
            analysis.valid += 1
            analysis.total_investment_wan += values["total_investment"]
        else:
            analysis.duplicates.append(item.duplicate)
            analysis.raw_rows[excel_row] = list(row)
        analysis.rows.append(item)
    _check_progress(progress, max(total_rows, 0), max(total_rows, 0))
    analysis.warnings.sort(key=lambda i: i.row)


# --- commit ---------------------------------------------------------------------------------
class _InitialsCache:
    """Pinyin initials exactly as services.text.pinyin_initials gives them, fast for 10,000 names.

    pypinyin segments a name into words and converts word by word; names in one list share most
    words (有限公司, 新型, 材料 …), so the conversion is cached per word (≈150 → ≈40 µs a name).
    """

    def __init__(self):
        from pypinyin import Style, lazy_pinyin
        from pypinyin.constants import RE_HANS
        from pypinyin.core import seg

        self._lazy_pinyin, self._style, self._seg = lazy_pinyin, Style.FIRST_LETTER, seg
        self._is_hans = lambda char: RE_HANS.match(char) is not None
        self._hans: dict[str, bool] = {}
        self._words: dict[str, str] = {}
        self._runs: dict[str, str] = {}
        # RE_HANS is ^(?:[<Chinese characters>])+$: splitting on ([<Chinese characters>]+) gives the same
        # runs as looking at each character, in C (non-Chinese runs at even, Chinese at odd positions).
        pattern = RE_HANS.pattern
        self._split = None
        if pattern.startswith("^(?:[") and pattern.endswith("])+$"):
            self._split = re.compile("(" + pattern[len("^(?:"):-len(")+$")] + "+)", RE_HANS.flags).split

    def _word(self, word: str) -> str:
        initials = self._words.get(word)
        if initials is None:
            letters = self._lazy_pinyin([word], style=self._style, errors=lambda chars: list(chars))
            initials = self._words[word] = "".join(p.lower() for p in letters if p.isalnum())
        return initials

    def _run(self, run: str, hans: bool) -> str:
        if not hans:  # pypinyin leaves these as they are (errors=list): letters and digits kept
            if run.isascii() and run.isalnum():
                return run.lower()  # the usual 3 or 2022 (not cached: numbers are mostly all different)
            return "".join(char.lower() for char in run if char.isalnum())
        initials = self._runs.get(run)
        if initials is None:
            initials = self._runs[run] = "".join(self._word(word) for word in self._seg(run))
        return initials

    def __call__(self, name: str) -> str:
        # pypinyin first splits a text into runs of Chinese and other characters (simple_seg) and
        # segments each Chinese run on its own, so the runs (年产 | 3 | 万吨新型材料项目) are cached.
        text = normalise_name(name)
        if not text:
            return ""
        if self._split is not None:
            run = self._run
            return "".join([run(part, i % 2 == 1) for i, part in enumerate(self._split(text)) if part])
        hans, is_hans = self._hans, self._is_hans
        parts, start, flag = [], 0, None
        for i, char in enumerate(text):
            kind = hans.get(char)
            if kind is None:
                kind = hans[char] = is_hans(char)
            if kind is not flag:
                if i:
                    parts.append(self._run(text[start:i], flag))
                start, flag = i, kind
        parts.append(self._run(text[start:], flag))
        return "".join(parts)


# The scoring board's trigger (migration 4) copies a project's 总投资 onto each new step record with
# one UPDATE per inserted row; for an import's tens of thousands of records that trigger cost more than
# all the rest of the commit (30,000 records: ≈ 1.8 s of CPU with it, ≈ 0.6 s without). Inside the import's
# transaction the trigger is dropped, the records are written with the copy already filled in, one
# statement puts right any copy that differs from the project (none should), and the trigger is
# created again from its own stored text: all of it commits or rolls back with the import.
_TOTAL_TRIGGER = "step_record_project_total_insert"


def _suspendable_total_trigger(table: str) -> str | None:
    """The stored CREATE TRIGGER text when it is exactly migration 4's (SQLite only), else None."""
    import peewee

    from desktop.migrations import m0004_scoring

    if not isinstance(database.obj, peewee.SqliteDatabase):
        return None
    found = database.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ? AND tbl_name = ?", (_TOTAL_TRIGGER, table)
    ).fetchone()
    known = " ".join(m0004_scoring.SQLITE_TRIGGERS[0].replace("IF NOT EXISTS ", "").split())
    if found is None or " ".join((found[0] or "").split()) != known:
        return None
    return found[0]


class _StepRecordWriter:
    """write(records, totals) for new step records (totals: their projects' 总投资 as stored), then
    finish(). Between the two the trigger is gone; should anything fail, the import's transaction
    rolls back and brings it back with everything else."""

    def __init__(self, model):
        from desktop.migrations.m0004_scoring import TOTAL_COLUMN
        from desktop.models.base import now

        self.model, self.table, self.column = model, model._meta.table_name, TOTAL_COLUMN
        self.stamp = now().isoformat(sep=" ")  # one updated_at for all, as when written in one batch
        self.trigger = _suspendable_total_trigger(self.table)
        if self.trigger is not None:
            (self.before,) = database.execute_sql(f'SELECT COALESCE(MAX("id"), 0) FROM "{self.table}"').fetchone()
            database.execute_sql(f'DROP TRIGGER "{_TOTAL_TRIGGER}"')

    def __call__(self, records: list[dict], totals: list, writer=None) -> None:
        extra = {self.column: totals} if self.trigger is not None else None
        _bulk_insert(self.model, records, stamp=self.stamp, extra=extra, writer=writer)

    def finish(self) -> None:
        if self.trigger is None:
            return
        table, column = self.table, self.column
        same = f'(SELECT "total_investment" FROM "project" WHERE "project"."id" = "{table}"."project_id")'
        database.execute_sql(f'UPDATE "{table}" SET "{column}" = {same} WHERE "id" > ? AND "{column}" IS NOT {same}',
                             (self.before,))
        database.execute_sql(self.trigger)
        self.trigger = None


def commit(analysis: ImportAnalysis, *, on_duplicate: str = "skip", create_missing: bool = False, progress=None,
           today: dt.date | None = None) -> ImportOutcome:
    """Write the valid rows in one transaction, after a backup; record the import."""
    from desktop.services import access

    access.require_centre()
    if on_duplicate not in ("skip", "update"):
        raise UserError("重复项目的处理方式应为 skip（跳过）或 update（更新）")
    if not _db_open():
        raise UserError("请先打开数据库再导入")
    today = today or dt.date.today()
    path = database_file()
    if path is not None and path.exists():
        from desktop.migrations import backup_sqlite_file

        try:
            backup_sqlite_file(path, "before-import")
        except OSError as exc:
            raise UserError(f"导入前无法备份数据库（{exc.strerror or exc}），请检查磁盘空间和文件夹权限") from exc
    import peewee

    try:
        with database.atomic():
            outcome = _write(analysis, on_duplicate, create_missing, progress, today)
    except (peewee.OperationalError, peewee.DatabaseError) as exc:
        told = database_failure_message(exc)
        if told is None:
            raise
        raise UserError(told) from exc
    if create_missing:  # the warnings now say what was done instead of “已留空”
        for issue in analysis.warnings:
            if issue.if_created:
                issue.message, issue.if_created = issue.if_created, ""
    return outcome


def _write(analysis: ImportAnalysis, on_duplicate: str, create_missing: bool, progress, today: dt.date) -> ImportOutcome:
    from desktop.models import Company, ImportRecord, LifecycleStep, Person, Project, StepRecord, Unit
    from desktop.models.audit import TRAIL_COLUMNS, TRAIL_TABLE, created_entries, is_audited
    from desktop.services import lifecycle, projects
    from desktop.services.database import set_setting

    ref = _load_reference()  # the database may have changed since the analysis
    step_ids = dict(LifecycleStep.select(LifecycleStep.number, LifecycleStep.id).tuples())
    units = dict(ref.units)
    initials = _InitialsCache()

    def resolve(item: ImportRow) -> dict:
        if not create_missing:
            return item.values  # only read from here on: no copy (100,000 rows: ~100 MB less)
        values = dict(item.values)
        if create_missing:
            for key in UNIT_KEYS:
                name = item.pending.get(key)
                if name:
                    norm = normalise_name(name)
                    unit_id = units.get(norm)
                    if unit_id is None:
                        unit_id = Unit.create(name=name, kind="乡镇" if key == "township" else "部门").id
                        units[norm] = unit_id
                    values[key + "_id"] = unit_id
            name = item.pending.get("leader")
            if name:
                norm = normalise_name(name)
                pid = ref.people.get(norm)
                if pid is None:
                    pid = Person.create(name=name, is_leader=True).id
                    ref.people[norm] = pid
                values["leader_id"] = pid
            if item.pending.get("industry"):
                values["industry"] = item.pending["industry"]
        return values

    imported = updated = skipped = 0
    total = len(analysis.rows)
    new_items: list[tuple[ImportRow, dict]] = []
    for n, item in enumerate(analysis.rows, 1):
        if n % 500 == 0:
            _check_progress(progress, n, total * 2)
        dup = item.duplicate
        if dup is not None:
            # Re-check against the database as it is now.
            if isinstance(dup.matches, int) or on_duplicate == "skip":
                skipped += 1
                continue
            key = (normalise_name(item.values["name"]), normalise_name(item.values.get("investor_name", "")))
            code = normalise_name(item.values.get("code", ""))
            found = ref.by_code.get(code) if code else None
            found = found or ref.by_key.get(key)
            if found is None:
                skipped += 1
                continue
            values = resolve(item)
            current = projects.project_values(found[0])
            merged = {k: v for k, v in current.items() if k not in ("id", "stage_no")}
            merged.update({k: v for k, v in values.items() if v is not None and k != "code"})
            merged.pop("status", None)
            projects.update_project(found[0], merged, today=today)
            recorded = {number: (day, na) for number, day, na in lifecycle.project_records(found[0])}
            for number, day in sorted(item.steps.items()):
                if number in step_ids and recorded.get(number) != (day, False):
                    # A step already recorded on that date is left as it is (its unit and note too).
                    lifecycle.record_step(found[0], number, day, today=today)
            updated += 1
            continue
        new_items.append((item, resolve(item)))

    # New projects in bulk: companies, codes, projects, step records.
    companies = {norm: cid for cid, norm in Company.select(Company.id, Company.name_norm).tuples()}
    missing: dict[str, str] = {}
    for _item, values in new_items:
        name = (values.get("investor_name") or "").strip()
        if name:
            norm = normalise_name(name)
            if norm not in companies and norm not in missing:
                missing[norm] = name
    if missing:
        batch = [{"name": name[:128], "name_norm": norm[:128], "name_initials": initials(name)[:128]} for norm, name in missing.items()]
        _bulk_insert(Company, batch)
        # Plain SQL: peewee builds an IN list of thousands of names node by node.
        for cid, norm in database.execute_sql(f'SELECT "id", "name_norm" FROM "{Company._meta.table_name}"').fetchall():
            if norm in missing:
                companies.setdefault(norm, cid)

    used_codes = set(ref.by_code)
    stem_code = projects.next_code(today.year)
    prefix, _, number_text = stem_code.rpartition("-")
    next_number = int(number_text)

    def fresh_code() -> str:
        nonlocal next_number
        while True:
            code = f"{prefix}-{next_number:04d}"
            next_number += 1
            if normalise_name(code) not in used_codes:
                used_codes.add(normalise_name(code))
                return code

    # Built and written 1,000 projects (and their step records) at a time: a 100,000-row list never
    # holds every project's row and every step record in memory at once. The projects' ids are reserved
    # first, so nothing is read back between batches and, on SQLite, a second thread stores one batch
    # while this one builds the next (bulk_write.InsertWriter). Ids and the order of writing are the
    # same as writing all projects first: each batch's step records follow its projects.
    total_db_value = Project.total_investment.db_value
    imported = 0
    write_steps = _StepRecordWriter(StepRecord) if new_items else None
    project_ids = _reserve_ids(Project, len(new_items))
    trail_columns = [f'"{column}"' for column in TRAIL_COLUMNS]
    note = f"Excel 导入：{analysis.file_name}"
    is_audited(Project)  # its first call looks for the trail's table: before the writer thread shares the connection
    with _InsertWriter(background=True) as writer:
        for start in range(0, len(new_items), 1000):
            project_rows = []
            step_plan: list[tuple[int, dict[int, dt.date], int | None, int | None]] = []
            batch_ids = project_ids[start:start + 1000]
            for (item, values), project_id in zip(new_items[start:start + 1000], batch_ids):
                code = values.get("code", "")
                if not code or normalise_name(code) in used_codes:
                    code = fresh_code()
                else:
                    used_codes.add(normalise_name(code))
                name = values["name"].strip()
                derived = lifecycle.derive_stage_of_done(item.steps)
                investor = (values.get("investor_name") or "").strip()
                row = {
                    "code": code,
                    "name": name[:200],
                    "name_norm": normalise_name(name)[:200],
                    "name_initials": initials(name)[:200],
                    "investor": companies.get(normalise_name(investor)) if investor else None,
                    "industry": (values.get("industry") or "")[:64],
                    "content": values.get("content") or "",
                    "land_area": values.get("land_area"),
                    "progress_text": values.get("progress_text") or "",
                    "township": values.get("township_id"),
                    "responsible_unit": values.get("responsible_unit_id"),
                    "first_unit": values.get("first_unit_id"),
                    "leader": values.get("leader_id"),
                    "signing_mode": values.get("signing_mode") or "",
                    "contact": values.get("contact") or "",
                    "remarks": values.get("remarks") or "",
                    "stage_no": derived.stage_no,
                    "signed_on": derived.signed_on,
                    "library_on": derived.library_on,
                    "started_on": derived.started_on,
                    "operating_on": derived.operating_on,
                }
                for key in MONEY_KEYS:
                    row[key] = values.get(key)
                project_rows.append(row)
                step_plan.append((project_id, item.steps, row["first_unit"], row["responsible_unit"]))
            _bulk_insert(Project, project_rows, ids=batch_ids, writer=writer)
            _check_progress(progress, total + start, total * 2)
            imported += len(project_rows)
            # The trail（痕迹）: each imported project, who imported it and from which file.
            trail = created_entries(
                Project, [(pid, " ".join(dict.fromkeys((row["code"], row["name"]))), pid)
                          for pid, row in zip(batch_ids, project_rows)], note=note)
            writer.insert(TRAIL_TABLE, trail_columns, trail)
            records = []
            totals = []
            # The step records' copy of each project's 总投资, as stored (see _StepRecordWriter).
            project_totals = stored_amounts([row["total_investment"] for row in project_rows], total_db_value)
            for (project_id, steps, first_unit, responsible_unit), project_total in zip(step_plan, project_totals):
                for number, day in steps.items():
                    if number not in step_ids:
                        continue
                    if number in defaults.STEPS_CREDITED_TO_FIRST_UNIT:
                        unit = first_unit or responsible_unit
                    else:
                        unit = responsible_unit or first_unit
                    records.append({"project": project_id, "step": step_ids[number], "done_on": day, "unit": unit,
                                    "note": "Excel 导入"})
                    totals.append(project_total)
            write_steps(records, totals, writer)
    if write_steps is not None:
        write_steps.finish()

    ImportRecord.create(
        file_name=analysis.file_name[:255], sha256=analysis.sha256, sheet=analysis.sheet[:128],
        rows_read=analysis.rows_read, valid=analysis.valid, imported=imported, updated=updated, skipped=skipped,
        errors=len(analysis.errors), warnings=len(analysis.warnings),
    )
    if analysis.mapping_overrides:
        set_setting(f"import_mapping:{analysis.layout_key}", json.dumps({str(k): v for k, v in analysis.mapping.items()}))
    _check_progress(progress, total * 2, total * 2)
    return ImportOutcome(imported=imported, updated=updated, skipped=skipped)


# --- error report ---------------------------------------------------------------------------
def write_error_report(analysis: ImportAnalysis, out_path) -> None:
    """An .xlsx of the rows with problems: original cells, a 问题说明 column, problem cells coloured."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    red = PatternFill("solid", fgColor="FFC7CE")
    yellow = PatternFill("solid", fgColor="FFEB9C")
    by_row: dict[int, list[tuple[str, str, str]]] = {}
    for kind, issues in (("错误", analysis.errors), ("警告", analysis.warnings)):
        for issue in issues:
            if issue.row > 0:
                by_row.setdefault(issue.row, []).append((kind, issue.column, issue.message))
    for dup in analysis.duplicates:
        where = f"第 {dup.matches} 行" if isinstance(dup.matches, int) else f"已有项目 {dup.matches}"
        by_row.setdefault(dup.row, []).append(("重复", "", f"与{where}重复"))
    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单"
    width = len(analysis.headers)
    ws.append(["原行号", *_labels_with_units(analysis), "问题说明"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    column_of = {label: i for i, label in reversed(list(enumerate(analysis.headers))) if label}
    for excel_row in sorted(by_row):
        raw = analysis.raw_rows.get(excel_row, [])
        cells = [_report_value(raw[c]) if c < len(raw) else None for c in range(width)]
        problems = by_row[excel_row]
        ws.append([excel_row, *cells, "；".join(f"[{kind}]{f'“{col}”' if col else ''}{msg}" for kind, col, msg in problems)])
        line = ws.max_row
        for kind, col, _msg in problems:
            fill = red if kind in ("错误", "重复") else yellow
            if col and col in column_of:
                target = ws.cell(row=line, column=column_of[col] + 2)
            else:
                target = ws.cell(row=line, column=1)
            if target.fill != red:
                target.fill = fill
    ws.freeze_panes = "B2"
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions[ws.cell(row=1, column=width + 2).column_letter].width = 60
    try:
        wb.save(str(out_path))
    except PermissionError as exc:
        raise UserError("无法保存问题清单：文件可能正在 Excel 中打开，请关闭后重试", Location(file=Path(out_path).name)) from exc
    except OSError as exc:
        raise UserError(f"无法保存问题清单（{exc.strerror or exc}）", Location(file=Path(out_path).name)) from exc


UNIT_WORDS = {"亿": "亿元", "万": "万元", "元": "元", "亩": "亩"}  # the header units as a user reads them


def _labels_with_units(analysis: ImportAnalysis) -> list[str]:
    """The report's column titles: a unit the sheet gave on a group cell above (计划投资（亿元） over
    总投资) goes into the title, so the report, corrected and sent back, imports with the same unit."""
    labels = []
    for c, label in enumerate(analysis.headers):
        unit = analysis.header_units[c] if c < len(analysis.header_units) else ""
        if unit and label and not _clean_header(label)[1]:
            label = f"{label}（{UNIT_WORDS[unit]}）"
        labels.append(label)
    return labels


def _report_value(value):
    if value is None or isinstance(value, (str, int, float, bool, dt.date, dt.datetime)):
        if isinstance(value, str):
            return _ILLEGAL_XML.sub("", value)
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            return None
        return value
    return str(value)


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
