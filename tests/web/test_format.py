"""Numbers as runners read them; a missing value is a dash, never a zero."""

from __future__ import annotations

import datetime as dt

import pytest

from backstride.web import format as fmt


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (312.0, "5:12 /km"),
        (299.6, "5:00 /km"),
        (None, "—"),
        (0.0, "—"),
        (float("nan"), "—"),
        (4000.0, "—"),
    ],
)
def test_pace_reads_minutes_and_seconds_per_km(value: float | None, text: str) -> None:
    assert fmt.pace(value) == text


def test_distance_heart_rate_cadence_and_time_read_like_a_watch() -> None:
    assert fmt.km(7430) == "7.4 km"
    assert fmt.km(None) == "—"
    assert fmt.bpm(151.6) == "152 bpm"
    assert fmt.spm(171.2) == "171 steps/min"
    assert fmt.duration(2530) == "42:10"
    assert fmt.duration(3723) == "1:02:03"
    assert fmt.minutes(2400) == "40 min"
    assert fmt.minutes(3900) == "1 h 05 min"
    assert fmt.pace_of(10000, 3120) == "5:12 /km"
    assert fmt.pace_of(0, 3120) == "—"
    assert fmt.percent(0.284) == "28 %"


def test_dates_read_as_a_runner_says_them() -> None:
    day = dt.date(2026, 12, 7)
    assert fmt.day(day) == "Mon 7 Dec"
    assert fmt.date(day) == "7 Dec 2026"
    assert fmt.when(dt.datetime(2026, 12, 7, 14, 5, tzinfo=dt.UTC)) == "7 Dec 2026, 14:05 UTC"


def test_a_browser_is_named_by_its_program_and_system_as_people_say_it() -> None:
    chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Version/18.1 Safari/604.1"
    edge = "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0"
    assert fmt.device(chrome) == "Chrome on Linux"
    assert fmt.device(iphone) == "Safari on iPhone"
    assert fmt.device(edge) == "Edge on Windows"
    assert fmt.device("python-httpx/0.28.1") == "python-httpx/0.28.1"
    assert fmt.device(None) == "Unknown device"
