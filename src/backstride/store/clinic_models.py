"""ORM rows of clinic booking: policy, appointment types, rooms, hours, time off, appointments.

The no-double-booking invariant lives in the database, not here: migration ``0010_clinic_booking``
adds, on PostgreSQL, three partial exclusion constraints (btree_gist, ``tstzrange`` over the
blocked range, ``status <> 'cancelled'``) - per clinician, per room and per runner - and on
SQLite BEFORE INSERT/UPDATE triggers that refuse the same overlaps. :func:`overlap_of` reads
which of the three a refused write broke.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from backstride.store.base import Base, Id, JSONType, UTCDateTime

VISIT_KINDS = (
    "initial_assessment",
    "re_assessment",
    "adjustment",
    "soft_tissue",
    "exercise_review",
    "gait_analysis",
)
APPOINTMENT_STATUSES = ("booked", "cancelled", "attended", "no_show")
OVERLAP_CONSTRAINTS = {
    "ex_appointments_clinician_overlap": "clinician",
    "ex_appointments_room_overlap": "room",
    "ex_appointments_runner_overlap": "runner",
}
"""PostgreSQL exclusion constraint -> what overlapped (SQLite triggers say the same word)."""
_SQLITE_MESSAGE = "booking.overlap:"
MAX_BLOCKED = dt.timedelta(days=1)
"""The longest time one appointment may block, buffers included (a type lasts at most 8 h with
at most 4 h of buffer each side). The database refuses a longer row (migration
``0014_appointment_span_bound``), so an appointment that meets a time range starts less than
this before it: overlap searches read from there, not from the clinic's first appointment."""


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class BookingPolicy(Base):
    """A clinic's booking policy (one row per clinic; the defaults when there is none)."""

    __tablename__ = "booking_policies"

    clinic_id: Mapped[str] = mapped_column(
        ForeignKey("clinics.id", ondelete="CASCADE"), primary_key=True
    )
    timezone: Mapped[str] = mapped_column(String(64))
    slot_step_min: Mapped[int] = mapped_column(Integer)
    horizon_days: Mapped[int] = mapped_column(Integer)
    min_notice_min: Mapped[int] = mapped_column(Integer)
    cancel_window_min: Mapped[int] = mapped_column(Integer)
    triage_window_days: Mapped[int] = mapped_column(Integer)
    reminder_offsets_min: Mapped[list[int]] = mapped_column(JSONType)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))


class AppointmentTypeRow(Base):
    """A bookable service of a clinic (deactivated, never deleted, once booked)."""

    __tablename__ = "appointment_types"
    __table_args__ = (
        UniqueConstraint("clinic_id", "name"),
        CheckConstraint(f"visit_kind IN ({_in(VISIT_KINDS)})", name="visit_kind"),
        CheckConstraint("audience IN ('any', 'new', 'returning')", name="audience"),
        CheckConstraint("duration_min BETWEEN 5 AND 480", name="duration"),
        CheckConstraint(
            "buffer_before_min BETWEEN 0 AND 240 AND buffer_after_min BETWEEN 0 AND 240",
            name="buffers",
        ),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    visit_kind: Mapped[str] = mapped_column(String(32))
    duration_min: Mapped[int] = mapped_column(Integer)
    buffer_before_min: Mapped[int] = mapped_column(Integer, default=0)
    buffer_after_min: Mapped[int] = mapped_column(Integer, default=0)
    audience: Mapped[str] = mapped_column(String(16), default="any")
    online: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class RoomRow(Base):
    """A treatment room and the visit kinds it hosts (an empty list: every kind)."""

    __tablename__ = "clinic_rooms"
    __table_args__ = (UniqueConstraint("clinic_id", "name"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    visit_kinds: Mapped[list[str]] = mapped_column(JSONType)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class HoursRow(Base):
    """A clinician's hours: weekly (``weekday``) or a one-date exception (``on_date``), in
    wall-clock minutes after local midnight of the clinic's zone."""

    __tablename__ = "clinic_hours"
    __table_args__ = (
        CheckConstraint("(weekday IS NULL) <> (on_date IS NULL)", name="weekly_or_dated"),
        CheckConstraint("weekday IS NULL OR weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("start_min >= 0 AND start_min < end_min AND end_min <= 1440", name="span"),
        Index("ix_clinic_hours_clinic_clinician", "clinic_id", "clinician_account_id"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"))
    clinician_account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    weekday: Mapped[int | None] = mapped_column(Integer)
    on_date: Mapped[dt.date | None] = mapped_column(Date)
    start_min: Mapped[int] = mapped_column(Integer)
    end_min: Mapped[int] = mapped_column(Integer)
    room_id: Mapped[str | None] = mapped_column(ForeignKey("clinic_rooms.id", ondelete="CASCADE"))
    visit_kinds: Mapped[list[str]] = mapped_column(JSONType)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class TimeOffRow(Base):
    """Time off of a clinician, of a room, or (neither) of the whole clinic."""

    __tablename__ = "clinic_time_off"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="span"),
        Index("ix_clinic_time_off_clinic_end", "clinic_id", "end_at"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"))
    clinician_account_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE")
    )
    room_id: Mapped[str | None] = mapped_column(ForeignKey("clinic_rooms.id", ondelete="CASCADE"))
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Appointment(Base):
    """One appointment. ``blocked_*`` (the visit plus its buffers) is stored, not derived, so
    the database can refuse an overlap by itself; ``version`` grows with every change."""

    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(APPOINTMENT_STATUSES)})", name="status"),
        CheckConstraint("end_at > start_at", name="span"),
        CheckConstraint(
            "blocked_start_at <= start_at AND blocked_end_at >= end_at", name="blocked"
        ),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_appointments_clinician_blocked", "clinician_account_id", "blocked_start_at"),
        Index("ix_appointments_room_blocked", "room_id", "blocked_start_at"),
        Index("ix_appointments_runner_blocked", "runner_id", "blocked_start_at"),
        Index("ix_appointments_clinic_start", "clinic_id", "start_at"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"))
    appointment_type_id: Mapped[str] = mapped_column(ForeignKey("appointment_types.id"))
    clinician_account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    room_id: Mapped[str | None] = mapped_column(ForeignKey("clinic_rooms.id"))
    runner_id: Mapped[str] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"))
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    blocked_start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    blocked_end_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="booked")
    version: Mapped[int] = mapped_column(Integer, default=1)
    booked_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    booked_via: Mapped[str] = mapped_column(String(16))  # runner | staff | cli
    override_reason: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class IdempotencyKey(Base):
    """A POST's ``Idempotency-Key``: the same key again replays the result; with another
    request body it is refused (``idempotency.key_reused``)."""

    __tablename__ = "idempotency_keys"

    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


def overlap_of(exc: IntegrityError) -> str | None:
    """``clinician``, ``room`` or ``runner`` when ``exc`` is the database refusing an overlap."""
    orig = exc.orig
    diag = getattr(orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name in OVERLAP_CONSTRAINTS:
        return OVERLAP_CONSTRAINTS[name]
    text = str(orig)
    if _SQLITE_MESSAGE in text:
        return text.split(_SQLITE_MESSAGE, 1)[1].strip().split()[0]
    return None


__all__ = [
    "APPOINTMENT_STATUSES",
    "MAX_BLOCKED",
    "OVERLAP_CONSTRAINTS",
    "VISIT_KINDS",
    "Appointment",
    "AppointmentTypeRow",
    "BookingPolicy",
    "HoursRow",
    "IdempotencyKey",
    "RoomRow",
    "TimeOffRow",
    "overlap_of",
]
