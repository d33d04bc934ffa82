"""The running rules' worked checks (clinical reference §5.1 and §7.1)."""

from __future__ import annotations

import datetime as dt

import pytest

from backstride.plan import load_limits as limits
from backstride.plan.model import PlanRules, RunRecord

RULES = PlanRules()
DAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(("pain_present", "cap_m"), [(True, 33_000), (False, 36_000)])
def test_next_week_after_30_km_is_capped_by_pain_state(pain_present: bool, cap_m: int) -> None:
    assert limits.weekly_cap_m(30_000, pain_present=pain_present, rules=RULES) == cap_m


def test_the_absolute_weekly_cap_is_never_above_30_percent() -> None:
    loose = PlanRules(cap_without_pain=0.5)
    assert limits.weekly_cap_m(30_000, pain_present=False, rules=loose) == 39_000


def test_longest_planned_run_after_a_12_km_longest_is_13_2_km() -> None:
    assert limits.single_run_cap_m(12_000, rules=RULES) == 13_200


def test_a_13_3_km_run_is_rejected_with_the_guardrail_reason() -> None:
    history = [RunRecord(DAY - dt.timedelta(days=10), 12_000)]
    assert limits.check_run(13_300, history, DAY, rules=RULES) == "guardrail.single_run"
    assert limits.check_run(13_200, history, DAY, rules=RULES) is None


@pytest.mark.parametrize(
    ("longest", "run", "ok"),
    [
        (10_000, 9_000, True),
        (10_000, 11_000, True),
        (10_000, 11_010, False),
        (15_000, 16_500, True),
    ],
)
def test_guardrail_edges_use_integer_arithmetic(longest: int, run: int, ok: bool) -> None:
    assert limits.within_guardrail(run, longest, rules=RULES) is ok


def test_the_window_is_the_30_days_before_the_run_excluding_the_same_day() -> None:
    runs = [
        RunRecord(DAY - dt.timedelta(days=31), 30_000),
        RunRecord(DAY - dt.timedelta(days=30), 8_000),
        RunRecord(DAY, 20_000),
    ]
    assert limits.longest_in_window(runs, DAY) == 8_000
    assert limits.longest_in_window([], DAY) is None


def test_deload_after_30_km_is_22_5_km() -> None:
    assert limits.deload_m(30_000, rules=RULES) == 22_500


def test_taper_from_50_km_is_32_5_then_22_5_km() -> None:
    assert limits.taper_m(50_000, rules=RULES) == (32_500, 22_500)
