"""Background tasks report what went wrong the way the user can act on it."""

from __future__ import annotations


def test_a_task_that_meets_a_locked_database_reports_a_user_error(qtbot):
    import sqlite3

    from desktop.workers import Task

    def locked(*, progress):
        raise sqlite3.OperationalError("database is locked")

    task = Task(locked)
    failures = []
    task.signals.failed.connect(lambda message, is_user_error: failures.append((message, is_user_error)))
    task.run()
    assert len(failures) == 1 and failures[0][1] is True and "另一个程序写入" in failures[0][0]
