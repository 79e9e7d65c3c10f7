"""`python -m desktop exchange …`: offline exchange files between township PCs and the centre."""

from __future__ import annotations

import argparse
import json


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "exchange", help="乡镇与中心之间交换数据（U 盘或聊天发送的 .zip 文件）",
        description="离线交换：导出本机自上次对方确认以来的改动，或导入对方发来的交换文件（带签名）。",
    )
    actions = parser.add_subparsers(dest="exchange_action", title="操作", metavar="{export,import,identity,register,partners,new-identity}")
    actions.required = True
    db_help = "数据库（默认：数据文件夹里的 investdesk.db；必须已存在）"

    export = actions.add_parser("export", help="为某个伙伴生成交换文件", description="生成发给伙伴的交换文件（.zip）。")
    export.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=db_help)
    export.add_argument("--to", required=True, metavar="NAME", help="收件伙伴的名称，如 将乐县招商服务中心 或 水南镇")
    export.add_argument("--out", required=True, metavar="FILE.zip", help="要写入的交换文件")
    export.set_defaults(handler=cmd_export)

    imports = actions.add_parser("import", help="导入伙伴发来的交换文件", description="检查签名并导入交换文件；冲突默认保留本机的值并列出。")
    imports.add_argument("file", metavar="FILE.zip")
    imports.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=db_help)
    imports.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    imports.add_argument("--keep", choices=("mine", "theirs"), help="冲突时保留本机（mine）或对方（theirs）的值；不给时冲突记录不动并列出")
    imports.add_argument("--trust", action="store_true", help="信任尚未登记的发件方并登记它（请先核对指纹）")
    imports.add_argument("--json", action="store_true", help="输出一个 JSON 对象（UTF-8）")
    imports.set_defaults(handler=cmd_import)

    card = actions.add_parser("identity", help="写出本机的身份文件（发给对方登记）", description="写出本机的身份文件，并显示指纹（可电话核对）。")
    card.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=db_help)
    card.add_argument("--out", required=True, metavar="FILE.json")
    card.set_defaults(handler=cmd_identity)

    reg = actions.add_parser("register", help="登记伙伴（读入对方的身份文件）", description="登记交换伙伴：招商中心登记各乡镇，乡镇登记招商中心。")
    reg.add_argument("card", metavar="FILE.json", help="对方的身份文件")
    reg.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=db_help)
    reg.add_argument("--role", choices=("centre", "township"), required=True, help="对方是招商中心（centre）还是乡镇（township）")
    reg.add_argument("--township", metavar="NAME", help="乡镇伙伴对应本库中的单位名称（默认与对方名称相同）")
    reg.add_argument("--fingerprint", metavar="XXXX-XXXX-XXXX-XXXX", help="电话核对的指纹；不符时拒绝登记")
    reg.set_defaults(handler=cmd_register)

    partners = actions.add_parser("partners", help="列出已登记的伙伴")
    partners.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=db_help)
    partners.set_defaults(handler=cmd_partners)

    renew = actions.add_parser("new-identity", help="复制来的数据库：给它新身份", description="复制来的数据库要先有自己的身份才能交换。")
    renew.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=db_help)
    renew.add_argument("--moved", action="store_true", help="不是复制，只是搬动了文件：保留原身份")
    renew.add_argument("--name", metavar="NAME", help="新的本单位名称")
    renew.add_argument("--prefix", metavar="PREFIX", help="新的项目编号前缀")
    renew.set_defaults(handler=cmd_new_identity)


def _open(args) -> None:
    from desktop import config
    from desktop.cli import _database_url, open_existing_database

    open_existing_database(_database_url(args, config.default_database_path()))


def cmd_export(args) -> int:
    from desktop import db
    from desktop.cli import EXIT_OK, say
    from desktop.services import exchange

    _open(args)
    try:
        result = exchange.export_file(args.out, args.to)
    finally:
        db.close()
    say(f"已生成发给“{result.partner}”的第 {result.seq} 号交换文件 {result.path}：记录 {result.records} 条，删除 {result.deletions} 条")
    return EXIT_OK


def cmd_import(args) -> int:
    from desktop import db
    from desktop.cli import EXIT_OK, say, write_utf8
    from desktop.services import exchange

    _open(args)
    try:
        preview = exchange.import_file(args.file, dry_run=args.dry_run, keep=args.keep, trust=args.trust)
    finally:
        db.close()
    if args.json:
        write_utf8(json.dumps(preview.to_json(), ensure_ascii=False, indent=1) + "\n")
        return EXIT_OK
    counts = preview.counts()
    if preview.message:
        say(preview.message)
    say(f"来自“{preview.origin_name}”的第 {preview.seq} 号文件：新增 {counts['new']}，修改 {counts['changed']}，删除 {counts['deleted']}，"
        f"未变 {counts['unchanged']}，冲突 {counts['conflicts']}，拒绝 {counts['refused']}"
        + ("（预览，未写入）" if args.dry_run else ("，已写入" if preview.applied else "")))
    for change in preview.of_kind("conflict"):
        detail = "；".join(f"{f}：本机“{m}”/对方“{t}”" for f, m, t in change.fields) or change.reason
        say(f"  冲突 {change.table} {change.label}：{detail}")
    for change in preview.of_kind("refused"):
        say(f"  拒绝 {change.table} {change.label}：{change.reason}")
    return EXIT_OK


def cmd_identity(args) -> int:
    from desktop import db
    from desktop.cli import EXIT_OK, say
    from desktop.services import exchange

    _open(args)
    try:
        card = exchange.identity_card()
        exchange.write_identity_card(args.out)
    finally:
        db.close()
    say(f"已写出“{card['name']}”（前缀 {card['prefix']}）的身份文件 {args.out}；指纹 {card['fingerprint']}")
    return EXIT_OK


def cmd_register(args) -> int:
    from desktop import db
    from desktop.cli import EXIT_OK, say
    from desktop.services import exchange

    card = exchange.read_identity_card(args.card)
    _open(args)
    try:
        info = exchange.register_partner(card, role=args.role, unit_name=args.township, expected_fingerprint=args.fingerprint)
    finally:
        db.close()
    say(f"已登记交换伙伴“{info.name}”（{'招商中心' if info.role == 'centre' else '乡镇'}，指纹 {info.fingerprint}）")
    return EXIT_OK


def cmd_partners(args) -> int:
    from desktop import db
    from desktop.cli import EXIT_OK, say
    from desktop.services import exchange

    _open(args)
    try:
        partners = exchange.list_partners()
    finally:
        db.close()
    if not partners:
        say("还没有登记交换伙伴。")
    for p in partners:
        say(f"{p.name}（{'招商中心' if p.role == 'centre' else '乡镇 ' + p.unit}）指纹 {p.fingerprint}，已发 {p.last_sent_seq} 号，已收 {p.last_received_seq} 号")
    return EXIT_OK


def cmd_new_identity(args) -> int:
    from desktop import db
    from desktop.cli import EXIT_OK, say
    from desktop.services import identity

    _open(args)
    try:
        me = identity.new_identity(moved=args.moved, name=args.name, prefix=args.prefix)
    finally:
        db.close()
    say(("已确认数据库只是搬动，身份不变" if args.moved else "已给这个数据库新身份") + f"：{me.name}（前缀 {me.prefix}），指纹 {me.fingerprint}")
    return EXIT_OK
