"""Version 5: yearly targets（双过半）and dated fund entries（到位资金/完成投资 by month).

Projects that already carry a 到位资金 or 累计完成投资 figure get it as one opening entry, dated in
the month the project started (else signed, else was created) with a note saying the month is an
estimate — so the project's figure stays the sum of its entries from now on.
"""

VERSION = 5

OPENING_NOTE = "原累计数（升级时转入，月份为估计）"


def apply(db):
    import datetime as dt

    from desktop.models.project import Project
    from desktop.models.targets import FUND_ARRIVED, FUND_COMPLETED, TARGET_MODELS, FundEntry

    db.create_tables(TARGET_MODELS, safe=True)
    # NULL never collides in a plain unique index: the county row (unit NULL) gets its own.
    db.execute_sql(
        "CREATE UNIQUE INDEX IF NOT EXISTS target_county_year_indicator ON target (year, indicator) "
        "WHERE unit_id IS NULL"
    )
    for kind, field in ((FUND_ARRIVED, Project.arrived_funds), (FUND_COMPLETED, Project.completed_investment)):
        tracked = FundEntry.select(FundEntry.project).where(FundEntry.kind == kind)
        query = Project.select(Project.id, field, Project.started_on, Project.signed_on, Project.created_at).where(
            field.is_null(False) & (field > 0) & Project.id.not_in(tracked)
        )
        for project in query:
            day = project.started_on or project.signed_on or project.created_at or dt.date.today()
            if isinstance(day, str):
                day = dt.date.fromisoformat(day[:10])
            month = dt.date(day.year, day.month, 1)
            FundEntry.create(project=project.id, kind=kind, month=month,
                             amount=getattr(project, field.name), note=OPENING_NOTE)
