"""`python -m desktop …` as a user runs it: a subprocess, Chinese one-line errors, never a traceback."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest

from tests.small_library import build_small_library

ROOT = Path(__file__).resolve().parents[2]
D = dt.date


def run_cli(*args: str, data_dir: Path, extra_env: dict | None = None, wrapper: list[str] | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["INVESTDESK_DATA_DIR"] = str(data_dir)
    env.update(extra_env or {})
    result = subprocess.run(
        [*(wrapper or []), sys.executable, "-m", "desktop", *args],
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    result.out = result.stdout.decode("utf-8")
    result.err = result.stderr.decode("utf-8")
    return result


def assert_one_chinese_line(result, *fragments: str) -> None:
    assert "Traceback" not in result.err, result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("错误："), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture
def data_dir(isolated_data_dir):
    return isolated_data_dir


@pytest.fixture
def small_db(tmp_path):
    """A database with a handful of projects whose figures for 2022-01-01…2022-06-30 are known."""
    from desktop import db
    from desktop.services.database import init_database

    path = tmp_path / "小库 2022.db"
    init_database(path)
    build_small_library(D(2022, 8, 31))
    db.close()
    return path


EXPECTED_SMALL = {
    "from": "2022-01-01",
    "to": "2022-06-30",
    "library_projects": 3,
    "library_investment_yi": 3.0,
    "above_yi_projects": 2,
    "above_yi_investment_yi": 2.5,
    "above_yi_started_projects": 1,
    "above_yi_started_investment_yi": 1.5,
    "cloud_signed_projects": 1,
    "cloud_signed_investment_yi": 2.0,
    "negotiating_projects": 2,
    "negotiating_investment_yi": 2.0,
}


# --- init -----------------------------------------------------------------------------------------


def test_init_makes_an_empty_database(tmp_path, data_dir):
    target = tmp_path / "招商 数据" / "新库.db"
    target.parent.mkdir()
    result = run_cli("init", "--db", str(target), data_dir=data_dir)
    assert result.returncode == 0, result.err
    assert result.err == ""
    lines = result.out.strip().splitlines()
    assert len(lines) == 1
    assert "已新建空数据库" in lines[0] and str(target) in lines[0]
    assert "23 个流程步骤" in lines[0]
    with closing(sqlite3.connect(target)) as raw:
        assert raw.execute("SELECT COUNT(*) FROM lifecycle_step").fetchone()[0] == 23
        assert raw.execute("SELECT COUNT(*) FROM unit WHERE kind = '乡镇'").fetchone()[0] == 13
        assert raw.execute("SELECT COUNT(*) FROM project").fetchone()[0] == 0


def test_init_with_name_and_prefix(tmp_path, data_dir):
    target = tmp_path / "sn.db"
    result = run_cli("init", "--db", f"sqlite:///{target}", "--name", "水南镇人民政府", "--prefix", "SN", data_dir=data_dir)
    assert result.returncode == 0, result.err
    assert "水南镇人民政府" in result.out and "SN" in result.out
    with closing(sqlite3.connect(target)) as raw:
        settings = dict(raw.execute("SELECT key, value FROM setting").fetchall())
    assert settings["code_prefix"] == "SN"
    assert settings["installation_name"] == "水南镇人民政府"


def test_init_defaults_to_the_data_folder(data_dir):
    result = run_cli("init", data_dir=data_dir)
    assert result.returncode == 0, result.err
    assert (data_dir / "investdesk.db").exists()


def test_init_refuses_an_existing_file(tmp_path, data_dir):
    target = tmp_path / "已有.db"
    assert run_cli("init", "--db", str(target), data_dir=data_dir).returncode == 0
    before = target.read_bytes()
    result = run_cli("init", "--db", str(target), data_dir=data_dir)
    assert result.returncode == 1
    assert_one_chinese_line(result, "已存在", str(target))
    assert result.out == ""
    assert target.read_bytes() == before


def test_init_refuses_a_bad_prefix(tmp_path, data_dir):
    result = run_cli("init", "--db", str(tmp_path / "x.db"), "--prefix", "招商", data_dir=data_dir)
    assert result.returncode == 1
    assert_one_chinese_line(result, "前缀")
    assert not (tmp_path / "x.db").exists()


# --- stats ----------------------------------------------------------------------------------------


def test_stats_json_on_a_small_database(small_db, data_dir):
    result = run_cli("stats", "--db", str(small_db), "--from", "2022-01-01", "--to", "2022-06-30", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.err
    assert result.err == ""
    assert len(result.out.strip().splitlines()) == 1
    figures = json.loads(result.stdout.decode("utf-8"))
    for key, value in EXPECTED_SMALL.items():
        assert figures[key] == value, key
    # Amounts are JSON numbers, counts integers.
    assert isinstance(figures["library_investment_yi"], float)
    assert isinstance(figures["library_projects"], int)


def test_stats_accepts_other_date_forms_and_periods(small_db, data_dir):
    result = run_cli("stats", "--db", str(small_db), "--from", "2022年7月1日", "--to", "2022/7/31", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.err
    figures = json.loads(result.stdout)
    assert (figures["from"], figures["to"]) == ("2022-07-01", "2022-07-31")
    assert figures["library_projects"] == 1  # 居然之家, 1 July
    assert figures["library_investment_yi"] == 3.0


def test_stats_defaults_to_this_year(small_db, data_dir):
    result = run_cli("stats", "--db", str(small_db), "--json", data_dir=data_dir)
    assert result.returncode == 0, result.err
    figures = json.loads(result.stdout)
    today = dt.date.today()
    assert figures["from"] == f"{today.year}-01-01"
    assert figures["to"] == today.isoformat()


def test_stats_with_only_an_end_date_starts_on_1_january_of_that_year(small_db, data_dir):
    result = run_cli("stats", "--db", str(small_db), "--to", "2022-06-30", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.err
    figures = json.loads(result.stdout)
    assert (figures["from"], figures["to"]) == ("2022-01-01", "2022-06-30")
    assert figures["library_projects"] == 3


def test_stats_as_a_chinese_table(small_db, data_dir):
    result = run_cli("stats", "--db", str(small_db), "--from", "2022-01-01", "--to", "2022-06-30", data_dir=data_dir)
    assert result.returncode == 0, result.err
    text = result.out
    assert "2022年1月1日" in text and "2022年6月30日" in text
    assert "亿元" in text
    lines = {line.split()[0]: line.split()[1:] for line in text.splitlines() if line.strip() and line.split()[0] in ("入库项目", "云签约项目", "正在对接项目")}
    assert lines["入库项目"] == ["3", "3.00"]
    assert lines["云签约项目"] == ["1", "2.00"]
    assert lines["正在对接项目"] == ["2", "2.00"]


def test_stats_json_is_utf8_whatever_the_console_encoding(small_db, data_dir):
    result = run_cli(
        "stats", "--db", str(small_db), "--from", "2022-01-01", "--to", "2022-06-30", "--json",
        data_dir=data_dir, extra_env={"PYTHONIOENCODING": "gbk"},
    )
    assert result.returncode == 0, result.stderr.decode("gbk", errors="replace")
    assert json.loads(result.stdout.decode("utf-8"))["library_projects"] == 3


def test_stats_does_not_create_a_missing_database(tmp_path, data_dir):
    target = tmp_path / "没有的库.db"
    result = run_cli("stats", "--db", str(target), "--json", data_dir=data_dir)
    assert result.returncode == 1
    assert_one_chinese_line(result, "不存在", str(target))
    assert result.out == ""
    assert not target.exists()


def test_stats_refuses_a_missing_folder(tmp_path, data_dir):
    result = run_cli("stats", "--db", str(tmp_path / "没有" / "x.db"), data_dir=data_dir)
    assert result.returncode == 1
    assert_one_chinese_line(result, "不存在")


def test_stats_refuses_a_folder(tmp_path, data_dir):
    result = run_cli("stats", "--db", str(tmp_path), data_dir=data_dir)
    assert result.returncode == 1
    assert_one_chinese_line(result, "文件夹")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("项目名称,总投资\n富远,15亿\n".encode("utf-8"), "不是"),
        (b"PK\x03\x04" + bytes(200), "不是"),
        (b"", "空文件"),
    ],
    ids=["text", "zip", "empty"],
)
def test_stats_refuses_a_file_that_is_not_a_database(tmp_path, data_dir, content, fragment):
    target = tmp_path / "项目表.db"
    target.write_bytes(content)
    result = run_cli("stats", "--db", str(target), data_dir=data_dir)
    assert result.returncode == 1
    assert_one_chinese_line(result, fragment)
    assert target.read_bytes() == content


def test_stats_refuses_a_sqlite_file_of_another_program(tmp_path, data_dir):
    target = tmp_path / "other.db"
    with closing(sqlite3.connect(target)) as raw:
        raw.execute("CREATE TABLE contacts (name TEXT)")
        raw.commit()
    result = run_cli("stats", "--db", str(target), data_dir=data_dir)
    assert result.returncode == 1
    assert_one_chinese_line(result, "不是招商工作台的数据库")
    with closing(sqlite3.connect(target)) as raw:
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"contacts"}


def test_stats_refuses_a_newer_database(small_db, data_dir):
    from desktop.migrations import CURRENT_VERSION

    with closing(sqlite3.connect(small_db)) as raw:
        raw.execute("INSERT INTO schema_info (version, applied_at) VALUES (?, '2099-01-01')", (CURRENT_VERSION + 1,))
        raw.commit()
    result = run_cli("stats", "--db", str(small_db), "--json", data_dir=data_dir)
    assert result.returncode == 1
    assert_one_chinese_line(result, "较新版本")
    assert result.out == ""


def _without_root_powers() -> list[str] | None:
    """A command prefix under which file permissions apply to us (root ignores them), or None."""
    if not hasattr(os, "geteuid"):
        return None
    if os.geteuid() != 0:
        return []
    import shutil

    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}"]


@pytest.mark.parametrize("locked", ["folder", "file"])
def test_stats_refuses_an_unreadable_folder_or_file(small_db, data_dir, locked):
    wrapper = _without_root_powers()
    if wrapper is None:
        pytest.skip("cannot drop the power to read any file here")
    target = small_db.parent if locked == "folder" else small_db
    target.chmod(0)
    try:
        result = run_cli("stats", "--db", str(small_db), data_dir=data_dir, wrapper=wrapper)
    finally:
        target.chmod(0o755 if locked == "folder" else 0o644)
    assert result.returncode == 1, result.err
    assert_one_chinese_line(result, str(small_db))
    assert "没有权限" in result.err


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--from", "2022-13-01"], "2022-13-01"),
        (["--from", "去年"], "去年"),
        (["--to", "2022-02-30"], "2022-02-30"),
        (["--from"], "--from"),
    ],
)
def test_stats_refuses_a_bad_date(small_db, data_dir, args, fragment):
    result = run_cli("stats", "--db", str(small_db), *args, data_dir=data_dir)
    assert result.returncode == 2
    assert_one_chinese_line(result, fragment)
    assert result.out == ""


def test_stats_refuses_a_period_that_ends_before_it_starts(small_db, data_dir):
    result = run_cli("stats", "--db", str(small_db), "--from", "2022-07-01", "--to", "2022-06-30", data_dir=data_dir)
    assert result.returncode != 0
    assert_one_chinese_line(result, "2022-07-01", "2022-06-30")


# --- arguments ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--foo"], "无法识别的参数 --foo"),
        (["stats", "--foo"], "无法识别的参数 --foo"),
        (["init", "--db"], "--db"),
        (["export"], "export"),
        (["stats", "--demo"], "--demo"),
        (["--demo", "--db", "x.db"], "--demo"),
    ],
)
def test_bad_arguments_give_one_chinese_line_and_exit_2(data_dir, args, fragment):
    result = run_cli(*args, data_dir=data_dir)
    assert result.returncode == 2
    assert_one_chinese_line(result, fragment)
    assert "--help" in result.err


def test_help_is_chinese(data_dir):
    result = run_cli("--help", data_dir=data_dir)
    assert result.returncode == 0
    assert "用法" in result.out
    for command in ("demo", "init", "stats"):
        assert command in result.out
    stats_help = run_cli("stats", "--help", data_dir=data_dir)
    assert stats_help.returncode == 0
    assert "--json" in stats_help.out and "开始日期" in stats_help.out


def test_sub_commands_do_not_load_qt(tmp_path, data_dir):
    script = (
        "import sys\n"
        "from desktop.__main__ import main\n"
        f"code = main(['init', '--db', {str(tmp_path / 'q.db')!r}])\n"
        "assert code == 0, code\n"
        f"code = main(['stats', '--db', {str(tmp_path / 'q.db')!r}, '--json'])\n"
        "assert code == 0, code\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
        "assert not loaded, loaded\n"
    )
    env = dict(os.environ, INVESTDESK_DATA_DIR=str(data_dir))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr.decode("utf-8", errors="replace")


# --- bugs are logged, not shown as a traceback ------------------------------------------------------


def test_an_unexpected_error_is_logged_and_exits_3(small_db, data_dir, monkeypatch, capsys):
    from desktop import cli
    from desktop.services import stats

    def broken(date_from, date_to):
        raise RuntimeError("模拟的程序错误")

    monkeypatch.setattr(stats, "compute_stats", broken)
    code = cli.main(["stats", "--db", str(small_db), "--json"])
    captured = capsys.readouterr()
    assert code == 3
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err
    assert "程序内部错误" in lines[0]
    log_file = data_dir / "logs" / "investdesk.log"
    assert str(log_file) in lines[0]
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback" in logged and "模拟的程序错误" in logged and "RuntimeError" in logged
    from desktop import db

    db.close()


def test_user_errors_in_process_return_1(tmp_path, capsys):
    from desktop import cli

    assert cli.main(["stats", "--db", str(tmp_path / "none.db")]) == 1
    assert "不存在" in capsys.readouterr().err


def test_the_json_writer_keeps_amounts_exact():
    from desktop.cli import stats_json

    text = stats_json({"a": Decimal("104.64"), "b": Decimal("25.70"), "c": Decimal("109.00"), "d": 60, "名称": "将乐"})
    assert text == '{"a": 104.64, "b": 25.7, "c": 109.0, "d": 60, "名称": "将乐"}'
    assert json.loads(text, parse_float=Decimal)["a"] == Decimal("104.64")


# --- the demo through the CLI: the article's figures ------------------------------------------------


def test_demo_gives_the_reference_figures(tmp_path, data_dir):
    target = tmp_path / "演示.db"
    made = run_cli("demo", "--db", str(target), data_dir=data_dir)
    assert made.returncode == 0, made.err
    assert len(made.out.strip().splitlines()) == 1
    assert target.exists()

    result = run_cli("stats", "--db", str(target), "--from", "2022-01-01", "--to", "2022-06-30", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.err
    figures = json.loads(result.stdout, parse_float=Decimal)
    assert figures["library_projects"] == 60
    assert figures["library_investment_yi"] == Decimal("104.64")
    assert figures["above_yi_projects"] == 47
    assert figures["above_yi_investment_yi"] == Decimal("97.79")
    assert figures["above_yi_started_projects"] == 14
    assert figures["above_yi_started_investment_yi"] == Decimal("27.04")
    assert figures["cloud_signed_projects"] == 12
    assert figures["cloud_signed_investment_yi"] == Decimal("25.70")
    assert figures["negotiating_projects"] == 72
    assert figures["negotiating_investment_yi"] == Decimal("109.00")

    refused = run_cli("demo", "--db", str(target), data_dir=data_dir)
    assert refused.returncode == 1
    assert_one_chinese_line(refused, "已存在")

    rebuilt = run_cli("demo", "--db", str(target), "--force", data_dir=data_dir)
    assert rebuilt.returncode == 0, rebuilt.err


def test_demo_defaults_to_demo_db_in_the_data_folder(data_dir):
    result = run_cli("demo", data_dir=data_dir)
    assert result.returncode == 0, result.err
    assert (data_dir / "demo.db").exists()
    assert not (data_dir / "investdesk.db").exists()


@pytest.mark.postgres  # needs the server extra (psycopg), which CI installs for its PostgreSQL run
def test_a_server_that_cannot_be_reached_is_one_line_without_the_password(data_dir):
    pytest.importorskip("psycopg", reason="the server extra is not installed")
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_cli("stats", "--db", f"postgresql://investdesk:geheim123@127.0.0.1:{port}/investdesk", data_dir=data_dir)
    assert result.returncode == 1
    assert_one_chinese_line(result, "无法打开数据库")
    assert "geheim123" not in result.err


# --- the windowed program has no console: start-up failures also show a dialog ---------------------


def test_a_window_that_cannot_start_says_why_in_a_dialog(data_dir, monkeypatch):
    from desktop import app, cli
    from desktop.errors import UserError

    shown = []
    monkeypatch.setattr(app, "show_fatal_error", shown.append)
    monkeypatch.setattr(sys, "stderr", None)  # as in the windowed build

    def broken(db_path, demo):
        raise RuntimeError("迁移时出错")

    monkeypatch.setattr(app, "run_gui", broken)
    assert cli.main([]) == 3
    assert "程序出现内部错误：迁移时出错" in shown[0] and str(data_dir / "logs" / "investdesk.log") in shown[0]

    def refused(db_path, demo):
        raise UserError("数据库文件在网络驱动器上，请改用服务器模式")

    monkeypatch.setattr(app, "run_gui", refused)
    assert cli.main(["--db", "x.db"]) == 1
    assert shown[1] == "数据库文件在网络驱动器上，请改用服务器模式"


def test_command_line_errors_stay_on_the_console(data_dir, monkeypatch, tmp_path, capsys):
    from desktop import app, cli

    shown = []
    monkeypatch.setattr(app, "show_fatal_error", shown.append)
    assert cli.main(["stats", "--db", str(tmp_path / "none.db")]) == 1
    assert shown == [] and "不存在" in capsys.readouterr().err


def test_text_output_is_utf8_in_a_c_locale_or_a_gbk_console(data_dir, tmp_path):
    # (In the C locale a Chinese file name arrives already mangled in argv: an ASCII one there.)
    for env, name in (({"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}, "none.db"),
                      ({"PYTHONIOENCODING": "gbk"}, "没有的库.db")):
        shown = run_cli("--help", data_dir=data_dir, extra_env=env)
        assert shown.returncode == 0 and "打开演示数据库" in shown.out
        refused = run_cli("stats", "--db", str(tmp_path / name), data_dir=data_dir, extra_env=env)
        assert_one_chinese_line(refused, "不存在", name)


def test_a_locked_database_is_a_chinese_sentence_not_a_bug_report(data_dir, monkeypatch, tmp_path, capsys):
    import sqlite3

    from desktop import cli

    def locked(args):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(cli, "cmd_stats", locked)
    assert cli.main(["stats", "--db", str(tmp_path / "x.db")]) == 1  # a user error, not 3 (a bug)
    err = capsys.readouterr().err
    assert "数据库正被另一个程序写入" in err and "内部错误" not in err
