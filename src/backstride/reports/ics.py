"""The plan as an RFC 5545 calendar (icalendar library): stable UIDs, SEQUENCE, cancellations.

Summaries carry no health details (only "Easy run 40 min", "Strength", "Clinic visit"); the
UID is derived from the plan id and the session key, so a re-export updates the same events.
"""

from __future__ import annotations

import datetime as dt
import re

from icalendar import Calendar, Event

from backstride.plan.model import Plan, Session

_UNSAFE = re.compile(r"[^A-Za-z0-9-]")


def session_uid(plan_id: str, key: str) -> str:
    """``<plan id>-<session key>@backstride`` with only letters, digits and dashes."""
    return f"{_UNSAFE.sub('-', plan_id)}-{_UNSAFE.sub('-', key)}@backstride"


def _event(
    plan_id: str,
    key: str,
    day: dt.date,
    summary: str,
    sequence: int,
    stamp: dt.datetime,
    *,
    cancelled: bool,
) -> Event:
    ev = Event()
    ev.add("uid", session_uid(plan_id, key))
    ev.add("dtstamp", stamp)
    ev.add("dtstart", day)
    ev.add("dtend", day + dt.timedelta(days=1))
    ev.add("summary", summary)
    ev.add("sequence", sequence)
    ev.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    ev.add("transp", "TRANSPARENT")
    return ev


def _summary(s: Session) -> str:
    return s.title if s.kind != "strength" else "Strength"


def plan_to_ics(plan: Plan, *, generated_at: dt.datetime) -> bytes:
    """The calendar for one plan version (rest days are not events)."""
    cal = Calendar()
    cal.add("prodid", "-//backstride//plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Training plan")
    for s in plan.sessions():
        if s.kind == "rest":
            continue
        cal.add_component(
            _event(
                plan.plan_id, s.key, s.date, _summary(s), s.revision, generated_at, cancelled=False
            )
        )
    for c in plan.cancelled:
        cal.add_component(
            _event(plan.plan_id, c.key, c.date, c.title, c.revision, generated_at, cancelled=True)
        )
    return bytes(cal.to_ical())


def appointment_uid(appointment_id: str) -> str:
    """``appointment-<id>@backstride``: the same for every version of one appointment."""
    return f"appointment-{_UNSAFE.sub('-', appointment_id)}@backstride"


def appointment_event(
    *,
    appointment_id: str,
    start_at: dt.datetime,
    end_at: dt.datetime,
    clinic_name: str,
    sequence: int,
    stamp: dt.datetime,
    cancelled: bool,
    organizer: str | None = None,
    attendee: str | None = None,
) -> Event:
    """One appointment as a VEVENT (RFC 5545): stable UID, SEQUENCE = the appointment's
    version, UTC times; the summary names the clinic only (no health details)."""
    ev = Event()
    ev.add("uid", appointment_uid(appointment_id))
    ev.add("dtstamp", stamp.astimezone(dt.UTC))
    ev.add("dtstart", start_at.astimezone(dt.UTC))
    ev.add("dtend", end_at.astimezone(dt.UTC))
    ev.add("summary", f"Appointment at {clinic_name}")
    ev.add("location", clinic_name)
    ev.add("sequence", sequence)
    ev.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    ev.add("transp", "OPAQUE")
    if organizer:
        ev.add("organizer", f"mailto:{organizer}", parameters={"CN": clinic_name})
    if attendee:
        ev.add(
            "attendee",
            f"mailto:{attendee}",
            parameters={"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "ACCEPTED", "RSVP": "FALSE"},
        )
    return ev


def appointment_to_ics(
    *,
    appointment_id: str,
    start_at: dt.datetime,
    end_at: dt.datetime,
    clinic_name: str,
    sequence: int,
    stamp: dt.datetime,
    method: str | None = None,
    cancelled: bool = False,
    organizer: str | None = None,
    attendee: str | None = None,
) -> bytes:
    """A calendar with one appointment. ``method`` REQUEST or CANCEL makes it an iTIP message
    for e-mail (RFC 5546/6047: METHOD, ORGANIZER and ATTENDEE); none: a plain download."""
    cal = Calendar()
    cal.add("prodid", "-//backstride//clinic//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method is not None:
        cal.add("method", method)
    cal.add_component(
        appointment_event(
            appointment_id=appointment_id,
            start_at=start_at,
            end_at=end_at,
            clinic_name=clinic_name,
            sequence=sequence,
            stamp=stamp,
            cancelled=cancelled or method == "CANCEL",
            organizer=organizer,
            attendee=attendee,
        )
    )
    return bytes(cal.to_ical())


def plan_calendar_with(
    plan: Plan, *, generated_at: dt.datetime, appointments: tuple[Event, ...]
) -> bytes:
    """The plan's calendar plus booked appointments (their events from
    :func:`appointment_event`)."""
    cal = Calendar.from_ical(plan_to_ics(plan, generated_at=generated_at))
    for ev in appointments:
        cal.add_component(ev)
    return bytes(cal.to_ical())


__all__ = [
    "appointment_event",
    "appointment_to_ics",
    "appointment_uid",
    "plan_calendar_with",
    "plan_to_ics",
    "session_uid",
]
