"""Version 10: offline exchange bookkeeping (partners, agreed versions, sent records, origins, tombstones)."""

VERSION = 10


def apply(db):
    from desktop.models.exchange import EXCHANGE_MODELS

    db.create_tables(EXCHANGE_MODELS, safe=True)
