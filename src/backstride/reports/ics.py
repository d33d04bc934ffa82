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


__all__ = ["plan_to_ics", "session_uid"]
