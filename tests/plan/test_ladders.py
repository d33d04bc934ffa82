"""Strength progression planned ahead: a pain-free runner climbs the ladders inside the plan,
and pain steps them back down through adaptation (clinical reference §7.2, §8)."""

from __future__ import annotations

import datetime as dt
import itertools

from backstride.plan.adapt import adapt_plan
from backstride.plan.describe import ladder_text
from backstride.plan.model import Plan, Preferences
from backstride.plan.monitor import SessionLog

from .builders import MONDAY, assessment, make_plan, worked_context

EQUIPPED = Preferences(equipment=frozenset({"kettlebell", "barbell", "bench", "dumbbells", "band"}))
A = assessment(pain=0)


def strength_ids(plan: Plan, *, weeks: range) -> set[str]:
    return {
        e.id
        for w in plan.weeks
        if w.index in weeks
        for d in w.days
        for s in d.sessions
        if s.kind == "strength"
        for e in s.exercises
    }


def test_a_pain_free_runner_reaches_the_loaded_and_full_steps_in_the_later_weeks() -> None:
    # Issue 15: loaded deadlifts/RDLs, walking and reverse lunges, full back extensions,
    # loaded Russian twists and full planks by the later weeks of an 8-12 week plan.
    plan = make_plan(A, worked_context(), EQUIPPED, weeks=10)
    early = strength_ids(plan, weeks=range(2))
    late = strength_ids(plan, weeks=range(5, 10))
    assert {"plank_knees", "split_squat", "hip_hinge_dowel", "back_extension_prone"} <= early
    assert "russian_twist_feet_down" in early
    assert {"barbell_rdl", "walking_lunge_loaded", "russian_twist_loaded"} <= late
    assert {"back_extension_loaded", "plank_leg_lift"} <= late
    all_weeks = strength_ids(plan, weeks=range(10))
    assert {"reverse_lunge", "walking_lunge", "back_extension_45", "plank"} <= all_weeks


def test_the_load_rises_by_the_2_for_2_rule_inside_the_plan() -> None:
    plan = make_plan(A, worked_context(), EQUIPPED, weeks=12)
    rdl = [
        e
        for s in plan.sessions()
        if s.kind == "strength"
        for e in s.exercises
        if e.id == "barbell_rdl"
    ]
    loads = [e.load_kg for e in rdl if e.load_kg is not None]
    assert len(loads) == len(rdl)
    assert loads[0] == 20
    assert max(loads) > 20  # 20 -> 21 kg after two sessions beating the target (§7.2)
    assert loads == sorted(loads)


def test_each_exercise_says_where_it_stands_on_its_ladder() -> None:
    plan = make_plan(A, worked_context(), EQUIPPED, weeks=4)
    plank = next(e for s in plan.sessions() for e in s.exercises if e.id == "plank")
    assert (plank.step, plank.of_steps) == (2, 4)
    ladder = next(ladder for ladder in plan.ladders if ladder.key == "plank_knees")
    assert ladder.current == "plank_knees"
    assert [st.first_planned is not None for st in ladder.steps][:2] == [True, True]
    assert ladder_text(ladder).startswith("Plank: now Plank from the knees (1/4) -> Plank from ")


def test_a_step_the_runner_cannot_do_says_what_it_needs() -> None:
    plan = make_plan(A, worked_context(), Preferences(), weeks=6)
    hinge = next(ladder for ladder in plan.ladders if ladder.key == "hip_hinge_dowel")
    needs = {st.id: st.needs for st in hinge.steps}
    assert needs["kettlebell_rdl"] == ("kettlebell",)
    assert "kettlebell_rdl" not in strength_ids(plan, weeks=range(6))


def test_startback_high_schedules_at_most_one_ladder_step_per_two_weeks() -> None:
    plan = make_plan(assessment(group="high"), worked_context(), EQUIPPED, weeks=8)
    firsts = sorted(
        st.first_planned
        for ladder in plan.ladders
        for st in ladder.steps[1:]
        if st.first_planned is not None
    )
    assert all((b - a).days >= 14 or a == b for a, b in itertools.pairwise(firsts))


def test_pain_in_the_strength_sessions_steps_the_planned_ladders_back() -> None:
    plan = make_plan(A, worked_context(), EQUIPPED, weeks=8)
    good_until = MONDAY + dt.timedelta(days=20)
    logs = [
        SessionLog(s.date, s.kind, "done", s.key, 1, 1, 0)
        for s in plan.sessions()
        if s.kind in ("run", "strength") and s.date <= good_until
    ]
    ctx = worked_context()
    good = adapt_plan(plan, logs, assessment=A, context=ctx, preferences=EQUIPPED, today=good_until)
    assert good.plan.state.ladder_steps.get("plank_knees") == "plank"
    today = good_until + dt.timedelta(days=7)
    flare = [
        SessionLog(s.date, s.kind, "done", s.key, 7, 7, 3)
        for s in good.plan.sessions()
        if s.kind in ("run", "strength") and good_until < s.date <= today
    ]
    bad = adapt_plan(
        good.plan, logs + flare, assessment=A, context=ctx, preferences=EQUIPPED, today=today
    )
    assert bad.plan.state.ladder_steps.get("plank_knees") == "plank_knees"
    assert "ladder.down" in {d.code for d in bad.decisions}
    nxt = next(s for s in bad.plan.sessions() if s.kind == "strength" and s.date > today)
    assert not {"plank_long_lever", "plank_leg_lift"} & {e.id for e in nxt.exercises}


def test_a_done_strength_log_without_results_counts_as_the_planned_session() -> None:
    plan = make_plan(A, worked_context(), EQUIPPED, weeks=4)
    today = MONDAY + dt.timedelta(days=13)
    logs = [
        SessionLog(s.date, s.kind, "done", s.key, 1, 1, 0)
        for s in plan.sessions()
        if s.kind in ("run", "strength") and s.date <= today
    ]
    new = adapt_plan(
        plan, logs, assessment=A, context=worked_context(), preferences=EQUIPPED, today=today
    )
    assert new.plan.state.ladder_steps.get("plank_knees") == "plank"
    assert not new.plan.state.loads_kg  # target reps met, not beaten: no load rise
