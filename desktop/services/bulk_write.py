"""Many new rows into one table through the DB-API cursor, converted a column at a time.

peewee's insert_many builds a query node for every value (10,000 projects took 6 s that way). Here the
rows are cut into columns in C (itemgetter, zip); a column whose values the driver takes as they are
(text, numbers, empty) is passed on untouched, dates become their ISO text and whole 万元 amounts their
stored 元 through C-level maps, and only an unusual column is converted value by value.

On SQLite the rows go in as many-row INSERT … VALUES statements: one sqlite3_step per statement, during
which Python's GIL is released, so an InsertWriter(background=True) can let SQLite store one batch on a
second thread while the caller builds the next (executemany binds and steps row by row and needs the
GIL back after every row: a second thread gains nothing with it).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import queue
import sqlite3
import sys
import threading
from decimal import Decimal
from operator import itemgetter

import peewee

from desktop.db import database
from desktop.models.base import YUAN_PER_WAN, WanYuanField, now

_NONE = type(None)
_AS_IS = frozenset({str, int, float, _NONE})
_STAMP_FIELDS = ("updated_at", "created_at", "imported_at")
_MISSING = object()
_AS_PEEWEE_ERRORS = peewee.__exception_wrapper__  # sqlite3.IntegrityError → peewee.IntegrityError, …
# uuid4().hex for many rows at once: random bytes with the version (4) and RFC 4122 variant bits set
# by byte translation tables over every 16th byte.
_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))
_RFC_4122 = bytes((b & 0x3F) | 0x80 for b in range(256))


def new_uuids(count: int) -> list[str]:
    """`count` random version-4 UUIDs as 32 hex digits (the same values new_uuid() gives one by one)."""
    data = bytearray(os.urandom(16 * count))
    data[6::16] = data[6::16].translate(_VERSION_4)
    data[8::16] = data[8::16].translate(_RFC_4122)
    text = data.hex()
    return [text[i:i + 32] for i in range(0, 32 * count, 32)]


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _with_gaps(column, convert_filled):
    """convert_filled(the values that are not None) → a list, put back between the Nones."""
    filled = [v for v in column if v is not None]
    if len(filled) == len(column):
        return convert_filled(filled)
    converted = iter(convert_filled(filled))
    return [None if v is None else next(converted) for v in column]


def _stored_amounts(column, db_value) -> list:
    """WanYuanField values as stored (元): whole 万元 by integer arithmetic, the rest through db_value."""
    def convert(filled: list) -> list:
        if {type(v) for v in filled} <= {Decimal, int}:
            whole = list(map(int, filled))
            if whole == filled:  # every amount a whole number of 万元 (int == Decimal compares exactly)
                return list(map(YUAN_PER_WAN.__mul__, whole))
        return [db_value(v) for v in filled]
    return _with_gaps(column, convert)


def stored_amounts(values: list, db_value) -> list:
    """WanYuanField values as stored, for a column kept beside the model's (the same integers)."""
    return _stored_amounts(values, db_value)


def _stored_column(field, column):
    if isinstance(field, WanYuanField):
        return _stored_amounts(column, field.db_value)
    kinds = set(map(type, column))
    if isinstance(field, peewee.BooleanField) and kinds <= {bool, _NONE}:
        return column  # both drivers take True/False as they are
    if isinstance(field, (peewee.DecimalField, peewee.BooleanField)):
        return _with_gaps(column, lambda filled: [_plain(field.db_value(v)) for v in filled])
    if kinds <= _AS_IS:
        return column
    if kinds <= {dt.date, _NONE}:
        return _with_gaps(column, lambda filled: list(map(dt.date.isoformat, filled)))
    return [v if type(v) in _AS_IS else _plain(v) for v in column]


