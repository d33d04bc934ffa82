"""Plan generation scenarios (clinical reference §1.3, §2.6, §7.1, §7.4)."""

from __future__ import annotations

import datetime as dt
import itertools

from backstride.plan.catalogue import forbidden_tags, load_catalogue
from backstride.plan.model import Plan, PlanRules, Preferences, RunRecord, Session, TrainingContext

from .builders import MONDAY, assessment, make_plan, worked_context


def runs(plan: Plan) -> list[Session]:
    return [s for s in plan.sessions() if s.kind == "run"]


def week_distance(plan: Plan, index: int) -> int:
    return sum(
        s.distance_m or 0 for d in plan.weeks[index].days for s in d.sessions if s.kind == "run"
    )


def test_worked_check_with_pain_keeps_next_week_within_33_km_and_runs_within_13_2_km() -> None:
    plan = make_plan(assessment(pain=3), worked_context(pain=3))
    assert week_distance(plan, 0) <= 33_000
    assert max(s.distance_m or 0 for d in plan.weeks[0].days for s in d.sessions) <= 13_200


def test_worked_check_without_pain_allows_up_to_36_km() -> None:
    plan = make_plan(assessment(pain=0), worked_context(pain=0))
    assert week_distance(plan, 0) <= 36_000
    looser = make_plan(assessment(pain=0), worked_context(pain=0), rules=PlanRules(growth=0.5))
    assert looser.weeks[0].target_distance_m == 36_000


def test_a_long_run_over_the_guardrail_is_cut_with_the_reason() -> None:
    ctx = TrainingContext(
        weekly_distances_m=(40_000,) * 4,
        recent_runs=(RunRecord(MONDAY - dt.timedelta(days=3), 10_000),),
        months_running=60,
    )
    plan = make_plan(assessment(), ctx, Preferences(long_run_minutes=180))
    long_run = next(s for s in runs(plan) if s.intensity == "long")
    assert long_run.distance_m is not None
    assert long_run.distance_m <= 11_000
    assert "guardrail.single_run" in {r.code for r in long_run.reasons}


def test_every_fourth_week_is_a_deload_at_minus_25_percent() -> None:
    plan = make_plan(weeks=8)
    assert [w.phase for w in plan.weeks].count("deload") == 2
    assert plan.weeks[3].phase == "deload"
    assert plan.weeks[3].target_distance_m == int(week_distance(plan, 2) * 0.75)


def test_the_two_weeks_before_a_goal_race_taper_to_65_and_45_percent() -> None:
    race = MONDAY + dt.timedelta(days=7 * 5 + 5)
    plan = make_plan(prefs=Preferences(goal_race_date=race), weeks=6)
    assert [w.phase for w in plan.weeks][4:] == ["taper", "race"]
    assert plan.weeks[3].phase == "deload"
    pre = week_distance(plan, 2)  # the last build week is the pre-taper volume
    assert plan.weeks[4].target_distance_m == int(pre * 0.65)
    assert plan.weeks[5].target_distance_m == int(pre * 0.45)


def test_a_red_flag_yields_a_blocked_plan_with_what_to_do_now() -> None:
    plan = make_plan(
        assessment("emergency", flags=frozenset({"blocked"}), code="red_flag.cauda_equina")
    )
    assert plan.status == "blocked"
    assert plan.weeks == ()
    assert plan.do_now
    assert plan.blocked_reason


def test_urgent_allows_walking_and_gentle_mobility_only() -> None:
    plan = make_plan(assessment("urgent", flags=frozenset({"no_running"})))
    kinds = {s.kind for s in plan.sessions()}
    assert kinds <= {"mobility", "rest", "relaxation", "clinic_visit"}
    cat = load_catalogue()
    assert all(cat[e.id].gentle for s in plan.sessions() for e in s.exercises)


