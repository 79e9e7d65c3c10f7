"""The scoring board on paper: the A4 通报 PDF and the .xlsx export, of the live board or of a
published 通报 (whose stored rows are printed as issued).

Both take a `Bulletin` (desktop.services.scoring): `bulletin_of(board)` for the live board,
`open_bulletin(id)` for a published one. The table's cells are the same text everywhere
(`board_table`), so the screen, the workbook, the PDF and the command line agree.
"""

from __future__ import annotations

from decimal import Decimal

from desktop.errors import UserError
from desktop.services import scoring
from desktop.services.dates import format_date, format_date_long
from desktop.services.scoring import Board, Bulletin


def change_header(board: Board) -> str:
    return f"较上期（{board.previous.label}）" if board.previous is not None else "较上期"


def board_table(board: Board, *, words: bool = False) -> tuple[list[str], list[list]]:
    """Header and rows (points as Decimal, the rest as shown) of a board: 名次, 单位, 积分, 步骤数,
    项目数, 扣分 (only when something was deducted), 较上期 (▲2 — or “升2位” with `words`)."""
    header = ["名次", "单位", "积分", "计分步骤", "涉及项目"]
    with_deductions = board.has_deductions
    if with_deductions:
        header.append("其中扣分")
    header.append(change_header(board))
    rows = []
    for row in board.rows:
        cells = [row.rank, row.unit, row.points, row.steps, row.projects]
        if with_deductions:
            cells.append(-row.deduction if row.deduction else Decimal("0.0"))
        cells.append(row.change_words if words else row.change_text)
        rows.append(cells)
    return header, rows


def rules_text(settings: scoring.ScoringSettings) -> str:
    """计分规则 in one sentence, from the settings the board was computed with."""
    labels = scoring.band_labels(settings.weights)
    weights = "，".join(f"{label}×{scoring.plain_number(band.weight)}" for label, band in zip(labels, settings.weights))
    text = (f"计分规则：按各单位在期间内完成的项目流程步骤计分，每步分值乘以项目投资规模系数（{weights}）；"
            "积分记入步骤记录的计分单位（线索登记、专人对接记首报单位，其余记责任单位），"
            "同一项目的同一步骤只计一次，“不涉及”的步骤不计分。")
    for rule in settings.deductions:
        text += (f"扣分：{rule.name}——第{rule.after_step}步完成后{rule.after_days}天内未完成第{rule.missing_step}步的，"
                 f"此后每满一个月扣{scoring.plain_number(rule.points_per_month)}分，记入项目责任单位。")
    return text


def _points_text(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:.1f}"
    return "" if value is None else str(value)


CHART_UNITS = 12


# --- PDF -----------------------------------------------------------------------------------------
def write_bulletin_pdf(out_path, bulletin: Bulletin, *, progress=None) -> int:
    """The A4 通报: title (公文 heading), number and issuer, an opening sentence, the ranked table,
    the bar chart, the scoring rules, and the issuer and date at the foot. Returns the page count."""
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether

    from desktop.services import pdf

    board = bulletin.board
    story = []
    if bulletin.number:
        story.append(pdf.paragraph(bulletin.number, "subtitle"))
    story.append(pdf.paragraph(bulletin.title, "doc_title"))
    story.append(pdf.paragraph(
        f"现将{board.period.range_text}（{board.period.label}）各单位招商引资“比学赶超”积分情况通报如下。"
        "积分由系统按各单位记录的项目流程步骤自动计算，每一分均可追溯到具体项目和步骤。", "doc_para"))
    story.append(pdf.spacer(4))
    header, rows = board_table(board, words=True)
    width = pdf.frame_width()
    fixed = [14 * mm, 20 * mm, 18 * mm, 18 * mm] + ([18 * mm] if board.has_deductions else []) + [30 * mm]
    col_widths = [fixed[0], width - sum(fixed)] + fixed[1:]
    align = ["center", "left", "right", "right", "right"] + (["right"] if board.has_deductions else []) + ["center"]
    story.append(pdf.data_table(header, [[_points_text(c) for c in r] for r in rows], col_widths,
                                align=align, zebra=True))
    total = board.total_points
    story.append(pdf.paragraph(
        f"合计 {total:.1f} 分；共 {len(board.rows)} 个单位，"
        f"{sum(1 for r in board.rows if r.points > 0)} 个单位有积分。", "small"))
    story.append(pdf.spacer(6))
    # The chart shows the leading units only: beyond a dozen bars the value labels run together.
    chart_rows = [r for r in board.rows if r.points > 0][:CHART_UNITS] or list(board.rows[:CHART_UNITS])
    chart_title = (f"{board.period.label}积分前{len(chart_rows)}名单位" if len(board.rows) > len(chart_rows)
                   else f"{board.period.label}各单位积分")
    chart = pdf.bar_chart([r.unit for r in chart_rows], [float(r.points) for r in chart_rows],
                          width=width, height=78 * mm, title=chart_title)
    story.append(KeepTogether([chart]))
    story.append(pdf.spacer(4))
    story.append(pdf.paragraph(rules_text(board.settings), "small"))
    story.append(pdf.spacer(10))
    story.append(pdf.paragraph(bulletin.issuer, "doc_sign"))
    story.append(pdf.paragraph(format_date_long(bulletin.published_on), "doc_sign"))
    return pdf.build_pdf(out_path, story, title=bulletin.title, header_text=bulletin.issuer, progress=progress)


