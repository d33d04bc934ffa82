"""The clinic's booking pages (clinicians, the front desk): the day or week schedule, one
appointment with its actions (move, cancel, attended / no-show), and booking on behalf of a
consenting runner, outside the clinician's hours with a reason when needed.

Every check and every audit event is ``services.booking``'s: who is staff of which clinic,
consent, the no-overlap guarantee (an override of the hours never overrides another booking).
Staff must have their second factor: a session still in TOTP enrolment gets no page here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from backstride.api.bodies import AttendanceIn, StaffBookIn, StaffCancelIn, StaffRescheduleIn
from backstride.api.deps import DbSession, Now, limiter
from backstride.clinic.errors import SlotTaken
from backstride.errors import BackstrideError, Forbidden
from backstride.services import booking, clinics
from backstride.services.booking import AppointmentView
from backstride.services.policy import clinician_clinic_ids
from backstride.web import booking_view as bv
from backstride.web.forms import FormState, add_error, raw_values, validate
from backstride.web.nav import NavItem, register
from backstride.web.session import LoginRequired, PostedForm, Visitor, VisitorDep
from backstride.web.templating import redirect, render

router = APIRouter()

STAFF = ("clinician",)
register(
    NavItem(
        "schedule",
        "Schedule",
        "/clinic/schedule",
        roles=STAFF,
        primary=True,
        description="The clinic's day or week, by clinician.",
    )
)
register(
    NavItem(
        "clinic_book",
        "Book a visit",  # short enough for the phone's bottom bar beside "Availability"
        "/clinic/book",
        roles=STAFF,
        primary=True,
        description="Book a visit for a runner who shares their record with the clinic.",
    )
)
register(  # the pages are in routes/availability.py; registered here to follow the schedule
    NavItem(
        "availability",
        "Availability",
        "/clinic/availability",
        roles=("clinician", "admin"),
        primary=True,
        description="Each clinician's weekly hours and time off, on the clinic's clock.",
    )
)

LABELS = {
    "runner_id": "Runner",
    "appointment_type_id": "Visit type",
    "slot": "Time",
    "on_date": "Date",
    "at_time": "Time",
    "clinician_id": "Clinician",
    "override_reason": "Reason",
    "reason": "Reason",
}


def staff_in(visitor: Visitor, roles: Collection[str]) -> Visitor:
    """The visitor if one of ``roles`` with a full session (the second factor set up), else
    the log-in or 403."""
    if visitor.principal is None:
        raise LoginRequired("please log in", code="auth.required")
    if visitor.principal.role not in roles:
        raise Forbidden("these pages are for the clinic's staff", code="auth.forbidden")
    if visitor.principal.scope != "full":
        raise Forbidden(
            "set up your authenticator app first: the clinic's pages need a second factor",
            code="auth.totp_enrolment_required",
        )
    return visitor


def require_staff(visitor: VisitorDep) -> Visitor:
    """A clinician with a full session (the second factor set up), else the log-in or 403."""
    return staff_in(visitor, STAFF)


StaffDep = Annotated[Visitor, Depends(require_staff)]


def _clinic(session: DbSession, visitor: Visitor, wanted: str | None) -> tuple[str, str]:
    """The clinic this page is about: ``?clinic=`` if I work there, else my first one."""
    assert visitor.principal is not None
    mine = clinician_clinic_ids(session, account_id=visitor.principal.account_id)
    if not mine:
        raise Forbidden("you are not on any clinic's staff", code="auth.forbidden")
    clinic_id = wanted if wanted in mine else mine[0]
    return clinic_id, clinics.get_clinic(session, clinic_id=clinic_id).name


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@router.get("/clinic")
def clinic_home(visitor: StaffDep) -> Response:
    """The schedule is the clinic's start page."""
    del visitor
    return redirect("/clinic/schedule")


