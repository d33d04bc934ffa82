"""The clinic's availability pages: each clinician's weekly hours and time off, on the
clinic's clock, with forms to add and remove them.

Who may see and change them is ``services.booking``'s rule (``require_setup``: the clinic's
own clinicians, the front desk among them, and admins); the services check every value and
audit every change. This module only turns form text into their arguments and their coded
errors into plain words beside the field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from backstride.api.bodies import HoursIn, TimeOffIn
from backstride.api.deps import DbSession, Now
from backstride.errors import BackstrideError, Forbidden
from backstride.services import booking, clinics
from backstride.services.booking import ClinicianOption, HoursView, TimeOffView
from backstride.services.booking.access import require_setup
from backstride.services.policy import clinician_clinic_ids
from backstride.web import booking_view as bv
from backstride.web.forms import FormState, plain_error, raw_values, validate
from backstride.web.routes.clinic import staff_in
from backstride.web.session import PostedForm, Visitor, VisitorDep
from backstride.web.templating import redirect, render

router = APIRouter()

SETUP_ROLES = ("clinician", "admin")
"""Who may open these pages (the navigation entry is registered in ``clinic``)."""
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LABELS = {
    "clinician_id": "Clinician",
    "weekday": "Day",
    "start": "From",
    "end": "To",
    "first_date": "First day",
    "last_date": "Last day",
    "reason": "Reason",
}
DONE_WORDS = {
    "hours_added": "Hours added.",
    "hours_removed": "Hours removed.",
    "off_added": "Time off added.",
    "off_removed": "Time off removed.",
}
_PLAIN = {
    "booking.end_before_start": "The end must be after the start",
    "booking.invalid_hours": "Enter a time like 09:00 (00:00 to 24:00)",
    "clinician.not_found": "Choose one of this clinic's clinicians",
}
"""Service codes worded for the form (the code's own message when not listed)."""


def require_setup_staff(visitor: VisitorDep) -> Visitor:
    """A clinician or an admin with a full session (second factor set up), else log-in/403."""
    return staff_in(visitor, SETUP_ROLES)


SetupDep = Annotated[Visitor, Depends(require_setup_staff)]


@dataclass(frozen=True, slots=True)
class DayHours:
    """One weekday of a clinician's week."""

    weekday: int
    name: str
    blocks: tuple[HoursView, ...]


@dataclass(frozen=True, slots=True)
class PersonWeek:
    """A clinician's weekly hours, a line per weekday (the overview)."""

    person: ClinicianOption
    days: tuple[tuple[str, str], ...]


def _clinic_choices(session: DbSession, visitor: Visitor) -> list[tuple[str, str]]:
    """``(id, name)`` of the clinics this visitor manages: mine, or every clinic (admin)."""
    assert visitor.principal is not None
    if visitor.principal.role == "admin":
        return [(c.id, c.name) for c in clinics.list_clinics(session)]
    mine = clinician_clinic_ids(session, account_id=visitor.principal.account_id)
    return [(c, clinics.get_clinic(session, clinic_id=c).name) for c in mine]


def _clinic(session: DbSession, visitor: Visitor, wanted: str | None) -> tuple[str, str]:
    """The clinic asked for (the services' rule decides whether I may), else my first."""
    assert visitor.principal is not None
    if wanted:
        require_setup(session, visitor.principal, wanted)
        found = clinics.get_clinic(session, clinic_id=wanted)
        return found.id, found.name
    choices = _clinic_choices(session, visitor)
    if not choices:
        raise Forbidden("you are not on any clinic's staff", code="auth.forbidden")
    return choices[0]


def _span_words(off: TimeOffView, timezone: str) -> str:
    """Whole local days as ``Mon 7 Dec – Wed 9 Dec``; otherwise with the times."""
    start, end = bv.local(off.start_at, timezone), bv.local(off.end_at, timezone)
    if start.time() == dt.time(0) and end.time() == dt.time(0):
        last = end.date() - dt.timedelta(days=1)
        first_words = bv.day_words(start.date())
        if last == start.date():
            return f"{first_words} (all day)"
        return f"{first_words} – {bv.day_words(last)} (whole days)"
    return bv.span(off.start_at, off.end_at, timezone)


def _page(
    request: Request,
    visitor: Visitor,
    session: DbSession,
    *,
    clinic: str | None,
    clinician: str | None,
    now: dt.datetime,
    hours_state: FormState | None = None,
    off_state: FormState | None = None,
    status: int = 200,
) -> Response:
    """The page for the clinic asked for (``clinic``: its id, or None for the caller's
    first), with the forms' states after a refused change."""
    assert visitor.principal is not None
    clinic_id, clinic_name = _clinic(session, visitor, clinic)
    tz = booking.get_policy(session, clinic_id=clinic_id).timezone
    people = list(booking.list_booking_clinicians(session, clinic_id=clinic_id))
    ids = [p.id for p in people]
    me = visitor.principal.account_id
    chosen_id = clinician if clinician in ids else (me if me in ids else (ids or [""])[0])
    chosen = next((p for p in people if p.id == chosen_id), None)
    hours = booking.list_hours(session, clinic_id=clinic_id)
    rooms = {r.id: r.name for r in booking.list_rooms(session, clinic_id=clinic_id)}
    today = bv.local(now, tz).date()
    week = [
        DayHours(
            d,
            WEEKDAYS[d],
            tuple(h for h in hours if h.clinician_id == chosen_id and h.weekday == d),
        )
        for d in range(7)
    ]
    dated = [
        h
        for h in hours
        if h.clinician_id == chosen_id and h.on_date is not None and h.on_date >= today
    ]
    overview = [
        PersonWeek(
            p,
            tuple(
                (
                    WEEKDAYS[d][:3],
                    ", ".join(
                        f"{h.start}–{h.end}"
                        for h in hours
                        if h.clinician_id == p.id and h.weekday == d
                    ),
                )
                for d in range(7)
            ),
        )
        for p in people
    ]
    time_off = [
        t
        for t in booking.list_time_off(session, clinic_id=clinic_id, from_at=now)
        if t.clinician_id in (None, chosen_id) and t.room_id is None
    ]
    conflicts = [c for c in request.query_params.get("conflicts", "").split(",") if c][:20]
    default_hours = {"clinician_id": chosen_id, "weekday": "0", "start": "09:00", "end": "17:00"}
    default_off = {"clinician_id": chosen_id}
    context: dict[str, Any] = {
        "bv": bv,
        "clinic_id": clinic_id,
        "clinic_name": clinic_name,
        "clinics": _clinic_choices(session, visitor),
        "tz": tz,
        "people": people,
        "chosen": chosen,
        "week": week,
        "dated": dated,
        "overview": overview,
        "time_off": time_off,
        "span_words": _span_words,
        "rooms": rooms,
        "weekdays": list(enumerate(WEEKDAYS)),
        "labels": LABELS,
        "hours_state": hours_state or FormState(values=default_hours),
        "off_state": off_state or FormState(values=default_off),
        "done": DONE_WORDS.get(request.query_params.get("done", ""), ""),
        "conflicts": conflicts,
    }
    session.rollback()
    return render(
        request,
        "clinic_availability.html",
        context,
        visitor=visitor,
        status=status,
        title=f"Availability, {chosen.name}" if chosen else "Availability",
        current="availability",
    )


def _back(clinic_id: str, clinician_id: str, **extra: str) -> Response:
    query = urlencode({"clinic": clinic_id, "clinician": clinician_id, **extra})
    return redirect(f"/clinic/availability?{query}")


@router.get("/clinic/availability")
def availability(request: Request, visitor: SetupDep, session: DbSession, now: Now) -> Response:
    """A clinician's week (hours by weekday, dated exceptions), time off, and everyone's week."""
    return _page(
        request,
        visitor,
        session,
        clinic=request.query_params.get("clinic"),
        clinician=request.query_params.get("clinician"),
        now=now,
    )


def _for_the_form(session: DbSession, exc: BackstrideError) -> None:
    """A refusal the form shows beside its fields, with the write rolled back; not the
    caller's clinic or a thing already gone (403/404 other than an unknown clinician) goes
    on to the error pages."""
    if exc.status in (403, 404) and exc.code != "clinician.not_found":
        raise exc
    session.rollback()


def _place(state: FormState, exc: BackstrideError, fields: dict[str, str]) -> None:
    """A service's refusal beside its field (``fields``: the service's path -> the form's
    field), in plain words; at the top when it names no field of the form."""
    path = next((str(p.get("path", "")) for p in exc.problems), "")
    if exc.code == "clinician.not_found":
        path = "clinician_id"
    field = fields.get(path, "")
    message = _PLAIN.get(exc.code)
    if exc.code == "booking.invalid_hours" and path == "weekday":
        message = "Choose a day"
    state.add(field, message or plain_error(exc).rstrip("."))


@router.post("/clinic/availability/hours")
def add_hours(
    request: Request, visitor: SetupDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """Add a weekly block (day, from, to) for a clinician."""
    assert visitor.principal is not None
    values = raw_values(form, ("clinic_id", "clinician_id", "weekday", "start", "end"))
    clinic_id = values.get("clinic_id", "")
    body, state = validate(HoursIn, values, labels=LABELS)
    status = 422
    if body is not None:
        try:
            booking.add_hours(
                session,
                actor=visitor.principal,
                clinic_id=clinic_id,
                clinician_id=body.clinician_id,
                weekday=body.weekday,
                start=body.start,
                end=body.end,
                now=now,
            )
        except BackstrideError as exc:
            _for_the_form(session, exc)
            status = exc.status
            fields = {"start": "start", "end": "end", "weekday": "weekday"}
            _place(state, exc, fields)
        else:
            return _back(clinic_id, body.clinician_id, done="hours_added")
    return _page(
        request,
        visitor,
        session,
        clinic=clinic_id,
        clinician=values.get("clinician_id"),
        now=now,
        hours_state=state,
        status=status,
    )


@router.post("/clinic/availability/hours/{hours_id}/delete")
def remove_hours(
    hours_id: str, visitor: SetupDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """Remove a block of hours (booked visits stay; the service audits it)."""
    assert visitor.principal is not None
    values = raw_values(form, ("clinic_id", "clinician_id"))
    booking.delete_hours(session, actor=visitor.principal, hours_id=hours_id, now=now)
    return _back(values.get("clinic_id", ""), values.get("clinician_id", ""), done="hours_removed")


def _day(values: dict[str, str], name: str, state: FormState) -> dt.date | None:
    text = values.get(name, "").strip()
    if not text:
        state.add(name, f"Enter the {LABELS[name].lower()}")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        state.add(name, "Enter a date like 2026-12-07")
        return None


@router.post("/clinic/availability/time-off")
def add_time_off(
    request: Request, visitor: SetupDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """Time off for a clinician: whole days on the clinic's clock, with an optional reason;
    booked visits inside it are listed to move by hand."""
    assert visitor.principal is not None
    names = ("clinic_id", "clinician_id", "first_date", "last_date", "reason")
    values = raw_values(form, names)
    clinic_id = values.get("clinic_id", "")
    state = FormState(values=dict(values))
    first, last = _day(values, "first_date", state), _day(values, "last_date", state)
    if first is not None and last is not None:
        tz = booking.get_policy(session, clinic_id=clinic_id).timezone
        start_at = bv.local_instant(first.isoformat(), "00:00", tz)
        end_at = bv.local_instant((last + dt.timedelta(days=1)).isoformat(), "00:00", tz)
        assert start_at is not None
        assert end_at is not None
        body, state = validate(
            TimeOffIn,
            values,
            labels=LABELS,
            extra={"start_at": start_at.isoformat(), "end_at": end_at.isoformat()},
        )
        if body is not None:
            try:
                made = booking.add_time_off(
                    session,
                    actor=visitor.principal,
                    clinic_id=clinic_id,
                    clinician_id=body.clinician_id,
                    start_at=body.start_at,
                    end_at=body.end_at,
                    reason=body.reason,
                    now=now,
                )
            except BackstrideError as exc:
                _for_the_form(session, exc)
                if exc.code == "booking.end_before_start":
                    state.add("last_date", "The last day must be on or after the first day")
                else:
                    _place(state, exc, {"end_at": "last_date", "reason": "reason"})
            else:
                return _back(
                    clinic_id,
                    body.clinician_id or "",
                    done="off_added",
                    conflicts=",".join(made.conflicts),
                )
    return _page(
        request,
        visitor,
        session,
        clinic=clinic_id,
        clinician=values.get("clinician_id"),
        now=now,
        off_state=state,
        status=422,
    )


@router.post("/clinic/availability/time-off/{time_off_id}/delete")
def remove_time_off(
    time_off_id: str, visitor: SetupDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """Remove time off (the service audits it)."""
    assert visitor.principal is not None
    values = raw_values(form, ("clinic_id", "clinician_id"))
    booking.delete_time_off(session, actor=visitor.principal, time_off_id=time_off_id, now=now)
    return _back(values.get("clinic_id", ""), values.get("clinician_id", ""), done="off_removed")


__all__ = ["require_setup_staff", "router"]
