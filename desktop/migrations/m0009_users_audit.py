"""Version 9: users and roles, the audit trail, and a `version` column on every edited table."""

VERSION = 9


def apply(db):
    from desktop.models.audit import AuditEntry
    from desktop.models.user import User

    db.create_tables([User, AuditEntry], safe=True)
    # Every table made from BaseModel (it has uuid and updated_at) gets the version column that
    # guards against lost updates — tables of later features too, whatever created them.
    for table in db.get_tables():
        columns = {column.name for column in db.get_columns(table)}
        if {"uuid", "updated_at"} <= columns and "version" not in columns:
            db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1')
