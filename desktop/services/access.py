"""Who may do what: every service that changes data asks here first.

Until users and roles exist (the users issue), nobody is logged in and every call is allowed — the
command line on a local file acts as that file's administrator. Services call these functions at
the top of every change, so adding roles later changes this module only.
"""

from __future__ import annotations

from collections.abc import Iterable

from desktop.errors import UserError


class PermissionDenied(UserError):
    """The logged-in user's role does not allow this."""


def require_edit(unit_ids: Iterable[int | None] = ()) -> None:
    """Editing a project, lead or other record owned by `unit_ids` (responsible/first-reporting/township)."""


def require_centre() -> None:
    """Work reserved to the centre's staff (reviews, meetings, scoring settings, publishing)."""


def require_admin() -> None:
    """Users, settings and deletions."""
