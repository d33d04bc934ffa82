"""Clinic booking for the clinic: the front desk and clinicians (consenting runners only),
and the set-up (policy, appointment types, rooms, hours, time off) for admins and staff."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import Field
from sqlalchemy.orm import Session

from backstride.api.bodies import (
    AttendanceIn,
    HoursIn,
    StaffBookIn,
    StaffCancelIn,
    StaffRescheduleIn,
    TimeOffIn,
)
from backstride.api.deps import AppSettings, Caller, DbSession, Now, Presented
from backstride.api.jsonable import to_jsonable
from backstride.api.openapi import RATE_LIMITED
from backstride.api.routes.booking import BookingWrite, IdempotencyKey, booking_write, writer
from backstride.api.schemas import In, Int
from backstride.reports.previsit_report import render_previsit_html, render_previsit_pdf
from backstride.services import booking
from backstride.services.booking import previsit
from backstride.services.policy import Principal, require_role

router = APIRouter(prefix="/clinician", tags=["booking (clinic)"])
setup_router = APIRouter(prefix="/admin/clinics/{clinic_id}", tags=["booking set-up"])
setup_items = APIRouter(prefix="/admin", tags=["booking set-up"])


def staff_writer(
    request: Request, session: Session, found: Presented, now: dt.datetime
) -> Principal:
    """The clinician or front desk making a booking write (``writer``, then the role)."""
    principal = writer(request, session, found, now)
    require_role(principal, "clinician")
    return principal


StaffWrite = Annotated[BookingWrite, Depends(booking_write(staff_writer))]
"""The clinic staff's write of a consenting runner's appointment."""


@router.get("/clinics/{clinic_id}/appointments")
def clinic_schedule(
    clinic_id: str,
    principal: Caller,
    session: DbSession,
    now: Now,
    from_at: Annotated[dt.datetime, Query(alias="from")],
    to_at: Annotated[dt.datetime, Query(alias="to")],
    include_cancelled: bool = False,
) -> list[booking.AppointmentView]:
    """The clinic's appointments in a range (at most 31 days)."""
    return booking.clinic_schedule(
        session,
        principal=principal,
        clinic_id=clinic_id,
        from_at=from_at,
        to_at=to_at,
        now=now,
        include_cancelled=include_cancelled,
    )


@router.get("/runners/{runner_id}/appointments")
def runner_appointments(
    runner_id: str, principal: Caller, session: DbSession, now: Now
) -> list[booking.AppointmentView]:
    """A consenting runner's appointments at my clinics (audited read)."""
    return booking.list_runner_appointments(
        session, principal=principal, runner_id=runner_id, now=now
    )


@router.post("/runners/{runner_id}/appointments", status_code=201, responses=RATE_LIMITED)
async def book_on_behalf(
    runner_id: str,
    body: StaffBookIn,
    write: StaffWrite,
    idempotency_key: IdempotencyKey = None,
) -> booking.AppointmentView:
    """Book for a consenting runner (any type; ``override_reason`` outside hours)."""
    return await write(
        lambda principal: booking.book(
            write.session,
            principal=principal,
            runner_id=runner_id,
            clinic_id=body.clinic_id,
            appointment_type_id=body.appointment_type_id,
            start_at=body.start_at,
            end_at=body.end_at,
            clinician_id=body.clinician_id,
            room_id=body.room_id,
            override_reason=body.override_reason,
            now=write.now,
            idempotency_key=idempotency_key,
        ),
    )


@router.get("/appointments/{appointment_id}")
def get_appointment(
    appointment_id: str, principal: Caller, session: DbSession, now: Now
) -> booking.AppointmentView:
    """One appointment of a consenting runner (audited read)."""
    require_role(principal, "clinician")
    return booking.get_appointment(
        session, principal=principal, appointment_id=appointment_id, now=now
    )


@router.post("/appointments/{appointment_id}/reschedule", responses=RATE_LIMITED)
async def staff_reschedule(
    appointment_id: str,
    body: StaffRescheduleIn,
    write: StaffWrite,
    idempotency_key: IdempotencyKey = None,
) -> booking.AppointmentView:
    """Move an appointment (any time; ``override_reason`` outside hours)."""
    return await write(
        lambda principal: booking.reschedule(
            write.session,
            principal=principal,
            appointment_id=appointment_id,
            version=body.version,
            start_at=body.start_at,
            clinician_id=body.clinician_id,
            room_id=body.room_id,
            override_reason=body.override_reason,
            now=write.now,
            idempotency_key=idempotency_key,
        ),
    )


