"""检查数据库: a sound database is reported sound; wrong caches and dangling references are repaired
after a backup; a damaged file is reported for a person, never 'repaired'."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from contextlib import closing
from decimal import Decimal

from desktop import db
from desktop.db import database
from desktop.services.integrity import check_database

D = dt.date
TODAY = D(2022, 8, 31)


def _project(name: str, code: str, steps: int = 0) -> int:
    from desktop.services import lifecycle, projects

    pid = projects.create_project({"name": name, "code": code, "total_investment": Decimal(1000)}, today=TODAY)
    for number in range(1, steps + 1):
        lifecycle.record_step(pid, number, D(2022, 1, number), today=TODAY)
    return pid


def test_a_sound_database_is_reported_sound_and_tidied(fresh_db):
    _project("正常项目", "JL-2022-0001", steps=10)
    report = check_database()
    assert report.healthy and not report.fixed
    text = report.text()
    assert "数据库正常，没有发现问题" in text
    assert "完整性检查" in text and "外键" in text and "项目阶段" in text
    assert "VACUUM" in text and "ANALYZE" in text
    assert not (fresh_db.parent / "backups").exists()  # nothing to repair, nothing backed up
    with closing(sqlite3.connect(fresh_db)) as raw:
        assert raw.execute("SELECT COUNT(*) FROM sqlite_stat1").fetchone()[0] > 0  # ANALYZE ran


def test_wrong_stage_and_status_caches_are_recomputed_after_a_backup(fresh_db):
    from desktop.models import Project
    from desktop.services import projects

    good = _project("阶段正确", "JL-2022-0001", steps=9)
    wrong = _project("阶段被改乱", "JL-2022-0002", steps=19)
    paused = _project("暂缓项目", "JL-2022-0003", steps=3)
    projects.change_status(paused, "暂缓", D(2022, 7, 1), today=TODAY)
    # Someone edited the file with another tool: the caches no longer follow the records.
    database.execute_sql("UPDATE project SET stage_no = 5, started_on = NULL WHERE id = ?", (wrong,))
    database.execute_sql("UPDATE project SET status = '正常' WHERE id = ?", (paused,))

    report = check_database()
    assert report.healthy
    assert len(report.fixed) == 2
    text = report.text()
    assert "JL-2022-0002 阶段被改乱" in text and "已按流程记录重新计算" in text
    assert "JL-2022-0003 暂缓项目" in text and "已按最近一次变更记录改正" in text
    row = Project.get_by_id(wrong)
    assert (row.stage_no, row.started_on) == (19, D(2022, 1, 19))
    assert Project.get_by_id(paused).status == "暂缓"
    assert Project.get_by_id(good).stage_no == 9
    # The repairs came after a backup that still holds the wrong values.
    assert "修复前已备份到" in text
    [copy] = list((fresh_db.parent / "backups").glob("investdesk-before-check-*.db"))
    with closing(sqlite3.connect(copy)) as raw:
        assert raw.execute("SELECT stage_no FROM project WHERE id = ?", (wrong,)).fetchone()[0] == 5

    again = check_database()
    assert not again.fixed and again.healthy


def test_check_without_fixing_only_reports(fresh_db):
    from desktop.models import Project

    pid = _project("只报告", "JL-2022-0001", steps=4)
    database.execute_sql("UPDATE project SET stage_no = 0 WHERE id = ?", (pid,))
    report = check_database(fix=False)
    assert not report.healthy and "未修复" in report.text()
    assert Project.get_by_id(pid).stage_no == 0


def test_dangling_references_follow_the_schemas_delete_rules(fresh_db):
    from desktop.models import Project, StepRecord, Unit

    pid = _project("引用已删除单位", "JL-2022-0001", steps=2)
    gone = Unit.create(name="已撤销的单位", kind="部门")
    Project.update(responsible_unit=gone.id).where(Project.id == pid).execute()
    orphan = _project("将被硬删的项目", "JL-2022-0002", steps=3)
    # Deleted behind the program's back with foreign keys off (as another tool might).
    database.execute_sql("PRAGMA foreign_keys = OFF")
    database.execute_sql("DELETE FROM unit WHERE id = ?", (gone.id,))
    database.execute_sql("DELETE FROM project WHERE id = ?", (orphan,))
    database.execute_sql("PRAGMA foreign_keys = ON")
    assert database.execute_sql("PRAGMA foreign_key_check").fetchall()

    report = check_database()
    text = report.text()
    assert "已按规则清空该引用" in text and "一并删除" in text
    assert Project.get_by_id(pid).responsible_unit_id is None
    assert StepRecord.select().where(StepRecord.project == orphan).count() == 0
    assert database.execute_sql("PRAGMA foreign_key_check").fetchall() == []


def test_a_damaged_file_is_left_for_a_person_and_points_to_restore(tmp_path):
    from desktop.services.database import init_database, open_database

    path = tmp_path / "损坏" / "investdesk.db"
    path.parent.mkdir()
    init_database(path)
    from desktop.services import projects

    for n in range(1, 400):
        projects.create_project({"name": f"项目{n}" * 5, "code": f"JL-2022-{n:04d}", "total_investment": Decimal(n)})
    db.close()
    with closing(sqlite3.connect(path)) as raw:
        raw.execute("PRAGMA journal_mode=DELETE")
        root = raw.execute("SELECT rootpage FROM sqlite_master WHERE name = 'project_name_norm'").fetchone()[0]
        page_size = raw.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start + 8:start + 200] = bytes(range(192))  # scribble over an index page's cell pointers
    path.write_bytes(bytes(data))

    open_database(path)
    report = check_database()
    assert not report.healthy
    text = report.text()
    assert "数据库文件有损坏" in text and "从备份恢复" in text
    assert "VACUUM" not in text  # a damaged file is not rewritten
    db.close()


def test_more_than_one_team_for_a_project_needs_a_person(fresh_db):
    import pytest

    team = pytest.importorskip("desktop.models.team")
    pid = _project("两个专班", "JL-2022-0001")
    other = _project("一个专班", "JL-2022-0002")
    table = team.Team._meta.table_name
    # The unique key normally refuses a second team; a file edited elsewhere may lack it.
    database.execute_sql(f'DROP INDEX IF EXISTS "{table}_project_id"')
    for project in (pid, pid, other):
        database.execute_sql(
            f'INSERT INTO "{table}" (uuid, updated_at, project_id, policy_text, created_at) VALUES (?, ?, ?, ?, ?)',
            (uuid.uuid4().hex, "2022-08-25 10:00:00", project, "", "2022-08-25 10:00:00"),
        )
    report = check_database()
    assert not report.healthy
    assert "1 个项目有不止一个专班：两个专班（2 个）" in report.text()
