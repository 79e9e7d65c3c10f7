"""Version 2: the record of Excel imports (file name, hash, time, counts)."""

VERSION = 2


def apply(db):
    from desktop.models.import_record import ImportRecord

    db.create_tables([ImportRecord], safe=True)
