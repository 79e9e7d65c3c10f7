"""`python -m desktop teams export --db PATH --out FILE.xlsx|FILE.pdf`: the 专班 assignment view."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "teams", help="专班配备：导出 Excel 或打印 PDF",
        description="专班配备情况：每个在办项目的专班（组长、成员、未销号与逾期问题），以及每人牵头、参与的专班数。",
    )
    actions = parser.add_subparsers(dest="teams_action", title="操作", metavar="{export}")
    actions.required = True
    export = actions.add_parser(
        "export", help="导出专班配备（.xlsx）或打印为 A4 横向 PDF（.pdf）",
        description="按筛选条件导出专班配备：扩展名 .xlsx 得到 Excel（专班配备、人员负荷两个工作表），.pdf 得到 A4 横向的打印稿。",
    )
    export.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="数据库（默认：数据文件夹里的 investdesk.db；必须已存在）")
    export.add_argument("--out", required=True, metavar="FILE", help="要写入的文件：.xlsx 或 .pdf（已有时覆盖）")
    export.add_argument("--key", action="store_true", help="只要重点项目")
    export.add_argument("--above-yi", action="store_true", help="只要总投资 1 亿元以上的项目")
    export.add_argument("--without-team", action="store_true", help="只要还没有专班的项目")
    export.add_argument("--stage", metavar="STAGE", help="阶段，如 签约、在建")
    export.add_argument("--unit", metavar="NAME", help="责任单位名称")
    export.add_argument("--as-of", metavar="DATE", help="逾期与最近进展按这一天计算（默认今天），如 2022-06-30")
    export.set_defaults(handler=cmd_teams_export)


def cmd_teams_export(args) -> int:
    import datetime as dt
    from pathlib import Path

    from desktop import config, db
    from desktop.cli import EXIT_OK, _database_url, open_existing_database, say
    from desktop.errors import UserError
    from desktop.services.dates import parse_date

    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise UserError(f"输出文件的扩展名应为 .xlsx 或 .pdf：{out}")
    try:
        as_of = parse_date(args.as_of) if args.as_of else dt.date.today()
    except ValueError as exc:
        raise UserError(str(exc)) from None
    open_existing_database(_database_url(args, config.default_database_path()))
    try:
        from desktop.services import project_list, reference, teams

        criteria = teams.AssignmentFilter(key_only=args.key, above_yi=args.above_yi, without_team_only=args.without_team)
        if args.stage:
            phases = project_list.phase_steps()
            if args.stage not in phases:
                raise UserError(f"没有“{args.stage}”这个阶段（可选：{'、'.join(phases)}）")
            criteria.stage, criteria.phase_steps = args.stage, phases
        if args.unit:
            units = {u.name: u.id for u in reference.list_units(include_inactive=True)}
            if args.unit not in units:
                raise UserError(f"没有名为“{args.unit}”的单位")
            criteria.unit_id = units[args.unit]
        if suffix == ".pdf":
            pages = teams.print_assignment(out, criteria, as_of)
            message = f"已生成专班配备情况表（{pages} 页）：{out}"
        else:
            count = teams.export_assignment(out, criteria, today=as_of)
            message = f"已导出 {count} 个项目的专班配备到 {out}"
    finally:
        db.close()
    say(message)
    return EXIT_OK
