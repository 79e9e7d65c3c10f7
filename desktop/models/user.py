"""People who log in（用户）: their role, their unit (for 单位用户) and a memory-hard password hash."""

from __future__ import annotations

import peewee

from desktop.models.base import BaseModel, now
from desktop.models.reference import Unit

ROLE_ADMIN = "管理员"
ROLE_CENTRE = "招商中心"
ROLE_UNIT = "单位用户"
ROLE_LEADER = "领导"
ROLES = (ROLE_ADMIN, ROLE_CENTRE, ROLE_UNIT, ROLE_LEADER)


class User(BaseModel):
    # The login name; on a PostgreSQL server it is also the name of the person's database login.
    name = peewee.CharField(max_length=63, unique=True)
    display_name = peewee.CharField(max_length=32, default="")
    role = peewee.CharField(max_length=8, default=ROLE_CENTRE)
    unit = peewee.ForeignKeyField(Unit, null=True, backref="+", on_delete="SET NULL")
    # "scrypt$n$r$p$salt$hash" (base64): the parameters travel with the hash, so they can be raised later.
    password_hash = peewee.CharField(max_length=255, default="")
    must_change_password = peewee.BooleanField(default=False)
    failed_attempts = peewee.IntegerField(default=0)
    locked_until = peewee.DateTimeField(null=True)
    last_login_at = peewee.DateTimeField(null=True)
    active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=now)

    field_labels = {"name": "登录名", "display_name": "姓名", "role": "角色", "unit": "所属单位", "active": "启用"}

    class Meta:
        # "user" is a reserved word on PostgreSQL.
        table_name = "app_user"
