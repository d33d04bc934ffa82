"""Adaptation passes 2-4: the progression state after the judged logs.

Return to run (clinical reference §2.6, cases R1-R4): stages step up after two sessions free
of bone pain, down on bone pain, and stop on bone pain again at the lower stage; bone pain in
any other run stops running until a clinician clears a graded return (§1.4 safety-netting).
Running volume (clinical reference §7.1, §8): ``regress`` -> the next week at 80 % with a
deload every 3rd week, ``hold`` -> one week held. Each pass returns a value and changes
nothing it was given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from backstride.intake.assessment import Assessment
from backstride.plan.model import Decision, PlanRules, ProgressionState
from backstride.plan.modes import PainAction
from backstride.plan.monitor import PainDecision, SessionLog, rtr_step

BONE_PAIN_IN_RUN = Decision(
    "pain.bone",
    "Bone pain during a run: stop running and contact the clinic; non-impact "
    "training only until a clinician clears a graded return to running.",
)


@dataclass(frozen=True, slots=True)
class RtrOutcome:
    """The state after the run logs' bone-pain and stage rules."""

    state: ProgressionState
    notes: tuple[Decision, ...]
    stop_running: bool
    bone_days: tuple[dt.date, ...]


def rtr_pass(
    state: ProgressionState,
    rtr_logs: Sequence[SessionLog],
    run_logs: Sequence[SessionLog],
    *,
    today: dt.date,
) -> RtrOutcome:
    """Return-to-run stages from the stage logs, and bone pain in any run (see module doc)."""
    stop_running = False
    stage, good, reg_at = state.rtr_stage or 1, state.rtr_good_sessions, state.rtr_regressed_at
    since7 = state.rtr_stage7_since
    bone_days: list[dt.date] = []
    notes: list[Decision] = []
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
            notes.append(BONE_PAIN_IN_RUN)
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
    return RtrOutcome(state, tuple(notes), stop_running, tuple(bone_days))


@dataclass(frozen=True, slots=True)
class VolumeOutcome:
    """The state's volume settings after the runs' combined decision."""

    state: ProgressionState
    hold_intensity: bool


def volume_pass(
    state: ProgressionState, run_decision: PainDecision | None, *, rules: PlanRules
) -> VolumeOutcome:
    """``regress``: next week at ``regress_factor`` of the last, deload every 3rd week and no
    quality runs; ``hold``: one week held; otherwise growth as planned (clinical reference
    §7.1, §8)."""
    action = run_decision.action if run_decision is not None else None
    if action == PainAction.REGRESS:
        new = replace(state, volume_factor=rules.regress_factor, hold_weeks=0, deload_every=3)
        return VolumeOutcome(new, hold_intensity=True)
    if action == PainAction.HOLD:
        return VolumeOutcome(replace(state, volume_factor=1.0, hold_weeks=1), hold_intensity=False)
    return VolumeOutcome(replace(state, volume_factor=1.0, hold_weeks=0), hold_intensity=False)


def clearance_pass(
    assessment: Assessment, state: ProgressionState, clearance: dt.date | None
) -> tuple[Assessment, dt.date | None]:
    """After running stopped for bone pain only a clearance recorded *after* the stop opens
    running again (clinical reference §2.6); until then the plan carries ``no_running`` and
    ``no_impact``."""
    stopped = state.rtr_stopped_on
    if stopped is not None and not (clearance is not None and clearance > stopped):
        flags = assessment.flags | {"no_running", "no_impact"}
        return replace(assessment, flags=flags), None
    return assessment, clearance


__all__ = [
    "BONE_PAIN_IN_RUN",
    "RtrOutcome",
    "VolumeOutcome",
    "clearance_pass",
    "rtr_pass",
    "volume_pass",
]
