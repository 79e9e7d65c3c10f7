"""The main window: navigation on the left, one page per area, the page's actions in the toolbar."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from desktop import APP_NAME, __version__, config
from desktop.services import database as database_service
from desktop.services.money import format_yi
from desktop.views.project_library_page import ProjectLibraryPage
from desktop.views.widgets import fit_to_screen

DEMO_PERIOD = ("2022-01-01", "2022-06-30")

# The navigation, in order: (key, title, module, class). Pages other than the project library are
# imported and built when first shown, so start-up pays only for the first. Every page has
# `load()` (fill or refresh from the services) and `actions_for_toolbar` (a list of QActions).
PAGES = [
    ("library", "项目库", "desktop.views.project_library_page", "ProjectLibraryPage"),
    ("dashboard", "首页", "desktop.views.dashboard_page", "DashboardPage"),
    ("leads", "线索", "desktop.views.leads_page", "LeadsPage"),
    ("investors", "客商", "desktop.views.investors_page", "InvestorsPage"),
    ("reviews", "即时初审", "desktop.views.reviews_page", "ReviewsPage"),
    ("meetings", "领导小组会", "desktop.views.meetings_page", "MeetingsPage"),
    ("teams", "专班", "desktop.views.teams_page", "TeamsPage"),
    ("scoreboard", "积分榜", "desktop.views.scoreboard_page", "ScoreboardPage"),
    ("targets", "目标任务", "desktop.views.targets_page", "TargetsPage"),
    ("chains", "作战表", "desktop.views.chains_page", "ChainsPage"),
    ("approvals", "帮办代办", "desktop.views.approvals_page", "ApprovalsPage"),
    ("stats", "统计概览", "desktop.views.stats_page", "StatsPage"),
    ("exchange", "数据交换", "desktop.views.exchange_page", "ExchangePage"),
    ("audit", "修改痕迹", "desktop.views.audit_page", "AuditPage"),
    ("reference", "单位与人员", "desktop.views.reference_page", "ReferencePage"),
    ("settings", "设置", "desktop.views.settings_page", "SettingsPage"),
]
PAGE_KEYS = [key for key, *_ in PAGES]
PAGE_TITLES = tuple(title for _, title, *_ in PAGES)


def _build_page(index: int) -> QWidget:
    import importlib

    _, _, module_name, class_name = PAGES[index]
    return getattr(importlib.import_module(module_name), class_name)()


def ui_settings() -> QSettings:
    """Window state lives next to the data (not in the registry), so tests and portable installs stay apart."""
    return QSettings(str(config.data_dir() / "ui.ini"), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.is_demo = database_service.is_demo()
        self.installation = database_service.installation_name()
        title = f"{APP_NAME} — {self.installation}"
        if self.is_demo:
            title += " —【演示数据】"
        self.setWindowTitle(title)
        self.setMinimumSize(QSize(960, 560))

        self.library_page = ProjectLibraryPage()
        self._pages: dict[int, QWidget] = {0: self.library_page}
        self._loaded: set[int] = set()
        self.open_dialogs: list = []

        self.nav = QListWidget()
        self.nav.setFixedWidth(120)
        self.nav.setStyleSheet("QListWidget { font-size: 11pt; } QListWidget::item { padding: 8px 6px; }")
        self.stack = QStackedWidget()
        for index, title in enumerate(PAGE_TITLES):
            QListWidgetItem(title, self.nav)
            self.stack.addWidget(self._pages.get(index) or QWidget())
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.toolbar = QToolBar("操作")
        self.toolbar.setObjectName("page-actions")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(self.toolbar)
        # An empty toolbar shrinks to a line and the page under it jumps up: keep the height it has
        # with a button on it.
        probe = self.toolbar.addAction("新建")
        self.toolbar.setMinimumHeight(self.toolbar.sizeHint().height())
        self.toolbar.removeAction(probe)
        probe.deleteLater()

        self.summary_label = QLabel()
        self.demo_label = QLabel("演示数据（将乐县 2022 年），不是正式数据")
        self.demo_label.setStyleSheet("background: #ffe0b2; color: #8a4b00; padding: 2px 8px; font-weight: bold;")
        self.demo_label.setVisible(self.is_demo)
        self.statusBar().addWidget(self.summary_label, 1)
        self.statusBar().addPermanentWidget(self.demo_label)
        self.statusBar().addPermanentWidget(QLabel(f"v{__version__}"))

        self.library_page.summary_changed.connect(self.show_summary)
        self.library_page.open_project.connect(self.open_project)
        self.library_page.new_project.connect(lambda: self.open_project(None))
        self.library_page.import_requested.connect(self.open_import)
        self.nav.currentRowChanged.connect(self.show_page)

        quit_action = QAction("退出(&X)", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.addAction(quit_action)
        self._build_menus(quit_action)

        settings = ui_settings()
        geometry = settings.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(fit_to_screen(self, 1280, 720))
        last = settings.value("main/page", "library")
        self._initial_page = PAGE_KEYS.index(last) if last in PAGE_KEYS else 0
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(self._initial_page)
        self.nav.blockSignals(False)
        self.stack.setCurrentIndex(self._initial_page)
        self._set_toolbar(self.page(self._initial_page))
        self.summary_label.setText("正在读取项目库……")
        # The automatic backups start once the window is up: their module is not needed to show it.
        self.auto_backup = None
        QTimer.singleShot(0, self._start_auto_backup)

    def _build_menus(self, quit_action: QAction) -> None:
        """The Excel work of the library, reachable from any page (the shortcuts stay on the library's
        toolbar, where they already are)."""
        file_menu = self.menuBar().addMenu("文件(&F)")
        for text, tip, slot in (
            ("导入 Excel 清单(&I)…", "导入乡镇、部门报来的项目清单", lambda: self.open_import("")),
            ("下载乡镇填报模板(&T)…", "生成给乡镇填报用的 Excel 模板（带下拉选项和填写说明）", self.library_page.save_template),
            ("导出项目清单(&E)…", "把项目库当前显示的项目导出为 Excel", self._export_library),
        ):
            action = file_menu.addAction(text)
            action.setStatusTip(tip)
            action.triggered.connect(slot)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        help_menu.addAction("关于招商工作台(&A)").triggered.connect(self._about)

    def _export_library(self) -> None:
        self.show_page_by_key("library")
        self.library_page.export_shown()

    def _about(self) -> None:
        QMessageBox.about(self, APP_NAME, f"{APP_NAME} v{__version__}\n{self.installation}\n\n"
                                          f"数据文件夹：{config.data_dir()}")

    def page(self, index: int) -> QWidget:
        """The page at `index`, built on first use."""
        if index not in self._pages:
            page = _build_page(index)
            if self.is_demo and hasattr(page, "set_period"):
                import datetime as dt

                page.set_period(*(dt.date.fromisoformat(d) for d in DEMO_PERIOD))
            if hasattr(page, "open_project"):
                page.open_project.connect(self.open_project)
            if hasattr(page, "open_filtered"):
                page.open_filtered.connect(self.open_filtered_list)
            placeholder = self.stack.widget(index)
            showing = self.stack.currentWidget() is placeholder
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(placeholder)
            if showing:
                self.stack.setCurrentWidget(page)
            placeholder.deleteLater()
            self._pages[index] = page
        return self._pages[index]

    def page_by_key(self, key: str) -> QWidget:
        return self.page(PAGE_KEYS.index(key))

    def show_page_by_key(self, key: str) -> QWidget:
        index = PAGE_KEYS.index(key)
        self.nav.setCurrentRow(index)
        return self.page(index)

    @property
    def stats_page(self):
        return self.page_by_key("stats")

    @property
    def reference_page(self):
        return self.page_by_key("reference")

    def load_data(self) -> None:
        """Fill the page on screen; called right after the window is shown."""
        self._ensure_loaded(self.stack.currentIndex())

    def _ensure_loaded(self, index: int) -> None:
        if index not in self._loaded:
            self._loaded.add(index)
            self.page(index).load()
        if index != 0 and 0 not in self._loaded:
            # The status bar always speaks of the project library.
            self._loaded.add(0)
            self.library_page.load()

    def _start_auto_backup(self) -> None:
        from desktop.views.backup_panel import start_auto_backup

        self.auto_backup = start_auto_backup(self)

    def reload_all(self) -> None:
        """After a restore: every page reads the database again when next shown."""
        self._loaded.clear()
        self._ensure_loaded(self.stack.currentIndex())

    def show_page(self, index: int) -> None:
        if index < 0:
            return
        page = self.page(index)
        self.stack.setCurrentIndex(index)
        self._set_toolbar(page)
        if index in self._loaded:
            if index != 0:
                page.load()  # short lists: always show them fresh
        else:
            self._ensure_loaded(index)

    def _set_toolbar(self, page) -> None:
        self.toolbar.clear()
        for action in page.actions_for_toolbar:
            self.toolbar.addAction(action)
        # The toolbar stays even when a page has no actions, so the page does not jump up and down.

    def show_summary(self, count: int, total_wan: Decimal) -> None:
        self.summary_label.setText(f"显示 {count} 个项目，总投资 {format_yi(total_wan)} 亿元")

    def open_filtered_list(self, criteria) -> None:
        """A card or warning elsewhere asks for the list of its projects: show it in the library."""
        self.show_page_by_key("library")
        self.library_page.show_selection(criteria)

    def open_import(self, path: str = ""):
        """The import wizard, on a dropped file or (with no path) asking for one."""
        from desktop.views.import_wizard import ImportWizard

        wizard = ImportWizard(path or None, self)
        wizard.imported.connect(self.library_page.load)
        wizard.show()
        if not path:
            wizard.browse()
        return wizard

    def open_project(self, project_id: int | None):
        from desktop.views.project_dialog import ProjectDialog

        for dialog in self.open_dialogs:
            if project_id is not None and dialog.project_id == project_id:
                dialog.raise_()
                dialog.activateWindow()
                return dialog
        dialog = ProjectDialog(project_id, self)
        dialog.saved.connect(self.library_page.project_saved)
        dialog.finished.connect(lambda _r, d=dialog: self.open_dialogs.remove(d) if d in self.open_dialogs else None)
        self.open_dialogs.append(dialog)
        dialog.show()
        return dialog

    def closeEvent(self, event) -> None:
        for dialog in list(self.open_dialogs):
            if dialog.is_dirty():
                dialog.raise_()
                QMessageBox.information(self, APP_NAME, "还有未保存的项目窗口，请先保存或关闭它。")
                event.ignore()
                return
        settings = ui_settings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/page", PAGE_KEYS[self.stack.currentIndex()])
        settings.sync()
        super().closeEvent(event)
