"""Version 6: 即时初审 (reviews, opinions, scores, materials) and the holiday calendar."""

VERSION = 6


def apply(db):
    from desktop.models.calendar import CalendarDay
    from desktop.models.review import REVIEW_MODELS

    db.create_tables([CalendarDay, *REVIEW_MODELS], safe=True)
    # The shipped official calendars go in now; years added to resources later load at first use.
    from desktop.services.workdays import load_shipped_calendars

    load_shipped_calendars()
