"""The plan and the clinic: clinic-visit days become suggested slots; booked appointments show
in the plan and in its calendar (ICS)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.clinic import ClinicRules, Eligibility, Window, free_slots
from backstride.clinic.eligibility import ASSESSMENT_KINDS
from backstride.clinic.slots import window_days
from backstride.errors import NotFound
from backstride.reports.ics import appointment_event, appointment_to_ics, plan_calendar_with
from backstride.services.booking.access import clinic_row
from backstride.services.booking.appointments import get_appointment, list_my_appointments
from backstride.services.booking.load import load_bookings, load_rules
from backstride.services.booking.slots import runner_eligibility, slot_views
from backstride.services.booking.views import AppointmentView, SlotView, SuggestedVisit
from backstride.services.plans import current_plan
from backstride.services.policy import Principal, own_runner_id
from backstride.store.models import Runner


def _handle(session: Session, runner_id: str) -> str:
    handle = session.scalar(select(Runner.handle).where(Runner.id == runner_id))
    if handle is None:
        raise NotFound("no runner profile", code="runner.not_found")
    return handle


def _suggest_type(rules: ClinicRules, found: Eligibility) -> str | None:
    """A review for a returning runner, an assessment for a new one, else the first allowed."""
    allowed = [t for t in rules.types if t.id in found.type_ids]
    if not allowed:
        return None
    wanted = ("re_assessment", "exercise_review") if found.returning else ("initial_assessment",)
    for kind in wanted:
        for t in sorted(allowed, key=lambda t: (t.name, t.id)):
            if t.visit_kind.value == kind:
                return t.id
    assessments = [t for t in allowed if t.visit_kind in ASSESSMENT_KINDS]
    return (assessments or allowed)[0].id


def suggested_visits(
    session: Session, *, principal: Principal, clinic_id: str, now: dt.datetime, per_day: int = 3
) -> tuple[SuggestedVisit, ...]:
    """Each coming clinic-visit day of my plan with the first free slots that day (or the
    appointment I already booked that day at this clinic)."""
    runner_id = own_runner_id(principal)
    clinic = clinic_row(session, clinic_id)
    plan = current_plan(session, runner_handle=_handle(session, runner_id)).plan
    rules = load_rules(session, clinic.id, start_at=now, end_at=now + dt.timedelta(days=400))
    found = runner_eligibility(session, rules, runner_id=runner_id, clinic_id=clinic.id, now=now)
    type_id = _suggest_type(rules, found)
    mine = [
        a
        for a in list_my_appointments(session, principal=principal, now=now, upcoming_only=True)
        if a.clinic_id == clinic.id and a.status == "booked"
    ]
    out = []
    for s in plan.sessions():
        if s.kind != "clinic_visit" or s.date < now.date():
            continue
        booked = next((a for a in mine if a.local_start[:10] == s.date.isoformat()), None)
        slots: tuple[SlotView, ...] = ()
        if booked is None and type_id is not None and found.refusal is None:
            t = rules.type_by_id(type_id)
            assert t is not None
            window = window_days(s.date, 1, rules.policy.timezone)
            if found.book_by is not None and found.book_by < window.end_at:
                window = Window(window.start_at, max(window.start_at, found.book_by))
            bookings = load_bookings(
                session, rules, runner_id=runner_id, start_at=window.start_at, end_at=window.end_at
            )
            slots = slot_views(
                rules,
                free_slots(rules, bookings, t, window, now=now, runner_id=runner_id, limit=per_day),
            )
        out.append(SuggestedVisit(s.key, s.date, s.title, type_id, slots, booked))
    session.commit()
    return tuple(out)


def plan_appointments(
    session: Session, *, principal: Principal, now: dt.datetime
) -> list[AppointmentView]:
    """My coming booked appointments (shown with the plan)."""
    return [
        a
        for a in list_my_appointments(session, principal=principal, now=now, upcoming_only=True)
        if a.status == "booked"
    ]


def plan_calendar(session: Session, *, principal: Principal, now: dt.datetime) -> bytes:
    """My plan's calendar with my appointments (cancelled ones as CANCELLED, so calendar apps
    that imported them remove them)."""
    runner_id = own_runner_id(principal)
    plan = current_plan(session, runner_handle=_handle(session, runner_id)).plan
    events = tuple(
        appointment_event(
            appointment_id=a.id,
            start_at=a.start_at,
            end_at=a.end_at,
            clinic_name=a.clinic_name,
            sequence=a.version,
            stamp=now,
            cancelled=a.status == "cancelled",
        )
        for a in list_my_appointments(session, principal=principal, now=now)
        if a.status in ("booked", "cancelled")
    )
    return plan_calendar_with(plan, generated_at=now, appointments=events)


def appointment_calendar(
    session: Session, *, principal: Principal, appointment_id: str, now: dt.datetime
) -> bytes:
    """One of my appointments as a calendar file (the confirmation's "add to calendar")."""
    a = get_appointment(session, principal=principal, appointment_id=appointment_id, now=now)
    return appointment_to_ics(
        appointment_id=a.id,
        start_at=a.start_at,
        end_at=a.end_at,
        clinic_name=a.clinic_name,
        sequence=a.version,
        stamp=now,
        cancelled=a.status == "cancelled",
    )


__all__ = ["appointment_calendar", "plan_appointments", "plan_calendar", "suggested_visits"]
