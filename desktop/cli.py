"""The command line: `python -m desktop [子命令] …`.

Without a sub-command it opens the window (`--db PATH`, `--demo`). The sub-commands do the same
work headless, as thin faces of the services:

    python -m desktop demo  --db PATH [--force]
    python -m desktop init  --db PATH [--name 名称] [--prefix 前缀]
    python -m desktop stats --db PATH [--from 日期] [--to 日期] [--json]
    python -m desktop export --db PATH --out FILE.xlsx [--stage S] [--industry I] [--unit U]
                             [--township T] [--status S] [--band yi|10yi] [--search TEXT]
    python -m desktop template --out FILE.xlsx [--db PATH]
    python -m desktop import FILE --db PATH [--sheet NAME] [--dry-run] [--on-duplicate skip|update]
                             [--create-missing] [--errors-out PATH.xlsx] [--json]

Exit codes: 0 done; 1 an error the user can fix (one Chinese line on stderr); 2 bad arguments;
3 a bug (the traceback goes to the log file, whose name is printed); 130 interrupted.
Nothing here imports Qt: only the window (no sub-command) loads PySide6, lazily.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import traceback
import unicodedata
from decimal import Decimal
from pathlib import Path

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_USAGE = 2
EXIT_BUG = 3
EXIT_INTERRUPTED = 130

# What the user types: the frozen console program's own name, or the module from a source checkout.
PROG = "investdesk-cli" if getattr(sys, "frozen", False) else "python -m desktop"


# ---------------------------------------------------------------------------------------------
# Output that never fails: UTF-8 JSON on stdout, one-line messages on stderr (a windowed build
# has no console, so the streams may be None).


def _write_line(stream, text: str) -> None:
    if stream is None:
        return
    try:
        stream.write(text + "\n")
        stream.flush()
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        stream.write(text.encode(encoding, errors="replace").decode(encoding) + "\n")
        stream.flush()
    except (OSError, ValueError):  # closed pipe or console
        pass


def say(text: str) -> None:
    _write_line(sys.stdout, text)


def complain(text: str) -> None:
    """One line on stderr; newlines inside a message are folded so it stays one line."""
    _write_line(sys.stderr, " ".join(str(text).split("\n")))


def write_utf8(text: str) -> None:
    """Write text to stdout as UTF-8 whatever the console's code page (JSON is read by programs)."""
    out = sys.stdout
    if out is None:
        return
    data = text.encode("utf-8")
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        out.flush()
        buffer.write(data)
        buffer.flush()
    else:  # a replaced stream without bytes underneath (tests, IDEs): it takes str
        out.write(text)
        out.flush()


# ---------------------------------------------------------------------------------------------
# argparse, in Chinese.

_ERROR_PATTERNS = [
    (re.compile(r"^unrecognized arguments: (.*)$"), "无法识别的参数 {0}"),
    (re.compile(r"^the following arguments are required: (.*)$"), "缺少必需的参数 {0}"),
    (re.compile(r"^argument (?:command|\{[^}]*\}): invalid choice: '?(.*?)'? \(choose from (.*)\)$"), "没有子命令“{0}”（可选：{1}）"),
    (re.compile(r"^argument (.+?): invalid choice: '?(.*?)'? \(choose from (.*)\)$"), "参数 {0} 不能取“{1}”（可选：{2}）"),
    (re.compile(r"^argument (.+?): expected one argument$"), "参数 {0} 后面需要一个值"),
    (re.compile(r"^argument (.+?): expected at least one argument$"), "参数 {0} 后面至少需要一个值"),
    (re.compile(r"^argument (.+?): not allowed with argument (.+)$"), "参数 {0} 不能与 {1} 同时使用"),
    (re.compile(r"^argument (.+?): ignored explicit argument '?(.*?)'?$"), "参数 {0} 不接受值“{1}”"),
    (re.compile(r"^argument (.+?): invalid \S+ value: '?(.*?)'?$"), "参数 {0} 的值“{1}”无效"),
    (re.compile(r"^ambiguous option: (\S+) could match (.*)$"), "选项 {0} 有歧义，可能是：{1}"),
    (re.compile(r"^argument (.+?): (.*)$"), "参数 {0}：{1}"),
]


