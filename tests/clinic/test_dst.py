"""Clock changes: hours are wall-clock times, so 09:00 stays 09:00 local across DST."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from backstride.clinic import Hours, Policy, check_slot, free_slots
from backstride.clinic.slots import window_days
from tests.clinic.builders import REVIEW, clinic, local


def every_day(start: str, end: str) -> tuple[Hours, ...]:
    sh, sm = (int(x) for x in start.split(":"))
    eh, em = (int(x) for x in end.split(":"))
    return tuple(Hours(f"h{d}", "c-ann", sh * 60 + sm, eh * 60 + em, weekday=d) for d in range(7))


@pytest.mark.parametrize(
    ("tz", "week_start", "change"),
    [
        ("Europe/London", dt.date(2026, 3, 23), dt.date(2026, 3, 29)),  # spring forward
        ("Europe/London", dt.date(2026, 10, 19), dt.date(2026, 10, 25)),  # fall back
        ("America/New_York", dt.date(2026, 3, 2), dt.date(2026, 3, 8)),
        ("America/New_York", dt.date(2026, 10, 26), dt.date(2026, 11, 1)),
    ],
)
def test_a_nine_oclock_slot_stays_nine_oclock_local_through_a_dst_week(
    tz: str, week_start: dt.date, change: dt.date
) -> None:
    rules = clinic(policy=Policy(timezone=tz, horizon_days=400), hours=every_day("09:00", "12:00"))
    now = dt.datetime.combine(week_start - dt.timedelta(days=7), dt.time(), tzinfo=dt.UTC)
    zone = ZoneInfo(tz)
    offsets = set()
    for i in range(8):
        day = week_start + dt.timedelta(days=i)
        slots = free_slots(
            rules, [], REVIEW, window_days(day, 1, tz), now=now, clinician_id="c-ann"
        )
        firsts = [s.start_at.astimezone(zone) for s in slots]
        assert firsts[0].time() == dt.time(9, 0), day
        assert firsts[-1].time() == dt.time(11, 30), day
        assert all(f.date() == day for f in firsts)
        assert len(slots) == 11  # 09:00 .. 11:30 every 15 min, every day
        offsets.add(firsts[0].utcoffset())
        check_slot(rules, [], REVIEW, clinician_id="c-ann", start_at=slots[0].start_at, now=now)
    assert len(offsets) == 2  # the week crossed a clock change
    assert change in {week_start + dt.timedelta(days=i) for i in range(8)}


def test_spring_forward_skips_wall_times_that_do_not_exist() -> None:
    tz = "Europe/London"
    rules = clinic(policy=Policy(timezone=tz, horizon_days=400), hours=every_day("00:00", "04:00"))
    day = dt.date(2026, 3, 29)  # 01:00 GMT becomes 02:00 BST
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    slots = free_slots(rules, [], REVIEW, window_days(day, 1, tz), now=now, clinician_id="c-ann")
    walls = [s.start_at.astimezone(ZoneInfo(tz)).strftime("%H:%M") for s in slots]
    assert not any(w.startswith("01:") for w in walls)
    # the window is 3 real hours long: every slot ends inside it
    assert all(s.end_at <= local(day, "04:00", tz) for s in slots)
    assert walls[0] == "00:00"
    assert walls[-1] == "03:30"


def test_fall_back_offers_a_repeated_wall_time_at_both_of_its_instants() -> None:
    tz = "America/New_York"
    rules = clinic(policy=Policy(timezone=tz, horizon_days=400), hours=every_day("00:00", "03:00"))
    day = dt.date(2026, 11, 1)  # 02:00 EDT becomes 01:00 EST
    now = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    slots = free_slots(rules, [], REVIEW, window_days(day, 1, tz), now=now, clinician_id="c-ann")
    walls = [s.start_at.astimezone(ZoneInfo(tz)).strftime("%H:%M") for s in slots]
    assert walls.count("01:15") == 2
    assert len({s.start_at for s in slots}) == len(slots)
    assert [s.start_at for s in slots] == sorted(s.start_at for s in slots)
    for s in slots:
        check_slot(rules, [], REVIEW, clinician_id="c-ann", start_at=s.start_at, now=now)
