"""Builds the QApplication (font, translation, style) and opens the main window on a database."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QThread, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from desktop import APP_ID, APP_NAME, config
from desktop.errors import UserError, database_failure_message
from desktop.resources import font_path, resource_path

log = logging.getLogger(__name__)

_font_family: str | None = None


def register_font() -> str | None:
    """Register the bundled CJK font with Qt once; returns its family name."""
    global _font_family
    if _font_family is None:
        font_id = QFontDatabase.addApplicationFont(str(font_path()))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if not families:
            log.warning("bundled font not loaded: %s", font_path())
            return None
        _font_family = families[0]
    return _font_family


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setWindowIcon(QIcon(str(resource_path("icons", "investdesk.png"))))  # title bars and the taskbar
    app.setOrganizationName(APP_ID)
    family = register_font()
    if family:
        font = QFont(app.font())
        # The bundled font comes first so every PC shows the same glyphs; the system UI font stays
        # as a fallback for Latin text.
        font.setFamilies([family, *QFont(app.font()).families()])
        font.setPointSize(10)
        app.setFont(font)
    install_translation(app)
    return app


def install_translation(app: QApplication) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load("qtbase_zh_CN", folder):
        app.installTranslator(translator)
    else:
        log.warning("Qt zh_CN translation not found in %s", folder)


_crash_file = None  # kept open for faulthandler for the life of the process


def _log_file_handler_class():
    # logging.handlers (socket, pickle, …) is imported when logging starts, not when this module is.
    from logging.handlers import RotatingFileHandler

    class LogFileHandler(RotatingFileHandler):
        """Rotates like RotatingFileHandler, except when Windows refuses: a log that another window of the
        program has open cannot be renamed there, and RotatingFileHandler would then lose every record
        (and push the older logs out) until that window closes. It keeps appending instead; a later
        start rotates."""

        def doRollover(self):
            if self.stream:
                self.stream.close()
                self.stream = None
            probe = f"{self.baseFilename}.{os.getpid()}.rotating"
            try:
                os.rename(self.baseFilename, probe)
            except FileNotFoundError:
                return
            except OSError:
                self.maxBytes = 0  # no more rollovers in this session: the file is opened again to append
                return
            try:
                os.rename(probe, self.baseFilename)
            except OSError:  # another window began a new log in between: write there, keep this one as it is
                self.maxBytes = 0
                return
            super().doRollover()

    return LogFileHandler


def setup_logging() -> Path:
    """The log file in the data folder (the windowed program has no console), kept to 4 × 2 MB; a
    hard crash (a fault inside Qt) writes its Python stack to crash.log beside it."""
    global _crash_file
    import faulthandler
    log_file = config.log_dir() / "investdesk.log"
    handler = _log_file_handler_class()(log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    if _crash_file is None:
        try:
            _crash_file = open(log_file.with_name("crash.log"), "a", encoding="utf-8")  # noqa: SIM115
            faulthandler.enable(_crash_file)
        except OSError as exc:
            log.warning("crash.log not writable: %s", exc)
    return log_file


def internal_error_text(exc: BaseException, log_file: Path | None) -> str:
    where = f"详细信息已写入日志：\n{log_file}" if log_file else "而且无法写入日志文件"
    return f"程序出现内部错误：{exc}\n\n{where}\n请把日志发给维护人员。"


def install_excepthook(log_file: Path) -> None:
    showing = []  # one dialog at a time: a slot failing on every repaint must not stack them up

    def hook(exc_type, exc, tb):
        if not issubclass(exc_type, UserError):
            log.error("未处理的错误：\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
        app = QApplication.instance()
        if showing or app is None or QThread.currentThread() is not app.thread():
            return  # logged; a dialog only from the GUI thread
        showing.append(True)
        told = None if issubclass(exc_type, UserError) else database_failure_message(exc)
        try:
            if issubclass(exc_type, UserError):
                QMessageBox.warning(None, APP_NAME, str(exc))
            elif told is not None:  # a full disk or a lost server: what to do, not "report this bug"
                QMessageBox.warning(None, APP_NAME, told)
            else:
                QMessageBox.critical(None, APP_NAME, internal_error_text(exc, log_file))
        finally:
            showing.clear()

    sys.excepthook = hook


def show_fatal_error(text: str) -> None:
    """A message for the windowed program when it cannot start (it has no console to print to)."""
    if QApplication.instance() is None:
        create_application()
    QMessageBox.critical(None, APP_NAME, text)


def ask_first_start(default: Path) -> str | None:
    """No database yet: "demo", "new" or None (quit), as the user chooses."""
    box = QMessageBox(QMessageBox.Icon.Question, APP_NAME, "还没有数据库。")
    box.setInformativeText(
        "可以先打开演示数据库看看（将乐县 2022 年数据，单独保存，不影响正式数据），"
        f"或者新建一个空的正式数据库：\n{default}"
    )
    demo_button = box.addButton("打开演示数据", QMessageBox.ButtonRole.AcceptRole)
    new_button = box.addButton("新建空数据库", QMessageBox.ButtonRole.ActionRole)
    box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(demo_button)
    box.exec()
    clicked = box.clickedButton()
    return "demo" if clicked is demo_button else "new" if clicked is new_button else None


def choose_database(
    db_path: str | Path | None, demo: bool, ask=ask_first_start
) -> tuple[str | Path, bool] | None:
    """Which database to open: the demo, the given one, or the default (offering the demo if none)."""
    if demo:
        return config.demo_database_path(), True
    if db_path is not None:
        return db_path, False
    default = config.default_database_path()
    if default.exists():
        return default, False
    answer = ask(default)
    if answer == "demo":
        return config.demo_database_path(), True
    if answer == "new":
        from desktop.services.database import init_database

        init_database(default)
        return default, False
    return None


def build_demo_with_progress(path: Path) -> bool:
    """Build the demo database under a progress dialog (the work runs on the worker pool)."""
    from desktop.services.demo import build_demo
    from desktop.workers import run_task

    dialog = QProgressDialog("正在生成演示数据……", "取消", 0, 100)
    dialog.setWindowTitle(APP_NAME)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    outcome: dict = {}

    def done(result):
        outcome["ok"] = True
        dialog.close()

    def failed(message, _is_user):
        outcome["error"] = message
        dialog.close()

    def progress(done_count, total):
        dialog.setMaximum(max(total, 1))
        dialog.setValue(done_count)

    task = run_task(build_demo, path, force=True, on_result=done, on_error=failed, on_progress=progress)
    dialog.canceled.connect(task.cancel)
    if "ok" not in outcome and "error" not in outcome:
        dialog.exec()
    if "error" in outcome and outcome["error"] != "已取消":
        QMessageBox.warning(None, APP_NAME, f"生成演示数据失败：{outcome['error']}")
    return bool(outcome.get("ok"))


def run_gui(db_path: str | Path | None = None, demo: bool = False) -> int:
    from desktop.drivers import is_server_url, skip_server_drivers

    if db_path is None and not demo:
        # A PC set up for the office server connects there (asking for the password when not remembered).
        from desktop.services.pg_accounts import saved_connection

        if saved_connection() is not None:
            create_application()
            from desktop.views.connection_dialog import server_url_at_start

            db_path = server_url_at_start()
            if db_path is None:
                return 0
    if db_path is None or not is_server_url(db_path):
        skip_server_drivers()
    log_file = setup_logging()
    app = create_application()
    install_excepthook(log_file)
    try:
        chosen = choose_database(db_path, demo)
        if chosen is None:
            return 0
        path, is_demo = chosen
        if is_demo and not Path(path).exists() and not build_demo_with_progress(path):
            return 1
        from desktop.db import sqlite_path_from_url
        from desktop.services.backup import set_server_backup_confirmation
        from desktop.services.database import open_database
        from desktop.services.single_instance import acquire_gui_lock
        from desktop.views.backup_panel import confirm_server_backup_dialog

        set_server_backup_confirmation(confirm_server_backup_dialog)
        db_file = sqlite_path_from_url(str(path))
        # One window per database file: held until the program ends.
        gui_lock = acquire_gui_lock(db_file) if db_file is not None else None
        open_database(path)
    except UserError as exc:
        QMessageBox.warning(None, APP_NAME, str(exc))
        return 1
    from desktop.views.login_dialog import login_at_start

    if not login_at_start():  # who is working: the first administrator, the demo account, a user
        return 0
    from desktop.views.main_window import MainWindow

    window = MainWindow()
    window.gui_lock = gui_lock  # released when the program ends
    window.show()
    # The table is filled right after the window is on screen, so start-up feels immediate.
    QTimer.singleShot(0, window.load_data)
    return app.exec()
