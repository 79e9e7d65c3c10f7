"""Run a service call on the worker pool behind a cancellable progress dialog."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from desktop.workers import run_task


def run_with_progress(
    parent: QWidget, label: str, fn: Callable[..., Any], *args, done: Callable[[Any], None] | None = None, **kwargs
):
    """Start `fn(*args, progress=…, **kwargs)`; show progress, allow 取消, report errors in Chinese."""
    dialog = QProgressDialog(label, "取消", 0, 0, parent)
    dialog.setWindowTitle("请稍候")
    dialog.setMinimumDuration(500)
    dialog.setAutoClose(False)

    def finished(result):
        dialog.close()
        if done:
            done(result)

    def failed(message: str, _is_user_error: bool):
        dialog.close()
        if message != "已取消":
            QMessageBox.warning(parent, "没有完成", message)

    def progress(current: int, total: int):
        dialog.setMaximum(max(total, 1))
        dialog.setValue(current)

    task = run_task(fn, *args, on_result=finished, on_error=failed, on_progress=progress, **kwargs)
    dialog.canceled.connect(task.cancel)
    return task
