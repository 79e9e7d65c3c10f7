"""导入 Excel: file → sheet → column mapping → check results → duplicates → import with progress → summary.

Analysis and import run on the worker pool; the wizard only shows what the import service reports.
One progress bar with its 取消 button sits under the pages and shows whichever task runs, so a check
started from the file page or the mapping page moves a bar the user can see.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError
from desktop.services.money import format_yi
from desktop.workers import run_task
from desktop.views.widgets import fit_to_screen

EXCEL_FILTER = "Excel 或 CSV 文件 (*.xlsx *.xlsm *.xls *.ods *.csv);;所有文件 (*)"
KINDS = ("全部", "错误", "警告", "重复")
MAX_ISSUES_SHOWN = 2000  # rows of the problems table (the problem report has them all)
PAGE_FILE, PAGE_MAPPING, PAGE_RESULTS, PAGE_RUN = range(4)
PAGE_TITLES = ("选择文件和工作表", "核对列的对应关系", "检查结果", "导入")
CANCELLED = "已取消"  # the message of the UserError the import service raises when progress says stop
CHECKING, IMPORTING = "检查", "导入"


class ImportWizard(QDialog):
    """Emits `imported()` after a commit changed the library."""

    imported = Signal()

    def __init__(self, path: str | Path | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("导入 Excel 项目清单")
        self.analysis = None
        self.outcome = None
        self.task = None
        self.busy = False
        self.task_kind = ""  # CHECKING or IMPORTING while a task runs
        self.cancel_requested = False
        self.close_when_done = False
        self.checked_mapping: dict[int, str] = {}  # what the combos showed after the last check
        self.page_after_check = PAGE_MAPPING
        self.pages = QStackedWidget()
        self.pages.addWidget(self._file_page())
        self.pages.addWidget(self._mapping_page())
        self.pages.addWidget(self._results_page())
        self.pages.addWidget(self._run_page())
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.stop_button = QPushButton("取消")
        self.stop_button.setAutoDefault(False)
        self.stop_button.clicked.connect(self.cancel_task)
        self.progress_area = QWidget()
        progress_row = QHBoxLayout(self.progress_area)
        progress_row.setContentsMargins(0, 0, 0, 0)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.stop_button)
        self.progress_area.hide()
        self.step_label = QLabel()
        self.step_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.back_button = QPushButton("上一步")
        self.next_button = QPushButton("下一步")
        self.cancel_button = QPushButton("关闭")
        for button in (self.back_button, self.next_button, self.cancel_button):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.step_label)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.progress_area)
        layout.addLayout(buttons)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.cancel_button.clicked.connect(self.reject)
        self.resize(fit_to_screen(self, 900, 600))
        self._show_page(PAGE_FILE)
        if path:
            self.set_file(path)

    # --- pages -------------------------------------------------------------------------------
    def _file_page(self) -> QWidget:
        page = QWidget()
        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText("选择乡镇、部门报来的 Excel 清单（.xlsx .xls .ods .csv）")
        self.file_edit.setReadOnly(True)
        browse = QPushButton("浏览…")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.file_edit, 1)
        row.addWidget(browse)
        self.sheet_combo = QComboBox()
        form = QFormLayout(page)
        form.addRow("文件", row)
        form.addRow("工作表", self.sheet_combo)
        hint = QLabel("只读取，不修改原文件。下一步会先检查整张表，确认后才写入项目库。")
        hint.setStyleSheet("color: #666;")
        hint.setWordWrap(True)
        form.addRow("", hint)
        return page

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        self.header_label = QLabel()
        self.mapping_table = QTableWidget(0, 2)
        self.mapping_table.setHorizontalHeaderLabels(["表格中的列名", "对应的项目字段"])
        self.mapping_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping_table.verticalHeader().hide()
        self.reanalyse_button = QPushButton("按修改后的对应关系重新检查")
        self.reanalyse_button.clicked.connect(self.reanalyse)
        layout = QVBoxLayout(page)
        layout.addWidget(self.header_label)
        layout.addWidget(self.mapping_table, 1)
        layout.addWidget(self.reanalyse_button, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    def _results_page(self) -> QWidget:
        page = QWidget()
        self.counts_label = QLabel()
        self.counts_label.setWordWrap(True)
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(list(KINDS))
        self.kind_combo.currentIndexChanged.connect(self._fill_issues)
        self.issues_table = QTableWidget(0, 4)
        self.issues_table.setHorizontalHeaderLabels(["类别", "行号", "列", "说明"])
        self.issues_table.verticalHeader().hide()
        self.issues_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.issues_table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((50, 50, 140)):
            self.issues_table.horizontalHeader().resizeSection(column, width)
        self.skip_radio = QRadioButton("跳过重复的项目（默认）")
        self.update_radio = QRadioButton("用表格中的数据更新已有项目")
        self.skip_radio.setChecked(True)
        group = QButtonGroup(page)
        group.addButton(self.skip_radio)
        group.addButton(self.update_radio)
        self.create_missing_check = QCheckBox("导入时新建表中出现的未知单位、乡镇和产业（否则这些字段留空，只记警告）")
        self.report_button = QPushButton("保存问题清单…")
        self.report_button.clicked.connect(self.save_report)
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel("显示"))
        filter_row.addWidget(self.kind_combo)
        filter_row.addStretch(1)
        filter_row.addWidget(self.report_button)
        dup_row = QHBoxLayout()
        dup_row.addWidget(QLabel("重复项目："))
        dup_row.addWidget(self.skip_radio)
        dup_row.addWidget(self.update_radio)
        dup_row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(self.counts_label)
        layout.addLayout(filter_row)
        layout.addWidget(self.issues_table, 1)
        self.issues_more = QLabel()
        self.issues_more.setVisible(False)
        layout.addWidget(self.issues_more)
        layout.addLayout(dup_row)
        layout.addWidget(self.create_missing_check)
        return page

    def _run_page(self) -> QWidget:
        page = QWidget()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.final_report_button = QPushButton("保存问题清单…")
        self.final_report_button.clicked.connect(self.save_report)
        self.final_report_button.hide()
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.final_report_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        return page

    # --- navigation --------------------------------------------------------------------------
    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.step_label.setText(f"第 {index + 1} 步，共 {len(PAGE_TITLES)} 步：{PAGE_TITLES[index]}")
        # After a cancelled or failed import, 上一步 leads back to the results to try again.
        self.back_button.setEnabled(
            index in (PAGE_MAPPING, PAGE_RESULTS) or (index == PAGE_RUN and self.outcome is None and self.task is None)
        )
        self.next_button.setVisible(index != PAGE_RUN)
        self.next_button.setText({PAGE_RESULTS: "导入"}.get(index, "下一步"))
        self.next_button.setEnabled(index != PAGE_FILE or bool(self.file_edit.text()))
        self.cancel_button.setText("完成" if index == PAGE_RUN and self.outcome else "关闭")

    def back(self) -> None:
        self._show_page(max(PAGE_FILE, self.pages.currentIndex() - 1))

    def next(self) -> None:
        index = self.pages.currentIndex()
        if index == PAGE_FILE:
            self.start_analysis()
        elif index == PAGE_MAPPING:
            if self.mapping_changed():
                self.start_analysis(self.current_mapping(), then=PAGE_RESULTS)
            else:
                self._show_page(PAGE_RESULTS)
        elif index == PAGE_RESULTS:
            self.start_commit()

    # --- file ---------------------------------------------------------------------------------
    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择要导入的清单", "", EXCEL_FILTER)
        if path:
            self.set_file(path)

    def set_file(self, path: str | Path) -> bool:
        from desktop.services.excel_import import list_sheets

        self.file_edit.setText(str(path))
        self.sheet_combo.clear()
        self.analysis = None
        try:
            sheets = list_sheets(path)
        except UserError as exc:
            self.status.setText(str(exc))
            self.status.setStyleSheet("color: #c62828;")
            self.next_button.setEnabled(False)
            return False
        self.sheet_combo.addItems(sheets)
        self.status.setText("")
        self.next_button.setEnabled(True)
        return True

    # --- analysis ----------------------------------------------------------------------------
    def start_analysis(self, mapping_overrides: dict[int, str] | None = None, then: int = PAGE_MAPPING) -> None:
        from desktop.services.excel_import import analyse

        self.page_after_check = then
        self._start(
            CHECKING, "正在检查表格……", analyse, self.file_edit.text(),
            sheet=self.sheet_combo.currentText() or None, mapping_overrides=mapping_overrides,
            on_result=self._analysed,
        )

    def current_mapping(self) -> dict[int, str]:
        """Column → field as the mapping combos show it now ("" for a column not imported)."""
        mapping = {}
        for row in range(self.mapping_table.rowCount()):
            combo = self.mapping_table.cellWidget(row, 1)
            mapping[combo.property("column")] = combo.currentData() or ""
        return mapping

    def mapping_changed(self) -> bool:
        """Whether the user edited the mapping since the check whose results the wizard holds."""
        return self.current_mapping() != self.checked_mapping

    def reanalyse(self) -> None:
        self.start_analysis(self.current_mapping(), then=PAGE_MAPPING)

    def _analysed(self, analysis) -> None:
        from desktop.services.excel_import import FIELDS

        cancelled = self.cancel_requested
        self._idle()
        if self._close_if_asked():
            return
        if cancelled:  # finished before it saw the cancel: the user asked not to have these results
            self._say_cancelled()
            return
        self.analysis = analysis
        self.header_label.setText(
            f"表头在第 {analysis.header_row} 行。如某列对应错了，在右边改正，点“下一步”时会按改正后的对应关系重新检查。"
        )
        self.mapping_table.setRowCount(len(analysis.headers))
        for row, header in enumerate(analysis.headers):
            self.mapping_table.setItem(row, 0, QTableWidgetItem(header))
            combo = QComboBox()
            combo.addItem("（不导入）", "")
            for key, label in FIELDS.items():
                combo.addItem(label, key)
            combo.setProperty("column", row)
            position = combo.findData(analysis.mapping.get(row, ""))
            combo.setCurrentIndex(max(position, 0))
            self.mapping_table.setCellWidget(row, 1, combo)
        self.checked_mapping = self.current_mapping()
        self._fill_counts()
        self._fill_issues()
        if self.pages.currentIndex() == PAGE_MAPPING and self.page_after_check == PAGE_MAPPING:
            self.status.setText(
                f"已按新的对应关系检查：可导入 {analysis.valid} 行，错误 {len(analysis.errors)} 处。"
            )
        self._show_page(self.page_after_check)

    def _fill_counts(self) -> None:
        a = self.analysis
        text = (
            f"读取 {a.rows_read} 行：可导入 {a.valid} 行，错误 {len(a.errors)} 处，警告 {len(a.warnings)} 处，"
            f"重复 {len(a.duplicates)} 个；可导入部分总投资 {format_yi(a.total_investment_wan)} 亿元。"
        )
        if a.already_imported:
            text += "\n注意：这个文件以前已经导入过一次。"
        self.counts_label.setText(text)

    def issue_rows(self, kind: str = "全部") -> list[tuple[str, int, str, str]]:
        a = self.analysis
        if a is None:
            return []
        rows = [("错误", i.row, i.column, i.message) for i in a.errors]
        rows += [("警告", i.row, i.column, i.message) for i in a.warnings]
        rows += [("重复", d.row, "", f"与{'第 %s 行' % d.matches if isinstance(d.matches, int) else '已有项目 ' + str(d.matches)}重复")
                 for d in a.duplicates]
        if kind != "全部":
            rows = [r for r in rows if r[0] == kind]
        return sorted(rows, key=lambda r: (r[1], r[0]))

    def _fill_issues(self, *_args) -> None:
        rows = self.issue_rows(self.kind_combo.currentText())
        # A 100,000-row sheet can carry a problem on every row: the table shows the first ones (errors
        # first when filtered), the problem report holds them all.
        shown = rows[:MAX_ISSUES_SHOWN]
        self.issues_more.setVisible(len(rows) > len(shown))
        self.issues_more.setText(f"只列出前 {len(shown):,} 条（共 {len(rows):,} 条）；全部问题请点“保存问题清单…”。")
        rows = shown
        self.issues_table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                if values[0] == "错误":
                    item.setForeground(Qt.GlobalColor.red)
                if c == len(values) - 1:
                    item.setToolTip(str(value))  # the explanation is often longer than the window is wide
                self.issues_table.setItem(r, c, item)

    def save_report(self) -> None:
        if self.analysis is None:
            return
        from desktop.services.excel_import import write_error_report

        default = str(Path(self.file_edit.text()).with_name(Path(self.file_edit.text()).stem + "-问题清单.xlsx"))
        path, _ = QFileDialog.getSaveFileName(self, "保存问题清单", default, "Excel 文件 (*.xlsx)")
        if not path:
            return
        try:
            write_error_report(self.analysis, path)
        except UserError as exc:
            QMessageBox.warning(self, "无法保存", str(exc))
            return
        self.status.setText(f"问题清单已保存：{path}")

    # --- commit ------------------------------------------------------------------------------
    def start_commit(self) -> None:
        from desktop.services.excel_import import commit

        if self.analysis is None:
            return
        if not self.analysis.valid and not (self.update_radio.isChecked() and self.analysis.duplicates):
            QMessageBox.information(self, "没有可导入的行", "表格中没有可以导入的行，请先按问题清单修改后再导入。")
            return
        self._show_page(PAGE_RUN)
        self.final_report_button.hide()
        self.summary_label.setText("正在写入项目库。取消或出错时一行也不会写入，项目库保持原样。")
        self._start(
            IMPORTING, "正在导入……", commit, self.analysis,
            on_duplicate="update" if self.update_radio.isChecked() else "skip",
            create_missing=self.create_missing_check.isChecked(), on_result=self._committed,
        )

    def _committed(self, outcome) -> None:
        # A result means the transaction committed, even if 取消 came too late to stop it: say so.
        self.outcome = outcome
        self._idle()
        text = f"导入完成：新增 {outcome.imported} 个项目，更新 {outcome.updated} 个，跳过 {outcome.skipped} 个。"
        errors, warnings = len(self.analysis.errors), len(self.analysis.warnings)
        if errors or warnings:
            text += (f"\n错误 {errors} 处（所在的行没有导入），警告 {warnings} 处；"
                     "可保存问题清单发回报送单位核对。")
        self.summary_label.setText(text)
        self.final_report_button.setVisible(bool(errors or warnings or self.analysis.duplicates))
        self._show_page(PAGE_RUN)
        self.imported.emit()
        self._close_if_asked()

    # --- worker plumbing ---------------------------------------------------------------------
    def _start(self, kind: str, text: str, fn, *args, on_result, **kwargs) -> None:
        self._busy(kind, text)
        task = run_task(fn, *args, on_result=on_result, on_error=self._failed, on_progress=self._progress, **kwargs)
        # A synchronous task (tests) has already reported and left the wizard idle: don't keep it as running.
        self.task = task if self.busy else None

    def _busy(self, kind: str, text: str) -> None:
        self.busy = True
        self.task_kind = kind
        self.cancel_requested = False
        self.status.setStyleSheet("")
        self.status.setText(text)
        self.next_button.setEnabled(False)
        self.back_button.setEnabled(False)
        self.pages.setEnabled(False)  # another file, sheet or mapping now would not match the running task
        self.progress.setRange(0, 0)  # a busy bar until the first progress report (reading the file)
        self.stop_button.setEnabled(True)
        self.stop_button.setText("取消")
        self.progress_area.show()

    def _idle(self) -> None:
        self.busy = False
        self.task = None
        self.pages.setEnabled(True)
        self.status.setText("")
        self.progress_area.hide()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def cancel_task(self) -> None:
        """取消: ask the running task to stop; it says so through `_failed` at its next progress report."""
        if self.task is None or self.cancel_requested:
            return
        self.cancel_requested = True
        self.task.cancel()
        self.stop_button.setEnabled(False)
        self.stop_button.setText("正在取消……")
        self.status.setStyleSheet("")
        self.status.setText(f"正在取消{self.task_kind}……")

    def _say_cancelled(self) -> None:
        self.status.setStyleSheet("")
        if self.task_kind == IMPORTING:
            self.status.setText("已取消导入")
            self.summary_label.setText("导入已取消，没有写入任何项目，项目库保持原样。")
            self._show_page(PAGE_RUN)
        else:
            self.status.setText("已取消检查")
            self._show_page(self.pages.currentIndex())

    def _failed(self, message: str, _is_user_error: bool) -> None:
        cancelled = self.cancel_requested and message == CANCELLED
        self._idle()
        if self._close_if_asked():
            return
        if cancelled:
            self._say_cancelled()
            return
        self.status.setStyleSheet("color: #c62828;")
        self.status.setText(message)
        if self.pages.currentIndex() == PAGE_RUN and not self.outcome:
            self.summary_label.setText(f"导入没有完成，项目库保持原样。{message}")
            self._show_page(PAGE_RUN)
        else:
            self._show_page(self.pages.currentIndex())

    def _close_if_asked(self) -> bool:
        """After 关闭 was confirmed during a task, close once the task has reported (the service has
        rolled back by then), never while it may still be writing."""
        if not self.close_when_done:
            return False
        self.close_when_done = False
        super().reject()
        return True

    def reject(self) -> None:
        if self.task is not None:
            if self.close_when_done:
                return  # already cancelling, closes when the task reports
            answer = QMessageBox.question(
                self, "取消并关闭", f"正在{self.task_kind}，确定要取消并关闭吗？",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            if self.task is None:  # the task ended while the question was open
                super().reject()
                return
            self.close_when_done = True
            self.cancel_task()
            return
        super().reject()
