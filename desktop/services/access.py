"""Who may do what: every service that changes data asks here first.

Roles: 管理员 (users, settings, deletions, and everything else), 招商中心 (edit everything),
单位用户 (edit the projects and leads of their own unit, read the rest), 领导 (read and print).

Who is acting:
- in the GUI, the user who logged in (`login_as`);
- on a local SQLite file with nobody logged in (the command line, scripts, tests), that file's
  administrator: whoever can read the file holds the data anyway;
- on a PostgreSQL server with nobody logged in, the user whose login name is the database
  account's: the server decides who connects, the app's role rides on that account.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from desktop.errors import UserError
from desktop.models import audit as audit_model
from desktop.models.base import ConflictError  # noqa: F401 (re-exported: views catch it from here)
from desktop.models.user import ROLE_ADMIN, ROLE_CENTRE, ROLE_LEADER, ROLE_UNIT, ROLES  # noqa: F401 (re-exported)

LOCAL_ADMIN_NAME = "本机管理员"


class PermissionDenied(UserError):
    """The logged-in user's role does not allow this."""


@dataclass(frozen=True)
class CurrentUser:
    id: int | None
    name: str
    display_name: str
    role: str
    unit_id: int | None = None
    unit_name: str = ""

    @property
    def label(self) -> str:
        shown = self.display_name or self.name
        unit = f"，{self.unit_name}" if self.role == ROLE_UNIT and self.unit_name else ""
        return f"{shown}（{self.role}{unit}）"


_current: CurrentUser | None = None


def login_as(user: CurrentUser | None) -> None:
    """Act as `user` from now on (None: nobody logged in)."""
    global _current
    _current = user


def logout() -> None:
    login_as(None)


@contextmanager
def acting_as(user: CurrentUser | None) -> Iterator[CurrentUser | None]:
    """For tests and scripts: act as `user` inside the block, as before after it."""
    global _current
    before = _current
    _current = user
    try:
        yield user
    finally:
        _current = before


def forget_server_user() -> None:
    """The users table changed: look the database account's user up again."""
    from desktop.db import database

    if database.obj is not None and hasattr(database.obj, "_investdesk_account_user"):
        del database.obj._investdesk_account_user


def current_user() -> CurrentUser | None:
    """The acting user; None means the local file's administrator (nobody logged in)."""
    if _current is not None:
        return _current
    return _server_account_user()


def _server_account_user() -> CurrentUser | None:
    from desktop.db import database, is_sqlite

    obj = database.obj
    if obj is None or is_sqlite():
        return None
    # Kept on the connection object itself: a new connection (another account) looks up afresh.
    if not hasattr(obj, "_investdesk_account_user"):
        obj._investdesk_account_user = _user_for_account(server_login_name())
    return obj._investdesk_account_user


def on_server() -> bool:
    """A PostgreSQL server is open (not a local file)."""
    from desktop.db import database, is_sqlite

    return database.obj is not None and not is_sqlite()


def server_login_name() -> str:
    """The database account of the open server connection."""
    import getpass

    from desktop.db import database

    params = getattr(database.obj, "connect_params", {}) or {}
    return params.get("user") or getpass.getuser()


def _user_for_account(login: str) -> CurrentUser | None:
    from desktop.models.user import User

    if not User.table_exists():
        return None
    user = User.get_or_none((User.name == login) & (User.active == True))  # noqa: E712
    if user is not None:
        return user_info(user)
    if not User.select().exists():
        return None  # a server without users yet: its owner sets it up
    # A database account the users screen does not know: it may read (the server let it in), no more.
    return CurrentUser(None, login, f"{login}（未登记的数据库账号）", ROLE_LEADER)


def user_info(user) -> CurrentUser:
    unit_name = user.unit.name if user.unit_id else ""
    return CurrentUser(user.id, user.name, user.display_name or user.name, user.role, user.unit_id, unit_name)


def effective_role() -> str:
    user = current_user()
    return user.role if user is not None else ROLE_ADMIN


def actor() -> tuple[int | None, str]:
    """(user id, name) written into the audit trail."""
    user = current_user()
    if user is None:
        return None, LOCAL_ADMIN_NAME
    return user.id, user.display_name or user.name


audit_model.actor_provider = actor


# --- the checks --------------------------------------------------------------------------------
def can_edit(unit_ids: Iterable[int | None] = ()) -> bool:
    role = effective_role()
    if role in (ROLE_ADMIN, ROLE_CENTRE):
        return True
    if role == ROLE_UNIT:
        user = current_user()
        return user is not None and user.unit_id is not None and user.unit_id in {u for u in unit_ids if u is not None}
    return False


def can_centre() -> bool:
    return effective_role() in (ROLE_ADMIN, ROLE_CENTRE)


def can_admin() -> bool:
    return effective_role() == ROLE_ADMIN


def require_edit(unit_ids: Iterable[int | None] = ()) -> None:
    """Editing a project, lead or other record owned by `unit_ids` (responsible/first-reporting/township)."""
    unit_ids = list(unit_ids)
    if can_edit(unit_ids):
        return
    user = current_user()
    if user is not None and user.role == ROLE_UNIT:
        own = f"（{user.unit_name}）" if user.unit_name else ""
        raise PermissionDenied(f"单位用户只能修改本单位{own}的项目和线索，其他单位的只能查看")
    raise PermissionDenied(_read_only_message())


def require_centre() -> None:
    """Work reserved to the centre's staff (reviews, meetings, scoring settings, publishing)."""
    if not can_centre():
        user = current_user()
        if user is not None and user.role == ROLE_UNIT:
            raise PermissionDenied("这项工作由招商中心负责，单位用户不能操作")
        raise PermissionDenied(_read_only_message())


def require_admin() -> None:
    """Users, settings and deletions."""
    if not can_admin():
        raise PermissionDenied("只有管理员可以进行这项操作（用户、设置和删除）")


def _read_only_message() -> str:
    user = current_user()
    role = user.role if user is not None else ""
    return f"您的角色（{role}）只能查看和打印，不能修改数据"


# --- the unit ownership of existing records -------------------------------------------------------
def project_unit_ids(project_id: int) -> list[int | None]:
    """The units that own a project: responsible, first-reporting and township."""
    from desktop.models import Project

    row = (
        Project.select(Project.responsible_unit, Project.first_unit, Project.township)
        .where(Project.id == project_id)
        .tuples()
        .first()
    )
    return list(row) if row else []


def require_project_edit(project_id: int) -> None:
    """Editing an existing project (its form, steps, status): judged by the units it has now."""
    if effective_role() in (ROLE_ADMIN, ROLE_CENTRE):
        return
    require_edit(project_unit_ids(project_id))


def values_unit_ids(values: dict) -> list[int | None]:
    """The owning units named in a project form's values."""
    return [values.get("responsible_unit_id"), values.get("first_unit_id"), values.get("township_id")]