def print_live_board(out_path, period: scoring.Period, *, title: str = "", progress=None) -> int:
    """The live board of `period` as a 通报 PDF dated today (not published, not stored)."""
    return write_bulletin_pdf(out_path, scoring.bulletin_of(scoring.compute_board(period), title=title),
                              progress=progress)


def print_published(out_path, bulletin_id: int, *, progress=None) -> int:
    """A published 通报 reprinted exactly as issued."""
    return write_bulletin_pdf(out_path, scoring.open_bulletin(bulletin_id), progress=progress)


# --- Excel ---------------------------------------------------------------------------------------
def export_board_xlsx(out_path, bulletin: Bulletin, *, progress=None) -> int:
    """Title, period line, header, the ranked rows (积分 as numbers with one decimal), the rules;
    returns the number of units written."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from desktop.services.excel_export import check_target, column_width, save_atomically

    check_target(out_path)
    board = bulletin.board
    header, rows = board_table(board)
    wb = Workbook()
    ws = wb.active
    ws.title = "积分榜"
    last = get_column_letter(len(header))
    ws.append([bulletin.title])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    number = f"{bulletin.number}　" if bulletin.number else ""
    ws.append([f"{number}统计期间：{format_date(board.period.start)} 至 {format_date(board.period.end)}（{board.period.label}）"
               f"　{bulletin.issuer}　{format_date_long(bulletin.published_on)}"])
    ws.merge_cells(f"A2:{last}2")
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
    numeric = {header.index("积分")} | ({header.index("其中扣分")} if "其中扣分" in header else set())
    for i, row in enumerate(rows):
        ws.append([float(value) if c in numeric else value for c, value in enumerate(row)])
        for c in numeric:
            ws.cell(row=ws.max_row, column=c + 1).number_format = "0.0"
        if progress is not None and progress(i + 1, len(rows)) is False:
            raise UserError("已取消")
    ws.append([])
    ws.append([rules_text(board.settings)])
    ws.merge_cells(f"A{ws.max_row}:{last}{ws.max_row}")
    ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[ws.max_row].height = 60
    for c, name in enumerate(header):
        ws.column_dimensions[get_column_letter(c + 1)].width = column_width([name, *(_points_text(r[c]) for r in rows)])
    ws.freeze_panes = "A4"
    save_atomically(wb, out_path)
    return len(rows)


def export_live_board(out_path, period: scoring.Period, *, progress=None) -> int:
    return export_board_xlsx(out_path, scoring.bulletin_of(scoring.compute_board(period)), progress=progress)


def export_published(out_path, bulletin_id: int, *, progress=None) -> int:
    return export_board_xlsx(out_path, scoring.open_bulletin(bulletin_id), progress=progress)