@router.get("/clinic/schedule")
def schedule(request: Request, visitor: StaffDep, session: DbSession, now: Now) -> Response:
    """A day (time rows by clinician; a list on a phone) or a week (a list per day)."""
    assert visitor.principal is not None
    clinic_id, clinic_name = _clinic(session, visitor, request.query_params.get("clinic"))
    policy = booking.get_policy(session, clinic_id=clinic_id)
    tz = policy.timezone
    today = bv.local(now, tz).date()
    day = _date(request.query_params.get("date"), today)
    view = "week" if request.query_params.get("view") == "week" else "day"
    first = day - dt.timedelta(days=day.weekday()) if view == "week" else day
    days = 7 if view == "week" else 1
    from_at = bv.local_instant(first.isoformat(), "00:00", tz)
    to_at = bv.local_instant((first + dt.timedelta(days=days)).isoformat(), "00:00", tz)
    assert from_at is not None
    assert to_at is not None
    appointments = booking.clinic_schedule(
        session,
        principal=visitor.principal,
        clinic_id=clinic_id,
        from_at=from_at,
        to_at=to_at,
        now=now,
    )
    people = list(booking.list_booking_clinicians(session, clinic_id=clinic_id))
    grid = (
        bv.day_grid(
            appointments,
            [c.id for c in people],
            on_date=day,
            timezone=tz,
            step_min=max(policy.slot_step_min, 15),
        )
        if view == "day"
        else []
    )
    by_day: dict[dt.date, list[AppointmentView]] = {
        first + dt.timedelta(days=i): [] for i in range(days)
    }
    for a in appointments:
        by_day.setdefault(bv.local(a.start_at, tz).date(), []).append(a)
    step = dt.timedelta(days=days)
    session.rollback()
    return render(
        request,
        "clinic_schedule.html",
        {
            "bv": bv,
            "clinic_name": clinic_name,
            "tz": tz,
            "view": view,
            "day": day,
            "first": first,
            "prev": (first - step).isoformat(),
            "next": (first + step).isoformat(),
            "today_local": today,
            "people": people,
            "grid": grid,
            "by_day": by_day,
            "count": len(appointments),
        },
        visitor=visitor,
        title=f"Schedule, {bv.day_words(day)}",
        current="schedule",
    )


def _appointment_page(
    request: Request,
    visitor: Visitor,
    a: AppointmentView,
    *,
    now: dt.datetime,
    state: FormState | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "clinic_appointment.html",
        {
            "bv": bv,
            "a": a,
            "now": now,
            "state": state or FormState(),
            "labels": LABELS,
            "key": bv.new_key(),
            "done": request.query_params.get("done", ""),
        },
        visitor=visitor,
        status=status,
        title=f"{a.runner_name or 'Runner'}: {a.type_name}",
        current="schedule",
    )


@router.get("/clinic/appointments/{appointment_id}")
def appointment(
    appointment_id: str, request: Request, visitor: StaffDep, session: DbSession, now: Now
) -> Response:
    """One appointment of a consenting runner (an audited read) and what the desk can do."""
    assert visitor.principal is not None
    a = booking.get_appointment(
        session, principal=visitor.principal, appointment_id=appointment_id, now=now
    )
    return _appointment_page(request, visitor, a, now=now)


def _refused(
    request: Request,
    visitor: Visitor,
    session: DbSession,
    appointment_id: str,
    exc: BackstrideError,
    now: dt.datetime,
) -> Response:
    assert visitor.principal is not None
    if exc.code in ("appointment.not_found", "auth.forbidden"):
        raise exc
    session.rollback()
    a = booking.get_appointment(
        session, principal=visitor.principal, appointment_id=appointment_id, now=now
    )
    state = FormState()
    if exc.code == "booking.stale_version":
        state.general.append(
            "Someone changed this appointment after you opened the page. Here it is as it is "
            "now; do it again if it still applies."
        )
    else:
        add_error(state, exc, fields=())
    return _appointment_page(request, visitor, a, now=now, state=state, status=exc.status)


