"""The battle table（招商作战表）on paper (A3 landscape PDF) and in Excel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from desktop.services.chains import BATTLE_HEADERS, STRONG, WEAK, battle_table
from desktop.services.dates import format_date_long

TITLE = "招商作战表"
# Column widths on A3 landscape (points); the frame is about 1130 pt wide.
PDF_WIDTHS = [70, 120, 52, 52, 150, 70, 46, 100, 62, 250, 78, 70]


def export_xlsx(out_path, *, today: dt.date | None = None) -> int:
    """The battle table as a workbook (title, header, filter, frozen panes); returns the row count."""
    from desktop.services.excel_export import export_table

    rows = [row.cells() for row in battle_table(today)]
    return export_table(out_path, BATTLE_HEADERS, rows, title=TITLE, today=today)


def build_pdf(out_path, *, today: dt.date | None = None, progress=None) -> int:
    """The battle table on A3 landscape with the header repeated on every page; returns the page count."""
    from reportlab.lib.pagesizes import A3

    from desktop.services import pdf
    from desktop.services.database import installation_name

    today = today or dt.date.today()
    rows = battle_table(today)
    body = []
    for row in rows:
        cells = row.cells()
        cells[10] = row.next_on.isoformat() if row.next_on else ""
        if row.overdue:
            cells[10] = pdf.paragraph(f'<font color="#c62828">{cells[10]}（已过期）</font>', "cell", markup=True)
        if row.strength != STRONG:
            colour = "#c62828" if row.strength not in (STRONG, WEAK) else "#b26a00"
            cells[2] = pdf.paragraph(f'<font color="{colour}"><b>{row.strength}</b></font>', "cell", markup=True)
        body.append(cells)
    chains = len({row.chain for row in rows})
    story = [
        pdf.paragraph(f"{installation_name()}{TITLE}", "title"),
        pdf.paragraph(f"截至 {format_date_long(today)}　共 {chains} 条产业链、{sum(1 for r in rows if not r.target.startswith('（'))} 家目标企业"
                      "　环节现状：强 = 本地企业较多，弱 = 有但不多，缺 = 没有本地企业", "subtitle"),
        pdf.data_table(BATTLE_HEADERS, body, PDF_WIDTHS, zebra=True),
    ]
    return pdf.build_pdf(out_path, story, title=TITLE, header_text=f"{installation_name()}　{TITLE}",
                         pagesize=A3, landscape=True, progress=progress)


def write(out_path, *, today: dt.date | None = None, progress=None) -> int:
    """By the file's extension: .pdf or .xlsx."""
    from desktop.errors import UserError

    suffix = Path(out_path).suffix.lower()
    if suffix == ".pdf":
        return build_pdf(out_path, today=today, progress=progress)
    if suffix == ".xlsx":
        return export_xlsx(out_path, today=today)
    raise UserError(f"作战表只能保存为 .pdf 或 .xlsx，而不是“{suffix or '无扩展名'}”：{out_path}")
