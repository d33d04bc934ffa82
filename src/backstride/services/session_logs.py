"""The runner's session diary: log a session, add next-morning pain, adapt when the log is whole.

The plan adapts from complete information (clinical reference §8: progress needs pain during,
after *and* the next morning, and the 24-hour rule is judged the next morning). So a log of a
session just done is stored and judged at once as a preview (``plan.monitor.decide``: what
the answers mean, and whether the clinic should hear about it), and the plan itself adapts
when the log is whole: with its next-morning score, when the session was skipped, or at once
when the answers stop the plan (a new red-flag symptom, bone pain). It adapts through the
log's own day, so later logs of that day and after are read by the next adaptation, and never
for a day the plan already adapted through (that would read those days twice). The outcome of
each adaptation is kept with the log (``details["adaptation"]``) so that the page after the
post/redirect/get shows what changed and why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.errors import InvalidInput, NotFound
from backstride.plan.monitor import ExerciseResult, PainDecision, decide, rising_weeks
from backstride.plan.serialize import diff_to_list
from backstride.services import plans
from backstride.services.clinic_settings import plan_rules, runner_thresholds
from backstride.services.plan_inputs import log_from_row
from backstride.services.policy import Principal, own_runner_id
from backstride.services.profile import my_handle
from backstride.store import models


@dataclass(frozen=True, slots=True)
class LogView:
    """One stored session log as the runner sees it."""

    id: str
    session_date: dt.date
    kind: str
    status: str
    session_key: str | None
    pain_during: int | None
    pain_after: int | None
    pain_next_morning: int | None
    stiffness_next_morning: int | None
    bone_pain: int | None
    new_red_flag: str | None
    rpe: float | None
    distance_m: int | None
    duration_s: float | None
    notes: str | None
    logged_at: dt.datetime
    adaptation: dict[str, Any] | None
    usual_morning_pain: int = 0

    @property
    def complete(self) -> bool:
        """Everything the plan needs to adapt: skipped, or the three pain scores."""
        if self.status == "skipped":
            return True
        return None not in (self.pain_during, self.pain_after, self.pain_next_morning)


@dataclass(frozen=True, slots=True)
class LogOutcome:
    """A stored log, what its answers mean, and the plan's adaptation if one ran."""

    log: LogView
    decision: PainDecision
    adaptation: dict[str, Any] | None
    waiting_for_morning: bool
    call_clinic: bool
    adapt_note: str | None = None


def _view(row: models.SessionLog) -> LogView:
    d = row.details or {}
    return LogView(
        id=row.id,
        session_date=row.session_date,
        kind=row.kind,
        status=row.status,
        session_key=row.session_key,
        pain_during=row.pain_during,
        pain_after=row.pain_after,
        pain_next_morning=row.pain_next_morning,
        stiffness_next_morning=d.get("stiffness_next_morning"),
        bone_pain=d.get("bone_pain"),
        new_red_flag=d.get("new_red_flag"),
        rpe=row.rpe,
        distance_m=d.get("distance_m"),
        duration_s=row.duration_s,
        notes=row.notes,
        logged_at=row.logged_at,
        adaptation=d.get("adaptation"),
        usual_morning_pain=int(d.get("usual_morning_pain") or 0),
    )


def my_logs(
    session: Session, *, principal: Principal, from_date: dt.date, to_date: dt.date
) -> list[LogView]:
    """My logs between two dates (inclusive), oldest first."""
    runner_id = own_runner_id(principal)
    rows = session.scalars(
        select(models.SessionLog)
        .where(
            models.SessionLog.runner_id == runner_id,
            models.SessionLog.session_date >= from_date,
            models.SessionLog.session_date <= to_date,
        )
        .order_by(models.SessionLog.session_date, models.SessionLog.logged_at)
    ).all()
    return [_view(r) for r in rows]


def _row(session: Session, principal: Principal, log_id: str) -> models.SessionLog:
    row = session.get(models.SessionLog, log_id) if len(log_id) <= 64 else None
    if row is None or row.runner_id != own_runner_id(principal):
        raise NotFound("no such session log", code="log.not_found")
    return row


def _decision(session: Session, row: models.SessionLog) -> PainDecision:
    """The pain-monitoring decision for this log with the runner's clinic limits (§8)."""
    rules = plan_rules(runner_thresholds(session, [row.runner_id])[row.runner_id])
    earlier = [
        log_from_row(r)
        for r in session.scalars(
            select(models.SessionLog).where(
                models.SessionLog.runner_id == row.runner_id,
                models.SessionLog.session_date <= row.session_date,
            )
        )
    ]
    return decide(
        log_from_row(row),
        rising=rising_weeks(earlier),
        during_max=rules.pain_during_max,
        after_max=rules.pain_after_max,
    )


def _calls_clinic(view: LogView, decision: PainDecision, adaptation: dict[str, Any] | None) -> bool:
    """The answers ask for the clinic: a stop or review decision, bone pain, or an adaptation
    that asks for review or re-triage (clinical reference §1.4, §8)."""
    if decision.action == "stop" or decision.review or (view.bone_pain or 0) > 0:
        return True
    if adaptation and (adaptation.get("clinician_review") or adaptation.get("needs_retriage")):
        return True
    return decision.code == "pain.high_during"


def outcome(session: Session, *, principal: Principal, log_id: str) -> LogOutcome:
    """What one of my logs means, and the adaptation it caused (read only)."""
    row = _row(session, principal, log_id)
    view = _view(row)
    decision = _decision(session, row)
    session.rollback()
    return LogOutcome(
        log=view,
        decision=decision,
        adaptation=view.adaptation,
        waiting_for_morning=not view.complete and view.adaptation is None,
        call_clinic=_calls_clinic(view, decision, view.adaptation),
        adapt_note=(row.details or {}).get("adapt_note"),
    )


