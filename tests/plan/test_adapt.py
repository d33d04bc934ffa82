"""Adaptation scenarios: flare (regress), good weeks (progress), red flag, missed sessions."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace

from backstride.intake.assessment import Assessment
from backstride.plan.adapt import AdaptResult, adapt_plan
from backstride.plan.generator import PlanRequest, generate_plan
from backstride.plan.model import Plan, PlanRules, Preferences, ProgressionState
from backstride.plan.modes import PainAction
from backstride.plan.monitor import ExerciseResult, PainDecision, SessionLog

from .builders import MONDAY, assessment, make_plan, worked_context

A = assessment()
CTX = worked_context()
PREFS = Preferences(equipment=frozenset({"barbell", "kettlebell"}))


def logs_until(
    plan: Plan,
    today: dt.date,
    *,
    during: int = 1,
    after: int = 1,
    morning: int = 0,
    since: dt.date | None = None,
) -> list[SessionLog]:
    return [
        SessionLog(
            s.date,
            s.kind,
            "done",
            s.key,
            pain_during=during,
            pain_after=after,
            pain_next_morning=morning,
        )
        for s in plan.sessions()
        if s.kind in ("run", "strength") and s.date <= today and (since is None or s.date > since)
    ]


def future_run_distance(plan: Plan, after: dt.date, days: int = 7) -> int:
    end = after + dt.timedelta(days=days)
    return sum(
        s.distance_m or 0 for s in plan.sessions() if s.kind == "run" and after < s.date <= end
    )


def generate_again(plan: Plan, prefs: Preferences) -> Plan:
    """The same request with ``plan.state`` as the starting progression state."""
    return generate_plan(
        PlanRequest(plan.plan_id, A, CTX, prefs, plan.start_date, len(plan.weeks), state=plan.state)
    )


def adapt(plan: Plan, logs: list[SessionLog], today: dt.date, a: Assessment = A) -> AdaptResult:
    return adapt_plan(plan, logs, assessment=a, context=CTX, preferences=PREFS, today=today)


def test_a_flare_after_a_hard_week_regresses_runs_with_reasons() -> None:
    plan = make_plan(prefs=PREFS)
    today = MONDAY + dt.timedelta(days=6)
    result = adapt(plan, logs_until(plan, today, during=6, after=7, morning=3), today)
    assert any(d.code == "pain.high_during" for d in result.decisions)
    assert future_run_distance(result.plan, today) < future_run_distance(plan, today)
    assert not any(
        s.hard and s.intensity == "tempo" for s in result.plan.sessions() if s.date > today
    )
    assert result.diff
    assert all(e.change in {"added", "removed", "changed"} for e in result.diff)
    assert result.plan.version == 2


def test_three_good_weeks_progress_volume_and_strength() -> None:
    plan = make_plan(prefs=PREFS, weeks=8)
    for week in range(3):
        today = MONDAY + dt.timedelta(days=7 * week + 6)
        since = plan.state.adapted_through
        logs = logs_until(plan, today, since=since)
        for i, lg in enumerate(logs):
            if lg.kind == "strength":
                logs[i] = SessionLog(
                    lg.on_date,
                    lg.kind,
                    "done",
                    lg.session_key,
                    pain_during=1,
                    pain_after=1,
                    pain_next_morning=0,
                    exercises=tuple(
                        ExerciseResult(e.id, e.sets or 1, (e.reps or 0) + 2)
                        for s in plan.sessions()
                        if s.key == lg.session_key
                        for e in s.exercises
                    ),
                )
        result = adapt(plan, logs, today)
        assert any(d.code == "pain.safe" for d in result.decisions)
        plan = result.plan
    assert plan.version == 4
    assert plan.state.ladder_steps, "good strength sessions step up the ladders"
    week4 = plan.weeks[3]
    assert week4.phase == "deload"
    targets = [w.target_distance_m for w in plan.weeks[:5]]
    assert targets[0] < targets[1] < targets[2], "three good weeks build volume"
    # clinical reference §7.1: "<= +10 %/week while pain is present ... never > +30 % week on week"
    # - so the week after the deload builds again from the deload week, inside the cap (pain 1/10
    # was logged), instead of jumping back to the pre-deload level (+33 % or more).
    assert targets[3] < targets[4] <= targets[3] * 1.10


def test_a_new_red_flag_symptom_stops_the_plan_and_asks_for_retriage() -> None:
    plan = make_plan()
    today = MONDAY + dt.timedelta(days=2)
    logs = logs_until(plan, today)
    logs.append(SessionLog(today, "run", "done", new_red_flag="numbness around the saddle"))
    result = adapt(plan, logs, today)
    assert result.needs_retriage
    assert result.plan.status == "blocked"
    assert not any(s.date > today for s in result.plan.sessions())
    assert {c.key for c in result.plan.cancelled} >= {
        s.key for s in plan.sessions() if s.date > today and s.kind != "rest"
    }


def test_a_skipped_session_is_held_and_moved_without_two_hard_days_in_a_row() -> None:
    plan = make_plan()
    first_run = next(s for s in plan.sessions() if s.kind == "run")
    logs = [SessionLog(first_run.date, "run", "skipped", first_run.key)]
    result = adapt(plan, logs, first_run.date)
    assert any(d.code == "session.skipped" for d in result.decisions)
    hard = sorted(s.date for s in result.plan.sessions() if s.hard)
    assert all((b - a).days > 1 for a, b in itertools.pairwise(hard))
    moved = [
        s for s in result.plan.sessions() if any(r.code == "reshuffle.moved" for r in s.reasons)
    ]
    assert len(moved) <= 1
    codes = {d.code for d in result.decisions}
    assert codes & {"reshuffle.moved", "reshuffle.dropped"}


def test_changed_sessions_get_a_higher_revision_and_unchanged_keep_theirs() -> None:
    plan = make_plan()
    today = MONDAY + dt.timedelta(days=6)
    result = adapt(plan, logs_until(plan, today, during=6, after=6), today)
    before = {s.key: s for s in plan.sessions()}
    for s in result.plan.sessions():
        if s.key in before and s.date <= today:
            assert s.revision == before[s.key].revision
    changed = {e.key for e in result.diff if e.change == "changed"}
    assert changed
    assert all(s.revision == 1 for s in result.plan.sessions() if s.key in changed)


def test_return_to_run_regresses_a_stage_on_bone_pain() -> None:
    flags = frozenset({"no_running", "no_impact"})
    a = assessment("clinician", flags=flags)
    plan = make_plan(a, clearance=MONDAY)
    rtr = [s for s in plan.sessions() if s.kind == "run"][:3]
    logs = [SessionLog(s.date, "run", "done", s.key, bone_pain=0) for s in rtr[:2]]
    logs.append(SessionLog(rtr[2].date, "run", "done", rtr[2].key, bone_pain=3))
    result = adapt_plan(
        plan,
        logs,
        assessment=a,
        context=CTX,
        preferences=Preferences(),
        today=rtr[2].date,
        clearance_date=MONDAY,
    )
    codes = [d.code for d in result.decisions]
    assert codes.count("rtr.progress") == 1
    assert "rtr.regress" in codes
    assert result.plan.state.rtr_stage == 1


def test_startback_high_allows_one_ladder_step_per_two_weeks() -> None:
    high = assessment(group="high")
    plan = make_plan(high, prefs=PREFS)
    strength = next(s for s in plan.sessions() if s.kind == "strength")
    today = strength.date  # the only strength session so far is the one logged
    ex = next(e for e in strength.exercises if e.id == "plank_knees")
    primed = replace(
        plan,
        state=replace(plan.state, good_sessions={"plank_knees": 1}, last_ladder_step=MONDAY),
    )
    log = SessionLog(
        strength.date,
        "strength",
        "done",
        strength.key,
        1,
        1,
        0,
        exercises=(ExerciseResult(ex.id, ex.sets or 1, 1),),
    )
    waited = adapt_plan(primed, [log], assessment=high, context=CTX, preferences=PREFS, today=today)
    assert "startback.high_step_wait" in [d.code for d in waited.decisions]
    low = adapt_plan(primed, [log], assessment=A, context=CTX, preferences=PREFS, today=today)
    assert low.plan.state.ladder_steps.get("plank_knees") == "plank"


def test_a_session_without_good_form_does_not_count_towards_a_ladder_step() -> None:
    # clinical reference §7.2 ladders: "step up after 2 sessions with good form".
    plan = make_plan(A, prefs=PREFS)
    strength = next(s for s in plan.sessions() if s.kind == "strength")
    ex = next(e for e in strength.exercises if e.id == "plank_knees")
    primed = replace(plan, state=replace(plan.state, good_sessions={"plank_knees": 1}))

    def step_after(good_form: bool) -> str | None:
        log = SessionLog(
            strength.date,
            "strength",
            "done",
            strength.key,
            1,
            1,
            0,
            exercises=(ExerciseResult(ex.id, ex.sets or 1, 1),),
            good_form=good_form,
        )
        new = adapt_plan(
            primed, [log], assessment=A, context=CTX, preferences=PREFS, today=strength.date
        )
        return new.plan.state.ladder_steps.get("plank_knees")

    assert step_after(True) == "plank"
    assert step_after(False) is None


def test_pain_logged_this_week_keeps_next_week_under_the_10_percent_cap() -> None:
    eager = PlanRules(growth=0.2)
    plan = make_plan(prefs=PREFS, rules=eager)
    today = MONDAY + dt.timedelta(days=6)

    def growth(during: int) -> float:
        logs = logs_until(plan, today, during=during, after=during, morning=0)
        new = adapt_plan(
            plan, logs, assessment=A, context=CTX, preferences=PREFS, today=today, rules=eager
        ).plan
        weeks = [
            sum(s.distance_m or 0 for d in w.days for s in d.sessions if s.kind == "run")
            for w in new.weeks[:2]
        ]
        return weeks[1] / weeks[0]

    assert growth(0) > 1.10
    assert growth(2) <= 1.10


def test_a_week_without_any_log_holds_instead_of_progressing() -> None:
    # clinical reference §8: progress needs pain that stayed low and settled; no log gives neither.
    plan = make_plan(prefs=PREFS)
    today = MONDAY + dt.timedelta(days=6)
    result = adapt(plan, [], today)
    codes = [d.code for d in result.decisions]
    assert "session.not_logged" in codes
    assert "pain.safe" not in codes
    assert result.plan.state.hold_weeks == 1
    assert not result.plan.state.ladder_steps


def test_a_fully_logged_pain_free_week_progresses() -> None:
    plan = make_plan(prefs=PREFS)
    today = MONDAY + dt.timedelta(days=6)
    result = adapt(plan, logs_until(plan, today), today)
    codes = [d.code for d in result.decisions]
    assert "session.not_logged" not in codes
    assert "pain.safe" in codes
    assert result.plan.state.hold_weeks == 0


def test_2_for_2_counts_sessions_across_weekly_adaptations_20_to_21_kg() -> None:
    # clinical reference §7.2: "target 3 x 10 at 20 kg; 3 x 12 done twice -> 21 kg". The hip-hinge
    # ladder sits at the barbell RDL (20 kg, 1 kg steps); each weekly adaptation sees one
    # session of it, so the two sessions fall into two different adaptations.
    prefs = Preferences(equipment=frozenset({"barbell", "kettlebell", "bench", "dumbbells"}))
    state = ProgressionState(ladder_steps={"hip_hinge_dowel": "barbell_rdl"})
    plan = replace(make_plan(prefs=prefs), state=state)
    plan = generate_again(plan, prefs)
    loads = []
    for week in range(2):
        today = MONDAY + dt.timedelta(days=7 * week + 6)
        logs = logs_until(plan, today, since=plan.state.adapted_through)
        rdl_done = False
        for i, lg in enumerate(logs):
            planned = next(s for s in plan.sessions() if s.key == lg.session_key)
            if any(e.id == "barbell_rdl" for e in planned.exercises) and not rdl_done:
                rdl_done = True
                logs[i] = replace(lg, exercises=(ExerciseResult("barbell_rdl", 3, 12, 20.0),))
        assert rdl_done, "one RDL session a week"
        plan = adapt_plan(
            plan, logs, assessment=A, context=CTX, preferences=prefs, today=today
        ).plan
        loads.append(plan.state.loads_kg.get("barbell_rdl", 20.0))
    assert loads == [20.0, 21.0]


def test_a_session_that_misses_the_target_restarts_the_2_for_2_count() -> None:
    from backstride.plan.catalogue import load_catalogue
    from backstride.plan.progression import strength_state

    cat = load_catalogue()
    good = PainDecision(PainAction.PROGRESS, "pain.safe", "")
    state = ProgressionState(beat_target={"barbell_rdl": 1})

    def session(reps: int) -> SessionLog:
        return SessionLog(
            MONDAY, "strength", "done", exercises=(ExerciseResult("barbell_rdl", 3, reps, 20.0),)
        )

    state = strength_state(state, [session(10)], good, cat, today=MONDAY).state
    assert state.beat_target["barbell_rdl"] == 0
    assert "barbell_rdl" not in state.loads_kg
