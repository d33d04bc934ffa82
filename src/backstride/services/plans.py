"""Plan use cases: create a plan from the latest assessment, log sessions, adapt, read back.

Each use case commits once. The training context comes from stored activities through
:func:`context_from_activities` (to be switched to the analytics ``LoadSummary``); the
assessment through :func:`assessment_from_document` (swap for intake's ``assessment_from_dict``).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.errors import InvalidInput, NotFound
from backstride.plan.adapt import adapt_plan as adapt_pure
from backstride.plan.diff import DiffEntry
from backstride.plan.generator import PlanRequest, generate_plan
from backstride.plan.model import Decision, Plan, Preferences
from backstride.plan.monitor import ExerciseResult
from backstride.plan.serialize import plan_from_dict, plan_to_dict
from backstride.services.clinic_settings import plan_rules, runner_thresholds
from backstride.services.log_checks import refuse_future
from backstride.services.plan_inputs import (
    assessment_from_document,
    clearance_date,
    context_from_activities,
    latest_assessment,
    log_from_row,
    preferences_from_dict,
    preferences_to_dict,
    with_stated_running,
)
from backstride.services.runners import find_runner
from backstride.store import models
from backstride.units import new_id


@dataclass(frozen=True, slots=True)
class PlanResult:
    """A stored plan version."""

    plan_id: str
    version: int
    plan: Plan


@dataclass(frozen=True, slots=True)
class AdaptResult:
    """A new stored version with its diff and reasons."""

    plan_id: str
    version: int
    plan: Plan
    diff: tuple[DiffEntry, ...]
    decisions: tuple[Decision, ...]
    needs_retriage: bool
    clinician_review: bool = False
    """A decision asks for the clinic to look (bone pain, rising or unsettled pain)."""
    escalations: tuple[Decision, ...] = ()
    """Why the runner should contact the clinic now (also in ``plan.escalations``)."""


@dataclass(frozen=True, slots=True)
class LogResult:
    """The stored log row's id and the session it was matched to."""

    log_id: str
    session_key: str | None


def create_plan(
    session: Session,
    *,
    runner_handle: str,
    weeks: int,
    start_date: dt.date,
    now: dt.datetime,
    preferences: Preferences | None = None,
) -> PlanResult:
    """Generate and store a new plan (older active plans are archived)."""
    if not 1 <= weeks <= 52:
        raise InvalidInput("weeks must be between 1 and 52", code="plan.invalid_weeks")
    runner = find_runner(session, handle=runner_handle)
    assessment = latest_assessment(session, runner_id=runner.id)
    stored = dict(runner.preferences or {})
    prefs = preferences or preferences_from_dict(stored.get("plan", {}))
    if preferences is not None:  # remembered for adaptation and the next plan
        runner.preferences = {**stored, "plan": preferences_to_dict(preferences)}
    # History as known now: a plan starting next Monday must not read this week's partial
    # distance as a complete week.
    context = with_stated_running(
        session,
        context_from_activities(session, runner_id=runner.id, today=min(start_date, now.date())),
        runner_id=runner.id,
    )
    plan_id = new_id()
    plan = generate_plan(
        PlanRequest(
            plan_id,
            assessment,
            context,
            prefs,
            start_date,
            weeks,
            clearance_date=clearance_date(runner),
            rules=plan_rules(runner_thresholds(session, [runner.id])[runner.id]),
        )
    )
    for old in session.scalars(
        select(models.Plan).where(
            models.Plan.runner_id == runner.id, models.Plan.status != "archived"
        )
    ):
        old.status = "archived"
    session.add(
        models.Plan(
            id=plan_id,
            runner_id=runner.id,
            status=plan.status,
            created_at=now,
            current_version=1,
            contact_clinic=bool(plan.escalations),
        )
    )
    session.flush()
    session.add(
        models.PlanVersion(
            id=new_id(),
            plan_id=plan_id,
            version=1,
            created_at=now,
            reason="created",
            document=plan_to_dict(plan),
        )
    )
    session.commit()
    return PlanResult(plan_id, 1, plan)


def record_clearance(
    session: Session, *, runner_handle: str, cleared_on: dt.date, now: dt.datetime
) -> dt.date:
    """Record a clinician's return-to-run clearance (opens the walk-run stages, clinical reference
    §2.6)."""
    runner = find_runner(session, handle=runner_handle)
    if cleared_on > now.date():
        raise InvalidInput("a clearance cannot be in the future", code="plan.invalid_clearance")
    runner.preferences = {
        **(runner.preferences or {}),
        "rtr_clearance_date": cleared_on.isoformat(),
    }
    session.commit()
    return cleared_on


