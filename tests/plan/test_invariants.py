"""Hypothesis over random runners, histories and logs: the safety invariants always hold."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstride.intake.assessment import PLAN_FLAGS, Assessment
from backstride.plan.adapt import adapt_plan
from backstride.plan.generator import is_novice, pain_level
from backstride.plan.model import Plan, Preferences, RunRecord, TrainingContext
from backstride.plan.monitor import SessionLog
from backstride.plan.training_base import training_base

from .builders import MONDAY, assessment, make_plan
from .invariants import (
    assert_guardrail,
    assert_hard_easy,
    assert_no_contraindicated,
    assert_rest_every_week,
    assert_strength_spacing,
    assert_weekly_caps,
)

FLAGS = sorted(PLAN_FLAGS - {"blocked"})


@st.composite
def contexts(draw: st.DrawFn) -> TrainingContext:
    weeks = tuple(draw(st.lists(st.integers(0, 120_000), max_size=4)))
    runs = tuple(
        RunRecord(
            MONDAY - dt.timedelta(days=draw(st.integers(1, 35))), draw(st.integers(500, 40_000))
        )
        for _ in range(draw(st.integers(0, 8)))
    )
    return TrainingContext(
        weekly_distances_m=weeks,
        recent_runs=runs,
        easy_pace_s_per_km=draw(st.integers(240, 480)),
        current_pain_nprs=draw(st.integers(0, 8)),
        months_running=draw(st.none() | st.integers(0, 240)),
        age_years=draw(st.none() | st.integers(16, 80)),
    )


@st.composite
def assessments(draw: st.DrawFn) -> Assessment:
    disposition = draw(st.sampled_from(["self_management", "clinician", "urgent", "emergency"]))
    flags = frozenset(draw(st.sets(st.sampled_from(FLAGS))))
    if draw(st.booleans()) and draw(st.booleans()):
        flags |= {"blocked"}
    return assessment(
        disposition,
        flags=flags,
        group=draw(st.sampled_from([None, "low", "medium", "high"])),
        pain=draw(st.integers(0, 8)),
    )


@st.composite
def preferences(draw: st.DrawFn) -> Preferences:
    race = draw(st.none() | st.integers(0, 90))
    return Preferences(
        days_available=frozenset(draw(st.sets(st.integers(0, 6), min_size=1))),
        minutes_per_session=draw(st.integers(20, 120)),
        runs_per_week=draw(st.integers(1, 6)),
        equipment=frozenset(
            draw(
                st.sets(
                    st.sampled_from(
                        ["pool", "bike", "barbell", "kettlebell", "bench", "dumbbells", "band"]
                    )
                )
            )
        ),
        goal_race_date=None if race is None else MONDAY + dt.timedelta(days=race),
    )


def check_all(plan: Plan, a: Assessment, ctx: TrainingContext) -> None:
    if a.plan_blocked:
        assert plan.status == "blocked"
        assert not plan.sessions()
        return
    assert plan.status == "active"
    # The guardrail's window holds the recorded runs and, when the record is thin, the stated
    # longest recent run (plan.training_base, tested on its own in test_training_base.py).
    assert_guardrail(plan, training_base(ctx, plan.start_date).runs)
    assert_no_contraindicated(plan, a)
    novice_or_pain = is_novice(ctx) or pain_level(a, ctx) >= 4
    assert_rest_every_week(plan, min_rest=2 if novice_or_pain else 1)
    assert_strength_spacing(plan)
    assert_hard_easy(plan)
    assert_weekly_caps(plan, ctx.last_week_m, pain_present=pain_level(a, ctx) > 0)


FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(
    a=assessments(),
    ctx=contexts(),
    prefs=preferences(),
    weeks=st.integers(1, 12),
    cleared=st.booleans(),
)
def test_every_generated_plan_keeps_the_safety_invariants(
    a: Assessment, ctx: TrainingContext, prefs: Preferences, weeks: int, cleared: bool
) -> None:
    plan = make_plan(a, ctx, prefs, weeks=weeks, clearance=MONDAY if cleared else None)
    check_all(plan, a, ctx)


@st.composite
def logs_for(draw: st.DrawFn, plan: Plan, today: dt.date) -> list[SessionLog]:
    out = []
    for s in plan.sessions():
        if s.date > today or s.kind not in ("run", "strength"):
            continue
        status = draw(st.sampled_from(["done", "done", "skipped"]))
        pain = st.none() | st.integers(0, 10)
        out.append(
            SessionLog(
                s.date,
                s.kind,
                status,
                s.key,
                pain_during=draw(pain),
                pain_after=draw(pain),
                pain_next_morning=draw(pain),
                usual_morning_pain=draw(st.integers(0, 3)),
                bone_pain=draw(st.none() | st.integers(0, 3)),
            )
        )
    return out


@FAST
@given(
    data=st.data(),
    a=assessments(),
    ctx=contexts(),
    prefs=preferences(),
    days=st.integers(0, 20),
    cleared=st.booleans(),
)
def test_every_adapted_plan_keeps_the_safety_invariants(
    data: st.DataObject,
    a: Assessment,
    ctx: TrainingContext,
    prefs: Preferences,
    days: int,
    cleared: bool,
) -> None:
    clearance = MONDAY if cleared else None
    plan = make_plan(a, ctx, prefs, weeks=6, clearance=clearance)
    today = MONDAY + dt.timedelta(days=days)
    logs = data.draw(logs_for(plan, today))
    result = adapt_plan(
        plan,
        logs,
        assessment=a,
        context=ctx,
        preferences=prefs,
        today=today,
        clearance_date=clearance,
    )
    new = result.plan
    if a.plan_blocked or result.needs_retriage:
        assert new.status == "blocked"
        return
    done = [
        RunRecord(
            lg.on_date, next(s.distance_m or 0 for s in plan.sessions() if s.key == lg.session_key)
        )
        for lg in logs
        if lg.kind == "run" and lg.status != "skipped"
    ]
    assert_guardrail(new, [*ctx.recent_runs, *done], after=today)
    assert_no_contraindicated(new, a) if not (a.flags & {"no_running", "no_impact"}) else None
    assert_strength_spacing(new)
    assert_hard_easy(new)
    assert new.version == plan.version + 1
    ahead = [s for s in new.sessions() if s.kind == "run" and s.date > today]
    stages = [s.date for s in ahead if s.rtr_stage is not None]
    assert all((b - a).days >= 2 for a, b in itertools.pairwise(stages))  # clinical reference §2.6
    bone = [
        lg.on_date
        for lg in logs
        if lg.kind == "run" and lg.status != "skipped" and (lg.bone_pain or 0) > 0
    ]
    if bone:  # 48 h without running after bone pain (clinical reference §2.6)
        assert all((s.date - max(bone)).days >= 2 for s in ahead)
    if new.state.rtr_stopped_on is not None:
        assert not ahead  # no running until a new clearance


@FAST
@given(ctx=contexts(), prefs=preferences())
def test_a_red_flag_never_yields_an_active_plan(ctx: TrainingContext, prefs: Preferences) -> None:
    for a in (assessment("emergency"), assessment("clinician", flags=frozenset({"blocked"}))):
        plan = make_plan(a, ctx, prefs)
        assert plan.status == "blocked"
        assert not plan.sessions()


def test_a_run_too_short_to_plan_never_counts_as_the_longest_run_of_later_weeks() -> None:
    # One 500 m run recorded: the first weeks' runs come out under 1 km and are not planned, so
    # later runs are held to 110 % of the real 500 m, not of runs that never happened (found by
    # the property test above; Frandsen 2025, clinical reference §7.1).
    ctx = TrainingContext(
        weekly_distances_m=(),
        recent_runs=(RunRecord(MONDAY - dt.timedelta(days=1), 500),),
        easy_pace_s_per_km=240,
        typical_run_s=2400,
        current_pain_nprs=0,
    )
    for weeks in (4, 8, 12):
        plan = make_plan(assessment(), ctx, Preferences(), weeks=weeks)
        check_all(plan, assessment(), ctx)
