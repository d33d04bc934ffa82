"""Adaptation pass 5: the plan's future from the adapted state.

The current week keeps its past days, moves skipped sessions and re-stages walk-run sessions
(``reshuffle``); the weeks after it are generated afresh from the new state with the logged
runs in the guardrail window; the whole future is re-checked by the safety passes (``guard``:
single-run guardrail, Frandsen et al. 2025; 48 h between strength sessions, ACSM 2009;
hard/easy, Seiler 2010 - clinical reference §7.1, §7.2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from backstride.intake.assessment import Assessment
from backstride.plan.catalogue import forbidden_tags
from backstride.plan.generator import generate_plan, plan_ladders
from backstride.plan.guard import enforce_guardrail, enforce_hard_easy, enforce_strength_spacing
from backstride.plan.model import (
    Plan,
    PlanRules,
    Preferences,
    ProgressionState,
    RunRecord,
    TrainingContext,
    Week,
)
from backstride.plan.monitor import SessionLog
from backstride.plan.request import PlanRequest
from backstride.plan.reshuffle import reshuffle_week, restage_week
from backstride.plan.training_base import REFERENCE_M


@dataclass(frozen=True, slots=True)
class Regeneration:
    """What the future is regenerated from: the adapted state and the runner's inputs."""

    window: tuple[SessionLog, ...]
    state: ProgressionState
    assessment: Assessment
    context: TrainingContext
    preferences: Preferences
    today: dt.date
    rules: PlanRules
    clearance: dt.date | None
    hold_intensity: bool = False
    bone_days: tuple[dt.date, ...] = ()


@dataclass(frozen=True, slots=True)
class CurrentWeek:
    """The weeks kept (the current one revised), where the new weeks start, and the running
    distance of the current week (done or still ahead)."""

    kept: tuple[Week, ...]
    rtr_start: tuple[int, int] | None
    week_run_m: int
    next_start: dt.date
    offset: int


def done_runs(plan: Plan, window: Sequence[SessionLog]) -> tuple[RunRecord, ...]:
    """The logged runs (not skipped) with their distance, the planned one when none was logged."""
    planned = {s.key: s for s in plan.sessions()}
    return tuple(
        RunRecord(
            lg.on_date,
            lg.distance_m or (planned[lg.session_key].distance_m or 0)
            if lg.session_key in planned
            else lg.distance_m or 0,
        )
        for lg in window
        if lg.kind == "run" and lg.status != "skipped"
    )


def _run_m(week: Week, today: dt.date, done: Sequence[RunRecord]) -> int:
    """Running distance of the days still ahead and the days whose run was done."""
    return sum(
        s.distance_m or 0
        for d in week.days
        for s in d.sessions
        if s.kind == "run" and (d.date > today or any(r.on_date == d.date for r in done))
    )


def current_week(plan: Plan, regen: Regeneration, done: Sequence[RunRecord]) -> CurrentWeek:
    """Revise the week holding ``today`` (reshuffle, re-stage); keep every earlier week."""
    today = regen.today
    current = [w for w in plan.weeks if w.start_date <= today < w.start_date + dt.timedelta(days=7)]
    kept = [w for w in plan.weeks if w.start_date <= today]
    if not current:
        start = max(plan.start_date, today + dt.timedelta(days=1))
        return CurrentWeek(tuple(kept), None, regen.context.last_week_m, start, 0)
    cw = current[0]
    planned = {s.key: s for s in plan.sessions()}
    skipped = [
        planned[lg.session_key]
        for lg in regen.window
        if lg.status == "skipped" and lg.session_key in planned
    ]
    a = regen.assessment
    kept[-1], rtr_start = restage_week(
        reshuffle_week(cw, skipped, today, regen.state),
        today=today,
        state=regen.state,
        no_running=bool(a.flags & {"no_running", "no_impact"}) and regen.clearance is None,
        bone_days=regen.bone_days,
        forbidden=forbidden_tags(a.flags),
        equipment=regen.preferences.equipment,
        pace_s_per_km=regen.context.easy_pace_s_per_km,
    )
    return CurrentWeek(
        tuple(kept),
        rtr_start,
        _run_m(kept[-1], today, done),
        cw.start_date + dt.timedelta(days=7),
        cw.index + 1,
    )


def next_request(
    plan: Plan, regen: Regeneration, cur: CurrentWeek, done: Sequence[RunRecord]
) -> PlanRequest:
    """The request for the weeks after the current one: the adapted state, the current week
    as the last complete week, done and still-planned runs in the guardrail window, and the
    logged pain as "pain present" for the weekly cap (clinical reference §7.1); a stated weekly
    distance gives way to the plan's own current week."""
    context = regen.context
    remaining = len([w for w in plan.weeks if w.start_date >= cur.next_start])
    scores = [
        v for lg in regen.window if lg.status != "skipped" for v in (lg.pain_during, lg.pain_after)
    ]
    known = [v for v in scores if v is not None]
    logged_pain = max(known, default=0)
    ahead = [
        RunRecord(s.date, s.distance_m or 0)
        for w in cur.kept
        for d in w.days
        for s in d.sessions
        if s.kind == "run" and d.date > regen.today
    ]
    stated = context.stated
    if stated is not None and cur.week_run_m >= REFERENCE_M:
        # This plan's current week is the reference from now on; the stated longest run
        # still counts in the guardrail window (plan.training_base).
        stated = replace(stated, weekly_distance_m=None)
    ctx = replace(
        context,
        stated=stated,
        weekly_distances_m=(*context.weekly_distances_m, cur.week_run_m),
        recent_runs=(*context.recent_runs, *done, *ahead),
        current_pain_nprs=max(context.current_pain_nprs, logged_pain),
    )
    return PlanRequest(
        plan.plan_id,
        regen.assessment,
        ctx,
        regen.preferences,
        cur.next_start,
        remaining,
        rules=regen.rules,
        clearance_date=regen.clearance,
        state=regen.state,
        version=plan.version + 1,
        week_offset=cur.offset,
        hold_intensity=regen.hold_intensity,
        rtr_start=cur.rtr_start,
        logged_pain=logged_pain if known else None,
    )


def regenerate(plan: Plan, regen: Regeneration) -> Plan:
    """The next version: kept weeks, then fresh weeks, all re-checked from tomorrow."""
    done = done_runs(plan, regen.window)
    cur = current_week(plan, regen, done)
    fresh = generate_plan(next_request(plan, regen, cur, done))
    if fresh.status == "blocked":
        return fresh
    merged = replace(fresh, weeks=(*cur.kept, *fresh.weeks), start_date=plan.start_date)
    tomorrow = regen.today + dt.timedelta(days=1)
    pace = regen.context.easy_pace_s_per_km
    merged = enforce_guardrail(
        merged,
        [*regen.context.recent_runs, *done],
        rules=regen.rules,
        first_run_m=regen.rules.first_run_s * 1000 // pace,
        pace_s_per_km=pace,
        from_date=tomorrow,
    )
    merged = enforce_strength_spacing(merged, from_date=tomorrow)
    merged = enforce_hard_easy(merged)
    a = regen.assessment
    equipment, forbidden = regen.preferences.equipment, forbidden_tags(a.flags)
    return replace(merged, ladders=plan_ladders(merged, equipment, forbidden))


__all__ = ["CurrentWeek", "Regeneration", "current_week", "done_runs", "next_request", "regenerate"]
