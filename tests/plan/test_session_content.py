"""What the sessions hold: a warm-up scaled to the run, cross-training by the runner's
equipment, breathing and relaxation on rest days, the goal race with its taper, and clinic
visits within the NICE CG88 ceiling (issue 15)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from backstride.plan.describe import warm_up_text
from backstride.plan.model import Plan, PlanRules, Preferences, Session
from backstride.plan.visits import bound_visits, visit_weeks

from .builders import MONDAY, assessment, make_plan, worked_context


def sessions(plan: Plan, kind: str) -> list[Session]:
    return [s for s in plan.sessions() if s.kind == kind]


# --- warm-up scaled to the session (clinical reference §7.1: 5-10 min [default]) -----------


def test_a_20_minute_easy_run_gets_a_short_warm_up_and_a_long_run_the_full_one() -> None:
    plan = make_plan(assessment(pain=0), worked_context(), Preferences(minutes_per_session=20))
    easy = next(s for s in sessions(plan, "run") if s.intensity == "easy")
    long = next(s for s in sessions(plan, "run") if s.intensity == "long")
    assert (easy.duration_s or 0) <= 20 * 60
    assert [d.id for d in easy.warm_up] == ["brisk_walk", "leg_swings"]
    assert easy.warm_up[0].minutes == 3
    assert warm_up_text(easy) == "Warm-up ~4 min: Brisk walk 3 min, Leg swings 1 x 10"
    assert len(long.warm_up) == 6
    assert warm_up_text(long).startswith("Warm-up ~")


def test_a_longer_easy_run_adds_skips_to_the_short_warm_up() -> None:
    plan = make_plan(assessment(pain=0), worked_context(), Preferences(minutes_per_session=50))
    easy = next(s for s in sessions(plan, "run") if s.intensity == "easy")
    assert (easy.duration_s or 0) > 30 * 60
    assert [d.id for d in easy.warm_up] == ["brisk_walk", "leg_swings", "skips"]


# --- cross-training and recovery --------------------------------------------------------------


def test_cross_training_rotates_through_what_the_runners_equipment_allows() -> None:
    prefs = Preferences(runs_per_week=3, equipment=frozenset({"pool", "bike"}))
    titles = {s.title for s in sessions(make_plan(prefs=prefs, weeks=4), "cross_training")}
    assert {"Swimming", "Easy cycling"} <= titles
    plain = {
        s.title for s in sessions(make_plan(prefs=Preferences(runs_per_week=3)), "cross_training")
    }
    assert plain == {"Gentle yoga"}


def test_every_rest_day_has_a_short_breathing_or_relaxation_session_and_stays_a_rest_day() -> None:
    plan = make_plan(weeks=2)
    rest_days = [d for w in plan.weeks for d in w.days if any(s.kind == "rest" for s in d.sessions)]
    assert rest_days
    for d in rest_days:
        (calm,) = [s for s in d.sessions if s.kind == "relaxation"]
        assert (calm.duration_s or 0) <= 10 * 60
        assert d.is_rest
    ids = {e.id for s in sessions(plan, "relaxation") for e in s.exercises}
    assert ids == {"diaphragmatic_breathing", "progressive_relaxation"}


# --- the goal race (clinical reference §7.1; Bosquet et al. 2007) ------------------------------


RACE = MONDAY + dt.timedelta(days=34)  # a Saturday in week 5 (index 4)


def race_plan(distance_m: int | None = 10_000) -> Plan:
    prefs = Preferences(goal_race_date=RACE, goal_race_distance_m=distance_m)
    return make_plan(assessment(pain=0), worked_context(), prefs, weeks=6)


def test_the_goal_race_is_a_session_after_a_two_week_taper() -> None:
    plan = race_plan()
    (race,) = [s for s in sessions(plan, "run") if s.intensity == "race"]
    assert (race.date, race.distance_m, race.title) == (RACE, 10_000, "Race: 10 km")
    assert [w.phase for w in plan.weeks][3:5] == ["taper", "race"]
    assert len(race.warm_up) == 6
    on_race_day = [s for d in plan.weeks[4].days if d.date == RACE for s in d.sessions]
    assert [s.kind for s in on_race_day] == ["run"]
    taper = plan.weeks[3].reasons[0].text
    assert "Bosquet et al. 2007" in taper
    assert "[default]" in taper


def test_no_hard_run_the_day_before_the_race_and_the_race_is_never_downgraded() -> None:
    plan = race_plan()
    before = [s for s in sessions(plan, "run") if s.date == RACE - dt.timedelta(days=1)]
    assert all(not s.hard for s in before)
    assert any(s.intensity == "race" for s in sessions(plan, "run"))


def test_a_race_longer_than_the_guardrail_says_so_and_is_kept() -> None:
    plan = race_plan(21_097)
    (race,) = [s for s in sessions(plan, "run") if s.intensity == "race"]
    assert race.distance_m == 21_097
    assert "race.over_guardrail" in {r.code for r in race.reasons}


def test_a_race_after_the_plan_ends_is_named_with_what_to_do() -> None:
    prefs = Preferences(goal_race_date=MONDAY + dt.timedelta(days=70))
    plan = make_plan(prefs=prefs, weeks=4)
    assert "race.after_plan" in {d.code for d in plan.decisions}
    assert not [s for s in sessions(plan, "run") if s.intensity == "race"]


# --- clinic visits within the NICE CG88 ceiling (clinical reference §7.4) -------------------


def test_a_weekly_visit_interval_is_bounded_to_8_visits_in_12_weeks() -> None:
    prefs = Preferences(clinic_visit_every_weeks=1)
    plan = make_plan(prefs=prefs, weeks=12)
    assert len(sessions(plan, "clinic_visit")) == 8
    assert "visit.ceiling" in {d.code for d in plan.decisions}


@pytest.mark.parametrize(("limit", "kept"), [(8, 8), (9, 9), (20, 9), (4, 4)])
def test_the_bound_never_exceeds_the_ceiling_of_9_in_any_12_weeks(limit: int, kept: int) -> None:
    visits = visit_weeks(startback_group=None, disposition="clinician", weeks=24, every_weeks=1)
    bounded = bound_visits(visits, max_per_12_weeks=limit)
    assert len([k for k in bounded if k < 12]) == kept
    for start in range(24):
        assert len([k for k in bounded if start <= k < start + 12]) <= min(limit, 9)


def test_a_clinic_visit_has_the_clinics_default_time_and_length() -> None:
    rules = dataclasses.replace(PlanRules(), visit_start_min=14 * 60, visit_duration_min=40)
    plan = make_plan(assessment("clinician", group="medium"), rules=rules, weeks=1)
    (visit,) = sessions(plan, "clinic_visit")
    assert (visit.start_min, visit.duration_s) == (14 * 60, 40 * 60)
