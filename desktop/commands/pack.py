"""`python -m desktop pack …` (the briefing pack of a meeting) and `python -m desktop minutes …`
(its 会议纪要). The meeting is its record id, or `latest` for the latest by date."""

from __future__ import annotations

import argparse

DB_HELP = "数据库（默认：数据文件夹里的 investdesk.db；必须已存在）"
MEETING_HELP = "会议编号（领导小组会页面列表中的编号），或 latest 表示日期最近的一次会议"


def register(subparsers) -> None:
    pack = subparsers.add_parser(
        "pack", help="生成领导小组会的会议材料（PDF）",
        description="生成一次领导小组会的会议材料（PDF，A4）：封面、目录、总体情况（当年 1 月 1 日至会议日期的统计、图表、"
        "双过半进展）、每个议题一节（基本情况、初审意见、材料、决策路径、问题清单、建议）和议题汇总表。"
        "手机号默认隐去中间四位。",
    )
    pack.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=DB_HELP)
    pack.add_argument("--meeting", required=True, metavar="ID|latest", help=MEETING_HELP)
    pack.add_argument("--full-contacts", action="store_true", help="显示完整的联系电话（默认隐去手机号中间四位）")
    pack.add_argument("--out", required=True, metavar="FILE.pdf", help="要写入的 PDF 文件（已有时覆盖）")
    pack.set_defaults(handler=cmd_pack)

    minutes = subparsers.add_parser(
        "minutes", help="生成领导小组会的会议纪要（PDF）",
        description="按会议记录的各议题决定生成会议纪要（PDF，公文格式）。会议至少要记录一个决定。",
    )
    minutes.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=DB_HELP)
    minutes.add_argument("--meeting", required=True, metavar="ID|latest", help=MEETING_HELP)
    minutes.add_argument("--out", required=True, metavar="FILE.pdf", help="要写入的 PDF 文件（已有时覆盖）")
    minutes.set_defaults(handler=cmd_minutes)


def _pdf_target(text: str):
    from pathlib import Path

    from desktop.errors import UserError

    out = Path(text)
    if out.suffix.lower() != ".pdf":
        raise UserError(f"输出文件的扩展名应为 .pdf：{out}")
    return out


def cmd_pack(args) -> int:
    from desktop import config, db
    from desktop.cli import EXIT_OK, _console_progress, _database_url, _end_progress, open_existing_database, say

    out = _pdf_target(args.out)
    open_existing_database(_database_url(args, config.default_database_path()))
    try:
        from desktop.services.briefing_pack import build_pack
        from desktop.services.meetings import meeting_detail, resolve_meeting

        meeting_id = resolve_meeting(args.meeting)
        title = meeting_detail(meeting_id).title
        pages = build_pack(out, meeting_id, full_contacts=bool(args.full_contacts),
                           progress=_console_progress("正在生成会议材料"))
    finally:
        db.close()
    _end_progress()
    contacts = "完整联系方式" if args.full_contacts else "手机号已隐去中间四位"
    say(f"已生成“{title}”会议材料（{pages} 页，{contacts}）：{out}")
    return EXIT_OK


def cmd_minutes(args) -> int:
    from desktop import config, db
    from desktop.cli import EXIT_OK, _database_url, open_existing_database, say

    out = _pdf_target(args.out)
    open_existing_database(_database_url(args, config.default_database_path()))
    try:
        from desktop.services.meetings import meeting_detail, resolve_meeting
        from desktop.services.minutes import build_minutes

        meeting_id = resolve_meeting(args.meeting)
        title = meeting_detail(meeting_id).title
        pages = build_minutes(out, meeting_id)
    finally:
        db.close()
    say(f"已生成“{title}”会议纪要（{pages} 页）：{out}")
    return EXIT_OK
