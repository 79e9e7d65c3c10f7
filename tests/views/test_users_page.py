"""用户: the administrator adds, edits, resets and stops users; others see the list greyed."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from desktop.services import access, auth
from desktop.views.users_page import PasswordDialog, UserDialog, UsersPanel
from tests.views.conftest import type_chinese


@pytest.fixture
def admin(fresh_db):
    user = auth.create_first_admin("admin", "correct horse", display_name="王管理")
    yield user
    access.logout()


def _column(panel, column):
    return [panel.table.item(r, column).text() for r in range(panel.table.rowCount())]


def test_the_administrator_adds_a_unit_user(qtbot, admin, monkeypatch):
    panel = UsersPanel()
    qtbot.addWidget(panel)
    panel.load()
    assert _column(panel, 0) == ["admin"] and "王管理（管理员）" in panel.me_label.text()
    assert panel.new_button.isEnabled() and panel.login_button.isHidden()

    dialog = UserDialog(panel)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("shuinan")
    type_chinese(dialog.display_edit, "水南镇招商员")
    dialog.role_combo.setCurrentText("单位用户")
    assert dialog.unit_combo.isEnabled()
    dialog.password_edit.setText("initial pw 1")
    assert not dialog.try_accept() and "所属单位" in dialog.message.text()
    dialog.unit_combo.setCurrentText("水南镇")
    assert dialog.try_accept()
    panel.load()
    assert _column(panel, 0) == ["admin", "shuinan"]
    assert _column(panel, 2) == ["管理员", "单位用户"] and _column(panel, 3) == ["", "水南镇"]
    panel.resize(1000, 500)


def test_reset_stop_and_delete(qtbot, admin, no_modal_boxes, monkeypatch):
    uid = auth.create_user({"name": "li", "display_name": "李四", "role": "招商中心", "password": "initial pw 1"})
    panel = UsersPanel()
    qtbot.addWidget(panel)
    panel.load()
    panel.select_user(uid)
    panel.reset_password("brand new pw")
    assert auth.authenticate("li", "brand new pw").name == "li"
    panel.select_user(uid)
    panel.toggle_active()
    assert _column(panel, 4)[1] == "已停用"
    panel.select_user(uid)
    assert panel.active_button.text() == "启用"
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    panel.select_user(uid)
    panel.delete_selected()
    assert _column(panel, 0) == ["admin"]


def test_the_last_administrator_cannot_be_stopped(qtbot, admin, no_modal_boxes):
    panel = UsersPanel()
    qtbot.addWidget(panel)
    panel.load()
    panel.select_user(admin.id)
    panel.toggle_active()
    assert any("至少要保留一名" in text for _title, text in no_modal_boxes)
    assert _column(panel, 4) == ["正常"]


def test_others_see_the_list_without_the_buttons(qtbot, admin):
    uid = auth.create_user({"name": "lingdao", "role": "领导", "password": "initial pw 1"})
    access.login_as(access.user_info(__import__("desktop.models.user", fromlist=["User"]).User.get_by_id(uid)))
    panel = UsersPanel()
    qtbot.addWidget(panel)
    panel.load()
    panel.select_user(uid)
    assert not panel.new_button.isEnabled() and not panel.edit_button.isEnabled()
    assert "只有管理员" in panel.notice.text()


def test_the_password_dialog_checks_twice(qtbot):
    dialog = PasswordDialog()
    qtbot.addWidget(dialog)
    dialog.first.setText("long enough")
    dialog.second.setText("long enougH")
    assert not dialog.try_accept()
    dialog.second.setText("long enough")
    assert dialog.try_accept() and dialog.result() == QDialog.DialogCode.Accepted


# --- 连接服务器 ------------------------------------------------------------------------------
def test_the_connection_dialog_tests_and_tells_in_chinese(qtbot, monkeypatch):
    from desktop.services import pg_accounts
    from desktop.views.connection_dialog import ConnectionDialog

    dialog = ConnectionDialog()
    qtbot.addWidget(dialog)
    assert not dialog.test() and "请填写服务器地址" in dialog.result_label.text()
    dialog.host_edit.setText("127.0.0.1")
    dialog.port_spin.setValue(1)  # nothing listens there
    dialog.user_edit.setText("zhang")
    dialog.password_edit.setText("secret")
    assert not dialog.save()
    import importlib.util

    if importlib.util.find_spec("psycopg") is not None:
        assert "无法连接到服务器 127.0.0.1:1" in dialog.result_label.text()
    else:  # the test extra alone has no server driver: the dialog says how to get it
        assert "需要安装 psycopg" in dialog.result_label.text()
    assert pg_accounts.saved_connection() is None  # nothing saved after a failed test
    # A good connection (stubbed here; the postgres tests connect for real) is saved without its password.
    monkeypatch.setattr(pg_accounts, "check_connection", lambda connection, password: "连接成功：PostgreSQL 15")
    assert dialog.save()
    saved = pg_accounts.saved_connection()
    assert saved.url == "postgresql://zhang@127.0.0.1:1/investdesk"
    from desktop import config

    assert "secret" not in (config.data_dir() / pg_accounts.CONNECTION_FILE).read_text(encoding="utf-8")


def test_remember_password_is_hidden_without_a_keyring(qtbot, monkeypatch):
    from desktop.services import pg_accounts
    from desktop.views.connection_dialog import ConnectionDialog

    monkeypatch.setattr(pg_accounts, "_keyring", lambda: None)
    dialog = ConnectionDialog()
    qtbot.addWidget(dialog)
    assert dialog.remember_check.isHidden()


def test_the_connection_panel_says_where_the_data_lives(qtbot):
    from desktop.services import pg_accounts
    from desktop.views.connection_dialog import ConnectionPanel

    panel = ConnectionPanel()
    qtbot.addWidget(panel)
    panel.load()
    assert "本机使用自己的数据库文件" in panel.state_label.text()
    pg_accounts.save_connection(pg_accounts.make_connection("zsserver", 5432, "investdesk", "zhang"))
    panel.load()
    assert "postgresql://zhang@zsserver:5432/investdesk" in panel.state_label.text()
