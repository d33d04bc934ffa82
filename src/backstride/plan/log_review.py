"""Adaptation pass 1: read the session logs since the last adaptation and judge them.

Each log gets the pain-monitoring model's decision (clinical reference §8; Thomeé 1997,
Silbernagel et al. 2007); runs and strength each combine to their most conservative decision;
a planned session with no log holds (no progress on missing information [default]); a new
red-flag symptom stops the plan (case D7).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from backstride.plan.model import Decision, Plan, PlanRules, Session, Week
from backstride.plan.modes import PainAction
from backstride.plan.monitor import (
    NOT_LOGGED,
    ExerciseResult,
    PainDecision,
    SessionLog,
    combine,
    decide,
    rising_weeks,
)


@dataclass(frozen=True, slots=True)
class LogReview:
    """The judged window: its logs with one decision each, and the combined decisions."""

    window: tuple[SessionLog, ...]
    decisions: tuple[PainDecision, ...]
    """One per log of ``window``, in the same order."""
    run_logs: tuple[SessionLog, ...]
    rtr_logs: tuple[SessionLog, ...]
    """Walk-run stage sessions, or any run at stage 7 (see :func:`is_rtr`)."""
    run: PainDecision | None
    strength: PainDecision | None
    notes: tuple[Decision, ...]

    @property
    def stop(self) -> PainDecision | None:
        """The first ``stop`` decision (a new red-flag symptom), if any."""
        return next((d for d in self.decisions if d.action == PainAction.STOP), None)

    @property
    def review(self) -> bool:
        """Some decision asks for a clinician's review (rising weeks, D5)."""
        return any(d.review for d in self.decisions)


def log_window(plan: Plan, logs: Sequence[SessionLog], today: dt.date) -> tuple[SessionLog, ...]:
    """Logs after the last adaptation up to ``today``, oldest first."""
    since = plan.state.adapted_through
    return tuple(
        sorted(
            (lg for lg in logs if lg.on_date <= today and (since is None or lg.on_date > since)),
            key=lambda lg: lg.on_date,
        )
    )


def review_logs(
    plan: Plan, logs: Sequence[SessionLog], *, today: dt.date, rules: PlanRules
) -> LogReview:
    """Judge every log of the window and combine runs and strength (clinical reference §8)."""
    window = log_window(plan, logs, today)
    rising = rising_weeks([lg for lg in logs if lg.on_date <= today])
    per_log = tuple(
        decide(lg, rising=rising, during_max=rules.pain_during_max, after_max=rules.pain_after_max)
        for lg in window
    )
    pairs = list(zip(window, per_log, strict=True))
    run_logs = tuple(lg for lg in window if lg.kind == "run")
    rtr_logs = tuple(lg for lg in run_logs if is_rtr(plan, lg))
    missing = not_logged(plan, logs, plan.state.adapted_through, today)
    run_dec = combine(
        [
            d
            for lg, d in pairs
            if lg.kind == "run" and (lg not in rtr_logs or plan.state.rtr_stage == 7)
        ]
        + [NOT_LOGGED for s in missing if s.kind == "run" and s.rtr_stage is None]
    )
    str_dec = combine(
        [d for lg, d in pairs if lg.kind == "strength"]
        + [NOT_LOGGED for s in missing if s.kind == "strength"]
    )
    notes: list[Decision] = []
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
    return LogReview(window, per_log, run_logs, rtr_logs, run_dec, str_dec, tuple(notes))


def done_as_planned(plan: Plan, log: SessionLog) -> SessionLog:
    """A strength log marked ``done`` without exercise results counts as the planned session
    done as prescribed (target reps, planned load): it counts towards a ladder step but never
    beats a target, so loads rise only on logged results (2-for-2, clinical reference §7.2)."""
    if log.kind != "strength" or log.status != "done" or log.exercises:
        return log
    planned = next((s for s in plan.sessions() if s.key == log.session_key), None)
    if planned is None:
        return log
    results = tuple(
        ExerciseResult(d.id, d.sets or 1, d.reps or 0, d.load_kg) for d in planned.exercises
    )
    return replace(log, exercises=results)


def not_logged(
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


def is_rtr(plan: Plan, log: SessionLog) -> bool:
    """A walk-run stage session, or any run at stage 7 (the build after the stages)."""
    if log.kind == "run" and plan.state.rtr_stage == 7:
        return True
    return any(s.key == log.session_key and s.rtr_stage is not None for s in plan.sessions())


def blocked_version(plan: Plan, decision: PainDecision, today: dt.date) -> Plan:
    """The next version after a new red-flag symptom: past days only, blocked, what to do now
    (clinical reference §8 case D7 and §1.4 safety-netting)."""
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
        version=plan.version + 1,
        status="blocked",
        weeks=weeks,
        blocked_reason=decision.text,
        do_now=(
            decision.text,
            "Numbness around the saddle area, loss of bladder or "
            "bowel control or weakness in both legs: emergency care now.",
        ),
    )


__all__ = [
    "LogReview",
    "blocked_version",
    "done_as_planned",
    "is_rtr",
    "log_window",
    "not_logged",
    "review_logs",
]
