"""单位与人员: the lists of units and cadres the forms pick from."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import ValidationError
from desktop.services import reference
from desktop.services.reference import PersonItem

UNIT_KINDS = ("部门", "乡镇", "园区", "其他")


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setDefaultSectionSize(24)
    return table


class PersonDialog(QDialog):
    def __init__(self, person: PersonItem | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("编辑人员" if person else "新增人员")
        self.name_edit = QLineEdit(person.name if person else "")
        self.title_edit = QLineEdit(person.title if person else "")
        self.title_edit.setPlaceholderText("如 副县长、局长")
        self.unit_combo = QComboBox()
        self.unit_combo.addItem("（无）", None)
        for unit in reference.list_units():
            self.unit_combo.addItem(unit.name, unit.id)
        if person and person.unit_id is not None:
            self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(person.unit_id)))
        self.phone_edit = QLineEdit(person.phone if person else "")
        self.leader_check = QCheckBox("县领导（可作挂钩领导）")
        self.leader_check.setChecked(bool(person and person.is_leader))
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
        form = QFormLayout()
        form.addRow("姓名 *", self.name_edit)
        form.addRow("职务", self.title_edit)
        form.addRow("单位", self.unit_combo)
        form.addRow("电话", self.phone_edit)
        form.addRow("", self.leader_check)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.person_id = person.id if person else None

    def accept(self) -> None:
        try:
            self.person_id = reference.save_person(
                {
                    "name": self.name_edit.text(), "title": self.title_edit.text(),
                    "unit_id": self.unit_combo.currentData(), "phone": self.phone_edit.text(),
                    "is_leader": self.leader_check.isChecked(),
                },
                self.person_id,
            )
        except ValidationError as exc:
            self.error.setText("；".join(exc.errors.values()))
            return
        super().accept()


class ReferencePage(QWidget):
    title = "单位与人员"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.actions_for_toolbar = []
        self.units = _table(["单位名称", "类别"])
        self.units.horizontalHeader().resizeSection(0, 200)
        self.people = _table(["姓名", "职务", "单位", "电话", "县领导"])
        for column, width in enumerate((80, 150, 150, 110)):
            self.people.horizontalHeader().resizeSection(column, width)
        self.add_unit_button = QPushButton("新增单位…")
        self.rename_unit_button = QPushButton("改名…")
        self.add_person_button = QPushButton("新增人员…")
        self.edit_person_button = QPushButton("编辑…")
        self.export_units_button = QPushButton("导出…")
        self.export_people_button = QPushButton("导出…")

        unit_box = QGroupBox("单位（部门、乡镇、园区）")
        unit_layout = QVBoxLayout(unit_box)
        unit_layout.addWidget(self.units)
        row = QHBoxLayout()
        row.addWidget(self.add_unit_button)
        row.addWidget(self.rename_unit_button)
        row.addStretch(1)
        row.addWidget(self.export_units_button)
        unit_layout.addLayout(row)
        people_box = QGroupBox("人员（干部、县领导）")
        people_layout = QVBoxLayout(people_box)
        people_layout.addWidget(self.people)
        row = QHBoxLayout()
        row.addWidget(self.add_person_button)
        row.addWidget(self.edit_person_button)
        row.addStretch(1)
        row.addWidget(self.export_people_button)
        people_layout.addLayout(row)
        layout = QHBoxLayout(self)
        layout.addWidget(unit_box, 2)
        layout.addWidget(people_box, 4)

        self.add_unit_button.clicked.connect(self.add_unit)
        self.rename_unit_button.clicked.connect(self.rename_unit)
        self.add_person_button.clicked.connect(lambda: self.edit_person(None))
        self.edit_person_button.clicked.connect(self.edit_selected_person)
        self.people.doubleClicked.connect(lambda _i: self.edit_selected_person())
        self.export_units_button.clicked.connect(lambda: self.export_list(self.units, "单位清单"))
        self.export_people_button.clicked.connect(lambda: self.export_list(self.people, "人员清单"))
        self._unit_items = []
        self._people_items = []

    def load(self) -> None:
        self._unit_items = reference.list_units()
        self.units.setRowCount(len(self._unit_items))
        for r, unit in enumerate(self._unit_items):
            self.units.setItem(r, 0, QTableWidgetItem(unit.name))
            self.units.setItem(r, 1, QTableWidgetItem(unit.kind))
        self._people_items = reference.list_people(leaders_first=True)
        self.people.setRowCount(len(self._people_items))
        for r, person in enumerate(self._people_items):
            for c, text in enumerate((person.name, person.title, person.unit_name, person.phone, "是" if person.is_leader else "")):
                self.people.setItem(r, c, QTableWidgetItem(text))

    def export_list(self, table: QTableWidget, title: str, path: str | None = None) -> None:
        """Export a list as shown to .xlsx (asks where unless `path` is given)."""
        from desktop.errors import UserError
        from desktop.services.excel_export import export_table

        if path is None:
            from desktop.views.table_export import choose_save_path

            path = choose_save_path(self, f"导出{title}", f"{title}.xlsx")
            if not path:
                return
        headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
        rows = [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
                for r in range(table.rowCount())]
        try:
            export_table(path, headers, rows, title=title)
        except UserError as exc:
            QMessageBox.warning(self, "无法导出", str(exc))

    def add_unit(self) -> None:
        name, ok = QInputDialog.getText(self, "新增单位", "单位名称：")
        if not ok:
            return
        kind, ok = QInputDialog.getItem(self, "新增单位", "类别：", list(UNIT_KINDS), 0, False)
        if not ok:
            return
        try:
            reference.add_unit(name, kind)
        except ValidationError as exc:
            QMessageBox.warning(self, "无法新增", "；".join(exc.errors.values()))
            return
        self.load()

    def rename_unit(self) -> None:
        rows = self.units.selectionModel().selectedRows()
        if not rows:
            QMessageBox.information(self, "改名", "请先在左边的列表中选中一个单位。")
            return
        unit = self._unit_items[rows[0].row()]
        name, ok = QInputDialog.getText(self, "单位改名", "新名称：", text=unit.name)
        if not ok:
            return
        try:
            reference.update_unit(unit.id, name=name)
        except ValidationError as exc:
            QMessageBox.warning(self, "无法改名", "；".join(exc.errors.values()))
            return
        self.load()

    def edit_selected_person(self) -> None:
        rows = self.people.selectionModel().selectedRows()
        if rows:
            self.edit_person(self._people_items[rows[0].row()])

    def edit_person(self, person: PersonItem | None) -> None:
        if PersonDialog(person, self).exec() == QDialog.DialogCode.Accepted:
            self.load()
