"""Opening a database: one SQLAlchemy engine per store, SQLite tuned, errors made readable.

SQLite is the embedded default, so it is set up the way a small multi-user web app needs:
write-ahead logging (readers never wait for the writer), foreign keys enforced (they are
off by default in SQLite), and transactions that SQLAlchemy begins itself instead of
pysqlite's implicit ones, so that a write starts with ``BEGIN IMMEDIATE`` — it takes the
write lock before its first read, and two concurrent imports queue instead of failing
halfway. PostgreSQL needs nothing special beyond a liveness check on pooled connections.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url

from muniplan.store.errors import StoreError

WRITE = "muniplan_write"
"""Execution option that marks a connection whose transaction will write."""

SQLITE_BUSY_TIMEOUT = 30.0
"""Seconds a SQLite writer waits for another writer before giving up."""


def parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except (exc.ArgumentError, ValueError):
        raise StoreError(
            f"not a database URL: {url!r} (expected e.g. sqlite:///data/muniplan.db or "
            "postgresql+psycopg://user@host/dbname)"
        ) from None


def shown(url: URL) -> str:
    """The URL as it may be printed: without its password."""
    return url.render_as_string(hide_password=True)


def open_engine(url: str) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created when missing."""
    u = parse_url(url)
    try:
        if u.get_backend_name() == "sqlite":
            return _sqlite_engine(u)
        return create_engine(u, pool_pre_ping=True)
    except (exc.NoSuchModuleError, ImportError) as e:
        raise StoreError(f"no database driver for {shown(u)}: {e}") from None
    except exc.ArgumentError as e:
        raise StoreError(f"cannot use the database URL {shown(u)}: {e}") from None


def _sqlite_engine(u: URL) -> Engine:
    database = u.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(u, connect_args={"timeout": SQLITE_BUSY_TIMEOUT})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
    finally:
        cursor.close()


def _sqlite_begin(connection: Any) -> None:
    write = connection.get_execution_options().get(WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


@contextmanager
def readable_errors(url: URL) -> Iterator[None]:
    """Turn driver errors a person can act on into :class:`StoreError` messages."""
    try:
        yield
    except exc.OperationalError as e:
        reason = _first_line(e.orig) if e.orig is not None else _first_line(e)
        if e.statement is None or e.connection_invalidated:
            raise StoreError(f"cannot reach the database {shown(url)}: {reason}") from None
        raise StoreError(f"the database {shown(url)} failed: {reason}") from None
    except exc.InterfaceError as e:
        raise StoreError(f"cannot reach the database {shown(url)}: {_first_line(e)}") from None


def _first_line(e: object) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__
