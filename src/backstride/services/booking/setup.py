"""The clinic's booking set-up: policy, appointment types, rooms, hours, time off (audited).

Admins, the clinic's own clinicians and the CLI manage it. Changes never move or cancel an
appointment: time off over booked visits is stored and answers the visits to move by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backstride.clinic import VisitKind
from backstride.clinic.timegrid import zone
from backstride.errors import Conflict, InvalidInput, NotFound
from backstride.services.booking.access import Actor, audit, clinic_row, require_setup
from backstride.services.booking.load import clinicians_of, policy_from_row
from backstride.services.booking.views import (
    AppointmentTypeView,
    HoursView,
    PolicyView,
    RoomView,
    TimeOffView,
)
from backstride.store.clinic_models import (
    Appointment,
    AppointmentTypeRow,
    BookingPolicy,
    HoursRow,
    RoomRow,
    TimeOffRow,
)
from backstride.units import new_id

SLOT_STEPS = (5, 10, 15, 20, 30, 60)
_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
KINDS = tuple(k.value for k in VisitKind)


def _problem(code: str, path: str, msg: str) -> InvalidInput:
    return InvalidInput(f"{path}: {msg}", code=code, problems=[{"path": path, "msg": msg}])


def _policy_view(clinic_id: str, row: BookingPolicy | None) -> PolicyView:
    p = policy_from_row(row)
    return PolicyView(
        clinic_id,
        p.timezone,
        p.slot_step_min,
        p.horizon_days,
        p.min_notice_min,
        p.cancel_window_min,
        p.triage_window_days,
        p.reminder_offsets_min,
    )


def get_policy(session: Session, *, clinic_id: str) -> PolicyView:
    """The clinic's booking policy (defaults until changed); public: pages show the zone."""
    clinic = clinic_row(session, clinic_id)
    return _policy_view(clinic.id, session.get(BookingPolicy, clinic.id))


_POLICY_RANGES: dict[str, tuple[int, int]] = {
    "horizon_days": (1, 366),
    "min_notice_min": (0, 14 * 24 * 60),
    "cancel_window_min": (0, 14 * 24 * 60),
    "triage_window_days": (1, 60),
}


def set_policy(
    session: Session,
    *,
    actor: Actor,
    clinic_id: str,
    now: dt.datetime,
    timezone: str | None = None,
    slot_step_min: int | None = None,
    horizon_days: int | None = None,
    min_notice_min: int | None = None,
    cancel_window_min: int | None = None,
    triage_window_days: int | None = None,
    reminder_offsets_min: Sequence[int] | None = None,
) -> PolicyView:
    """Change some of the policy; every change is audited (old and new values)."""
    clinic = clinic_row(session, clinic_id)
    require_setup(session, actor, clinic.id)
    row = session.get(BookingPolicy, clinic.id)
    old = _policy_view(clinic.id, row)
    new: dict[str, Any] = {
        "timezone": timezone,
        "slot_step_min": slot_step_min,
        "horizon_days": horizon_days,
        "min_notice_min": min_notice_min,
        "cancel_window_min": cancel_window_min,
        "triage_window_days": triage_window_days,
    }
    problems: list[dict[str, str]] = []
    if timezone is not None:
        zone(timezone)
    if slot_step_min is not None and slot_step_min not in SLOT_STEPS:
        problems.append({"path": "slot_step_min", "msg": f"one of {SLOT_STEPS}"})
    for key, (low, high) in _POLICY_RANGES.items():
        value = new[key]
        if value is not None and not low <= value <= high:
            problems.append({"path": key, "msg": f"between {low} and {high}"})
    offsets = None
    if reminder_offsets_min is not None:
        offsets = sorted({int(x) for x in reminder_offsets_min}, reverse=True)
        if len(offsets) > 4 or any(not 5 <= x <= 14 * 24 * 60 for x in offsets):
            problems.append({"path": "reminder_offsets_min", "msg": "up to 4, each 5-20160"})
    if problems:
        raise InvalidInput(
            "invalid booking policy", code="booking.invalid_policy", problems=problems
        )
    if row is None:
        row = BookingPolicy(
            clinic_id=clinic.id,
            timezone=old.timezone,
            slot_step_min=old.slot_step_min,
            horizon_days=old.horizon_days,
            min_notice_min=old.min_notice_min,
            cancel_window_min=old.cancel_window_min,
            triage_window_days=old.triage_window_days,
            reminder_offsets_min=list(old.reminder_offsets_min),
        )
        session.add(row)
    for key, value in new.items():
        if value is not None:
            setattr(row, key, value)
    if offsets is not None:
        row.reminder_offsets_min = offsets
    row.updated_at = now
    row.updated_by = None if actor is None else actor.account_id
    view = _policy_view(clinic.id, row)
    audit(
        session,
        actor=actor,
        runner_id=None,
        action="update",
        resource="booking_policy",
        now=now,
        detail={"clinic_id": clinic.id, "old": _jsonable(old), "new": _jsonable(view)},
    )
    session.commit()
    return view