@router.post("/clinic/appointments/{appointment_id}/cancel")
def cancel(
    appointment_id: str,
    request: Request,
    visitor: StaffDep,
    form: PostedForm,
    session: DbSession,
    now: Now,
) -> Response:
    """Cancel (any time before the visit is marked); the reason goes to the record."""
    assert visitor.principal is not None
    values = raw_values(form, ("version", "reason", "idempotency_key"))
    body, _state = validate(StaffCancelIn, values, labels=LABELS)
    if body is None:
        return redirect(f"/clinic/appointments/{appointment_id}")
    limiter(request).take(visitor.principal.account_id, now=now)
    try:
        booking.cancel(
            session,
            principal=visitor.principal,
            appointment_id=appointment_id,
            version=body.version,
            reason=body.reason,
            now=now,
            idempotency_key=values.get("idempotency_key") or None,
        )
    except BackstrideError as exc:
        return _refused(request, visitor, session, appointment_id, exc, now)
    return redirect(f"/clinic/appointments/{appointment_id}?done=cancelled")


@router.post("/clinic/appointments/{appointment_id}/attendance")
def attendance(
    appointment_id: str,
    request: Request,
    visitor: StaffDep,
    form: PostedForm,
    session: DbSession,
    now: Now,
) -> Response:
    """Mark the visit attended or a no-show (once it has started)."""
    assert visitor.principal is not None
    values = raw_values(form, ("version", "status"))
    body, _state = validate(AttendanceIn, values, labels=LABELS)
    if body is None:
        return redirect(f"/clinic/appointments/{appointment_id}")
    try:
        booking.mark_attendance(
            session,
            principal=visitor.principal,
            appointment_id=appointment_id,
            status=body.status,
            version=body.version,
            now=now,
        )
    except BackstrideError as exc:
        return _refused(request, visitor, session, appointment_id, exc, now)
    return redirect(f"/clinic/appointments/{appointment_id}?done={body.status}")


def _types(session: DbSession, clinic_id: str) -> list[booking.AppointmentTypeView]:
    return booking.list_types(session, clinic_id=clinic_id)


def _book_context(
    session: DbSession,
    visitor: Visitor,
    *,
    clinic_id: str,
    clinic_name: str,
    runner_id: str,
    type_id: str,
    week_no: int,
    now: dt.datetime,
    appointment: AppointmentView | None,
) -> dict[str, Any]:
    """What the book-on-behalf (or move) page shows: runners, types, a week of free times."""
    assert visitor.principal is not None
    policy = booking.get_policy(session, clinic_id=clinic_id)
    runners = (
        []
        if appointment is not None
        else [
            r
            for r in clinics.list_patients(session, principal=visitor.principal, now=now, limit=500)
            if r.clinic_id == clinic_id
        ]
    )
    types = _types(session, clinic_id)
    week = bv.week(week_no, now=now, timezone=policy.timezone)
    days: list[bv.DaySlots] = []
    chosen = next((t for t in types if t.id == type_id), None)
    if chosen is not None and runner_id:
        found = booking.list_free_slots(
            session,
            principal=visitor.principal,
            clinic_id=clinic_id,
            appointment_type_id=type_id,
            now=now,
            from_at=week.from_at,
            to_at=week.to_at,
            runner_id=runner_id,
        )
        days = bv.by_day(found.slots, policy.timezone)
    return {
        "bv": bv,
        "clinic_id": clinic_id,
        "clinic_name": clinic_name,
        "tz": policy.timezone,
        "runners": runners,
        "types": types,
        "people": booking.list_booking_clinicians(session, clinic_id=clinic_id),
        "runner_id": runner_id,
        "type_id": type_id,
        "chosen": chosen,
        "week": week,
        "days": days,
        "appointment": appointment,
        "key": bv.new_key(),
        "labels": LABELS,
        "taken": False,
    }


@router.get("/clinic/book")
def book_page(request: Request, visitor: StaffDep, session: DbSession, now: Now) -> Response:
    """Book for a runner: choose the runner and the visit type, then a free time (or another
    time with a reason)."""
    assert visitor.principal is not None
    clinic_id, clinic_name = _clinic(session, visitor, request.query_params.get("clinic"))
    q = request.query_params
    context = _book_context(
        session,
        visitor,
        clinic_id=clinic_id,
        clinic_name=clinic_name,
        runner_id=q.get("runner", ""),
        type_id=q.get("type", ""),
        week_no=bv.week_index(q.get("week")),
        now=now,
        appointment=None,
    )
    if context["runner_id"] and all(
        r.runner_id != context["runner_id"] for r in context["runners"]
    ):
        context["runner_id"] = ""
        context["days"] = []
    session.rollback()
    return render(
        request,
        "clinic_book.html",
        {**context, "state": FormState(values={"runner_id": context["runner_id"]})},
        visitor=visitor,
        title="Book for a runner",
        current="clinic_book",
    )


