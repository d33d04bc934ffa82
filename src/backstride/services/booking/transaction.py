"""Write transactions for booking: ``BEGIN IMMEDIATE`` on SQLite, plain on PostgreSQL.

SQLite in WAL mode lets a deferred transaction read and then fail to upgrade to a writer
(``SQLITE_BUSY`` without waiting) when another connection wrote meanwhile. ``BEGIN
IMMEDIATE`` takes the write lock first (waiting in the busy handler), so the reads that
decide a booking and its insert see one state; a per-process lock hands the writer over
without sleeping (``store.db.serial_writes``). The triggers of migration ``0010_clinic_booking`` and
PostgreSQL's exclusion constraints refuse an overlap whatever the transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from backstride.store.db import serial_writes


@contextmanager
def write_transaction(session: Session) -> Iterator[None]:
    """Run the body in one write transaction, committed at its end (the use case's one
    commit); any error rolls it back."""
    if session.get_bind().dialect.name != "sqlite":
        try:
            yield
        except BaseException:
            session.rollback()
            raise
        session.commit()
        return
    # Whatever the request read so far ends here, and its connection goes back to the pool:
    # a thread waiting for the write lock must not hold one (under load they would run out).
    session.commit()
    with serial_writes(session):
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            session.rollback()
            raise
        session.commit()


__all__ = ["write_transaction"]
