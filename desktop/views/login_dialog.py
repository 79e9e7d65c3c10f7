"""登录: the dialog at start, the first administrator's set-up, and changing one's password."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from desktop import APP_NAME
from desktop.errors import UserError, ValidationError
from desktop.services import access, auth
from desktop.views.widgets import password_edit


class LoginDialog(QDialog):
    """Name and password; in `first_admin` mode it creates the administrator instead.

    `demo_account` (name, password) is shown, and filled in, on the demo database.
    After `accept()`, `user` is who logged in (and the services act as them).
    """

    def __init__(self, parent=None, *, first_admin: bool = False, demo_account: tuple[str, str] | None = None,
                 installation: str = ""):
        super().__init__(parent)
        self.first_admin = first_admin
        self.user: access.CurrentUser | None = None
        self.setWindowTitle(f"{APP_NAME} — {'设置管理员' if first_admin else '登录'}")
        self.setMinimumWidth(380)

        heading = QLabel(installation or APP_NAME)
        heading.setStyleSheet("font-size: 16px; font-weight: bold;")
        intro = QLabel(
            "这是第一次使用这个数据库。请设置管理员账号和密码（至少 8 位），管理员负责用户、设置和删除。"
            if first_admin else "请输入用户名和密码。"
        )
        intro.setWordWrap(True)

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("login_name")
        self.display_edit = QLineEdit()
        self.password_edit = password_edit()
        self.password_edit.setObjectName("login_password")
        self.confirm_edit = password_edit()

        form = QFormLayout()
        form.addRow("用户名(&U)", self.name_edit)
        if first_admin:
            self.name_edit.setText("admin")
            form.addRow("姓名(&N)", self.display_edit)
        form.addRow("密码(&P)", self.password_edit)
        if first_admin:
            form.addRow("再输一遍(&R)", self.confirm_edit)

        self.demo_label = QLabel()
        self.demo_label.setWordWrap(True)
        self.demo_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if demo_account:
            name, password = demo_account
            self.demo_label.setText(f"演示数据库的账号：用户名 <b>{name}</b>，密码 <b>{password}</b>（已填好，直接点“登录”）")
            self.demo_label.setStyleSheet("background: #fff8e1; padding: 6px;")
            self.name_edit.setText(name)
            self.password_edit.setText(password)
        else:
            self.demo_label.hide()

        self.message = QLabel()
        self.message.setObjectName("login_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("创建并登录" if first_admin else "登录")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.demo_label)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.password_edit if self.name_edit.text() else self.name_edit).setFocus()

    def try_accept(self) -> bool:
        name, password = self.name_edit.text().strip(), self.password_edit.text()
        if not name:
            self.message.setText("请填写用户名")
            self.name_edit.setFocus()
            return False
        try:
            if self.first_admin:
                if password != self.confirm_edit.text():
                    self.message.setText("两次输入的密码不一致")
                    self.confirm_edit.setFocus()
                    return False
                self.user = auth.create_first_admin(name, password, self.display_edit.text().strip())
            else:
                self.user = auth.login(name, password)
        except ValidationError as exc:
            self.message.setText("；".join(exc.errors.values()))
            self.password_edit.setFocus()
            return False
        except UserError as exc:
            self.message.setText(str(exc))
            self.password_edit.selectAll()
            self.password_edit.setFocus()
            return False
        self.accept()
        return True


class ChangePasswordDialog(QDialog):
    """One's own password: the old one, the new one twice."""

    def __init__(self, parent=None, *, reason: str = ""):
        super().__init__(parent)
        self.setWindowTitle("修改密码")
        self.old_edit, self.new_edit, self.again_edit = password_edit(), password_edit(), password_edit()
        form = QFormLayout()
        form.addRow("原密码", self.old_edit)
        form.addRow("新密码", self.new_edit)
        form.addRow("再输一遍", self.again_edit)
        # Why the dialog is asking comes before the fields; what went wrong, under them in red.
        self.reason = QLabel(reason)
        self.reason.setWordWrap(True)
        self.reason.setVisible(bool(reason))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reason)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def try_accept(self) -> bool:
        if self.new_edit.text() != self.again_edit.text():
            self.message.setText("两次输入的新密码不一致")
            return False
        try:
            auth.change_own_password(self.old_edit.text(), self.new_edit.text())
        except ValidationError as exc:
            self.message.setText("；".join(exc.errors.values()))
            return False
        except UserError as exc:
            self.message.setText(str(exc))
            return False
        self.accept()
        return True


def login_at_start(parent=None, *, installation: str = "") -> bool:
    """Ask who is working, for the database just opened; False when they chose to quit.

    On a server the database account already decided (desktop.services.access), so nothing is asked.
    """
    from desktop.services.database import installation_name

    if access.on_server():
        return True
    installation = installation or installation_name()
    if auth.needs_first_admin():
        dialog = LoginDialog(parent, first_admin=True, installation=installation)
    else:
        dialog = LoginDialog(parent, demo_account=auth.demo_account(), installation=installation)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    user = dialog.user
    if user is not None and user.id is not None and auth.must_change_password(user.id):
        ChangePasswordDialog(parent, reason="管理员为您设置的是初始密码，请先改成只有您知道的密码。").exec()
    return True
