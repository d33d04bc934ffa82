"""The demo clinic's booking set-up (idempotent): London time, six visit types, two rooms,
the demo clinician Monday to Friday 09:00-17:00."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.services.booking import setup
from backstride.store.clinic_models import AppointmentTypeRow

_TYPES = (
    ("Initial assessment", "initial_assessment", 45, 0, 15, "any"),
    ("Re-assessment", "re_assessment", 30, 0, 10, "returning"),
    ("Exercise review", "exercise_review", 30, 0, 0, "returning"),
    ("Adjustment / manual therapy", "adjustment", 30, 0, 10, "returning"),
    ("Soft tissue", "soft_tissue", 30, 0, 10, "returning"),
    ("Gait analysis", "gait_analysis", 60, 10, 10, "any"),
)


def seed_booking(session: Session, *, clinic_id: str, clinician_id: str, now: dt.datetime) -> None:
    """Set up booking at the demo clinic unless it has appointment types already."""
    if session.scalar(
        select(AppointmentTypeRow.id).where(AppointmentTypeRow.clinic_id == clinic_id)
    ):
        return
    setup.set_policy(session, actor=None, clinic_id=clinic_id, now=now, timezone="Europe/London")
    for name, kind, minutes, before, after, audience in _TYPES:
        setup.create_type(
            session,
            actor=None,
            clinic_id=clinic_id,
            name=name,
            visit_kind=kind,
            duration_min=minutes,
            buffer_before_min=before,
            buffer_after_min=after,
            audience=audience,
            now=now,
        )
    setup.create_room(
        session,
        actor=None,
        clinic_id=clinic_id,
        name="Treatment room",
        now=now,
        visit_kinds=(
            "initial_assessment",
            "re_assessment",
            "adjustment",
            "soft_tissue",
            "exercise_review",
        ),
    )
    setup.create_room(
        session,
        actor=None,
        clinic_id=clinic_id,
        name="Gym",
        now=now,
        visit_kinds=("gait_analysis", "exercise_review"),
    )
    for weekday in range(5):
        setup.add_hours(
            session,
            actor=None,
            clinic_id=clinic_id,
            clinician_id=clinician_id,
            weekday=weekday,
            start="09:00",
            end="17:00",
            now=now,
        )


__all__ = ["seed_booking"]
