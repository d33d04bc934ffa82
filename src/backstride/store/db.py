"""Engines and sessions: SQLite (WAL, foreign keys on) by default, PostgreSQL by URL."""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from backstride.config import Settings


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


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


def engine_from_settings(settings: Settings) -> Engine:
    """The engine for the configured database."""
    return make_engine(settings.effective_database_url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that do not expire objects on commit (services return plain data anyway)."""
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


__all__ = ["engine_from_settings", "make_engine", "serial_writes", "session_factory"]
