"""Engines and sessions: SQLite (WAL, foreign keys on) by default, PostgreSQL by URL.

SQLite allows one writer at a time. Writers wait for it (``busy_timeout``) instead of failing,
which works as long as a transaction that will write takes the write lock *before* it reads:
a deferred transaction that read first and then wants to write finds its snapshot stale once
another writer has committed, and SQLite answers ``database is locked`` at once, without
waiting (``SQLITE_BUSY_SNAPSHOT``). pysqlite opens a transaction only before a data-changing
statement, so plain sessions write-lock at their first write; a ``SAVEPOINT`` however opens a
deferred transaction of its own, and reads inside it (the import's batch writer) then lost
imports under concurrent writes. A savepoint outside a transaction now begins one with
``BEGIN IMMEDIATE`` (waits for the write lock, then reads and writes consistently).
:func:`is_transient` tells a lock, a serialisation failure, a deadlock or a dropped connection
(retry later) from a real error. docs/decisions/0016-sqlite-writers-and-transient-errors.md.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from backstride.config import Settings


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


BUSY_TIMEOUT_MS = 10_000
"""How long a SQLite writer waits for the write lock before ``database is locked``."""


def _sqlite_immediate_savepoint(conn: Connection, name: str | None) -> None:
    """Before a savepoint outside a transaction: ``BEGIN IMMEDIATE`` (take the write lock)."""
    del name
    dbapi = conn.connection.dbapi_connection
    if dbapi is not None and not dbapi.in_transaction:
        dbapi.execute("BEGIN IMMEDIATE")


def make_engine(url: str, *, echo: bool = False, null_pool: bool = False) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout per connection."""
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if null_pool:
        kwargs["poolclass"] = NullPool
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _sqlite_immediate_savepoint)
        setattr(engine, _WRITE_LOCK, threading.Lock())
    return engine


_WRITE_LOCK = "_backstride_write_lock"


def serial_writes(session: Session) -> AbstractContextManager[Any]:
    """Hold around a short write-and-commit on a hot path: one writer per process on SQLite.

    SQLite allows one writer; a thread that finds the write lock taken waits in SQLite's busy
    handler, which sleeps 1, 2, 5, 10 ms... before retrying, so concurrent requests queue in
    sleeps. A Python lock hands over at once. Other processes still meet the busy handler.
    PostgreSQL (row locks, concurrent inserts) gets a no-op.
    """
    lock: threading.Lock | None = getattr(session.get_bind(), _WRITE_LOCK, None)
    return lock if lock is not None else nullcontext()


_PG_TRANSIENT_CLASSES = ("40", "08", "57P", "53")
"""SQLSTATE classes worth a retry: serialisation failure and deadlock (40), connection
exceptions (08), operator intervention such as a shutdown (57P), insufficient resources (53)."""


def is_transient(exc: BaseException) -> bool:
    """True for a database error that goes away by trying again later.

    SQLite: ``database is locked`` / ``busy`` (the write lock stayed taken past the busy
    timeout). PostgreSQL: serialisation failure, deadlock, a dropped or refused connection, a
    server shutting down. Constraint violations and programming errors are not transient.
    """
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        orig = exc.orig
        state = getattr(orig, "sqlstate", None)
        if isinstance(state, str):
            return state.startswith(_PG_TRANSIENT_CLASSES)
        if isinstance(exc, OperationalError):
            text = str(orig).lower()
            return "locked" in text or "busy" in text or "closed" in text
        return False
    return False


def engine_from_settings(settings: Settings) -> Engine:
    """The engine for the configured database."""
    return make_engine(settings.effective_database_url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that do not expire objects on commit (services return plain data anyway)."""
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


__all__ = [
    "BUSY_TIMEOUT_MS",
    "engine_from_settings",
    "is_transient",
    "make_engine",
    "serial_writes",
    "session_factory",
]
