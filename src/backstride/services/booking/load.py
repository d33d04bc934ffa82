"""Rows to the clinic stage's dataclasses: a clinic's rules and the bookings around a time."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, bindparam, or_, select
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


_CLINICIANS = (
    select(Account.id, Account.display_name)
    .join(ClinicMember, ClinicMember.account_id == Account.id)
    .where(
        ClinicMember.clinic_id == bindparam("clinic_id"),
        Account.role == "clinician",
        Account.is_active.is_(True),
    )
    .order_by(Account.display_name, Account.id)
)


def clinicians_of(session: Session, clinic_id: str) -> tuple[Clinician, ...]:
    """The clinic's active clinicians, by name."""
    rows = session.execute(_CLINICIANS, {"clinic_id": clinic_id}).all()
    return tuple(Clinician(r[0], r[1]) for r in rows)


# The rules are read on every booking: the statements are built once (bound parameters).
_P = BookingPolicy
_POLICY = select(
    _P.clinic_id,
    _P.timezone,
    _P.slot_step_min,
    _P.horizon_days,
    _P.min_notice_min,
    _P.cancel_window_min,
    _P.triage_window_days,
    _P.reminder_offsets_min,
).where(_P.clinic_id == bindparam("clinic_id"))
_T = AppointmentTypeRow
_TYPES = select(
    _T.id,
    _T.name,
    _T.visit_kind,
    _T.duration_min,
    _T.buffer_before_min,
    _T.buffer_after_min,
    _T.audience,
    _T.online,
    _T.active,
).where(_T.clinic_id == bindparam("clinic_id"))
_ROOMS = select(RoomRow.id, RoomRow.name, RoomRow.visit_kinds, RoomRow.active).where(
    RoomRow.clinic_id == bindparam("clinic_id")
)
_H = HoursRow
_HOURS = select(
    _H.id,
    _H.clinician_account_id,
    _H.start_min,
    _H.end_min,
    _H.weekday,
    _H.on_date,
    _H.room_id,
    _H.visit_kinds,
).where(_H.clinic_id == bindparam("clinic_id"))
_O = TimeOffRow
_OFF = select(_O.id, _O.start_at, _O.end_at, _O.clinician_account_id, _O.room_id, _O.reason).where(
    _O.clinic_id == bindparam("clinic_id"),
    _O.end_at > bindparam("lo", type_=_O.end_at.type),
    _O.start_at < bindparam("hi", type_=_O.start_at.type),
)


def load_rules(
    session: Session,
    clinic_id: str,
    *,
    start_at: dt.datetime,
    end_at: dt.datetime,
    margin: dt.timedelta = MARGIN,
) -> ClinicRules:
    """The clinic's rules with the time off that meets ``[start_at, end_at)`` widened by
    ``margin``. Plain column queries (no ORM objects): this runs on every booking."""
    key = {"clinic_id": clinic_id}
    found = session.execute(_POLICY, key).first()
    policy = (
        Policy()
        if found is None
        else Policy(
            found[1],
            found[2],
            found[3],
            found[4],
            found[5],
            found[6],
            tuple(int(x) for x in found[7]),
        )
    )
    types = session.execute(_TYPES, key).all()
    rooms = session.execute(_ROOMS, key).all()
    hours = session.execute(_HOURS, key).all()
    off = session.execute(
        _OFF, {"clinic_id": clinic_id, "lo": start_at - margin, "hi": end_at + margin}
    ).all()
    return ClinicRules(
        policy=policy,
        types=tuple(
            AppointmentType(
                r[0], r[1], VisitKind(r[2]), r[3], r[4], r[5], Audience(r[6]), r[7], r[8]
            )
            for r in types
        ),
        clinicians=clinicians_of(session, clinic_id),
        rooms=tuple(
            Room(r[0], r[1], frozenset(VisitKind(k) for k in r[2] or ()), r[3]) for r in rooms
        ),
        hours=tuple(
            Hours(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                frozenset(VisitKind(k) for k in r[7] or ()),
            )
            for r in hours
        ),
        time_off=tuple(TimeOff(*r) for r in off),
    )


def load_bookings(
    session: Session,
    rules: ClinicRules,
    *,
    runner_id: str | None,
    start_at: dt.datetime,
    end_at: dt.datetime,
    margin: dt.timedelta = MARGIN,
) -> list[Booking]:
    """Non-cancelled appointments of the clinic's clinicians and rooms and of the runner
    (at any clinic) whose blocked range meets ``[start_at, end_at)`` widened by ``margin``
    (a write checks one blocked range: ``margin=0``)."""
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
            Appointment.blocked_end_at > start_at - margin,
            Appointment.blocked_start_at < end_at + margin,
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
