"""Rows to the clinic stage's dataclasses: a clinic's rules and the bookings around a time."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from backstride.clinic import (
    AppointmentType,
    Audience,
    Booking,
    Clinician,
    ClinicRules,
    Hours,
    Policy,
    Room,
    TimeOff,
    VisitKind,
)
from backstride.store.clinic_models import (
    Appointment,
    AppointmentTypeRow,
    BookingPolicy,
    HoursRow,
    RoomRow,
    TimeOffRow,
)
from backstride.store.models import Account, ClinicMember

MARGIN = dt.timedelta(days=1)
"""Bookings and time off this far around a search still matter (buffers, long visits)."""


def policy_from_row(row: BookingPolicy | None) -> Policy:
    """The stored policy, or the defaults."""
    if row is None:
        return Policy()
    return Policy(
        timezone=row.timezone,
        slot_step_min=row.slot_step_min,
        horizon_days=row.horizon_days,
        min_notice_min=row.min_notice_min,
        cancel_window_min=row.cancel_window_min,
        triage_window_days=row.triage_window_days,
        reminder_offsets_min=tuple(int(x) for x in row.reminder_offsets_min),
    )


def type_from_row(row: AppointmentTypeRow) -> AppointmentType:
    """An appointment type row as the stage's dataclass."""
    return AppointmentType(
        id=row.id,
        name=row.name,
        visit_kind=VisitKind(row.visit_kind),
        duration_min=row.duration_min,
        buffer_before_min=row.buffer_before_min,
        buffer_after_min=row.buffer_after_min,
        audience=Audience(row.audience),
        online=row.online,
        active=row.active,
    )


def room_from_row(row: RoomRow) -> Room:
    """A room row as the stage's dataclass."""
    return Room(
        row.id, row.name, frozenset(VisitKind(k) for k in row.visit_kinds or ()), row.active
    )


def hours_from_row(row: HoursRow) -> Hours:
    """An hours row as the stage's dataclass."""
    return Hours(
        id=row.id,
        clinician_id=row.clinician_account_id,
        start_min=row.start_min,
        end_min=row.end_min,
        weekday=row.weekday,
        on_date=row.on_date,
        room_id=row.room_id,
        visit_kinds=frozenset(VisitKind(k) for k in row.visit_kinds or ()),
    )


def clinicians_of(session: Session, clinic_id: str) -> tuple[Clinician, ...]:
    """The clinic's active clinicians, by name."""
    rows = session.execute(
        select(Account.id, Account.display_name)
        .join(ClinicMember, ClinicMember.account_id == Account.id)
        .where(
            ClinicMember.clinic_id == clinic_id,
            Account.role == "clinician",
            Account.is_active.is_(True),
        )
        .order_by(Account.display_name, Account.id)
    ).all()
    return tuple(Clinician(r[0], r[1]) for r in rows)


def load_rules(
    session: Session, clinic_id: str, *, start_at: dt.datetime, end_at: dt.datetime
) -> ClinicRules:
    """The clinic's rules with the time off that meets ``[start_at, end_at)`` (plus a margin)."""
    policy = policy_from_row(session.get(BookingPolicy, clinic_id))
    types = session.scalars(
        select(AppointmentTypeRow).where(AppointmentTypeRow.clinic_id == clinic_id)
    ).all()
    rooms = session.scalars(select(RoomRow).where(RoomRow.clinic_id == clinic_id)).all()
    hours = session.scalars(select(HoursRow).where(HoursRow.clinic_id == clinic_id)).all()
    off = session.scalars(
        select(TimeOffRow).where(
            TimeOffRow.clinic_id == clinic_id,
            TimeOffRow.end_at > start_at - MARGIN,
            TimeOffRow.start_at < end_at + MARGIN,
        )
    ).all()
    return ClinicRules(
        policy=policy,
        types=tuple(type_from_row(t) for t in types),
        clinicians=clinicians_of(session, clinic_id),
        rooms=tuple(room_from_row(r) for r in rooms),
        hours=tuple(hours_from_row(h) for h in hours),
        time_off=tuple(
            TimeOff(o.id, o.start_at, o.end_at, o.clinician_account_id, o.room_id, o.reason)
            for o in off
        ),
    )


def load_bookings(
    session: Session,
    rules: ClinicRules,
    *,
    runner_id: str | None,
    start_at: dt.datetime,
    end_at: dt.datetime,
) -> list[Booking]:
    """Non-cancelled appointments of the clinic's clinicians and rooms and of the runner
    (at any clinic) whose blocked range meets ``[start_at, end_at)`` (plus a margin)."""
    who: list[ColumnElement[bool]] = [
        Appointment.clinician_account_id.in_([c.id for c in rules.clinicians]),
        Appointment.room_id.in_([r.id for r in rules.rooms]),
    ]
    if runner_id is not None:
        who.append(Appointment.runner_id == runner_id)
    rows = session.execute(
        select(
            Appointment.id,
            Appointment.clinician_account_id,
            Appointment.runner_id,
            Appointment.start_at,
            Appointment.end_at,
            Appointment.blocked_start_at,
            Appointment.blocked_end_at,
            Appointment.room_id,
        ).where(
            Appointment.status != "cancelled",
            Appointment.blocked_end_at > start_at - MARGIN,
            Appointment.blocked_start_at < end_at + MARGIN,
            or_(*who),
        )
    ).all()
    return [Booking(*row) for row in rows]


__all__ = [
    "MARGIN",
    "clinicians_of",
    "hours_from_row",
    "load_bookings",
    "load_rules",
    "policy_from_row",
    "room_from_row",
    "type_from_row",
]
