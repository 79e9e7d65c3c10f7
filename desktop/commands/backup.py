"""`backup`, `check` and `restore`: the 备份 and 检查数据库 of the settings page, for scripts.

    python -m desktop backup --db PATH [--out FOLDER] [--list]
    python -m desktop check --db PATH [--no-fix]
    python -m desktop restore --db PATH FILE --yes
"""

from __future__ import annotations

import argparse

DB_HELP = "数据库（默认：数据文件夹里的 investdesk.db；必须已存在）"


def register(subparsers) -> None:
    backup = subparsers.add_parser(
        "backup", help="备份数据库（或导出到指定文件夹）",
        description="用 SQLite 在线备份复制数据库并做完整性检查。不加 --out 时存到数据库旁边的 backups 文件夹；"
        "加 --out 时导出到该文件夹（如 U 盘），文件名为 库名-日期-时间.db。",
    )
    backup.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=DB_HELP)
    backup.add_argument("--out", metavar="FOLDER", help="导出到这个文件夹（如 U 盘）")
    backup.add_argument("--list", action="store_true", help="只列出已有的备份，不备份")
    backup.set_defaults(handler=cmd_backup)

    check = subparsers.add_parser(
        "check", help="检查数据库（完整性、引用、阶段与状态）并整理",
        description="检查数据库：完整性检查、外键检查、项目阶段和状态与记录是否一致、专班；可自动修复的先备份再修复，"
        "最后整理文件（VACUUM/ANALYZE）。有需要人工处理的问题时以 1 退出。",
    )
    check.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=DB_HELP)
    check.add_argument("--no-fix", action="store_true", help="只检查和报告，不修复、不整理")
    check.set_defaults(handler=cmd_check)

    restore = subparsers.add_parser(
        "restore", help="从备份恢复数据库（当前数据先自动备份）",
        description="用备份文件替换数据库中的数据。备份文件须是招商工作台的数据库且不比本程序新；当前数据先备份到 backups 文件夹。",
    )
    restore.add_argument("file", metavar="FILE", help="备份文件（.db）")
    restore.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=DB_HELP)
    restore.add_argument("--yes", action="store_true", help="确认恢复（不加时只检查备份文件并说明会做什么）")
    restore.set_defaults(handler=cmd_restore)


def _open(args):
    from desktop import config
    from desktop.cli import _database_url, open_existing_database

    url = _database_url(args, config.default_database_path())
    open_existing_database(url)
    return url


def _wait_for_writers() -> None:
    from desktop.cli import complain
    from desktop.services.backup import current_database_file
    from desktop.services.single_instance import wait_until_writable

    path = current_database_file()
    if path is not None:
        wait_until_writable(path, on_wait=complain)


def cmd_backup(args) -> int:
    from desktop import db
    from desktop.cli import EXIT_OK, say
    from desktop.services import backup

    _open(args)
    try:
        if args.list:
            items = backup.list_backups()
            if not items:
                say("还没有备份。")
            for item in items:
                say(f"{item.made_at:%Y-%m-%d %H:%M:%S}  {item.kind:<10}  {item.size_text:>9}  {item.path}")
            return EXIT_OK
        if args.out:
            target = backup.export_backup(args.out)
            say(f"已导出备份：{target}")
        else:
            target = backup.make_backup(None, "manual")
            say(f"已备份到：{target}")
    finally:
        db.close()
    return EXIT_OK


def cmd_check(args) -> int:
    from desktop import db
    from desktop.cli import EXIT_OK, EXIT_USER_ERROR, say
    from desktop.services.integrity import check_database

    _open(args)
    try:
        if not args.no_fix:
            _wait_for_writers()
        report = check_database(fix=not args.no_fix)
    finally:
        db.close()
    say(report.text())
    return EXIT_OK if report.healthy else EXIT_USER_ERROR


def cmd_restore(args) -> int:
    from desktop import db
    from desktop.cli import EXIT_OK, EXIT_USER_ERROR, say
    from desktop.services import backup

    info = backup.inspect_backup_file(args.file)
    _open(args)
    try:
        if not args.yes:
            say(
                f"备份文件：{info.path}（{info.installation or '招商工作台'}，{info.projects} 个项目，数据库版本 {info.version}）。\n"
                "恢复会用它替换当前数据库中的全部数据（当前数据先自动备份）。确认恢复请加 --yes。"
            )
            return EXIT_USER_ERROR
        _wait_for_writers()
        outcome = backup.restore_backup(args.file)
    finally:
        db.close()
    say(f"已从备份恢复：{info.path}（{outcome.projects} 个项目）。恢复前的数据已备份到：{outcome.safety_backup}")
    return EXIT_OK
