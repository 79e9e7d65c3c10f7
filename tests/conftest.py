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


@pytest.fixture
def fresh_db(db_path):
    """An empty database with the default settings (23 steps, units), opened."""
    from desktop import db
    from desktop.services.database import init_database

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
