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


def test_the_application_has_the_program_icon(qapp):
    from desktop.app import create_application

    assert not create_application().windowIcon().isNull()


def test_the_log_rotates_and_a_hard_crash_has_a_file(monkeypatch, tmp_path):
    import faulthandler
    import logging
    import sys
    from logging.handlers import RotatingFileHandler

    from desktop import app, config

    monkeypatch.setenv(config.DATA_DIR_ENV, str(tmp_path))
    monkeypatch.setattr(app, "_crash_file", None)
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        log_file = app.setup_logging()
        (added,) = [h for h in root.handlers if h not in before]
        assert isinstance(added, RotatingFileHandler) and added.maxBytes == 2_000_000 and added.backupCount == 3
        assert log_file == tmp_path / "logs" / "investdesk.log"
        assert faulthandler.is_enabled() and (tmp_path / "logs" / "crash.log").exists()
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()
        faulthandler.enable(sys.__stderr__)
        if app._crash_file is not None:
            app._crash_file.close()


def test_an_error_in_a_slot_shows_one_dialog_at_a_time(qapp, monkeypatch, tmp_path):
    import sys

    from PySide6.QtWidgets import QMessageBox

    from desktop import app

    shown = []

    def critical(parent, title, text):
        shown.append(text)
        sys.excepthook(RuntimeError, RuntimeError("又一次"), None)  # raised again while the first is open

    monkeypatch.setattr(QMessageBox, "critical", critical)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app.install_excepthook(tmp_path / "investdesk.log")
    sys.excepthook(RuntimeError, RuntimeError("重绘出错"), None)
    assert len(shown) == 1 and "重绘出错" in shown[0] and str(tmp_path / "investdesk.log") in shown[0]


def test_the_log_keeps_every_record_when_windows_will_not_rotate_it(monkeypatch, tmp_path):
    """Another window has the log open: Windows refuses to rename it; records go on into the same file."""
    import logging
    import os

    from desktop import app

    handler = app._log_file_handler_class()(tmp_path / "investdesk.log", maxBytes=200, backupCount=3,
                                            encoding="utf-8", delay=True)
    real_rename = os.rename

    def refused(source, target, *args, **kwargs):
        if str(source).endswith("investdesk.log"):
            raise PermissionError(32, "另一个程序正在使用此文件，进程无法访问。")
        return real_rename(source, target, *args, **kwargs)

    logger = logging.getLogger("test.rotation")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        monkeypatch.setattr(os, "rename", refused)
        for n in range(20):
            logger.warning("第 %d 条记录：项目已保存", n)
        monkeypatch.setattr(os, "rename", real_rename)
    finally:
        logger.removeHandler(handler)
        handler.close()
    text = (tmp_path / "investdesk.log").read_text(encoding="utf-8")
    assert [f"第 {n} 条记录" in text for n in range(20)] == [True] * 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["investdesk.log"]


def test_the_log_still_rotates_when_it_can(tmp_path):
    import logging

    from desktop import app

    handler = app._log_file_handler_class()(tmp_path / "investdesk.log", maxBytes=200, backupCount=2,
                                            encoding="utf-8", delay=True)
    logger = logging.getLogger("test.rotation.ok")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        for n in range(20):
            logger.warning("第 %d 条记录：项目已保存", n)
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["investdesk.log", "investdesk.log.1", "investdesk.log.2"]
    assert "第 19 条记录" in (tmp_path / "investdesk.log").read_text(encoding="utf-8")