def _jsonable(view: PolicyView) -> dict[str, Any]:
    return {
        "timezone": view.timezone,
        "slot_step_min": view.slot_step_min,
        "horizon_days": view.horizon_days,
        "min_notice_min": view.min_notice_min,
        "cancel_window_min": view.cancel_window_min,
        "triage_window_days": view.triage_window_days,
        "reminder_offsets_min": list(view.reminder_offsets_min),
    }


def type_view(row: AppointmentTypeRow) -> AppointmentTypeView:
    """An appointment type row as a view."""
    return AppointmentTypeView(
        row.id,
        row.clinic_id,
        row.name,
        row.visit_kind,
        row.duration_min,
        row.buffer_before_min,
        row.buffer_after_min,
        row.audience,
        row.online,
        row.active,
    )


def _type_problems(
    *, name: str, visit_kind: str, duration_min: int, before: int, after: int, audience: str
) -> list[dict[str, str]]:
    problems = []
    if not 1 <= len(name.strip()) <= 120:
        problems.append({"path": "name", "msg": "1-120 characters"})
    if visit_kind not in KINDS:
        problems.append({"path": "visit_kind", "msg": f"one of {', '.join(KINDS)}"})
    if not 5 <= duration_min <= 480:
        problems.append({"path": "duration_min", "msg": "between 5 and 480"})
    for path, value in (("buffer_before_min", before), ("buffer_after_min", after)):
        if not 0 <= value <= 240:
            problems.append({"path": path, "msg": "between 0 and 240"})
    if audience not in ("any", "new", "returning"):
        problems.append({"path": "audience", "msg": "any, new or returning"})
    return problems


def create_type(
    session: Session,
    *,
    actor: Actor,
    clinic_id: str,
    name: str,
    visit_kind: str,
    duration_min: int,
    now: dt.datetime,
    buffer_before_min: int = 0,
    buffer_after_min: int = 0,
    audience: str = "any",
    online: bool = True,
) -> AppointmentTypeView:
    """A new appointment type (``appointment_type.invalid`` lists every problem)."""
    clinic = clinic_row(session, clinic_id)
    require_setup(session, actor, clinic.id)
    problems = _type_problems(
        name=name,
        visit_kind=visit_kind,
        duration_min=duration_min,
        before=buffer_before_min,
        after=buffer_after_min,
        audience=audience,
    )
    if problems:
        raise InvalidInput(
            "invalid appointment type", code="appointment_type.invalid", problems=problems
        )
    _unique_name(session, AppointmentTypeRow, clinic.id, name.strip(), "appointment_type")
    row = AppointmentTypeRow(
        id=new_id(),
        clinic_id=clinic.id,
        name=name.strip(),
        visit_kind=visit_kind,
        duration_min=duration_min,
        buffer_before_min=buffer_before_min,
        buffer_after_min=buffer_after_min,
        audience=audience,
        online=online,
        active=True,
        created_at=now,
    )
    session.add(row)
    audit(
        session,
        actor=actor,
        runner_id=None,
        action="create",
        resource="appointment_type",
        now=now,
        detail={"clinic_id": clinic.id, "id": row.id, "name": row.name},
    )
    session.commit()
    return type_view(row)


