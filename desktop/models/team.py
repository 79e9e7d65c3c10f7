"""专班: one team per project（一个项目、一个专班、一套政策、一抓到底）.

The team's leader is the project's 挂钩领导 (`Project.leader`), kept in one place; the team stores
the rest: deputy, members with their roles, the policy package and the list of problems.
"""

from __future__ import annotations

import peewee

from desktop.models.base import BaseModel, now
from desktop.models.project import Project
from desktop.models.reference import Person, Unit

LEADER_ROLE = "组长"
DEPUTY_ROLE = "副组长"
MEMBER_ROLE = "成员"
OPEN_LABEL, CLOSED_LABEL = "未销号", "已销号"


class Team(BaseModel):
    # UNIQUE: the database itself refuses a second team for a project, whatever the form does.
    project = peewee.ForeignKeyField(Project, unique=True, backref="+", on_delete="CASCADE")
    deputy = peewee.ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    policy_text = peewee.TextField(default="")
    founded_on = peewee.DateField(null=True)
    created_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "team"


class TeamMember(BaseModel):
    team = peewee.ForeignKeyField(Team, backref="members", on_delete="CASCADE")
    person = peewee.ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    role = peewee.CharField(max_length=32, default=MEMBER_ROLE)

    class Meta:
        table_name = "team_member"
        indexes = ((("team", "person"), True), (("person",), False))


class PolicyItem(BaseModel):
    """An entry of the editable policy list a team's package is picked from."""

    name = peewee.CharField(max_length=100, unique=True)
    sort_order = peewee.IntegerField(default=0)
    active = peewee.BooleanField(default=True)

    class Meta:
        table_name = "policy_item"


class TeamPolicy(BaseModel):
    team = peewee.ForeignKeyField(Team, backref="policies", on_delete="CASCADE")
    policy_item = peewee.ForeignKeyField(PolicyItem, backref="+", on_delete="CASCADE")

    class Meta:
        table_name = "team_policy"
        indexes = ((("team", "policy_item"), True),)


class Problem(BaseModel):
    """A problem on the team's list（问题清单）, open（未销号）until closed（已销号）."""

    team = peewee.ForeignKeyField(Team, backref="problems", on_delete="CASCADE")
    text = peewee.CharField(max_length=300)
    raised_on = peewee.DateField()
    owner_unit = peewee.ForeignKeyField(Unit, null=True, backref="+", on_delete="SET NULL")
    due_on = peewee.DateField(null=True)
    closed = peewee.BooleanField(default=False, index=True)
    resolution = peewee.TextField(default="")
    closed_on = peewee.DateField(null=True)

    class Meta:
        table_name = "problem"


TEAM_MODELS = [Team, TeamMember, PolicyItem, TeamPolicy, Problem]
