"""EWMA, acute:chronic ratios and fitness/fatigue/form match clinical reference §5.3-5.5."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstride.analytics.timeseries import acwr, ewma, fitness_fatigue, tau_k
from backstride.analytics.weekly_load import consecutive_days, monotony_strain

EXAMPLE_A = [
    (0, 30.000, 37.241, 0.806),
    (60, 37.500, 38.811, 0.966),
    (0, 28.125, 36.134, 0.778),
    (45, 32.344, 36.746, 0.880),
    (0, 24.258, 34.212, 0.709),
    (50, 30.693, 35.300, 0.869),
    (90, 45.520, 39.073, 1.165),
]


def test_ewma_example_a_seeded_with_40() -> None:
    loads = np.array([[row[0] for row in EXAMPLE_A]], dtype=float)
    acute = ewma(loads, k=0.25, seed=40.0)[0]
    chronic = ewma(loads, k=2 / 29, seed=40.0)[0]
    assert acute == pytest.approx([r[1] for r in EXAMPLE_A], abs=5e-4)
    assert chronic == pytest.approx([r[2] for r in EXAMPLE_A], abs=5e-4)
    assert acute / chronic == pytest.approx([r[3] for r in EXAMPLE_A], abs=5e-4)


def test_ewma_example_b_coupled_and_uncoupled() -> None:
    loads = np.array([[40.0] * 21 + [60.0] * 7])
    acute = ewma(loads, k=0.25, seed=40.0)[0]
    chronic = ewma(loads, k=2 / 29, seed=40.0)[0]
    assert acute[27] == pytest.approx(57.330, abs=5e-4)
    assert chronic[27] == pytest.approx(47.872, abs=5e-4)
    assert acute[27] / chronic[27] == pytest.approx(1.198, abs=5e-4)
    assert chronic[20] == pytest.approx(40.0)
    assert acute[27] / chronic[20] == pytest.approx(1.433, abs=5e-4)


def test_acwr_seeds_with_the_mean_of_the_first_28_days_and_lags_chronic_a_week() -> None:
    loads = np.array([[40.0] * 21 + [60.0] * 7])
    series = acwr(loads, start=np.array([0]))
    seed = (21 * 40 + 7 * 60) / 28
    expected_acute = ewma(loads, k=0.25, seed=seed)[0]
    expected_chronic = ewma(loads, k=2 / 29, seed=seed)[0]
    assert series.ewma_acute[0] == pytest.approx(expected_acute)
    assert series.ewma_uncoupled[0, 27] == pytest.approx(expected_acute[27] / expected_chronic[20])


def test_rolling_acwr_example_coupled_and_uncoupled() -> None:
    loads = np.array([[40.0] * 21 + [60.0] * 7])
    series = acwr(loads, start=np.array([0]))
    assert series.rolling_coupled[0, 27] == pytest.approx(60 / 45, abs=1e-3)
    assert series.rolling_uncoupled[0, 27] == pytest.approx(1.5, abs=1e-9)


def test_ratios_are_hidden_while_warming_up() -> None:
    series = acwr(np.full((1, 40), 50.0), start=np.array([0]))
    assert np.isnan(series.ewma_uncoupled[0, :27]).all()
    assert series.warming_up[0, :27].all()
    assert not series.warming_up[0, 27:].any()


def test_runners_starting_on_different_days_are_each_seeded_at_their_start() -> None:
    loads = np.zeros((2, 60))
    loads[0, :] = 50.0
    loads[1, 20:] = 50.0
    series = acwr(loads, start=np.array([0, 20]))
    assert series.ewma_coupled[0, 59] == pytest.approx(1.0)
    assert series.ewma_coupled[1, 59] == pytest.approx(1.0)
    assert series.ewma_chronic[1, 21] == pytest.approx(50.0)


CTL_TABLE = [
    (100, 0.00, 2.35, 13.31),
    (100, -10.96, 4.65, 24.85),
    (100, -20.20, 6.89, 34.86),
    (100, -27.96, 9.08, 43.53),
    (100, -34.44, 11.22, 51.05),
    (100, -39.82, 13.31, 57.56),
    (100, -44.25, 15.35, 63.21),
    (0, -47.86, 14.99, 54.80),
    (0, -39.81, 14.64, 47.50),
]


def test_fitness_fatigue_form_table() -> None:
    loads = np.array([[r[0] for r in CTL_TABLE]], dtype=float)
    result = fitness_fatigue(loads)
    assert result.form[0] == pytest.approx([r[1] for r in CTL_TABLE], abs=0.006)
    assert result.fitness[0] == pytest.approx([r[2] for r in CTL_TABLE], abs=0.006)
    assert result.fatigue[0] == pytest.approx([r[3] for r in CTL_TABLE], abs=0.006)


def test_smoothing_constants_for_both_variants() -> None:
    assert tau_k(42) == pytest.approx(0.023528, abs=1e-6)
    assert tau_k(7) == pytest.approx(0.133122, abs=1e-6)
    assert tau_k(42, variant="inverse") == pytest.approx(0.023810, abs=1e-6)


def test_after_200_days_at_100_form_is_minus_0_85() -> None:
    result = fitness_fatigue(np.full((1, 201), 100.0))
    assert result.fitness[0, 199] == pytest.approx(99.15, abs=0.01)
    assert result.form[0, 200] == pytest.approx(-0.85, abs=0.01)


@pytest.mark.parametrize(
    ("week", "monotony", "strain"),
    [
        ([300, 0, 420, 240, 0, 600, 180], 1.234, 2147.7),
        ([300, 320, 310, 300, 290, 310, 300], 33.68, 71734.7),
    ],
)
def test_foster_monotony_and_strain_with_population_sd(
    week: list[int], monotony: float, strain: float
) -> None:
    mono, strn, identical = monotony_strain(np.array([week], dtype=float))
    assert mono[0] == pytest.approx(monotony, abs=0.01)
    assert strn[0] == pytest.approx(strain, rel=2e-4)
    assert not identical[0]


def test_identical_loads_are_flagged_never_divided_by_zero() -> None:
    mono, strain, identical = monotony_strain(np.array([[300.0] * 7, [0.0] * 7]))
    assert identical.tolist() == [True, False]
    assert np.isnan(mono).all()
    assert np.isnan(strain).all()


def test_consecutive_days_counts_runs_without_a_rest_day() -> None:
    active = np.array([[1, 1, 0, 1, 1, 1, 0, 1]], dtype=bool)
    assert consecutive_days(active)[0].tolist() == [1, 2, 0, 1, 2, 3, 0, 1]


loads_strategy = st.lists(st.floats(0, 500, allow_nan=False), min_size=1, max_size=120)


@settings(max_examples=60, deadline=None)
@given(loads_strategy, st.floats(0.01, 0.99))
def test_ewma_stays_within_the_range_of_its_inputs_and_seed(values: list[float], k: float) -> None:
    seed = values[0]
    out = ewma(np.array([values]), k=k, seed=seed)[0]
    assert (out >= min(values) - 1e-9).all()
    assert (out <= max(values) + 1e-9).all()


@settings(max_examples=30, deadline=None)
@given(st.floats(1, 500), st.integers(30, 120))
def test_constant_load_gives_ratio_one(load: float, days: int) -> None:
    series = acwr(np.full((1, days), load), start=np.array([0]))
    for ratio in (
        series.ewma_coupled,
        series.ewma_uncoupled,
        series.rolling_coupled,
        series.rolling_uncoupled,
    ):
        shown = ratio[0, 27:]
        assert shown == pytest.approx(np.ones_like(shown), abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(st.floats(1, 500))
def test_constant_load_form_tends_to_zero_at_steady_state(load: float) -> None:
    result = fitness_fatigue(np.full((1, 600), load))
    assert abs(result.form[0, -1]) <= 1e-4 * load
