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
