"""Who this installation is: an id, a name, a code prefix and a signing key — and whether the file was copied.

A township PC and the centre each have one database; an exchange file says which installation made
it and is signed with that installation's Ed25519 key. A database file copied to another PC (or
folder) would carry the same id and key, so two installations would look like one: the place the
file lives is remembered, and a file found elsewhere must get a new identity (or be confirmed as
moved) before it can exchange.
"""

from __future__ import annotations

import hashlib
import socket
import uuid
from dataclasses import dataclass

from desktop import db
from desktop.errors import UserError
from desktop.services.database import code_prefix, get_setting, installation_name, set_setting

SETTING_ID = "installation_id"
SETTING_KEY = "exchange.signing_key"
SETTING_HOME = "installation_home"


class CopiedDatabaseError(UserError):
    """The database file is not where it was made: a copy must get its own identity first."""


@dataclass(frozen=True)
class Identity:
    installation_id: str
    name: str
    prefix: str
    public_key: str  # hex

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def fingerprint(public_key_hex: str) -> str:
    """A short form of a public key to read over the phone: 4 groups of 4 hex digits."""
    digest = hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:16].upper()
    return "-".join(digest[i:i + 4] for i in range(0, 16, 4))


def _home() -> str:
    path = db.database_file()
    place = str(path.resolve()) if path is not None else "server"
    return f"{socket.gethostname()}|{place}"


def _private_key():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    raw = get_setting(SETTING_KEY, "")
    if not raw:
        return None
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(raw))


def _public_hex(private_key) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def ensure_identity() -> Identity:
    """This installation's identity, made on first use (id, key pair, home)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    installation_id = get_setting(SETTING_ID, "")
    key = _private_key()
    if not installation_id or key is None:
        installation_id = installation_id or uuid.uuid4().hex
        key = Ed25519PrivateKey.generate()
        set_setting(SETTING_ID, installation_id)
        set_setting(SETTING_KEY, key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()).hex())
        set_setting(SETTING_HOME, _home())
    return Identity(installation_id, installation_name(), code_prefix(), _public_hex(key))


def check_not_copied() -> None:
    """Refuse to exchange from a database that is not where its identity was made."""
    ensure_identity()
    home = get_setting(SETTING_HOME, "")
    if home and home != _home():
        where = home.split("|", 1)[-1]
        raise CopiedDatabaseError(
            f"这个数据库文件原来在 {where}，现在在别处打开：它可能是复制来的。复制的数据库与原库身份相同，"
            "交换数据会混淆两处的记录。请先给它新身份（exchange new-identity），"
            "或确认只是搬动了文件（exchange new-identity --moved）。"
        )


def new_identity(*, moved: bool = False, name: str | None = None, prefix: str | None = None) -> Identity:
    """A copied database becomes a new installation (new id and key); `moved` keeps both and notes the new place."""
    from desktop.services import access

    access.require_admin()
    if moved:
        set_setting(SETTING_HOME, _home())
        return ensure_identity()
    set_setting(SETTING_ID, "")
    set_setting(SETTING_KEY, "")
    if name:
        set_setting("installation_name", name.strip())
    if prefix:
        set_setting("code_prefix", prefix.strip().upper())
    return ensure_identity()


def sign(data: bytes) -> str:
    ensure_identity()
    return _private_key().sign(data).hex()


def verify(public_key_hex: str, data: bytes, signature_hex: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex)).verify(bytes.fromhex(signature_hex), data)
    except (InvalidSignature, ValueError):
        return False
    return True
