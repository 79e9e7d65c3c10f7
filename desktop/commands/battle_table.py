"""`python -m desktop battle-table --db PATH --out FILE.pdf|FILE.xlsx`: the 招商作战表."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "battle-table", help="招商作战表：打印 A3 横向 PDF 或导出 Excel",
        description="招商作战表：各产业链、各环节的本地企业情况和目标企业（优先级、责任单位、挂钩领导、下一步工作、计划时间、进展）。"
        "扩展名 .pdf 得到 A3 横向的打印稿，.xlsx 得到 Excel。",
    )
    parser.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="数据库（默认：数据文件夹里的 investdesk.db；必须已存在）")
    parser.add_argument("--out", required=True, metavar="FILE", help="要写入的文件：.pdf 或 .xlsx（已有时覆盖）")
    parser.add_argument("--as-of", metavar="DATE", help="“已过期”按这一天判断（默认今天），如 2022-06-30")
    parser.set_defaults(handler=cmd_battle_table)


def cmd_battle_table(args) -> int:
    import datetime as dt
    from pathlib import Path

    from desktop import config, db
    from desktop.cli import EXIT_OK, _database_url, open_existing_database, say
    from desktop.errors import UserError
    from desktop.services.dates import parse_date

    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".xlsx"):
        raise UserError(f"作战表只能保存为 .pdf 或 .xlsx：{out}")
    try:
        as_of = parse_date(args.as_of) if args.as_of else dt.date.today()
    except ValueError as exc:
        raise UserError(str(exc)) from None
    open_existing_database(_database_url(args, config.default_database_path()))
    try:
        from desktop.services import battle_table

        count = battle_table.write(out, today=as_of)
    finally:
        db.close()
    what = f"{count} 页" if out.suffix.lower() == ".pdf" else f"{count} 行"
    say(f"已写入招商作战表 {out}（{what}）")
    return EXIT_OK
