"""Run a service call off the GUI thread and report progress, result or error back as signals.

The service gets a `progress(done, total) -> bool` callable; returning False asks it to stop.
Workers never touch widgets: everything comes back through Qt signals, delivered on the GUI thread.
Tests can set `Task.synchronous = True` to run calls inline.
"""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desktop.errors import UserError, database_failure_message

log = logging.getLogger(__name__)


class TaskSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str, bool)  # message, is_user_error


class Task(QRunnable):
    synchronous = False

    def __init__(self, fn: Callable[..., Any], *args, **kwargs):
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.signals = TaskSignals()
        self._cancel = threading.Event()
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self._cancel.set()

    def _progress(self, done: int, total: int) -> bool:
        self.signals.progress.emit(int(done), int(total))
        return not self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self.fn(*self.args, progress=self._progress, **self.kwargs)
        except UserError as exc:
            self.signals.failed.emit(str(exc), True)
        except Exception as exc:  # a bug: log it with its traceback, tell the user where the log is
            log.error("后台任务出错：%s\n%s", exc, traceback.format_exc())
            told = database_failure_message(exc)  # a full disk or a lost server is not a bug to report
            if told is not None:
                self.signals.failed.emit(told, True)
            else:
                self.signals.failed.emit(f"程序内部错误：{exc}", False)
        else:
            self.signals.finished.emit(result)
        finally:
            _close_thread_connection()


def _close_thread_connection() -> None:
    """A pool thread's own database connection (peewee opens one per thread) is closed when its task
    ends, so no file handle or server session outlives the work."""
    if threading.current_thread() is threading.main_thread():
        return  # Task.synchronous (tests): the task ran on the GUI's own connection
    from desktop import db

    db.close()


_running: set[Task] = set()


def run_task(
    fn: Callable[..., Any],
    *args,
    on_result: Callable[[Any], None] | None = None,
    on_error: Callable[[str, bool], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    **kwargs,
) -> Task:
    """Start `fn(*args, progress=…, **kwargs)` on the global thread pool; returns the task (cancel())."""
    task = Task(fn, *args, **kwargs)
    if on_progress:
        task.signals.progress.connect(on_progress)
    if on_result:
        task.signals.finished.connect(on_result)
    if on_error:
        task.signals.failed.connect(on_error)
    _running.add(task)
    task.signals.finished.connect(lambda *_: _running.discard(task))
    task.signals.failed.connect(lambda *_: _running.discard(task))
    if Task.synchronous:
        task.run()
    else:
        QThreadPool.globalInstance().start(task)
    return task
