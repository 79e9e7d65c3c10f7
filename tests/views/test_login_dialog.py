"""登录: the first administrator, the demo account shown, wrong passwords and the lock."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from desktop.services import access, auth
from desktop.views.login_dialog import ChangePasswordDialog, LoginDialog, login_at_start
from tests.views.conftest import type_chinese


@pytest.fixture(autouse=True)
def logged_out():
    access.logout()
    yield
    access.logout()


def test_a_new_database_asks_for_its_administrator(qtbot, fresh_db):
    dialog = LoginDialog(first_admin=True)
    qtbot.addWidget(dialog)
    assert dialog.ok_button.text() == "创建并登录" and dialog.name_edit.text() == "admin"
    type_chinese(dialog.display_edit, "王管理")
    dialog.password_edit.setText("correct horse")
    dialog.confirm_edit.setText("correct hors")
    assert not dialog.try_accept() and dialog.message.text() == "两次输入的密码不一致"
    dialog.confirm_edit.setText("short")
    dialog.password_edit.setText("short")
    assert not dialog.try_accept() and "至少 8 位" in dialog.message.text()
    dialog.password_edit.setText("correct horse")
    dialog.confirm_edit.setText("correct horse")
    assert dialog.try_accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert access.current_user().display_name == "王管理" and not auth.needs_first_admin()
    dialog.resize(420, 300)


def test_the_demo_shows_and_fills_its_account(qtbot, demo_db):
    name, password = auth.demo_account()
    dialog = LoginDialog(demo_account=(name, password))
    qtbot.addWidget(dialog)
    assert name in dialog.demo_label.text() and password in dialog.demo_label.text()
    assert dialog.name_edit.text() == name and dialog.password_edit.text() == password
    dialog.resize(420, 300)
    assert dialog.try_accept()
    assert access.current_user().name == name


def test_wrong_passwords_are_told_and_the_fifth_locks(qtbot, fresh_db):
    auth.create_first_admin("admin", "correct horse")
    access.logout()
    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    assert dialog.demo_label.isHidden()
    dialog.name_edit.setText("admin")
    for attempt in range(4):
        dialog.password_edit.setText("wrong one")
        assert not dialog.try_accept()
        assert f"再错 {4 - attempt} 次" in dialog.message.text()
    dialog.password_edit.setText("wrong one")
    assert not dialog.try_accept() and "已锁定" in dialog.message.text()
    dialog.password_edit.setText("correct horse")
    assert not dialog.try_accept() and "已锁定" in dialog.message.text()
    assert access.current_user() is None


def test_login_at_start_picks_the_mode(qtbot, fresh_db, monkeypatch):
    seen = []

    def fake_exec(self):
        seen.append((self.first_admin, self.demo_label.isHidden()))
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(LoginDialog, "exec", fake_exec)
    assert login_at_start() is False
    auth.create_first_admin("admin", "correct horse")
    access.logout()
    assert login_at_start() is False
    assert seen == [(True, True), (False, True)]


def test_a_user_with_an_initial_password_changes_it(qtbot, fresh_db):
    auth.create_first_admin("admin", "correct horse")
    uid = auth.create_user({"name": "li", "role": "招商中心", "password": "initial pw 1"})
    assert auth.must_change_password(uid)
    auth.login("li", "initial pw 1")
    dialog = ChangePasswordDialog()
    qtbot.addWidget(dialog)
    dialog.old_edit.setText("initial pw 1")
    dialog.new_edit.setText("my own password")
    dialog.again_edit.setText("my own password")
    assert dialog.try_accept()
    assert not auth.must_change_password(uid)
    assert auth.authenticate("li", "my own password").name == "li"
