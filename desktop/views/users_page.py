"""用户: the administrator's list of users — roles, units, passwords, server logins.

`UsersPanel` is a settings panel (设置 → 用户) and works as a page too (`load`, `actions_for_toolbar`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError, ValidationError
from desktop.services import access, auth, reference
from desktop.services.access import ROLE_UNIT, ROLES
from desktop.views.widgets import password_edit

COLUMNS = ["登录名", "姓名", "角色", "所属单位", "状态", "最近登录"]


class UserDialog(QDialog):
    """A new user (with an initial password) or an existing one's name, role and unit."""

    def __init__(self, parent=None, user: auth.UserRow | None = None):
        super().__init__(parent)
        self.user = user
        self.saved_id: int | None = None
        self.setWindowTitle("修改用户" if user else "新建用户")
        self.name_edit = QLineEdit(user.name if user else "")
        self.display_edit = QLineEdit(user.display_name if user else "")
        self.role_combo = QComboBox()
        self.role_combo.addItems(list(ROLES))
        self.unit_combo = QComboBox()
        self.unit_combo.addItem("（无）", None)
        for unit in reference.list_units():
            self.unit_combo.addItem(unit.name, unit.id)
        if user:
            self.role_combo.setCurrentText(user.role)
            index = self.unit_combo.findData(user.unit_id)
            self.unit_combo.setCurrentIndex(max(index, 0))
        else:
            self.role_combo.setCurrentText("招商中心")
        self.password_edit = password_edit()
        self.role_combo.currentTextChanged.connect(self._role_changed)
        form = QFormLayout()
        form.addRow("登录名", self.name_edit)
        form.addRow("姓名", self.display_edit)
        form.addRow("角色", self.role_combo)
        form.addRow("所属单位", self.unit_combo)
        if user is None:
            form.addRow("初始密码", self.password_edit)
        hint = QLabel("单位用户只能修改本单位的项目和线索；领导只能查看和打印。新用户第一次登录时须修改初始密码。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._role_changed(self.role_combo.currentText())

    def _role_changed(self, role: str) -> None:
        self.unit_combo.setEnabled(role == ROLE_UNIT)

    def values(self) -> dict:
        role = self.role_combo.currentText()
        values = {
            "name": self.name_edit.text().strip(),
            "display_name": self.display_edit.text().strip(),
            "role": role,
            "unit_id": self.unit_combo.currentData() if role == ROLE_UNIT else None,
        }
        if self.user is None:
            values["password"] = self.password_edit.text()
        return values

    def try_accept(self) -> bool:
        try:
            if self.user is None:
                self.saved_id = auth.create_user(self.values())
            else:
                auth.update_user(self.user.id, self.values(), expected_version=self.user.version)
                self.saved_id = self.user.id
        except ValidationError as exc:
            self.message.setText("；".join(exc.errors.values()))
            return False
        except UserError as exc:
            self.message.setText(str(exc))
            return False
        self.accept()
        return True


class PasswordDialog(QDialog):
    """A new password, typed twice (for a user's reset or a server login)."""

    def __init__(self, parent=None, *, title: str = "重设密码", intro: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.first, self.second = password_edit(), password_edit()
        form = QFormLayout()
        form.addRow("新密码", self.first)
        form.addRow("再输一遍", self.second)
        self.message = QLabel(intro)
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def password(self) -> str:
        return self.first.text()

    def try_accept(self) -> bool:
        if self.first.text() != self.second.text():
            self.message.setText("两次输入的密码不一致")
            return False
        problem = auth.password_problem(self.first.text())
        if problem:
            self.message.setText(problem)
            return False
        self.accept()
        return True


class UsersPanel(QWidget):
    title = "用户"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[auth.UserRow] = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.me_label = QLabel()
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #555;")

        self.new_button = QPushButton("新建用户(&N)")
        self.edit_button = QPushButton("修改(&E)")
        self.password_button = QPushButton("重设密码")
        self.active_button = QPushButton("停用")
        self.delete_button = QPushButton("删除")
        self.login_button = QPushButton("建立数据库账号")
        self.my_password_button = QPushButton("修改我的密码")
        self.new_button.clicked.connect(self.new_user)
        self.edit_button.clicked.connect(self.edit_selected)
        self.password_button.clicked.connect(self.reset_password)
        self.active_button.clicked.connect(self.toggle_active)
        self.delete_button.clicked.connect(self.delete_selected)
        self.login_button.clicked.connect(self.create_server_login)
        self.my_password_button.clicked.connect(self.change_my_password)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.password_button, self.active_button, self.delete_button,
                       self.login_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.my_password_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.me_label)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notice)

        new_action = QAction("新建用户", self)
        new_action.triggered.connect(self.new_user)
        self.actions_for_toolbar = [new_action]

    # --- filling ------------------------------------------------------------------------------
    def load(self) -> None:
        me = access.current_user()
        self.me_label.setText(f"当前用户：{me.label if me else access.LOCAL_ADMIN_NAME + '（管理员）'}")
        self.is_admin = access.can_admin()
        self.on_server = access.on_server()
        self.rows = auth.list_users()
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            if not row.active:
                state = "已停用"
            elif row.locked():
                state = f"锁定至 {row.locked_until:%H:%M}"
            else:
                state = "正常"
            cells = [row.name, row.display_name, row.role, row.unit_name, state,
                     row.last_login_at.strftime("%Y-%m-%d %H:%M") if row.last_login_at else ""]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                self.table.setItem(r, c, item)
        self.login_button.setVisible(self.on_server)
        self.notice.setText(
            ("" if self.is_admin else "只有管理员可以新建、修改和停用用户。")
            + ("服务器模式：每人用自己的数据库账号连接（“建立数据库账号”），角色按账号对应的用户确定。" if self.on_server else "")
        )
        self.new_button.setEnabled(self.is_admin)
        self.my_password_button.setEnabled(me is not None and me.id is not None)
        self._update_buttons()

    def selected(self) -> auth.UserRow | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.rows[rows[0].row()]

    def select_user(self, user_id: int) -> None:
        for r, row in enumerate(self.rows):
            if row.id == user_id:
                self.table.selectRow(r)

    def _update_buttons(self) -> None:
        user = self.selected()
        enabled = bool(user) and getattr(self, "is_admin", False)
        for button in (self.edit_button, self.password_button, self.active_button, self.delete_button, self.login_button):
            button.setEnabled(enabled)
        self.active_button.setText("启用" if user and not user.active else "停用")

    # --- actions ------------------------------------------------------------------------------
    def new_user(self) -> None:
        dialog = UserDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.load()
            self.select_user(dialog.saved_id)

    def edit_selected(self) -> None:
        user = self.selected()
        if user is None or not self.is_admin:
            return
        if UserDialog(self, user).exec() == QDialog.DialogCode.Accepted:
            self.load()
            self.select_user(user.id)

    def reset_password(self, password: str | None = None) -> None:
        user = self.selected()
        if user is None:
            return
        if not password:
            dialog = PasswordDialog(self, intro=f"为“{user.display_name or user.name}”设置新密码（对方下次登录时须修改）。")
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            password = dialog.password()
        self._run(lambda: auth.set_password(user.id, password, must_change=True), f"已为“{user.name}”重设密码。")

    def toggle_active(self) -> None:
        user = self.selected()
        if user is None:
            return
        self._run(lambda: auth.update_user(user.id, {"active": not user.active}, expected_version=user.version))

    def delete_selected(self) -> None:
        user = self.selected()
        if user is None:
            return
        answer = QMessageBox.question(
            self, "删除用户", f"删除用户“{user.name}”？\n（其修改痕迹保留；如只是暂时不用，请选“停用”。）",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._run(lambda: auth.delete_user(user.id))

    def create_server_login(self, password: str | None = None) -> None:
        from desktop.services import pg_accounts

        user = self.selected()
        if user is None:
            return
        if not password:
            dialog = PasswordDialog(self, title="建立数据库账号",
                                    intro=f"在服务器上为“{user.name}”建立数据库账号，请设置其连接密码。")
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            password = dialog.password()
        self._run(lambda: pg_accounts.create_login(user.id, password), f"已在服务器上建立数据库账号“{user.name}”。")

    def change_my_password(self) -> None:
        from desktop.views.login_dialog import ChangePasswordDialog

        if ChangePasswordDialog(self).exec() == QDialog.DialogCode.Accepted:
            QMessageBox.information(self, "修改密码", "密码已修改。")

    def _run(self, fn, done_message: str = "") -> bool:
        try:
            fn()
        except UserError as exc:
            QMessageBox.warning(self, "用户", str(exc))
            self.load()
            return False
        selected = self.selected()
        self.load()
        if selected:
            self.select_user(selected.id)
        if done_message:
            QMessageBox.information(self, "用户", done_message)
        return True


# The page of the navigation and the 设置 tab are the same widget.
UsersPage = UsersPanel