def translate_argparse_message(message: str) -> str:
    """argparse's English error text → Chinese (a message that is already Chinese stays as it is)."""
    message = message.strip()
    for pattern, template in _ERROR_PATTERNS:
        match = pattern.match(message)
        if match:
            parts = list(match.groups())
            if "choose from" in message:
                parts[-1] = "、".join(choice.strip(" '\"") for choice in parts[-1].split(","))
            return template.format(*parts)
    return message


class _ChineseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix if prefix is not None else "用法：")


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help is Chinese and whose errors are one Chinese line (exit 2)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _ChineseHelpFormatter)
        kwargs.setdefault("allow_abbrev", False)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message):  # noqa: D401 - argparse API
        # A sub-command's parser names itself, so the line says where the mistake is and which help to read.
        where = f"{self.prog.removeprefix(PROG).strip()}：" if self.prog != PROG else ""
        complain(f"错误：{where}{translate_argparse_message(message)}（用 {self.prog} --help 查看用法）")
        self.exit(EXIT_USAGE)

    def exit(self, status=0, message=None):
        if message:
            complain(message.rstrip("\n"))
        sys.exit(status)


def _date_argument(text: str) -> dt.date:
    from desktop.services.dates import parse_date

    try:
        value = parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if value is None:
        raise argparse.ArgumentTypeError("日期不能为空，请按 2022-06-30 的格式输入")
    return value


def _nonempty(label: str):
    def convert(text: str) -> str:
        text = (text or "").strip()
        if not text:
            raise argparse.ArgumentTypeError(f"{label}不能为空")
        return text

    return convert


