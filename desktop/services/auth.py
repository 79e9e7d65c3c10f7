"""Users and passwords: scrypt hashes, log-in with lock-out, the first administrator, the users list.

Passwords are hashed with scrypt (memory-hard: 16 MiB per guess with the parameters below), with a
random salt; the parameters are stored with the hash, so they can be raised later without locking
anybody out. Five wrong passwords in a row lock the account for five minutes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass

from peewee import JOIN

from desktop.db import database
from desktop.errors import NotFoundError, UserError, ValidationError
from desktop.models import Unit
from desktop.models import audit as audit_model
from desktop.models.user import ROLE_ADMIN, ROLE_UNIT, ROLES, User
from desktop.services import access
from desktop.services.access import CurrentUser

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MAX_FAILURES = 5
LOCK_MINUTES = 5
MIN_PASSWORD_LENGTH = 8

# The clock of the lock-out; tests replace it (or pass `now=`).
clock: Callable[[], dt.datetime] = lambda: dt.datetime.now().replace(microsecond=0)  # noqa: E731


class LoginError(UserError):
    """Wrong name or password, an inactive or a locked account."""


# --- hashing -----------------------------------------------------------------------------------
def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=128 * r * n * 2 + 1024 * 1024, dklen=32)
    return "$".join(["scrypt", str(n), str(r), str(p), base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        n, r, p = int(n), int(r), int(p)
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"), salt=base64.b64decode(salt), n=n, r=r, p=p,
            maxmem=128 * r * n * 2 + 1024 * 1024, dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def password_problem(password: str) -> str:
    """Why a new password is not acceptable ("" when it is)."""
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少 {MIN_PASSWORD_LENGTH} 位"
    if password.strip() != password:
        return "密码首尾不能有空格"
    if password.isdigit() and len(set(password)) == 1:
        return "密码太简单"
    return ""


# --- the list of users -------------------------------------------------------------------------
@dataclass(frozen=True)
class UserRow:
    id: int
    name: str
    display_name: str
    role: str
    unit_id: int | None
    unit_name: str
    active: bool
    locked_until: dt.datetime | None
    last_login_at: dt.datetime | None
    version: int

    def locked(self, now: dt.datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or clock())


def has_users() -> bool:
    return User.select().exists()


def needs_first_admin() -> bool:
    """A database nobody can log in to yet: the first start makes its administrator."""
    return not User.select().where((User.role == ROLE_ADMIN) & (User.active == True)).exists()  # noqa: E712


def list_users() -> list[UserRow]:
    query = (
        User.select(User, Unit.name.alias("unit_name"))
        .join(Unit, join_type=JOIN.LEFT_OUTER, on=(User.unit == Unit.id))
        .order_by(User.id)
        .objects()
    )
    return [
        UserRow(u.id, u.name, u.display_name, u.role, u.unit_id, getattr(u, "unit_name", None) or "",
                bool(u.active), u.locked_until, u.last_login_at, u.version)
        for u in query
    ]


def get_user(user_id: int) -> UserRow:
    for row in list_users():
        if row.id == user_id:
            return row
    raise NotFoundError("用户不存在或已被删除")


def validate_user(values: dict, *, user_id: int | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = "请填写登录名"
    elif len(name) > 63:
        errors["name"] = "登录名不能超过 63 个字符"
    elif any(ch.isspace() for ch in name) or any(ch in "\"'\\;" for ch in name):
        errors["name"] = "登录名不能包含空格、引号、反斜杠或分号"
    elif User.select().where((User.name == name) & (User.id != (user_id or 0))).exists():
        errors["name"] = f"已有登录名为“{name}”的用户"
    if len((values.get("display_name") or "").strip()) > 32:
        errors["display_name"] = "姓名不能超过 32 个字"
    role = values.get("role")
    if role not in ROLES:
        errors["role"] = f"角色应为：{'、'.join(ROLES)}"
    unit_id = values.get("unit_id")
    if role == ROLE_UNIT and unit_id is None:
        errors["unit_id"] = "单位用户须选择所属单位"
    if unit_id is not None and not Unit.select().where(Unit.id == unit_id).exists():
        errors["unit_id"] = "所选单位不存在"
    if "password" in values:
        problem = password_problem(values.get("password") or "")
        if problem:
            errors["password"] = problem
    return errors


def create_user(values: dict) -> int:
    """A new user (name, display_name, role, unit_id, password); administrators only."""
    access.require_admin()
    values = dict(values)
    values.setdefault("password", "")
    errors = validate_user(values)
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        user = User.create(
            name=values["name"].strip(),
            display_name=(values.get("display_name") or "").strip() or values["name"].strip(),
            role=values["role"],
            unit=values.get("unit_id") if values["role"] == ROLE_UNIT else None,
            password_hash=hash_password(values["password"]),
            must_change_password=bool(values.get("must_change_password", True)),
        )
    access.forget_server_user()
    return user.id


def update_user(user_id: int, values: dict, *, expected_version: int | None = None) -> None:
    """Change name, display name, role, unit or active flag (not the password); administrators only."""
    access.require_admin()
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotFoundError("用户不存在或已被删除")
    merged = {
        "name": user.name, "display_name": user.display_name, "role": user.role, "unit_id": user.unit_id,
        **{k: v for k, v in values.items() if k != "password"},
    }
    errors = validate_user(merged, user_id=user_id)
    if errors:
        raise ValidationError(errors)
    active = bool(values.get("active", user.active))
    with database.atomic():
        _keep_an_administrator(user, merged["role"], active)
        user.name = merged["name"].strip()
        user.display_name = (merged.get("display_name") or "").strip() or user.name
        user.role = merged["role"]
        user.unit = merged.get("unit_id") if merged["role"] == ROLE_UNIT else None
        user.active = active
        if expected_version is not None:
            user.version = expected_version
        user.save()
    access.forget_server_user()


def _keep_an_administrator(user: User, new_role: str, active: bool) -> None:
    if user.role != ROLE_ADMIN or (new_role == ROLE_ADMIN and active):
        return
    others = User.select().where(
        (User.role == ROLE_ADMIN) & (User.active == True) & (User.id != user.id)  # noqa: E712
    ).exists()
    if not others:
        raise UserError("至少要保留一名启用的管理员")


def delete_user(user_id: int) -> None:
    access.require_admin()
    me = access.current_user()
    if me is not None and me.id == user_id:
        raise UserError("不能删除自己正在使用的账号")
    with database.atomic():
        user = User.get_or_none(User.id == user_id)
        if user is None:
            raise NotFoundError("用户不存在或已被删除")
        _keep_an_administrator(user, "", False)
        user.delete_instance()
    access.forget_server_user()


def set_password(user_id: int, new_password: str, *, must_change: bool = False) -> None:
    """An administrator sets someone's password (which also unlocks the account)."""
    me = access.current_user()
    if me is None or me.id != user_id:
        access.require_admin()
    problem = password_problem(new_password)
    if problem:
        raise ValidationError({"password": problem})
    with database.atomic():
        rows = User.update(
            password_hash=hash_password(new_password), failed_attempts=0, locked_until=None,
            must_change_password=must_change,
        ).where(User.id == user_id).execute()
        if not rows:
            raise NotFoundError("用户不存在或已被删除")
        name = User.select(User.name).where(User.id == user_id).scalar()
        audit_model.record_event("app_user", user_id, audit_model.UPDATE, "password", "", "已重设密码", label=name)


