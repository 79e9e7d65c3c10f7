"""产业链: a chain drawn as its links upstream → downstream, each coloured by strength (强 green, 弱 amber,
缺 red) with the local companies inside; per link the target companies; and the 作战表 (battle
table), exported to .xlsx or printed on A3 landscape."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError
from desktop.services import chains, reference
from desktop.services.dates import format_date
from desktop.views.widgets import ERROR_STYLE
from desktop.views.widgets import list_table as _table
from desktop.views.widgets import table_cell as _cell

STRENGTH_COLOURS = {chains.STRONG: "#2e7d32", chains.WEAK: "#b26a00", chains.MISSING: "#c62828"}
STRENGTH_BACKGROUNDS = {chains.STRONG: "#e8f5e9", chains.WEAK: "#fff4d6", chains.MISSING: "#fde0e0"}
STRENGTH_WORDS = {chains.STRONG: "强", chains.WEAK: "弱", chains.MISSING: "缺"}
TARGET_COLUMNS = ("目标企业", "所在地", "优先级", "责任单位", "挂钩领导", "下一步工作", "计划时间", "进展")
RED = QColor("#c62828")


def working_today() -> dt.date:
    """Today, except in the demo database, whose data stop at the end of August 2022."""
    from desktop.services.reviews import today_for_queue

    return today_for_queue()


class LinkBox(QFrame):
    """One link of the chain: name, strength and its local companies; click to select it."""

    clicked = Signal(int)

    def __init__(self, link: chains.LinkView, parent=None):
        super().__init__(parent)
        self.link = link
        self.strength = link.strength
        self.colour = STRENGTH_COLOURS[link.strength]
        self.setObjectName("linkBox")
        self.setFixedWidth(190)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        title = QLabel(f"<b>{link.position}. {link.name}</b>")
        title.setWordWrap(True)
        badge = QLabel(f"{STRENGTH_WORDS[link.strength]}　本地企业 {len(link.companies)} 家\n目标企业 {link.targets} 家")
        badge.setStyleSheet(f"color: {self.colour}; font-weight: bold;")
        badge.setWordWrap(True)  # a narrow box on a small screen: wrap rather than cut “目标 2 家”
        names = QLabel("\n".join(name for _, name in link.companies) or "（没有本地企业）")
        names.setWordWrap(True)
        names.setAlignment(Qt.AlignmentFlag.AlignTop)
        names.setStyleSheet("color: #333;" if link.companies else "color: #c62828;")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(badge)
        layout.addWidget(names, 1)
        self.set_selected(False)
        self.setToolTip(f"环节现状：{link.strength}（强 = 本地企业较多，弱 = 有但不多，缺 = 没有本地企业）")

    def set_selected(self, selected: bool) -> None:
        width = 3 if selected else 1
        self.setStyleSheet(f"QFrame#linkBox {{ background: {STRENGTH_BACKGROUNDS[self.strength]};"
                           f" border: {width}px solid {self.colour}; border-radius: 6px; }}")

    def mousePressEvent(self, event):
        self.clicked.emit(self.link.id)
        super().mousePressEvent(event)


class TargetDialog(QDialog):
    """A target company of a link: priority, unit, leader, next action and date, status."""

    def __init__(self, link_id: int, target: chains.TargetItem | None, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.setWindowTitle("目标企业")
        self.link_id = link_id
        self.target = target
        self.saved_id: int | None = None
        today = target.next_on if target and target.next_on else (today or working_today())
        self.name_edit = QLineEdit(target.name if target else "")
        self.region_edit = QLineEdit(target.region if target else "")
        self.priority_combo = QComboBox()
        self.priority_combo.addItems(chains.PRIORITIES)
        self.priority_combo.setCurrentText(target.priority if target else "中")
        self.unit_combo = QComboBox()
        self.unit_combo.addItem("（未指定）", None)
        for unit in reference.list_units():
            self.unit_combo.addItem(unit.name, unit.id)
        self.leader_combo = QComboBox()
        self.leader_combo.addItem("（未指定）", None)
        for person in reference.list_people(leaders_first=True):
            self.leader_combo.addItem(person.label, person.id)
        for combo, value in ((self.unit_combo, target.unit_id if target else None), (self.leader_combo, target.leader_id if target else None)):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.action_edit = QLineEdit(target.next_action if target else "")
        self.date_edit = QDateEdit(today)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.status_combo = QComboBox()
        self.status_combo.addItems(chains.TARGET_STATUSES)
        self.status_combo.setCurrentText(target.status if target else "待接触")
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        form = QFormLayout()
        for label, widget in (("目标企业 *", self.name_edit), ("所在地", self.region_edit), ("优先级", self.priority_combo),
                              ("责任单位", self.unit_combo), ("挂钩领导", self.leader_combo), ("下一步工作", self.action_edit),
                              ("计划时间", self.date_edit), ("进展", self.status_combo)):
            form.addRow(label, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(460, 360)

    def item(self) -> chains.TargetItem:
        return chains.TargetItem(self.target.id if self.target else None, self.link_id, self.name_edit.text(),
                                 self.region_edit.text(), self.priority_combo.currentText(), self.unit_combo.currentData(),
                                 self.leader_combo.currentData(), self.action_edit.text(), self.date_edit.date().toPython(),
                                 self.status_combo.currentText())

    def save(self) -> None:
        try:
            self.saved_id = chains.save_target(self.item())
        except UserError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class ChainsPage(QWidget):
    title = "产业链"

    def __init__(self, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.today = today
        self.view: chains.ChainView | None = None
        self.selected_link_id: int | None = None
        self.boxes: list[LinkBox] = []
        self.targets: list[chains.TargetItem] = []
        self.battle_rows: list[chains.BattleRow] = []

        self.chain_combo = QComboBox()
        self.chain_combo.setMinimumWidth(160)
        self.new_chain_button = QPushButton("新建产业链…")
        self.description = QLabel()
        self.description.setStyleSheet("color: #555;")
        top = QHBoxLayout()
        top.addWidget(QLabel("产业链"))
        top.addWidget(self.chain_combo)
        top.addWidget(self.new_chain_button)
        top.addWidget(self.description, 1)

        # --- the chain drawn as a row of boxes
        self.strip = QWidget()
        self.strip_layout = QHBoxLayout(self.strip)
        self.strip_layout.setContentsMargins(4, 4, 4, 4)
        strip_area = QScrollArea()
        strip_area.setWidgetResizable(True)
        strip_area.setWidget(self.strip)
        strip_area.setMinimumHeight(230)
        legend = QLabel(" ".join(f'<span style="color:{STRENGTH_COLOURS[s]}">■ {s}</span>' for s in (chains.STRONG, chains.WEAK, chains.MISSING))
                        + "　上游 → 下游，点选环节查看目标企业")
        self.add_link_button = QPushButton("添加环节…")
        self.rename_link_button = QPushButton("重命名…")
        self.up_button = QPushButton("← 上移")
        self.down_button = QPushButton("下移 →")
        self.add_company_button = QPushButton("添加本地企业…")
        self.remove_company_button = QPushButton("移除本地企业…")
        link_buttons = QHBoxLayout()
        link_buttons.addWidget(legend)
        link_buttons.addStretch(1)
        for button in (self.add_link_button, self.rename_link_button, self.up_button, self.down_button,
                       self.add_company_button, self.remove_company_button):
            link_buttons.addWidget(button)

        self.link_title = QLabel()
        self.link_title.setStyleSheet("font-weight: bold;")
        self.target_table = _table(TARGET_COLUMNS, 5)
        self.new_target_button = QPushButton("新增目标企业…")
        self.edit_target_button = QPushButton("编辑…")
        self.delete_target_button = QPushButton("删除")
        target_buttons = QHBoxLayout()
        target_buttons.addWidget(self.link_title, 1)
        for button in (self.new_target_button, self.edit_target_button, self.delete_target_button):
            target_buttons.addWidget(button)
        targets_box = QGroupBox("目标企业")
        targets_layout = QVBoxLayout(targets_box)
        targets_layout.addLayout(target_buttons)
        targets_layout.addWidget(self.target_table, 1)

        chain_tab = QWidget()
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(strip_area, 1)
        upper_layout.addLayout(link_buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(targets_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        QVBoxLayout(chain_tab).addWidget(splitter)

        # --- the battle table
        self.battle_table = _table(chains.BATTLE_HEADERS, 9)
        self.battle_summary = QLabel()
        self.battle_summary.setStyleSheet("color: #555;")
        self.export_button = QPushButton("导出作战表…")
        self.print_button = QPushButton("打印作战表（A3）")
        battle_buttons = QHBoxLayout()
        battle_buttons.addWidget(self.battle_summary, 1)
        battle_buttons.addWidget(self.export_button)
        battle_buttons.addWidget(self.print_button)
        battle_tab = QWidget()
        battle_layout = QVBoxLayout(battle_tab)
        battle_layout.addLayout(battle_buttons)
        battle_layout.addWidget(self.battle_table, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(chain_tab, "产业链图")
        self.tabs.addTab(battle_tab, "作战表")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

        self.chain_combo.currentIndexChanged.connect(lambda *_: self.show_chain())
        self.new_chain_button.clicked.connect(lambda: self.new_chain())
        self.add_link_button.clicked.connect(lambda: self.add_link())
        self.rename_link_button.clicked.connect(lambda: self.rename_link())
        self.up_button.clicked.connect(lambda: self.move_link(-1))
        self.down_button.clicked.connect(lambda: self.move_link(1))
        self.add_company_button.clicked.connect(lambda: self.add_company())
        self.remove_company_button.clicked.connect(lambda: self.remove_company())
        self.new_target_button.clicked.connect(lambda: self.edit_target(None))
        self.edit_target_button.clicked.connect(lambda: self.edit_target(self.selected_target()))
        self.delete_target_button.clicked.connect(self.delete_target)
        self.target_table.itemDoubleClicked.connect(lambda *_: self.edit_target(self.selected_target()))
        self.export_button.clicked.connect(lambda: self.export_xlsx())
        self.print_button.clicked.connect(self.print_pdf)

        self.export_action = QAction("导出作战表", self)
        self.export_action.triggered.connect(lambda: self.export_xlsx())
        self.print_action = QAction("打印作战表", self)
        self.print_action.triggered.connect(self.print_pdf)
        self.actions_for_toolbar = [self.export_action, self.print_action]

    def _today(self) -> dt.date:
        return self.today or working_today()

    # --- loading

    def load(self) -> None:
        keep = self.chain_combo.currentData()
        self.chain_combo.blockSignals(True)
        self.chain_combo.clear()
        for chain_id, name in chains.list_chains():
            self.chain_combo.addItem(name, chain_id)
        index = self.chain_combo.findData(keep)
        self.chain_combo.setCurrentIndex(max(0, index))
        self.chain_combo.blockSignals(False)
        self.show_chain()
        self.load_battle_table()
        self.setProperty("loaded", True)

    def select_chain(self, name: str) -> None:
        self.chain_combo.setCurrentIndex(self.chain_combo.findText(name))

    def show_chain(self) -> None:
        chain_id = self.chain_combo.currentData()
        self.view = chains.chain_view(chain_id) if chain_id is not None else None
        for box in self.boxes:
            box.setParent(None)
            box.deleteLater()
        self.boxes = []
        while self.strip_layout.count():
            item = self.strip_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        if self.view is None:
            self.description.setText("还没有产业链")
            self._show_targets()
            return
        self.description.setText(f"{self.view.description}　本地企业 {self.view.local_company_count} 家")
        for index, link in enumerate(self.view.links):
            if index:
                arrow = QLabel("→")
                arrow.setStyleSheet("font-size: 20px; color: #777;")
                self.strip_layout.addWidget(arrow)
            box = LinkBox(link)
            box.clicked.connect(self.select_link)
            self.strip_layout.addWidget(box)
            self.boxes.append(box)
        self.strip_layout.addStretch(1)
        ids = [link.id for link in self.view.links]
        if self.selected_link_id not in ids:
            self.selected_link_id = ids[0] if ids else None
        self.select_link(self.selected_link_id)

    def box_for(self, link_name: str) -> LinkBox | None:
        return next((box for box in self.boxes if box.link.name == link_name), None)

    def selected_link(self) -> chains.LinkView | None:
        if self.view is None:
            return None
        return next((link for link in self.view.links if link.id == self.selected_link_id), None)

    def select_link(self, link_id: int | None) -> None:
        self.selected_link_id = link_id
        for box in self.boxes:
            box.set_selected(box.link.id == link_id)
        self._show_targets()

    def _show_targets(self) -> None:
        link = self.selected_link()
        has_link = link is not None
        for button in (self.rename_link_button, self.up_button, self.down_button, self.add_company_button,
                       self.remove_company_button, self.new_target_button, self.edit_target_button, self.delete_target_button):
            button.setEnabled(has_link)
        self.add_link_button.setEnabled(self.view is not None)
        self.link_title.setText(f"{link.name}（{link.strength}）的目标企业" if link else "")
        self.targets = chains.targets_for_link(link.id) if link else []
        units = {u.id: u.name for u in reference.list_units(include_inactive=True)}
        people = {p.id: p.name for p in reference.list_people()}
        today = self._today()
        table = self.target_table
        table.setRowCount(len(self.targets))
        for r, target in enumerate(self.targets):
            overdue = bool(target.next_on and target.next_on < today and target.status not in ("已签约", "放弃"))
            values = [target.name, target.region, target.priority, units.get(target.unit_id, ""), people.get(target.leader_id, ""),
                      target.next_action, format_date(target.next_on), target.status]
            for c, value in enumerate(values):
                item = _cell(value, data=target.id if c == 0 else None)
                if overdue and c == 6:
                    item.setForeground(RED)
                    item.setToolTip("计划时间已过")
                table.setItem(r, c, item)

    def load_battle_table(self) -> None:
        self.battle_rows = chains.battle_table(self._today())
        table = self.battle_table
        table.setRowCount(len(self.battle_rows))
        for r, row in enumerate(self.battle_rows):
            for c, value in enumerate(row.cells()):
                text = format_date(value) if isinstance(value, dt.date) else value
                item = _cell(text)
                if c == 2:
                    item.setForeground(QColor(STRENGTH_COLOURS.get(row.strength, "#000")))
                if c == 10 and row.overdue:
                    item.setForeground(RED)
                    item.setToolTip("计划时间已过")
                table.setItem(r, c, item)
        overdue = sum(1 for row in self.battle_rows if row.overdue)
        targets = sum(1 for row in self.battle_rows if not row.target.startswith("（"))
        self.battle_summary.setText(f"截至 {format_date(self._today())}：目标企业 {targets} 家，计划时间已过 {overdue} 项（红色）")

    def _after_change(self) -> None:
        self.show_chain()
        self.load_battle_table()

    def _warn(self, exc: UserError) -> None:
        QMessageBox.warning(self, "没有保存", str(exc))

    # --- chains and links

    def new_chain(self, name: str | None = None) -> int | None:
        if name is None:
            name, ok = QInputDialog.getText(self, "新建产业链", "产业链名称：")
            if not ok:
                return None
        try:
            chain_id = chains.save_chain(name)
        except UserError as exc:
            self._warn(exc)
            return None
        self.load()
        self.chain_combo.setCurrentIndex(self.chain_combo.findData(chain_id))
        return chain_id

    def add_link(self, name: str | None = None) -> int | None:
        if self.view is None:
            return None
        if name is None:
            name, ok = QInputDialog.getText(self, "添加环节", "环节名称（添加在最下游）：")
            if not ok:
                return None
        try:
            link_id = chains.save_link(self.view.id, name)
        except UserError as exc:
            self._warn(exc)
            return None
        self.selected_link_id = link_id
        self._after_change()
        return link_id

    def rename_link(self, name: str | None = None) -> None:
        link = self.selected_link()
        if link is None:
            return
        if name is None:
            name, ok = QInputDialog.getText(self, "重命名环节", "环节名称：", text=link.name)
            if not ok:
                return
        try:
            chains.save_link(self.view.id, name, link_id=link.id)
        except UserError as exc:
            self._warn(exc)
            return
        self._after_change()

    def move_link(self, offset: int) -> None:
        if self.selected_link_id is None:
            return
        chains.move_link(self.selected_link_id, offset)
        self._after_change()

    def add_company(self, name: str | None = None) -> None:
        link = self.selected_link()
        if link is None:
            return
        if name is None:
            names = reference.company_names()
            name, ok = QInputDialog.getItem(self, "添加本地企业", f"“{link.name}”环节的本地企业（可输入新企业）：", names, 0, True)
            if not ok:
                return
        try:
            chains.add_local_company(link.id, name)
        except UserError as exc:
            self._warn(exc)
            return
        self._after_change()

    def remove_company(self, company_id: int | None = None) -> None:
        link = self.selected_link()
        if link is None or not link.companies:
            return
        if company_id is None:
            names = [name for _, name in link.companies]
            name, ok = QInputDialog.getItem(self, "移除本地企业", f"从“{link.name}”环节移除：", names, 0, False)
            if not ok:
                return
            company_id = dict((n, i) for i, n in link.companies)[name]
        chains.remove_local_company(link.id, company_id)
        self._after_change()

    # --- targets

    def selected_target(self) -> chains.TargetItem | None:
        rows = self.target_table.selectionModel().selectedRows()
        return self.targets[rows[0].row()] if rows else None

    def edit_target(self, target: chains.TargetItem | None) -> None:
        if self.selected_link_id is None:
            return
        dialog = TargetDialog(self.selected_link_id, target, self, today=self._today())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._after_change()

    def delete_target(self) -> None:
        target = self.selected_target()
        if target is None:
            return
        answer = QMessageBox.question(self, "删除目标企业", f"确定从作战表删除“{target.name}”吗？",
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            chains.delete_target(target.id)
            self._after_change()

    # --- paper and Excel

    def export_xlsx(self, path: str | None = None):
        from desktop.services import battle_table
        from desktop.views.progress import run_with_progress

        if path is None:
            from desktop.views.table_export import choose_save_path

            path = choose_save_path(self, "导出作战表", f"招商作战表-{format_date(self._today())}.xlsx")
            if not path:
                return None
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"

        def export(out_path, progress=None):
            return battle_table.export_xlsx(out_path, today=self._today())

        return run_with_progress(self, "正在导出作战表…", export, path,
                                 done=lambda count: QMessageBox.information(self, "已导出", f"作战表 {count} 行已导出到：\n{path}"))

    def print_pdf(self):
        from desktop.services import battle_table
        from desktop.views.pdf_preview import make_pdf_and_preview

        return make_pdf_and_preview(self, "招商作战表", battle_table.build_pdf, today=self._today())
