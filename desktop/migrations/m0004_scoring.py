"""Version 4: the scoring board — published 通报 snapshots, credit corrections, and what lets the
live board be computed fast.

The board sums, per unit, each step record's points times its project's investment-band weight.
Looking the project up for every record cost more than everything else together (about 3× a bare
per-unit count at a million records), so each step record carries a copy of its project's 总投资:
`step_record.project_total` (元, like project.total_investment), kept by database triggers — on
insert of a step record (and a change of its project), and on every change of a project's
总投资 — so no code path can forget it. The covering index step_record_board on
(done_on, unit_id, step_id, project_id, not_applicable, project_total) then answers the board's
query from the index alone, in date order.
"""

VERSION = 4

BOARD_INDEX = "step_record_board"
TOTAL_COLUMN = "project_total"

SQLITE_TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS step_record_project_total_insert AFTER INSERT ON step_record
    BEGIN
        UPDATE step_record SET project_total = (SELECT total_investment FROM project WHERE id = NEW.project_id)
        WHERE id = NEW.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS step_record_project_total_move AFTER UPDATE OF project_id ON step_record
    BEGIN
        UPDATE step_record SET project_total = (SELECT total_investment FROM project WHERE id = NEW.project_id)
        WHERE id = NEW.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS project_total_to_step_records AFTER UPDATE OF total_investment ON project
    WHEN NEW.total_investment IS NOT OLD.total_investment
    BEGIN
        UPDATE step_record SET project_total = NEW.total_investment WHERE project_id = NEW.id;
    END""",
)

POSTGRES_TRIGGERS = (
    """CREATE OR REPLACE FUNCTION step_record_project_total() RETURNS trigger AS $$
    BEGIN
        NEW.project_total := (SELECT total_investment FROM project WHERE id = NEW.project_id);
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS step_record_project_total ON step_record",
    """CREATE TRIGGER step_record_project_total BEFORE INSERT OR UPDATE OF project_id ON step_record
    FOR EACH ROW EXECUTE FUNCTION step_record_project_total()""",
    """CREATE OR REPLACE FUNCTION project_total_to_step_records() RETURNS trigger AS $$
    BEGIN
        IF NEW.total_investment IS DISTINCT FROM OLD.total_investment THEN
            UPDATE step_record SET project_total = NEW.total_investment WHERE project_id = NEW.id;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS project_total_to_step_records ON project",
    """CREATE TRIGGER project_total_to_step_records AFTER UPDATE OF total_investment ON project
    FOR EACH ROW EXECUTE FUNCTION project_total_to_step_records()""",
)


def _is_postgres(db) -> bool:
    import peewee

    target = db.obj if isinstance(db, peewee.DatabaseProxy) else db
    return isinstance(target, peewee.PostgresqlDatabase)


def apply(db):
    from desktop.models.scoring import SCORING_MODELS

    db.create_tables(SCORING_MODELS, safe=True)
    if TOTAL_COLUMN not in {column.name for column in db.get_columns("step_record")}:
        db.execute_sql(f"ALTER TABLE step_record ADD COLUMN {TOTAL_COLUMN} BIGINT")
    for statement in (POSTGRES_TRIGGERS if _is_postgres(db) else SQLITE_TRIGGERS):
        db.execute_sql(statement)
    db.execute_sql(
        f"UPDATE step_record SET {TOTAL_COLUMN} = "
        "(SELECT total_investment FROM project WHERE project.id = step_record.project_id) "
        f"WHERE {TOTAL_COLUMN} IS NULL"
    )
    db.execute_sql(
        f"CREATE INDEX IF NOT EXISTS {BOARD_INDEX} "
        f"ON step_record (done_on, unit_id, step_id, project_id, not_applicable, {TOTAL_COLUMN})"
    )
