"""Weekly adaptation: session logs -> a new plan version with a readable diff and reasons.

Named passes, each returning a value: judge the logs (``log_review``: the pain-monitoring
model, clinical reference §8), step strength (``progression``: 2-for-2 loads and ladders,
§7.2), step the return-to-run stages and handle bone pain (``state_passes``: §2.6), set the
running volume (``state_passes``: §7.1, §8), honour a recorded clearance, then regenerate the
future (``regenerate``). Worsening pain (``escalation``), rising weeks and bone pain ask the
runner to contact the clinic, in the result and in the plan itself (``plan.escalations``).
A new red-flag symptom blocks the plan and asks for re-triage; missed sessions are re-placed
without two hard days in a row and within the caps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from backstride.intake.assessment import Assessment
from backstride.plan.catalogue import load_catalogue
from backstride.plan.diff import DiffEntry, revise
from backstride.plan.escalation import escalations, hold_while_escalated
from backstride.plan.log_review import blocked_version, done_as_planned, review_logs
from backstride.plan.model import (
    Decision,
    Plan,
    PlanRules,
    Preferences,
    ProgressionState,
    TrainingContext,
)
from backstride.plan.monitor import SessionLog
from backstride.plan.progression import strength_state
from backstride.plan.regenerate import Regeneration, regenerate
from backstride.plan.state_passes import clearance_pass, rtr_pass, volume_pass


@dataclass(frozen=True, slots=True)
class AdaptResult:
    """The new version, what changed, why, and whether triage must be re-run."""

    plan: Plan
    diff: tuple[DiffEntry, ...]
    decisions: tuple[Decision, ...]
    needs_retriage: bool = False
    clinician_review: bool = False
    """A decision asks for clinician review (rising weeks, D5; bone pain, R4: ``clinician``;
    worsening pain, ``plan.escalation``)."""
    escalations: tuple[Decision, ...] = ()
    """Why the runner should contact the clinic now (also stored in ``plan.escalations``)."""


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
    review = review_logs(plan, logs, today=today, rules=rules)
    stop = review.stop
    if stop is not None:
        new, diff = revise(plan, blocked_version(plan, stop, today), today=today)
        return AdaptResult(new, diff, (Decision(stop.code, stop.text),), needs_retriage=True)
    worsening = escalations(logs, today=today)
    strength = strength_state(
        plan.state,
        [done_as_planned(plan, lg) for lg in review.window if lg.kind == "strength"],
        hold_while_escalated(review.strength, worsening),
        load_catalogue(),
        today=today,
        step_gap_days=14 if assessment.startback_group == "high" else 0,
    )
    rtr = rtr_pass(strength.state, review.rtr_logs, review.run_logs, today=today)
    volume = volume_pass(rtr.state, hold_while_escalated(review.run, worsening), rules=rules)
    state = replace(volume.state, adapted_through=today)
    binding, clearance = clearance_pass(assessment, state, clearance_date)
    regen = Regeneration(
        window=review.window,
        state=state,
        assessment=binding,
        context=context,
        preferences=preferences,
        today=today,
        rules=rules,
        clearance=clearance,
        hold_intensity=volume.hold_intensity,
        bone_days=rtr.bone_days,
    )
    alerts = (
        *worsening,
        *([RISING_WEEKS] if review.review else []),
        *([BONE_PAIN] if _stopped(state, clearance_date) else []),
    )
    fresh = replace(regenerate(plan, regen), escalations=alerts)
    if alerts:
        fresh = replace(fresh, do_now=(*(a.text for a in alerts), *fresh.do_now))
    new, diff = revise(plan, fresh, today=today)
    old_reasons = {r for w in plan.weeks for r in w.reasons}
    moved = [
        r
        for w in new.weeks
        for r in w.reasons
        if r.code.startswith("reshuffle.") and r not in old_reasons
    ]
    notes = (*review.notes, *strength.notes, *rtr.notes, *moved, *worsening)
    return AdaptResult(
        new,
        diff,
        notes,
        clinician_review=bool(alerts) or rtr.stop_running,
        escalations=alerts,
    )


RISING_WEEKS = Decision(
    "escalate.rising_weeks",
    "Contact your clinic: morning pain rose week on week for two weeks running "
    "(clinical reference §8, case D5).",
)
BONE_PAIN = Decision(
    "escalate.bone_pain",
    "Contact your clinic: bone pain stopped your running; no running until a clinician "
    "clears a graded return.",
)


def _stopped(state: ProgressionState, clearance: dt.date | None) -> bool:
    """Running stopped for bone pain with no clearance recorded after the stop (§2.6)."""
    stopped = state.rtr_stopped_on
    return stopped is not None and not (clearance is not None and clearance > stopped)


__all__ = ["AdaptResult", "adapt_plan"]