def test_novice_with_acute_nonspecific_pain_gets_two_rest_days_and_easy_runs_only() -> None:
    ctx = TrainingContext(weekly_distances_m=(8_000, 6_000), current_pain_nprs=4, months_running=3)
    plan = make_plan(assessment(pain=4, group="medium"), ctx)
    for week in plan.weeks:
        assert sum(d.is_rest for d in week.days) >= 2
    assert {s.intensity for s in runs(plan)} == {"easy"}
    assert not any(s.kind == "run" and s.intensity == "tempo" for s in plan.sessions())
    # clinical reference §7.4 medium: initial visit, then weekly for up to 6 weeks -> weeks 0-6 (7).
    assert sum(s.kind == "clinic_visit" for s in plan.sessions()) == 7


def test_marathoner_with_suspected_sacral_stress_fracture_gets_no_running() -> None:
    flags = frozenset({"no_running", "no_impact", "no_axial_loading"})
    ctx = TrainingContext(
        weekly_distances_m=(70_000, 80_000, 85_000, 90_000),
        recent_runs=(RunRecord(MONDAY - dt.timedelta(days=6), 32_000),),
        months_running=120,
    )
    plan = make_plan(
        assessment("clinician", flags=flags, code="pattern.bone_stress"),
        ctx,
        Preferences(equipment=frozenset({"pool", "bike"})),
    )
    assert not runs(plan)
    assert {s.kind for s in plan.sessions()} >= {"cross_training", "strength", "clinic_visit"}
    forbidden = forbidden_tags(flags)
    cat = load_catalogue()
    for s in plan.sessions():
        for e in (*s.exercises, *s.warm_up, *s.cool_down):
            assert not cat[e.id].tags & forbidden


def test_after_clearance_the_sacral_runner_starts_walk_run_stage_1_on_alternate_days() -> None:
    flags = frozenset({"no_running", "no_impact", "no_axial_loading"})
    plan = make_plan(
        assessment("clinician", flags=flags),
        worked_context(),
        clearance=MONDAY - dt.timedelta(days=1),
    )
    rr = runs(plan)
    assert rr[0].rtr_stage == 1
    assert rr[0].title.startswith("Walk-run 6 x (1 run + 4 walk)")
    assert all(s.rtr_stage is not None for s in rr)
    dates = [s.date for s in rr]
    assert all((b - a).days >= 2 for a, b in itertools.pairwise(dates))
    assert max(s.rtr_stage or 0 for s in rr) <= 6


def test_si_joint_pattern_holds_hills_and_respects_flags() -> None:
    flags = frozenset({"hold_hills", "avoid_loaded_flexion_rotation"})
    plan = make_plan(assessment("clinician", flags=flags, code="pattern.si_joint"))
    assert "terrain.hold_hills" in {d.code for d in plan.decisions}
    cat = load_catalogue()
    assert not any("russian_twist" in e.id for s in plan.sessions() for e in s.exercises)
    assert all(
        not cat[e.id].tags & {"loaded_flexion_rotation"}
        for s in plan.sessions()
        for e in s.exercises
    )


def test_runs_come_with_warm_up_and_cool_down_and_footwear_advice_is_given() -> None:
    plan = make_plan()
    assert all(s.warm_up and s.cool_down for s in runs(plan))
    assert plan.footwear


def test_strength_comes_two_or_three_times_a_week() -> None:
    plan = make_plan()
    for week in plan.weeks:
        count = sum(s.kind == "strength" for d in week.days for s in d.sessions)
        assert 2 <= count <= 3


def test_no_heavy_lower_body_work_the_day_before_a_long_or_hard_run() -> None:
    prefs = Preferences(equipment=frozenset({"barbell", "kettlebell", "bench", "dumbbells"}))
    plan = make_plan(prefs=prefs)
    cat = load_catalogue()
    hard = {s.date for s in plan.sessions() if s.hard}
    for s in plan.sessions():
        if s.kind == "strength" and s.date + dt.timedelta(days=1) in hard:
            assert not any(cat[e.id].heavy_lower for e in s.exercises)
