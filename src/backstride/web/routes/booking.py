"""The runner's booking pages: choose a visit type, a free time (by week, in the clinic's
time zone), confirm; my appointments with move, cancel and the calendar file.

Everything is decided by ``services.booking`` (what triage allows, which times are free, the
policy window, the database's no-overlap guarantee); the pages only show it. Each booking form
carries an idempotency key made when the page was drawn, so a double click or a re-submitted
form books once (decision 0054); times are shown on the clinic's clock and say so (0055).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from backstride.api.bodies import BookIn, CancelIn, RescheduleIn
from backstride.api.deps import DbSession, Now, limiter
from backstride.clinic.errors import BookingRefused, SlotTaken
from backstride.errors import BackstrideError
from backstride.services import booking, consent
from backstride.services.booking import AppointmentView, BookingOptions, plan_link
from backstride.web import booking_view as bv
from backstride.web.forms import FormState, add_error, raw_values, validate
from backstride.web.nav import NavItem, register
from backstride.web.session import PostedForm, RunnerDep, Visitor
from backstride.web.templating import redirect, render

router = APIRouter()

register(
    NavItem(
        "appointments",
        "Visits",
        "/appointments",
        description="Book a visit at your clinic; move or cancel it; calendar files.",
    )
)

ICS_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def _clinic_ids(session: DbSession, visitor: Visitor) -> list[tuple[str, str]]:
    """The clinics I share my record with, ``(id, name)``."""
    assert visitor.principal is not None
    return [
        (c.clinic_id, c.clinic_name)
        for c in consent.list_consents(session, principal=visitor.principal)
        if c.revoked_at is None
    ]


def _base(visitor: Visitor, options: BookingOptions | None = None) -> dict[str, Any]:
    return {"bv": bv, "options": options}


def visits_context(
    session: DbSession, visitor: Visitor, *, now: dt.datetime, suggest: bool
) -> dict[str, Any]:
    """My coming appointments (home, plan) and, with ``suggest``, the plan's clinic-visit
    days at my clinic with their first free times (``plan_link.suggested_visits``)."""
    assert visitor.principal is not None
    appointments = plan_link.plan_appointments(session, principal=visitor.principal, now=now)
    suggested: tuple[booking.SuggestedVisit, ...] = ()
    clinic: tuple[str, str] | None = None
    clinics = _clinic_ids(session, visitor)
    if clinics:
        clinic = clinics[0]
    zone = ""
    if suggest and clinic is not None:
        try:
            zone = bv.zone_label(booking.get_policy(session, clinic_id=clinic[0]).timezone)
            suggested = plan_link.suggested_visits(
                session, principal=visitor.principal, clinic_id=clinic[0], now=now
            )
        except BackstrideError:
            session.rollback()
    session.rollback()
    return {
        "bv": bv,
        "appointments": appointments,
        "suggested": suggested,
        "visits_by_date": {v.on_date: v for v in suggested},
        "visit_clinic": clinic,
        "visit_zone": zone,
    }


@router.get("/book")
def book_start(request: Request, visitor: RunnerDep, session: DbSession, now: Now) -> Response:
    """Where to book: straight to my clinic's visit types when I share with one clinic (that
    page says what to do instead when triage closes online booking)."""
    assert visitor.principal is not None
    clinics = _clinic_ids(session, visitor)
    session.rollback()
    if len(clinics) == 1:
        return redirect(f"/book/{clinics[0][0]}")
    options = None
    if clinics:
        options = booking.booking_options(
            session, principal=visitor.principal, clinic_id=clinics[0][0], now=now
        )
    return render(
        request,
        "book_start.html",
        {**_base(visitor, options), "clinics": clinics},
        visitor=visitor,
        title="Book a visit",
        current="appointments",
    )


@router.get("/book/{clinic_id}")
def book_types(
    clinic_id: str, request: Request, visitor: RunnerDep, session: DbSession, now: Now
) -> Response:
    """Step 1: what I may book here (triage decides), or what to do instead."""
    assert visitor.principal is not None
    options = booking.booking_options(
        session, principal=visitor.principal, clinic_id=clinic_id, now=now
    )
    return render(
        request,
        "book_types.html",
        _base(visitor, options),
        visitor=visitor,
        title="Book a visit",
        current="appointments",
    )


def _limit(session: DbSession, options: BookingOptions, now: dt.datetime) -> dt.datetime:
    """The last instant a runner may book (the triage deadline or the clinic's horizon)."""
    policy = booking.get_policy(session, clinic_id=options.clinic_id)
    horizon = now + dt.timedelta(days=policy.horizon_days)
    return min(horizon, options.book_by) if options.book_by is not None else horizon


def _type_of(options: BookingOptions, type_id: str) -> booking.AppointmentTypeView | None:
    return next((t for t in options.types if t.id == type_id), None)


def _slots_context(
    session: DbSession,
    visitor: Visitor,
    *,
    options: BookingOptions,
    type_id: str,
    week_no: int,
    clinician_id: str | None,
    now: dt.datetime,
) -> dict[str, Any]:
    assert visitor.principal is not None
    week = bv.week(week_no, now=now, timezone=options.timezone)
    limit = _limit(session, options, now)
    found = booking.list_free_slots(
        session,
        principal=visitor.principal,
        clinic_id=options.clinic_id,
        appointment_type_id=type_id,
        now=now,
        from_at=week.from_at,
        to_at=max(week.to_at, week.from_at + dt.timedelta(minutes=1)),
        clinician_id=clinician_id,
    )
    return {
        **_base(visitor, options),
        "type": _type_of(options, type_id),
        "week": week,
        "days": bv.by_day(found.slots, options.timezone),
        "has_next": week.to_at < limit,
        "clinician_id": clinician_id or "",
        "taken": False,
    }


@router.get("/book/{clinic_id}/{type_id}")
def book_slots(
    clinic_id: str,
    type_id: str,
    request: Request,
    visitor: RunnerDep,
    session: DbSession,
    now: Now,
) -> Response:
    """Step 2: free times of one week, grouped by day on the clinic's clock."""
    assert visitor.principal is not None
    options = booking.booking_options(
        session, principal=visitor.principal, clinic_id=clinic_id, now=now
    )
    if options.action or not options.consent_active or _type_of(options, type_id) is None:
        return redirect(f"/book/{options.clinic_id}")
    clinician = request.query_params.get("clinician") or None
    if clinician is not None and all(c.id != clinician for c in options.clinicians):
        clinician = None
    try:
        context = _slots_context(
            session,
            visitor,
            options=options,
            type_id=type_id,
            week_no=bv.week_index(request.query_params.get("week")),
            clinician_id=clinician,
            now=now,
        )
    except BookingRefused:
        return redirect(f"/book/{options.clinic_id}")
    return render(
        request,
        "book_slots.html",
        {**context, "mode": "book", "appointment": None},
        visitor=visitor,
        title="Choose a time",
        current="appointments",
    )


def _parse_start(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        start = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return start if start.tzinfo is not None else None


def _clinician_name(options: BookingOptions, clinician_id: str | None) -> str | None:
    return next((c.name for c in options.clinicians if c.id == clinician_id), None)


@router.get("/book/{clinic_id}/{type_id}/confirm")
def book_confirm_page(
    clinic_id: str,
    type_id: str,
    request: Request,
    visitor: RunnerDep,
    session: DbSession,
    now: Now,
) -> Response:
    """Step 3: the visit as it will be booked, and the button that books it."""
    assert visitor.principal is not None
    options = booking.booking_options(
        session, principal=visitor.principal, clinic_id=clinic_id, now=now
    )
    t = _type_of(options, type_id)
    start = _parse_start(request.query_params.get("start"))
    if options.action or not options.consent_active or t is None or start is None:
        return redirect(f"/book/{options.clinic_id}")
    clinician = request.query_params.get("clinician") or None
    return _confirm(
        request,
        visitor,
        options=options,
        type_id=type_id,
        start=start,
        clinician_id=clinician,
        state=FormState(),
    )


def _confirm(
    request: Request,
    visitor: Visitor,
    *,
    options: BookingOptions,
    type_id: str,
    start: dt.datetime,
    clinician_id: str | None,
    state: FormState,
    status: int = 200,
    key: str | None = None,
) -> Response:
    return render(
        request,
        "book_confirm.html",
        {
            **_base(visitor, options),
            "type": _type_of(options, type_id),
            "start": start,
            "clinician_id": clinician_id or "",
            "clinician_name": _clinician_name(options, clinician_id),
            "key": key or bv.new_key(),
            "state": state,
            "appointment": None,
        },
        visitor=visitor,
        status=status,
        title="Confirm your visit",
        current="appointments",
    )


def _taken_page(
    request: Request,
    visitor: Visitor,
    session: DbSession,
    *,
    options: BookingOptions,
    type_id: str,
    exc: SlotTaken,
    now: dt.datetime,
    appointment: AppointmentView | None = None,
) -> Response:
    """The lost race: "that time was just taken", and the next free times."""
    names = {c.id: c.name for c in options.clinicians}
    slots = bv.taken_slots(exc.next_slots, names)
    return render(
        request,
        "book_slots.html",
        {
            **_base(visitor, options),
            "type": _type_of(options, type_id)
            or next(
                (
                    t
                    for t in booking.list_types(session, clinic_id=options.clinic_id)
                    if t.id == type_id
                ),
                None,
            ),
            "week": bv.week(0, now=now, timezone=options.timezone),
            "days": bv.by_day(slots, options.timezone),
            "has_next": False,
            "clinician_id": "",
            "taken": True,
            "mode": "book" if appointment is None else "move",
            "appointment": appointment,
        },
        visitor=visitor,
        status=409,
        title="That time was just taken",
        current="appointments",
    )


@router.post("/book/{clinic_id}/{type_id}")
def book_post(
    clinic_id: str,
    type_id: str,
    request: Request,
    visitor: RunnerDep,
    form: PostedForm,
    session: DbSession,
    now: Now,
) -> Response:
    """Book it (once per idempotency key), then the confirmation; a lost race shows the next
    free times instead."""
    assert visitor.principal is not None
    values = raw_values(form, ("start_at", "clinician_id", "idempotency_key"))
    options = booking.booking_options(
        session, principal=visitor.principal, clinic_id=clinic_id, now=now
    )
    body, state = validate(
        BookIn,
        values,
        labels={"start_at": "Time", "clinician_id": "Clinician"},
        extra={"clinic_id": options.clinic_id, "appointment_type_id": type_id},
    )
    start = _parse_start(values.get("start_at"))
    key = values.get("idempotency_key") or None
    if body is None or start is None:
        return redirect(f"/book/{options.clinic_id}")
    limiter(request).take(visitor.principal.account_id, now=now)
    try:
        result = booking.book(
            session,
            principal=visitor.principal,
            clinic_id=body.clinic_id,
            appointment_type_id=body.appointment_type_id,
            start_at=body.start_at,
            clinician_id=body.clinician_id,
            now=now,
            idempotency_key=key,
        )
    except SlotTaken as exc:
        session.rollback()
        return _taken_page(
            request, visitor, session, options=options, type_id=type_id, exc=exc, now=now
        )
    except BookingRefused:
        return redirect(f"/book/{options.clinic_id}")
    except BackstrideError as exc:
        session.rollback()
        add_error(state, exc, fields=())
        return _confirm(
            request,
            visitor,
            options=options,
            type_id=type_id,
            start=start,
            clinician_id=body.clinician_id,
            state=state,
            status=exc.status,
        )
    return redirect(f"/appointments/{result.appointment.id}?booked=1")


@router.get("/appointments")
def appointments_page(
    request: Request, visitor: RunnerDep, session: DbSession, now: Now
) -> Response:
    """My coming and past appointments."""
    assert visitor.principal is not None
    mine = booking.list_my_appointments(session, principal=visitor.principal, now=now)
    upcoming = [a for a in mine if a.status == "booked" and a.end_at > now]
    past = [a for a in reversed(mine) if a not in upcoming]
    session.rollback()
    return render(
        request,
        "appointments.html",
        {
            "bv": bv,
            "upcoming": upcoming,
            "past": past,
            "now": now,
            "done": request.query_params.get("done", ""),
        },
        visitor=visitor,
        title="My appointments",
        current="appointments",
    )


def _appointment_page(
    request: Request,
    visitor: Visitor,
    appointment: AppointmentView,
    *,
    now: dt.datetime,
    state: FormState | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "appointment.html",
        {
            "bv": bv,
            "a": appointment,
            "now": now,
            "booked": request.query_params.get("booked") == "1",
            "moved": request.query_params.get("moved") == "1",
            "key": bv.new_key(),
            "state": state or FormState(),
        },
        visitor=visitor,
        status=status,
        title=f"{appointment.type_name}, {bv.when(appointment.start_at, appointment.timezone)}",
        current="appointments",
    )


@router.get("/appointments/{appointment_id}")
def appointment_page(
    appointment_id: str, request: Request, visitor: RunnerDep, session: DbSession, now: Now
) -> Response:
    """One appointment (the confirmation after booking): move, cancel, calendar file."""
    assert visitor.principal is not None
    a = booking.get_appointment(
        session, principal=visitor.principal, appointment_id=appointment_id, now=now
    )
    return _appointment_page(request, visitor, a, now=now)


@router.get("/appointments/{appointment_id}/calendar.ics")
def appointment_ics(
    appointment_id: str, visitor: RunnerDep, session: DbSession, now: Now
) -> Response:
    """The appointment as a calendar file (download)."""
    assert visitor.principal is not None
    data = plan_link.appointment_calendar(
        session, principal=visitor.principal, appointment_id=appointment_id, now=now
    )
    return Response(
        data,
        media_type="text/calendar",
        headers={
            **ICS_HEADERS,
            "Content-Disposition": 'attachment; filename="backstride-appointment.ics"',
        },
    )


def _stale_or_late(
    request: Request,
    visitor: Visitor,
    session: DbSession,
    *,
    appointment_id: str,
    exc: BackstrideError,
    now: dt.datetime,
) -> Response:
    """The appointment as it is now, with what went wrong in plain words."""
    assert visitor.principal is not None
    session.rollback()
    a = booking.get_appointment(
        session, principal=visitor.principal, appointment_id=appointment_id, now=now
    )
    state = FormState()
    if exc.code == "booking.stale_version":
        state.general.append(
            "This appointment changed after you opened that page (in another tab, or the "
            "clinic changed it). Here it is as it is now; choose again if you still want to."
        )
    else:
        add_error(state, exc, fields=())
    return _appointment_page(request, visitor, a, now=now, state=state, status=exc.status)


def _options_for(
    session: DbSession, visitor: Visitor, a: AppointmentView, now: dt.datetime
) -> BookingOptions:
    assert visitor.principal is not None
    return booking.booking_options(
        session, principal=visitor.principal, clinic_id=a.clinic_id, now=now
    )


@router.get("/appointments/{appointment_id}/move")
def move_slots(
    appointment_id: str, request: Request, visitor: RunnerDep, session: DbSession, now: Now
) -> Response:
    """Move: the free times of one week for the same visit type."""
    assert visitor.principal is not None
    a = booking.get_appointment(
        session, principal=visitor.principal, appointment_id=appointment_id, now=now
    )
    if a.status != "booked" or now > a.change_until:
        return redirect(f"/appointments/{a.id}")
    options = _options_for(session, visitor, a, now)
    try:
        context = _slots_context(
            session,
            visitor,
            options=options,
            type_id=a.appointment_type_id,
            week_no=bv.week_index(request.query_params.get("week")),
            clinician_id=None,
            now=now,
        )
    except BackstrideError as exc:
        return _stale_or_late(request, visitor, session, appointment_id=a.id, exc=exc, now=now)
    if context["type"] is None:
        context["type"] = next(
            (
                t
                for t in booking.list_types(session, clinic_id=a.clinic_id)
                if t.id == a.appointment_type_id
            ),
            None,
        )
    return render(
        request,
        "book_slots.html",
        {**context, "mode": "move", "appointment": a},
        visitor=visitor,
        title="Choose a new time",
        current="appointments",
    )


@router.get("/appointments/{appointment_id}/move/confirm")
def move_confirm(
    appointment_id: str, request: Request, visitor: RunnerDep, session: DbSession, now: Now
) -> Response:
    """Move: the new time, and the button that moves it."""
    assert visitor.principal is not None
    a = booking.get_appointment(
        session, principal=visitor.principal, appointment_id=appointment_id, now=now
    )
    start = _parse_start(request.query_params.get("start"))
    if start is None or a.status != "booked":
        return redirect(f"/appointments/{a.id}")
    options = _options_for(session, visitor, a, now)
    return render(
        request,
        "book_confirm.html",
        {
            **_base(visitor, options),
            "type": None,
            "start": start,
            "clinician_id": "",
            "clinician_name": None,
            "key": bv.new_key(),
            "state": FormState(),
            "appointment": a,
        },
        visitor=visitor,
        title="Confirm the new time",
        current="appointments",
    )


@router.post("/appointments/{appointment_id}/move")
def move_post(
    appointment_id: str,
    request: Request,
    visitor: RunnerDep,
    form: PostedForm,
    session: DbSession,
    now: Now,
) -> Response:
    """Move it in place (the version I saw; a stale one is explained, not applied)."""
    assert visitor.principal is not None
    values = raw_values(form, ("version", "start_at", "idempotency_key"))
    body, _state = validate(RescheduleIn, values, labels={"start_at": "Time"})
    if body is None:
        return redirect(f"/appointments/{appointment_id}")
    limiter(request).take(visitor.principal.account_id, now=now)
    try:
        result = booking.reschedule(
            session,
            principal=visitor.principal,
            appointment_id=appointment_id,
            version=body.version,
            start_at=body.start_at,
            now=now,
            idempotency_key=values.get("idempotency_key") or None,
        )
    except SlotTaken as exc:
        session.rollback()
        a = booking.get_appointment(
            session, principal=visitor.principal, appointment_id=appointment_id, now=now
        )
        options = _options_for(session, visitor, a, now)
        return _taken_page(
            request,
            visitor,
            session,
            options=options,
            type_id=a.appointment_type_id,
            exc=exc,
            now=now,
            appointment=a,
        )
    except BackstrideError as exc:
        if exc.code in ("appointment.not_found", "auth.forbidden"):
            raise
        return _stale_or_late(
            request, visitor, session, appointment_id=appointment_id, exc=exc, now=now
        )
    return redirect(f"/appointments/{result.appointment.id}?moved=1")


@router.post("/appointments/{appointment_id}/cancel")
def cancel_post(
    appointment_id: str,
    request: Request,
    visitor: RunnerDep,
    form: PostedForm,
    session: DbSession,
    now: Now,
) -> Response:
    """Cancel it (inside the clinic's window; outside it: why, and to phone the clinic)."""
    assert visitor.principal is not None
    values = raw_values(form, ("version", "idempotency_key"))
    body, _state = validate(CancelIn, values, labels={})
    if body is None:
        return redirect(f"/appointments/{appointment_id}")
    limiter(request).take(visitor.principal.account_id, now=now)
    try:
        booking.cancel(
            session,
            principal=visitor.principal,
            appointment_id=appointment_id,
            version=body.version,
            now=now,
            idempotency_key=values.get("idempotency_key") or None,
        )
    except BackstrideError as exc:
        if exc.code in ("appointment.not_found", "auth.forbidden"):
            raise
        return _stale_or_late(
            request, visitor, session, appointment_id=appointment_id, exc=exc, now=now
        )
    return redirect("/appointments?done=cancelled")


__all__ = ["router"]
