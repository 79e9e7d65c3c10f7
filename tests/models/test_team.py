"""专班 tables: the database itself keeps one team per project and one membership per person."""

import datetime as dt

import peewee
import pytest

from desktop.db import database


@pytest.fixture
def project_id(fresh_db):
    from desktop.models import Project

    return Project.create(code="JL-2022-0001", name="富远新型铝材产业园", total_investment=150000).id


def test_a_second_team_for_a_project_is_refused_by_the_database(project_id):
    from desktop.models.team import Team

    Team.create(project=project_id, founded_on=dt.date(2022, 3, 1))
    with pytest.raises(peewee.IntegrityError):
        with database.atomic():
            Team.create(project=project_id)
    assert Team.select().where(Team.project == project_id).count() == 1


def test_a_raw_insert_of_a_second_team_fails_too(project_id):
    """Not only the model: plain SQL, as another program or an old client would write it."""
    mark = database.param
    sql = f"INSERT INTO team (uuid, updated_at, project_id, policy_text, created_at) VALUES ({mark}, {mark}, {mark}, '', {mark})"
    now = "2022-03-01 00:00:00"
    database.execute_sql(sql, ("a" * 32, now, project_id, now))
    with pytest.raises(peewee.IntegrityError):
        with database.atomic():
            database.execute_sql(sql, ("b" * 32, now, project_id, now))
    assert database.execute_sql("SELECT COUNT(*) FROM team").fetchone()[0] == 1


def test_a_person_is_on_a_team_once(project_id):
    from desktop.models import Person
    from desktop.models.team import Team, TeamMember

    team = Team.create(project=project_id)
    person = Person.create(name="杨思远")
    TeamMember.create(team=team, person=person, role="联络员")
    with pytest.raises(peewee.IntegrityError):
        with database.atomic():
            TeamMember.create(team=team, person=person, role="成员")


def test_deleting_a_project_takes_its_team_along(project_id):
    from desktop.models import Project, Unit
    from desktop.models.team import Problem, Team

    team = Team.create(project=project_id)
    Problem.create(team=team, text="用地指标未落实", raised_on=dt.date(2022, 3, 1), owner_unit=Unit.select().first())
    Project.delete_by_id(project_id)
    assert Team.select().count() == 0
    assert Problem.select().count() == 0


def test_a_new_database_offers_a_policy_list(fresh_db):
    from desktop.models.team import PolicyItem

    names = [item.name for item in PolicyItem.select().order_by(PolicyItem.sort_order)]
    assert "用地指标优先保障" in names
    assert len(names) == len(set(names)) >= 5


def test_the_migration_runs_twice_without_harm(fresh_db):
    from desktop.migrations import m0003_teams
    from desktop.models.team import PolicyItem

    before = PolicyItem.select().count()
    m0003_teams.apply(database)
    assert PolicyItem.select().count() == before
