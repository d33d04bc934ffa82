"""Session load models reproduce the worked examples of clinical reference §5.5-5.7."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pytest

from backstride.analytics.load_models import (
    banister_trimp,
    edwards_trimp,
    edwards_zone_minutes,
    hr_max_tanaka,
    rtss,
    srpe_load,
    stream_trimp,
)


@pytest.mark.parametrize(("minutes", "rpe", "expected"), [(50, 6, 300), (45, 4, 180), (30, 8, 240)])
def test_session_rpe_is_rpe_times_minutes(minutes: int, rpe: int, expected: int) -> None:
    assert float(srpe_load(rpe=rpe, duration_s=minutes * 60)) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("minutes", "hr", "rest", "top", "sex", "expected"),
    [
        (45, 150, 50, 190, "male", 81.07),
        (45, 150, 50, 190, "female", 91.12),
        (60, 140, 60, 180, "male", 92.07),
        (60, 140, 60, 180, "female", 104.73),
    ],
)
def test_banister_trimp_matches_the_worked_examples(
    minutes: int, hr: int, rest: int, top: int, sex: Literal["male", "female"], expected: float
) -> None:
    value = banister_trimp(
        duration_s=minutes * 60, hr_bpm=hr, hr_rest_bpm=rest, hr_max_bpm=top, sex=sex
    )
    assert float(value) == pytest.approx(expected, abs=0.01)


def test_stream_trimp_sums_samples_and_beats_the_session_mean() -> None:
    time_s = np.arange(0, 45 * 60 + 1, 1.0)
    hr = np.where(time_s < 30 * 60, 130.0, 170.0)
    value = stream_trimp(time_s=time_s, hr_bpm=hr, hr_rest_bpm=50, hr_max_bpm=190, sex="male")
    assert value == pytest.approx(75.53, abs=0.01)
    mean_based = banister_trimp(
        duration_s=45 * 60,
        hr_bpm=(30 * 130 + 15 * 170) / 45,
        hr_rest_bpm=50,
        hr_max_bpm=190,
        sex="male",
    )
    assert float(mean_based) == pytest.approx(69.06, abs=0.01)


def test_stream_trimp_ignores_pauses_longer_than_30_seconds() -> None:
    time_s = np.array([0.0, 1.0, 2.0, 600.0, 601.0])
    hr = np.full(5, 150.0)
    value = stream_trimp(time_s=time_s, hr_bpm=hr, hr_rest_bpm=50, hr_max_bpm=190, sex="male")
    short = stream_trimp(
        time_s=np.arange(4.0), hr_bpm=np.full(4, 150.0), hr_rest_bpm=50, hr_max_bpm=190, sex="male"
    )
    assert value == pytest.approx(short)


def test_edwards_trimp_weights_zone_minutes_one_to_five() -> None:
    assert float(edwards_trimp(minutes_in_zones=[10, 20, 15, 5, 0])) == pytest.approx(115)


def test_edwards_zone_edges_are_inclusive_at_the_lower_bound() -> None:
    per_minute = [94.0, 95, 114, 133, 152, 171, 190]  # max 190: edges 95/114/133/152/171
    hr = np.append(np.repeat(per_minute, 60), 190.0)
    time_s = np.arange(hr.size, dtype=float)
    minutes = edwards_zone_minutes(time_s=time_s, hr_bpm=hr, hr_max_bpm=190)
    assert minutes.tolist() == pytest.approx([1, 1, 1, 1, 2])


def test_tanaka_estimates_180_at_age_40() -> None:
    assert float(hr_max_tanaka(age_years=40)) == pytest.approx(180)


@pytest.mark.parametrize(
    ("minutes", "pace", "expected"),
    [(60, 300, 81.0), (90, 330, 100.4), (30, 255, 56.1), (60, 270, 100.0)],
)
def test_rtss_matches_the_worked_examples(minutes: int, pace: int, expected: float) -> None:
    value = rtss(duration_s=minutes * 60, pace_s_per_km=pace, threshold_pace_s_per_km=270)
    assert float(value) == pytest.approx(expected, abs=0.05)


def test_missing_inputs_give_nan_not_zero() -> None:
    assert np.isnan(srpe_load(rpe=np.nan, duration_s=600))
    assert np.isnan(
        banister_trimp(duration_s=600, hr_bpm=np.nan, hr_rest_bpm=60, hr_max_bpm=180, sex="male")
    )


def test_rtss_refuses_an_implausible_threshold_pace() -> None:
    # 25:00/km is no lactate-threshold pace: a mis-entered profile, not a reason for 1e20 loads.
    assert np.isnan(rtss(duration_s=3600, pace_s_per_km=300, threshold_pace_s_per_km=1500))
    assert np.isnan(rtss(duration_s=3600, pace_s_per_km=300, threshold_pace_s_per_km=60))
