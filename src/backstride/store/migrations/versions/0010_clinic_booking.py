"""clinic booking: policy, appointment types, rooms, hours, time off, appointments, idempotency
keys; the no-overlap invariant in the database itself

Revision ID: 0010_clinic_booking
Revises: 0009_audit_append_only

No clinician, room or runner is ever booked twice at once, whatever writes the row:

- PostgreSQL: three partial exclusion constraints (btree_gist for ``=`` on the id columns,
  ``tstzrange(blocked_start_at, blocked_end_at, '[)') WITH &&``, ``WHERE status <>
  'cancelled'``), one per clinician, room and runner;
- SQLite: BEFORE INSERT and BEFORE UPDATE triggers that ``RAISE(ABORT, 'booking.overlap:
  <clinician|room|runner>')`` on the same overlaps (instants compared with ``julianday`` so
  that any ISO 8601 spelling of a time is read right), and that refuse an unreadable or empty
  blocked range. The services write in ``BEGIN IMMEDIATE`` transactions.

Frozen: this file imports nothing from backstride.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_clinic_booking"
down_revision: str | None = "0009_audit_append_only"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS = "'initial_assessment', 're_assessment', 'adjustment', 'soft_tissue', 'exercise_review', 'gait_analysis'"


def _at(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _json() -> sa.types.TypeEngine:  # type: ignore[type-arg]
    from sqlalchemy.dialects import postgresql

    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "booking_policies",
        sa.Column("clinic_id", sa.String(length=32), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("slot_step_min", sa.Integer(), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("min_notice_min", sa.Integer(), nullable=False),
        sa.Column("cancel_window_min", sa.Integer(), nullable=False),
        sa.Column("triage_window_days", sa.Integer(), nullable=False),
        sa.Column("reminder_offsets_min", _json(), nullable=False),
        _at("updated_at"),
        sa.Column("updated_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_booking_policies_clinic_id_clinics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["accounts.id"],
            name=op.f("fk_booking_policies_updated_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("clinic_id", name=op.f("pk_booking_policies")),
    )
    op.create_table(
        "appointment_types",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("clinic_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("visit_kind", sa.String(length=32), nullable=False),
        sa.Column("duration_min", sa.Integer(), nullable=False),
        sa.Column("buffer_before_min", sa.Integer(), nullable=False),
        sa.Column("buffer_after_min", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _at("created_at"),
        sa.CheckConstraint(
            f"visit_kind IN ({_KINDS})", name=op.f("ck_appointment_types_visit_kind")
        ),
        sa.CheckConstraint(
            "audience IN ('any', 'new', 'returning')", name=op.f("ck_appointment_types_audience")
        ),
        sa.CheckConstraint(
            "duration_min BETWEEN 5 AND 480", name=op.f("ck_appointment_types_duration")
        ),
        sa.CheckConstraint(
            "buffer_before_min BETWEEN 0 AND 240 AND buffer_after_min BETWEEN 0 AND 240",
            name=op.f("ck_appointment_types_buffers"),
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_appointment_types_clinic_id_clinics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_types")),
        sa.UniqueConstraint("clinic_id", "name", name=op.f("uq_appointment_types_clinic_id_name")),
    )
    op.create_index(op.f("ix_appointment_types_clinic_id"), "appointment_types", ["clinic_id"])
    op.create_table(
        "clinic_rooms",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("clinic_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("visit_kinds", _json(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _at("created_at"),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_clinic_rooms_clinic_id_clinics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_rooms")),
        sa.UniqueConstraint("clinic_id", "name", name=op.f("uq_clinic_rooms_clinic_id_name")),
    )
    op.create_index(op.f("ix_clinic_rooms_clinic_id"), "clinic_rooms", ["clinic_id"])
    op.create_table(
        "clinic_hours",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("clinic_id", sa.String(length=32), nullable=False),
        sa.Column("clinician_account_id", sa.String(length=32), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("on_date", sa.Date(), nullable=True),
        sa.Column("start_min", sa.Integer(), nullable=False),
        sa.Column("end_min", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.String(length=32), nullable=True),
        sa.Column("visit_kinds", _json(), nullable=False),
        _at("created_at"),
        sa.CheckConstraint(
            "(weekday IS NULL) <> (on_date IS NULL)", name=op.f("ck_clinic_hours_weekly_or_dated")
        ),
        sa.CheckConstraint(
            "weekday IS NULL OR weekday BETWEEN 0 AND 6", name=op.f("ck_clinic_hours_weekday")
        ),
        sa.CheckConstraint(
            "start_min >= 0 AND start_min < end_min AND end_min <= 1440",
            name=op.f("ck_clinic_hours_span"),
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_clinic_hours_clinic_id_clinics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["clinician_account_id"],
            ["accounts.id"],
            name=op.f("fk_clinic_hours_clinician_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["clinic_rooms.id"],
            name=op.f("fk_clinic_hours_room_id_clinic_rooms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_hours")),
    )
    op.create_index(
        "ix_clinic_hours_clinic_clinician", "clinic_hours", ["clinic_id", "clinician_account_id"]
    )
    op.create_table(
        "clinic_time_off",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("clinic_id", sa.String(length=32), nullable=False),
        sa.Column("clinician_account_id", sa.String(length=32), nullable=True),
        sa.Column("room_id", sa.String(length=32), nullable=True),
        _at("start_at"),
        _at("end_at"),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        _at("created_at"),
        sa.CheckConstraint("end_at > start_at", name=op.f("ck_clinic_time_off_span")),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_clinic_time_off_clinic_id_clinics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["clinician_account_id"],
            ["accounts.id"],
            name=op.f("fk_clinic_time_off_clinician_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["clinic_rooms.id"],
            name=op.f("fk_clinic_time_off_room_id_clinic_rooms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["accounts.id"],
            name=op.f("fk_clinic_time_off_created_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_time_off")),
    )
    op.create_index("ix_clinic_time_off_clinic_end", "clinic_time_off", ["clinic_id", "end_at"])
    op.create_table(
        "appointments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("clinic_id", sa.String(length=32), nullable=False),
        sa.Column("appointment_type_id", sa.String(length=32), nullable=False),
        sa.Column("clinician_account_id", sa.String(length=32), nullable=False),
        sa.Column("room_id", sa.String(length=32), nullable=True),
        sa.Column("runner_id", sa.String(length=32), nullable=False),
        _at("start_at"),
        _at("end_at"),
        _at("blocked_start_at"),
        _at("blocked_end_at"),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("booked_by", sa.String(length=32), nullable=True),
        sa.Column("booked_via", sa.String(length=16), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        _at("created_at"),
        _at("updated_at"),
        _at("cancelled_at", nullable=True),
        sa.CheckConstraint(
            "status IN ('booked', 'cancelled', 'attended', 'no_show')",
            name=op.f("ck_appointments_status"),
        ),
        sa.CheckConstraint("end_at > start_at", name=op.f("ck_appointments_span")),
        sa.CheckConstraint(
            "blocked_start_at <= start_at AND blocked_end_at >= end_at",
            name=op.f("ck_appointments_blocked"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_appointments_version")),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_appointments_clinic_id_clinics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["appointment_type_id"],
            ["appointment_types.id"],
            name=op.f("fk_appointments_appointment_type_id_appointment_types"),
        ),
        sa.ForeignKeyConstraint(
            ["clinician_account_id"],
            ["accounts.id"],
            name=op.f("fk_appointments_clinician_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["clinic_rooms.id"], name=op.f("fk_appointments_room_id_clinic_rooms")
        ),
        sa.ForeignKeyConstraint(
            ["runner_id"],
            ["runners.id"],
            name=op.f("fk_appointments_runner_id_runners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["booked_by"],
            ["accounts.id"],
            name=op.f("fk_appointments_booked_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
    )
    op.create_index(
        "ix_appointments_clinician_blocked",
        "appointments",
        ["clinician_account_id", "blocked_start_at"],
    )
    op.create_index("ix_appointments_room_blocked", "appointments", ["room_id", "blocked_start_at"])
    op.create_index(
        "ix_appointments_runner_blocked", "appointments", ["runner_id", "blocked_start_at"]
    )
    op.create_index("ix_appointments_clinic_start", "appointments", ["clinic_id", "start_at"])
    op.create_table(
        "idempotency_keys",
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("resource_id", sa.String(length=32), nullable=False),
        _at("created_at"),
        sa.Column("detail", _json(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_idempotency_keys_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "scope", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_index(op.f("ix_idempotency_keys_created_at"), "idempotency_keys", ["created_at"])
    if op.get_bind().dialect.name == "postgresql":
        _postgres_invariant()
    else:
        _sqlite_invariant()


_PG_EXCLUDE = (
    ("ex_appointments_clinician_overlap", "clinician_account_id"),
    ("ex_appointments_room_overlap", "room_id"),
    ("ex_appointments_runner_overlap", "runner_id"),
)


def _postgres_invariant() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, column in _PG_EXCLUDE:
        op.execute(
            f"ALTER TABLE appointments ADD CONSTRAINT {name} EXCLUDE USING gist "
            f"({column} WITH =, tstzrange(blocked_start_at, blocked_end_at, '[)') WITH &&) "
            "WHERE (status <> 'cancelled')"
        )


def _overlap(column: str, word: str) -> str:
    return (
        f"SELECT RAISE(ABORT, 'booking.overlap: {word}') WHERE EXISTS ("  # noqa: S608
        f"SELECT 1 FROM appointments a WHERE a.{column} = NEW.{column} "
        "AND a.id <> NEW.id AND a.status <> 'cancelled' "
        "AND julianday(a.blocked_start_at) < julianday(NEW.blocked_end_at) "
        "AND julianday(NEW.blocked_start_at) < julianday(a.blocked_end_at));"
    )


def _sqlite_body() -> str:
    return (
        "BEGIN "
        "SELECT RAISE(ABORT, 'booking.invalid_range') WHERE julianday(NEW.blocked_start_at) IS NULL "
        "OR julianday(NEW.blocked_end_at) IS NULL "
        "OR julianday(NEW.blocked_end_at) <= julianday(NEW.blocked_start_at); "
        + _overlap("clinician_account_id", "clinician")
        + " "
        + _overlap("room_id", "room")
        + " "
        + _overlap("runner_id", "runner")
        + " END"
    )


def _sqlite_invariant() -> None:
    op.execute(
        "CREATE TRIGGER appointments_no_overlap_insert BEFORE INSERT ON appointments "
        "WHEN NEW.status <> 'cancelled' " + _sqlite_body()
    )
    op.execute(
        "CREATE TRIGGER appointments_no_overlap_update BEFORE UPDATE OF status, "
        "clinician_account_id, room_id, runner_id, blocked_start_at, blocked_end_at "
        "ON appointments WHEN NEW.status <> 'cancelled' " + _sqlite_body()
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TRIGGER IF EXISTS appointments_no_overlap_update")
        op.execute("DROP TRIGGER IF EXISTS appointments_no_overlap_insert")
    op.drop_index(op.f("ix_idempotency_keys_created_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    for name in (
        "ix_appointments_clinic_start",
        "ix_appointments_runner_blocked",
        "ix_appointments_room_blocked",
        "ix_appointments_clinician_blocked",
    ):
        op.drop_index(name, table_name="appointments")
    op.drop_table("appointments")
    op.drop_index("ix_clinic_time_off_clinic_end", table_name="clinic_time_off")
    op.drop_table("clinic_time_off")
    op.drop_index("ix_clinic_hours_clinic_clinician", table_name="clinic_hours")
    op.drop_table("clinic_hours")
    op.drop_index(op.f("ix_clinic_rooms_clinic_id"), table_name="clinic_rooms")
    op.drop_table("clinic_rooms")
    op.drop_index(op.f("ix_appointment_types_clinic_id"), table_name="appointment_types")
    op.drop_table("appointment_types")
    op.drop_table("booking_policies")
