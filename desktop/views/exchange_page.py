"""数据交换: exchange files with the centre or the townships (USB stick, chat), partners and keys."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
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

from desktop import APP_NAME
from desktop.errors import UserError
from desktop.services import exchange, identity
from desktop.views.widgets import fit_to_screen

KIND_LABELS = {"new": "新增", "changed": "修改", "deleted": "删除", "unchanged": "未变", "conflict": "冲突", "refused": "拒绝"}
KIND_COLOURS = {"conflict": "#fff3e0", "refused": "#ffebee", "new": "#e8f5e9", "deleted": "#eceff1"}


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setDefaultSectionSize(24)
    return table


class ImportPreviewDialog(QDialog):
    """What an exchange file would change, conflicts side by side with a choice per field."""

    def __init__(self, path: str, preview: exchange.ImportPreview, parent=None):
        super().__init__(parent)
        self.path = path
        self.preview = preview
        self.setWindowTitle(f"导入交换文件 — 来自{preview.origin_name}")
        self.resize(fit_to_screen(self, 900, 600))
        counts = preview.counts()
        summary = QLabel(
            f"来自“{preview.origin_name}”的第 {preview.seq} 号文件：新增 {counts['new']}，修改 {counts['changed']}，"
            f"删除 {counts['deleted']}，未变 {counts['unchanged']}，冲突 {counts['conflicts']}，拒绝 {counts['refused']}"
        )
        summary.setWordWrap(True)
        summary.setStyleSheet("font-weight: bold;")
        self.changes = _table(["类别", "记录", "处理", "说明"])
        shown = [c for c in preview.changes if c.kind != "unchanged"]
        self.changes.setRowCount(len(shown))
        for row, change in enumerate(shown):
            for column, text in enumerate((change.table, change.label, KIND_LABELS.get(change.kind, change.kind), change.reason)):
                item = QTableWidgetItem(text)
                if change.kind in KIND_COLOURS:
                    item.setBackground(QColor(KIND_COLOURS[change.kind]))
                self.changes.setItem(row, column, item)
        self.changes.resizeColumnsToContents()

        # Conflicts: one row per contested field, mine and theirs side by side, a choice each.
        self.conflicts = _table(["记录", "字段", "本机的值", "对方的值", "保留"])
        self.choices: list[tuple[str, str, QComboBox]] = []
        rows = [(c, name, label, m, t) for c in preview.of_kind("conflict")
                for name, (label, m, t) in zip(c.field_names or [""], c.fields or [("（整条记录）", "", c.reason)])]
        self.conflicts.setRowCount(len(rows))
        for row, (change, field_name, label, mine, theirs) in enumerate(rows):
            for column, text in enumerate((change.label, label, mine, theirs)):
                self.conflicts.setItem(row, column, QTableWidgetItem(text))
            combo = QComboBox()
            combo.addItem("本机的", exchange.KEEP_MINE)
            combo.addItem("对方的", exchange.KEEP_THEIRS)
            self.conflicts.setCellWidget(row, 4, combo)
            self.choices.append((change.uuid, field_name, combo))
        self.conflicts.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        conflict_box = QGroupBox(f"冲突（两边在上次交换后都改过同一处）：{len(rows)} 处")
        box_layout = QVBoxLayout(conflict_box)
        box_layout.addWidget(self.conflicts)
        all_mine = QPushButton("全部保留本机的")
        all_theirs = QPushButton("全部采用对方的")
        all_mine.clicked.connect(lambda: self._set_all(0))
        all_theirs.clicked.connect(lambda: self._set_all(1))
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(all_mine)
        row_buttons.addWidget(all_theirs)
        row_buttons.addStretch(1)
        box_layout.addLayout(row_buttons)
        conflict_box.setVisible(bool(rows))

        buttons = QDialogButtonBox()
        self.apply_button = buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        note = QLabel("导入前自动备份；未选用的值保留在修改痕迹中。")
        note.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.changes, 2)
        layout.addWidget(conflict_box, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _set_all(self, index: int) -> None:
        for _uuid, _field, combo in self.choices:
            combo.setCurrentIndex(index)

    def decisions(self) -> dict[str, dict[str, str]]:
        """uuid → {field name: mine|theirs}, as the user chose."""
        result: dict[str, dict[str, str]] = {}
        for uuid, field_name, combo in self.choices:
            result.setdefault(uuid, {})[field_name] = combo.currentData()
        return result


class ExchangePage(QWidget):
    title = "数据交换"
    open_project = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.me_label = QLabel()
        self.me_label.setWordWrap(True)
        self.me_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.partners = _table(["伙伴", "类型", "对应单位", "指纹", "已发", "已收"])
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)

        export_button = QPushButton("生成交换文件…")
        import_button = QPushButton("导入交换文件…")
        card_button = QPushButton("写出本机身份文件…")
        register_button = QPushButton("登记伙伴…")
        export_button.clicked.connect(self.export_to_selected)
        import_button.clicked.connect(self.choose_and_import)
        card_button.clicked.connect(self.write_card)
        register_button.clicked.connect(self.register_from_file)
        buttons = QHBoxLayout()
        for button in (export_button, import_button, card_button, register_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.me_label)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("交换伙伴（招商中心登记各乡镇，乡镇登记招商中心；登记时电话核对指纹）"))
        layout.addWidget(self.partners, 1)
        layout.addWidget(self.result_label)

        self.actions_for_toolbar = []
        for text, slot in (("生成交换文件", self.export_to_selected), ("导入交换文件", self.choose_and_import)):
            action = QAction(text, self)
            action.triggered.connect(slot)
            self.actions_for_toolbar.append(action)

    def load(self) -> None:
        try:
            me = identity.ensure_identity()
            identity.check_not_copied()
            warning = ""
        except identity.CopiedDatabaseError as exc:
            me, warning = identity.ensure_identity(), f"<br><span style='color:#c62828'>{exc}</span>"
        self.me_label.setText(f"本机：<b>{me.name}</b>（编号前缀 {me.prefix}），身份指纹 <b>{me.fingerprint}</b>{warning}")
        partners = exchange.list_partners()
        self.partners.setRowCount(len(partners))
        for row, partner in enumerate(partners):
            cells = (partner.name, "招商中心" if partner.role == "centre" else "乡镇", partner.unit, partner.fingerprint,
                     str(partner.last_sent_seq), str(partner.last_received_seq))
            for column, text in enumerate(cells):
                self.partners.setItem(row, column, QTableWidgetItem(text))
        self.partners.resizeColumnsToContents()
        self.partners.horizontalHeader().setStretchLastSection(False)
        self.partners.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        if not partners:
            self.result_label.setText(self.result_label.text() or "还没有交换伙伴：先“写出本机身份文件”交给对方，再用“登记伙伴…”读入对方的身份文件。")
        if partners and self.partners.currentRow() < 0:
            self.partners.selectRow(0)

    def selected_partner(self) -> str | None:
        row = self.partners.currentRow()
        item = self.partners.item(row, 0) if row >= 0 else None
        return item.text() if item else None

    def export_to_selected(self) -> None:
        name = self.selected_partner()
        if not name:
            QMessageBox.information(self, APP_NAME, "请先在列表中选择收件的伙伴（还没有伙伴时先“登记伙伴”）。")
            return
        path, _ = QFileDialog.getSaveFileName(self, "保存交换文件", f"发给{name}.zip", "交换文件 (*.zip)")
        if path:
            self.export_to(name, path)

    def export_to(self, partner_name: str, path: str):
        try:
            result = exchange.export_file(path, partner_name)
        except UserError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return None
        self.result_label.setText(f"已生成发给“{result.partner}”的第 {result.seq} 号交换文件：记录 {result.records} 条，"
                                  f"删除 {result.deletions} 条。\n{result.path}")
        self.load()
        return result

    def choose_and_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择交换文件", "", "交换文件 (*.zip)")
        if path:
            self.import_path(path)

    def import_path(self, path: str, *, trust: bool = False):
        """Preview the file, let the user decide the conflicts, then apply it."""
        try:
            preview = exchange.import_file(path, dry_run=True, trust=trust)
        except UserError as exc:
            if "还没有登记" in str(exc) and not trust:
                answer = QMessageBox.question(self, APP_NAME, f"{exc}\n\n已经电话核对过指纹、确认可信吗？")
                if answer == QMessageBox.StandardButton.Yes:
                    return self.import_path(path, trust=True)
                return None
            QMessageBox.warning(self, APP_NAME, str(exc))
            return None
        if preview.message:
            QMessageBox.information(self, APP_NAME, preview.message)
            return preview
        dialog = ImportPreviewDialog(path, preview, self)
        self.last_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.apply(path, dialog.decisions(), trust=trust)

    def apply(self, path: str, decisions: dict, *, trust: bool = False):
        try:
            result = exchange.import_file(path, trust=trust, decisions=decisions)
        except UserError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return None
        counts = result.counts()
        self.result_label.setText(f"已导入“{result.origin_name}”的第 {result.seq} 号文件：新增 {counts['new']}，"
                                  f"修改 {counts['changed']}，删除 {counts['deleted']}，冲突 {counts['conflicts']}，"
                                  f"拒绝 {counts['refused']}。")
        self.load()
        return result

    def write_card(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "保存本机身份文件", "身份文件.json", "身份文件 (*.json)")
        if path:
            try:
                exchange.write_identity_card(path)
            except (UserError, OSError) as exc:
                QMessageBox.warning(self, APP_NAME, f"无法写出身份文件：{exc}")
                return
            self.result_label.setText(f"已写出身份文件 {path}。请把它交给对方，并电话告知指纹 {identity.ensure_identity().fingerprint}。")

    def register_from_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择对方的身份文件", "", "身份文件 (*.json)")
        if not path:
            return
        try:
            card = exchange.read_identity_card(path)
        except UserError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return
        roles = ["乡镇", "招商中心"]
        role, ok = QInputDialog.getItem(self, "登记伙伴", f"“{card.get('name')}”是：", roles, 0, False)
        if not ok:
            return
        spoken, ok = QInputDialog.getText(self, "核对指纹", f"请电话核对对方的指纹并输入（文件中的指纹：{card.get('fingerprint')}）：",
                                          QLineEdit.EchoMode.Normal, "")
        if not ok:
            return
        self.register(card, "township" if role == "乡镇" else "centre", spoken or None)

    def register(self, card: dict, role: str, fingerprint: str | None, unit_name: str | None = None):
        try:
            info = exchange.register_partner(card, role=role, unit_name=unit_name, expected_fingerprint=fingerprint)
        except UserError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return None
        self.result_label.setText(f"已登记交换伙伴“{info.name}”，指纹 {info.fingerprint}。")
        self.load()
        return info

