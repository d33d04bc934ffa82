"""Acute:chronic ratios are undefined below a chronic floor: never huge, always a reason."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from backstride.analytics import analyse, summarise, table_from_rows
from backstride.analytics.inputs import ActivityRow
from backstride.analytics.timeseries import (
    CHRONIC_FLOOR_FRACTION,
    LOW_CHRONIC,
    RATIO_REASONS,
    WARMING_UP,
    acwr,
    ratio_text,
    typical_week,
)
from backstride.cli.load import summary_to_json
from tests.analytics.builders import MONDAY, PROFILE, run, steady_weeks

VARIANTS = ("rolling_coupled", "rolling_uncoupled", "ewma_coupled", "ewma_uncoupled")


def test_one_easy_run_after_a_long_break_has_no_ratio_but_a_reason() -> None:
    rows = steady_weeks(20)
    back = MONDAY + dt.timedelta(weeks=20 + 26)  # six months without running
    rows.append(run(back, 5))
    summary = summarise(analyse(table_from_rows(rows), [PROFILE], today=back), 0)
    day = summary.daily[-1]
    assert day.acwr is None
    assert day.acwr_reason == LOW_CHRONIC
    assert ratio_text(day.acwr, day.acwr_reason).startswith("— (chronic load below 10 %")


def test_regular_training_keeps_a_ratio_and_the_first_weeks_say_warming_up() -> None:
    rows = steady_weeks(12)
    today = MONDAY + dt.timedelta(weeks=12, days=-1)
    summary = summarise(analyse(table_from_rows(rows), [PROFILE], today=today), 0)
    assert summary.daily[3].acwr is None
    assert summary.daily[3].acwr_reason == WARMING_UP
    last = summary.daily[-1]
    assert last.acwr is not None
    assert last.acwr_reason is None
    assert 0.5 < last.acwr < 1.5
    assert ratio_text(last.acwr, None) == f"{last.acwr:.2f}"


def test_the_typical_week_is_the_median_of_the_weeks_with_training() -> None:
    loads = np.zeros((2, 35))
    loads[0, [0, 7, 8, 14, 28]] = [100.0, 50.0, 50.0, 300.0, 40.0]  # weeks 100, 100, 300, 40
    assert typical_week(loads, start=np.array([0, 35])).tolist() == [100.0, 0.0]


daily_loads = st.lists(
    st.one_of(
        st.just(0.0),
        st.floats(min_value=1e-9, max_value=1e-3),
        st.floats(min_value=1.0, max_value=300.0),
        st.floats(min_value=300.0, max_value=5000.0),
    ),
    min_size=1,
    max_size=400,
)


@settings(max_examples=200, deadline=None)
@given(days=daily_loads, gap=st.integers(min_value=0, max_value=300), tail=daily_loads)
def test_every_ratio_is_finite_bounded_or_undefined_with_a_reason(
    days: list[float], gap: int, tail: list[float]
) -> None:
    loads = np.array([[*days, *([0.0] * gap), *tail]])
    start = np.array([int(np.flatnonzero(loads[0] > 0)[0]) if (loads > 0).any() else 0])
    series = acwr(loads, start=start)
    typical = float(typical_week(loads, start=start)[0])
    for name in VARIANTS:
        ratios = getattr(series, name)
        defined = ratios[np.isfinite(ratios)]
        assert not np.isinf(ratios).any()
        if defined.size:
            # acute <= the largest daily load; chronic >= the floor (10 % of a typical week)
            bound = loads.max() / (CHRONIC_FLOOR_FRACTION * typical / 7.0)
            assert (defined >= 0).all()
            assert (defined <= bound * (1 + 1e-9)).all()
    for d in range(loads.shape[1]):
        reason = series.reason(0, d)
        value = series.ewma_uncoupled[0, d]
        assert (reason is None) == bool(np.isfinite(value))
        if reason is not None:
            assert reason in RATIO_REASONS


@settings(max_examples=40, deadline=None)
@given(
    sessions=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=900),
            st.floats(min_value=0.05, max_value=60.0),
            st.floats(min_value=60.0, max_value=6 * 3600.0),
        ),
        min_size=1,
        max_size=120,
    )
)
def test_every_printed_ratio_of_a_random_history_is_finite_and_bounded(
    sessions: list[tuple[int, float, float]],
) -> None:
    rows = [
        ActivityRow(0, MONDAY + dt.timedelta(days=day), km * 1000.0, secs, avg_hr_bpm=150.0)
        for day, km, secs in sessions
    ]
    today = MONDAY + dt.timedelta(days=max(day for day, _, _ in sessions))
    analysis = analyse(table_from_rows(rows), [PROFILE], today=today)
    summary = summarise(analysis, 0)
    doc = summary_to_json(summary)
    assert analysis.acwr.chronic_floor is not None
    floor = float(analysis.acwr.chronic_floor[0])
    largest_day = max(d.load for d in summary.daily)
    for day, row in zip(summary.daily, doc["daily"], strict=True):
        text = ratio_text(day.acwr, day.acwr_reason)
        if day.acwr is None:
            assert row["acwr"] is None
            assert row["acwr_reason"] in RATIO_REASONS
            assert text.startswith("— (")
        else:
            assert math.isfinite(day.acwr)
            assert floor > 0
            assert 0 <= day.acwr <= largest_day / floor * (1 + 1e-9)
            assert row["acwr_reason"] is None
            assert float(text) == round(day.acwr, 2)
