"""The dedup key and window: one run from two sources collides, two runs do not."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from backstride.ingest.dedup import make_key, same_activity

T0 = dt.datetime(2024, 5, 1, 7, 30, 12, tzinfo=dt.UTC)


def test_a_fit_and_a_gpx_of_one_run_share_the_key() -> None:
    assert make_key("running", T0, 10_012.0) == make_key("generic", T0, 10_034.5)


def test_a_run_and_a_ride_at_the_same_time_differ() -> None:
    assert make_key("running", T0, 10_000.0) != make_key("cycling", T0, 10_000.0)
    assert not same_activity("running", T0, 10_000.0, "cycling", T0, 10_000.0)


def test_two_runs_an_hour_apart_are_different() -> None:
    later = T0 + dt.timedelta(hours=1)
    assert not same_activity("running", T0, 5000.0, "running", later, 5000.0)


def test_two_runs_at_one_time_with_different_distances_are_different() -> None:
    assert not same_activity("running", T0, 5000.0, "running", T0, 8000.0)


@given(
    shift=st.floats(min_value=-60, max_value=60),
    dist=st.floats(min_value=500, max_value=50_000),
    err=st.floats(min_value=-0.02, max_value=0.02),
)
def test_the_same_run_with_clock_and_distance_noise_is_recognised(
    shift: float, dist: float, err: float
) -> None:
    other = T0 + dt.timedelta(seconds=shift)
    assert same_activity("running", T0, dist, "running", other, dist * (1 + err))


def test_one_session_labelled_training_and_generic_is_one_activity_by_start_and_duration() -> None:
    assert same_activity(
        "training", T0, None, "generic", T0, None, duration_a=3600.0, duration_b=3601.0
    )


def test_different_sports_at_one_time_with_different_durations_differ() -> None:
    assert not same_activity(
        "training", T0, None, "cycling", T0, 20_000.0, duration_a=1800.0, duration_b=3600.0
    )
    assert not same_activity("training", T0, None, "generic", T0, None)  # durations unknown
