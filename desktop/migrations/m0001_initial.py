"""Version 1: the foundation tables (settings, units, people, companies, projects, lifecycle)."""

VERSION = 1


def apply(db):
    # The first version's tables, named here so later models never slip into version 1.
    from desktop.models import Company, LifecycleStep, Person, Project, Setting, StatusChange, StepRecord, Unit

    db.create_tables([Setting, Unit, Person, Company, Project, LifecycleStep, StepRecord, StatusChange], safe=True)