def _current_row(session: Session, runner_id: str) -> models.Plan:
    row = session.scalars(
        select(models.Plan)
        .where(models.Plan.runner_id == runner_id, models.Plan.status != "archived")
        .order_by(models.Plan.created_at.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        raise NotFound("no plan yet: run `backstride plan` first", code="plan.not_found")
    return row


_PARSED: OrderedDict[tuple[str, int], Plan] = OrderedDict()
_PARSED_MAX = 256
_PARSED_LOCK = threading.Lock()


def current_plan(session: Session, *, runner_handle: str) -> PlanResult:
    """The runner's current plan version.

    A stored version never changes, so its parsed form is kept (the last 256 versions read in
    this process): reading a plan is then two small queries, not a document parse.
    """
    runner = find_runner(session, handle=runner_handle)
    row = _current_row(session, runner.id)
    key = (row.id, row.current_version)
    with _PARSED_LOCK:
        plan = _PARSED.get(key)
        if plan is not None:
            _PARSED.move_to_end(key)
    if plan is None:
        document = session.scalars(
            select(models.PlanVersion.document).where(
                models.PlanVersion.plan_id == row.id,
                models.PlanVersion.version == row.current_version,
            )
        ).one()
        plan = plan_from_dict(document)
        with _PARSED_LOCK:
            _PARSED[key] = plan
            while len(_PARSED) > _PARSED_MAX:
                _PARSED.popitem(last=False)
    return PlanResult(row.id, row.current_version, plan)


def log_session(
    session: Session,
    *,
    runner_handle: str,
    on_date: dt.date,
    kind: str,
    status: str,
    now: dt.datetime,
    pain_during: int | None = None,
    pain_after: int | None = None,
    pain_next_morning: int | None = None,
    usual_morning_pain: int = 0,
    rpe: float | None = None,
    distance_m: int | None = None,
    duration_s: float | None = None,
    bone_pain: int | None = None,
    new_red_flag: str | None = None,
    exercises: tuple[ExerciseResult, ...] = (),
    notes: str | None = None,
    stiffness_next_morning: int | None = None,
    usual_morning_stiffness: int | None = None,
    good_form: bool = True,
) -> LogResult:
    """Store one session log, matched to the planned session of that day and kind.

    Refused with a code before anything is stored: a bad status, kind or score
    (``log.invalid``) and a day after the runner's local today (``log.future_date``).
    """
    problems = []
    if status not in ("done", "skipped", "partial"):
        problems.append({"path": "status", "msg": "must be done, skipped or partial"})
    if kind not in ("run", "strength", "mobility", "cross_training", "relaxation"):
        problems.append(
            {
                "path": "kind",
                "msg": "must be run, strength, mobility, cross_training or relaxation",
            }
        )
    for name, value in (
        ("pain_during", pain_during),
        ("pain_after", pain_after),
        ("pain_next_morning", pain_next_morning),
        ("bone_pain", bone_pain),
        ("usual_morning_pain", usual_morning_pain),
        ("stiffness_next_morning", stiffness_next_morning),
        ("usual_morning_stiffness", usual_morning_stiffness),
    ):
        if value is not None and not 0 <= value <= 10:
            problems.append({"path": name, "msg": "must be 0-10"})
    if problems:
        raise InvalidInput("session log is not valid", code="log.invalid", problems=problems)
    runner = find_runner(session, handle=runner_handle)
    refuse_future(on_date, runner=runner, now=now, code="log.future_date", path="on_date")
    plan_id, key = None, None
    try:
        current = current_plan(session, runner_handle=runner_handle)
        plan_id = current.plan_id
        key = next(
            (s.key for s in current.plan.sessions() if s.date == on_date and s.kind == kind), None
        )
    except NotFound:
        pass
    row = models.SessionLog(
        id=new_id(),
        runner_id=runner.id,
        plan_id=plan_id,
        session_key=key,
        session_date=on_date,
        kind=kind,
        status=status,
        pain_during=pain_during,
        pain_after=pain_after,
        pain_next_morning=pain_next_morning,
        rpe=rpe,
        duration_s=duration_s,
        notes=notes,
        details={
            "usual_morning_pain": usual_morning_pain,
            "distance_m": distance_m,
            "bone_pain": bone_pain,
            "new_red_flag": new_red_flag,
            "exercises": [asdict(e) for e in exercises],
            "stiffness_next_morning": stiffness_next_morning,
            "usual_morning_stiffness": usual_morning_stiffness,
            "good_form": good_form,
        },
        logged_at=now,
    )
    session.add(row)
    session.commit()
    return LogResult(row.id, key)


def adapt_plan(
    session: Session, *, runner_handle: str, today: dt.date, now: dt.datetime
) -> AdaptResult:
    """Adapt the current plan to the logs up to ``today``; stores a new version with reasons."""
    runner = find_runner(session, handle=runner_handle)
    current = current_plan(session, runner_handle=runner_handle)
    logs = [
        log_from_row(r)
        for r in session.scalars(
            select(models.SessionLog)
            .where(models.SessionLog.runner_id == runner.id)
            .order_by(models.SessionLog.session_date)
        )
    ]
    assessment = latest_assessment(session, runner_id=runner.id)
    context = with_stated_running(
        session,
        context_from_activities(session, runner_id=runner.id, today=today),
        runner_id=runner.id,
    )
    prefs = preferences_from_dict((runner.preferences or {}).get("plan", {}))
    result = adapt_pure(
        current.plan,
        logs,
        assessment=assessment,
        context=context,
        preferences=prefs,
        today=today,
        rules=plan_rules(runner_thresholds(session, [runner.id])[runner.id]),
        clearance_date=clearance_date(runner),
    )
    version = current.version + 1
    plan = result.plan
    row = _current_row(session, runner.id)
    row.current_version, row.status = version, plan.status
    row.contact_clinic = bool(plan.escalations)
    reason = "; ".join(d.text for d in result.decisions) or "no new logs: plan unchanged"
    session.add(
        models.PlanVersion(
            id=new_id(),
            plan_id=row.id,
            version=version,
            created_at=now,
            reason=reason,
            document=plan_to_dict(plan),
        )
    )
    session.commit()
    return AdaptResult(
        row.id,
        version,
        plan,
        result.diff,
        result.decisions,
        result.needs_retriage,
        clinician_review=result.clinician_review,
        escalations=result.escalations,
    )


__all__ = [
    "AdaptResult",
    "LogResult",
    "PlanResult",
    "adapt_plan",
    "assessment_from_document",
    "context_from_activities",
    "create_plan",
    "current_plan",
    "latest_assessment",
    "log_session",
    "plan_to_dict",
    "preferences_from_dict",
    "record_clearance",
]
