"""Version 1: the foundation tables (settings, units, people, companies, projects, lifecycle)."""

VERSION = 1


def apply(db):
    from desktop.models import ALL_MODELS

    db.create_tables(ALL_MODELS, safe=True)