def build_parser() -> ChineseArgumentParser:
    parser = ChineseArgumentParser(
        prog=PROG,
        description=(
            "招商工作台（InvestDesk）。不带子命令时打开窗口；子命令在命令行里完成同样的工作。\n"
            "数据库可以是文件路径、sqlite:///路径 或 postgresql://用户:密码@主机/库名。"
        ),
        epilog=(
            "示例：\n"
            f"  {PROG}                       打开窗口（默认数据库；没有时可先看演示数据）\n"
            f"  {PROG} --demo                打开演示数据库\n"
            f"  {PROG} demo --db demo.db     生成演示数据库\n"
            f"  {PROG} init --db 招商.db     新建空数据库\n"
            f"  {PROG} stats --db demo.db --from 2022-01-01 --to 2022-06-30 --json\n"
            f"  {PROG} export --db demo.db --out 项目库.xlsx --band yi\n"
            f"  {PROG} template --out 填报模板.xlsx --db demo.db\n"
            f"  {PROG} import 水南镇.xlsx --db demo.db --dry-run"
        ),
    )
    parser.add_argument("--db", metavar="PATH", help="要打开的数据库（默认：数据文件夹里的 investdesk.db）")
    parser.add_argument("--demo", action="store_true", help="打开演示数据库（单独的 demo.db，没有时先生成）")
    parser.add_argument("--selftest", action="store_true", help="自检：在临时文件夹里生成演示库、打开窗口、生成 PDF、导入填报模板和导出的项目库（不应有任何改动），然后退出")
    parser.add_argument("--version", action="version", version="%(prog)s " + _version(), help="显示版本号并退出")

    commands = parser.add_subparsers(dest="command", title="子命令")

    demo = commands.add_parser("demo", help="生成将乐县 2022 年演示数据库", description="生成将乐县 2022 年演示数据库（已有文件时拒绝，除非加 --force）。")
    demo.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="演示数据库文件（默认：数据文件夹里的 demo.db）")
    demo.add_argument("--force", action="store_true", help="文件已存在时删除后重建")
    demo.set_defaults(handler=cmd_demo)

    init = commands.add_parser("init", help="新建空数据库（含默认流程步骤和单位）", description="新建空数据库，带默认设置（23 个流程步骤、部门、园区和 13 个乡镇）；已有文件时拒绝。")
    init.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="新数据库文件（默认：数据文件夹里的 investdesk.db）")
    init.add_argument("--name", type=_nonempty("单位名称"), metavar="NAME", help="本单位名称（默认：将乐县招商服务中心）")
    init.add_argument("--prefix", type=_nonempty("编号前缀"), metavar="PREFIX", help="项目编号前缀，1–8 位字母或数字（默认：JL）")
    init.add_argument("--admin", type=_nonempty("管理员用户名"), metavar="NAME", help="第一位管理员的用户名；密码在终端输入，脚本可用环境变量 INVESTDESK_ADMIN_PASSWORD（不给时，第一次打开窗口时设置）")
    init.set_defaults(handler=cmd_init)

    stats = commands.add_parser("stats", help="统计一个时期的主要数字", description="统计一个时期（含首尾两天）的入库、亿元以上、开工、云签约和正在对接项目。")
    stats.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="数据库（默认：数据文件夹里的 investdesk.db；必须已存在）")
    stats.add_argument("--from", dest="date_from", type=_date_argument, metavar="DATE", help="开始日期，如 2022-01-01（默认：结束日期所在年份的 1 月 1 日）")
    stats.add_argument("--to", dest="date_to", type=_date_argument, metavar="DATE", help="结束日期，如 2022-06-30（默认：今天）")
    stats.add_argument("--json", action="store_true", help="输出一个 JSON 对象（UTF-8），金额单位为亿元；另有 leads、forums、forum_leads（期间内的线索、座谈会和会上线索数）")
    stats.set_defaults(handler=cmd_stats)

    export = commands.add_parser(
        "export", help="把项目库（可筛选）导出为 Excel",
        description="把项目库导出为 Excel（.xlsx）：标题行、表头、冻结窗格、总投资（亿元）、合计行和自动筛选。筛选条件可以组合；不加条件时导出全部项目。",
    )
    export.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="数据库（默认：数据文件夹里的 investdesk.db；必须已存在）")
    export.add_argument("--out", required=True, metavar="FILE.xlsx", help="要写入的 Excel 文件（已有时覆盖）")
    export.add_argument("--stage", type=_nonempty("阶段"), metavar="S", help="当前阶段，如 洽谈、签约、入库、在建、投产")
    export.add_argument("--industry", type=_nonempty("产业"), metavar="I", help="所属产业，如 轻合金")
    export.add_argument("--unit", type=_nonempty("责任单位"), metavar="U", help="责任单位，如 将乐经济开发区")
    export.add_argument("--township", type=_nonempty("乡镇"), metavar="T", help="所在乡镇，如 水南镇")
    export.add_argument("--status", choices=("正常", "暂缓", "终止"), metavar="S", help="状态：正常、暂缓或终止")
    export.add_argument("--band", choices=tuple(BANDS), help="金额档次：yi = 亿元以上，10yi = 10亿元以上")
    export.add_argument("--search", metavar="TEXT", help="按名称、拼音首字母、编号或投资方查找")
    export.set_defaults(handler=cmd_export)

    template = commands.add_parser(
        "template", help="生成乡镇填报用的 Excel 模板",
        description="生成乡镇、部门填报项目清单用的 Excel 模板：标准列名、下拉列表、示例行和填表说明。"
        "给出 --db 时下拉列表取自该数据库，否则用内置的默认列表。",
    )
    template.add_argument("--out", required=True, metavar="FILE.xlsx", help="要写入的模板文件（已有时覆盖）")
    template.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="取下拉列表的数据库（可不填；必须已存在）")
    template.set_defaults(handler=cmd_template)

    imports = commands.add_parser(
        "import", help="导入乡镇、部门报来的 Excel/CSV 项目清单",
        description="导入项目清单（.xlsx/.xlsm/.xls/.ods/.csv）：先检查（不写入），再把没有错误的行一次写入数据库（写入前自动备份）。"
        "读得了文件就以 0 退出，即使有些行有错误。",
    )
    imports.add_argument("file", metavar="FILE", help="要导入的文件")
    imports.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="数据库（默认：数据文件夹里的 investdesk.db；必须已存在）")
    imports.add_argument("--sheet", type=_nonempty("工作表名称"), metavar="NAME", help="要导入的工作表（默认：第一个工作表）")
    imports.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
    imports.add_argument("--on-duplicate", choices=("skip", "update"), default="skip", help="重复项目：skip 跳过（默认）或 update 更新")
    imports.add_argument("--create-missing", action="store_true", help="新建文件中出现、库里还没有的单位、乡镇和挂钩领导")
    imports.add_argument("--errors-out", metavar="PATH.xlsx", help="有问题的行另存为问题清单（.xlsx，带“问题说明”列）")
    imports.add_argument("--json", action="store_true", help="输出一个 JSON 对象（UTF-8）")
    imports.set_defaults(handler=cmd_import)
    for module in command_modules():
        module.register(commands)
    commands.metavar = "{" + ",".join(commands.choices) + "}"
    return parser


