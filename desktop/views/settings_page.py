"""设置: this installation's facts and one tab per feature's settings panel.

Each feature keeps its settings panel in its own view module; this page only lays them out, builds
a tab when it is first opened (so the page opens fast) and wraps it in a scroll area, since a panel
may be taller than a 768-pixel screen.
"""

from __future__ import annotations

import importlib
import logging

from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from desktop import __version__, config
from desktop.services import database as database_service

log = logging.getLogger(__name__)

# (tab title, module, class). A panel has an optional `load()`.
SETTINGS_PANELS: list[tuple[str, str, str]] = [
    ("积分", "desktop.views.scoreboard_page", "ScoringSettingsPanel"),
    ("即时初审", "desktop.views.reviews_page", "ReviewSettingsPanel"),
    ("专班", "desktop.views.teams_page", "TeamSettingsPanel"),
    ("审批目录", "desktop.views.approvals_page", "ApprovalCatalogPanel"),
    ("备份与检查", "desktop.views.backup_panel", "BackupPanel"),
    ("用户", "desktop.views.users_page", "UsersPanel"),
    ("服务器", "desktop.views.connection_dialog", "ConnectionPanel"),
]


class InstallationPanel(QWidget):
    """What this copy of the program is: name, code prefix, database, data folder."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.name_label = QLabel()
        self.prefix_label = QLabel()
        self.database_label = QLabel()
        self.data_label = QLabel()
        for label in (self.name_label, self.prefix_label, self.database_label, self.data_label):
            label.setWordWrap(True)
            label.setTextInteractionFlags(label.textInteractionFlags() | label.textInteractionFlags().TextSelectableByMouse)
        form = QFormLayout(self)
        form.addRow("本单位名称", self.name_label)
        form.addRow("项目编号前缀", self.prefix_label)
        form.addRow("数据库", self.database_label)
        form.addRow("数据文件夹", self.data_label)
        form.addRow("程序版本", QLabel(f"v{__version__}"))

    def load(self) -> None:
        self.name_label.setText(database_service.installation_name())
        self.prefix_label.setText(database_service.code_prefix())
        self.database_label.setText(database_service.database_description())
        self.data_label.setText(str(config.data_dir()))


class SettingsPage(QWidget):
    title = "设置"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.actions_for_toolbar = []
        self.tabs = QTabWidget()
        self.panels: dict[str, QWidget] = {}
        self._specs: list[tuple[str, str | None, str | None]] = [("本机", None, None)] + list(SETTINGS_PANELS)
        for title, *_ in self._specs:
            self.tabs.addTab(QWidget(), title)
        self.tabs.currentChanged.connect(self._show_tab)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    def panel(self, title: str) -> QWidget:
        """The panel of the tab `title`, built on first use."""
        if title not in self.panels:
            index = [spec[0] for spec in self._specs].index(title)
            _, module_name, class_name = self._specs[index]
            if module_name is None:
                panel = InstallationPanel()
            else:
                panel = getattr(importlib.import_module(module_name), class_name)()
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(panel)
            placeholder = self.tabs.widget(index)
            self.tabs.blockSignals(True)
            current = self.tabs.currentIndex()
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, scroll, title)
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(False)
            placeholder.deleteLater()
            self.panels[title] = panel
        return self.panels[title]

    def _show_tab(self, index: int) -> None:
        if index >= 0:
            panel = self.panel(self._specs[index][0])
            if hasattr(panel, "load"):
                panel.load()

    def load(self) -> None:
        self._show_tab(self.tabs.currentIndex())
