"""Workbook builders for the Excel import tests: .xlsx (openpyxl), .xls (xlwt), .ods (odfpy), CSV,
and a password-protected .xlsx (msoffcrypto-tool). Rows are lists of cell values; row 1 first."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

# A township sheet as it arrives: title, filler line, header, section row, projects, total, note.
TITLE = "水南镇2022年上半年招商引资项目入库清单"
HEADER = ["序号", "项目名称", "投资方", "总投资（万元）", "其中：固定资产投资（万元）", "用地面积（亩）", "项目进展",
          "签约时间", "开工时间", "责任单位", "所在乡镇", "产业类别", "联系人及电话", "备注"]


def township_rows() -> list[list]:
    return [
        [TITLE] + [None] * (len(HEADER) - 1),
        ["填报单位：水南镇人民政府（盖章）", None, None, None, None, None, None, None, "填报日期：2022年7月5日"] + [None] * 5,
        HEADER,
        ["一、轻合金产业（2个）"] + [None] * (len(HEADER) - 1),
        [1, "年产2万吨铝型材项目", "福建富远铝业有限公司", 15000, 12000, 120, "已开工",
         dt.datetime(2022, 3, 15), "2022.4.20", "县工信局", "水南镇", "轻合金", "袁安邦 13805981234", ""],
        [2, "高精密电子元器件", "三明华鑫电子有限公司", "1.2亿元", "8,000", "35.5", "签约",
         "2022年5月18日", None, "县商务局", "水南镇", "电子信息", "李明/0598-2321234", "外资"],
        ["二、特色农林产业（1个）"] + [None] * (len(HEADER) - 1),
        [3, "富硒香菇三产融合", "将乐县绿源农业公司", "５０００", None, None, "洽谈中",
         None, None, "县农业农村局", "万安镇", "特色农林", "张三", ""],
        ["合计", None, None, 32000, 20000] + [None] * (len(HEADER) - 5),
        ["注：金额单位为万元。"] + [None] * (len(HEADER) - 1),
    ]


def write_xlsx(path: Path, rows: list[list], *, title: str = "项目清单", merges: list[str] = (),
               extra_sheets: dict[str, list[list]] | None = None, number_formats: dict[str, str] | None = None,
               hidden: tuple[str, ...] = ()) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    for ref in merges:
        ws.merge_cells(ref)
    for ref, fmt in (number_formats or {}).items():
        ws[ref].number_format = fmt
    for name, extra in (extra_sheets or {}).items():
        sheet = wb.create_sheet(name)
        for row in extra:
            sheet.append(row)
        if name in hidden:
            sheet.sheet_state = "hidden"
    wb.save(path)
    return path


def write_xls(path: Path, rows: list[list], *, title: str = "项目清单", merges: list[tuple[int, int, int, int]] = ()) -> Path:
    """merges: (first_row, last_row, first_col, last_col), 0-based inclusive (xlwt's order)."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(title)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    merged_cells = set()
    for r0, r1, c0, c1 in merges:
        value = rows[r0][c0] if c0 < len(rows[r0]) else None
        ws.write_merge(r0, r1, c0, c1, value)
        merged_cells |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or (r, c) in merged_cells:
                continue
            if isinstance(value, (dt.date, dt.datetime)):
                ws.write(r, c, value, date_style)
            else:
                ws.write(r, c, value)
    wb.save(str(path))
    return path


def write_ods(path: Path, rows: list[list], *, title: str = "项目清单") -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name=title)
    for row in rows:
        tr = TableRow()
        for value in row:
            if value is None:
                tc = TableCell()
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                tc = TableCell(valuetype="float", value=value)
                tc.addElement(P(text=str(value)))
            elif isinstance(value, (dt.date, dt.datetime)):
                tc = TableCell(valuetype="date", datevalue=value.strftime("%Y-%m-%d"))
                tc.addElement(P(text=value.strftime("%Y-%m-%d")))
            else:
                tc = TableCell(valuetype="string")
                tc.addElement(P(text=str(value)))
            tr.addElement(tc)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def write_csv(path: Path, rows: list[list], *, encoding: str = "utf-8") -> Path:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else (v.isoformat() if isinstance(v, dt.date) else v) for v in row])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_encrypted_xlsx(path: Path, rows: list[list], password: str = "1234") -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO()
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(plain)
    plain.seek(0)
    with open(path, "wb") as out:
        OOXMLFile(plain).encrypt(password, out)
    return path
