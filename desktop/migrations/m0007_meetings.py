"""Version 7: leadership-group meetings（领导小组会）, attendees and agenda items with decisions."""

VERSION = 7


def apply(db):
    from desktop.models.meeting import MEETING_MODELS

    db.create_tables(MEETING_MODELS, safe=True)
