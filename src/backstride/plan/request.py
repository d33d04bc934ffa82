"""What the generator is asked: the request, the runner's pain and experience, the plan mode.

Modes (clinical reference §1.3, §2.6): a red flag or ``blocked`` -> no plan; ``urgent`` -> walking
and gentle mobility only; suspected bone stress (``no_running``/``no_impact``) -> no running until a
recorded clinician clearance, then walk-run stages; otherwise graded running.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from backstride.intake.assessment import Assessment, Disposition
from backstride.plan.model import (
    Decision,
    Plan,
    PlanRules,
    Preferences,
    ProgressionState,
    TrainingContext,
)
from backstride.plan.modes import PlanMode


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """Everything the generator needs; ``clearance_date`` is a recorded clinician clearance."""

    plan_id: str
    assessment: Assessment
    context: TrainingContext
    preferences: Preferences
    start_date: dt.date
    weeks: int
    rules: PlanRules = field(default_factory=PlanRules)
    clearance_date: dt.date | None = None
    state: ProgressionState | None = None
    version: int = 1
    week_offset: int = 0
    hold_intensity: bool = False
    logged_pain: int | None = None
    """Highest pain (0-10) in the session logs just adapted to; when given it replaces the
    intake's pain-during-runs score, which is a snapshot (clinical reference §7.1 "while pain is
    present")."""
    rtr_start: tuple[int, int] | None = None
    """Projected (return-to-run stage, good sessions) at the start, when the current week's
    remaining walk-run sessions already advance it (adaptation); else from ``state``."""


def pain_level(assessment: Assessment, context: TrainingContext, logged: int | None = None) -> int:
    """The higher of the current pain and the intake's pain during running (0-10); after
    adaptation the logged pain stands in for the intake's snapshot."""
    if logged is not None:
        return max(context.current_pain_nprs, logged)
    score = assessment.scores.get("nprs.during_run")
    during = int(score) if isinstance(score, int | float) else 0
    return max(context.current_pain_nprs, during)


def is_novice(context: TrainingContext, *, weeks_m: tuple[int, ...] | None = None) -> bool:
    """Under 6 months of running or under 10 km a week on average [default].

    ``weeks_m`` are the weeks that judge it (the recorded ones, or the stated week when the
    record is thin, ``plan.training_base``); the recorded weeks when not given.
    """
    if context.months_running is not None and context.months_running < 6:
        return True
    weeks = context.weekly_distances_m if weeks_m is None else weeks_m
    return not weeks or sum(weeks) / len(weeks) < 10_000


def plan_mode(req: PlanRequest) -> PlanMode:
    """The plan's :class:`PlanMode` (clinical reference §1.3, §2.6).

    Suspected bone stress (``no_running``/``no_impact``), or running stopped for bone pain in
    an earlier version, means no running until a clinician clearance is recorded (after the
    stop, if there was one); then walk-run stages until stage 7, the continuous build.
    """
    a = req.assessment
    if a.plan_blocked:
        return PlanMode.BLOCKED
    if a.disposition is Disposition.URGENT:
        return PlanMode.WALK_ONLY
    state = req.state or ProgressionState()
    clearance = req.clearance_date
    cleared = clearance is not None and clearance <= req.start_date
    stopped = state.rtr_stopped_on
    if stopped is not None and not (cleared and clearance is not None and clearance > stopped):
        return PlanMode.NO_RUN
    if a.flags & {"no_running", "no_impact"} or stopped is not None:
        if not cleared:
            return PlanMode.NO_RUN
        return PlanMode.NORMAL if (state.rtr_stage or 1) >= 7 else PlanMode.RTR
    return PlanMode.NORMAL


def blocked_plan(req: PlanRequest) -> Plan:
    """No sessions: only what to do now, the reasons and the safety-netting."""
    a = req.assessment
    reasons = tuple(Decision(r.code, r.text) for r in a.reasons)
    now = a.time_frame or "Seek medical care now; do not wait for a clinic slot."
    return Plan(
        plan_id=req.plan_id,
        version=req.version,
        status="blocked",
        start_date=req.start_date,
        weeks=(),
        decisions=reasons,
        do_now=(now, *a.safety_netting),
        flags=a.flags,
        blocked_reason="; ".join(r.text for r in a.reasons) or "red flag",
    )


__all__ = ["PlanRequest", "blocked_plan", "is_novice", "pain_level", "plan_mode"]
