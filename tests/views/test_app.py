"""Start-up: which database opens, and the demo built under a progress dialog."""

from desktop import config
from desktop.app import build_demo_with_progress, choose_database
from desktop.services import database as database_service


def test_first_start_offers_the_demo_in_its_own_file():
    assert not config.default_database_path().exists()
    path, is_demo = choose_database(None, False, ask=lambda default: "demo")
    assert is_demo and path == config.demo_database_path()
    assert not config.default_database_path().exists()  # the real database is not touched


def test_first_start_can_make_an_empty_database():
    path, is_demo = choose_database(None, False, ask=lambda default: "new")
    assert not is_demo and path == config.default_database_path() and path.exists()
    database_service.open_database(path)
    assert not database_service.is_demo()


def test_first_start_can_quit_and_an_existing_database_opens_without_asking(fresh_db):
    assert choose_database(None, False, ask=lambda default: None) is None
    asked = []
    assert choose_database(fresh_db, False, ask=asked.append) == (fresh_db, False)
    assert choose_database(None, True, ask=asked.append) == (config.demo_database_path(), True)
    assert asked == []


def test_demo_is_built_with_progress_and_marked(qtbot, monkeypatch):
    from desktop.workers import Task

    # The real thing: the build runs on the worker pool while the progress dialog waits.
    monkeypatch.setattr(Task, "synchronous", False)
    path = config.demo_database_path()
    assert build_demo_with_progress(path)
    database_service.open_database(path)
    assert database_service.is_demo()
    from desktop.services.stats import compute_stats
    import datetime as dt

    figures = compute_stats(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    assert figures["library_projects"] == 60
