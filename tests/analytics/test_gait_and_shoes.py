"""Gait drift against the runner's own baseline and the "check the shoe" alert."""

from __future__ import annotations

import datetime as dt

import pytest

from backstride.analytics.gait import GaitRun, balance_drift, cadence_drop, garmin_balance_zone
from backstride.analytics.shoes import ShoeInput, shoe_summaries

START = dt.date(2026, 3, 2)


def balance_runs(baseline: list[float], recent: list[float]) -> list[GaitRun]:
    values = baseline + recent
    return [
        GaitRun(START + dt.timedelta(days=3 * i), stance_balance_left_pct=v)
        for i, v in enumerate(values)
    ]


BASELINE = [50.1, 50.3, 49.9, 50.2, 50.0, 50.4, 50.2]


def test_balance_drift_example_flags_plus_1_2_points() -> None:
    base, current, flag = balance_drift(balance_runs(BASELINE, [51.0, 51.4, 51.6, 51.2, 51.5]))
    assert base == pytest.approx(50.2)
    assert current == pytest.approx(51.4)
    assert flag is not None
    assert flag.code == "gait.balance_drift"
    assert "orange" in flag.text
    assert "not a diagnosis" in flag.text


def test_balance_drift_of_0_9_points_is_not_flagged() -> None:
    _, current, flag = balance_drift(balance_runs(BASELINE, [51.1, 51.0, 51.2, 51.1, 51.1]))
    assert current == pytest.approx(51.1)
    assert flag is None


def test_balance_drift_needs_five_baseline_runs() -> None:
    assert balance_drift(balance_runs(BASELINE[:4], [52.0] * 5))[2] is None


@pytest.mark.parametrize(
    ("left", "zone"),
    [
        (50.7, "green"),
        (49.3, "green"),
        (50.8, "orange"),
        (52.2, "orange"),
        (52.3, "red"),
        (47.7, "red"),
    ],
)
def test_garmin_zones_are_symmetric(left: float, zone: str) -> None:
    assert garmin_balance_zone(left) == zone


def cadence_runs(baseline_spm: float, recent_spm: float) -> list[GaitRun]:
    runs = [
        GaitRun(START + dt.timedelta(days=2 * i), pace_s_per_km=360.0, cadence_spm=baseline_spm)
        for i in range(10)
    ]
    runs += [
        GaitRun(START + dt.timedelta(days=20 + 2 * i), pace_s_per_km=362.0, cadence_spm=recent_spm)
        for i in range(5)
    ]
    return runs


def test_cadence_drop_of_more_than_5_spm_at_similar_pace_is_flagged() -> None:
    base, current, flag = cadence_drop(cadence_runs(172, 165))
    assert (base, current) == (172, 165)
    assert flag is not None
    assert flag.code == "gait.cadence_drop"


def test_cadence_drop_of_5_spm_is_not_flagged() -> None:
    assert cadence_drop(cadence_runs(172, 167))[2] is None


def test_shoe_past_its_distance_gets_a_check_alert_on_the_crossing_day() -> None:
    dates = tuple(START + dt.timedelta(days=i) for i in range(80))
    shoe = ShoeInput(
        "g1",
        "Trail pair",
        retired=False,
        retire_km=None,
        run_dates=dates,
        run_distances_m=(10_000.0,) * 80,
    )
    (summary,), flags = shoe_summaries([shoe], default_retire_km=700)
    assert summary.distance_m == pytest.approx(800_000)
    assert summary.passed_on == dates[69]
    assert [f.code for f in flags] == ["shoes.retire"]
    assert "Check the shoe" in flags[0].text


def test_retired_shoes_and_per_shoe_limits() -> None:
    dates = (START, START + dt.timedelta(days=1))
    retired = ShoeInput(
        "g1",
        "Old",
        retired=True,
        retire_km=None,
        run_dates=dates,
        run_distances_m=(400_000.0, 400_000.0),
    )
    custom = ShoeInput(
        "g2",
        "Racer",
        retired=False,
        retire_km=300,
        run_dates=dates,
        run_distances_m=(200_000.0, 200_000.0),
    )
    summaries, flags = shoe_summaries([retired, custom], default_retire_km=700)
    assert [f.text.split("'")[1] for f in flags] == ["Racer"]
    assert summaries[1].retire_km == 300
