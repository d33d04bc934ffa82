"""Suspected bone stress injury: no running until assessed, then clinical reference §2.6 through the
generator and the weekly adaptation (R1-R4 with the sessions that follow them)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace

from backstride.plan.adapt import AdaptResult, adapt_plan
from backstride.plan.generator import PlanRequest, generate_plan
from backstride.plan.model import Plan, Preferences, ProgressionState, Session
from backstride.plan.monitor import SessionLog

from .builders import MONDAY, assessment, make_plan, worked_context

BSI = frozenset({"no_running", "no_impact", "no_axial_loading"})
A = assessment("clinician", flags=BSI, code="pattern.bone_stress")
CTX = worked_context()
PREFS = Preferences()
CLEARED = MONDAY - dt.timedelta(days=1)


def runs(plan: Plan, after: dt.date | None = None) -> list[Session]:
    return [s for s in plan.sessions() if s.kind == "run" and (after is None or s.date > after)]


def at_stage(stage: int, good: int = 0, regressed_at: int | None = None) -> Plan:
    state = ProgressionState(rtr_stage=stage, rtr_good_sessions=good, rtr_regressed_at=regressed_at)
    return generate_plan(
        PlanRequest("p", A, CTX, PREFS, MONDAY, 4, clearance_date=CLEARED, state=state)
    )


def adapt(
    plan: Plan, logs: list[SessionLog], today: dt.date, *, clearance: dt.date = CLEARED
) -> AdaptResult:
    return adapt_plan(
        plan,
        logs,
        assessment=A,
        context=CTX,
        preferences=PREFS,
        today=today,
        clearance_date=clearance,
    )


def done(s: Session, bone: int = 0, morning: int = 0) -> SessionLog:
    return SessionLog(
        s.date, "run", "done", s.key, 0, 0, morning, bone_pain=bone, usual_morning_pain=0
    )


def test_no_running_until_a_clinician_clearance_is_recorded() -> None:
    # clinical reference §1.1 pattern.bone_stress: "no running until assessed"; 2.6 gate needs
    # clearance.
    for clearance in (None, MONDAY + dt.timedelta(days=1)):  # none, or not yet valid
        plan = make_plan(A, CTX, clearance=clearance)
        assert not runs(plan)
        assert "plan.no_running" in {d.code for d in plan.decisions}
        assert any(s.kind == "cross_training" for s in plan.sessions())


def test_after_clearance_stages_progress_every_two_sessions_to_stage_6_by_week_4() -> None:
    # clinical reference §2.6: 2 sessions per stage; "earliest stage 6 after 12 sessions (~4
    # weeks)"; alternate days, at most 3-4 a week.
    plan = make_plan(A, CTX, clearance=CLEARED, weeks=5)
    stages = [s.rtr_stage for s in runs(plan)]
    assert stages[:12] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]
    assert runs(plan)[11].date < MONDAY + dt.timedelta(days=28)
    assert all((b.date - a.date).days >= 2 for a, b in itertools.pairwise(runs(plan)))
    for w in plan.weeks:
        assert sum(s.kind == "run" for d in w.days for s in d.sessions) <= 4


def test_r1_stage_3_with_two_pain_free_sessions_moves_the_next_session_to_stage_4() -> None:
    plan = at_stage(3, good=1)
    first = runs(plan)[0]
    result = adapt(plan, [done(first)], first.date)
    assert "rtr.progress" in [d.code for d in result.decisions]
    assert runs(result.plan, after=first.date)[0].rtr_stage == 4


def test_r2_calf_ache_next_morning_without_bone_pain_counts_the_session() -> None:
    plan = at_stage(4)
    first = runs(plan)[0]
    result = adapt(plan, [done(first, morning=2)], first.date)
    assert "rtr.count" in [d.code for d in result.decisions]
    nxt = runs(result.plan, after=first.date)[0]
    assert (nxt.rtr_stage, result.plan.state.rtr_good_sessions) == (4, 1)


def test_r3_bone_pain_at_stage_5_rests_48_h_and_resumes_at_stage_4() -> None:
    plan = at_stage(5, good=1)
    first = runs(plan)[0]
    result = adapt(plan, [done(first, bone=3)], first.date)
    assert "rtr.regress" in [d.code for d in result.decisions]
    later = runs(result.plan, after=first.date)
    assert later[0].rtr_stage == 4
    assert (later[0].date - first.date).days >= 2
    assert result.plan.state.rtr_stage == 4


def test_r4_bone_pain_again_at_stage_4_stops_running_and_asks_for_the_clinician() -> None:
    plan = at_stage(4, regressed_at=5)
    first = runs(plan)[0]
    result = adapt(plan, [done(first, bone=2)], first.date)
    assert "rtr.stop" in [d.code for d in result.decisions]
    assert result.clinician_review
    assert not runs(result.plan, after=first.date)
    assert any(s.kind == "cross_training" for s in result.plan.sessions() if s.date > first.date)
    # The old clearance does not restart running at the next adaptation ...
    later = first.date + dt.timedelta(days=7)
    again = adapt(result.plan, [], later)
    assert not runs(again.plan, after=later)
    # ... a clearance recorded after the stop does, from stage 1.
    cleared = adapt(result.plan, [], later, clearance=later)
    assert [s.rtr_stage for s in runs(cleared.plan, after=later)][:1] == [1]


def test_bone_pain_at_stage_1_after_a_regression_stops_running() -> None:
    plan = at_stage(1, regressed_at=1)
    first = runs(plan)[0]
    result = adapt(plan, [done(first, bone=1)], first.date)
    assert "rtr.stop" in [d.code for d in result.decisions]


def test_stage_7_builds_without_speed_work_or_hills_until_two_pain_free_weeks() -> None:
    plan = at_stage(6, good=1)
    first = runs(plan)[0]
    result = adapt(plan, [done(first)], first.date)
    new = result.plan
    assert new.state.rtr_stage == 7
    after = runs(new, after=first.date + dt.timedelta(days=7))
    assert after
    assert all(s.rtr_stage is None for s in after)
    assert all(s.intensity != "tempo" for s in after)
    assert all("terrain.hold_hills" in {r.code for r in s.reasons} for s in after)
    # Two weeks pain-free at stage 7: speed work may come back (no hill hold any more).
    state = replace(new.state, rtr_stage7_since=MONDAY - dt.timedelta(days=14))
    freed = generate_plan(
        PlanRequest("p", A, CTX, PREFS, MONDAY, 2, clearance_date=CLEARED, state=state)
    )
    assert "rtr.stage7" not in {d.code for d in freed.decisions}
    assert not any("terrain.hold_hills" in {r.code for r in s.reasons} for s in runs(freed))


def test_bone_pain_in_an_ordinary_run_stops_running_and_asks_for_review() -> None:
    # clinical reference §1.4 safety-netting: "one spot on a bone is tender ... stop running and
    # contact the clinic".
    a = assessment()
    plan = make_plan(a, CTX)
    first = runs(plan)[0]
    log = SessionLog(first.date, "run", "done", first.key, 1, 1, 0, bone_pain=2)
    result = adapt_plan(plan, [log], assessment=a, context=CTX, preferences=PREFS, today=first.date)
    assert "pain.bone" in [d.code for d in result.decisions]
    assert result.clinician_review
    assert not runs(result.plan, after=first.date)


def test_a_skipped_walk_run_session_is_never_moved_next_to_another_run() -> None:
    # clinical reference §2.6: stages on alternate days; 8 D8: reschedule without stacking.
    plan = make_plan(A, CTX, clearance=CLEARED)
    first = runs(plan)[0]
    result = adapt(plan, [SessionLog(first.date, "run", "skipped", first.key)], first.date)
    later = runs(result.plan, after=first.date)
    assert all((b.date - a.date).days >= 2 for a, b in itertools.pairwise(later))
    assert "reshuffle.dropped" in {d.code for d in result.decisions}
