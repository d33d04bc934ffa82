"""Clinic visits by STarT Back group and disposition (clinical reference §7.4 [default])."""

from __future__ import annotations

import pytest

from backstride.plan.visits import visit_weeks


# clinical reference §7.4: low "1 visit; remote review at 4 weeks"; medium "initial visit, then
# weekly for up to 6 weeks; reviews at 2 and 6 weeks"; high "weekly for up to 8 weeks".
@pytest.mark.parametrize(
    ("group", "weeks_with_visits"),
    [("low", {0, 4}), ("medium", set(range(7))), ("high", set(range(8)))],
)
def test_startback_groups_set_the_visit_schedule(group: str, weeks_with_visits: set[int]) -> None:
    visits = visit_weeks(
        startback_group=group, disposition="self_management", weeks=12, every_weeks=None
    )
    assert set(visits) == weeks_with_visits


def test_medium_reviews_fall_at_2_and_6_weeks_and_low_review_is_remote() -> None:
    medium = visit_weeks(
        startback_group="medium", disposition="clinician", weeks=12, every_weeks=None
    )
    assert {k for k, v in medium.items() if "review" in v.lower()} == {2, 6}
    low = visit_weeks(
        startback_group="low", disposition="self_management", weeks=12, every_weeks=None
    )
    assert low == {0: "Clinic visit", 4: "Clinic review (remote)"}


def test_visits_never_fall_after_the_plan_ends() -> None:
    visits = visit_weeks(startback_group="high", disposition="clinician", weeks=3, every_weeks=None)
    assert set(visits) == {0, 1, 2}


def test_a_clinician_disposition_books_a_first_visit_without_a_startback_group() -> None:
    assert 0 in visit_weeks(
        startback_group=None, disposition="clinician", weeks=4, every_weeks=None
    )
