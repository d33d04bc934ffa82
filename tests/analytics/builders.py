"""Small builders of training histories for the analytics tests."""

from __future__ import annotations

import datetime as dt

from backstride.analytics.inputs import ActivityRow, RunnerProfile

MONDAY = dt.date(2026, 1, 5)
PROFILE = RunnerProfile("r1", birth_year=1985, sex="female", hr_rest_bpm=50, hr_max_bpm=185)


def steady_weeks(weeks: int, *, runner: int = 0, start: dt.date = MONDAY) -> list[ActivityRow]:
    """Mon/Wed/Fri 8 km easy, Sunday 12 km long run, every week the same."""
    rows = []
    for w in range(weeks):
        for offset, km in ((0, 8), (2, 8), (4, 8), (6, 12)):
            rows.append(
                ActivityRow(
                    runner_index=runner,
                    local_date=start + dt.timedelta(days=7 * w + offset),
                    distance_m=km * 1000.0,
                    duration_s=km * 330.0,
                    avg_hr_bpm=140.0,
                    max_hr_bpm=160.0,
                    ascent_m=40.0,
                    descent_m=40.0,
                )
            )
    return rows


def run(day: dt.date, km: float, *, runner: int = 0) -> ActivityRow:
    """One easy run of ``km`` on ``day``."""
    return ActivityRow(
        runner_index=runner,
        local_date=day,
        distance_m=km * 1000.0,
        duration_s=km * 330.0,
        avg_hr_bpm=140.0,
        max_hr_bpm=160.0,
    )