def command_modules() -> list:
    """Feature sub-commands live in `desktop/commands/*.py`, each with `register(subparsers)`.

    A module there adds its parsers with `set_defaults(handler=...)`; the handler takes the parsed
    arguments and returns an exit code, raising UserError for anything the user can fix. It may use
    this module's helpers (open_existing_database, write_utf8, say, _database_url …).
    """
    import importlib
    import pkgutil

    import desktop.commands as package

    return [importlib.import_module(f"desktop.commands.{info.name}")
            for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda info: info.name)]


def _version() -> str:
    from desktop import __version__

    return __version__


# ---------------------------------------------------------------------------------------------
# Helpers shared by the sub-commands.


def _sqlite_path(url: str) -> Path | None:
    from desktop.db import sqlite_path_from_url

    return sqlite_path_from_url(url)


def _display(url: str) -> str:
    """The database as shown to the user: the file path, or the server URL without its password."""
    path = _sqlite_path(url)
    if path is not None:
        return str(path)
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _hide_password(text: str, url) -> str:
    """Messages may quote a server URL: never show its password."""
    if not url:
        return text
    from urllib.parse import urlsplit

    try:
        password = urlsplit(str(url)).password
    except ValueError:
        return text
    return text.replace(f":{password}@", ":***@") if password else text


def _database_url(args, default: Path) -> str:
    value = getattr(args, "db", None)
    return str(value).strip() if value else str(default)


def open_existing_database(url: str) -> None:
    """Open a database that must already exist and be InvestDesk's (never create one here).

    Refuses a missing file, a folder, a file that is not SQLite, an empty or foreign SQLite file and
    a newer schema — each with a Chinese DatabaseError. An older schema is migrated (after a backup).
    """
    import peewee

    from desktop import db
    from desktop.errors import DatabaseError
    from desktop.migrations import schema_version
    from desktop.services.database import open_database

    from desktop.services.file_location import refuse_network_path

    refuse_network_path(url)
    path = _sqlite_path(url)
    shown = _display(url)
    if path is not None:
        try:
            if path.is_file() and not os.access(path, os.R_OK):
                raise DatabaseError(f"无法读取数据库文件（没有权限）：{path}")
            if path.is_file() and path.stat().st_size == 0:
                raise DatabaseError(f"不是招商工作台的数据库文件（空文件）：{path}")
            if not path.exists() and path.parent.exists() and not os.access(path.parent, os.X_OK):
                raise DatabaseError(f"无法访问文件夹（没有权限）：{path.parent}")
        except PermissionError:
            raise DatabaseError(f"无法访问数据库文件（没有权限）：{path}") from None
    try:
        db.connect(url)
        try:
            version = schema_version()
        finally:
            db.close()
    except PermissionError:
        raise DatabaseError(f"无法访问数据库文件（没有权限）：{shown}") from None
    except OSError as exc:
        raise DatabaseError(f"无法读取数据库 {shown}：{exc.strerror or exc}") from None
    except peewee.DatabaseError as exc:
        raise DatabaseError(f"不是招商工作台的数据库，或文件已损坏：{shown}（{exc}）") from None
    if version == 0:
        raise DatabaseError(f"不是招商工作台的数据库（没有版本信息，可用 init 新建）：{shown}")
    try:
        open_database(url)
    except peewee.DatabaseError as exc:
        db.close()
        raise DatabaseError(f"无法打开数据库 {shown}：{exc}") from None


