"""The server's own logins: one PostgreSQL login per staff member, made from the users screen.

The server itself then decides who may connect; once connected, the app's role is the one of the
user whose login name is the database account (desktop.services.access).

Every login is a member of one group role per database (`investdesk_staff_<db>`), which holds the
table rights, so tables made by later versions need one grant, not one per person. Passwords are
turned into a SCRAM verifier on this PC (libpq's PQencryptPasswordConn) before they are sent: the
server, its logs and its statement history never see them in clear. All names and values go into
the SQL through psycopg.sql (Identifier/Literal), never by string pasting.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.db import database, is_sqlite
from desktop.errors import NotFoundError, UserError
from desktop.models import audit as audit_model
from desktop.models.user import User
from desktop.services import access
from desktop.services.auth import password_problem


@dataclass(frozen=True)
class LoginState:
    name: str
    exists: bool
    can_login: bool
    in_group: bool


def _require_server():
    if database.obj is None or is_sqlite():
        raise UserError("数据库账号只在服务器模式（PostgreSQL）下使用；本机数据库文件没有账号")
    import psycopg  # noqa: F401 - the named driver (psycopg 3)

    return database.connection()


def _sql():
    from psycopg import sql

    return sql


def staff_group() -> str:
    """The group role holding the table rights of this database (role names are cluster-wide)."""
    name = database.execute_sql("SELECT current_database()").fetchone()[0]
    return f"investdesk_staff_{name}"[:63]


def _execute(statement, params=None) -> None:
    conn = _require_server()
    with database.atomic(), conn.cursor() as cursor:  # atomic: peewee commits it (or the outer block does)
        cursor.execute(statement, params)


def _encrypted(password: str, login: str) -> str:
    conn = _require_server()
    verifier = conn.pgconn.encrypt_password(password.encode("utf-8"), login.encode("utf-8"), b"scram-sha-256")
    return verifier.decode("ascii")


def _role_exists(name: str) -> bool:
    return bool(database.execute_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone())


def ensure_staff_group() -> str:
    """Create the group role if missing and give it the rights on every table and sequence now here
    (and, through default privileges, on those this account creates later)."""
    access.require_admin()
    _require_server()
    sql = _sql()
    group = staff_group()
    with database.atomic():
        if not _role_exists(group):
            _execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(group)))
        schema = database.execute_sql("SELECT current_schema()").fetchone()[0]
        g, s = sql.Identifier(group), sql.Identifier(schema)
        _execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, g))
        _execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(s, g))
        _execute(sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(s, g))
        _execute(sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}").format(s, g))
        _execute(sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {}").format(s, g))
    return group


def login_state(user_id: int) -> LoginState:
    user = _user(user_id)
    _require_server()
    row = database.execute_sql("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (user.name,)).fetchone()
    if row is None:
        return LoginState(user.name, False, False, False)
    member = database.execute_sql(
        "SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member "
        "WHERE g.rolname = %s AND u.rolname = %s",
        (staff_group(), user.name),
    ).fetchone()
    return LoginState(user.name, True, bool(row[0]), bool(member))


def create_login(user_id: int, password: str) -> None:
    """Create (or re-enable) the database login of a user, with a password, in the staff group."""
    access.require_admin()
    problem = password_problem(password)
    if problem:
        raise UserError(f"数据库账号的密码：{problem}")
    user = _user(user_id)
    sql = _sql()
    group = ensure_staff_group()
    verifier = _encrypted(password, user.name)
    with database.atomic():
        ident = sql.Identifier(user.name)
        if _role_exists(user.name):
            _execute(sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(ident, sql.Literal(verifier)))
        else:
            _execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(ident, sql.Literal(verifier)))
        _execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), ident))
        audit_model.record_event("app_user", user.id, audit_model.UPDATE, "pg_login", "", "已建立数据库账号", label=user.name)


def set_login_password(user_id: int, password: str) -> None:
    access.require_admin()
    problem = password_problem(password)
    if problem:
        raise UserError(f"数据库账号的密码：{problem}")
    user = _user(user_id)
    if not _role_exists(user.name):
        raise NotFoundError(f"服务器上没有数据库账号“{user.name}”，请先建立")
    sql = _sql()
    _execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(user.name), sql.Literal(_encrypted(password, user.name))))
    audit_model.record_event("app_user", user.id, audit_model.UPDATE, "pg_login", "", "已重设数据库账号密码", label=user.name)


def disable_login(user_id: int) -> None:
    """The person may no longer connect (the role stays: the server's records keep their name)."""
    access.require_admin()
    user = _user(user_id)
    if user.name == access.server_login_name():
        raise UserError("不能停用自己正在使用的数据库账号")
    if not _role_exists(user.name):
        return
    sql = _sql()
    _execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(user.name)))
    audit_model.record_event("app_user", user.id, audit_model.UPDATE, "pg_login", "", "已停用数据库账号", label=user.name)


def _user(user_id: int) -> User:
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotFoundError("用户不存在或已被删除")
    return user


# --- connecting to the server (the settings dialog and the start-up) ------------------------------
KEYRING_SERVICE = "InvestDesk 招商工作台"
CONNECTION_FILE = "server_connection.json"


