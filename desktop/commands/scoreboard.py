"""`python -m desktop scoreboard --db PATH --from DATE --to DATE [--json] [--unit NAME] [--out FILE]`:
the 比学赶超 scoring board of a period, its drill-down for one unit, or the board as .xlsx / A4 PDF."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    from desktop.cli import _date_argument

    parser = subparsers.add_parser(
        "scoreboard", help="比学赶超积分榜（排名、积分、较上期）",
        description=(
            "计算一个时期（含首尾两天）各单位的“比学赶超”积分并排名：每个完成的流程步骤按分值乘以投资规模系数，"
            "记入步骤记录的计分单位；名次相同并列，下一名次顺延（1、1、3）。整月、整季度、半年或整年的期间与上一个同类期间比较，"
            "其他期间与紧挨在前、天数相同的期间比较。"
        ),
    )
    parser.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="数据库（默认：数据文件夹里的 investdesk.db；必须已存在）")
    parser.add_argument("--from", dest="date_from", type=_date_argument, metavar="DATE", help="开始日期，如 2022-01-01（默认：结束日期所在年份的 1 月 1 日）")
    parser.add_argument("--to", dest="date_to", type=_date_argument, metavar="DATE", help="结束日期，如 2022-06-30（默认：今天）")
    parser.add_argument("--json", action="store_true", help="输出 JSON（UTF-8）：按名次排列的列表，积分为数字")
    parser.add_argument("--unit", metavar="NAME", help="列出这个单位积分的每一条来源（项目、步骤、日期、分值、系数、积分）")
    parser.add_argument("--out", metavar="FILE", help="另存积分榜：.xlsx 得到 Excel，.pdf 得到 A4 通报（已有时覆盖）")
    parser.set_defaults(handler=cmd_scoreboard)


def _period(args):
    import datetime as dt

    from desktop.services import scoring

    date_to = args.date_to or dt.date.today()
    date_from = args.date_from or dt.date(date_to.year, 1, 1)
    return scoring.period_from_dates(date_from, date_to)  # UserError when from > to


def cmd_scoreboard(args) -> int:
    import json
    from pathlib import Path

    from desktop import config, db
    from desktop.cli import EXIT_OK, _database_url, _json_default, open_existing_database, say, write_utf8
    from desktop.errors import UserError

    period = _period(args)
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in (".xlsx", ".pdf"):
        raise UserError(f"输出文件的扩展名应为 .xlsx 或 .pdf：{out}")
    open_existing_database(_database_url(args, config.default_database_path()))
    try:
        from desktop.services import scoring

        board = scoring.compute_board(period)
        lines = None
        if args.unit:
            match = [row for row in board.rows if row.unit == args.unit.strip()]
            if not match:
                raise UserError(f"积分榜上没有名为“{args.unit}”的单位")
            lines = scoring.unit_details(match[0].unit_id, period, settings=board.settings)
        written = None
        if out is not None:
            from desktop.services import scoring_report

            bulletin = scoring.bulletin_of(board)
            if out.suffix.lower() == ".pdf":
                pages = scoring_report.write_bulletin_pdf(out, bulletin)
                written = f"已生成积分通报（{pages} 页）：{out}"
            else:
                count = scoring_report.export_board_xlsx(out, bulletin)
                written = f"已导出 {count} 个单位的积分榜到 {out}"
    finally:
        db.close()
    if args.json:
        payload = [_detail_json(line) for line in lines] if lines is not None else [_row_json(row) for row in board.rows]
        write_utf8(json.dumps(payload, ensure_ascii=False, default=_json_default) + "\n")
    elif lines is not None:
        say(details_text(board, match[0], lines))
    else:
        say(board_text(board))
    if written:
        if args.json:
            from desktop.cli import complain

            complain(written)  # stdout carries the JSON only
        else:
            say(written)
    return EXIT_OK


def _number(value):
    """Decimal → a JSON number (int when whole, so 25 and 25.5 read naturally)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _row_json(row) -> dict:
    return {
        "rank": row.rank, "unit": row.unit, "points": _number(row.points), "steps": row.steps,
        "projects": row.projects, "deduction": _number(row.deduction),
        "previous_rank": row.previous_rank, "previous_points": _number(row.previous_points),
        "rank_change": row.rank_change, "change": row.change_text,
    }


def _detail_json(line) -> dict:
    return {
        "kind": line.kind, "project_code": line.project_code, "project": line.project_name,
        "step": line.step_number, "step_name": line.step_name, "date": line.done_on,
        "base_points": _number(line.base_points), "weight": _number(line.weight), "points": _number(line.points),
    }


def board_text(board) -> str:
    from desktop.cli import _pad, _width

    lines = [f"比学赶超积分榜：{board.period.label}（{board.period.range_text}，含首尾两天）"]
    if board.previous is not None:
        lines.append(f"较上期：与{board.previous.label}（{board.previous.range_text}）比较")
    columns = [("名次", 4, True), ("  单位", 20, False), ("积分", 10, True), ("步骤", 6, True), ("项目", 6, True)]
    if board.has_deductions:
        columns.append(("扣分", 8, True))
    columns.append(("  较上期", 16, False))
    header = "".join(_pad(title, width, right=right) for title, width, right in columns)
    lines += [header, "-" * _width(header)]
    for row in board.rows:
        cells = [str(row.rank), "  " + row.unit, f"{row.points:.1f}", str(row.steps), str(row.projects)]
        if board.has_deductions:
            cells.append(f"{-row.deduction:.1f}" if row.deduction else "0.0")
        cells.append("  " + row.change_text)
        lines.append("".join(_pad(text, width, right=right) for text, (_, width, right) in zip(cells, columns)))
    lines.append(f"合计 {board.total_points:.1f} 分，{len(board.rows)} 个单位")
    return "\n".join(lines)


def details_text(board, row, lines) -> str:
    from desktop.cli import _pad

    out = [f"{row.unit}：{board.period.label} 积分 {row.points:.1f}（第 {row.rank} 名），来源 {len(lines)} 条"]
    for line in lines:
        out.append(
            _pad(line.done_on.isoformat(), 12) + _pad(line.project_code, 16) + _pad(line.project_name, 30)
            + _pad(f"{line.step_number}. {line.step_name}", 34)
            + f"{line.base_points} × {scoring_weight(line.weight)} = {line.points}"
        )
    return "\n".join(out)


def scoring_weight(weight) -> str:
    from desktop.services.scoring import plain_number

    return plain_number(weight)