# ---------------------------------------------------------------------------------------------
# Sub-commands. Each returns an exit code; a UserError raised inside is reported by main().


def cmd_demo(args) -> int:
    from desktop import config
    from desktop.services.demo import build_demo

    url = _database_url(args, config.demo_database_path())
    path = _sqlite_path(url)
    target = path if path is not None else url
    summary = build_demo(target, force=bool(args.force), progress=_console_progress("正在生成演示数据"))
    _end_progress()
    say(summary.describe())
    return EXIT_OK


def cmd_init(args) -> int:
    from desktop import config, db
    from desktop.errors import DatabaseError
    from desktop.models import LifecycleStep, Unit
    from desktop.services.database import code_prefix, init_database, installation_name

    url = _database_url(args, config.default_database_path())
    path = _sqlite_path(url)
    if path is not None and (path.exists() or path.is_dir()):
        raise DatabaseError(f"文件已存在，不会覆盖：{path}（请换一个文件名，或先把旧文件移走）")
    kwargs = {}
    if args.name:
        kwargs["name"] = args.name
    if args.prefix:
        kwargs["prefix"] = args.prefix
    admin = getattr(args, "admin", None)
    # Asked before anything is created, so a refused password leaves no half-made database.
    admin_password = _admin_password(admin) if admin else None
    try:
        init_database(url, **kwargs)
        if admin:
            from desktop.services import access, auth

            auth.create_first_admin(admin, admin_password)
            access.logout()
        steps = LifecycleStep.select().count()
        units = Unit.select().count()
        townships = Unit.select().where(Unit.kind == "乡镇").count()
        name, prefix = installation_name(), code_prefix()
    finally:
        db.close()
    say(
        f"已新建空数据库：{_display(url)}（{name}，项目编号前缀 {prefix}，"
        f"{steps} 个流程步骤，{units} 个单位，其中乡镇 {townships} 个）"
        + (f"，管理员：{admin}" if admin else "")
    )
    return EXIT_OK


ADMIN_PASSWORD_ENV = "INVESTDESK_ADMIN_PASSWORD"


def _admin_password(admin: str) -> str:
    """The first administrator's password: from the environment (scripts) or typed twice at the terminal."""
    import getpass

    from desktop.errors import UserError
    from desktop.services.auth import password_problem

    password = os.environ.get(ADMIN_PASSWORD_ENV)
    if password is None:
        if not sys.stdin or not sys.stdin.isatty():
            raise UserError(f"请在终端中运行以输入管理员“{admin}”的密码，或由脚本设置环境变量 {ADMIN_PASSWORD_ENV}")
        password = getpass.getpass(f"管理员“{admin}”的密码（至少 8 位）：")
        if getpass.getpass("再输一遍：") != password:
            raise UserError("两次输入的密码不一致，没有新建数据库")
    problem = password_problem(password)
    if problem:
        raise UserError(f"管理员密码不合要求：{problem}，没有新建数据库")
    return password


STAT_ROWS = (
    ("入库项目", "library"),
    ("  其中亿元以上", "above_yi"),
    ("  亿元以上已开工", "above_yi_started"),
    ("云签约项目", "cloud_signed"),
    ("正在对接项目", "negotiating"),
)


def cmd_stats(args) -> int:
    from desktop import config, db
    from desktop.errors import UserError
    from desktop.services.leads import lead_stats
    from desktop.services.stats import compute_stats, default_period

    default_from, default_to = default_period(dt.date.today())
    date_to = args.date_to or default_to
    # Only --to given: from 1 January of that year (so "--to 2022-06-30" means 2022 上半年).
    date_from = args.date_from or (dt.date(date_to.year, 1, 1) if args.date_to else default_from)
    if date_from > date_to:
        raise UserError(f"开始日期 {date_from.isoformat()} 晚于结束日期 {date_to.isoformat()}")
    url = _database_url(args, config.default_database_path())
    open_existing_database(url)
    try:
        figures = compute_stats(date_from, date_to)
        figures.update(lead_stats(date_from, date_to))
    finally:
        db.close()
    if args.json:
        payload = {"from": date_from.isoformat(), "to": date_to.isoformat()}
        payload.update(figures)
        write_utf8(stats_json(payload) + "\n")
    else:
        say(stats_table(figures, date_from, date_to))
    return EXIT_OK


