"""Database failures the user can act on are told in Chinese; the rest stay bugs."""

from __future__ import annotations

import sqlite3

import peewee
import pytest

from desktop.errors import database_failure_message


@pytest.mark.parametrize(("raised", "says"), [
    (sqlite3.OperationalError("database or disk is full"), "磁盘空间不足"),
    (peewee.OperationalError("disk I/O error"), "磁盘空间不足或磁盘出错"),
    (peewee.OperationalError("database is locked"), "另一个程序写入"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "只读"),
    (peewee.OperationalError("server closed the connection unexpectedly"), "服务器的连接断开"),
])
def test_what_the_database_says_becomes_what_to_do(raised, says):
    assert says in database_failure_message(raised)


def test_the_first_refusal_is_found_behind_a_failed_rollback():
    try:
        try:
            raise sqlite3.OperationalError("database or disk is full")
        except sqlite3.OperationalError:
            raise peewee.OperationalError("cannot rollback - no transaction is active")  # noqa: B904
    except peewee.OperationalError as exc:
        assert "磁盘空间不足" in database_failure_message(exc)


@pytest.mark.parametrize("raised", [peewee.OperationalError("no such column: foo"), KeyError("name"),
                                    peewee.IntegrityError("UNIQUE constraint failed: project.code")])
def test_anything_else_stays_a_bug(raised):
    assert database_failure_message(raised) is None
