"""Clinic booking for runners: options, free slots, book, my appointments, move, cancel.

POSTs take an ``Idempotency-Key`` header (a repeat replays the first answer with
``Idempotent-Replayed: true``; the same key with another body is 422
``idempotency.key_reused``) and are rate limited per caller (429 ``booking.rate_limited`` with
``Retry-After``). A lost race answers 409 ``booking.slot_taken`` with ``next_slots``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Header, Query, Request, Response
from sqlalchemy.orm import Session

from backstride.api.bodies import BookIn, CancelIn, RescheduleIn
from backstride.api.deps import (
    Caller,
    DbSession,
    Now,
    Presented,
    booking_writers,
    full_scope,
    limiter,
    presented,
    sign_in,
)
from backstride.api.openapi import RATE_LIMITED
from backstride.services import booking
from backstride.services.booking import plan_link
from backstride.services.policy import Principal, own_runner_id

router = APIRouter(tags=["booking"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[\x21-\x7e]{1,128}$",
        description="Any unique string per intended change (1-128 visible ASCII characters).",
    ),
]


Credentials = Annotated[Presented, Depends(presented)]


def writer(request: Request, session: Session, found: Presented, now: dt.datetime) -> Principal:
    """The caller of a booking write (signed in, with a second factor where their role
    needs one), after spending a booking-write token (429 ``booking.rate_limited`` when out
    of them).

    Called in the write's own thread-pool hop: signing in reads the database, and as a
    dependency it would take a hop of its own (docs/decisions/0070). The token bucket does
    no I/O (a dictionary under a lock held for microseconds)."""
    principal = full_scope(sign_in(request, session, found, now))
    limiter(request).take(principal.account_id, now=now)
    return principal


def runner_writer(
    request: Request, session: Session, found: Presented, now: dt.datetime
) -> Principal:
    """:func:`writer`, a runner writing their own appointments (``auth.forbidden`` else)."""
    principal = writer(request, session, found, now)
    own_runner_id(principal)
    return principal


Who = Callable[[Request, Session, Presented, dt.datetime], Principal]
"""Who may make a write: :func:`runner_writer` or the staff's."""


@dataclass(frozen=True, slots=True)
class BookingWrite:
    """A booking write's request: who may make it (``who``) and what it runs with. Called with
    the service, it signs the caller in and runs the write in one thread-pool hop, queued
    behind this process's other booking writes on SQLite (:func:`booking_writers`)."""

    request: Request
    session: Session
    found: Presented
    now: dt.datetime
    response: Response
    who: Who

    async def __call__(
        self, service: Callable[[Principal], booking.BookingResult]
    ) -> booking.AppointmentView:
        """Run ``service`` for the signed-in caller; the appointment it made or changed."""
        result = await anyio.to_thread.run_sync(
            lambda: service(self.who(self.request, self.session, self.found, self.now)),
            limiter=booking_writers(self.request),
        )
        return created(self.response, result)


def booking_write(who: Who) -> Callable[..., Awaitable[BookingWrite]]:
    """The dependency that gives an endpoint its :class:`BookingWrite` (on the event loop: it
    reads nothing)."""

    async def dependency(
        request: Request, session: DbSession, found: Credentials, now: Now, response: Response
    ) -> BookingWrite:
        return BookingWrite(request, session, found, now, response, who)

    return dependency


RunnerWrite = Annotated[BookingWrite, Depends(booking_write(runner_writer))]
"""A runner's write of their own appointments."""


def created(response: Response, result: booking.BookingResult) -> booking.AppointmentView:
    """The appointment, flagged when it is an idempotent replay."""
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return result.appointment


@router.get("/clinics/{clinic_id}/booking/options")
def booking_options(
    clinic_id: str, principal: Caller, session: DbSession, now: Now
) -> booking.BookingOptions:
    """What I may book here now (triage decides), or why not and what to do instead."""
    return booking.booking_options(session, principal=principal, clinic_id=clinic_id, now=now)


@router.get("/clinics/{clinic_id}/appointment-types")
def appointment_types(
    clinic_id: str, principal: Caller, session: DbSession
) -> list[booking.AppointmentTypeView]:
    """The types the clinic offers online (staff and admins: all of them)."""
    return booking.list_types(session, clinic_id=clinic_id, online_only=principal.role == "runner")


@router.get("/clinics/{clinic_id}/clinicians")
def clinicians(
    clinic_id: str, principal: Caller, session: DbSession
) -> tuple[booking.ClinicianOption, ...]:
    """The clinicians who take appointments here."""
    del principal
    return booking.list_booking_clinicians(session, clinic_id=clinic_id)


