"""The demo's accounts: the login screen of the demo database shows the first one and its password."""

from __future__ import annotations

from desktop.models import Unit
from desktop.models.audit import AuditEntry
from desktop.models.user import ROLE_ADMIN, ROLE_LEADER, ROLE_UNIT, User
from desktop.services.auth import hash_password

DEMO_ORDER = 90

DEMO_USER = "演示"
DEMO_PASSWORD = "jiangle2022"
# Other roles to try out, with the same password.
DEMO_OTHERS = (
    ("水南镇", "水南镇招商员", ROLE_UNIT, "水南镇"),
    ("县领导", "县领导（只读）", ROLE_LEADER, None),
)


def populate_demo() -> None:
    # The demo starts with an empty trail: the build's own inserts are nobody's edits.
    AuditEntry.delete().execute()
    password_hash = hash_password(DEMO_PASSWORD)  # one hash (scrypt is slow on purpose) for all
    units = {name: uid for uid, name in Unit.select(Unit.id, Unit.name).tuples()}
    rows = [{"name": DEMO_USER, "display_name": "演示账号", "role": ROLE_ADMIN, "unit": None}]
    for name, display, role, unit in DEMO_OTHERS:
        if unit is None or unit in units:
            rows.append({"name": name, "display_name": display, "role": role, "unit": units.get(unit) if unit else None})
    for row in rows:
        row["password_hash"] = password_hash
    User.insert_many(rows).execute()
