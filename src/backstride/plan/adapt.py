"""Weekly adaptation: session logs -> a new plan version with a readable diff and reasons.

Runs and strength progress, hold or regress by the pain-monitoring model (clinical reference §8);
loads follow 2-for-2 and ladders step per clinical reference §7.2; return-to-run stages per 2.6; a
new red-flag symptom blocks the plan and asks for re-triage; missed sessions are re-placed without
two hard days in a row and within the caps (guard.py re-checks the whole plan).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from backstride.intake.assessment import Assessment
from backstride.plan.catalogue import forbidden_tags, load_catalogue
from backstride.plan.diff import DiffEntry, revise
from backstride.plan.generator import PlanRequest, generate_plan
from backstride.plan.guard import (
    enforce_guardrail,
    enforce_hard_easy,
    enforce_strength_spacing,
)
from backstride.plan.model import (
    Decision,
    Plan,
    PlanRules,
    Preferences,
    ProgressionState,
    RunRecord,
    Session,
    TrainingContext,
    Week,
)
from backstride.plan.monitor import (
    NOT_LOGGED,
    PainDecision,
    SessionLog,
    combine,
    decide,
    rising_weeks,
    rtr_step,
)
from backstride.plan.progression import strength_state
from backstride.plan.reshuffle import reshuffle_week, restage_week


@dataclass(frozen=True, slots=True)
class AdaptResult:
    """The new version, what changed, why, and whether triage must be re-run."""

    plan: Plan
    diff: tuple[DiffEntry, ...]
    decisions: tuple[Decision, ...]
    needs_retriage: bool = False
    clinician_review: bool = False
    """A decision asks for clinician review (rising weeks, D5; bone pain, R4: ``clinician``)."""


def _blocked(plan: Plan, decision: PainDecision, today: dt.date) -> Plan:
    weeks = tuple(
        Week(
            w.index,
            w.start_date,
            w.phase,
            w.target_distance_m,
            tuple(d for d in w.days if d.date <= today),
            w.reasons,
        )
        for w in plan.weeks
        if w.start_date <= today
    )
    return replace(
        plan,
        status="blocked",
        weeks=weeks,
        blocked_reason=decision.text,
        do_now=(
            decision.text,
            "Numbness around the saddle area, loss of bladder or "
            "bowel control or weakness in both legs: emergency care now.",
        ),
    )


def adapt_plan(
    plan: Plan,
    logs: Sequence[SessionLog],
    *,
    assessment: Assessment,
    context: TrainingContext,
    preferences: Preferences,
    today: dt.date,
    rules: PlanRules | None = None,
    clearance_date: dt.date | None = None,
) -> AdaptResult:
    """A new version from the logs up to ``today`` (future days regenerated)."""
    rules = rules or PlanRules()
    state = plan.state
    since = state.adapted_through
    window = sorted(
        (lg for lg in logs if lg.on_date <= today and (since is None or lg.on_date > since)),
        key=lambda lg: lg.on_date,
    )
    rising = rising_weeks([lg for lg in logs if lg.on_date <= today])
    notes: list[Decision] = []
    per_log = [
        decide(lg, rising=rising, during_max=rules.pain_during_max, after_max=rules.pain_after_max)
        for lg in window
    ]
    if any(d.action == "stop" for d in per_log):
        stop = next(d for d in per_log if d.action == "stop")
        new = _blocked(replace(plan, version=plan.version + 1), stop, today)
        new, diff = revise(plan, new, today=today)
        return AdaptResult(new, diff, (Decision(stop.code, stop.text),), needs_retriage=True)
    run_logs = [lg for lg, _ in zip(window, per_log, strict=True) if lg.kind == "run"]
    rtr_logs = [lg for lg in run_logs if _is_rtr(plan, lg)]
    missing = _not_logged(plan, logs, since, today)
    run_dec = combine(
        [
            d
            for lg, d in zip(window, per_log, strict=True)
            if lg.kind == "run" and (lg not in rtr_logs or plan.state.rtr_stage == 7)
        ]
        + [NOT_LOGGED for s in missing if s.kind == "run" and s.rtr_stage is None]
    )
    str_dec = combine(
        [d for lg, d in zip(window, per_log, strict=True) if lg.kind == "strength"]
        + [NOT_LOGGED for s in missing if s.kind == "strength"]
    )
    if missing:
        notes.append(
            Decision(
                NOT_LOGGED.code,
                f"{len(missing)} planned session(s) without a log: held, not progressed.",
            )
        )
    for label, dec in (("Runs", run_dec), ("Strength", str_dec)):
        if dec is not None:
            notes.append(Decision(f"{dec.code}", f"{label}: {dec.action}. {dec.text}"))
    state = strength_state(
        state,
        [lg for lg in window if lg.kind == "strength"],
        str_dec,
        load_catalogue(),
        notes,
        today=today,
        step_gap_days=14 if assessment.startback_group == "high" else 0,
    )
    stop_running = False
    stage, good, reg_at = state.rtr_stage or 1, state.rtr_good_sessions, state.rtr_regressed_at
    since7 = state.rtr_stage7_since
    bone_days: list[dt.date] = []
    for lg in rtr_logs:
        before = stage
        step = rtr_step(stage, good, reg_at, lg)
        stage, good, reg_at = step.stage, step.good, step.regressed_at
        notes.append(Decision(step.code, step.text))
        stop_running = stop_running or step.stop_running
        if (lg.bone_pain or 0) > 0:
            bone_days.append(lg.on_date)
        if stage == 7 and (before < 7 or (lg.pain_during or 0) > 2):
            since7 = lg.on_date  # a new pain-free spell at stage 7 starts (clinical reference §2.6)
        elif stage < 7:
            since7 = None
    for lg in run_logs:
        if lg not in rtr_logs and (lg.bone_pain or 0) > 0:
            # clinical reference §1.4 safety-netting: a tender spot on a bone -> stop running and
            # contact the clinic (a suspected bone stress injury, never a diagnosis).
            stop_running = True
            bone_days.append(lg.on_date)
            notes.append(
                Decision(
                    "pain.bone",
                    "Bone pain during a run: stop running and contact the clinic; non-impact "
                    "training only until a clinician clears a graded return to running.",
                )
            )
    if rtr_logs:
        state = replace(
            state,
            rtr_stage=stage,
            rtr_good_sessions=good,
            rtr_regressed_at=reg_at,
            rtr_stage7_since=since7,
        )
    if stop_running:
        state = replace(
            state,
            rtr_stage=1,
            rtr_good_sessions=0,
            rtr_regressed_at=None,
            rtr_stage7_since=None,
            rtr_stopped_on=today,
        )
    hold_intensity = False
    if run_dec is not None and run_dec.action == "regress":
        state = replace(state, volume_factor=rules.regress_factor, hold_weeks=0, deload_every=3)
        hold_intensity = True
    elif run_dec is not None and run_dec.action == "hold":
        state = replace(state, volume_factor=1.0, hold_weeks=1)
    else:
        state = replace(state, volume_factor=1.0, hold_weeks=0)
    state = replace(state, adapted_through=today)
    a = assessment
    stopped = state.rtr_stopped_on
    if stopped is not None and not (clearance_date is not None and clearance_date > stopped):
        a = replace(a, flags=a.flags | {"no_running", "no_impact"})
        clearance_date = None
    new = _regenerate(
        plan,
        window,
        state,
        a,
        context,
        preferences,
        today,
        rules,
        clearance_date,
        hold_intensity=hold_intensity,
        bone_days=bone_days,
    )
    new, diff = revise(plan, new, today=today)
    old_reasons = {r for w in plan.weeks for r in w.reasons}
    notes += [
        r
        for w in new.weeks
        for r in w.reasons
        if r.code.startswith("reshuffle.") and r not in old_reasons
    ]
    review = stop_running or any(d.review for d in per_log)
    return AdaptResult(new, diff, tuple(notes), clinician_review=review)


def _not_logged(
    plan: Plan, logs: Sequence[SessionLog], since: dt.date | None, today: dt.date
) -> list[Session]:
    """Planned runs and strength sessions up to ``today`` that have no log at all.

    No log is not "done pain-free": the pain model cannot progress on missing information, so
    these count as a hold (clinical reference §8: progress needs low pain that settled) [default].
    """
    keys = {lg.session_key for lg in logs}
    dated = {(lg.on_date, lg.kind) for lg in logs}
    return [
        s
        for s in plan.sessions()
        if s.kind in ("run", "strength")
        and s.date <= today
        and (since is None or s.date > since)
        and s.key not in keys
        and (s.date, s.kind) not in dated
    ]


def _is_rtr(plan: Plan, log: SessionLog) -> bool:
    """A walk-run stage session, or any run at stage 7 (the build after the stages)."""
    if log.kind == "run" and plan.state.rtr_stage == 7:
        return True
    return any(s.key == log.session_key and s.rtr_stage is not None for s in plan.sessions())


def _regenerate(
    plan: Plan,
    window: Sequence[SessionLog],
    state: ProgressionState,
    a: Assessment,
    context: TrainingContext,
    prefs: Preferences,
    today: dt.date,
    rules: PlanRules,
    clearance: dt.date | None,
    *,
    hold_intensity: bool,
    bone_days: Sequence[dt.date] = (),
) -> Plan:
    planned = {s.key: s for s in plan.sessions()}
    done = [
        RunRecord(
            lg.on_date,
            lg.distance_m or (planned[lg.session_key].distance_m or 0)
            if lg.session_key in planned
            else lg.distance_m or 0,
        )
        for lg in window
        if lg.kind == "run" and lg.status != "skipped"
    ]
    history = [*context.recent_runs, *done]
    current = [w for w in plan.weeks if w.start_date <= today < w.start_date + dt.timedelta(days=7)]
    kept = [w for w in plan.weeks if w.start_date <= today]
    if current:
        cw = current[0]
        week_run = sum(
            s.distance_m or 0
            for d in cw.days
            for s in d.sessions
            if s.kind == "run" and (d.date > today or any(r.on_date == d.date for r in done))
        )
        skipped = [
            planned[lg.session_key]
            for lg in window
            if lg.status == "skipped" and lg.session_key in planned
        ]
        kept[-1], rtr_start = restage_week(
            reshuffle_week(cw, skipped, today, state),
            today=today,
            state=state,
            no_running=bool(a.flags & {"no_running", "no_impact"}) and clearance is None,
            bone_days=bone_days,
            forbidden=forbidden_tags(a.flags),
            equipment=prefs.equipment,
            pace_s_per_km=context.easy_pace_s_per_km,
        )
        week_run = sum(
            s.distance_m or 0
            for d in kept[-1].days
            for s in d.sessions
            if s.kind == "run" and (d.date > today or any(r.on_date == d.date for r in done))
        )
        next_start, offset = cw.start_date + dt.timedelta(days=7), cw.index + 1
    else:
        rtr_start = None
        week_run = context.last_week_m
        next_start, offset = max(plan.start_date, today + dt.timedelta(days=1)), 0
    remaining = len([w for w in plan.weeks if w.start_date >= next_start])
    # Pain logged this window counts as "pain present" for the weekly cap (clinical reference §7.1).
    scores = [v for lg in window if lg.status != "skipped" for v in (lg.pain_during, lg.pain_after)]
    known = [v for v in scores if v is not None]
    logged_pain = max(known, default=0)
    ctx = replace(
        context,
        weekly_distances_m=(*context.weekly_distances_m, week_run),
        recent_runs=tuple(history),
        current_pain_nprs=max(context.current_pain_nprs, logged_pain),
    )
    # Planned runs still ahead in the current week enter the guardrail window.
    ahead = [
        RunRecord(s.date, s.distance_m or 0)
        for w in kept
        for d in w.days
        for s in d.sessions
        if s.kind == "run" and d.date > today
    ]
    ctx = replace(ctx, recent_runs=(*ctx.recent_runs, *ahead))
    req = PlanRequest(
        plan.plan_id,
        a,
        ctx,
        prefs,
        next_start,
        remaining,
        rules=rules,
        clearance_date=clearance,
        state=state,
        version=plan.version + 1,
        week_offset=offset,
        hold_intensity=hold_intensity,
        rtr_start=rtr_start,
        logged_pain=logged_pain if known else None,
    )
    fresh = generate_plan(req)
    if fresh.status == "blocked":
        return fresh
    merged = replace(
        fresh, weeks=(*kept, *fresh.weeks), start_date=plan.start_date, decisions=fresh.decisions
    )
    merged = enforce_guardrail(
        merged,
        [*context.recent_runs, *done],
        rules=rules,
        first_run_m=rules.first_run_s * 1000 // context.easy_pace_s_per_km,
        pace_s_per_km=context.easy_pace_s_per_km,
        from_date=today + dt.timedelta(days=1),
    )
    merged = enforce_strength_spacing(merged, from_date=today + dt.timedelta(days=1))
    return enforce_hard_easy(merged)


__all__ = ["AdaptResult", "adapt_plan"]