BANDS = {"yi": "亿元以上", "10yi": "10亿元以上"}


def _check_xlsx_target(text: str) -> Path:
    from desktop.errors import UserError

    path = Path(text)
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"输出文件的扩展名应为 .xlsx：{path}")
    return path


def cmd_export(args) -> int:
    from desktop import config, db
    from desktop.errors import UserError
    from desktop.services import project_list
    from desktop.services.excel_export import check_target, export_projects
    from desktop.services.reference import list_units

    out = _check_xlsx_target(args.out)
    check_target(out)
    url = _database_url(args, config.default_database_path())
    open_existing_database(url)
    try:
        criteria = project_list.ProjectFilter(
            text=(args.search or "").strip(),
            industry=args.industry or "",
            responsible_unit=args.unit or "",
            township=args.township or "",
            status=args.status or "",
            amount_band=BANDS.get(args.band or "", ""),
        )
        if args.stage:
            phases = project_list.phase_steps()
            if args.stage not in phases:
                raise UserError(f"没有“{args.stage}”这个阶段（可选：{'、'.join(phases)}）")
            criteria.stage_phase, criteria.phase_steps = args.stage, phases
        if args.unit and args.unit not in {u.name for u in list_units(include_inactive=True)}:
            raise UserError(f"没有名为“{args.unit}”的单位")
        if args.township and args.township not in {u.name for u in list_units("乡镇", include_inactive=True)}:
            raise UserError(f"没有名为“{args.township}”的乡镇")
        rows = project_list.load_rows()
        indices = project_list.filter_indices(rows, criteria)
        count = export_projects(out, rows, indices, title="项目库", progress=_console_progress("正在导出"))
    finally:
        db.close()
    _end_progress()
    say(f"已导出 {count} 个项目到 {out}")
    return EXIT_OK


def cmd_template(args) -> int:
    from desktop import db
    from desktop.services.excel_export import check_target
    from desktop.services.excel_template import write_template

    out = _check_xlsx_target(args.out)
    check_target(out)
    url = getattr(args, "db", None)
    if url:
        url = str(url).strip()
        open_existing_database(url)
        try:
            write_template(out, lists=True)
        finally:
            db.close()
        source = f"下拉列表取自数据库 {_display(url)}"
    else:
        write_template(out)
        source = "下拉列表为内置默认值"
    say(f"已生成填报模板：{out}（{source}）")
    return EXIT_OK


def cmd_import(args) -> int:
    from desktop import config, db
    from desktop.services import excel_import  # written alongside; loaded only when importing

    errors_out = _check_xlsx_target(args.errors_out) if args.errors_out else None
    if errors_out is not None:
        from desktop.services.excel_export import check_target

        check_target(errors_out)
    url = _database_url(args, config.default_database_path())
    open_existing_database(url)
    try:
        analysis = excel_import.analyse(args.file, sheet=args.sheet, progress=_console_progress("正在检查"))
        _end_progress()
        report_written = False
        if errors_out is not None:
            # Written even without problems (headers only), so an old report at that path never
            # passes for this file's.
            excel_import.write_error_report(analysis, errors_out)
            report_written = True
        outcome = None
        if not args.dry_run:
            from desktop.services.backup import current_database_file
            from desktop.services.single_instance import wait_until_writable

            if current_database_file() is not None:
                wait_until_writable(current_database_file(), on_wait=complain)
            outcome = excel_import.commit(
                analysis, on_duplicate=args.on_duplicate, create_missing=bool(args.create_missing),
                progress=_console_progress("正在导入"),
            )
            _end_progress()
    finally:
        db.close()
    if args.json:
        write_utf8(json.dumps(_jsonable(analysis.to_json(outcome)), ensure_ascii=False, default=_json_default) + "\n")
    else:
        say(import_summary(analysis, outcome, dry_run=bool(args.dry_run), errors_out=errors_out if report_written else None))
    return EXIT_OK


