"""Server mode: no lost update between two processes, and staff logins made from the users screen.

Runs only when INVESTDESK_TEST_PG_URL is set (.ci/run starts a server). WARNING: every table in that
database's current schema is dropped before each test. The account of the URL needs CREATEROLE for
the login tests (the office's administrator account has it, see the README).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

PG_URL = os.environ.get("INVESTDESK_TEST_PG_URL", "")
ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2022, 8, 25)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="INVESTDESK_TEST_PG_URL is not set (no PostgreSQL server for tests)"),
]


def _drop_all_tables() -> None:
    from desktop import db
    from desktop.db import database

    db.connect(PG_URL)
    try:
        for (table,) in database.execute_sql("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall():
            database.execute_sql(f'DROP TABLE IF EXISTS "{table}" CASCADE')
    finally:
        db.close()


@pytest.fixture
def pg_db():
    from desktop import db
    from desktop.services import access
    from desktop.services.database import init_database

    access.logout()
    _drop_all_tables()
    init_database(PG_URL)
    yield PG_URL
    access.logout()
    db.close()


def _url_as(login: str, password: str) -> str:
    parts = urlsplit(PG_URL)
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, f"{login}:{password}@{host}", parts.path, "", ""))


def test_two_processes_editing_the_same_record_on_the_server_lose_no_update(pg_db):
    from desktop.models import Project
    from desktop.services import projects

    pid = projects.create_project({"name": "久策气体（将乐）", "total_investment": Decimal(50000)}, today=TODAY)
    procs = [
        subprocess.Popen([sys.executable, "-m", "tests.services.conflict_worker", "increment", PG_URL, str(pid), "20"],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    assert Project.get_by_id(pid).land_area == Decimal(40)


def test_a_stale_form_on_the_server_gets_a_conflict(pg_db):
    from desktop.models import Project
    from desktop.models.base import ConflictError
    from desktop.services import projects

    pid = projects.create_project({"name": "民天（将乐）保供基地", "total_investment": Decimal(30000)}, today=TODAY)
    mine = projects.project_values(pid)
    result = subprocess.run([sys.executable, "-m", "tests.services.conflict_worker", "edit", PG_URL, str(pid), "remarks", "他人的备注"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    mine["remarks"] = "我的备注"
    with pytest.raises(ConflictError) as caught:
        projects.update_project(pid, mine, today=TODAY, expected_version=mine["version"])
    assert ("备注", "我的备注", "他人的备注") in caught.value.conflicts
    assert Project.get_by_id(pid).remarks == "他人的备注"


def test_staff_logins_are_made_on_the_server_and_carry_the_role(pg_db):
    from desktop import db
    from desktop.errors import DatabaseError
    from desktop.models import Project, Unit
    from desktop.models.user import ROLE_UNIT
    from desktop.services import access, auth, pg_accounts, projects

    owner = urlsplit(PG_URL).username
    auth.create_first_admin(owner, "owner password")
    own = Unit.get(Unit.name == "水南镇").id
    other = Unit.get(Unit.name == "高唐镇").id
    mine = projects.create_project({"name": "本镇项目", "total_investment": Decimal(100), "township_id": own}, today=TODAY)
    theirs = projects.create_project({"name": "外镇项目", "total_investment": Decimal(100), "township_id": other}, today=TODAY)
    login = f"t_{uuid.uuid4().hex[:8]}"
    uid = auth.create_user({"name": login, "display_name": "水南镇招商员", "role": ROLE_UNIT, "unit_id": own, "password": "app password"})
    pg_accounts.create_login(uid, "Server pw 1'; DROP TABLE project; --")
    state = pg_accounts.login_state(uid)
    assert state.exists and state.can_login and state.in_group
    access.logout()
    try:
        db.close()
        with pytest.raises(DatabaseError):
            db.connect(_url_as(login, "wrong password"))
        db.connect(_url_as(login, "Server pw 1'; DROP TABLE project; --".replace("'", "%27").replace(";", "%3B").replace(" ", "%20")))
        me = access.current_user()
        assert me is not None and me.name == login and me.role == ROLE_UNIT and me.unit_id == own
        projects.update_project(mine, {**projects.project_values(mine), "remarks": "本镇改"}, today=TODAY)
        with pytest.raises(access.PermissionDenied):
            projects.update_project(theirs, {**projects.project_values(theirs), "remarks": "越权"}, today=TODAY)
        assert Project.get_by_id(mine).remarks == "本镇改"
        db.close()
        db.connect(PG_URL)
        access.forget_server_user()
        pg_accounts.disable_login(uid)
        db.close()
        with pytest.raises(DatabaseError):
            db.connect(_url_as(login, "Server pw 1'; DROP TABLE project; --".replace("'", "%27").replace(";", "%3B").replace(" ", "%20")))
    finally:
        db.close()
        db.connect(PG_URL)
        from desktop.db import database

        database.execute_sql(f'DROP ROLE IF EXISTS "{login}"')


def test_a_database_account_without_a_user_may_only_read(pg_db):
    from desktop import db
    from desktop.db import database
    from desktop.models import Project
    from desktop.models.user import ROLE_LEADER
    from desktop.services import access, auth, pg_accounts, projects

    owner = urlsplit(PG_URL).username
    auth.create_first_admin(owner, "owner password")
    access.logout()
    assert access.current_user().name == owner and access.can_admin()  # the account decides
    pid = projects.create_project({"name": "闽台良种繁育中心", "total_investment": Decimal(20000)}, today=TODAY)
    login = f"t_{uuid.uuid4().hex[:8]}"
    with access.acting_as(None):
        group = pg_accounts.ensure_staff_group()
    database.execute_sql(f"CREATE ROLE \"{login}\" LOGIN PASSWORD 'stray pw 1'")
    database.execute_sql(f'GRANT "{group}" TO "{login}"')
    try:
        db.close()
        db.connect(_url_as(login, "stray%20pw%201"))
        me = access.current_user()
        assert me.role == ROLE_LEADER and "未登记" in me.display_name
        assert projects.project_values(pid)["name"] == "闽台良种繁育中心"
        with pytest.raises(access.PermissionDenied):
            projects.update_project(pid, {**projects.project_values(pid), "remarks": "x"}, today=TODAY)
        assert Project.get_by_id(pid).remarks == ""
    finally:
        db.close()
        db.connect(PG_URL)
        database.execute_sql(f'DROP ROLE IF EXISTS "{login}"')
