"""Each adaptation pass on its own: it returns a value and leaves what it was given unchanged."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from backstride.plan.generator import PlanRequest, generate_plan
from backstride.plan.log_review import blocked_version, log_window, review_logs
from backstride.plan.model import Plan, PlanRules, Preferences, ProgressionState, RunRecord
from backstride.plan.modes import PainAction
from backstride.plan.monitor import PainDecision, SessionLog
from backstride.plan.regenerate import (
    Regeneration,
    current_week,
    done_runs,
    next_request,
    regenerate,
)
from backstride.plan.state_passes import clearance_pass, rtr_pass, volume_pass

from .builders import MONDAY, assessment, make_plan, worked_context

RULES = PlanRules()
A = assessment()
CTX = worked_context()
BSI = assessment("clinician", flags=frozenset({"no_running", "no_impact"}))


def done(
    plan: Plan,
    kind: str,
    *,
    nth: int = 0,
    pain_during: int = 1,
    pain_after: int = 1,
    pain_next_morning: int = 0,
) -> SessionLog:
    s = [s for s in plan.sessions() if s.kind == kind][nth]
    return SessionLog(
        s.date,
        kind,
        "done",
        s.key,
        pain_during=pain_during,
        pain_after=pain_after,
        pain_next_morning=pain_next_morning,
    )


def regen(plan: Plan, window: tuple[SessionLog, ...], today: dt.date) -> Regeneration:
    return Regeneration(
        window=window,
        state=replace(plan.state, adapted_through=today),
        assessment=A,
        context=CTX,
        preferences=Preferences(),
        today=today,
        rules=RULES,
        clearance=None,
    )


# --- pass 1: judging the logs (clinical reference §8) ---------------------------------------


def test_the_window_holds_only_logs_after_the_last_adaptation_up_to_today() -> None:
    plan = make_plan()
    plan = replace(plan, state=replace(plan.state, adapted_through=MONDAY + dt.timedelta(days=1)))
    logs = [SessionLog(MONDAY + dt.timedelta(days=k), "run", "done") for k in (0, 1, 2, 3, 9)]
    window = log_window(plan, logs, MONDAY + dt.timedelta(days=3))
    assert [lg.on_date.day for lg in window] == [2, 3]


def test_runs_and_strength_each_take_their_most_conservative_decision() -> None:
    plan = make_plan()
    today = MONDAY + dt.timedelta(days=6)
    logs = [done(plan, "run", nth=0), done(plan, "run", nth=1, pain_during=6)]
    logs += [done(plan, "strength", nth=0)]
    review = review_logs(plan, logs, today=today, rules=RULES)
    assert review.run is not None
    assert review.run.action == PainAction.REGRESS
    assert review.strength is not None
    assert review.strength.action == PainAction.HOLD
    assert len(review.decisions) == len(review.window) == 3
    assert review.stop is None


def test_a_planned_session_without_a_log_holds_and_says_so() -> None:
    plan = make_plan()
    review = review_logs(plan, [], today=MONDAY + dt.timedelta(days=6), rules=RULES)
    assert review.run is not None
    assert review.run.code == "session.not_logged"
    assert any("without a log" in n.text for n in review.notes)


def test_a_new_red_flag_symptom_is_the_stop_and_blocks_the_next_version() -> None:
    plan = make_plan()
    today = MONDAY + dt.timedelta(days=2)
    s = plan.sessions()[0]
    log = SessionLog(s.date, s.kind, "done", s.key, 1, 1, 0, new_red_flag="saddle numbness")
    stop = review_logs(plan, [log], today=today, rules=RULES).stop
    assert stop is not None
    assert stop.code == "pain.red_flag"
    blocked = blocked_version(plan, stop, today)
    assert (blocked.status, blocked.version) == ("blocked", plan.version + 1)
    assert all(d.date <= today for w in blocked.weeks for d in w.days)
    assert plan.status == "active"


# --- pass 2-4: the progression state (clinical reference §2.6, §7.1, §8) ---------------------


def test_two_stage_sessions_free_of_bone_pain_open_the_next_stage() -> None:
    # R1: stage 3, last two sessions pain-free -> next session stage 4.
    state = ProgressionState(rtr_stage=3)
    logs = [SessionLog(MONDAY + dt.timedelta(days=k), "run", "done", bone_pain=0) for k in (0, 2)]
    out = rtr_pass(state, logs, logs, today=MONDAY + dt.timedelta(days=3))
    assert (out.state.rtr_stage, out.stop_running, out.bone_days) == (4, False, ())
    assert state.rtr_stage == 3


def test_bone_pain_in_an_ordinary_run_stops_running_and_records_the_day() -> None:
    today = MONDAY + dt.timedelta(days=3)
    log = SessionLog(MONDAY, "run", "done", bone_pain=2)
    out = rtr_pass(ProgressionState(), [], [log], today=today)
    assert out.stop_running
    assert out.bone_days == (MONDAY,)
    assert out.state.rtr_stopped_on == today
    assert [n.code for n in out.notes] == ["pain.bone"]


def test_a_regress_lowers_next_week_and_holds_intensity_a_hold_holds_one_week() -> None:
    regress = PainDecision(PainAction.REGRESS, "pain.high_during", "")
    hold = PainDecision(PainAction.HOLD, "pain.acceptable", "")
    out = volume_pass(ProgressionState(), regress, rules=RULES)
    assert (out.state.volume_factor, out.state.deload_every, out.hold_intensity) == (0.8, 3, True)
    out = volume_pass(ProgressionState(volume_factor=0.8), hold, rules=RULES)
    assert (out.state.volume_factor, out.state.hold_weeks, out.hold_intensity) == (1.0, 1, False)
    out = volume_pass(ProgressionState(hold_weeks=1), None, rules=RULES)
    assert (out.state.volume_factor, out.state.hold_weeks) == (1.0, 0)


def test_only_a_clearance_recorded_after_the_stop_reopens_running() -> None:
    stopped = ProgressionState(rtr_stopped_on=MONDAY)
    before = MONDAY - dt.timedelta(days=1)
    binding, clearance = clearance_pass(A, stopped, before)
    assert {"no_running", "no_impact"} <= binding.flags
    assert clearance is None
    assert not A.flags
    after = MONDAY + dt.timedelta(days=1)
    assert clearance_pass(A, stopped, after) == (A, after)


# --- pass 5: regenerating the future ----------------------------------------------------------


def test_a_done_run_without_a_distance_counts_as_planned_and_a_skipped_one_not_at_all() -> None:
    plan = make_plan()
    first, second = [s for s in plan.sessions() if s.kind == "run"][:2]
    logs = [
        SessionLog(first.date, "run", "done", first.key),
        SessionLog(second.date, "run", "skipped", second.key),
    ]
    assert done_runs(plan, logs) == (RunRecord(first.date, first.distance_m or 0),)


def test_the_current_week_is_kept_and_the_new_weeks_start_after_it() -> None:
    plan = make_plan(weeks=4)
    today = MONDAY + dt.timedelta(days=2)
    cur = current_week(plan, regen(plan, (), today), ())
    assert len(cur.kept) == 1
    assert (cur.next_start, cur.offset) == (MONDAY + dt.timedelta(days=7), 1)
    ahead = sum(s.distance_m or 0 for d in plan.weeks[0].days if d.date > today for s in d.sessions)
    assert cur.week_run_m == ahead


def test_the_next_request_reads_the_logged_pain_and_the_current_week() -> None:
    plan = make_plan(weeks=4)
    today = MONDAY + dt.timedelta(days=6)
    window = (done(plan, "run", nth=0, pain_during=3, pain_after=4),)
    r = regen(plan, window, today)
    done_ = done_runs(plan, window)
    cur = current_week(plan, r, done_)
    req = next_request(plan, r, cur, done_)
    assert req.logged_pain == 4
    assert req.context.weekly_distances_m[-1] == cur.week_run_m
    assert (req.weeks, req.week_offset, req.version) == (3, 1, plan.version + 1)


def test_regeneration_keeps_past_days_and_the_plan_length() -> None:
    plan = make_plan(weeks=4)
    today = MONDAY + dt.timedelta(days=9)
    new = regenerate(plan, regen(plan, (), today))
    assert len(new.weeks) == len(plan.weeks)
    assert new.start_date == plan.start_date
    past = [s for s in plan.sessions() if s.date <= today]
    assert [s for s in new.sessions() if s.date <= today] == past


def test_regeneration_without_a_clearance_keeps_a_suspected_bone_stress_plan_without_runs() -> None:
    plan = generate_plan(PlanRequest("p", BSI, CTX, Preferences(), MONDAY, 3))
    r = replace(regen(plan, (), MONDAY + dt.timedelta(days=3)), assessment=BSI)
    assert not [s for s in regenerate(plan, r).sessions() if s.kind == "run"]
