"""Every page's Excel export asks where to save in the folder the user last exported to (else 文档),
never in the hidden data folder nor the program's own folder."""

from __future__ import annotations

import pytest

from desktop.views.main_window import MainWindow

EXPORTS = [  # page key, how the page asks, the file name it suggests (its start)
    ("library", lambda page: page.export_shown(), "项目库-"),
    ("library", lambda page: page.save_template(), "项目清单填报模板.xlsx"),
    ("teams", lambda page: page.export_shown(), ""),
    ("scoreboard", lambda page: page.export(), "积分榜.xlsx"),
    ("targets", lambda page: page.choose_export_file(), "目标任务完成进度"),
    ("chains", lambda page: page.export_xlsx(), "招商作战表-"),
    ("reviews", lambda page: page.export(), "即时初审.xlsx"),
    ("audit", lambda page: page.export(), "修改痕迹.xlsx"),
    ("reference", lambda page: page.export_list(page.units, "单位"), "单位.xlsx"),
]


@pytest.mark.parametrize(("key", "ask", "named"), EXPORTS, ids=[f"{k}-{i}" for i, (k, _a, _n) in enumerate(EXPORTS)])
def test_the_export_asks_in_the_last_export_folder(qtbot, sample_projects, monkeypatch, tmp_path, key, ask, named):
    from PySide6.QtWidgets import QFileDialog

    from desktop import config
    from desktop.views.main_window import ui_settings
    from desktop.views.table_export import EXPORT_FOLDER_KEY

    folder = tmp_path / "导出的表格"
    folder.mkdir()
    ui_settings().setValue(EXPORT_FOLDER_KEY, str(folder))
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _p, _caption, start, _f: asked.append(start) or ("", ""))
    window = MainWindow()
    qtbot.addWidget(window)
    page = window.show_page_by_key(key)
    ask(page)
    (start,) = asked
    assert start.startswith(str(folder)) and named in start.rsplit("/", 1)[-1]
    assert not start.startswith(str(config.data_dir()))
