"""A process killed (SIGKILL) in the middle of an import or a bulk edit leaves a database that opens,
passes integrity_check and holds all or none of that work."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.fixtures_excel import HEADER, write_xlsx

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

ROOT = Path(__file__).resolve().parents[2]
ROWS = 2500

# Imports the sheet; when the progress callback reports that more than 1000 projects are written
# (still inside the import's transaction) it says so and waits to be killed.
IMPORT = """
import sys, time
from desktop.services.database import open_database
from desktop.services import excel_import
open_database(sys.argv[1])
analysis = excel_import.analyse(sys.argv[2])
assert analysis.valid == int(sys.argv[3]), analysis.valid
stop_inside = sys.argv[4] == "inside"
total = len(analysis.rows)

def progress(done, all_):
    if stop_inside and total + 1000 <= done < all_:
        print("inside", flush=True)
        time.sleep(120)
    return True

print("committing", flush=True)
excel_import.commit(analysis, progress=progress)
print("done", flush=True)
time.sleep(120)
"""

BULK_EDIT = """
import sys, time
from desktop.db import database
from desktop.models import Project
from desktop.services import projects
from desktop.services.database import open_database
open_database(sys.argv[1])
ids = [p.id for p in Project.select(Project.id).order_by(Project.id)]
print("editing", flush=True)
with database.atomic():
    for n, pid in enumerate(ids, 1):
        values = projects.project_values(pid)
        values["remarks"] = "批量修改"
        projects.update_project(pid, values)
        if n == len(ids) // 2:
            print("halfway", flush=True)
            time.sleep(120)
print("done", flush=True)
time.sleep(120)
"""


def _sheet(path: Path) -> Path:
    rows = [HEADER]
    for n in range(1, ROWS + 1):
        rows.append([n, f"崩溃测试项目{n}", f"崩溃测试企业{n}", 1000 + n, None, None, "签约", "2022-05-18", None,
                     "县商务局", "水南镇", "轻合金", "", ""])
    return write_xlsx(path, rows)


def _start(code: str, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL, text=True, encoding="utf-8",
    )


def _wait_for(proc: subprocess.Popen, word: str) -> None:
    line = proc.stdout.readline().strip()
    while line and line != word:
        line = proc.stdout.readline().strip()
    if line != word:
        proc.kill()
        _out, err = proc.communicate(timeout=30)
        raise AssertionError(f"the child never said {word!r}: {err}")


def _kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)  # also closes the pipes
    assert proc.returncode == -signal.SIGKILL


def _state(path: Path) -> tuple[str, int, int]:
    """After the crash, as the next start would see it: integrity, projects, step records."""
    with closing(sqlite3.connect(path)) as raw:
        check = raw.execute("PRAGMA integrity_check").fetchone()[0]
        projects = raw.execute("SELECT COUNT(*) FROM project").fetchone()[0]
        steps = raw.execute("SELECT COUNT(*) FROM step_record").fetchone()[0]
    return check, projects, steps


def _opens_with_the_program(path: Path) -> int:
    from desktop import db
    from desktop.models import Project
    from desktop.services.database import open_database

    open_database(path)
    try:
        return Project.select().count()
    finally:
        db.close()


@pytest.fixture
def closed_db(fresh_db):
    from desktop import db

    db.close()
    return fresh_db


def test_an_import_killed_inside_its_transaction_leaves_none_of_it(closed_db, tmp_path):
    sheet = _sheet(tmp_path / "导入.xlsx")
    child = _start(IMPORT, closed_db, sheet, ROWS, "inside")
    _wait_for(child, "inside")
    with closing(sqlite3.connect(closed_db)) as raw:  # the transaction really is under way
        assert raw.execute("SELECT COUNT(*) FROM project").fetchone()[0] == 0
    from desktop.services.single_instance import is_write_locked

    assert is_write_locked(closed_db)  # … holding SQLite's write lock
    _kill(child)
    assert _state(closed_db) == ("ok", 0, 0)
    assert _opens_with_the_program(closed_db) == 0


def test_an_import_killed_after_its_commit_keeps_all_of_it(closed_db, tmp_path):
    sheet = _sheet(tmp_path / "导入.xlsx")
    child = _start(IMPORT, closed_db, sheet, ROWS, "to-the-end")
    _wait_for(child, "done")
    _kill(child)
    check, projects, steps = _state(closed_db)
    assert (check, projects) == ("ok", ROWS)
    assert steps >= ROWS
    assert _opens_with_the_program(closed_db) == ROWS


def test_an_import_killed_at_a_random_moment_is_all_or_nothing(closed_db, tmp_path):
    sheet = _sheet(tmp_path / "导入.xlsx")
    rng = random.Random(20220825)
    for _ in range(2):
        child = _start(IMPORT, closed_db, sheet, ROWS, "to-the-end")
        _wait_for(child, "committing")
        time.sleep(rng.uniform(0.0, 1.5))
        _kill(child)
        check, projects, _steps = _state(closed_db)
        assert check == "ok"
        assert projects in (0, ROWS)  # an earlier round may have finished (then this one skipped all)
        if projects == ROWS:
            break
    assert _opens_with_the_program(closed_db) in (0, ROWS)


def test_a_bulk_edit_killed_halfway_changes_nothing(closed_db, tmp_path):
    from desktop import db
    from desktop.models import Project
    from desktop.services.database import open_database

    open_database(closed_db)
    Project.insert_many(
        [{"code": f"JL-2022-{n:04d}", "name": f"批量项目{n}", "total_investment": 100 + n} for n in range(1, 201)]
    ).execute()
    db.close()
    child = _start(BULK_EDIT, closed_db)
    _wait_for(child, "halfway")
    _kill(child)
    with closing(sqlite3.connect(closed_db)) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert raw.execute("SELECT COUNT(*) FROM project WHERE remarks = '批量修改'").fetchone()[0] == 0
        assert raw.execute("SELECT COUNT(*) FROM project").fetchone()[0] == 200
    assert _opens_with_the_program(closed_db) == 200