IMPORT_DETAIL_LINES = 10


def import_summary(analysis, outcome, *, dry_run: bool, errors_out: Path | None = None) -> str:
    """A few Chinese lines: what was read, what was wrong, what was written."""
    def where(issue) -> str:
        row = f"第 {issue.row} 行" if issue.row else "整个文件"
        return f"{row}“{issue.column}”" if issue.column else row

    error_rows = len({issue.row for issue in analysis.errors})
    lines = [
        f"文件 {Path(str(analysis.file)).name}（工作表“{analysis.sheet}”，表头在第 {analysis.header_row} 行）："
        f"读到 {analysis.rows_read} 行，有效 {analysis.valid} 行，有错误 {error_rows} 行，"
        f"警告 {len(analysis.warnings)} 条，重复 {len(analysis.duplicates)} 行。"
    ]
    if getattr(analysis, "already_imported", False):
        lines.append("注意：这个文件以前已经导入过。")
    if dry_run or outcome is None:
        lines.append("试运行：没有写入数据库。")
    else:
        lines.append(f"已导入 {outcome.imported} 个项目，更新 {outcome.updated} 个，跳过 {outcome.skipped} 个。")
    for kind, issues in (("错误", analysis.errors), ("警告", analysis.warnings)):
        for issue in issues[:IMPORT_DETAIL_LINES]:
            lines.append(f"  {kind}：{where(issue)}：{issue.message}")
        if len(issues) > IMPORT_DETAIL_LINES:
            lines.append(f"  ……另有 {len(issues) - IMPORT_DETAIL_LINES} 条{kind}")
    if errors_out is not None:
        problems = analysis.errors or analysis.warnings or analysis.duplicates
        lines.append(f"问题清单已保存到 {errors_out}" if problems else f"没有发现问题；问题清单（只有表头）已保存到 {errors_out}")
    return "\n".join(lines)


def _json_default(value):
    if isinstance(value, Decimal):
        # Exact for the 2-decimal 亿元 amounts: float's repr is the shortest text that round-trips,
        # so Decimal("104.64") is written 104.64 and Decimal("25.70") as 25.7.
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return _json_default(value)
    return value


def stats_json(payload: dict) -> str:
    """One JSON object, UTF-8 text (not \\u escapes), amounts as JSON numbers."""
    return json.dumps(_jsonable(payload), ensure_ascii=False, default=_json_default)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    gap = " " * max(width - _width(text), 0)
    return gap + text if right else text + gap


def stats_table(figures: dict, date_from: dt.date, date_to: dt.date) -> str:
    from desktop.services.dates import format_date_long

    lines = [f"统计期间：{format_date_long(date_from)} 至 {format_date_long(date_to)}（含首尾两天）"]
    header = _pad("项目", 18) + _pad("个数", 8, right=True) + _pad("总投资（亿元）", 18, right=True)
    lines.append(header)
    lines.append("-" * _width(header))
    for label, key in STAT_ROWS:
        count = figures.get(f"{key}_projects")
        amount = figures.get(f"{key}_investment_yi")
        if count is None:
            continue
        amount_text = f"{Decimal(amount):,.2f}" if amount is not None else ""
        lines.append(_pad(label, 18) + _pad(str(count), 8, right=True) + _pad(amount_text, 18, right=True))
    if "leads" in figures:
        lines.append("")
        lines.append(f"线索 {figures['leads']} 条；座谈会等活动 {figures['forums']} 场，会上收集线索 {figures['forum_leads']} 条")
    return "\n".join(lines)


_progress_shown = False


