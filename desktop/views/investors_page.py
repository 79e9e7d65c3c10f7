"""客商: investors with their 统一社会信用代码 (checked as you type), contacts and projects, and 查重 —
the pairs that are probably one company, merged after a confirmation (the merge is logged)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError, ValidationError
from desktop.services import investors
from desktop.views.table_export import export_action, export_shown_table
from desktop.views.widgets import ERROR_STYLE, FieldWithError, list_beside_form, list_table, table_cell


def _table(columns, *, stretch: int | None = 0, editable: bool = False):
    return list_table(columns, stretch, editable=editable)

LIST_COLUMNS = ("企业名称", "统一社会信用代码", "地区", "产业", "项目数")
CONTACT_COLUMNS = ("姓名", "职务", "电话")
PROJECT_COLUMNS = ("项目编号", "项目名称")
PAIR_COLUMNS = ("客商一", "客商二", "判断依据")
LOG_COLUMNS = ("合并时间", "保留", "并入（已删除）", "其信用代码", "移过来的项目", "移过来的联系人", "操作人")
BAD_CELL = QColor("#fde0e0")
COL_PROJECT_COUNT = LIST_COLUMNS.index("项目数")

class InvestorForm(QWidget):
    """One investor: fields, contacts grid (phones checked), attached projects."""

    saved = Signal(int)
    open_project = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.company_id: int | None = None
        self.name_edit = QLineEdit()
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("18 位，如 91350428MA2XXXXXXX")
        self.code_edit.setMaxLength(24)
        self.code_field = FieldWithError(self.code_edit)
        self.name_field = FieldWithError(self.name_edit)
        self.region_edit = QLineEdit()
        self.industry_edit = QLineEdit()
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setFixedHeight(54)
        form = QFormLayout()
        form.addRow("企业名称 *", self.name_field)
        form.addRow("统一社会信用代码", self.code_field)
        form.addRow("地区", self.region_edit)
        form.addRow("产业", self.industry_edit)
        form.addRow("备注", self.notes_edit)

        self.contacts = _table(CONTACT_COLUMNS, stretch=2, editable=True)
        self.contacts.setMinimumHeight(120)
        self.contact_error = QLabel()
        self.contact_error.setStyleSheet(ERROR_STYLE)
        self.contact_error.setWordWrap(True)
        self.add_contact_button = QPushButton("添加联系人")
        self.remove_contact_button = QPushButton("删除联系人")
        self.add_contact_button.clicked.connect(lambda: self.add_contact_row())
        self.remove_contact_button.clicked.connect(self.remove_contact_row)
        self.contacts.itemChanged.connect(self._contact_changed)
        contact_buttons = QHBoxLayout()
        contact_buttons.addWidget(self.add_contact_button)
        contact_buttons.addWidget(self.remove_contact_button)
        contact_buttons.addStretch(1)
        contacts_box = QGroupBox("联系人")
        contacts_layout = QVBoxLayout(contacts_box)
        contacts_layout.addWidget(self.contacts)
        contacts_layout.addWidget(self.contact_error)
        contacts_layout.addLayout(contact_buttons)

        self.projects = _table(PROJECT_COLUMNS, stretch=1)
        self.projects.setMinimumHeight(90)
        self.projects.itemDoubleClicked.connect(self._project_double_clicked)
        projects_box = QGroupBox("关联项目（双击打开）")
        QVBoxLayout(projects_box).addWidget(self.projects)

        self.error_label = QLabel()
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.save_button = QPushButton("保存(&S)")
        self.save_button.clicked.connect(self.save)
        self.button_bar = QWidget()
        buttons = QHBoxLayout(self.button_bar)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.error_label, 1)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(contacts_box)
        layout.addWidget(projects_box)
        layout.addWidget(self.button_bar)
        layout.addStretch(1)
        self.code_edit.textChanged.connect(self._check_code)
        self.name_edit.textChanged.connect(lambda text: self.name_field.set_error(None if text.strip() else "请填写企业名称"))
        self.show_investor(None)

    def _check_code(self, text: str) -> None:
        self.code_field.set_error(investors.credit_code_problem(text))

    # --- contacts

    def add_contact_row(self, contact: investors.ContactItem | None = None) -> int:
        self.contacts.blockSignals(True)
        row = self.contacts.rowCount()
        self.contacts.insertRow(row)
        for column, value in enumerate((contact.name, contact.title, contact.phone) if contact else ("", "", "")):
            item = QTableWidgetItem(value)
            if column == 0:
                item.setData(Qt.ItemDataRole.UserRole, contact.id if contact else None)
            self.contacts.setItem(row, column, item)
        self.contacts.blockSignals(False)
        self._check_phone(row)
        return row

    def remove_contact_row(self) -> None:
        rows = self.contacts.selectionModel().selectedRows()
        if rows:
            self.contacts.removeRow(rows[0].row())
            self._contact_changed()

    def _contact_changed(self, item: QTableWidgetItem | None = None) -> None:
        if item is not None and item.column() == 2:
            self._check_phone(item.row())
        problems = [self.contacts.item(r, 2).toolTip() for r in range(self.contacts.rowCount()) if self.contacts.item(r, 2).toolTip()]
        self.contact_error.setText("\n".join(problems))

    def _check_phone(self, row: int) -> None:
        item = self.contacts.item(row, 2)
        problem = investors.phone_problem(item.text())
        self.contacts.blockSignals(True)
        item.setBackground(BAD_CELL if problem else QColor(0, 0, 0, 0))
        item.setToolTip(f"第 {row + 1} 个联系人：{problem}" if problem else "")
        self.contacts.blockSignals(False)
        problems = [self.contacts.item(r, 2).toolTip() for r in range(self.contacts.rowCount()) if self.contacts.item(r, 2).toolTip()]
        self.contact_error.setText("\n".join(problems))

    def contact_items(self) -> list[investors.ContactItem]:
        result = []
        for r in range(self.contacts.rowCount()):
            name, title, phone = (self.contacts.item(r, c).text() for c in range(3))
            result.append(investors.ContactItem(name, title, phone, self.contacts.item(r, 0).data(Qt.ItemDataRole.UserRole)))
        return result

    # --- the record

    def show_investor(self, item: investors.InvestorItem | None) -> None:
        self.company_id = item.id if item else None
        self.name_edit.setText(item.name if item else "")
        self.name_field.set_error(None)
        self.code_edit.setText(item.credit_code if item else "")
        self.region_edit.setText(item.region if item else "")
        self.industry_edit.setText(item.industry if item else "")
        self.notes_edit.setPlainText(item.notes if item else "")
        self.contacts.setRowCount(0)
        for contact in item.contacts if item else []:
            self.add_contact_row(contact)
        self.contact_error.setText("")
        self.projects.setRowCount(len(item.projects) if item else 0)
        for r, (project_id, code, name) in enumerate(item.projects if item else []):
            self.projects.setItem(r, 0, table_cell(code, data=project_id))
            self.projects.setItem(r, 1, table_cell(name))
        self.error_label.setText("")

    def values(self) -> dict:
        return {"name": self.name_edit.text(), "credit_code": self.code_edit.text(), "region": self.region_edit.text(),
                "industry": self.industry_edit.text(), "notes": self.notes_edit.toPlainText(), "contacts": self.contact_items()}

    def save(self) -> int | None:
        try:
            company_id = investors.save_investor(self.values(), self.company_id)
        except ValidationError as exc:
            self.code_field.set_error(exc.errors.get("credit_code"))
            self.name_field.set_error(exc.errors.get("name"))
            self.error_label.setText("没有保存：" + "；".join(exc.errors.values()))
            return None
        except UserError as exc:
            self.error_label.setText(str(exc))
            return None
        self.company_id = company_id
        self.saved.emit(company_id)
        return company_id

    def _project_double_clicked(self, item: QTableWidgetItem) -> None:
        project_id = self.projects.item(item.row(), 0).data(Qt.ItemDataRole.UserRole)
        if project_id:
            self.open_project.emit(project_id)


class InvestorsPage(QWidget):
    title = "客商"
    open_project = Signal(int)

    def __init__(self, parent=None, **_kwargs):
        super().__init__(parent)
        self.items: list[investors.InvestorItem] = []
        self.pairs: list[investors.DuplicatePair] = []

        # --- 客商
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索名称、拼音首字母或信用代码")
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: #555;")
        self.new_button = QPushButton("新建客商(&N)")
        self.new_button.clicked.connect(self.new_investor)
        self.table = _table(LIST_COLUMNS)
        self.form = InvestorForm()
        self.form.saved.connect(lambda company_id: self.load(select_id=company_id))
        self.form.open_project.connect(self.open_project)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.new_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 1)
        self.form.layout().removeWidget(self.form.button_bar)
        splitter = list_beside_form(left, self.form, self.form.button_bar, form_min_width=460)
        list_tab = QWidget()
        QVBoxLayout(list_tab).addWidget(splitter)

        # --- 查重
        self.pair_table = _table(PAIR_COLUMNS, stretch=2)
        self.pair_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.pair_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.keep_first = QRadioButton()
        self.keep_second = QRadioButton()
        self.keep_group = QButtonGroup(self)
        self.keep_group.addButton(self.keep_first)
        self.keep_group.addButton(self.keep_second)
        self.merge_button = QPushButton("合并…")
        self.merge_button.clicked.connect(self.merge_selected)
        self.pair_summary = QLabel()
        self.pair_summary.setStyleSheet("color: #555;")
        keep_row = QHBoxLayout()
        keep_row.addWidget(QLabel("保留："))
        keep_row.addWidget(self.keep_first)
        keep_row.addWidget(self.keep_second)
        keep_row.addStretch(1)
        keep_row.addWidget(self.merge_button)
        self.log_table = _table(LOG_COLUMNS, stretch=2)
        pairs_box = QGroupBox("可能重复的客商（同一信用代码，或名称去掉“有限公司”、括号和地名后相同）")
        pairs_layout = QVBoxLayout(pairs_box)
        pairs_layout.addWidget(self.pair_summary)
        pairs_layout.addWidget(self.pair_table, 1)
        pairs_layout.addLayout(keep_row)
        log_box = QGroupBox("合并记录")
        QVBoxLayout(log_box).addWidget(self.log_table)
        duplicates_tab = QWidget()
        dup_splitter = QSplitter(Qt.Orientation.Vertical)
        dup_splitter.addWidget(pairs_box)
        dup_splitter.addWidget(log_box)
        QVBoxLayout(duplicates_tab).addWidget(dup_splitter)

        self.tabs = QTabWidget()
        self.tabs.addTab(list_tab, "客商")
        self.tabs.addTab(duplicates_tab, "查重")
        QVBoxLayout(self).addWidget(self.tabs)

        self.search.textChanged.connect(lambda *_: self.refresh())
        self.table.itemSelectionChanged.connect(self._selected)
        self.pair_table.itemSelectionChanged.connect(self._pair_selected)

        self.new_action = QAction("新建客商", self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.new_investor)
        self.duplicates_action = QAction("查重", self)
        self.duplicates_action.triggered.connect(lambda: self.tabs.setCurrentIndex(1))
        for action in (self.new_action, self.duplicates_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.export_action = export_action(
            self, "把当前显示的客商名单（按搜索结果）导出为 Excel；在“查重”页导出可能重复的客商", self.export_shown)
        self.actions_for_toolbar = [self.new_action, self.duplicates_action, self.export_action]

    def export_shown(self, path: str | None = None):
        """The list on the current tab as shown: the 客商 (searched) or the probable duplicates."""
        if self.tabs.currentIndex() == 1:
            return export_shown_table(self, self.pair_table, "可能重复的客商", path=path)
        search = self.search.text().strip()
        return export_shown_table(self, self.table, "客商名单", title=f"客商名单（搜索：{search}）" if search else None,
                                  path=path, numbers=(COL_PROJECT_COUNT,))

    # --- list

    def load(self, select_id: int | None = None) -> None:
        self.refresh(select_id)
        self.load_duplicates()
        self.setProperty("loaded", True)

    def refresh(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else self.form.company_id
        self.items = investors.list_investors(self.search.text())
        table = self.table
        table.blockSignals(True)
        table.setRowCount(len(self.items))
        for r, item in enumerate(self.items):
            for c, value in enumerate((item.name, item.credit_code, item.region, item.industry, str(item.project_count))):
                table.setItem(r, c, table_cell(value, data=item.id if c == 0 else None, right=c == 4))
        table.blockSignals(False)
        self.count_label.setText(f"共 {len(self.items)} 家")
        for r, item in enumerate(self.items):
            if item.id == keep:
                table.selectRow(r)
                break
        else:
            if keep is None:
                self.form.show_investor(None)

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            company_id = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
            self.form.show_investor(investors.get_investor(company_id))

    def new_investor(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.table.clearSelection()
        self.form.show_investor(None)
        self.form.name_edit.setFocus()

    # --- duplicates

    def load_duplicates(self) -> None:
        self.pairs = investors.find_duplicates()
        table = self.pair_table
        table.setRowCount(len(self.pairs))
        for r, pair in enumerate(self.pairs):
            table.setItem(r, 0, table_cell(pair.first_name, data=r))
            table.setItem(r, 1, table_cell(pair.second_name))
            table.setItem(r, 2, table_cell(pair.reason))
        self.pair_summary.setText(f"找到 {len(self.pairs)} 对可能重复的客商" if self.pairs else "没有发现重复的客商")
        if self.pairs:
            table.selectRow(0)
        self._pair_selected()
        log = investors.merge_log()
        self.log_table.setRowCount(len(log))
        for r, entry in enumerate(log):
            values = [entry["merged_at"].strftime("%Y-%m-%d %H:%M"), entry["kept"], entry["removed"], entry["removed_credit_code"],
                      str(entry["projects_moved"]), str(entry["contacts_moved"]), entry["merged_by"]]
            for c, value in enumerate(values):
                self.log_table.setItem(r, c, table_cell(value, right=c in (4, 5)))

    def selected_pair(self) -> investors.DuplicatePair | None:
        rows = self.pair_table.selectionModel().selectedRows()
        return self.pairs[rows[0].row()] if rows else None

    def _pair_selected(self) -> None:
        pair = self.selected_pair()
        for button, name in ((self.keep_first, pair.first_name if pair else ""), (self.keep_second, pair.second_name if pair else "")):
            button.setText(name or "—")
            button.setEnabled(pair is not None)
        self.keep_first.setChecked(True)
        self.merge_button.setEnabled(pair is not None)

    def merge_selected(self) -> bool:
        pair = self.selected_pair()
        if pair is None:
            return False
        if self.keep_first.isChecked():
            keep_id, keep_name, remove_id, remove_name = pair.first_id, pair.first_name, pair.second_id, pair.second_name
        else:
            keep_id, keep_name, remove_id, remove_name = pair.second_id, pair.second_name, pair.first_id, pair.first_name
        answer = QMessageBox.question(
            self, "合并客商",
            f"把“{remove_name}”并入“{keep_name}”吗？\n“{remove_name}”的项目和联系人将移到“{keep_name}”名下，"
            f"然后删除“{remove_name}”这条记录（合并会记入合并记录）。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            from desktop.services import access

            moved = investors.merge_investors(keep_id, remove_id, merged_by=access.actor()[1])
        except UserError as exc:
            QMessageBox.warning(self, "没有合并", str(exc))
            return False
        self.load(select_id=keep_id)
        self.pair_summary.setText(f"已把“{remove_name}”并入“{keep_name}”，移过来 {moved} 个项目。" + self.pair_summary.text())
        return True
