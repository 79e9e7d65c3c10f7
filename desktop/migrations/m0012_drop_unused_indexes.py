"""Version 12: drop indexes no query uses, so every insert and save writes less.

- `<table>_updated_at` on every table: nothing looks rows up by their last change (the exchange
  compares versions), yet each save rewrote that index.
- `project_is_key`, `project_status`, `project_stage_no`: a handful of values over the whole table —
  the lists and statistics read every project anyway, and SQLite would rather scan than use them.
- `auditentry_table_name`: the left edge of (table_name, row_id), which serves the same queries.
An import of 10,000 projects commits ≈ 19 % faster without them (bench/import.py).
"""

import peewee

VERSION = 12

FIXED = ("project_is_key", "project_status", "project_stage_no", "auditentry_table_name")


def _updated_at_indexes(db) -> list[str]:
    target = db.obj if isinstance(db, peewee.DatabaseProxy) else db
    if isinstance(target, peewee.PostgresqlDatabase):
        query = ("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                 "AND indexname LIKE '%%\\_updated\\_at' AND indexdef LIKE '%%(updated_at)'")
    else:
        query = ("SELECT name FROM sqlite_master WHERE type = 'index' "
                 "AND name LIKE '%\\_updated\\_at' ESCAPE '\\' AND sql LIKE '%(\"updated_at\")'")
    return [name for (name,) in db.execute_sql(query).fetchall()]


def apply(db):
    for name in (*FIXED, *_updated_at_indexes(db)):
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
