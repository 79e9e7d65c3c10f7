"""Keeps peewee from importing the PostgreSQL drivers in a process that only uses SQLite files.

peewee imports psycopg (and psycopg2) when it is imported, ~0.2 s of start-up on an office PC;
a process that opens a SQLite file never needs them. Call before anything imports peewee.
"""

from __future__ import annotations

import sys

SERVER_DRIVERS = ("psycopg", "psycopg2", "psycopg2cffi")


def skip_server_drivers() -> bool:
    """Returns False when peewee is already imported (too late to make a difference)."""
    if "peewee" in sys.modules:
        return False
    for name in SERVER_DRIVERS:
        if name not in sys.modules:
            sys.modules[name] = None  # `import psycopg` now raises ImportError, as if not installed
    return True


def is_server_url(url) -> bool:
    return str(url).strip().lower().startswith(("postgresql://", "postgres://"))
