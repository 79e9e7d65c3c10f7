"""--selftest runs end to end in a temporary folder and leaves the user's data folder alone."""

from __future__ import annotations

import os

from desktop.selftest import run_selftest


def test_selftest_passes_and_restores_the_data_folder(qtbot, isolated_data_dir):
    lines: list[str] = []
    assert run_selftest(lines.append) == 0, "\n".join(lines)
    assert lines[-1].startswith("自检通过")
    assert any("生成演示数据库：通过（168 个项目）" in line for line in lines)
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
