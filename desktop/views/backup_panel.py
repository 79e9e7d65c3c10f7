"""设置 → 备份与检查: the backups list, 立即备份, 导出备份, 从备份恢复, 检查数据库; and the automatic
backup timer of the main window (at start and every 30 minutes while the data changes)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError
from desktop.services import backup, integrity
from desktop.views.progress import run_with_progress
from desktop.workers import run_task

log = logging.getLogger(__name__)

AUTO_BACKUP_MINUTES = 30
FIRST_AUTO_BACKUP_MS = 10_000  # a little after start-up, when the first page is on screen


def _manual_backup(progress=None):
    return backup.make_backup(None, "manual")


def _automatic_backup(progress=None):
    return backup.backup_if_changed()


class BackupPanel(QWidget):
    """One tab of the settings page."""

    database_replaced = Signal()  # after a restore: every page should reload

    def __init__(self, parent=None):
        super().__init__(parent)
        self._backups: list[backup.BackupInfo] = []

        self.where_label = QLabel()
        self.where_label.setWordWrap(True)
        self.where_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        policy = QLabel(
            f"数据有变化时，程序启动时和每 {AUTO_BACKUP_MINUTES} 分钟自动备份一次；导入、升级、恢复和批量删除之前也会先备份。"
            f"保留最近 {backup.KEEP_DAILY} 天每天一份、{backup.KEEP_WEEKLY} 周每周一份、{backup.KEEP_MONTHLY} 个月每月一份，"
            f"操作前的备份保留 {backup.KEEP_LABELLED.days} 天。每份备份都做过完整性检查。"
        )
        policy.setWordWrap(True)
        policy.setStyleSheet("color: #555;")

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["备份时间", "类型", "大小"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(160)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())

        self.backup_button = QPushButton("立即备份")
        self.export_button = QPushButton("导出备份…")
        self.export_button.setToolTip("把数据库复制到选定的文件夹（如 U 盘），文件名为 库名-日期-时间.db")
        self.restore_button = QPushButton("从选中的备份恢复…")
        self.restore_file_button = QPushButton("从其他备份文件恢复…")
        self.folder_button = QPushButton("打开备份文件夹")
        self.backup_button.clicked.connect(self.backup_now)
        self.export_button.clicked.connect(self.export)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button.clicked.connect(self.restore_from_file)
        self.folder_button.clicked.connect(self.open_folder)
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.export_button, self.restore_button, self.restore_file_button, self.folder_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        backups_box = QGroupBox("备份")
        box = QVBoxLayout(backups_box)
        box.addWidget(self.where_label)
        box.addWidget(policy)
        box.addWidget(self.table, 1)
        box.addLayout(buttons)

        self.check_button = QPushButton("检查数据库")
        self.check_button.setToolTip("完整性检查、引用检查、项目阶段和状态核对；能自动修复的先备份再修复，最后整理文件")
        self.check_button.clicked.connect(self.check)
        self.check_summary = QLabel("检查数据库文件是否完好、数据是否前后一致，并整理文件。")
        self.check_summary.setWordWrap(True)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setPlaceholderText("检查结果会显示在这里。")
        self.report.setMinimumHeight(160)
        check_box = QGroupBox("检查数据库")
        check_layout = QVBoxLayout(check_box)
        row = QHBoxLayout()
        row.addWidget(self.check_button)
        row.addWidget(self.check_summary, 1)
        check_layout.addLayout(row)
        check_layout.addWidget(self.report, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(backups_box, 3)
        layout.addWidget(check_box, 2)

    # --- state ------------------------------------------------------------------------------
    @property
    def is_file_database(self) -> bool:
        return backup.current_database_file() is not None

    def load(self) -> None:
        path = backup.current_database_file()
        if path is None:
            self.where_label.setText("服务器模式（PostgreSQL）：数据库的备份由服务器负责（pg_dump 或服务器的备份计划），这里不做本机备份。")
            self._backups = []
        else:
            self.where_label.setText(f"数据库：{path}\n备份文件夹：{backup.backup_folder(path)}")
            self._backups = backup.list_backups(path)
        self.table.setRowCount(len(self._backups))
        for row, info in enumerate(self._backups):
            cells = (f"{info.made_at:%Y-%m-%d %H:%M:%S}", info.kind, info.size_text)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self._update_buttons()

    def _update_buttons(self) -> None:
        local = self.is_file_database
        for button in (self.backup_button, self.export_button, self.restore_file_button, self.folder_button):
            button.setEnabled(local)
        self.restore_button.setEnabled(local and self.selected_backup() is not None)

    def selected_backup(self) -> backup.BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self._backups[rows[0].row()]

    # --- actions ----------------------------------------------------------------------------
    def backup_now(self) -> None:
        def done(path):
            self.load()
            QMessageBox.information(self, "备份", f"已备份到：\n{path}")

        run_with_progress(self, "正在备份数据库……", _manual_backup, done=done)

    def export(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择导出备份的文件夹（如 U 盘）")
        if not folder:
            return

        def done(path):
            QMessageBox.information(self, "导出备份", f"已导出备份：\n{path}\n\n这是一个完整的数据库文件，可以用“从其他备份文件恢复”恢复。")

        run_with_progress(self, "正在导出备份……", backup.export_backup, folder, done=done)

    def restore_selected(self) -> None:
        info = self.selected_backup()
        if info is not None:
            self.restore(info.path)

    def restore_from_file(self) -> None:
        start = str(backup.backup_folder()) if self.is_file_database else ""
        path, _ = QFileDialog.getOpenFileName(self, "选择备份文件", start, "招商工作台数据库 (*.db);;所有文件 (*)")
        if path:
            self.restore(Path(path))

    def restore(self, path: Path) -> None:
        try:
            info = backup.inspect_backup_file(path)
        except UserError as exc:
            QMessageBox.warning(self, "不能恢复", str(exc))
            return
        made = ""
        for known in self._backups:
            if known.path == Path(path):
                made = f"（{known.made_at:%Y-%m-%d %H:%M}，{known.kind}）"
        answer = QMessageBox.question(
            self,
            "从备份恢复",
            f"用这个备份替换当前数据库中的全部数据吗？\n\n{Path(path).name}{made}\n"
            f"其中有 {info.projects} 个项目。\n\n当前的数据会先自动备份（“恢复前”），恢复后仍可找回。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return

        def done(outcome):
            self.load()
            self.database_replaced.emit()
            window = self.window()
            if window is not self and hasattr(window, "reload_all"):
                window.reload_all()  # every page reads the restored data
            QMessageBox.information(
                self, "从备份恢复",
                f"已恢复，现有 {outcome.projects} 个项目。\n恢复前的数据已备份到：\n{outcome.safety_backup}",
            )

        run_with_progress(self, "正在恢复……", backup.restore_backup, path, done=done)

    def open_folder(self) -> None:
        folder = backup.backup_folder()
        folder.mkdir(exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def check(self) -> None:
        self.check_button.setEnabled(False)
        self.check_summary.setText("正在检查……")

        def done(report):
            self.check_button.setEnabled(True)
            self.check_summary.setText(report.summary())
            bold = QFont(self.check_summary.font())
            bold.setBold(not report.healthy)
            self.check_summary.setFont(bold)
            self.check_summary.setStyleSheet("" if report.healthy else "color: #b71c1c;")
            self.report.setPlainText(report.text())
            if report.backup:
                self.load()

        task = run_with_progress(self, "正在检查数据库……", integrity.check_database, done=done)
        task.signals.failed.connect(lambda *_: (self.check_button.setEnabled(True), self.check_summary.setText("检查没有完成。")))


def confirm_server_backup_dialog(message: str, parent=None) -> bool:
    """Before migrating a server database that pg_dump could not back up: the user confirms."""
    answer = QMessageBox.question(
        parent,
        "升级服务器数据库",
        f"{message}\n\n本程序要把服务器上的数据库升级到新版本。请确认服务器备份是最新的（例如当天的自动备份已完成），"
        "然后点“是”继续升级；不确定时点“否”，先联系服务器管理员。",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class AutoBackup(QObject):
    """The main window's automatic backup: shortly after start, then every 30 minutes, on the
    worker pool; a copy is made only when the data changed. A failure is said once in the status bar."""

    failed = Signal(str)

    def __init__(self, parent=None, *, interval_minutes: int = AUTO_BACKUP_MINUTES, first_delay_ms: int = FIRST_AUTO_BACKUP_MS):
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_minutes * 60 * 1000)
        self.timer.timeout.connect(self.run)
        self._busy = False
        self.last_error = ""
        self.timer.start()
        if first_delay_ms >= 0:
            QTimer.singleShot(first_delay_ms, self.run)

    def run(self) -> None:
        if self._busy:
            return
        self._busy = True
        run_task(_automatic_backup, on_result=self._done, on_error=self._error)

    def _done(self, _path) -> None:
        self._busy = False
        self.last_error = ""

    def _error(self, message: str, _is_user_error: bool) -> None:
        self._busy = False
        if message != self.last_error:
            self.last_error = message
            log.warning("automatic backup failed: %s", message)
            self.failed.emit(f"自动备份没有成功：{message}")


def start_auto_backup(window) -> AutoBackup:
    """For the main window: `self.auto_backup = start_auto_backup(self)`."""
    auto = AutoBackup(window)
    status = getattr(window, "statusBar", None)
    if status is not None:
        auto.failed.connect(lambda text: window.statusBar().showMessage(text, 0))
    return auto
