"""--selftest runs end to end in a temporary folder and leaves the user's data folder alone."""

from __future__ import annotations

import os

from desktop.selftest import PASSED, run_selftest


def test_selftest_passes_and_restores_the_data_folder(qtbot, isolated_data_dir):
    lines: list[str] = []
    assert run_selftest(lines.append) == 0, "\n".join(lines)
    assert lines[-1].startswith(PASSED)  # what build_scripts/build.py --smoke looks for
    assert any("生成演示数据库：通过（168 个项目）" in line for line in lines)
    # The template is imported and its example row is not a project; the export goes back in
    # with “update duplicates” and changes nothing.
    assert any("生成填报模板并导入：通过" in line and "示例行未成为项目" in line for line in lines)
    assert any("导出项目库并重新导入：通过（168 个项目按重复更新 168 个，无变化" in line for line in lines)
    assert os.environ["INVESTDESK_DATA_DIR"] == str(isolated_data_dir)
    assert not any(isolated_data_dir.iterdir())


def test_selftest_fails_when_a_page_raises_inside_a_slot(qtbot, isolated_data_dir, monkeypatch):
    from PySide6.QtCore import QTimer

    from desktop.views import stats_page

    def broken_load(self):
        def boom():
            raise RuntimeError("统计页坏了")

        QTimer.singleShot(0, boom)  # an error in a slot never reaches the caller

    monkeypatch.setattr(stats_page.StatsPage, "load", broken_load)
    lines: list[str] = []
    assert run_selftest(lines.append) == 1
    assert any("打开并关闭主窗口：失败" in line and "统计页坏了" in line for line in lines)


def test_selftest_fails_when_the_templates_example_row_would_become_a_project(qtbot, isolated_data_dir, monkeypatch):
    from desktop.services import excel_import

    monkeypatch.setattr(excel_import, "_is_example", lambda *args: False)
    lines: list[str] = []
    assert run_selftest(lines.append) == 1
    assert any("生成填报模板并导入：失败" in line for line in lines), "\n".join(lines)


def test_selftest_fails_when_reimporting_the_export_changes_a_project(qtbot, isolated_data_dir, monkeypatch):
    from desktop.services import projects

    update_project = projects.update_project

    def careless_update(project_id, values, **kwargs):
        update_project(project_id, {**values, "remarks": (values.get("remarks") or "") + "（已改）"}, **kwargs)

    monkeypatch.setattr(projects, "update_project", careless_update)
    lines: list[str] = []
    assert run_selftest(lines.append) == 1
    failure = next(line for line in lines if "导出项目库并重新导入：失败" in line)
    assert "改动了项目" in failure and "remarks" in failure


def test_selftest_fails_when_qts_chinese_translation_is_missing(qtbot, isolated_data_dir, monkeypatch):
    from PySide6.QtCore import QTranslator
    from PySide6.QtWidgets import QApplication

    from desktop import app as app_module

    application = QApplication.instance()
    installed = [t for t in application.findChildren(QTranslator) if not t.isEmpty()]
    for translator in installed:
        application.removeTranslator(translator)
    monkeypatch.setattr(app_module, "install_translation", lambda app: None)  # as if the build left it out
    try:
        lines: list[str] = []
        assert run_selftest(lines.append) == 1
    finally:
        for translator in installed:
            application.installTranslator(translator)
    assert any("打开并关闭主窗口：失败" in line and "qtbase_zh_CN" in line for line in lines), "\n".join(lines)