@router.post("/appointments/{appointment_id}/cancel", responses=RATE_LIMITED)
async def staff_cancel(
    appointment_id: str,
    body: StaffCancelIn,
    write: StaffWrite,
    idempotency_key: IdempotencyKey = None,
) -> booking.AppointmentView:
    """Cancel an appointment (any time before it is marked)."""
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


@router.post("/appointments/{appointment_id}/attendance")
def attendance(
    appointment_id: str, body: AttendanceIn, principal: Caller, session: DbSession, now: Now
) -> booking.AppointmentView:
    """Mark the visit attended or a no-show (once it has started)."""
    require_role(principal, "clinician")
    return booking.mark_attendance(
        session,
        principal=principal,
        appointment_id=appointment_id,
        status=body.status,
        version=body.version,
        now=now,
    ).appointment


@router.get(
    "/appointments/{appointment_id}/pre-visit",
    responses={
        200: {
            "model": previsit.PreVisitReport,
            "content": {"application/json": {}, "text/html": {}, "application/pdf": {}},
            "description": "The report as JSON, HTML or PDF (format=)",
        }
    },
)
def pre_visit(
    appointment_id: str,
    principal: Caller,
    session: DbSession,
    now: Now,
    settings: AppSettings,
    format: Annotated[Literal["json", "html", "pdf"], Query()] = "json",
) -> Response:
    """The pre-visit report: latest assessment, score changes since the last visit, pain
    diary, load flags, plan adherence (audited read)."""
    require_role(principal, "clinician")
    report = previsit.previsit_report(
        session, principal=principal, appointment_id=appointment_id, now=now, settings=settings
    )
    if format == "json":
        return Response(json.dumps(to_jsonable(report)), media_type="application/json")
    html = render_previsit_html(report)
    if format == "html":
        return Response(html, media_type="text/html; charset=utf-8")
    return Response(
        render_previsit_pdf(html),
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="pre-visit.pdf"'},
    )


class PolicyIn(In):
    timezone: str | None = Field(None, max_length=64)
    slot_step_min: Int | None = None
    horizon_days: Int | None = None
    min_notice_min: Int | None = None
    cancel_window_min: Int | None = None
    triage_window_days: Int | None = None
    reminder_offsets_min: list[int] | None = Field(None, max_length=10)


class TypeIn(In):
    name: str = Field(max_length=200)
    visit_kind: str = Field(max_length=32)
    duration_min: Int
    buffer_before_min: Int = 0
    buffer_after_min: Int = 0
    audience: Literal["any", "new", "returning"] = "any"
    online: bool = True


class TypePatch(In):
    name: str | None = Field(None, max_length=200)
    duration_min: Int | None = None
    buffer_before_min: Int | None = None
    buffer_after_min: Int | None = None
    audience: Literal["any", "new", "returning"] | None = None
    online: bool | None = None
    active: bool | None = None


class RoomIn(In):
    name: str = Field(max_length=200)
    visit_kinds: list[str] = Field(default_factory=list, max_length=10)


class RoomPatch(In):
    name: str | None = Field(None, max_length=200)
    visit_kinds: list[str] | None = Field(None, max_length=10)
    active: bool | None = None


@setup_router.get("/booking-policy")
def get_policy(clinic_id: str, principal: Caller, session: DbSession) -> booking.PolicyView:
    """The booking policy (time zone, grid, horizon, notice, windows, reminders)."""
    del principal
    return booking.get_policy(session, clinic_id=clinic_id)


@setup_router.put("/booking-policy")
def set_policy(
    clinic_id: str, body: PolicyIn, principal: Caller, session: DbSession, now: Now
) -> booking.PolicyView:
    """Change the booking policy (audited)."""
    return booking.set_policy(
        session,
        actor=principal,
        clinic_id=clinic_id,
        now=now,
        **body.model_dump(exclude_unset=True),
    )


