"""An appointment blocks at most a day, so overlap checks search a bounded stretch of time

Revision ID: 0014_appointment_span_bound
Revises: 0013_clinic_rules_version

An appointment type lasts at most 8 hours with at most 4 hours of buffer on each side
(migration 0010's checks), so no appointment the application makes blocks more than 16 hours.
The database now says so for every row, whatever writes it: a blocked range longer than one
day is refused (PostgreSQL: a CHECK constraint; SQLite: the overlap triggers' range check,
``booking.invalid_range``).

With that bound an appointment that meets ``[start, end)`` starts after ``start - 1 day``,
so a search for overlaps reads the appointments that start in ``(start - 1 day, end)`` instead
of every appointment the clinician, room or runner ever had. Migration 0010's SQLite triggers
compared ``julianday()`` of every earlier appointment of the clinician (about 1 ms per insert
at 400 appointments, growing with the clinic's history); they now search an index on
``(column, julianday(blocked_start_at))`` between both bounds. The application's reads use the
same bound on the existing ``(column, blocked_start_at)`` indexes (docs/decisions/0073).

Frozen: this file imports nothing from backstride.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_appointment_span_bound"
down_revision: str | None = "0013_clinic_rules_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (("clinician_account_id", "clinician"), ("room_id", "room"), ("runner_id", "runner"))
_CHECK = "ck_appointments_blocked_within_a_day"
_TRIGGERS = ("appointments_no_overlap_insert", "appointments_no_overlap_update")


def _index(column: str) -> str:
    return f"ix_appointments_{column.split('_')[0]}_julian_blocked"


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    longer = (
        "blocked_end_at - blocked_start_at > interval '24 hours'"
        if postgres
        else "julianday(blocked_end_at) - julianday(blocked_start_at) > 1.0"
    )
    found = bind.execute(
        sa.text(f"SELECT count(*) FROM appointments WHERE {longer}")  # noqa: S608
    ).scalar()
    if found:
        raise RuntimeError(
            f"{found} appointment(s) block more than a day (written outside backstride?): "
            "shorten or delete them, then upgrade again"
        )
    if postgres:
        op.execute(
            f"ALTER TABLE appointments ADD CONSTRAINT {_CHECK} "
            "CHECK (blocked_end_at - blocked_start_at <= interval '24 hours')"
        )
        return
    for column, _ in _COLUMNS:
        op.execute(
            f"CREATE INDEX {_index(column)} ON appointments ({column}, julianday(blocked_start_at))"
        )
    _sqlite_triggers(bounded=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE appointments DROP CONSTRAINT {_CHECK}")
        return
    _sqlite_triggers(bounded=False)
    for column, _ in _COLUMNS:
        op.execute(f"DROP INDEX {_index(column)}")


def _overlap(column: str, word: str, *, bounded: bool) -> str:
    # julianday() on both sides: raw SQL may spell a time in any format SQLite reads. The lower
    # bound is a day and a half before the new start (the day of the range check, with room
    # for floating point): no appointment that overlaps starts earlier.
    lower = (
        "AND julianday(a.blocked_start_at) > julianday(NEW.blocked_start_at) - 1.5 "
        if bounded
        else ""
    )
    return (
        f"SELECT RAISE(ABORT, 'booking.overlap: {word}') WHERE EXISTS ("  # noqa: S608
        f"SELECT 1 FROM appointments a WHERE a.{column} = NEW.{column} "
        "AND a.id <> NEW.id AND a.status <> 'cancelled' "
        "AND julianday(a.blocked_start_at) < julianday(NEW.blocked_end_at) "
        + lower
        + "AND julianday(NEW.blocked_start_at) < julianday(a.blocked_end_at));"
    )


def _sqlite_body(*, bounded: bool) -> str:
    too_long = (
        "OR julianday(NEW.blocked_end_at) - julianday(NEW.blocked_start_at) > 1.0"
        if bounded
        else ""
    )
    return (
        "BEGIN "
        "SELECT RAISE(ABORT, 'booking.invalid_range') WHERE julianday(NEW.blocked_start_at) IS NULL "
        "OR julianday(NEW.blocked_end_at) IS NULL "
        "OR julianday(NEW.blocked_end_at) <= julianday(NEW.blocked_start_at) "
        + too_long
        + "; "
        + " ".join(_overlap(column, word, bounded=bounded) for column, word in _COLUMNS)
        + " END"
    )


def _sqlite_triggers(*, bounded: bool) -> None:
    for name in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    body = _sqlite_body(bounded=bounded)
    op.execute(
        f"CREATE TRIGGER {_TRIGGERS[0]} BEFORE INSERT ON appointments "
        "WHEN NEW.status <> 'cancelled' " + body
    )
    op.execute(
        f"CREATE TRIGGER {_TRIGGERS[1]} BEFORE UPDATE OF status, "
        "clinician_account_id, room_id, runner_id, blocked_start_at, blocked_end_at "
        "ON appointments WHEN NEW.status <> 'cancelled' " + body
    )
