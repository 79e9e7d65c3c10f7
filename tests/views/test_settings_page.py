"""设置: the installation tab shows this database's facts; feature panels open in their tabs."""

from __future__ import annotations

from desktop.views.settings_page import SettingsPage


def test_installation_tab_shows_name_prefix_and_database(qtbot, fresh_db):
    page = SettingsPage()
    qtbot.addWidget(page)
    page.load()
    panel = page.panel("本机")
    assert panel.name_label.text() == "将乐县招商服务中心"
    assert panel.prefix_label.text() == "JL"
    assert panel.database_label.text() == str(fresh_db)


def test_every_registered_panel_builds(qtbot, fresh_db):
    page = SettingsPage()
    qtbot.addWidget(page)
    for index in range(page.tabs.count()):
        panel = page.panel(page.tabs.tabText(index))
        assert page.tabs.widget(index).widget() is panel
        assert page.tabs.count() == len(page._specs)
