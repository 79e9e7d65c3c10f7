"""Shared fixtures: offscreen Qt, the bundled font, a fresh database per test."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path_factory, monkeypatch):
    """Every test gets its own data folder, so nothing touches the user's real one."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("INVESTDESK_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "测试 数据" / "investdesk.db"


# INVESTDESK_TEST_BACKEND=postgres runs the tests that use `fresh_db` on the server named by
# INVESTDESK_TEST_PG_URL instead of a SQLite file (.ci/run does this for the service and model tests).
# Tests that need a file (backups, file locks, paths) are marked `sqlite_only` and skip there.
ON_SERVER = os.environ.get("INVESTDESK_TEST_BACKEND") == "postgres"


def drop_all_server_tables(url: str) -> None:
    from desktop import db
    from desktop.db import database

    db.connect(url)
    try:
        for (table,) in database.execute_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchall():
            database.execute_sql(f'DROP TABLE IF EXISTS "{table}" CASCADE')
    finally:
        db.close()


@pytest.fixture
def fresh_db(db_path, request):
    """An empty database with the default settings (23 steps, units), opened."""
    from desktop import db
    from desktop.services.database import init_database

    if ON_SERVER:
        if request.node.get_closest_marker("sqlite_only"):
            pytest.skip("needs a SQLite file")
        url = os.environ["INVESTDESK_TEST_PG_URL"]
        drop_all_server_tables(url)
        init_database(url)
        # On a server the database account decides the role: make the test account its administrator,
        # as the local file's user is, so the same tests mean the same thing on both backends.
        from desktop.models.user import User
        from desktop.services import access

        User.create(name=access.server_login_name(), display_name="测试管理员", role="管理员")
        access.forget_server_user()
        yield url
        db.close()
        return
    db_path.parent.mkdir(parents=True, exist_ok=True)
    init_database(db_path)
    yield db_path
    db.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """The demo database, built once per test run (read it through `demo_db`)."""
    from desktop import db
    from desktop.services.demo import build_demo

    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    build_demo(path)
    db.close()
    return path


@pytest.fixture
def demo_db(demo_template, tmp_path):
    """A private copy of the demo database for one test, opened; the test may change it."""
    import shutil

    from desktop import db

    target = tmp_path / "演示" / "demo.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(demo_template, target)
    db.connect(target)
    yield target
    db.close()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/views" in item.nodeid.replace(os.sep, "/"):
            item.add_marker(pytest.mark.gui)
