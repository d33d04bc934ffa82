"""Free slots and booking options: what a runner (or the front desk) can book, and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import String, bindparam, exists, select
from sqlalchemy.orm import Session

from backstride.clinic import ClinicRules, Eligibility, Slot, Window, eligibility, free_slots
from backstride.clinic.eligibility import require_type
from backstride.clinic.timegrid import zone
from backstride.errors import InvalidInput, NotFound
from backstride.services.booking.access import (
    Actor,
    clinic_row,
    has_consent,
    require_staff,
)
from backstride.services.booking.load import clinicians_of, load_bookings, load_rules
from backstride.services.booking.setup import require_range, type_view
from backstride.services.booking.views import (
    BookingOptions,
    ClinicianOption,
    FreeSlots,
    SlotView,
)
from backstride.services.policy import Principal, own_runner_id
from backstride.store.clinic_models import Appointment, AppointmentTypeRow
from backstride.store.models import Assessment, Runner

MAX_WINDOW = dt.timedelta(days=31)


def runner_eligibility(
    session: Session, rules: ClinicRules, *, runner_id: str, clinic_id: str, now: dt.datetime
) -> Eligibility:
    """The pure eligibility from the runner's latest (reviewed) disposition and whether they
    attended a visit at this clinic before."""
    found = session.execute(_ELIGIBILITY, {"runner_id": runner_id, "clinic_id": clinic_id}).one()
    return eligibility(rules, disposition=found[0], returning=bool(found[1]), now=now)


# The triage inputs, as columns of a statement with the bound parameters ``runner_id`` and
# ``clinic_id``: the runner's latest disposition, and whether they attended a visit at this
# clinic before (a booking reads them with the rest of what it needs in one statement).
LATEST_DISPOSITION = (
    select(Assessment.disposition)
    .where(Assessment.runner_id == bindparam("runner_id", type_=String()))
    .order_by(Assessment.created_at.desc())
    .limit(1)
    .scalar_subquery()
)
ATTENDED_HERE = (
    exists()
    .where(
        Appointment.runner_id == bindparam("runner_id", type_=String()),
        Appointment.clinic_id == bindparam("clinic_id", type_=String()),
        Appointment.status == "attended",
    )
    .correlate(None)
)
_ELIGIBILITY = select(LATEST_DISPOSITION, ATTENDED_HERE)


def slot_views(rules: ClinicRules, slots: tuple[Slot, ...]) -> tuple[SlotView, ...]:
    """Slots with the clinician's and room's names and the local start."""
    tz = zone(rules.policy.timezone)
    names = {c.id: c.name for c in rules.clinicians}
    rooms = {r.id: r.name for r in rules.rooms}
    return tuple(
        SlotView(
            start_at=s.start_at,
            end_at=s.end_at,
            local_start=s.start_at.astimezone(tz).isoformat(),
            clinician_id=s.clinician_id,
            clinician_name=names.get(s.clinician_id, ""),
            room_id=s.room_id,
            room_name=None if s.room_id is None else rooms.get(s.room_id),
        )
        for s in slots
    )


def _window(from_at: dt.datetime | None, to_at: dt.datetime | None, now: dt.datetime) -> Window:
    start = from_at or now
    end = to_at or start + dt.timedelta(days=14)
    require_range(start, end)
    if end - start > MAX_WINDOW:
        raise InvalidInput(
            "ask for at most 31 days of slots at once",
            code="booking.window_too_long",
            problems=[{"path": "to", "msg": "at most 31 days after from"}],
        )
    return Window(start.astimezone(dt.UTC), end.astimezone(dt.UTC))


def list_free_slots(
    session: Session,
    *,
    principal: Actor,
    clinic_id: str,
    appointment_type_id: str,
    now: dt.datetime,
    from_at: dt.datetime | None = None,
    to_at: dt.datetime | None = None,
    clinician_id: str | None = None,
    runner_id: str | None = None,
    limit: int | None = None,
) -> FreeSlots:
    """Free starts for a type, by start then clinician (default: the next 14 days).

    A runner gets the slots triage allows them (``booking.refused_*`` with the action to take
    when it allows none, ``booking.type_not_allowed`` for another type), at least the minimum
    notice ahead, within the horizon and the triage deadline, and none that overlaps one of
    their own visits. The clinic's staff (``runner_id`` optional) see every free start from
    now on, whatever the type's audience or online flag.
    """
    clinic = clinic_row(session, clinic_id)
    window = _window(from_at, to_at, now)
    staff = principal is None or principal.role != "runner"
    if staff:
        require_staff(session, principal, clinic.id)
    else:
        assert isinstance(principal, Principal)
        runner_id = own_runner_id(principal)
    rules = load_rules(session, clinic.id, start_at=window.start_at, end_at=window.end_at)
    t = rules.type_by_id(appointment_type_id)
    if t is None or not t.active:
        raise NotFound("no such appointment type at this clinic", code="appointment_type.not_found")
    if clinician_id is not None and rules.clinician_by_id(clinician_id) is None:
        raise NotFound("no such clinician at this clinic", code="clinician.not_found")
    book_by = None
    if not staff:
        assert runner_id is not None
        found = runner_eligibility(
            session, rules, runner_id=runner_id, clinic_id=clinic.id, now=now
        )
        require_type(found, t)
        book_by = found.book_by
        if book_by is not None and book_by < window.end_at:
            window = Window(
                window.start_at, max(window.start_at, book_by + dt.timedelta(seconds=1))
            )
    bookings = load_bookings(
        session, rules, runner_id=runner_id, start_at=window.start_at, end_at=window.end_at
    )
    slots = free_slots(
        rules,
        bookings,
        t,
        window,
        now=now,
        clinician_id=clinician_id,
        runner_id=runner_id,
        staff=staff,
        limit=limit,
    )
    session.commit()
    return FreeSlots(
        clinic.id,
        t.id,
        rules.policy.timezone,
        window.start_at,
        window.end_at,
        book_by,
        slot_views(rules, slots),
    )


def next_free(
    session: Session,
    *,
    clinic_id: str,
    appointment_type_id: str,
    after: dt.datetime,
    now: dt.datetime,
    runner_id: str | None,
    clinician_id: str | None,
    staff: bool,
    ignore_booking_id: str | None = None,
    count: int = 5,
) -> tuple[Slot, ...]:
    """The next ``count`` free slots from ``after`` (a fresh read; for ``booking.slot_taken``)."""
    start = max(after, now)
    end = start + dt.timedelta(days=14)
    rules = load_rules(session, clinic_id, start_at=start, end_at=end)
    t = rules.type_by_id(appointment_type_id)
    if t is None:
        return ()
    t = replace(t, active=True)
    if not staff and runner_id is not None:
        found = runner_eligibility(
            session, rules, runner_id=runner_id, clinic_id=clinic_id, now=now
        )
        if found.book_by is not None:
            end = min(end, found.book_by + dt.timedelta(seconds=1))
    if end <= start:
        return ()
    bookings = load_bookings(session, rules, runner_id=runner_id, start_at=start, end_at=end)
    slots = free_slots(
        rules,
        bookings,
        t,
        Window(start, end),
        now=now,
        clinician_id=clinician_id,
        runner_id=runner_id,
        ignore_booking_id=ignore_booking_id,
        staff=staff,
        limit=count,
    )
    if not slots and clinician_id is not None:  # that clinician is full: anyone else
        slots = free_slots(
            rules,
            bookings,
            t,
            Window(start, end),
            now=now,
            runner_id=runner_id,
            ignore_booking_id=ignore_booking_id,
            staff=staff,
            limit=count,
        )
    session.rollback()
    return slots


def booking_options(
    session: Session, *, principal: Principal, clinic_id: str, now: dt.datetime
) -> BookingOptions:
    """What I may book at this clinic now: the types triage allows, the clinicians, the
    deadline, or why not and what to do instead (page 1 of booking)."""
    runner_id = own_runner_id(principal)
    clinic = clinic_row(session, clinic_id)
    rules = load_rules(session, clinic.id, start_at=now, end_at=now)
    found = runner_eligibility(session, rules, runner_id=runner_id, clinic_id=clinic.id, now=now)
    rows = {
        r.id: r
        for r in session.scalars(
            select(AppointmentTypeRow).where(AppointmentTypeRow.id.in_(found.type_ids))
        )
    }
    session.commit()
    return BookingOptions(
        clinic_id=clinic.id,
        clinic_name=clinic.name,
        timezone=rules.policy.timezone,
        disposition=found.disposition,
        types=tuple(type_view(rows[i]) for i in found.type_ids if i in rows),
        clinicians=tuple(ClinicianOption(c.id, c.name) for c in rules.clinicians),
        book_by=found.book_by,
        refusal_code=None if found.refusal is None else found.refusal.code,
        action=None if found.refusal is None else found.refusal.action,
        note=found.note,
        returning=found.returning,
        consent_active=has_consent(session, runner_id=runner_id, clinic_id=clinic.id),
        cancel_window_min=rules.policy.cancel_window_min,
    )


def list_booking_clinicians(session: Session, *, clinic_id: str) -> tuple[ClinicianOption, ...]:
    """The clinicians who take appointments at the clinic, by name."""
    clinic = clinic_row(session, clinic_id)
    return tuple(ClinicianOption(c.id, c.name) for c in clinicians_of(session, clinic.id))


def runner_exists(session: Session, runner_id: str) -> Runner:
    """The runner, or ``runner.not_found``."""
    runner = session.get(Runner, runner_id)
    if runner is None:
        raise NotFound("no such runner", code="runner.not_found")
    return runner


__all__ = [
    "ATTENDED_HERE",
    "LATEST_DISPOSITION",
    "MAX_WINDOW",
    "booking_options",
    "list_booking_clinicians",
    "list_free_slots",
    "next_free",
    "runner_eligibility",
    "runner_exists",
    "slot_views",
]
