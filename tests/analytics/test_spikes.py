"""Single-run spike bands and week-over-week change use exact integer edges (§5.1-5.2)."""

from __future__ import annotations

import numpy as np
import pytest

from backstride.analytics.spikes import (
    exceeds_change,
    previous_longest,
    spike_band,
    weekly_change_pct,
)


@pytest.mark.parametrize(
    ("longest_m", "run_m", "band"),
    [
        (10_000, 9_000, 0),
        (10_000, 11_000, 0),  # +10.0 % edge: naive float says 0.10000000000000009
        (10_000, 11_010, 1),
        (10_000, 13_000, 1),  # +30 % edge
        (10_000, 13_010, 2),
        (10_000, 20_000, 2),  # +100 % edge
        (10_000, 20_010, 3),
        (15_000, 16_500, 0),
        (0, 5_000, -1),  # no reference
    ],
)
def test_spike_band_follows_the_frandsen_table(longest_m: int, run_m: int, band: int) -> None:
    assert int(spike_band(run_m=run_m, longest_m=longest_m)) == band


def test_previous_longest_covers_the_30_days_before_and_excludes_the_same_day() -> None:
    daily = np.zeros((1, 80), dtype=np.int64)
    daily[0, 5] = 10_000
    daily[0, 35] = 12_000
    ref = previous_longest(daily)[0]
    assert ref[5] == 0  # same day excluded
    assert ref[35] == 10_000  # day 5 is exactly 30 days earlier
    assert ref[36] == 12_000
    assert ref[65] == 12_000
    assert ref[66] == 0


@pytest.mark.parametrize(
    ("last_km", "this_km", "pct", "over_30"),
    [(30, 36, 20.0, False), (30, 39, 30.0, False), (30, 40, 33.3, True), (40, 32, -20.0, False)],
)
def test_week_change_examples_and_the_30_percent_edge(
    last_km: int, this_km: int, pct: float, over_30: bool
) -> None:
    this_m, last_m = this_km * 1000, last_km * 1000
    assert float(weekly_change_pct(this_m=this_m, last_m=last_m)) == pytest.approx(pct, abs=0.05)
    assert bool(exceeds_change(this_m=this_m, last_m=last_m, cap_pct=30)) is over_30


def test_week_change_without_last_week_has_no_reference() -> None:
    assert np.isnan(weekly_change_pct(this_m=10_000, last_m=0))
    assert not bool(exceeds_change(this_m=10_000, last_m=0, cap_pct=30))
