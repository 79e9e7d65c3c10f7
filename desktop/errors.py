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
