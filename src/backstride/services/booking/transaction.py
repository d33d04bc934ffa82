"""Write transactions for booking: ``BEGIN IMMEDIATE`` on SQLite, plain on PostgreSQL.

SQLite in WAL mode lets a deferred transaction read and then fail to upgrade to a writer
(``SQLITE_BUSY`` without waiting) when another connection wrote meanwhile. ``BEGIN
IMMEDIATE`` takes the write lock first (the engine's write gate hands it over first come,
first served), so the reads that decide a booking and its insert see one state.

PostgreSQL checks an exclusion constraint after inserting the row, so two transactions
inserting overlapping rows wait on each other and one is killed as a deadlock victim after
``deadlock_timeout`` (1 s): ten runners racing for one time lost a second each and some
answered 503. :func:`hold_clinic_calendar` takes a transaction-scoped advisory lock per
clinic before the reads that decide a booking, so writers of one clinic queue instead
(docs/decisions/0066). A booking takes that lock in the statement that reads its runner and
clinic (:data:`CALENDAR_LOCK`, one round trip less: docs/decisions/0074). The triggers of
migration ``0010_clinic_booking`` and PostgreSQL's exclusion constraints still refuse an
overlap whatever the transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import String, bindparam, func, literal_column, select
from sqlalchemy.orm import Session

CALENDAR_LOCK = func.pg_advisory_xact_lock(
    func.hashtextextended(bindparam("calendar_key", type_=String()), literal_column("0"))
)
"""PostgreSQL: the clinic's transaction-scoped advisory lock, as a column (its key is the
parameter ``calendar_key``: :func:`calendar_key`). A statement that selects it returns once
the lock is this transaction's; the *next* statement's snapshot then holds every booking
committed before (READ COMMITTED takes a snapshot per statement, so the lock cannot share a
statement with the reads it protects)."""
_HOLD = select(CALENDAR_LOCK)


def calendar_key(clinic_id: str) -> str:
    """The value of :data:`CALENDAR_LOCK`'s ``calendar_key`` for a clinic."""
    return f"backstride.booking:{clinic_id}"


@contextmanager
def write_transaction(session: Session) -> Iterator[None]:
    """Run the body in one write transaction, committed at its end (the use case's one
    commit); any error rolls it back."""
    if session.get_bind().dialect.name == "sqlite":
        connection = session.connection()
        if connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
            # The caller has written already without committing (signing in commits its own
            # last-seen write at once, so a booking request never gets here): that write is
            # committed on its own first.
            session.commit()
            connection = session.connection()
        # pysqlite reads outside transactions, so nothing else is open: the same connection
        # takes the write lock (a commit, a return to the pool and a new checkout cost about
        # a tenth of a booking). It waits at the write gate holding that connection; the API
        # runs one booking write per process at a time (api.deps.booking_writers) and the
        # gate hands over in arrival order, so waiting writers are few and brief.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        session.rollback()
        raise
    session.commit()


def hold_clinic_calendar(session: Session, clinic_id: str) -> None:
    """Queue behind any other booking write of this clinic until this transaction ends.

    PostgreSQL only (an advisory lock keyed by the clinic's id, released at commit or
    rollback); SQLite's ``BEGIN IMMEDIATE`` already lets one writer in at a time. Taken
    before the reads that place a booking, so the placement sees every booking committed
    before it and a lost race is decided by the constraint check without a deadlock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(_HOLD, {"calendar_key": calendar_key(clinic_id)})


__all__ = ["CALENDAR_LOCK", "calendar_key", "hold_clinic_calendar", "write_transaction"]
