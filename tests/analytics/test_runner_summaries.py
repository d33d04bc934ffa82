"""Load summaries for a batch of runners from plain stored rows, without a database."""

from __future__ import annotations

import datetime as dt

from backstride.analytics.inputs import AnalyticsOptions, RunnerProfile
from backstride.analytics.load_summary import LoadSummary, PainPoint
from backstride.analytics.runner_summaries import (
    StoredActivity,
    StoredGear,
    current_pain,
    runner_summaries,
)
from backstride.ingest.model import DataWarning

from .builders import MONDAY

TODAY = MONDAY + dt.timedelta(days=55)
ANA = RunnerProfile("ana", birth_year=1985, sex="female", hr_rest_bpm=50, hr_max_bpm=185)
BEN = RunnerProfile("ben", birth_year=1979, sex="male", hr_rest_bpm=55, hr_max_bpm=180)


def _run(
    runner_id: str, day: dt.date, km: float, *, n: int = 0, **changes: object
) -> StoredActivity:
    values: dict[str, object] = {
        "id": f"{runner_id}-{day.isoformat()}-{n}",
        "runner_id": runner_id,
        "local_date": day,
        "sport": "running",
        "duration_s": km * 330.0,
        "distance_m": km * 1000.0,
        "ascent_m": 40.0,
        "descent_m": 40.0,
        "downhill_m": 40.0,
        "avg_hr_bpm": 140.0,
        "max_hr_bpm": 160.0,
        "rpe": None,
        "avg_cadence_spm": 172.0,
        "avg_stance_time_ms": None,
        "avg_vertical_oscillation_mm": None,
        "avg_step_length_mm": None,
        "avg_stance_balance_left_pct": None,
        "gear_id": None,
        **changes,
    }
    return StoredActivity(**values)  # type: ignore[arg-type]


def _weeks(runner_id: str, weeks: int = 8, *, gear_id: str | None = None) -> list[StoredActivity]:
    return [
        _run(runner_id, MONDAY + dt.timedelta(days=7 * w + offset), km, gear_id=gear_id)
        for w in range(weeks)
        for offset, km in ((0, 8.0), (2, 8.0), (4, 8.0), (6, 12.0))
        if MONDAY + dt.timedelta(days=7 * w + offset) <= TODAY
    ]


def _summaries(
    profiles: list[RunnerProfile],
    activities: list[StoredActivity],
    *,
    gear: list[StoredGear] | None = None,
    options: dict[str, AnalyticsOptions] | None = None,
    pain: dict[str, tuple[PainPoint, ...]] | None = None,
) -> dict[str, LoadSummary]:
    return dict(
        runner_summaries(
            profiles,
            sorted(activities, key=lambda a: a.local_date),
            gear or [],
            options=options or {p.runner_id: AnalyticsOptions() for p in profiles},
            pain=pain or {},
            today=TODAY,
            from_date=None,
            to_date=TODAY,
        )
    )


def test_each_runner_in_a_batch_gets_the_summary_they_would_get_alone() -> None:
    ana, ben = _weeks("ana"), _weeks("ben")[::2]
    together = _summaries([ANA, BEN], ana + ben)
    assert together["ana"] == _summaries([ANA], ana)["ana"]
    assert together["ben"] == _summaries([BEN], ben)["ben"]


def test_runners_with_different_thresholds_are_analysed_with_their_own() -> None:
    strict = AnalyticsOptions(shoe_retire_km=100.0)
    rows = _weeks("ana") + _weeks("ben")
    together = _summaries([ANA, BEN], rows, options={"ana": strict, "ben": AnalyticsOptions()})
    alone = _summaries([ANA], _weeks("ana"), options={"ana": strict})
    assert together["ana"] == alone["ana"]
    assert together["ana"] != together["ben"]


def test_an_activity_doubted_as_a_whole_is_left_out_and_named() -> None:
    bad = _run(
        "ana",
        TODAY - dt.timedelta(days=1),
        30.0,
        n=1,
        doubts=(DataWarning("data.speed_implausible", "too fast", "load"),),
    )
    summary = _summaries([ANA], [*_weeks("ana"), bad])["ana"]
    without = _summaries([ANA], _weeks("ana"))["ana"]
    assert summary.daily == without.daily
    [left] = summary.left_out
    assert (left.activity_id, left.what, left.code) == (bad.id, "activity", bad.doubts[0].code)


def test_a_doubted_heart_rate_drops_the_stream_trimp_but_keeps_the_run() -> None:
    day = TODAY - dt.timedelta(days=1)
    trusted = _run("ana", day, 10.0, n=1, stream_trimp_male=90.0, stream_trimp_female=95.0)
    doubted = _run(
        "ana",
        day,
        10.0,
        n=1,
        stream_trimp_male=90.0,
        stream_trimp_female=95.0,
        doubts=(DataWarning("data.hr_implausible", "spikes", "hr"),),
    )
    no_hr = _run("ana", day, 10.0, n=1, avg_hr_bpm=None, max_hr_bpm=None, stream_trimp_male=None)
    with_doubt = _summaries([ANA], [*_weeks("ana"), doubted])["ana"]
    assert with_doubt.daily != _summaries([ANA], [*_weeks("ana"), trusted])["ana"].daily
    assert with_doubt.daily == _summaries([ANA], [*_weeks("ana"), no_hr])["ana"].daily
    [left] = with_doubt.left_out
    assert left.what == "heart rate"


def test_shoe_distance_counts_only_that_runners_runs_on_that_shoe() -> None:
    shoe = StoredGear("g1", "ana", "Trail shoe", retired=False, retire_km=None)
    other = StoredGear("g2", "ben", "Road shoe", retired=False, retire_km=None)
    rows = _weeks("ana", gear_id="g1") + _weeks("ben", gear_id="g2")
    summaries = _summaries([ANA, BEN], rows, gear=[shoe, other])
    [ana_shoe] = summaries["ana"].shoes
    ana_m = sum(a.distance_m or 0.0 for a in _weeks("ana"))
    assert ana_shoe.gear_id == "g1"
    assert (ana_shoe.distance_m, ana_shoe.runs) == (ana_m, len(_weeks("ana")))


def test_current_pain_is_the_latest_score_of_the_last_week_diary_first() -> None:
    day = TODAY - dt.timedelta(days=2)
    pain = (
        PainPoint(TODAY - dt.timedelta(days=5), 6, "diary"),
        PainPoint(day, 4, "during"),
        PainPoint(day, 2, "diary"),
        PainPoint(day, 5, "after"),
    )
    assert current_pain(pain, today=TODAY) == 2
    assert current_pain(pain[:2], today=TODAY) == 4
    assert current_pain(pain, today=TODAY + dt.timedelta(days=7)) is None