def _console_progress(label: str):
    """A progress(done, total) callable that draws a percentage on an interactive stderr."""
    stream = sys.stderr
    interactive = stream is not None and hasattr(stream, "isatty") and stream.isatty()

    def progress(done: int, total: int) -> bool:
        global _progress_shown
        if interactive and total:
            _progress_shown = True
            try:
                stream.write(f"\r{label}……{min(100, int(done * 100 / total)):3d}%")
                stream.flush()
            except (OSError, ValueError):
                pass
        return True

    return progress


def _end_progress() -> None:
    global _progress_shown
    if _progress_shown:
        _write_line(sys.stderr, "")
        _progress_shown = False


def run_window(args) -> int:
    from desktop.app import run_gui  # PySide6 is imported only here

    db_path = None
    if args.db:
        path = _sqlite_path(str(args.db))
        db_path = path if path is not None else str(args.db)
    return int(run_gui(db_path, bool(args.demo)) or 0)


def run_selftest(args) -> int:
    from desktop.selftest import run_selftest as selftest

    return selftest(say)


# ---------------------------------------------------------------------------------------------


def _log_bug(argv: list[str], exc: BaseException, *, hide=None) -> Path | None:
    """Append the traceback to the log file; returns its path (None when nothing can be written)."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    stamp = dt.datetime.now().isoformat(sep=" ", timespec="seconds")
    entry = _hide_password(f"{stamp} ERROR desktop.cli: 命令 {PROG} {' '.join(argv)} 出错：\n{text}\n", hide)
    candidates = []
    try:
        from desktop import config

        candidates.append(lambda: config.log_dir() / "investdesk.log")
    except Exception:  # noqa: BLE001 - the log must not fail in turn
        pass
    import tempfile

    candidates.append(lambda: Path(tempfile.gettempdir()) / "investdesk-error.log")
    for make_path in candidates:
        try:
            log_file = make_path()
            with open(log_file, "a", encoding="utf-8") as fh:
                fh.write(entry)
            return log_file
        except Exception:  # noqa: BLE001
            continue
    return None


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the exit code.

    --help, --version and bad arguments end through argparse with SystemExit (0, 0 and 2).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.selftest:
        if args.command is not None or args.demo or args.db:
            parser.error("--selftest 不能与其他参数同时使用")
        handler = run_selftest
    elif args.command is None:
        if args.demo and args.db:
            parser.error("--demo 打开演示数据库，不能同时用 --db 指定数据库")
        handler = run_window
    else:
        if args.demo:
            parser.error(f"--demo 只用于打开窗口；生成演示数据请用 {PROG} demo")
        handler = args.handler

    from desktop.errors import UserError

    try:
        return handler(args)
    except UserError as exc:
        _end_progress()
        complain(_hide_password(f"错误：{exc}", getattr(args, "db", None)))
        if handler is run_window:
            _tell_in_a_window(_hide_password(str(exc), getattr(args, "db", None)))
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        _end_progress()
        complain("已中断。")
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: keep the traceback out of the user's face, in the log
        _end_progress()
        log_file = _log_bug(argv, exc, hide=getattr(args, "db", None))
        from desktop.errors import database_failure_message

        told = database_failure_message(exc)
        if told is not None:  # a full disk, a locked file, a lost server: what to do, not a bug report
            complain(f"错误：{told}")
            if handler is run_window:
                _tell_in_a_window(told)
            return EXIT_USER_ERROR
        where = f"详细信息已写入日志：{log_file}" if log_file else "且无法写入日志文件"
        complain(_hide_password(f"错误：程序内部错误（{type(exc).__name__}：{exc}），{where}，请把日志发给维护人员。", getattr(args, "db", None)))
        if handler is run_window:
            from desktop.app import internal_error_text

            _tell_in_a_window(_hide_password(internal_error_text(exc, log_file), getattr(args, "db", None)))
        return EXIT_BUG


def _tell_in_a_window(text: str) -> None:
    """The windowed program has no console: why it could not start goes into a dialog as well."""
    try:
        from desktop.app import show_fatal_error

        show_fatal_error(text)
    except Exception:  # noqa: BLE001 - no display, no Qt: the message is already on stderr and in the log
        import logging

        logging.getLogger(__name__).exception("could not show the start-up error")
