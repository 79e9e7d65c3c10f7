"""`backup`, `check` and `restore` on the command line."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from decimal import Decimal

from desktop import db
from desktop.cli import main


def _names(path) -> list[str]:
    with closing(sqlite3.connect(path)) as raw:
        return [row[0] for row in raw.execute("SELECT name FROM project ORDER BY id")]


def _add(name: str, code: str) -> None:
    from desktop.services import projects

    projects.create_project({"name": name, "code": code, "total_investment": Decimal(10)})


def test_backup_list_export_check_and_restore(fresh_db, tmp_path, capsys):
    _add("第一个项目", "JL-2022-0001")
    db.close()

    assert main(["backup", "--db", str(fresh_db)]) == 0
    out = capsys.readouterr().out
    assert "已备份到：" in out
    [copy] = (fresh_db.parent / "backups").glob("investdesk-manual-*.db")
    assert _names(copy) == ["第一个项目"]

    stick = tmp_path / "U盘"
    stick.mkdir()
    assert main(["backup", "--db", str(fresh_db), "--out", str(stick)]) == 0
    [exported] = stick.glob("将乐县招商服务中心-*.db")
    assert "已导出备份" in capsys.readouterr().out

    assert main(["backup", "--db", str(fresh_db), "--list"]) == 0
    listed = capsys.readouterr().out
    assert "手动备份" in listed and copy.name in listed

    assert main(["check", "--db", str(fresh_db)]) == 0
    assert "数据库正常，没有发现问题" in capsys.readouterr().out

    from desktop.services.database import open_database

    open_database(fresh_db)
    _add("恢复后应消失", "JL-2022-0002")
    db.close()

    assert main(["restore", "--db", str(fresh_db), str(exported)]) == 1  # not without --yes
    assert "确认恢复请加 --yes" in capsys.readouterr().out
    assert _names(fresh_db) == ["第一个项目", "恢复后应消失"]

    assert main(["restore", "--db", str(fresh_db), str(exported), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "已从备份恢复" in out and "before-restore" in out
    assert _names(fresh_db) == ["第一个项目"]


def test_check_reports_a_problem_with_exit_code_1(fresh_db, capsys):
    from desktop.db import database

    _add("阶段不对", "JL-2022-0001")
    database.execute_sql("UPDATE project SET stage_no = 7")
    db.close()
    assert main(["check", "--db", str(fresh_db), "--no-fix"]) == 1
    out = capsys.readouterr().out
    assert "需要人工处理" in out and "阶段不对" in out
    assert main(["check", "--db", str(fresh_db)]) == 0
    assert "发现并已修复" in capsys.readouterr().out


def test_restore_refuses_a_file_that_is_not_a_backup(fresh_db, tmp_path, capsys):
    db.close()
    other = tmp_path / "随便.db"
    other.write_text("hello", encoding="utf-8")
    assert main(["restore", "--db", str(fresh_db), str(other), "--yes"]) == 1
    assert "不是 SQLite" in capsys.readouterr().err
