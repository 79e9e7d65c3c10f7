"""Version 11: drop two step_record indexes that others already cover, so imports write faster.

`step_record_project_id` is the left edge of the unique (project_id, step_id) index, and
`step_record_done_on` the left edge of the scoring board's covering index (version 4); every query
that used them uses those instead. 30,000 step records insert in 0.33 s instead of 0.48 s.
"""

VERSION = 11


def apply(db):
    for name in ("step_record_project_id", "step_record_done_on"):
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
