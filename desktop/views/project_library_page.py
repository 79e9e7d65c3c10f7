"""项目库: the table of all projects with search, filters and a count/total summary."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.services import lifecycle, project_list, reference
from desktop.services.projects import STATUSES
from desktop.services.project_list import AMOUNT_BANDS, ProjectFilter
from desktop.views.project_table_model import ProjectTableModel

ALL = "全部"


def _combo(placeholder: str, items: list[str], width: int = 110) -> QComboBox:
    combo = QComboBox()
    combo.addItem(placeholder, "")
    for item in items:
        combo.addItem(item, item)
    combo.setMinimumWidth(width)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(6)
    return combo


class ProjectLibraryPage(QWidget):
    """Emits `summary_changed(count, total 万元)` whenever what is shown changes."""

    summary_changed = Signal(int, object)
    open_project = Signal(int)
    new_project = Signal()
    import_requested = Signal(str)  # a file path, or "" to choose one

    title = "项目库"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = ProjectTableModel(self)
        self._phase_steps: dict[str, set[int]] = {}

        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索：项目名称、投资方、编号，或拼音首字母（如 fyly）")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("搜索项目")
        self.count_label = QLabel()
        self.clear_button = QPushButton("清除筛选")

        self.stage_combo = _combo("全部阶段", [])
        self.industry_combo = _combo("全部产业", [])
        self.unit_combo = _combo("全部责任单位", [], 130)
        self.township_combo = _combo("全部乡镇", [])
        self.status_combo = _combo("全部状态", list(STATUSES), 90)
        self.key_combo = _combo("全部项目", ["重点项目", "非重点项目"], 100)
        self.amount_combo = _combo("全部金额", [band for band in AMOUNT_BANDS if band], 100)
        self.filter_combos = [
            self.stage_combo, self.industry_combo, self.unit_combo, self.township_combo,
            self.status_combo, self.key_combo, self.amount_combo,
        ]

        top = QHBoxLayout()
        top.addWidget(QLabel("搜索"))
        top.addWidget(self.search, 1)
        top.addWidget(self.clear_button)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("筛选"))
        for combo in self.filter_combos:
            filters.addWidget(combo)
        filters.addStretch(1)
        filters.addWidget(self.count_label)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((104, 220, 170, 72, 110, 70, 50, 116, 64, 64, 90)):
            header.resizeSection(column, width)
        # The name takes what the window has to spare, so 入库日期 stays on screen at 1366 px.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)

        # A list chosen elsewhere (a dashboard card, a warning): shown with its title until cleared.
        self._selection = None
        self.selection_label = QLabel()
        self.selection_label.setStyleSheet("background: #e3f2fd; color: #0d47a1; padding: 4px 8px;")
        self.selection_clear = QPushButton("显示全部项目")
        self.selection_clear.clicked.connect(self.clear_filters)
        selection_row = QHBoxLayout()
        selection_row.addWidget(self.selection_label, 1)
        selection_row.addWidget(self.selection_clear)
        self.selection_bar = QWidget()
        self.selection_bar.setLayout(selection_row)
        selection_row.setContentsMargins(0, 0, 0, 0)
        self.selection_bar.hide()

        self.empty_label = QLabel("还没有项目。点击工具栏的“新建项目”（Ctrl+N）录入第一个项目。")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #666; padding: 24px;")
        self.empty_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.selection_bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        for combo in self.filter_combos:
            combo.currentIndexChanged.connect(self.apply_filter)
        self.clear_button.clicked.connect(self.clear_filters)
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.model.modelReset.connect(self._emit_summary)

        self.actions_for_toolbar = self._make_actions()
        self.setAcceptDrops(True)

    def _make_actions(self) -> list[QAction]:
        new_action = QAction("新建项目", self)
        new_action.setShortcut(QKeySequence.StandardKey.New)
        new_action.setToolTip("新建项目（Ctrl+N）")
        new_action.triggered.connect(self.new_project.emit)
        edit_action = QAction("打开/编辑", self)
        edit_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        edit_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        edit_action.setToolTip("打开选中的项目（回车）")
        edit_action.triggered.connect(self.open_selected)
        self.table.addAction(edit_action)
        find_action = QAction("查找", self)
        find_action.setShortcut(QKeySequence.StandardKey.Find)
        find_action.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(find_action)
        import_action = QAction("导入…", self)
        import_action.setShortcut(QKeySequence("Ctrl+I"))
        import_action.setToolTip("导入乡镇、部门报来的 Excel 清单（Ctrl+I；也可以把文件拖到表格上）")
        import_action.triggered.connect(lambda: self.import_requested.emit(""))
        export_action = QAction("导出…", self)
        export_action.setShortcut(QKeySequence("Ctrl+E"))
        export_action.setToolTip("把当前显示的项目（按当前筛选和排序）导出为 Excel（Ctrl+E）")
        export_action.triggered.connect(self.export_shown)
        template_action = QAction("下载模板…", self)
        template_action.setToolTip("生成给乡镇填报用的 Excel 模板")
        template_action.triggered.connect(self.save_template)
        refresh_action = QAction("刷新", self)
        refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh_action.setToolTip("重新读取项目库（F5）")
        refresh_action.triggered.connect(self.load)
        return [new_action, edit_action, import_action, export_action, template_action, refresh_action]

    # --- data --------------------------------------------------------------------------------
    def load(self) -> None:
        """(Re)read every project and the pick lists; keeps the current filters."""
        rows = project_list.load_rows()
        steps = lifecycle.steps_summary()
        self._phase_steps = project_list.phase_steps()
        self._refill(self.stage_combo, [phase for phase in self._phase_steps])
        self._refill(self.industry_combo, project_list.industries_in_use())
        self._refill(self.unit_combo, [u.name for u in reference.list_units()])
        self._refill(self.township_combo, [u.name for u in reference.list_units("乡镇")])
        self._search_timer.stop()
        # The filters go in with the rows: one reset of the table (one filter pass, one summary).
        self.model.set_rows(rows, steps.labels, steps.names, self.criteria())

    @staticmethod
    def _refill(combo: QComboBox, items: list[str]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for item in items:
            combo.addItem(item, item)
        position = combo.findData(current)
        combo.setCurrentIndex(position if position >= 0 else 0)
        combo.blockSignals(False)

    def criteria(self) -> ProjectFilter:
        key = self.key_combo.currentData()
        return ProjectFilter(
            text=self.search.text(),
            stage_phase=self.stage_combo.currentData() or "",
            industry=self.industry_combo.currentData() or "",
            responsible_unit=self.unit_combo.currentData() or "",
            township=self.township_combo.currentData() or "",
            status=self.status_combo.currentData() or "",
            key_only=None if not key else key == "重点项目",
            amount_band=self.amount_combo.currentData() or "",
            phase_steps=self._phase_steps,
            project_ids=self._selection.project_ids if self._selection is not None else None,
            title=self._selection.title if self._selection is not None else "",
        )

    def show_selection(self, criteria: ProjectFilter) -> None:
        """Show exactly the projects `criteria` names (its `project_ids`), with its title above the table."""
        self.clear_filters()
        if criteria.project_ids is not None:
            self._selection = criteria
            self.selection_label.setText(f"正在显示：{criteria.title or '选定的项目'}（{len(criteria.project_ids)} 个）")
            self.selection_bar.show()
        else:
            for combo, value in ((self.stage_combo, criteria.stage_phase), (self.industry_combo, criteria.industry),
                                 (self.unit_combo, criteria.responsible_unit), (self.township_combo, criteria.township),
                                 (self.status_combo, criteria.status), (self.amount_combo, criteria.amount_band)):
                position = combo.findData(value) if value else 0
                combo.blockSignals(True)
                combo.setCurrentIndex(max(position, 0))
                combo.blockSignals(False)
            if criteria.text:
                self.search.blockSignals(True)
                self.search.setText(criteria.text)
                self.search.blockSignals(False)
        self.apply_filter()

    def apply_filter(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.criteria())

    def clear_filters(self) -> None:
        self._selection = None
        self.selection_bar.hide()
        for combo in self.filter_combos:
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filter()

    def project_saved(self, project_id: int) -> None:
        """A project was created or changed elsewhere: re-read its row and select it."""
        rows = project_list.load_rows(project_id)
        if rows:
            self.model.replace_row(rows)
        else:
            self.model.remove_project(project_id)
        position = self.model.row_of_project(project_id)
        if position is not None:
            self.table.selectRow(position)
            self.table.scrollTo(self.model.index(position, 0))

    def _emit_summary(self) -> None:
        summary = self.model.summary()
        has_any = bool(self.model.all_rows())
        self.empty_label.setVisible(not has_any)
        self.table.setVisible(has_any)
        self.count_label.setText(f"共 {summary.count} 个项目")
        self.summary_changed.emit(summary.count, summary.total_wan)

    # --- opening -----------------------------------------------------------------------------
    def selected_project_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.project_id_at(rows[0].row()) if rows else None

    def open_selected(self) -> None:
        project_id = self.selected_project_id()
        if project_id is not None:
            self.open_project.emit(project_id)

    def _open_row(self, row: int) -> None:
        project_id = self.model.project_id_at(row)
        if project_id is not None:
            self.open_project.emit(project_id)


    # --- files ---------------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if self.dropped_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = self.dropped_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.handle_dropped_paths(paths)

    @staticmethod
    def dropped_paths(mime) -> list[str]:
        if not mime.hasUrls():
            return []
        return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()
                and url.toLocalFile().lower().endswith((".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".et"))]

    def handle_dropped_paths(self, paths: list[str]) -> None:
        """A workbook dropped on the library opens the import wizard on it (one file at a time)."""
        if paths:
            self.import_requested.emit(paths[0])

    def export_shown(self) -> None:
        import datetime as dt

        from desktop.services.dates import format_date
        from desktop.views.table_export import choose_save_path

        path = choose_save_path(self, "导出项目库", f"项目库-{format_date(dt.date.today())}.xlsx")
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        from desktop.services.excel_export import export_projects
        from desktop.views.progress import run_with_progress

        rows, shown = self.model.all_rows(), self.model.shown_indices()
        run_with_progress(
            self, "正在导出……", export_projects, path, rows, shown, title="项目库",
            done=lambda count: self.count_label.setText(f"已导出 {count} 个项目到 {path}"),
        )

    def save_template(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from desktop.errors import UserError
        from desktop.services.excel_template import write_template
        from desktop.views.table_export import choose_save_path

        path = choose_save_path(self, "保存填报模板", "项目清单填报模板.xlsx")
        if not path:
            return
        try:
            write_template(path, lists=True)
        except UserError as exc:
            QMessageBox.warning(self, "无法保存模板", str(exc))
            return
        self.count_label.setText(f"模板已保存：{path}")


def total_text(total_wan: Decimal) -> str:
    from desktop.services.money import format_yi

    return format_yi(total_wan, unit=True)
