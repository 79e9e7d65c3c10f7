"""连接服务器: switch this PC to the office's PostgreSQL server, test the connection, remember the login.

The password is never written to a file: it is typed, or kept in the system keyring (Windows
Credential Manager) when “记住密码” is ticked — the box is hidden when the keyring package is absent.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError
from desktop.services import pg_accounts
from desktop.views.widgets import password_edit


class ConnectionDialog(QDialog):
    def __init__(self, parent=None, *, message: str = ""):
        super().__init__(parent)
        self.setWindowTitle("连接服务器")
        self.setMinimumWidth(420)
        saved = pg_accounts.saved_connection()
        self.host_edit = QLineEdit(saved.host if saved else "")
        self.host_edit.setPlaceholderText("如 192.168.1.10 或 zsserver")
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(saved.port if saved else 5432)
        self.database_edit = QLineEdit(saved.database if saved else "investdesk")
        self.user_edit = QLineEdit(saved.user if saved else "")
        self.password_edit = password_edit()
        self.remember_check = QCheckBox("记住密码（保存在系统密码库中）")
        self.remember_check.setVisible(pg_accounts.keyring_available())
        if saved is not None:
            remembered = pg_accounts.remembered_password(saved)
            if remembered:
                self.password_edit.setText(remembered)
                self.remember_check.setChecked(True)

        form = QFormLayout()
        form.addRow("服务器地址(&H)", self.host_edit)
        form.addRow("端口(&O)", self.port_spin)
        form.addRow("数据库(&D)", self.database_edit)
        form.addRow("用户名(&U)", self.user_edit)
        form.addRow("密码(&P)", self.password_edit)
        form.addRow("", self.remember_check)

        intro = QLabel("多人共用数据时，办公室运行一台 PostgreSQL 服务器；每人用管理员为自己建立的数据库账号连接。")
        intro.setWordWrap(True)
        self.result_label = QLabel(message)
        self.result_label.setObjectName("connection_result")
        self.result_label.setWordWrap(True)
        self.test_button = QPushButton("测试连接(&T)")
        self.test_button.clicked.connect(self.test)
        self.local_button = QPushButton("改回本机数据库")
        self.local_button.clicked.connect(self.use_local_file)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.local_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.local_button.setVisible(saved is not None)  # after addButton, which shows it
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)

    def connection(self) -> pg_accounts.ServerConnection:
        return pg_accounts.make_connection(
            self.host_edit.text(), self.port_spin.value(), self.database_edit.text(), self.user_edit.text()
        )

    def _show(self, text: str, ok: bool) -> None:
        self.result_label.setStyleSheet("color: #2e7d32;" if ok else "color: #c62828;")
        self.result_label.setText(text)

    def test(self) -> bool:
        try:
            text = pg_accounts.check_connection(self.connection(), self.password_edit.text())
        except UserError as exc:
            self._show(f"连接失败：{exc}", False)
            return False
        self._show(text, True)
        return True

    def save(self) -> bool:
        """Test, then keep the settings (and the password in the keyring if asked); takes effect at the next start."""
        if not self.test():
            return False
        connection = self.connection()
        pg_accounts.save_connection(connection)
        try:
            if self.remember_check.isVisible() and self.remember_check.isChecked():
                pg_accounts.remember_password(connection, self.password_edit.text())
            else:
                pg_accounts.forget_password(connection)
        except UserError as exc:
            self._show(str(exc), False)
        self.accept()
        return True

    def use_local_file(self) -> None:
        saved = pg_accounts.saved_connection()
        if saved is not None:
            pg_accounts.forget_password(saved)
        pg_accounts.save_connection(None)
        self._show("已改回本机数据库，重新启动程序后生效。", True)
        self.local_button.hide()


def server_url_at_start(parent=None) -> str | None:
    """The saved server's URL with its password (keyring, else PGPASSWORD/pgpass, else asked), or
    None when this PC uses a local file or the user cancelled the dialog."""
    import os

    connection = pg_accounts.saved_connection()
    if connection is None:
        return None
    password = pg_accounts.remembered_password(connection)
    if password:
        return connection.url_with_password(password)
    if os.environ.get("PGPASSWORD") or os.environ.get("PGPASSFILE"):
        return connection.url  # libpq reads them itself
    dialog = ConnectionDialog(parent, message="请输入数据库账号的密码。")
    dialog.password_edit.setFocus()
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.connection().url_with_password(dialog.password_edit.text())


class ConnectionPanel(QWidget):
    """设置 → 服务器: where this PC's data lives, and the button to switch to (or from) a server."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.keyring_label = QLabel()
        self.keyring_label.setWordWrap(True)
        self.keyring_label.setStyleSheet("color: #555;")
        button = QPushButton("连接服务器…")
        button.clicked.connect(self.open_dialog)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state_label)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.keyring_label)
        layout.addStretch(1)

    def load(self) -> None:
        saved = pg_accounts.saved_connection()
        if saved is None:
            self.state_label.setText("本机使用自己的数据库文件。多人共用数据时，请连接办公室的 PostgreSQL 服务器。")
        else:
            self.state_label.setText(f"启动时连接服务器：{saved.url}（账号“{saved.user}”）")
        self.keyring_label.setText(
            "密码可保存在系统密码库（Windows 凭据管理器）中。" if pg_accounts.keyring_available()
            else "本机没有可用的系统密码库（keyring），每次启动时输入密码，脚本可用 PGPASSWORD 或 pgpass 文件。"
        )

    def open_dialog(self) -> None:
        if ConnectionDialog(self).exec() == QDialog.DialogCode.Accepted:
            QMessageBox.information(self, "连接服务器", "已保存，重新启动程序后连接服务器。")
        self.load()
