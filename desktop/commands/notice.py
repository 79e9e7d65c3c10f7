"""`python -m desktop notice --db PATH --review ID --out FILE.pdf`: print a 一次性告知书."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "notice", help="打印即时初审的一次性告知书（PDF）",
        description="把一次即时初审所缺的全部材料写成一次性告知书（PDF，公文格式，含补交期限、联系人和盖章位置）。",
    )
    parser.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="数据库（默认：数据文件夹里的 investdesk.db；必须已存在）")
    parser.add_argument("--review", required=True, type=int, metavar="ID", help="初审编号（即时初审页面列表中的编号）")
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="要写入的 PDF 文件（已有时覆盖）")
    parser.set_defaults(handler=cmd_notice)


def cmd_notice(args) -> int:
    from pathlib import Path

    from desktop import config, db
    from desktop.cli import EXIT_OK, _database_url, open_existing_database, say
    from desktop.errors import UserError

    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise UserError(f"输出文件的扩展名应为 .pdf：{out}")
    open_existing_database(_database_url(args, config.default_database_path()))
    try:
        from desktop.services.review_notice import build_notice

        pages = build_notice(out, args.review)
    finally:
        db.close()
    say(f"已生成一次性告知书（{pages} 页）：{out}")
    return EXIT_OK