def _adapt_if_whole(
    session: Session, row: models.SessionLog, *, handle: str, now: dt.datetime
) -> None:
    """Adapt the plan through the log's day when the log is whole (see the module text)."""
    view = _view(row)
    decision = _decision(session, row)
    if not (view.complete or decision.action == "stop" or (view.bone_pain or 0) > 0):
        return
    try:
        current = plans.current_plan(session, runner_handle=handle)
    except NotFound:
        return
    through = current.plan.state.adapted_through
    if through is not None and row.session_date <= through:
        row.details = {
            **(row.details or {}),
            "adapt_note": "The plan had already been updated past this day; this log is kept "
            "in your diary and counts towards the weekly trend.",
        }
        session.commit()
        return
    done = plans.adapt_plan(session, runner_handle=handle, today=row.session_date, now=now)
    row = session.get(models.SessionLog, row.id) or row
    row.details = {
        **(row.details or {}),
        "adaptation": {
            "plan_id": done.plan_id,
            "version": done.version,
            "decisions": [{"code": d.code, "text": d.text} for d in done.decisions],
            "diff": diff_to_list(done.diff),
            "needs_retriage": done.needs_retriage,
            "clinician_review": done.clinician_review,
            "blocked": done.plan.status == "blocked",
        },
    }
    session.commit()


def record_log(
    session: Session,
    *,
    principal: Principal,
    now: dt.datetime,
    on_date: dt.date,
    kind: str,
    status: str,
    exercises: tuple[ExerciseResult, ...] = (),
    usual_morning_pain: int | None = None,
    **answers: Any,
) -> LogOutcome:
    """Store a session log (``plans.log_session``) and adapt the plan when it is whole.

    ``usual_morning_pain`` defaults to the value of my previous log (0 for the first one).
    """
    if on_date > now.date():
        raise InvalidInput(
            "a session cannot be logged for a future day",
            code="log.future_date",
            problems=[{"path": "on_date", "msg": "must be today or earlier"}],
        )
    handle = my_handle(session, principal=principal)
    if usual_morning_pain is None:
        usual_morning_pain = usual_morning(session, principal=principal)
    done = plans.log_session(
        session,
        runner_handle=handle,
        on_date=on_date,
        kind=kind,
        status=status,
        now=now,
        exercises=exercises,
        usual_morning_pain=usual_morning_pain,
        **answers,
    )
    row = session.get(models.SessionLog, done.log_id)
    assert row is not None
    _adapt_if_whole(session, row, handle=handle, now=now)
    return outcome(session, principal=principal, log_id=done.log_id)


def record_next_morning(
    session: Session,
    *,
    principal: Principal,
    log_id: str,
    pain_next_morning: int,
    stiffness_next_morning: int | None = None,
    usual_morning_pain: int | None = None,
    now: dt.datetime,
) -> LogOutcome:
    """Add the next-morning pain (and stiffness) to one of my logs, then adapt (24-hour rule).

    ``usual_morning_pain``: the runner's usual morning pain, against which "settled" is judged
    (clinical reference §8); kept when not given.
    """
    problems = [
        {"path": name, "msg": "must be 0-10"}
        for name, value in (
            ("pain_next_morning", pain_next_morning),
            ("stiffness_next_morning", stiffness_next_morning),
            ("usual_morning_pain", usual_morning_pain),
        )
        if value is not None and not 0 <= value <= 10
    ]
    if problems:
        raise InvalidInput("next-morning scores are 0-10", code="log.invalid", problems=problems)
    row = _row(session, principal, log_id)
    row.pain_next_morning = pain_next_morning
    details = dict(row.details or {})
    if stiffness_next_morning is not None:
        row.stiffness_next_morning = stiffness_next_morning
        details["stiffness_next_morning"] = stiffness_next_morning
    if usual_morning_pain is not None:
        details["usual_morning_pain"] = usual_morning_pain
    row.details = details
    session.commit()
    _adapt_if_whole(session, row, handle=my_handle(session, principal=principal), now=now)
    return outcome(session, principal=principal, log_id=log_id)


def usual_morning(session: Session, *, principal: Principal) -> int:
    """My usual morning pain as I last gave it (0 when never given)."""
    runner_id = own_runner_id(principal)
    details = session.scalars(
        select(models.SessionLog.details)
        .where(models.SessionLog.runner_id == runner_id)
        .order_by(models.SessionLog.logged_at.desc())
        .limit(1)
    ).first()
    return int((details or {}).get("usual_morning_pain") or 0)


def awaiting_morning(
    session: Session, *, principal: Principal, today: dt.date, days: int = 2
) -> LogView | None:
    """My latest run or strength log of the last ``days`` days (before today) that still
    waits for its next-morning score, or None."""
    logs = my_logs(
        session, principal=principal, from_date=today - dt.timedelta(days=days), to_date=today
    )
    waiting = [
        lg
        for lg in logs
        if lg.session_date < today
        and lg.status != "skipped"
        and lg.kind in ("run", "strength")
        and lg.pain_next_morning is None
    ]
    return waiting[-1] if waiting else None


__all__ = [
    "LogOutcome",
    "LogView",
    "awaiting_morning",
    "my_logs",
    "outcome",
    "record_log",
    "record_next_morning",
    "usual_morning",
]