@router.get("/clinics/{clinic_id}/slots")
def free_slots(
    clinic_id: str,
    principal: Caller,
    session: DbSession,
    now: Now,
    appointment_type_id: Annotated[str, Query(min_length=1, max_length=64)],
    from_at: Annotated[dt.datetime | None, Query(alias="from")] = None,
    to_at: Annotated[dt.datetime | None, Query(alias="to")] = None,
    clinician_id: Annotated[str | None, Query(max_length=64)] = None,
    runner_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int | None, Query(ge=1, le=2000)] = None,
) -> booking.FreeSlots:
    """Free starts for a type (default: the next 14 days; at most 31), in order."""
    return booking.list_free_slots(
        session,
        principal=principal,
        clinic_id=clinic_id,
        appointment_type_id=appointment_type_id,
        now=now,
        from_at=from_at,
        to_at=to_at,
        clinician_id=clinician_id,
        runner_id=runner_id if principal.role != "runner" else None,
        limit=limit,
    )


@router.post("/me/appointments", status_code=201, responses=RATE_LIMITED)
async def book_appointment(
    body: BookIn,
    write: RunnerWrite,
    idempotency_key: IdempotencyKey = None,
) -> booking.AppointmentView:
    """Book an appointment for myself."""
    return await write(
        lambda principal: booking.book(
            write.session,
            principal=principal,
            clinic_id=body.clinic_id,
            appointment_type_id=body.appointment_type_id,
            start_at=body.start_at,
            end_at=body.end_at,
            clinician_id=body.clinician_id,
            share_record=body.share_record,
            now=write.now,
            idempotency_key=idempotency_key,
        ),
    )


@router.get("/me/appointments")
def my_appointments(
    principal: Caller,
    session: DbSession,
    now: Now,
    upcoming: Annotated[bool, Query(description="Only those not yet over.")] = False,
) -> list[booking.AppointmentView]:
    """My appointments at every clinic, by start."""
    return booking.list_my_appointments(
        session, principal=principal, now=now, upcoming_only=upcoming
    )


@router.get("/me/appointments/{appointment_id}")
def my_appointment(
    appointment_id: str, principal: Caller, session: DbSession, now: Now
) -> booking.AppointmentView:
    """One of my appointments (another runner's: 404)."""
    own_runner_id(principal)
    return booking.get_appointment(
        session, principal=principal, appointment_id=appointment_id, now=now
    )


@router.post("/me/appointments/{appointment_id}/reschedule", responses=RATE_LIMITED)
async def reschedule_appointment(
    appointment_id: str,
    body: RescheduleIn,
    write: RunnerWrite,
    idempotency_key: IdempotencyKey = None,
) -> booking.AppointmentView:
    """Move my appointment in place (send the version I saw)."""
    return await write(
        lambda principal: booking.reschedule(
            write.session,
            principal=principal,
            appointment_id=appointment_id,
            version=body.version,
            start_at=body.start_at,
            clinician_id=body.clinician_id,
            now=write.now,
            idempotency_key=idempotency_key,
        ),
    )


@router.post("/me/appointments/{appointment_id}/cancel", responses=RATE_LIMITED)
async def cancel_appointment(
    appointment_id: str,
    body: CancelIn,
    write: RunnerWrite,
    idempotency_key: IdempotencyKey = None,
) -> booking.AppointmentView:
    """Cancel my appointment (until the clinic's cancellation window)."""
    return await write(
        lambda principal: booking.cancel(
            write.session,
            principal=principal,
            appointment_id=appointment_id,
            version=body.version,
            reason=body.reason,
            now=write.now,
            idempotency_key=idempotency_key,
        ),
    )


@router.get(
    "/me/appointments/{appointment_id}/calendar.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}, "description": "RFC 5545 calendar"}},
)
def my_appointment_calendar(
    appointment_id: str, principal: Caller, session: DbSession, now: Now
) -> Response:
    """One of my appointments as a calendar file (stable UID, SEQUENCE = version)."""
    own_runner_id(principal)
    data = plan_link.appointment_calendar(
        session, principal=principal, appointment_id=appointment_id, now=now
    )
    return Response(data, media_type="text/calendar; charset=utf-8")


@router.get("/me/plan/suggested-visits")
def suggested_visits(
    principal: Caller,
    session: DbSession,
    now: Now,
    clinic_id: Annotated[str, Query(min_length=1, max_length=64)],
) -> tuple[booking.SuggestedVisit, ...]:
    """My plan's coming clinic-visit days with free slots that day (or what I booked)."""
    return plan_link.suggested_visits(session, principal=principal, clinic_id=clinic_id, now=now)


@router.get(
    "/me/plan/calendar.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}, "description": "RFC 5545 calendar"}},
)
def plan_calendar(principal: Caller, session: DbSession, now: Now) -> Response:
    """My plan's calendar with my clinic appointments."""
    data = plan_link.plan_calendar(session, principal=principal, now=now)
    return Response(data, media_type="text/calendar; charset=utf-8")


__all__ = [
    "BookIn",
    "BookingWrite",
    "CancelIn",
    "Credentials",
    "RescheduleIn",
    "RunnerWrite",
    "booking_write",
    "router",
    "runner_writer",
    "writer",
]
