"""Builders for the clinic stage: a small clinic with defaults, bookings at local times."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

from backstride.clinic import (
    AppointmentType,
    Booking,
    Clinician,
    ClinicRules,
    Hours,
    Policy,
    Room,
    Slot,
    VisitKind,
)
from backstride.clinic.slots import blocked_range

LONDON = "Europe/London"
MONDAY = dt.date(2026, 6, 1)
"""A Monday in British Summer Time, far from any clock change."""
NOW = dt.datetime(2026, 5, 29, 8, 0, tzinfo=dt.UTC)
"""The Friday before."""

ASSESS = AppointmentType("t-assess", "Initial assessment", VisitKind.INITIAL_ASSESSMENT, 45, 0, 15)
REVIEW = AppointmentType("t-review", "Exercise review", VisitKind.EXERCISE_REVIEW, 30)
GAIT = AppointmentType("t-gait", "Gait analysis", VisitKind.GAIT_ANALYSIS, 60, 10, 10)


def weekdays(
    clinician_id: str, start: str = "09:00", end: str = "17:00", **kw: object
) -> tuple[Hours, ...]:
    """Monday-Friday hours for one clinician."""
    return tuple(
        Hours(f"h-{clinician_id}-{d}", clinician_id, minutes(start), minutes(end), weekday=d, **kw)  # type: ignore[arg-type]
        for d in range(5)
    )


def minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def clinic(**changes: object) -> ClinicRules:
    """Two clinicians on weekdays 9-17, two rooms (the gym only for gait and exercise)."""
    rules = ClinicRules(
        policy=Policy(timezone=LONDON, min_notice_min=120, horizon_days=60),
        types=(ASSESS, REVIEW, GAIT),
        clinicians=(Clinician("c-ann", "Ann"), Clinician("c-bob", "Bob")),
        rooms=(
            Room(
                "r-1",
                "Room 1",
                frozenset(
                    {VisitKind.INITIAL_ASSESSMENT, VisitKind.EXERCISE_REVIEW, VisitKind.ADJUSTMENT}
                ),
            ),
            Room("r-gym", "Gym", frozenset({VisitKind.GAIT_ANALYSIS, VisitKind.EXERCISE_REVIEW})),
        ),
        hours=weekdays("c-ann") + weekdays("c-bob"),
    )
    return replace(rules, **changes)  # type: ignore[arg-type]


def local(day: dt.date, hhmm: str, tz: str = LONDON) -> dt.datetime:
    """A local wall-clock time as an aware UTC instant."""
    h, m = (int(x) for x in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(h, m), tzinfo=ZoneInfo(tz)).astimezone(dt.UTC)


def booking(
    t: AppointmentType,
    start_at: dt.datetime,
    *,
    clinician_id: str = "c-ann",
    room_id: str | None = "r-1",
    runner_id: str = "someone",
    id: str = "b1",
) -> Booking:
    a, b = blocked_range(t, start_at)
    return Booking(id, clinician_id, runner_id, start_at, start_at + t.duration, a, b, room_id)


def as_booking(slot: Slot, *, runner_id: str, id: str) -> Booking:
    return Booking(
        id,
        slot.clinician_id,
        runner_id,
        slot.start_at,
        slot.end_at,
        slot.blocked_start_at,
        slot.blocked_end_at,
        slot.room_id,
    )


def local_hhmm(value: dt.datetime, tz: str = LONDON) -> str:
    return value.astimezone(ZoneInfo(tz)).strftime("%H:%M")
