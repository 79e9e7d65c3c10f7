"""设置 → 备份与检查: list, 立即备份, 导出备份, 从备份恢复 (only after confirming), 检查数据库."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop.services import backup
from desktop.views.backup_panel import AutoBackup, BackupPanel


def _add(name: str, code: str) -> None:
    from desktop.services import projects

    projects.create_project({"name": name, "code": code, "total_investment": Decimal(10)})


def _names() -> list[str]:
    from desktop.services.project_list import load_rows

    return sorted(row.name for row in load_rows())


def _panel(qtbot) -> BackupPanel:
    panel = BackupPanel()
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    panel.load()
    return panel


def test_the_list_shows_the_backups_newest_first(fresh_db, qtbot):
    backup.make_backup(None, "before-import", now=dt.datetime(2022, 8, 24, 9, 0))
    backup.make_backup(None, "auto", now=dt.datetime(2022, 8, 25, 15, 30))
    panel = _panel(qtbot)
    assert panel.table.rowCount() == 2
    assert [panel.table.item(0, c).text() for c in (0, 1)] == ["2022-08-25 15:30:00", "自动备份"]
    assert [panel.table.item(1, c).text() for c in (0, 1)] == ["2022-08-24 09:00:00", "导入前"]
    assert str(fresh_db) in panel.where_label.text()
    assert not panel.restore_button.isEnabled()  # nothing selected yet
    panel.table.selectRow(1)
    assert panel.restore_button.isEnabled()


def test_backup_now_adds_a_row(fresh_db, qtbot, no_modal_boxes):
    panel = _panel(qtbot)
    assert panel.table.rowCount() == 0
    panel.backup_button.click()
    assert panel.table.rowCount() == 1
    assert panel.table.item(0, 1).text() == "手动备份"
    assert "已备份到" in no_modal_boxes[-1][1]


def test_export_to_a_chosen_folder(fresh_db, qtbot, tmp_path, monkeypatch, no_modal_boxes):
    stick = tmp_path / "U盘"
    stick.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(stick))
    panel = _panel(qtbot)
    panel.export_button.click()
    [exported] = stick.glob("将乐县招商服务中心-*.db")
    assert str(exported) in no_modal_boxes[-1][1]


def test_restore_only_after_confirming(fresh_db, qtbot, monkeypatch, no_modal_boxes):
    _add("备份时就有", "JL-2022-0001")
    backup.make_backup(None, "auto", now=dt.datetime(2022, 8, 25, 15, 30))
    _add("备份后才录入", "JL-2022-0002")
    from PySide6.QtWidgets import QMainWindow

    class Window(QMainWindow):
        reloads = 0

        def reload_all(self):
            Window.reloads += 1

    window = Window()
    qtbot.addWidget(window)
    panel = BackupPanel()
    window.setCentralWidget(panel)
    panel.load()
    panel.table.selectRow(0)

    panel.restore_button.click()  # the patched question answers No
    title, text = no_modal_boxes[-1]
    assert title == "从备份恢复" and "2022-08-25 15:30" in text and "当前的数据会先自动备份" in text
    assert _names() == ["备份后才录入", "备份时就有"]

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(panel.database_replaced, timeout=5000):
        panel.restore_button.click()
    assert _names() == ["备份时就有"]
    assert Window.reloads == 1  # the main window reloads its pages
    assert "恢复前的数据已备份到" in no_modal_boxes[-1][1]
    assert panel.table.item(0, 1).text() == "恢复前"


def test_restore_from_a_file_that_is_not_a_backup_is_refused(fresh_db, qtbot, tmp_path, monkeypatch, no_modal_boxes):
    other = tmp_path / "别的文件.db"
    other.write_text("不是数据库", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    panel = _panel(qtbot)
    panel.restore_file_button.click()
    assert no_modal_boxes[-1][0] == "不能恢复" and "不是 SQLite" in no_modal_boxes[-1][1]


def test_check_database_shows_the_report(fresh_db, qtbot):
    from desktop.db import database

    _add("阶段被改乱", "JL-2022-0001")
    database.execute_sql("UPDATE project SET stage_no = 9")
    panel = _panel(qtbot)
    panel.check_button.click()
    assert panel.check_summary.text() == "已修复 1 个问题，数据库现在正常。"
    text = panel.report.toPlainText()
    assert "发现并已修复" in text and "阶段被改乱" in text and "修复前已备份到" in text
    assert panel.table.item(0, 1).text() == "检查修复前"
    panel.check_button.click()
    assert panel.check_summary.text() == "数据库正常，没有发现问题。"


def test_the_automatic_backup_runs_at_start_and_only_on_changes(fresh_db, qtbot):
    auto = AutoBackup(first_delay_ms=-1)
    auto.run()
    assert len(backup.list_backups()) == 1
    auto.run()
    assert len(backup.list_backups()) == 1
    assert auto.timer.isActive() and auto.timer.interval() == 30 * 60 * 1000
    auto.timer.stop()


def test_the_panel_fits_a_small_screen(fresh_db, qtbot, tmp_path):
    for n in range(5):
        backup.make_backup(None, "before-import", now=dt.datetime(2022, 8, 20 + n, 9, 0))
    panel = _panel(qtbot)
    panel.resize(1366 - 140, 768 - 160)
    panel.show()
    qtbot.waitExposed(panel)
    panel.grab().save(str(tmp_path / "backup_panel.png"))
    assert panel.minimumSizeHint().height() <= 768 - 160


def test_the_server_backup_confirmation_asks_and_defaults_to_no(no_modal_boxes, monkeypatch):
    from desktop import migrations
    from desktop.views.backup_panel import confirm_server_backup_dialog

    assert confirm_server_backup_dialog("本机找不到 pg_dump。") is False  # the patched box answers No
    assert "请确认服务器备份是最新的" in no_modal_boxes[-1][1]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert confirm_server_backup_dialog("本机找不到 pg_dump。") is True
    monkeypatch.setattr(migrations, "confirm_server_backup", None)
    backup.set_server_backup_confirmation(confirm_server_backup_dialog)
    assert migrations.confirm_server_backup is confirm_server_backup_dialog
