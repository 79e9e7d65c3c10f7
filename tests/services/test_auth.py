"""Users and passwords: scrypt hashes, log-in, lock-out after five failures, the first administrator."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.errors import UserError, ValidationError
from desktop.models.user import ROLE_ADMIN, ROLE_CENTRE, ROLE_LEADER, ROLE_UNIT, User
from desktop.services import access, auth

T0 = dt.datetime(2022, 8, 31, 9, 0, 0)


@pytest.fixture(autouse=True)
def nobody_logged_in():
    access.logout()
    yield
    access.logout()


@pytest.fixture
def admin(fresh_db):
    return auth.create_first_admin("admin", "correct horse", display_name="王管理")


def test_a_password_is_stored_as_a_salted_scrypt_hash_with_its_parameters():
    first, second = auth.hash_password("秘密口令abc"), auth.hash_password("秘密口令abc")
    assert first != second  # salted
    scheme, n, r, p, _salt, _digest = first.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", auth.SCRYPT_N, auth.SCRYPT_R, auth.SCRYPT_P)
    assert "秘密口令abc" not in first
    assert auth.verify_password("秘密口令abc", first)
    assert not auth.verify_password("秘密口令abd", first)
    # Other parameters (raised later) still verify, because they travel with the hash.
    assert auth.verify_password("x" * 9, auth.hash_password("x" * 9, n=2**10))
    assert not auth.verify_password("x", "garbage") and not auth.verify_password("x", "")


def test_a_new_database_needs_its_first_administrator(fresh_db):
    assert auth.needs_first_admin()
    with pytest.raises(ValidationError) as caught:
        auth.create_first_admin("admin", "short")
    assert "至少 8 位" in str(caught.value)
    me = auth.create_first_admin("admin", "correct horse", display_name="王管理")
    assert me.role == ROLE_ADMIN and access.current_user() == me
    assert not auth.needs_first_admin()
    with pytest.raises(UserError):
        auth.create_first_admin("other", "correct horse")
    assert User.get(User.name == "admin").password_hash.startswith("scrypt$")


def test_login_with_the_right_password_and_not_with_a_wrong_one(admin):
    access.logout()
    with pytest.raises(auth.LoginError) as caught:
        auth.login("admin", "wrong password", now=T0)
    assert "用户名或密码错误" in str(caught.value) and "再错 4 次" in str(caught.value)
    with pytest.raises(auth.LoginError) as unknown:
        auth.login("nobody", "correct horse", now=T0)
    assert str(unknown.value) == "用户名或密码错误"  # no hint which names exist
    user = auth.login("admin", "correct horse", now=T0)
    assert user.display_name == "王管理" and access.current_user() == user
    assert User.get(User.name == "admin").last_login_at == T0


def test_five_failures_lock_the_account_for_five_minutes(admin):
    access.logout()
    for n in range(4):
        with pytest.raises(auth.LoginError):
            auth.login("admin", "wrong", now=T0 + dt.timedelta(seconds=n))
    with pytest.raises(auth.LoginError) as fifth:
        auth.login("admin", "wrong", now=T0 + dt.timedelta(seconds=4))
    assert "已锁定" in str(fifth.value) and "5 分钟" in str(fifth.value)
    # Locked: even the right password is refused until the five minutes are over.
    with pytest.raises(auth.LoginError) as locked:
        auth.login("admin", "correct horse", now=T0 + dt.timedelta(minutes=4))
    assert "已锁定" in str(locked.value)
    assert access.current_user() is None
    assert auth.login("admin", "correct horse", now=T0 + dt.timedelta(minutes=5, seconds=5)).name == "admin"
    row = User.get(User.name == "admin")
    assert row.failed_attempts == 0 and row.locked_until is None


def test_the_injected_clock_drives_the_lock(admin, monkeypatch):
    access.logout()
    monkeypatch.setattr(auth, "clock", lambda: T0)
    for _ in range(5):
        with pytest.raises(auth.LoginError):
            auth.login("admin", "wrong")
    monkeypatch.setattr(auth, "clock", lambda: T0 + dt.timedelta(minutes=6))
    assert auth.login("admin", "correct horse").name == "admin"


def test_an_administrator_resets_a_password_which_unlocks(admin):
    uid = auth.create_user({"name": "li", "display_name": "李四", "role": ROLE_CENTRE, "password": "first pass 1"})
    for _ in range(5):
        with pytest.raises(auth.LoginError):
            auth.authenticate("li", "nope", now=T0)
    auth.set_password(uid, "second pass 2")
    assert auth.authenticate("li", "second pass 2", now=T0).display_name == "李四"


def test_users_are_validated(admin):
    with pytest.raises(ValidationError) as caught:
        auth.create_user({"name": "", "role": "老板", "password": "123"})
    assert set(caught.value.errors) == {"name", "role", "password"}
    with pytest.raises(ValidationError) as unit_missing:
        auth.create_user({"name": "zhang", "role": ROLE_UNIT, "password": "good password"})
    assert "unit_id" in unit_missing.value.errors
    auth.create_user({"name": "zhang", "role": ROLE_LEADER, "password": "good password"})
    with pytest.raises(ValidationError) as twice:
        auth.create_user({"name": "zhang", "role": ROLE_LEADER, "password": "good password"})
    assert "已有" in twice.value.errors["name"]
    with pytest.raises(ValidationError):
        auth.create_user({"name": "bad'name", "role": ROLE_LEADER, "password": "good password"})


def test_the_last_administrator_stays(admin):
    me = User.get(User.name == "admin")
    with pytest.raises(UserError, match="至少要保留一名"):
        auth.update_user(me.id, {"role": ROLE_CENTRE})
    with pytest.raises(UserError, match="不能删除自己"):
        auth.delete_user(me.id)
    other = auth.create_user({"name": "second", "role": ROLE_ADMIN, "password": "good password"})
    auth.update_user(me.id, {"role": ROLE_CENTRE})
    assert User.get_by_id(me.id).role == ROLE_CENTRE
    assert User.get_by_id(other).role == ROLE_ADMIN


def test_only_an_administrator_manages_users(admin):
    uid = auth.create_user({"name": "centre", "role": ROLE_CENTRE, "password": "good password"})
    centre = access.user_info(User.get_by_id(uid))
    with access.acting_as(centre):
        with pytest.raises(access.PermissionDenied):
            auth.create_user({"name": "x", "role": ROLE_LEADER, "password": "good password"})
        with pytest.raises(access.PermissionDenied):
            auth.set_password(User.get(User.name == "admin").id, "hijacked pw")
        auth.change_own_password("good password", "better password")  # one's own: yes
    assert auth.authenticate("centre", "better password", now=T0).id == uid
    assert auth.authenticate("admin", "correct horse", now=T0).name == "admin"


def test_an_inactive_user_cannot_log_in(admin):
    uid = auth.create_user({"name": "gone", "role": ROLE_LEADER, "password": "good password"})
    auth.update_user(uid, {"active": False})
    with pytest.raises(auth.LoginError):
        auth.authenticate("gone", "good password", now=T0)


def test_the_demo_shows_its_account_and_it_logs_in(demo_db):
    account = auth.demo_account()
    assert account is not None
    name, password = account
    user = auth.login(name, password)
    assert user.role == ROLE_ADMIN
    roles = {u.role for u in auth.list_users()}
    assert {ROLE_ADMIN, ROLE_UNIT, ROLE_LEADER} <= roles


def test_a_real_database_shows_no_demo_account(admin):
    assert auth.demo_account() is None


# --- the command line: init takes the first administrator -----------------------------------------
def test_init_takes_the_first_administrator_with_the_password_from_the_environment(tmp_path, monkeypatch, capsys):
    from desktop import cli, db
    from desktop.services.database import open_database

    monkeypatch.setenv("INVESTDESK_ADMIN_PASSWORD", "script password")
    path = tmp_path / "新库.db"
    assert cli.main(["init", "--db", str(path), "--admin", "张管理"]) == 0
    assert "管理员：张管理" in capsys.readouterr().out
    open_database(path)
    try:
        assert auth.authenticate("张管理", "script password").role == ROLE_ADMIN
        assert access.current_user() is None  # the command line acts as the file's administrator
    finally:
        db.close()


def test_init_refuses_a_weak_or_missing_password_before_creating_anything(tmp_path, monkeypatch, capsys):
    from desktop import cli

    path = tmp_path / "新库.db"
    monkeypatch.setenv("INVESTDESK_ADMIN_PASSWORD", "short")
    assert cli.main(["init", "--db", str(path), "--admin", "admin"]) != 0
    assert "至少 8 位" in capsys.readouterr().err and not path.exists()
    monkeypatch.delenv("INVESTDESK_ADMIN_PASSWORD")
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(""))  # a script: no terminal to ask at
    assert cli.main(["init", "--db", str(path), "--admin", "admin"]) != 0
    assert "INVESTDESK_ADMIN_PASSWORD" in capsys.readouterr().err and not path.exists()


def test_init_asks_at_the_terminal_twice(tmp_path, monkeypatch):
    import getpass

    from desktop import cli, db

    monkeypatch.delenv("INVESTDESK_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    answers = iter(["typed password", "typed password"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    path = tmp_path / "typed.db"
    assert cli.main(["init", "--db", str(path), "--admin", "admin"]) == 0
    from desktop.services.database import open_database

    open_database(path)
    try:
        assert auth.authenticate("admin", "typed password").name == "admin"
    finally:
        db.close()