def _unique_name(
    session: Session,
    model: type[AppointmentTypeRow] | type[RoomRow],
    clinic_id: str,
    name: str,
    what: str,
    *,
    except_id: str | None = None,
) -> None:
    found = session.scalar(select(model.id).where(model.clinic_id == clinic_id, model.name == name))
    if found is not None and found != except_id:
        raise Conflict(
            f"a {what.replace('_', ' ')} named {name!r} exists", code=f"{what}.duplicate"
        )


def update_type(
    session: Session,
    *,
    actor: Actor,
    type_id: str,
    now: dt.datetime,
    changes: dict[str, Any],
) -> AppointmentTypeView:
    """Change name, duration, buffers, audience, online or active (booked visits keep their
    times; a deactivated type is no longer offered)."""
    row = session.get(AppointmentTypeRow, type_id)
    if row is None:
        raise NotFound("no such appointment type", code="appointment_type.not_found")
    require_setup(session, actor, row.clinic_id)
    allowed = {
        "name",
        "duration_min",
        "buffer_before_min",
        "buffer_after_min",
        "audience",
        "online",
        "active",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise _problem("appointment_type.invalid", sorted(unknown)[0], "cannot be changed")
    merged: dict[str, Any] = dict(changes)
    problems = _type_problems(
        name=str(merged.get("name", row.name)),
        visit_kind=row.visit_kind,
        duration_min=int(merged.get("duration_min", row.duration_min)),
        before=int(merged.get("buffer_before_min", row.buffer_before_min)),
        after=int(merged.get("buffer_after_min", row.buffer_after_min)),
        audience=str(merged.get("audience", row.audience)),
    )
    if problems:
        raise InvalidInput(
            "invalid appointment type", code="appointment_type.invalid", problems=problems
        )
    if "name" in changes:
        changes = {**changes, "name": str(changes["name"]).strip()}
        _unique_name(
            session,
            AppointmentTypeRow,
            row.clinic_id,
            changes["name"],
            "appointment_type",
            except_id=row.id,
        )
    for key, value in changes.items():
        setattr(row, key, value)
    audit(
        session,
        actor=actor,
        runner_id=None,
        action="update",
        resource="appointment_type",
        now=now,
        detail={"clinic_id": row.clinic_id, "id": row.id, "changes": dict(changes)},
    )
    session.commit()
    return type_view(row)


def list_types(
    session: Session, *, clinic_id: str, include_inactive: bool = False, online_only: bool = False
) -> list[AppointmentTypeView]:
    """The clinic's appointment types by name."""
    clinic = clinic_row(session, clinic_id)
    query = select(AppointmentTypeRow).where(AppointmentTypeRow.clinic_id == clinic.id)
    if not include_inactive:
        query = query.where(AppointmentTypeRow.active.is_(True))
    if online_only:
        query = query.where(AppointmentTypeRow.online.is_(True))
    return [type_view(r) for r in session.scalars(query.order_by(AppointmentTypeRow.name))]


def room_view(row: RoomRow) -> RoomView:
    """A room row as a view."""
    return RoomView(row.id, row.clinic_id, row.name, tuple(row.visit_kinds or ()), row.active)


def _kinds(values: Sequence[str], path: str = "visit_kinds") -> list[str]:
    bad = [v for v in values if v not in KINDS]
    if bad:
        raise _problem(
            "booking.invalid_visit_kind",
            path,
            f"unknown kind {bad[0]!r}; one of {', '.join(KINDS)}",
        )
    return sorted(set(values))


def create_room(
    session: Session,
    *,
    actor: Actor,
    clinic_id: str,
    name: str,
    now: dt.datetime,
    visit_kinds: Sequence[str] = (),
) -> RoomView:
    """A new room hosting ``visit_kinds`` (empty: every kind)."""
    clinic = clinic_row(session, clinic_id)
    require_setup(session, actor, clinic.id)
    if not 1 <= len(name.strip()) <= 120:
        raise _problem("room.invalid", "name", "1-120 characters")
    kinds = _kinds(visit_kinds)
    _unique_name(session, RoomRow, clinic.id, name.strip(), "room")
    row = RoomRow(
        id=new_id(),
        clinic_id=clinic.id,
        name=name.strip(),
        visit_kinds=kinds,
        active=True,
        created_at=now,
    )
    session.add(row)
    audit(
        session,
        actor=actor,
        runner_id=None,
        action="create",
        resource="clinic_room",
        now=now,
        detail={"clinic_id": clinic.id, "id": row.id, "name": row.name},
    )
    session.commit()
    return room_view(row)


def update_room(
    session: Session,
    *,
    actor: Actor,
    room_id: str,
    now: dt.datetime,
    name: str | None = None,
    visit_kinds: Sequence[str] | None = None,
    active: bool | None = None,
) -> RoomView:
    """Rename a room, change what it hosts, or close it (``active=False``)."""
    row = session.get(RoomRow, room_id)
    if row is None:
        raise NotFound("no such room", code="room.not_found")
    require_setup(session, actor, row.clinic_id)
    if name is not None:
        if not 1 <= len(name.strip()) <= 120:
            raise _problem("room.invalid", "name", "1-120 characters")
        _unique_name(session, RoomRow, row.clinic_id, name.strip(), "room", except_id=row.id)
        row.name = name.strip()
    if visit_kinds is not None:
        row.visit_kinds = _kinds(visit_kinds)
    if active is not None:
        row.active = active
    audit(
        session,
        actor=actor,
        runner_id=None,
        action="update",
        resource="clinic_room",
        now=now,
        detail={"clinic_id": row.clinic_id, "id": row.id},
    )
    session.commit()
    return room_view(row)


def list_rooms(session: Session, *, clinic_id: str) -> list[RoomView]:
    """The clinic's rooms by name."""
    clinic = clinic_row(session, clinic_id)
    return [
        room_view(r)
        for r in session.scalars(
            select(RoomRow).where(RoomRow.clinic_id == clinic.id).order_by(RoomRow.name)
        )
    ]


def _hhmm(value: str, path: str) -> int:
    m = _HHMM.match(value.strip())
    if not m or (m.group(1) == "24" and m.group(2) != "00"):
        raise _problem("booking.invalid_hours", path, "a local time HH:MM (00:00-24:00)")
    return int(m.group(1)) * 60 + int(m.group(2))


def _fmt(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def hours_view(row: HoursRow) -> HoursView:
    """An hours row as a view."""
    return HoursView(
        row.id,
        row.clinic_id,
        row.clinician_account_id,
        row.weekday,
        row.on_date,
        _fmt(row.start_min),
        _fmt(row.end_min),
        row.room_id,
        tuple(row.visit_kinds or ()),
    )


def _refuse_overlap(
    session: Session,
    *,
    clinic_id: str,
    clinician_id: str,
    weekday: int | None,
    on_date: dt.date | None,
    span: tuple[int, int],
    room_id: str | None,
    kinds: list[str],
) -> None:
    """``hours.overlap`` when the clinician already has a window on that weekday (or date)
    crossing ``span`` for the same room and visit kinds: it would add nothing and its removal
    would not close the time. Windows for another room or other kinds may overlap (the
    clinician is available for either)."""
    query = select(HoursRow).where(
        HoursRow.clinic_id == clinic_id,
        HoursRow.clinician_account_id == clinician_id,
        HoursRow.start_min < span[1],
        HoursRow.end_min > span[0],
    )
    query = query.where(
        HoursRow.weekday == weekday if weekday is not None else HoursRow.on_date == on_date
    )
    for other in session.scalars(query):
        if other.room_id == room_id and sorted(other.visit_kinds or ()) == kinds:
            raise Conflict(
                f"overlaps the hours {_fmt(other.start_min)}-{_fmt(other.end_min)} already "
                "set for that day",
                code="hours.overlap",
                problems=[{"path": "start", "msg": "overlaps hours already set for that day"}],
            )


def add_hours(
    session: Session,
    *,
    actor: Actor,
    clinic_id: str,
    clinician_id: str,
    start: str,
    end: str,
    now: dt.datetime,
    weekday: int | None = None,
    on_date: dt.date | None = None,
    room_id: str | None = None,
    visit_kinds: Sequence[str] = (),
) -> HoursView:
    """A weekly window (``weekday`` 0 = Monday) or a one-date exception (``on_date``: replaces
    that date's weekly hours) for a clinician, in the clinic's local time; never one
    overlapping a window of the same room and kinds (``hours.overlap``)."""
    clinic = clinic_row(session, clinic_id)
    require_setup(session, actor, clinic.id)
    start_min, end_min = _hhmm(start, "start"), _hhmm(end, "end")
    if end_min <= start_min:
        raise _problem("booking.end_before_start", "end", "must be after start")
    if (weekday is None) == (on_date is None):
        raise _problem("booking.invalid_hours", "weekday", "give a weekday or a date, not both")
    if weekday is not None and not 0 <= weekday <= 6:
        raise _problem("booking.invalid_hours", "weekday", "0 (Monday) to 6 (Sunday)")
    if clinician_id not in {c.id for c in clinicians_of(session, clinic.id)}:
        raise NotFound("no such clinician at this clinic", code="clinician.not_found")
    if room_id is not None:
        room = session.get(RoomRow, room_id)
        if room is None or room.clinic_id != clinic.id:
            raise NotFound("no such room at this clinic", code="room.not_found")
    kinds = _kinds(visit_kinds)
    _refuse_overlap(
        session,
        clinic_id=clinic.id,
        clinician_id=clinician_id,
        weekday=weekday,
        on_date=on_date,
        span=(start_min, end_min),
        room_id=room_id,
        kinds=kinds,
    )
    row = HoursRow(
        id=new_id(),
        clinic_id=clinic.id,
        clinician_account_id=clinician_id,
        weekday=weekday,
        on_date=on_date,
        start_min=start_min,
        end_min=end_min,
        room_id=room_id,
        visit_kinds=kinds,
        created_at=now,
    )
    session.add(row)
    audit(
        session,
        actor=actor,
        runner_id=None,
        action="create",
        resource="clinic_hours",
        now=now,
        detail={"clinic_id": clinic.id, "id": row.id, "clinician_id": clinician_id},
    )
    session.commit()
    return hours_view(row)


def delete_hours(session: Session, *, actor: Actor, hours_id: str, now: dt.datetime) -> None:
    """Remove a window (booked visits stay)."""
    row = session.get(HoursRow, hours_id)
    if row is None:
        raise NotFound("no such hours", code="hours.not_found")
    require_setup(session, actor, row.clinic_id)
    session.execute(delete(HoursRow).where(HoursRow.id == hours_id))
    audit(
        session,
        actor=actor,
        runner_id=None,
        action="delete",
        resource="clinic_hours",
        now=now,
        detail={"clinic_id": row.clinic_id, "id": hours_id},
    )
    session.commit()


def list_hours(session: Session, *, clinic_id: str) -> list[HoursView]:
    """The clinic's hours, weekly first (by weekday, start), then dated exceptions."""
    clinic = clinic_row(session, clinic_id)
    rows = session.scalars(select(HoursRow).where(HoursRow.clinic_id == clinic.id)).all()
    rows = sorted(
        rows,
        key=lambda r: (
            r.weekday is None,
            r.weekday or 0,
            r.on_date or dt.date.min,
            r.start_min,
            r.id,
        ),
    )
    return [hours_view(r) for r in rows]


def require_range(start_at: dt.datetime, end_at: dt.datetime) -> None:
    """Both aware, end after start (``booking.naive_datetime``, ``booking.end_before_start``)."""
    for path, value in (("start_at", start_at), ("end_at", end_at)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise _problem("booking.naive_datetime", path, "a time with a UTC offset (Z or +01:00)")
    if end_at <= start_at:
        raise _problem("booking.end_before_start", "end_at", "must be after start_at")


def time_off_view(row: TimeOffRow, conflicts: Sequence[str] = ()) -> TimeOffView:
    """A time-off row as a view."""
    return TimeOffView(
        row.id,
        row.clinic_id,
        row.clinician_account_id,
        row.room_id,
        row.start_at,
        row.end_at,
        row.reason,
        tuple(conflicts),
    )


def add_time_off(
    session: Session,
    *,
    actor: Actor,
    clinic_id: str,
    start_at: dt.datetime,
    end_at: dt.datetime,
    now: dt.datetime,
    clinician_id: str | None = None,
    room_id: str | None = None,
    reason: str = "",
) -> TimeOffView:
    """Time off for a clinician, a room or (neither) the clinic; lists booked visits inside it."""
    clinic = clinic_row(session, clinic_id)
    require_setup(session, actor, clinic.id)
    require_range(start_at, end_at)
    if end_at - start_at > dt.timedelta(days=366):
        raise _problem("booking.invalid_time_off", "end_at", "at most a year")
    if len(reason) > 500:
        raise _problem("booking.invalid_time_off", "reason", "at most 500 characters")
    if clinician_id is not None and clinician_id not in {
        c.id for c in clinicians_of(session, clinic.id)
    }:
        raise NotFound("no such clinician at this clinic", code="clinician.not_found")
    if room_id is not None:
        room = session.get(RoomRow, room_id)
        if room is None or room.clinic_id != clinic.id:
            raise NotFound("no such room at this clinic", code="room.not_found")
    row = TimeOffRow(
        id=new_id(),
        clinic_id=clinic.id,
        clinician_account_id=clinician_id,
        room_id=room_id,
        start_at=start_at,
        end_at=end_at,
        reason=reason.strip(),
        created_by=None if actor is None else actor.account_id,
        created_at=now,
    )
    session.add(row)
    query = select(Appointment.id).where(
        Appointment.clinic_id == clinic.id,
        Appointment.status == "booked",
        Appointment.blocked_start_at < end_at,
        Appointment.blocked_end_at > start_at,
    )
    if clinician_id is not None:
        query = query.where(Appointment.clinician_account_id == clinician_id)
    if room_id is not None:
        query = query.where(Appointment.room_id == room_id)
    conflicts = list(session.scalars(query.order_by(Appointment.start_at)))
    audit(
        session,
        actor=actor,
        runner_id=None,
        action="create",
        resource="clinic_time_off",
        now=now,
        detail={"clinic_id": clinic.id, "id": row.id, "conflicts": conflicts},
    )
    session.commit()
    return time_off_view(row, conflicts)


def delete_time_off(session: Session, *, actor: Actor, time_off_id: str, now: dt.datetime) -> None:
    """Remove time off."""
    row = session.get(TimeOffRow, time_off_id)
    if row is None:
        raise NotFound("no such time off", code="time_off.not_found")
    require_setup(session, actor, row.clinic_id)
    session.execute(delete(TimeOffRow).where(TimeOffRow.id == time_off_id))
    audit(
        session,
        actor=actor,
        runner_id=None,
        action="delete",
        resource="clinic_time_off",
        now=now,
        detail={"clinic_id": row.clinic_id, "id": time_off_id},
    )
    session.commit()


def list_time_off(
    session: Session, *, clinic_id: str, from_at: dt.datetime | None = None
) -> list[TimeOffView]:
    """The clinic's time off (ending after ``from_at`` when given), by start."""
    clinic = clinic_row(session, clinic_id)
    query = select(TimeOffRow).where(TimeOffRow.clinic_id == clinic.id)
    if from_at is not None:
        query = query.where(TimeOffRow.end_at > from_at)
    return [time_off_view(r) for r in session.scalars(query.order_by(TimeOffRow.start_at))]


__all__ = [
    "KINDS",
    "SLOT_STEPS",
    "add_hours",
    "add_time_off",
    "create_room",
    "create_type",
    "delete_hours",
    "delete_time_off",
    "get_policy",
    "list_hours",
    "list_rooms",
    "list_time_off",
    "list_types",
    "require_range",
    "room_view",
    "set_policy",
    "type_view",
    "update_room",
    "update_type",
]
