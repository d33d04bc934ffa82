"""What the booking services return: frozen, typed views (the API and pages render them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PolicyView:
    """A clinic's booking policy."""

    clinic_id: str
    timezone: str
    slot_step_min: int
    horizon_days: int
    min_notice_min: int
    cancel_window_min: int
    triage_window_days: int
    reminder_offsets_min: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class AppointmentTypeView:
    """A bookable service."""

    id: str
    clinic_id: str
    name: str
    visit_kind: str
    duration_min: int
    buffer_before_min: int
    buffer_after_min: int
    audience: str
    online: bool
    active: bool


@dataclass(frozen=True, slots=True)
class RoomView:
    """A room and what it hosts (empty: every kind)."""

    id: str
    clinic_id: str
    name: str
    visit_kinds: tuple[str, ...]
    active: bool


@dataclass(frozen=True, slots=True)
class HoursView:
    """A clinician's weekly window or a one-date exception (local ``HH:MM``)."""

    id: str
    clinic_id: str
    clinician_id: str
    weekday: int | None
    on_date: dt.date | None
    start: str
    end: str
    room_id: str | None
    visit_kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TimeOffView:
    """Time off; ``conflicts`` lists booked appointments inside it (to move by hand)."""

    id: str
    clinic_id: str
    clinician_id: str | None
    room_id: str | None
    start_at: dt.datetime
    end_at: dt.datetime
    reason: str
    conflicts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ClinicianOption:
    """A clinician a runner can choose."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class SlotView:
    """A free start with names to show and the local wall-clock time."""

    start_at: dt.datetime
    end_at: dt.datetime
    local_start: str
    """ISO 8601 in the clinic's zone, e.g. ``2026-06-01T09:00:00+01:00``."""
    clinician_id: str
    clinician_name: str
    room_id: str | None
    room_name: str | None


@dataclass(frozen=True, slots=True)
class FreeSlots:
    """Free slots for one type, in order, and what bounded the search."""

    clinic_id: str
    appointment_type_id: str
    timezone: str
    from_at: dt.datetime
    to_at: dt.datetime
    book_by: dt.datetime | None
    slots: tuple[SlotView, ...]


@dataclass(frozen=True, slots=True)
class AppointmentView:
    """One appointment as its runner or the clinic sees it."""

    id: str
    clinic_id: str
    clinic_name: str
    appointment_type_id: str
    type_name: str
    visit_kind: str
    clinician_id: str
    clinician_name: str
    room_id: str | None
    room_name: str | None
    runner_id: str
    runner_name: str | None
    """Shown to the clinic while the runner's consent is active."""
    start_at: dt.datetime
    end_at: dt.datetime
    local_start: str
    timezone: str
    status: str
    version: int
    booked_via: str
    override_reason: str | None
    cancel_reason: str | None
    change_until: dt.datetime
    """The runner may cancel or move it online until this instant (the policy window)."""
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class BookingResult:
    """A booked (or moved, cancelled, marked) appointment; ``replayed``: an Idempotency-Key
    repeat that changed nothing."""

    appointment: AppointmentView
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class BookingOptions:
    """What a runner may book at a clinic now, and why."""

    clinic_id: str
    clinic_name: str
    timezone: str
    disposition: str | None
    types: tuple[AppointmentTypeView, ...]
    clinicians: tuple[ClinicianOption, ...]
    book_by: dt.datetime | None
    refusal_code: str | None
    action: str | None
    """What to do instead when online booking is closed (urgent, emergency)."""
    note: str
    returning: bool
    consent_active: bool
    cancel_window_min: int


@dataclass(frozen=True, slots=True)
class SuggestedVisit:
    """A clinic-visit day of the runner's plan with the first free slots on that date."""

    session_key: str
    on_date: dt.date
    title: str
    appointment_type_id: str | None
    slots: tuple[SlotView, ...]
    booked: AppointmentView | None


__all__ = [
    "AppointmentTypeView",
    "AppointmentView",
    "BookingOptions",
    "BookingResult",
    "ClinicianOption",
    "FreeSlots",
    "HoursView",
    "PolicyView",
    "RoomView",
    "SlotView",
    "SuggestedVisit",
    "TimeOffView",
]