@dataclass(frozen=True)
class ServerConnection:
    host: str
    port: int
    database: str
    user: str

    @property
    def url(self) -> str:
        """The URL without any password (safe to show, log and save)."""
        from urllib.parse import quote

        return f"postgresql://{quote(self.user, safe='')}@{self.host}:{self.port}/{quote(self.database, safe='')}"

    def url_with_password(self, password: str) -> str:
        """Only for handing to the driver in memory: never shown, logged or saved."""
        from urllib.parse import quote

        if not password:
            return self.url
        return (f"postgresql://{quote(self.user, safe='')}:{quote(password, safe='')}@{self.host}:{self.port}/"
                f"{quote(self.database, safe='')}")

    @property
    def keyring_key(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.database}"


def make_connection(host: str, port, database: str, user: str) -> ServerConnection:
    host, database, user = (host or "").strip(), (database or "").strip(), (user or "").strip()
    problems = []
    if not host:
        problems.append("请填写服务器地址")
    try:
        port = int(str(port).strip() or 5432)
        if not 0 < port < 65536:
            raise ValueError
    except ValueError:
        problems.append("端口应为 1–65535 的数字")
        port = 5432
    if not database:
        problems.append("请填写数据库名")
    if not user:
        problems.append("请填写用户名（数据库账号）")
    if problems:
        raise UserError("；".join(problems))
    return ServerConnection(host, port, database, user)


def check_connection(connection: ServerConnection, password: str, *, timeout: int = 5) -> str:
    """Connect once with these settings; a Chinese sentence on success, UserError (Chinese) otherwise."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise UserError("服务器模式需要安装 psycopg（pip install \"investdesk[server]\"）") from exc
    try:
        conn = psycopg.connect(
            host=connection.host, port=connection.port, dbname=connection.database, user=connection.user,
            password=password or None, connect_timeout=timeout, autocommit=True,
        )
    except psycopg.OperationalError as exc:
        raise UserError(_connection_problem(connection, str(exc))) from None
    try:
        with conn.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server_version = cursor.fetchone()[0].split()[0]
            cursor.execute("SELECT to_regclass('schema_info') IS NOT NULL")
            ours = cursor.fetchone()[0]
            version = None
            if ours:
                cursor.execute("SELECT MAX(version) FROM schema_info")
                version = cursor.fetchone()[0]
    finally:
        conn.close()
    if not ours:
        return (f"连接成功（PostgreSQL {server_version}），但数据库“{connection.database}”里还没有招商工作台的数据，"
                "请管理员先初始化（init）。")
    return f"连接成功：PostgreSQL {server_version}，招商工作台数据库版本 {version}，账号“{connection.user}”。"


def _connection_problem(connection: ServerConnection, text: str) -> str:
    where = f"{connection.host}:{connection.port}"
    lowered = text.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return f"用户名或密码错误（账号“{connection.user}”）"
    if "does not exist" in lowered and "database" in lowered:
        return f"服务器 {where} 上没有数据库“{connection.database}”"
    if "does not exist" in lowered and "role" in lowered:
        return f"服务器上没有数据库账号“{connection.user}”，请管理员在“用户”里建立"
    if "not permitted to log in" in lowered:
        return f"数据库账号“{connection.user}”已停用，请联系管理员"
    if "no pg_hba.conf entry" in lowered:
        return f"服务器 {where} 不允许这台电脑连接（pg_hba.conf），请联系管理员"
    if "timeout" in lowered or "timed out" in lowered:
        return f"连接服务器 {where} 超时，请检查地址和网络"
    if "refused" in lowered or "could not connect" in lowered or "could not translate host name" in lowered:
        return f"无法连接到服务器 {where}，请检查地址、端口和网络，以及服务器是否已启动"
    return f"无法连接到服务器 {where}：{text.strip().splitlines()[0] if text.strip() else '未知错误'}"


def saved_connection() -> ServerConnection | None:
    """The server this PC connects to (no password in it), or None for a local file."""
    import json

    from desktop import config

    path = config.data_dir() / CONNECTION_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ServerConnection(data["host"], int(data["port"]), data["database"], data["user"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_connection(connection: ServerConnection | None) -> None:
    """Connect to this server from the next start on (None: back to the local file)."""
    import json

    from desktop import config

    path = config.data_dir() / CONNECTION_FILE
    if connection is None:
        path.unlink(missing_ok=True)
        return
    data = {"host": connection.host, "port": connection.port, "database": connection.database, "user": connection.user}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(path)


def _keyring():
    try:
        import keyring
    except ImportError:
        return None
    return keyring


def keyring_available() -> bool:
    """Whether the system keyring (Windows Credential Manager …) can remember the password."""
    keyring = _keyring()
    if keyring is None:
        return False
    try:
        from keyring.backends import fail

        return not isinstance(keyring.get_keyring(), fail.Keyring)
    except Exception:  # noqa: BLE001 - a broken keyring backend just means "no remembering"
        return False


def remember_password(connection: ServerConnection, password: str) -> None:
    keyring = _keyring()
    if keyring is None:
        raise UserError("没有安装 keyring，无法记住密码")
    try:
        keyring.set_password(KEYRING_SERVICE, connection.keyring_key, password)
    except Exception as exc:  # noqa: BLE001 - the backends raise their own types
        raise UserError(f"系统密码库不可用，无法记住密码：{exc}") from None


def remembered_password(connection: ServerConnection) -> str | None:
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, connection.keyring_key)
    except Exception:  # noqa: BLE001
        return None


def forget_password(connection: ServerConnection) -> None:
    keyring = _keyring()
    if keyring is None:
        return
    try:
        keyring.delete_password(KEYRING_SERVICE, connection.keyring_key)
    except Exception:  # noqa: BLE001 - nothing remembered
        pass
