"""The running rules' worked checks (clinical reference §5.1 and §7.1)."""

from __future__ import annotations

import datetime as dt

import pytest

from backstride.plan import rules as pr
from backstride.plan.model import PlanRules, RunRecord

RULES = PlanRules()
DAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(("pain_present", "cap_m"), [(True, 33_000), (False, 36_000)])
def test_next_week_after_30_km_is_capped_by_pain_state(pain_present: bool, cap_m: int) -> None:
    assert pr.weekly_cap_m(30_000, pain_present=pain_present, rules=RULES) == cap_m


def test_the_absolute_weekly_cap_is_never_above_30_percent() -> None:
    loose = PlanRules(cap_without_pain=0.5)
    assert pr.weekly_cap_m(30_000, pain_present=False, rules=loose) == 39_000


def test_longest_planned_run_after_a_12_km_longest_is_13_2_km() -> None:
    assert pr.single_run_cap_m(12_000, rules=RULES) == 13_200


def test_a_13_3_km_run_is_rejected_with_the_guardrail_reason() -> None:
    history = [RunRecord(DAY - dt.timedelta(days=10), 12_000)]
    assert pr.check_run(13_300, history, DAY, rules=RULES) == "guardrail.single_run"
    assert pr.check_run(13_200, history, DAY, rules=RULES) is None


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
    assert pr.within_guardrail(run, longest, rules=RULES) is ok


def test_the_window_is_the_30_days_before_the_run_excluding_the_same_day() -> None:
    runs = [
        RunRecord(DAY - dt.timedelta(days=31), 30_000),
        RunRecord(DAY - dt.timedelta(days=30), 8_000),
        RunRecord(DAY, 20_000),
    ]
    assert pr.longest_in_window(runs, DAY) == 8_000
    assert pr.longest_in_window([], DAY) is None


def test_deload_after_30_km_is_22_5_km() -> None:
    assert pr.deload_m(30_000, rules=RULES) == 22_500


def test_taper_from_50_km_is_32_5_then_22_5_km() -> None:
    assert pr.taper_m(50_000, rules=RULES) == (32_500, 22_500)


# clinical reference §7.4: low "1 visit; remote review at 4 weeks"; medium "initial visit, then
# weekly for up to 6 weeks; reviews at 2 and 6 weeks"; high "weekly for up to 8 weeks".
@pytest.mark.parametrize(
    ("group", "weeks_with_visits"),
    [("low", {0, 4}), ("medium", set(range(7))), ("high", set(range(8)))],
)
def test_startback_groups_set_the_visit_schedule(group: str, weeks_with_visits: set[int]) -> None:
    visits = pr.visit_weeks(
        startback_group=group, disposition="self_management", weeks=12, every_weeks=None
    )
    assert set(visits) == weeks_with_visits


def test_medium_reviews_fall_at_2_and_6_weeks_and_low_review_is_remote() -> None:
    medium = pr.visit_weeks(
        startback_group="medium", disposition="clinician", weeks=12, every_weeks=None
    )
    assert {k for k, v in medium.items() if "review" in v.lower()} == {2, 6}
    low = pr.visit_weeks(
        startback_group="low", disposition="self_management", weeks=12, every_weeks=None
    )
    assert low == {0: "Clinic visit", 4: "Clinic review (remote)"}


def test_visits_never_fall_after_the_plan_ends() -> None:
    visits = pr.visit_weeks(
        startback_group="high", disposition="clinician", weeks=3, every_weeks=None
    )
    assert set(visits) == {0, 1, 2}


def test_a_clinician_disposition_books_a_first_visit_without_a_startback_group() -> None:
    assert 0 in pr.visit_weeks(
        startback_group=None, disposition="clinician", weeks=4, every_weeks=None
    )


def test_a_worn_shoe_gets_a_check_note() -> None:
    assert len(pr.footwear_advice(750_000)) == len(pr.footwear_advice(100_000)) + 1