def change_own_password(old_password: str, new_password: str) -> None:
    me = access.current_user()
    if me is None or me.id is None:
        raise UserError("请先登录")
    user = User.get_or_none(User.id == me.id)
    if user is None or not verify_password(old_password, user.password_hash):
        raise ValidationError({"old_password": "原密码不正确"})
    if old_password == new_password:
        raise ValidationError({"password": "新密码不能与原密码相同"})
    set_password(me.id, new_password)


# --- logging in ---------------------------------------------------------------------------------
def authenticate(name: str, password: str, *, now: dt.datetime | None = None) -> CurrentUser:
    """Check name and password; returns who it is. Wrong passwords count towards the lock-out."""
    now = now or clock()
    name = (name or "").strip()
    user = User.get_or_none(User.name == name)
    if user is None or not user.active:
        # The same message for an unknown name: the screen does not tell which names exist.
        raise LoginError("用户名或密码错误")
    if user.locked_until is not None and user.locked_until > now:
        raise LoginError(_locked_message(user.locked_until, now))
    if not verify_password(password or "", user.password_hash):
        failures = (user.failed_attempts or 0) + 1
        if user.locked_until is not None and user.locked_until <= now:
            failures = 1  # the lock has run out: a fresh count
        locked_until = now + dt.timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILURES else None
        User.update(failed_attempts=0 if locked_until else failures, locked_until=locked_until).where(User.id == user.id).execute()
        if locked_until:
            audit_model.record_event("app_user", user.id, audit_model.UPDATE, "locked", "", f"连续 {MAX_FAILURES} 次密码错误，锁定 {LOCK_MINUTES} 分钟", label=user.name)
            raise LoginError(_locked_message(locked_until, now))
        left = MAX_FAILURES - failures
        raise LoginError(f"用户名或密码错误（再错 {left} 次将锁定 {LOCK_MINUTES} 分钟）")
    User.update(failed_attempts=0, locked_until=None, last_login_at=now).where(User.id == user.id).execute()
    return access.user_info(user)


def login(name: str, password: str, *, now: dt.datetime | None = None) -> CurrentUser:
    """Authenticate and act as that user from now on."""
    user = authenticate(name, password, now=now)
    access.login_as(user)
    return user


def must_change_password(user_id: int) -> bool:
    return bool(User.select(User.must_change_password).where(User.id == user_id).scalar())


def _locked_message(until: dt.datetime, now: dt.datetime) -> str:
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))
    return f"密码错误次数过多，账号已锁定，请 {minutes} 分钟后（{until.strftime('%H:%M')} 以后）再试，或请管理员重设密码"


def create_first_admin(name: str, password: str, display_name: str = "") -> CurrentUser:
    """The first start of a database without an administrator: make one (and act as them)."""
    if not needs_first_admin():
        raise UserError("已有管理员，请用管理员账号登录")
    values = {"name": name, "display_name": display_name or name, "role": ROLE_ADMIN, "unit_id": None, "password": password}
    errors = validate_user(values)
    if errors:
        raise ValidationError(errors)
    with database.atomic(), access.acting_as(None):
        user = User.create(
            name=name.strip(), display_name=(display_name or name).strip(), role=ROLE_ADMIN,
            password_hash=hash_password(password),
        )
    access.forget_server_user()
    info = access.user_info(user)
    access.login_as(info)
    return info


def demo_account() -> tuple[str, str] | None:
    """(name, password) of the demo account, shown on the demo's login screen; None elsewhere."""
    from desktop.services.database import is_demo
    from desktop.services.demo_users import DEMO_PASSWORD, DEMO_USER

    if not is_demo():
        return None
    if not User.select().where(User.name == DEMO_USER).exists():
        return None
    return DEMO_USER, DEMO_PASSWORD
