"""Clinic scheduling rules (pure): appointment types, hours, free slots, write-time checks.

No I/O and no clock: ``now`` is an argument. The store and services turn rows into these
dataclasses; the database enforces the no-overlap invariant on its own as well.
"""

from backstride.clinic.eligibility import Eligibility, eligibility, require_by, require_type
from backstride.clinic.errors import BookingRefused, SlotTaken, TooManyRequests
from backstride.clinic.model import (
    AppointmentType,
    Audience,
    Booking,
    Clinician,
    ClinicRules,
    Hours,
    Policy,
    Room,
    Slot,
    Status,
    TimeOff,
    VisitKind,
    Window,
)
from backstride.clinic.slots import blocked_range, check_slot, free_slots, window_days

__all__ = [
    "AppointmentType",
    "Audience",
    "Booking",
    "BookingRefused",
    "ClinicRules",
    "Clinician",
    "Eligibility",
    "Hours",
    "Policy",
    "Room",
    "Slot",
    "SlotTaken",
    "Status",
    "TimeOff",
    "TooManyRequests",
    "VisitKind",
    "Window",
    "blocked_range",
    "check_slot",
    "eligibility",
    "free_slots",
    "require_by",
    "require_type",
    "window_days",
]
