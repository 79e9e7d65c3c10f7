"""导入 Excel: file → sheet → column mapping → check results → duplicates → import with progress → summary.

Analysis and import run on the worker pool; the wizard only shows what the import service reports.
One progress bar with its 取消 button sits under the pages and shows whichever task runs, so a check
started from the file page or the mapping page moves a bar the user can see.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDir, Qt, QTimer, Signal
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
# Within one Excel row the table lists what keeps the row out first: errors, then a duplicate, then warnings.
KIND_ORDER = {"错误": 0, "重复": 1, "警告": 2}
WHOLE_FILE = "整个文件"  # the 行号 shown for a problem of the file rather than of one row (row 0)
IMPORT_FOLDER_KEY = "import/last_folder"
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
        self.sheet_chosen = False
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
        self.back_button = QPushButton("上一步(&B)")
        self.next_button = QPushButton("下一步(&N)")
        self.cancel_button = QPushButton("关闭")
        for button in (self.back_button, self.next_button, self.cancel_button):
            button.setAutoDefault(False)
        self.next_button.setDefault(True)  # Enter goes on, as in any wizard; Esc closes
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
        self.browse_button = QPushButton("浏览(&O)…")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.browse_button)
        self.sheet_combo = QComboBox()
        # An error said about the sheet checked before is not about the one picked now.
        self.sheet_combo.currentIndexChanged.connect(self._sheet_changed)
        self.sheet_label = QLabel("工作表(&S)")
        self.sheet_label.setBuddy(self.sheet_combo)
        form = QFormLayout(page)
        form.addRow("文件", row)
        form.addRow(self.sheet_label, self.sheet_combo)
        hint = QLabel("只读取，不修改原文件。下一步会先检查整张表，确认后才写入项目库。")
        hint.setStyleSheet("color: #666;")
        hint.setWordWrap(True)
        form.addRow("", hint)
        return page

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        self.header_label = QLabel()
        self.header_label.setWordWrap(True)  # a long sheet name
        self.mapping_table = QTableWidget(0, 2)
        self.mapping_table.setHorizontalHeaderLabels(["表格中的列名", "对应的项目字段"])
        self.mapping_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_table.setTabKeyNavigation(False)  # Tab goes from one drop-down to the next, then on
        self.reanalyse_button = QPushButton("按修改后的对应关系重新检查(&C)")
        self.reanalyse_button.setAutoDefault(False)
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
        for kind in KINDS:
            self.kind_combo.addItem(kind, kind)
        self.kind_combo.currentIndexChanged.connect(self._fill_issues)
        self.issues_table = QTableWidget(0, 4)
        self.issues_table.setHorizontalHeaderLabels(["类别", "行号", "列", "说明"])
        self.issues_table.verticalHeader().hide()
        self.issues_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.issues_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.issues_table.setTabKeyNavigation(False)  # a 2,000-row list must not swallow Tab: arrows move in it
        self.issues_table.setWordWrap(True)
        self.issues_table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((50, 64, 150)):
            self.issues_table.horizontalHeader().resizeSection(column, width)
        # Long explanations wrap onto a second line rather than end in “…”: rows follow the width.
        self.issues_table.horizontalHeader().sectionResized.connect(self._issue_width_changed)
        self._rows_fitted_to = -1
        self.skip_radio = QRadioButton("跳过重复的项目（默认）(&K)")
        self.update_radio = QRadioButton("用表格中的数据更新已有项目(&U)")
        self.skip_radio.setChecked(True)
        group = QButtonGroup(page)
        group.addButton(self.skip_radio)
        group.addButton(self.update_radio)
        self.create_missing_check = QCheckBox("导入时新建表中出现的未知单位、乡镇和产业（否则这些字段留空，只记警告）(&M)")
        self.report_button = QPushButton("保存问题清单(&E)…")
        self.report_button.setAutoDefault(False)
        self.report_button.clicked.connect(self.save_report)
        kind_label = QLabel("显示(&V)")
        kind_label.setBuddy(self.kind_combo)
        filter_row = QHBoxLayout()
        filter_row.addWidget(kind_label)
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
        # Tab in reading order: the filter, the button beside it, the list, then the choices under it.
        chain = (self.kind_combo, self.report_button, self.issues_table, self.skip_radio, self.update_radio,
                 self.create_missing_check)
        for before, after in zip(chain, chain[1:]):
            QWidget.setTabOrder(before, after)
        return page

    def _run_page(self) -> QWidget:
        page = QWidget()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.final_report_button = QPushButton("保存问题清单(&E)…")
        self.final_report_button.setAutoDefault(False)
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
        self.next_button.setText({PAGE_RESULTS: "导入(&I)"}.get(index, "下一步(&N)"))
        self.next_button.setEnabled(index != PAGE_FILE or bool(self.file_edit.text()))
        self.cancel_button.setText("完成" if index == PAGE_RUN and self.outcome else "关闭")
        # Enter presses 下一步/导入, and on the last page 完成 (下一步 is hidden there).
        self.next_button.setDefault(index != PAGE_RUN)
        self.cancel_button.setDefault(index == PAGE_RUN)

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
        path, _ = QFileDialog.getOpenFileName(self, "选择要导入的清单", self._import_folder(), EXCEL_FILTER)
        if path:
            from desktop.views.main_window import ui_settings

            ui_settings().setValue(IMPORT_FOLDER_KEY, str(Path(path).parent))
            self.set_file(path)

    @staticmethod
    def _import_folder() -> str:
        """Where the townships' sheets were found last time (they arrive by mail into one folder), else 文档;
        never the program's own folder, where an empty start leaves the dialog."""
        from desktop.views.main_window import ui_settings
        from desktop.views.table_export import export_folder

        folder = ui_settings().value(IMPORT_FOLDER_KEY, "", str)
        return folder if folder and Path(folder).is_dir() else export_folder()

    def set_file(self, path: str | Path) -> bool:
        from desktop.services.excel_import import list_sheets

        shown = QDir.toNativeSeparators(str(path))  # “C:\…” on Windows, as Explorer writes paths
        self.file_edit.setText(shown)
        self.file_edit.setToolTip(shown)  # a long folder name leaves only the end of the path in view
        self.file_edit.setCursorPosition(len(shown))  # …and that end is the file name
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.blockSignals(False)
        self.analysis = None
        # Until the user picks a sheet the service chooses it (the first data sheet with anything in it:
        # WPS's empty Sheet1 is passed over), and the list then shows its choice.
        self.sheet_chosen = False
        try:
            sheets = list_sheets(path)
        except UserError as exc:
            self.status.setText(str(exc))
            self.status.setStyleSheet("color: #c62828;")
            self.next_button.setEnabled(False)
            return False
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.addItems(sheets)
        self.sheet_combo.blockSignals(False)
        self.status.setText("")
        self.next_button.setEnabled(True)
        return True

    def _sheet_changed(self, _index: int) -> None:
        self.sheet_chosen = True
        if not self.busy:
            self.status.setStyleSheet("")
            self.status.setText("")

    # --- analysis ----------------------------------------------------------------------------
    def start_analysis(self, mapping_overrides: dict[int, str] | None = None, then: int = PAGE_MAPPING) -> None:
        from desktop.services.excel_import import analyse

        self.page_after_check = then
        self._start(
            CHECKING, "正在检查表格……", analyse, self.file_edit.text(),
            sheet=(self.sheet_combo.currentText() or None) if self.sheet_chosen else None, mapping_overrides=mapping_overrides,
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

    @staticmethod
    def _header_text(analysis, column: int, header: str) -> str:
        """The column's name as the sheet has it, with the unit its amounts are read in when that unit came
        from a group cell above (计划投资（亿元） over 总投资 shows “总投资（亿元）”): 1.5 there is 1.5 亿元."""
        from desktop.services.excel_import import UNIT_WORDS

        units = analysis.header_units
        unit = UNIT_WORDS.get(units[column] if column < len(units) else "", "")
        if not unit or not header or unit in header or units[column] in header:
            return header
        return f"{header}（{unit}）"

    def _mapping_edited(self, edited: QComboBox) -> None:
        """One field comes from one column: choosing a field another column had takes it from that column,
        on screen at once, so the check runs with what the user sees (联系人及电话 may come from two)."""
        key = edited.currentData()
        if not key or key == "contact":
            return
        for row in range(self.mapping_table.rowCount()):
            other = self.mapping_table.cellWidget(row, 1)
            if other is not edited and other.currentData() == key:
                other.blockSignals(True)
                other.setCurrentIndex(0)
                other.blockSignals(False)
                before = self.mapping_table.item(row, 0).text()
                now = self.mapping_table.item(edited.property("column"), 0).text()
                self.status.setStyleSheet("")
                self.status.setText(f"“{edited.currentText()}”改由“{now}”列导入，“{before}”列改为不导入。")

    def _chain_mapping_focus(self) -> None:
        """Tab walks the drop-downs top to bottom, then on to the button under the table."""
        combos = [self.mapping_table.cellWidget(row, 1) for row in range(self.mapping_table.rowCount())]
        chain = [self.mapping_table, *combos, self.reanalyse_button]
        for before, after in zip(chain, chain[1:]):
            QWidget.setTabOrder(before, after)

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
        if self.sheet_combo.currentText() != analysis.sheet:
            self.sheet_combo.blockSignals(True)
            self.sheet_combo.setCurrentText(analysis.sheet)
            self.sheet_combo.blockSignals(False)
        first = analysis.first_header_row or analysis.header_row
        rows = f"第 {first}–{analysis.header_row} 行" if first < analysis.header_row else f"第 {analysis.header_row} 行"
        self.header_label.setText(
            f"工作表“{analysis.sheet}”的表头在{rows}。如某列对应错了，在右边改正，点“下一步”时会按改正后的对应关系重新检查。"
        )
        self.mapping_table.setRowCount(len(analysis.headers))
        for row, header in enumerate(analysis.headers):
            self.mapping_table.setItem(row, 0, QTableWidgetItem(self._header_text(analysis, row, header)))
            combo = QComboBox()
            combo.addItem("（不导入）", "")
            for key, label in FIELDS.items():
                combo.addItem(label, key)
            combo.setProperty("column", row)
            position = combo.findData(analysis.mapping.get(row, ""))
            combo.setCurrentIndex(max(position, 0))
            combo.currentIndexChanged.connect(lambda _i, c=combo: self._mapping_edited(c))
            self.mapping_table.setCellWidget(row, 1, combo)
        self._chain_mapping_focus()
        self.checked_mapping = self.current_mapping()
        self._fill_counts()
        self._fill_kind_counts()
        self.report_button.setEnabled(bool(analysis.errors or analysis.warnings or analysis.duplicates))
        self._fill_issues()
        if self.pages.currentIndex() == PAGE_MAPPING and self.page_after_check == PAGE_MAPPING:
            self.status.setText(
                f"已按新的对应关系检查：可导入 {analysis.valid} 行，错误 {len(analysis.errors)} 处。"
            )
        self._show_page(self.page_after_check)

    def _fill_counts(self) -> None:
        a = self.analysis
        text = (
            f"从工作表“{a.sheet}”读取 {a.rows_read} 行：可导入 {a.valid} 行，错误 {len(a.errors)} 处，警告 {len(a.warnings)} 处，"
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
        rows += [("重复", d.row, "", f"与第 {d.matches} 行重复" if isinstance(d.matches, int) else f"与已有项目 {d.matches} 重复")
                 for d in a.duplicates]
        if kind != "全部":
            rows = [r for r in rows if r[0] == kind]
        return sorted(rows, key=lambda r: (r[1], KIND_ORDER[r[0]]))

    def _fill_kind_counts(self) -> None:
        """“错误（3）”: the filter says how many of each there are before the user picks one."""
        a = self.analysis
        counts = {"全部": len(a.errors) + len(a.warnings) + len(a.duplicates), "错误": len(a.errors),
                  "警告": len(a.warnings), "重复": len(a.duplicates)}
        for index in range(self.kind_combo.count()):
            kind = self.kind_combo.itemData(index)
            self.kind_combo.setItemText(index, f"{kind}（{counts[kind]:,}）")

    def _fill_issues(self, *_args) -> None:
        rows = self.issue_rows(self.kind_combo.currentData() or "全部")
        # A 100,000-row sheet can carry a problem on every row: the table shows the first ones (errors
        # first when filtered), the problem report holds them all.
        shown = rows[:MAX_ISSUES_SHOWN]
        self.issues_more.setVisible(len(rows) > len(shown))
        self.issues_more.setText(f"只列出前 {len(shown):,} 条（共 {len(rows):,} 条）；全部问题请点“保存问题清单…”。")
        rows = shown
        self.issues_table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(WHOLE_FILE if c == 1 and value == 0 else str(value))
                if values[0] == "错误":
                    item.setForeground(Qt.GlobalColor.red)
                if c == len(values) - 1:
                    item.setToolTip(str(value))  # the explanation is often longer than the window is wide
                self.issues_table.setItem(r, c, item)
        self._rows_fitted_to = -1
        self._fit_issue_rows()

    def _issue_width_changed(self, column: int, _old: int, _new: int) -> None:
        if column == self.issues_table.columnCount() - 1:
            QTimer.singleShot(0, self, self._fit_issue_rows)  # once per resize, after the layout settled

    def _fit_issue_rows(self) -> None:
        width = self.issues_table.columnWidth(self.issues_table.columnCount() - 1)
        if width != self._rows_fitted_to:
            self._rows_fitted_to = width
            self.issues_table.resizeRowsToContents()

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
        self.status.setStyleSheet("")
        self.status.setText(f"问题清单已保存：{QDir.toNativeSeparators(path)}")

    # --- commit ------------------------------------------------------------------------------
    def start_commit(self) -> None:
        from desktop.services.excel_import import commit

        if self.analysis is None:
            return
        if not self.analysis.valid and not (self.update_radio.isChecked() and self.analysis.duplicates):
            in_library = [d for d in self.analysis.duplicates if not isinstance(d.matches, int)]
            if in_library:  # a file sent again: nothing is wrong with it, the choice above decides
                QMessageBox.information(
                    self, "项目都已在项目库中",
                    f"表格中的项目在项目库里都已经有了（{len(in_library)} 个），按“跳过重复的项目”不会导入任何内容。"
                    "要用表格中的数据更新这些项目，请选“用表格中的数据更新已有项目”后再点“导入”。")
            else:
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
        text = (f"已从文件“{self.analysis.file_name}”的工作表“{self.analysis.sheet}”导入：\n"
                f"新增 {outcome.imported} 个项目，更新 {outcome.updated} 个，跳过 {outcome.skipped} 个。")
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
        # Another file, sheet or mapping now would not match the running task; the import page only
        # says what is happening, and stays readable.
        for index in range(self.pages.count()):
            self.pages.widget(index).setEnabled(index == PAGE_RUN)
        self.progress.setRange(0, 0)  # a busy bar until the first progress report (reading the file)
        self.stop_button.setEnabled(True)
        self.stop_button.setText("取消")
        self.cancel_button.setDefault(False)  # Enter while it runs must not start “取消并关闭”
        self.progress_area.show()

    def _idle(self) -> None:
        self.busy = False
        self.task = None
        for index in range(self.pages.count()):
            self.pages.widget(index).setEnabled(True)
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
