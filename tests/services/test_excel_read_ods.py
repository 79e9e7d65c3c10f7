"""Merged cells in .ods files (issue 3): calamine does not report them, content.xml does.

The fixtures are written the way LibreOffice writes them: runs of empty rows and cells as one repeated
element, cells under a merge as covered cells, and a last empty row repeated to the end of the sheet.
"""

from __future__ import annotations

import datetime as dt
import zipfile

from openpyxl.utils.cell import range_boundaries

from desktop.models import Project
from desktop.services import excel_import as ei
from desktop.services.excel_read import ods_merged_ranges, read_table

TODAY = dt.date(2022, 8, 25)
LAST_ODS_ROW = 1_048_576

# Columns A–B and rows 2–3 are left empty so that repeated rows and cells come before every merge.
TITLE = "水南镇2022年上半年招商引资项目入库清单"
PROJECTS_SHEET = (
    [
        [None, None, TITLE, None, None, None, None],
        [],
        [],
        [None, None, None, None, None, "填报单位：水南镇人民政府（盖章）"],
        [None, None, "序号", "项目名称", "总投资（万元）", "责任单位", "备注"],
        [None, None, 1, "甲", 1000, "县工信局", None],
        [None, None, 2, "乙", 2000, None, None],
        [None, None, 3, "丙", 3000, None, None],
        [None, None, 4, "丁", 4000, "县商务局", None],
    ],
    ["C1:G1", "F6:F8"],
)
PROJECTS_MERGED = [((0, 2), (0, 6)), ((5, 5), (7, 5))]
# The other sheet's merges sit where the projects sheet has none: they must not leak into it.
OTHER_SHEET = ([["说明", None, None], [None, None, None], ["一", None, None], [None, None, None]], ["A1:C1", "A2:A4"])


def ods_cell(value, **attributes):
    from odf.table import TableCell
    from odf.text import P

    if value is None:
        return TableCell(**attributes)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell = TableCell(valuetype="float", value=value, **attributes)
    else:
        cell = TableCell(valuetype="string", **attributes)
    cell.addElement(P(text=str(value)))
    return cell


