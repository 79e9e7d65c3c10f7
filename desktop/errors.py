"""The one family of errors a user can cause.

Anything raised as a `UserError` is shown to the user as its Chinese message (with the place it
refers to); anything else is a bug and is logged with its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a bad input is: a file, and inside it a sheet/row/column, or a form field."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None

    def describe(self) -> str:
        parts = []
        if self.file:
            parts.append(f"文件“{self.file}”")
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"“{self.column}”列")
        if self.field:
            parts.append(f"“{self.field}”")
        return "，".join(parts)


class UserError(Exception):
    """An error the user can fix; `message` is Chinese and says what is wrong."""

    def __init__(self, message: str, location: Location | None = None):
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        where = self.location.describe() if self.location else ""
        return f"{where}：{self.message}" if where else self.message


class ValidationError(UserError):
    """A form's values are not acceptable; `errors` maps field name → Chinese message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        summary = "；".join(errors.values())
        super().__init__(f"输入有误：{summary}")


class DatabaseError(UserError):
    """The database cannot be opened or used as asked (missing, newer, not a database …)."""


class NotFoundError(UserError):
    """A record the user referred to does not exist (any more)."""


# What the database says when the machine, not the program, is at fault (SQLite and PostgreSQL words).
_DATABASE_FAILURES = (
    (("disk is full", "disk i/o error", "no space left"),
     "磁盘空间不足或磁盘出错，刚才的操作没有完成，数据保持操作前的样子。请清理磁盘（或检查 U 盘、网络盘）后再试。"),
    (("database is locked", "database table is locked"),
     "数据库正被另一个程序写入（另一个窗口或命令行），刚才的操作没有进行。请稍后再试。"),
    (("attempt to write a readonly database", "read-only", "readonly database"),
     "数据库文件是只读的，刚才的操作没有进行。请检查文件属性和文件夹权限。"),
    (("server closed the connection", "connection refused", "could not connect to server", "connection timed out",
      "terminating connection", "the connection is closed", "connection is lost"),
     "与数据库服务器的连接断开了，刚才的操作没有完成。请检查网络，或请管理员确认服务器正在运行，然后再试。"),
)


def database_failure_message(exc: BaseException) -> str | None:
    """The Chinese sentence for a database failure the user can act on (a full disk, another writer, a
    read-only file, a lost server), looking through a failed ROLLBACK to what was refused first; None
    for anything else, which is a bug."""
    texts = []
    seen = 0
    while exc is not None and seen < 5:
        texts.append(str(exc))
        exc = exc.__cause__ or exc.__context__
        seen += 1
    text = " ".join(texts).lower()
    for words, message in _DATABASE_FAILURES:
        if any(word in text for word in words):
            return message
    return None
