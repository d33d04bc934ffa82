"""Hypothesis: a listed slot is always bookable, a bookable start is always listed, and no
listed slot meets a booking or time off of its clinician, room or runner."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstride.clinic import (
    AppointmentType,
    Booking,
    Clinician,
    ClinicRules,
    Hours,
    Policy,
    Room,
    TimeOff,
    VisitKind,
    check_slot,
    free_slots,
)
from backstride.clinic.slots import window_days
from backstride.errors import BackstrideError

DAY = dt.date(2026, 3, 28)  # the day before London's clocks go forward, and that day
NOW = dt.datetime(2026, 3, 27, 6, 0, tzinfo=dt.UTC)
BASE = dt.datetime(2026, 3, 28, 0, 0, tzinfo=dt.UTC)
KINDS = list(VisitKind)


@st.composite
def worlds(draw: st.DrawFn) -> tuple[ClinicRules, list[Booking], AppointmentType, str | None]:
    tz = draw(st.sampled_from(["Europe/London", "America/New_York", "UTC"]))
    step = draw(st.sampled_from([10, 15, 30]))
    t = AppointmentType(
        "t",
        "Visit",
        draw(st.sampled_from(KINDS)),
        draw(st.sampled_from([15, 20, 30, 45, 60])),
        draw(st.sampled_from([0, 5, 10, 15])),
        draw(st.sampled_from([0, 5, 10, 15])),
    )
    clinicians = ("c1", "c2")
    rooms = tuple(
        Room(f"r{i}", f"Room {i}", frozenset(draw(st.sets(st.sampled_from(KINDS), max_size=3))))
        for i in range(draw(st.integers(0, 2)))
    )
    hours = []
    for i in range(draw(st.integers(1, 5))):
        start = draw(st.integers(0, 22 * 4)) * 15
        end = min(24 * 60, start + draw(st.integers(1, 12)) * 15)
        hours.append(
            Hours(
                f"h{i}",
                draw(st.sampled_from(clinicians)),
                start,
                end,
                weekday=draw(st.sampled_from([5, 6])),
                room_id=draw(st.sampled_from([None, *(r.id for r in rooms)])),
                visit_kinds=frozenset(draw(st.sets(st.sampled_from(KINDS), max_size=2))),
            )
        )
    offs = []
    for i in range(draw(st.integers(0, 3))):
        a = BASE + dt.timedelta(minutes=draw(st.integers(0, 2 * 24 * 60)))
        offs.append(
            TimeOff(
                f"o{i}",
                a,
                a + dt.timedelta(minutes=draw(st.integers(1, 300))),
                clinician_id=draw(st.sampled_from([None, *clinicians])),
                room_id=None,
            )
        )
    bookings = []
    for i in range(draw(st.integers(0, 8))):
        a = BASE + dt.timedelta(minutes=draw(st.integers(0, 2 * 24 * 60 // 5)) * 5)
        length = dt.timedelta(minutes=draw(st.integers(1, 24)) * 5)
        bookings.append(
            Booking(
                f"b{i}",
                draw(st.sampled_from(clinicians)),
                draw(st.sampled_from(["me", "other"])),
                a,
                a + length,
                a - dt.timedelta(minutes=draw(st.integers(0, 3)) * 5),
                a + length + dt.timedelta(minutes=draw(st.integers(0, 3)) * 5),
                draw(st.sampled_from([None, *(r.id for r in rooms)])),
            )
        )
    rules = ClinicRules(
        Policy(timezone=tz, slot_step_min=step, min_notice_min=0, horizon_days=30),
        (t,),
        tuple(Clinician(c, c) for c in clinicians),
        rooms,
        tuple(hours),
        tuple(offs),
    )
    return rules, bookings, t, draw(st.sampled_from([None, "me"]))


def _overlap(a0: dt.datetime, a1: dt.datetime, b0: dt.datetime, b1: dt.datetime) -> bool:
    return a0 < b1 and b0 < a1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_free_slots_and_the_write_check_agree(
    world: tuple[ClinicRules, list[Booking], AppointmentType, str | None],
) -> None:
    rules, bookings, t, runner = world
    window = window_days(DAY, 2, rules.policy.timezone)
    slots = free_slots(rules, bookings, t, window, now=NOW, runner_id=runner)
    listed = {(s.start_at, s.clinician_id): s for s in slots}
    assert len(listed) == len(slots)
    assert [(s.start_at, s.clinician_id) for s in slots] == sorted(listed)
    for s in slots:
        again = check_slot(
            rules,
            bookings,
            t,
            clinician_id=s.clinician_id,
            start_at=s.start_at,
            now=NOW,
            runner_id=runner,
        )
        assert again == s
        assert again.room_id == s.room_id
        for b in bookings:
            shares = b.clinician_id == s.clinician_id or (
                b.room_id is not None and b.room_id == s.room_id
            )
            shares = shares or (runner is not None and b.runner_id == runner)
            assert not (
                shares
                and _overlap(
                    s.blocked_start_at, s.blocked_end_at, b.blocked_start_at, b.blocked_end_at
                )
            )
        for off in rules.time_off:
            if off.clinician_id in (None, s.clinician_id):
                assert not _overlap(s.blocked_start_at, s.blocked_end_at, off.start_at, off.end_at)
    # completeness: every start on a 5-minute grid that the check accepts is listed
    at = window.start_at
    while at < window.end_at:
        for c in ("c1", "c2"):
            try:
                found = check_slot(
                    rules, bookings, t, clinician_id=c, start_at=at, now=NOW, runner_id=runner
                )
            except BackstrideError:
                continue
            assert listed[(at, c)] == found
        at += dt.timedelta(minutes=5)