def insert_rows(model, rows: list[dict], *, batch: int = 500, extra: dict[str, list] | None = None,
                stamp: str | None = None, ids: list[int] | None = None, writer: InsertWriter | None = None) -> None:
    """Insert `rows` (field name → Python value; fields left out take their default) into `model`'s
    table. `extra`: column name → one value per row, for columns that are not model fields.
    `stamp`: the updated_at text for all (now by default). `ids`: the rows' ids (reserve_ids), else the
    database numbers them. `writer`: where the statements go (by default run here and now)."""
    if not rows:
        return
    fields = model._meta.fields
    names = [name for name in fields if name != "id"]
    extra = extra or {}
    stamp = stamp or now().isoformat(sep=" ")
    count = len(rows)
    given = [name for name in names if name in rows[0]]
    cut = None
    if given:
        getter = itemgetter(*given)
        try:
            cut = list(map(getter, rows))
        except KeyError:  # rows that do not all give the same fields: the missing ones take defaults
            cut = None
    if cut is None:
        by_name = {}
    elif len(given) == 1:
        by_name = {given[0]: cut}
    else:
        by_name = dict(zip(given, map(list, zip(*cut))))
    columns = []
    if ids is not None:
        if len(ids) != count:
            raise ValueError(f"{count} rows but {len(ids)} ids")
        columns.append(ids)
    for name in names:
        field = fields[name]
        if name in by_name:
            raw = by_name[name]
        else:
            raw = [row.get(name, _MISSING) for row in rows] if cut is None and given else None
            defaults = _defaults(field, name, count, stamp)
            raw = defaults if raw is None else [d if v is _MISSING else v for v, d in zip(raw, defaults)]
        columns.append(_stored_column(field, raw))
    columns.extend(extra.values())
    quoted = (['"id"'] if ids is not None else []) + [f'"{fields[n].column_name}"' for n in names]
    quoted += [f'"{column}"' for column in extra]
    params = list(zip(*columns))
    if writer is not None:
        writer.insert(model._meta.table_name, quoted, params)
    else:
        with InsertWriter() as here:
            here.insert(model._meta.table_name, quoted, params, batch=batch)