def _start_from(
    values: dict[str, str], tz: str, state: FormState
) -> tuple[dt.datetime | None, str | None, str | None]:
    """``(start, clinician, override reason)`` from a chosen slot or from a typed time."""
    slot = values.get("slot", "")
    if slot:
        start_text, _, clinician = slot.partition("|")
        try:
            chosen = dt.datetime.fromisoformat(start_text)
        except ValueError:
            state.add("slot", "Choose one of the times")
            return None, None, None
        return chosen, clinician or None, None
    start = bv.local_instant(values.get("on_date", ""), values.get("at_time", ""), tz)
    if start is None:
        state.add("on_date", "Choose a free time above, or enter a date and a time")
        return None, None, None
    return (
        start,
        values.get("clinician_id") or None,
        values.get("override_reason", "").strip() or None,
    )


@router.post("/clinic/book")
def book_post(
    request: Request, visitor: StaffDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """Book it (once per idempotency key); a lost race shows the next free times."""
    assert visitor.principal is not None
    names = (
        "runner_id",
        "appointment_type_id",
        "slot",
        "on_date",
        "at_time",
        "clinician_id",
        "override_reason",
        "idempotency_key",
    )
    values = raw_values(form, names)
    clinic_id, clinic_name = _clinic(session, visitor, None)
    policy = booking.get_policy(session, clinic_id=clinic_id)
    state = FormState(values=dict(values))
    start, clinician, reason = _start_from(values, policy.timezone, state)
    body = None
    if start is not None:
        body, state = validate(
            StaffBookIn,
            {**values, "start_at": start.isoformat()},
            labels=LABELS,
            extra={
                "clinic_id": clinic_id,
                "clinician_id": clinician,
                "override_reason": reason,
            },
        )
    if body is not None:
        limiter(request).take(visitor.principal.account_id, now=now)
        try:
            result = booking.book(
                session,
                principal=visitor.principal,
                clinic_id=clinic_id,
                appointment_type_id=body.appointment_type_id,
                start_at=body.start_at,
                clinician_id=body.clinician_id,
                runner_id=values.get("runner_id") or None,
                override_reason=body.override_reason,
                now=now,
                idempotency_key=values.get("idempotency_key") or None,
            )
        except BackstrideError as exc:
            session.rollback()
            return _book_again(
                request,
                visitor,
                session,
                clinic_id=clinic_id,
                clinic_name=clinic_name,
                values=values,
                state=state,
                exc=exc,
                now=now,
                appointment=None,
            )
        return redirect(f"/clinic/appointments/{result.appointment.id}?done=booked")
    return _book_again(
        request,
        visitor,
        session,
        clinic_id=clinic_id,
        clinic_name=clinic_name,
        values=values,
        state=state,
        exc=None,
        now=now,
        appointment=None,
    )


def _book_again(
    request: Request,
    visitor: Visitor,
    session: DbSession,
    *,
    clinic_id: str,
    clinic_name: str,
    values: dict[str, str],
    state: FormState,
    exc: BackstrideError | None,
    now: dt.datetime,
    appointment: AppointmentView | None,
) -> Response:
    """The form again with what went wrong (a taken time: the next free times)."""
    context = _book_context(
        session,
        visitor,
        clinic_id=clinic_id,
        clinic_name=clinic_name,
        runner_id=values.get("runner_id", "") if appointment is None else appointment.runner_id,
        type_id=values.get("appointment_type_id", "")
        if appointment is None
        else appointment.appointment_type_id,
        week_no=0,
        now=now,
        appointment=appointment,
    )
    status = 422
    if exc is not None:
        status = exc.status
        if isinstance(exc, SlotTaken):
            names = {c.id: c.name for c in context["people"]}
            context["days"] = bv.by_day(bv.taken_slots(exc.next_slots, names), context["tz"])
            context["taken"] = True
        elif exc.code == "booking.stale_version":
            state.general.append(
                "Someone changed this appointment after you opened the page; "
                "here are the free times now."
            )
        else:
            add_error(state, exc, fields=("override_reason", "runner_id", "appointment_type_id"))
    session.rollback()
    return render(
        request,
        "clinic_book.html",
        {**context, "state": state},
        visitor=visitor,
        status=status,
        title="That time was just taken" if context["taken"] else "Book for a runner",
        current="clinic_book",
    )


@router.get("/clinic/appointments/{appointment_id}/move")
def move_page(
    appointment_id: str, request: Request, visitor: StaffDep, session: DbSession, now: Now
) -> Response:
    """Move: a week of free times for the same runner and type, or another time with a
    reason."""
    assert visitor.principal is not None
    a = booking.get_appointment(
        session, principal=visitor.principal, appointment_id=appointment_id, now=now
    )
    if a.status != "booked":
        return redirect(f"/clinic/appointments/{a.id}")
    clinic_id, clinic_name = _clinic(session, visitor, a.clinic_id)
    context = _book_context(
        session,
        visitor,
        clinic_id=clinic_id,
        clinic_name=clinic_name,
        runner_id=a.runner_id,
        type_id=a.appointment_type_id,
        week_no=bv.week_index(request.query_params.get("week")),
        now=now,
        appointment=a,
    )
    session.rollback()
    return render(
        request,
        "clinic_book.html",
        {**context, "state": FormState()},
        visitor=visitor,
        title="Move an appointment",
        current="schedule",
    )


@router.post("/clinic/appointments/{appointment_id}/move")
def move_post(
    appointment_id: str,
    request: Request,
    visitor: StaffDep,
    form: PostedForm,
    session: DbSession,
    now: Now,
) -> Response:
    """Move it in place (the version shown; a stale one is explained, not applied)."""
    assert visitor.principal is not None
    names = (
        "version",
        "slot",
        "on_date",
        "at_time",
        "clinician_id",
        "override_reason",
        "idempotency_key",
    )
    values = raw_values(form, names)
    a = booking.get_appointment(
        session, principal=visitor.principal, appointment_id=appointment_id, now=now
    )
    state = FormState(values=dict(values))
    start, clinician, reason = _start_from(values, a.timezone, state)
    body = None
    if start is not None:
        body, state = validate(
            StaffRescheduleIn,
            {**values, "start_at": start.isoformat()},
            labels=LABELS,
            extra={"clinician_id": clinician, "override_reason": reason},
        )
    if body is not None:
        limiter(request).take(visitor.principal.account_id, now=now)
        try:
            booking.reschedule(
                session,
                principal=visitor.principal,
                appointment_id=appointment_id,
                version=body.version,
                start_at=body.start_at,
                clinician_id=body.clinician_id,
                override_reason=body.override_reason,
                now=now,
                idempotency_key=values.get("idempotency_key") or None,
            )
        except BackstrideError as exc:
            if exc.code in ("appointment.not_found", "auth.forbidden"):
                raise
            session.rollback()
            fresh = booking.get_appointment(
                session, principal=visitor.principal, appointment_id=appointment_id, now=now
            )
            return _book_again(
                request,
                visitor,
                session,
                clinic_id=fresh.clinic_id,
                clinic_name=fresh.clinic_name,
                values=values,
                state=state,
                exc=exc,
                now=now,
                appointment=fresh,
            )
        return redirect(f"/clinic/appointments/{appointment_id}?done=moved")
    return _book_again(
        request,
        visitor,
        session,
        clinic_id=a.clinic_id,
        clinic_name=a.clinic_name,
        values=values,
        state=state,
        exc=None,
        now=now,
        appointment=a,
    )


__all__ = ["StaffDep", "require_staff", "router"]
