from desktop.services.database import SETTING_IS_DEMO, set_setting
from desktop.views.main_window import MainWindow


def test_title_and_status_bar(qtbot, sample_projects):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.load_data()
    assert "将乐县招商服务中心" in window.windowTitle()
    assert "演示数据" not in window.windowTitle()
    assert not window.demo_label.isVisible()
    assert window.summary_label.text() == "显示 3 个项目，总投资 20.30 亿元"
    assert [a.text() for a in window.toolbar.actions()][:1] == ["新建项目"]


def test_demo_database_is_marked(qtbot, fresh_db):
    set_setting(SETTING_IS_DEMO, "1")
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert "演示数据" in window.windowTitle()
    assert window.demo_label.isVisible()


def test_opens_on_the_page_last_used(qtbot, sample_projects):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.load_data()
    window.show_page_by_key("reference")
    assert window.stack.currentWidget() is window.reference_page
    assert window.reference_page.units.rowCount() >= 29
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.stack.currentWidget() is again.reference_page


def test_every_page_opens_on_the_demo_and_fits_a_small_screen(qtbot, demo_db):
    from desktop.views.main_window import PAGE_KEYS, PAGES

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    window.load_data()
    for key, title, *_ in PAGES:
        page = window.show_page_by_key(key)
        assert window.stack.currentWidget() is page, title
        assert window.nav.currentItem().text() == title
        # The page's toolbar is the window's toolbar while it is shown.
        assert [a.text() for a in window.toolbar.actions()] == [a.text() for a in page.actions_for_toolbar]
        assert page.minimumSizeHint().width() <= 1366 - window.nav.width(), title
    assert len(PAGE_KEYS) == window.nav.count() == window.stack.count()


def test_a_dashboard_card_opens_its_projects_in_the_library(qtbot, demo_db):
    import datetime as dt

    from desktop.services import dashboard
    from desktop.services.stats import compute_stats

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.load_data()
    page = window.show_page_by_key("dashboard")
    page.set_period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    data = dashboard.build_dashboard(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    selection = next(card.selection for card in data.cards if card.key == "library")
    with qtbot.waitSignal(page.open_filtered, timeout=1000):
        page.open_filtered.emit(selection)
    assert window.stack.currentWidget() is window.library_page
    expected = compute_stats(dt.date(2022, 1, 1), dt.date(2022, 6, 30))["library_projects"]
    assert window.library_page.model.rowCount() == expected == 60
    assert "正在显示" in window.library_page.selection_label.text()
    window.library_page.selection_clear.click()
    assert window.library_page.model.rowCount() == 168


def test_automatic_backups_start_once_the_window_is_up(qtbot, sample_projects):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.auto_backup is not None, timeout=2000)


def test_the_file_menu_offers_the_template_import_and_export_from_any_page(qtbot, sample_projects, monkeypatch, tmp_path):
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    window = MainWindow()
    qtbot.addWidget(window)
    window.show_page_by_key("targets")
    (file_menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "文件(&F)"]
    actions = {a.text(): a for a in file_menu.actions() if a.text()}
    # Alt+F, then a letter: every item has its own.
    assert {"导入 Excel 清单(&I)…", "下载乡镇填报模板(&T)…", "导出项目清单(&E)…", "退出(&X)"} <= set(actions)
    target = tmp_path / "模板.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    actions["下载乡镇填报模板(&T)…"].trigger()
    assert load_workbook(target).sheetnames == ["项目清单", "填表说明", "下拉列表"]
    listed = tmp_path / "清单.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(listed), ""))
    actions["导出项目清单(&E)…"].trigger()
    qtbot.waitUntil(listed.exists, timeout=10000)
    assert window.stack.currentWidget() is window.library_page