def write_merged_ods(path, sheets: dict[str, tuple[list[list], list[str]]], *, hidden_text: dict | None = None):
    """sheets: name → (rows, merges as "E6:E8"). hidden_text: {(name, "E7"): text} kept in a covered cell,
    as LibreOffice does when told to keep the contents of the hidden cells."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableColumn, TableRow
    from odf.text import P
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    hidden = {}
    for (name, ref), text in (hidden_text or {}).items():
        letters, number = coordinate_from_string(ref)
        hidden[(name, number - 1, column_index_from_string(letters) - 1)] = text
    doc = OpenDocumentSpreadsheet()
    for name, (rows, merges) in sheets.items():
        width = max(len(r) for r in rows)
        spans, covered = {}, set()
        for ref in merges:
            c0, r0, c1, r1 = range_boundaries(ref)
            spans[(r0 - 1, c0 - 1)] = (r1 - r0 + 1, c1 - c0 + 1)
            covered |= {(r, c) for r in range(r0 - 1, r1) for c in range(c0 - 1, c1)} - {(r0 - 1, c0 - 1)}
        table = Table(name=name)
        table.addElement(TableColumn(numbercolumnsrepeated=width))
        r = 0
        while r < len(rows):
            if not any(v is not None for v in rows[r]) and not any(
                    (r, c) in covered or (r, c) in spans for c in range(width)):
                empty_run = 1
                while r + empty_run < len(rows) and not any(v is not None for v in rows[r + empty_run]):
                    empty_run += 1
                row = TableRow(numberrowsrepeated=empty_run) if empty_run > 1 else TableRow()
                row.addElement(ods_cell(None, numbercolumnsrepeated=width))
                table.addElement(row)
                r += empty_run
                continue
            row = TableRow()
            values = rows[r] + [None] * (width - len(rows[r]))
            c = 0
            while c < width:
                if (r, c) in covered:
                    text = hidden.get((name, r, c))
                    if text is not None:
                        cell = CoveredTableCell(valuetype="string")
                        cell.addElement(P(text=text))
                        row.addElement(cell)
                        c += 1
                        continue
                    run = 1
                    while c + run < width and (r, c + run) in covered and (name, r, c + run) not in hidden:
                        run += 1
                    row.addElement(CoveredTableCell(numbercolumnsrepeated=run) if run > 1 else CoveredTableCell())
                    c += run
                elif (r, c) in spans:
                    rows_spanned, columns_spanned = spans[(r, c)]
                    row.addElement(ods_cell(values[c], numberrowsspanned=rows_spanned,
                                            numbercolumnsspanned=columns_spanned))
                    c += 1
                elif values[c] is None:
                    run = 1
                    while c + run < width and values[c + run] is None and (r, c + run) not in covered \
                            and (r, c + run) not in spans:
                        run += 1
                    row.addElement(ods_cell(None, numbercolumnsrepeated=run) if run > 1 else ods_cell(None))
                    c += run
                else:
                    row.addElement(ods_cell(values[c]))
                    c += 1
            table.addElement(row)
            r += 1
        # LibreOffice ends every sheet with one empty row repeated to the last row of the sheet.
        tail = TableRow(numberrowsrepeated=LAST_ODS_ROW - len(rows))
        tail.addElement(ods_cell(None, numbercolumnsrepeated=width))
        table.addElement(tail)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def write_merged_xlsx(path, sheets: dict[str, tuple[list[list], list[str]]]):
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, (rows, merges) in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        for ref in merges:
            ws.merge_cells(ref)
    wb.save(path)
    return path


SHEETS = {"项目清单": PROJECTS_SHEET, "其他": OTHER_SHEET}


def test_ods_merged_ranges_are_those_of_the_same_sheet_saved_as_xlsx(tmp_path):
    ods = write_merged_ods(tmp_path / "m.ods", SHEETS)
    xlsx = write_merged_xlsx(tmp_path / "m.xlsx", SHEETS)
    for sheet in SHEETS:
        from_ods, from_xlsx = read_table(ods, sheet), read_table(xlsx, sheet)
        assert sorted(from_ods.merged) == sorted(from_xlsx.merged), sheet
        assert from_ods.rows[:len(from_xlsx.rows)] == from_xlsx.rows, sheet
    assert sorted(read_table(ods, "项目清单").merged) == PROJECTS_MERGED
    assert sorted(read_table(ods).merged) == PROJECTS_MERGED
    assert sorted(read_table(ods, "其他").merged) == [((0, 0), (0, 2)), ((1, 0), (3, 0))]


def test_vertically_merged_unit_in_ods_applies_to_the_block(fresh_db, tmp_path):
    path = write_merged_ods(tmp_path / "水南镇.ods", SHEETS)
    analysis = ei.analyse(path, today=TODAY)
    assert analysis.header_row == 5
    assert not analysis.errors
    ei.commit(analysis, today=TODAY)
    units = [Project.get(Project.name == n).responsible_unit.name for n in "甲乙丙丁"]
    assert units == ["县工信局"] * 3 + ["县商务局"]


def test_text_kept_under_an_ods_merge_gives_way_to_the_merged_cell(fresh_db, tmp_path):
    # What the sender sees in the block is the merged cell; what LibreOffice kept under it is hidden.
    path = write_merged_ods(tmp_path / "k.ods", SHEETS, hidden_text={("项目清单", "F7"): "县农业农村局"})
    assert read_table(path).rows[6][5] == ""
    ei.commit(ei.analyse(path, today=TODAY), today=TODAY)
    assert Project.get(Project.name == "乙").responsible_unit.name == "县工信局"


def test_ods_without_merges_and_damaged_content_have_no_merged_ranges(tmp_path):
    plain = write_merged_ods(tmp_path / "p.ods", {"项目清单": (PROJECTS_SHEET[0], [])})
    assert read_table(plain).merged == []
    assert ods_merged_ranges(plain, "没有这个表") == []

    source = write_merged_ods(tmp_path / "m.ods", SHEETS)
    with zipfile.ZipFile(source) as archive:
        content = archive.read("content.xml")
    cut = content.index("丙".encode())  # inside the sheet, after the block's first merged cell
    damaged = tmp_path / "d.ods"
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content[:cut])
    assert ods_merged_ranges(damaged, "项目清单") == []
    not_a_zip = tmp_path / "n.ods"
    not_a_zip.write_bytes(b"PK\x03\x04 not really a zip")
    assert ods_merged_ranges(not_a_zip, "项目清单") == []


def test_ods_sheet_read_stops_at_its_own_end(tmp_path):
    # Everything after the projects sheet is broken: its merges are still read.
    source = write_merged_ods(tmp_path / "m.ods", SHEETS)
    with zipfile.ZipFile(source) as archive:
        content = archive.read("content.xml")
    end_of_first = content.index(b"</table:table>") + len(b"</table:table>")
    truncated = tmp_path / "t.ods"
    with zipfile.ZipFile(truncated, "w") as archive:
        archive.writestr("content.xml", content[:end_of_first] + b"<table:table <<<")
    assert ods_merged_ranges(truncated, "项目清单") == PROJECTS_MERGED
