"""The plan calendar: stable UIDs, SEQUENCE bumps, cancellations, no health details."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

import pytest
from icalendar import Calendar

from backstride.plan.adapt import adapt_plan
from backstride.plan.model import Preferences
from backstride.plan.monitor import SessionLog
from backstride.reports.ics import (
    _ID,
    appointment_itip,
    appointment_to_ics,
    plan_to_ics,
    session_uid,
)
from backstride.reports.plan_report import render_plan_html, render_plan_pdf
from tests.plan.builders import MONDAY, assessment, make_plan, worked_context

STAMP = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


class Event(TypedDict):
    summary: str
    sequence: int
    status: str


def events(data: bytes) -> dict[str, Event]:
    cal = Calendar.from_ical(data)
    return {
        str(ev["uid"]): {
            "summary": str(ev["summary"]),
            "sequence": int(ev.decoded("sequence")),
            "status": str(ev["status"]),
        }
        for ev in cal.walk("VEVENT")
    }


def test_uids_are_derived_from_plan_id_and_session_key_and_stable() -> None:
    plan = make_plan()
    first, again = (
        events(plan_to_ics(plan, generated_at=STAMP)),
        events(plan_to_ics(make_plan(), generated_at=STAMP + dt.timedelta(days=1))),
    )
    assert first.keys() == again.keys()
    run = next(s for s in plan.sessions() if s.kind == "run")
    assert session_uid(plan.plan_id, run.key) in first


def test_a_changed_session_bumps_sequence_and_a_removed_one_is_cancelled() -> None:
    plan = make_plan()
    today = MONDAY + dt.timedelta(days=6)
    logs = [
        SessionLog(s.date, s.kind, "done", s.key, pain_during=7, pain_after=7)
        for s in plan.sessions()
        if s.kind == "run" and s.date <= today
    ]
    new = adapt_plan(
        plan,
        logs,
        assessment=assessment(),
        context=worked_context(),
        preferences=Preferences(),
        today=today,
    ).plan
    before, after = (
        events(plan_to_ics(plan, generated_at=STAMP)),
        events(plan_to_ics(new, generated_at=STAMP)),
    )
    bumped = [
        uid for uid in before if uid in after and after[uid]["sequence"] > before[uid]["sequence"]
    ]
    assert bumped
    for c in new.cancelled:
        uid = session_uid(new.plan_id, c.key)
        assert after[uid]["status"] == "CANCELLED"
        assert after[uid]["sequence"] >= 1


def test_a_blocked_adaptation_cancels_every_future_event() -> None:
    plan = make_plan()
    today = MONDAY + dt.timedelta(days=1)
    new = adapt_plan(
        plan,
        [SessionLog(today, "run", "done", new_red_flag="saddle numbness")],
        assessment=assessment(),
        context=worked_context(),
        preferences=Preferences(),
        today=today,
    ).plan
    evs = events(plan_to_ics(new, generated_at=STAMP))
    future = [s for s in plan.sessions() if s.date > today and s.kind != "rest"]
    assert all(evs[session_uid(plan.plan_id, s.key)]["status"] == "CANCELLED" for s in future)


def test_events_carry_no_health_details() -> None:
    # Descriptions carry what to do (doses, targets), never pain, diagnosis or flags.
    plan = make_plan(assessment("clinician", flags=frozenset({"hold_hills"}), pain=5))
    text = plan_to_ics(plan, generated_at=STAMP).decode()
    for word in ("pain", "fracture", "stress", "spondyl", "red flag", "nprs"):
        assert word.lower() not in text.lower()
    summaries = {e["summary"] for e in events(text.encode()).values()}
    assert "Strength" in summaries
    assert any(s.startswith("Easy run ") and s.endswith(" min") for s in summaries)


def test_the_printable_plan_has_each_exercise_s_instructions_and_renders_to_pdf() -> None:
    plan = make_plan(weeks=2)
    html = render_plan_html(plan, runner_name="ana")
    assert "Exercise guide" in html
    assert "Elbows under the shoulders." in html
    assert render_plan_pdf(html)[:4] == b"%PDF"


def test_a_blocked_plan_prints_what_to_do_now() -> None:
    plan = make_plan(assessment("emergency", flags=frozenset({"blocked"})))
    html = render_plan_html(plan, runner_name="ana")
    assert "No training plan" in html
    assert "emergency care now" in html


def _vevents(data: bytes) -> dict[str, object]:
    return {str(ev["uid"]): ev for ev in Calendar.from_ical(data).walk("VEVENT")}


def test_each_event_carries_what_to_do_with_its_doses() -> None:
    plan = make_plan(weeks=1)
    evs = _vevents(plan_to_ics(plan, generated_at=STAMP))
    run = next(s for s in plan.sessions() if s.kind == "run")
    text = str(evs[session_uid(plan.plan_id, run.key)]["description"])  # type: ignore[index]
    assert f"{(run.distance_m or 0) / 1000:.1f} km at ~" in text
    assert "Warm-up ~" in text
    assert "Brisk walk" in text
    assert "Cool-down ~" in text
    strength = next(s for s in plan.sessions() if s.kind == "strength")
    text = str(evs[session_uid(plan.plan_id, strength.key)]["description"])  # type: ignore[index]
    assert "Glute bridge 3 x 12" in text or "Split squat 3 x 10" in text


def test_a_clinic_visit_is_a_timed_event_at_the_clinics_usual_start() -> None:
    from dataclasses import replace

    from backstride.plan.model import PlanRules

    rules = replace(PlanRules(), visit_start_min=8 * 60 + 30, visit_duration_min=45)
    plan = make_plan(assessment("clinician", group="medium"), weeks=2, rules=rules)
    visit = next(s for s in plan.sessions() if s.kind == "clinic_visit")
    ev = _vevents(plan_to_ics(plan, generated_at=STAMP))[session_uid(plan.plan_id, visit.key)]
    start, end = ev["dtstart"].dt, ev["dtend"].dt  # type: ignore[index]
    assert start == dt.datetime.combine(visit.date, dt.time(8, 30))
    assert start.tzinfo is None  # floating: the runner's own local time
    assert end - start == dt.timedelta(minutes=45)
    run = next(s for s in plan.sessions() if s.kind == "run")
    ev = _vevents(plan_to_ics(plan, generated_at=STAMP))[session_uid(plan.plan_id, run.key)]
    assert ev["dtstart"].dt == run.date  # type: ignore[index]


def test_the_printable_plan_shows_the_ladders_and_the_warm_up_dosing() -> None:
    plan = make_plan(weeks=6)
    html = render_plan_html(plan, runner_name="ana")
    assert "Strength ladders" in html
    assert "now: Plank from the knees (1/4)" in html
    assert "Warm-up ~" in html
    assert "Brisk walk 5 min" in html


@pytest.mark.parametrize(
    ("clinic_name", "attendee", "appointment_id"),
    [
        ("North Clinic", "ana@example.org", "01HXYZABC"),
        (
            "Clínica São Paulo; sports, spine & back - a name long enough to be folded twice",
            "a.very.long.address.to.fold.the.attendee.line@physio.example.org",
            "id/with spaces",
        ),
        ('Back\\slash ^caret "quoted": yes', None, "x" * 80),
    ],
)
@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_an_itip_calendar_from_the_clinics_template_is_icalendars_own_text(
    clinic_name: str, attendee: str | None, appointment_id: str, method: str
) -> None:
    values: dict[str, Any] = {
        "appointment_id": appointment_id,
        "start_at": dt.datetime(2026, 12, 1, 9, 15, tzinfo=dt.UTC),
        "end_at": dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC),
        "clinic_name": clinic_name,
        "sequence": 3,
        "stamp": dt.datetime(2026, 11, 25, 10, 0, 0, 123, tzinfo=dt.UTC),
        "method": method,
        "organizer": "clinic@backstride.invalid",
        "attendee": attendee,
    }
    for _ in range(2):  # the first call makes the template, the second uses it
        assert appointment_itip(**values) == appointment_to_ics(**values).decode()


def test_a_clinic_name_holding_a_template_placeholder_still_gets_its_calendar() -> None:
    values: dict[str, Any] = {
        "appointment_id": "a1",
        "start_at": dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC),
        "end_at": dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC),
        "clinic_name": f"Clinic {_ID}",
        "sequence": 1,
        "stamp": dt.datetime(2026, 11, 25, tzinfo=dt.UTC),
        "method": "REQUEST",
    }
    assert appointment_itip(**values) == appointment_to_ics(**values).decode()
