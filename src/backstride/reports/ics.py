"""The plan as an RFC 5545 calendar (icalendar library): stable UIDs, SEQUENCE, cancellations.

Summaries carry no health details (only "Easy run 40 min", "Strength", "Clinic visit"); the
description carries the session's content - the run with its target, the warm-up and
cool-down with their dosing, the exercises with their doses - so the calendar is enough to
train from. A clinic visit is a timed event at the clinic's usual start (a floating local
time, RFC 5545 §3.3.5, read in the runner's own time zone); other sessions are all-day. The
UID is derived from the plan id and the session key, so a re-export updates the same events.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from icalendar import Calendar, Event

from backstride.plan.describe import content_lines, session_line
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
    description: str = "",
    start_min: int | None = None,
    duration_s: int | None = None,
) -> Event:
    ev = Event()
    ev.add("uid", session_uid(plan_id, key))
    ev.add("dtstamp", stamp)
    if start_min is not None:
        start = dt.datetime.combine(
            day, dt.time(start_min // 60, start_min % 60)
        )  # floating local time
        ev.add("dtstart", start)
        ev.add("dtend", start + dt.timedelta(seconds=duration_s or 30 * 60))
        ev.add("transp", "OPAQUE")
    else:
        ev.add("dtstart", day)
        ev.add("dtend", day + dt.timedelta(days=1))
        ev.add("transp", "TRANSPARENT")
    ev.add("summary", summary)
    if description:
        ev.add("description", description)
    ev.add("sequence", sequence)
    ev.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return ev


def _summary(s: Session) -> str:
    return s.title if s.kind != "strength" else "Strength"


def description(s: Session) -> str:
    """What to do in the session: its line (target, time) and its content line by line."""
    return "\n".join([session_line(s), *content_lines(s)])


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
                plan.plan_id,
                s.key,
                s.date,
                _summary(s),
                s.revision,
                generated_at,
                cancelled=False,
                description=description(s),
                start_min=s.start_min,
                duration_s=s.duration_s,
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


_ID = "x0sentinel0id0x"
_SEQ = 987654321
_WHO = "x0sentinel0attendee0x@invalid"
_STAMP, _START, _END = (dt.datetime(1901, 1, 1, 0, 0, s, tzinfo=dt.UTC) for s in (1, 2, 3))


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


_SENTINELS = (_ID, str(_SEQ), _utc(_STAMP), _utc(_START), _utc(_END), _WHO)


def _fold(line: str) -> str:
    """RFC 5545 §3.1 folding, as icalendar does it (75 octets, an escape never split)."""
    if len(line) < 75 and line.isascii():
        return line
    parts: list[str] = []
    current: list[str] = []
    count = 0
    for char in line:
        size = len(char.encode("utf-8"))
        if current and count + size >= 75:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                parts.append("".join(current))
                current, count = [carried], len(carried.encode("utf-8"))
            else:
                parts.append("".join(current))
                current, count = [], 0
        current.append(char)
        count += size
    if current:
        parts.append("".join(current))
    return "\r\n ".join(parts)


@functools.lru_cache(maxsize=256)
def _itip_template(
    clinic_name: str, method: str, organizer: str | None, with_attendee: bool
) -> tuple[str, ...] | None:
    """The content lines (unfolded) of :func:`appointment_to_ics` for one clinic, method
    and organizer, with sentinels where the appointment's own values go; None when a
    sentinel does not occur exactly once (the clinic's name contains one)."""
    text = appointment_to_ics(
        appointment_id=_ID,
        start_at=_START,
        end_at=_END,
        clinic_name=clinic_name,
        sequence=_SEQ,
        stamp=_STAMP,
        method=method,
        organizer=organizer,
        attendee=_WHO if with_attendee else None,
    ).decode("utf-8")
    unfolded = text.replace("\r\n ", "")
    sentinels = _SENTINELS if with_attendee else _SENTINELS[:-1]
    if any(unfolded.count(x) != 1 for x in sentinels):
        return None
    return tuple(unfolded.split("\r\n"))


def appointment_itip(
    *,
    appointment_id: str,
    start_at: dt.datetime,
    end_at: dt.datetime,
    clinic_name: str,
    sequence: int,
    stamp: dt.datetime,
    method: str,
    organizer: str | None = None,
    attendee: str | None = None,
) -> str:
    """:func:`appointment_to_ics` with a ``method``, as text, from a template per clinic.

    The same calendar, character for character: the template is icalendar's own output for
    the clinic (escaping, parameters, property order), made once per clinic, method and
    organizer; only the UID, times, SEQUENCE and attendee change per message, and none of
    them needs escaping (an e-mail sender builds many of these; docs/decisions/0065)."""
    template = _itip_template(clinic_name, method, organizer, attendee is not None)
    if template is None:
        return appointment_to_ics(
            appointment_id=appointment_id,
            start_at=start_at,
            end_at=end_at,
            clinic_name=clinic_name,
            sequence=sequence,
            stamp=stamp,
            method=method,
            organizer=organizer,
            attendee=attendee,
        ).decode("utf-8")
    values = (
        _UNSAFE.sub("-", appointment_id),
        str(sequence),
        _utc(stamp),
        _utc(start_at),
        _utc(end_at),
        attendee or "",
    )
    lines = []
    for line in template:
        for sentinel, value in zip(_SENTINELS, values, strict=True):
            if sentinel in line:
                line = line.replace(sentinel, value)
        lines.append(_fold(line))
    return "\r\n".join(lines)


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
    "appointment_itip",
    "appointment_to_ics",
    "appointment_uid",
    "description",
    "plan_calendar_with",
    "plan_to_ics",
    "session_uid",
]