def reserve_ids(model, count: int) -> list[int]:
    """`count` ids for new rows of `model` that no other row has or will be given, so that rows written
    later can point at them without reading them back. Inside the transaction that writes the rows."""
    table = model._meta.table_name
    if isinstance(database.obj, peewee.SqliteDatabase):
        # Read inside the writing transaction, which began with BEGIN IMMEDIATE (db.make_database): no
        # other connection can write until it ends, so no one else can take these ids.
        (last,) = database.execute_sql(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"').fetchone()
        return list(range(last + 1, last + 1 + count))
    if count == 0:
        return []
    cursor = database.execute_sql(
        f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id')) FROM generate_series(1, %s)", (count,))
    return [row[0] for row in cursor.fetchall()]


def _statement_sizes(count: int, per_statement: int) -> list[int]:
    """Rows per statement: full statements, then the rest in powers of two. Each distinct size is a
    statement SQLite prepares and Python's sqlite3 keeps (up to 128, megabytes each at 1,000 rows):
    a few sizes serve every batch instead of one more for each batch's remainder."""
    full, rest = divmod(count, per_statement)
    sizes = [per_statement] * full
    size = 1 << max(per_statement.bit_length() - 1, 0)
    while rest:
        if rest >= size:
            sizes.append(size)
            rest -= size
        size >>= 1
    return sizes


class InsertWriter:
    """Runs insert_rows' statements on the current connection, inside the caller's transaction.

    background=True (SQLite only; elsewhere it runs them here): a second thread runs them in the order
    given while the caller goes on; the caller must not use the database until finish(). Used as a
    context manager, an exception in the block stops the thread before the transaction rolls back, and
    an exception on the thread is raised in the caller at the next insert() or at finish().
    """

    _MAX_ROWS_PER_STATEMENT = 1000

    def __init__(self, *, background: bool = False):
        self._sqlite = isinstance(database.obj, peewee.SqliteDatabase)
        self._connection = database.connection() if self._sqlite else None
        self._variables = 999
        if self._sqlite:
            try:
                self._variables = self._connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
            except (AttributeError, sqlite3.Error):  # older sqlite3 modules: SQLite's smallest default
                pass
        self._statements: dict[tuple[str, int], str] = {}
        self._queue: queue.Queue | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._stop = False
        self._switch_interval: float | None = None
        self._ended = threading.Event()
        if background and self._sqlite:
            self._queue = queue.Queue(maxsize=4)  # a few batches ahead at most: memory stays bounded
            self._thread = threading.Thread(target=self._run, name="investdesk-insert-writer", daemon=True)
            # The thread needs the GIL back after each statement (and to bind its values); at Python's
            # default 5 ms switch interval it waited that long behind the building thread every time
            # (10,000 projects: 0.5 s of SQLite took 0.7–0.9 s). Restored when the thread stops.
            self._thread.start()
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(self._switch_interval, 0.0005))

    def insert(self, table: str, quoted_columns: list[str], params: list[tuple], *, batch: int = 500) -> None:
        if not params:
            return
        if self._error is not None:
            self._raise()
        if not self._sqlite:
            marks = ", ".join([database.param] * len(quoted_columns))
            sql = f'INSERT INTO "{table}" ({", ".join(quoted_columns)}) VALUES ({marks})'
            cursor = database.cursor()
            with _AS_PEEWEE_ERRORS:
                for start in range(0, len(params), batch):
                    cursor.executemany(sql, params[start:start + batch])
            return
        width = len(quoted_columns)
        per_statement = max(1, min(self._MAX_ROWS_PER_STATEMENT, self._variables // width))
        head = f'INSERT INTO "{table}" ({", ".join(quoted_columns)}) VALUES '
        start = 0
        for size in _statement_sizes(len(params), per_statement):
            chunk = params[start:start + size]
            start += size
            statement = self._statement(head, width, size)
            values = list(itertools.chain.from_iterable(chunk))
            if self._queue is None:
                with _AS_PEEWEE_ERRORS:
                    self._connection.execute(statement, values)
            else:
                self._queue.put((statement, values))
                if self._error is not None:
                    self._raise()

    def _statement(self, head: str, width: int, rows: int) -> str:
        key = (head, rows)
        statement = self._statements.get(key)
        if statement is None:
            one = "(" + ", ".join("?" * width) + ")"
            statement = self._statements[key] = head + ", ".join([one] * rows)
        return statement

    def _run(self) -> None:
        try:
            self._write_queued()
        finally:
            self._ended.set()

    def _write_queued(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._stop:
                continue  # drained without running: the transaction is going to roll back
            if not self._connection.in_transaction:
                # SQLite itself may end the transaction (an I/O error, RAISE(ROLLBACK)): never write outside it.
                self._error = sqlite3.OperationalError("the transaction ended before all rows were written")
                self._stop = True
                continue
            try:
                self._connection.execute(*item)
            except BaseException as exc:  # handed to the caller's thread, which raises it
                self._error, self._stop = exc, True  # and nothing queued behind the failure runs

    def _raise(self) -> None:
        error, self._error = self._error, None
        self._stopped()
        with _AS_PEEWEE_ERRORS:  # as database.execute_sql would raise it
            raise error

    def _stopped(self) -> None:
        """Wait for the thread to end. Ctrl-C while waiting stops it too, and is raised only once the
        thread has ended: the caller may roll back (or close the connection) only then."""
        thread = self._thread
        if thread is None:
            return
        interrupted, told = None, False
        # The thread's own flag, not is_alive(): a join() that Ctrl-C interrupts can leave the thread
        # looking stopped while it still runs.
        while not self._ended.is_set():
            try:
                if not told:
                    self._queue.put(None)
                    told = True
                self._ended.wait()
            except BaseException as exc:
                interrupted = interrupted or exc
                self._stop = True
        thread.join()
        self._thread, self._queue = None, None  # an insert() after this runs here and now
        sys.setswitchinterval(self._switch_interval)
        if interrupted is not None:
            raise interrupted

    def finish(self) -> None:
        """Wait until every statement has run; raise what failed on the thread."""
        self._stopped()
        if self._error is not None:
            self._raise()

    def abandon(self) -> None:
        """Stop without running what is still queued (the caller rolls the transaction back)."""
        self._stop = True
        self._stopped()

    def __enter__(self) -> InsertWriter:
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            self.finish()
        else:
            self.abandon()


def _defaults(field, name: str, count: int, stamp: str) -> list:
    """The values a field takes in `count` new rows that do not give it."""
    if name == "uuid":
        return new_uuids(count)
    if name in _STAMP_FIELDS:
        return [stamp] * count
    if callable(field.default):
        return [field.default() for _ in range(count)]
    return [field.default] * count
