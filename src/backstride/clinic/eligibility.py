"""What a runner may book online, decided by their triage disposition and visit history.

Clinical reference §1.3 (what the dispositions mean in time):

- ``emergency``: no booking at all; go to an emergency department now (within the hour);
- ``urgent``: no online booking; see a doctor today or tomorrow (within 24 h), the clinic's
  front desk can fit them in;
- ``clinician``: an assessment (initial, or re-assessment) within the clinic's triage window
  (1-2 weeks [default], ``Policy.triage_window_days``);
- ``self_management``: any type the clinic offers online.

No intake yet counts as "needs an assessment": only assessment types, no deadline. Types for
new runners only go to runners without an attended visit at the clinic; types for returning
runners only to those with one. Staff booking on a runner's behalf is not limited by this.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from backstride.clinic.errors import BookingRefused
from backstride.clinic.model import AppointmentType, Audience, ClinicRules, VisitKind
from backstride.errors import Forbidden, InvalidInput

ASSESSMENT_KINDS = frozenset({VisitKind.INITIAL_ASSESSMENT, VisitKind.RE_ASSESSMENT})

EMERGENCY_ACTION = (
    "Go to an emergency department now or call the emergency number; do not wait for a "
    "clinic appointment."
)
URGENT_ACTION = (
    "See a doctor today or tomorrow (within 24 hours) and do not run until you have been "
    "seen. Phone the clinic if you would like them to fit you in."
)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why online booking is closed, with the action to take instead."""

    code: str
    detail: str
    action: str


@dataclass(frozen=True, slots=True)
class Eligibility:
    """The types a runner may book online now, and by when the visit should be."""

    disposition: str | None
    type_ids: tuple[str, ...]
    book_by: dt.datetime | None
    """Latest start the triage allows (``clinician``: now + the triage window)."""
    refusal: Refusal | None
    returning: bool
    note: str


def _audience_ok(t: AppointmentType, *, returning: bool) -> bool:
    if t.audience is Audience.NEW:
        return not returning
    if t.audience is Audience.RETURNING:
        return returning
    return True


def eligibility(
    rules: ClinicRules, *, disposition: str | None, returning: bool, now: dt.datetime
) -> Eligibility:
    """What the runner may book online at this clinic (clinical reference §1.3)."""
    if disposition == "emergency":
        return Eligibility(
            disposition,
            (),
            None,
            Refusal(
                "booking.refused_emergency",
                "this needs emergency care, not a booking",
                EMERGENCY_ACTION,
            ),
            returning,
            EMERGENCY_ACTION,
        )
    if disposition == "urgent":
        return Eligibility(
            disposition,
            (),
            None,
            Refusal("booking.refused_urgent", "this needs a doctor within 24 hours", URGENT_ACTION),
            returning,
            URGENT_ACTION,
        )
    offered = [
        t for t in rules.types if t.active and t.online and _audience_ok(t, returning=returning)
    ]
    book_by = None
    if disposition in (None, "clinician"):
        offered = [t for t in offered if t.visit_kind in ASSESSMENT_KINDS]
    if disposition == "clinician":
        book_by = now + dt.timedelta(days=rules.policy.triage_window_days)
        note = (
            f"Book an assessment within {rules.policy.triage_window_days} days "
            "(clinical reference §1.3)."
        )
    elif disposition is None:
        note = "Complete the intake first, or book an assessment."
    else:
        note = "Any visit the clinic offers online."
    return Eligibility(
        disposition,
        tuple(t.id for t in sorted(offered, key=lambda t: (t.name, t.id))),
        book_by,
        None,
        returning,
        note,
    )


def require_type(found: Eligibility, appointment_type: AppointmentType) -> None:
    """Raise unless the runner may book ``appointment_type`` online.

    ``booking.refused_emergency`` / ``booking.refused_urgent`` (with the action to take) when
    the triage closes online booking, ``booking.type_not_allowed`` for a type outside it.
    """
    if found.refusal is not None:
        raise BookingRefused(
            found.refusal.detail,
            code=found.refusal.code,
            action=found.refusal.action,
            disposition=found.disposition,
        )
    if appointment_type.id not in found.type_ids:
        raise Forbidden(
            f"{appointment_type.name!r} cannot be booked online by you: {found.note}",
            code="booking.type_not_allowed",
        )


def require_by(found: Eligibility, start_at: dt.datetime) -> None:
    """``booking.beyond_triage_window`` when the triage asks for an earlier visit."""
    if found.book_by is not None and start_at > found.book_by:
        raise InvalidInput(
            f"your assessment asks for a visit by {found.book_by.date().isoformat()}; "
            "choose an earlier time or phone the clinic",
            code="booking.beyond_triage_window",
            problems=[{"path": "start_at", "msg": "later than the triage allows"}],
        )


__all__ = [
    "ASSESSMENT_KINDS",
    "EMERGENCY_ACTION",
    "URGENT_ACTION",
    "Eligibility",
    "Refusal",
    "eligibility",
    "require_by",
    "require_type",
]