@setup_router.get("/appointment-types")
def list_types(
    clinic_id: str, principal: Caller, session: DbSession
) -> list[booking.AppointmentTypeView]:
    """Every appointment type, retired ones included."""
    del principal
    return booking.list_types(session, clinic_id=clinic_id, include_inactive=True)


@setup_router.post("/appointment-types", status_code=201)
def create_type(
    clinic_id: str, body: TypeIn, principal: Caller, session: DbSession, now: Now
) -> booking.AppointmentTypeView:
    """Add an appointment type."""
    return booking.create_type(
        session, actor=principal, clinic_id=clinic_id, now=now, **body.model_dump()
    )


@setup_items.patch("/appointment-types/{type_id}")
def update_type(
    type_id: str, body: TypePatch, principal: Caller, session: DbSession, now: Now
) -> booking.AppointmentTypeView:
    """Change or retire (``active: false``) an appointment type."""
    return booking.update_type(
        session,
        actor=principal,
        type_id=type_id,
        now=now,
        changes=body.model_dump(exclude_unset=True),
    )


@setup_router.get("/rooms")
def list_rooms(clinic_id: str, principal: Caller, session: DbSession) -> list[booking.RoomView]:
    """The clinic's rooms."""
    del principal
    return booking.list_rooms(session, clinic_id=clinic_id)


@setup_router.post("/rooms", status_code=201)
def create_room(
    clinic_id: str, body: RoomIn, principal: Caller, session: DbSession, now: Now
) -> booking.RoomView:
    """Add a room and the visit kinds it hosts (none listed: every kind)."""
    return booking.create_room(
        session,
        actor=principal,
        clinic_id=clinic_id,
        name=body.name,
        visit_kinds=body.visit_kinds,
        now=now,
    )


@setup_items.patch("/rooms/{room_id}")
def update_room(
    room_id: str, body: RoomPatch, principal: Caller, session: DbSession, now: Now
) -> booking.RoomView:
    """Rename a room, change what it hosts, or close it."""
    return booking.update_room(
        session, actor=principal, room_id=room_id, now=now, **body.model_dump(exclude_unset=True)
    )


@setup_router.get("/hours")
def list_hours(clinic_id: str, principal: Caller, session: DbSession) -> list[booking.HoursView]:
    """Weekly hours and date exceptions of every clinician."""
    del principal
    return booking.list_hours(session, clinic_id=clinic_id)


@setup_router.post("/hours", status_code=201)
def add_hours(
    clinic_id: str, body: HoursIn, principal: Caller, session: DbSession, now: Now
) -> booking.HoursView:
    """Add a weekly window or a date exception (local time of the clinic)."""
    return booking.add_hours(
        session, actor=principal, clinic_id=clinic_id, now=now, **body.model_dump()
    )


@setup_items.delete("/hours/{hours_id}", status_code=204)
def delete_hours(hours_id: str, principal: Caller, session: DbSession, now: Now) -> Response:
    """Remove a window (booked visits stay)."""
    booking.delete_hours(session, actor=principal, hours_id=hours_id, now=now)
    return Response(status_code=204)


@setup_router.get("/time-off")
def list_time_off(
    clinic_id: str, principal: Caller, session: DbSession, now: Now
) -> list[booking.TimeOffView]:
    """Time off from now on."""
    del principal
    return booking.list_time_off(session, clinic_id=clinic_id, from_at=now)


@setup_router.post("/time-off", status_code=201)
def add_time_off(
    clinic_id: str, body: TimeOffIn, principal: Caller, session: DbSession, now: Now
) -> booking.TimeOffView:
    """Add time off; the answer lists booked visits inside it (move them by hand)."""
    return booking.add_time_off(
        session, actor=principal, clinic_id=clinic_id, now=now, **body.model_dump()
    )


@setup_items.delete("/time-off/{time_off_id}", status_code=204)
def delete_time_off(time_off_id: str, principal: Caller, session: DbSession, now: Now) -> Response:
    """Remove time off."""
    booking.delete_time_off(session, actor=principal, time_off_id=time_off_id, now=now)
    return Response(status_code=204)


__all__ = ["router", "setup_items", "setup_router"]
