"""Plan use cases: create a plan from the latest assessment, log sessions, adapt, read back.

Each use case commits once. The training context comes from stored activities through
:func:`context_from_activities` (to be switched to the analytics ``LoadSummary``); the
assessment through :func:`assessment_from_document` (swap for intake's ``assessment_from_dict``).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.errors import InvalidInput, NotFound
from backstride.intake.assessment import Assessment, Disposition, Reason
from backstride.plan.adapt import adapt_plan as adapt_pure
from backstride.plan.diff import DiffEntry
from backstride.plan.generator import PlanRequest, generate_plan
from backstride.plan.model import Decision, Plan, Preferences, RunRecord, TrainingContext
from backstride.plan.monitor import ExerciseResult, SessionLog
from backstride.plan.serialize import plan_from_dict, plan_to_dict
from backstride.services.runners import find_runner
from backstride.store import models
from backstride.units import new_id

RUN_SPORTS = ("running", "run", "trail_running", "treadmill_running")


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


@dataclass(frozen=True, slots=True)
class LogResult:
    """The stored log row's id and the session it was matched to."""

    log_id: str
    session_key: str | None


def assessment_from_document(d: Mapping[str, Any]) -> Assessment:
    """Parse a stored Assessment ``result`` (same shape as intake's ``assessment_to_dict``)."""
    try:
        return Assessment(
            disposition=Disposition(d["disposition"]),
            reasons=tuple(
                Reason(
                    r["code"],
                    r["text"],
                    r.get("source", ""),
                    Disposition(r["disposition"]),
                    frozenset(r.get("flags", ())),
                    r.get("detail"),
                )
                for r in d.get("reasons", ())
            ),
            scores=dict(d.get("scores", {})),
            startback_group=d.get("startback_group"),
            flags=frozenset(d.get("flags", ())),
            safety_netting=tuple(d.get("safety_netting", ())),
            rules_version=str(d.get("rules_version", "")),
            time_frame=d.get("time_frame", ""),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"not a stored assessment: {exc}", code="assessment.invalid") from exc


def latest_assessment(session: Session, *, runner_id: str) -> Assessment:
    """The runner's newest assessment (``plan.no_assessment`` when there is none)."""
    row = session.scalars(
        select(models.Assessment)
        .where(models.Assessment.runner_id == runner_id)
        .order_by(models.Assessment.created_at.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        raise NotFound("no assessment yet: complete the intake first", code="plan.no_assessment")
    return assessment_from_document(row.result)


def context_from_activities(session: Session, *, runner_id: str, today: dt.date) -> TrainingContext:
    """Last 4 complete weeks (Monday start), the last 30 days of runs, median pace, and the
    latest pain-diary NPRS of the past week, from stored rows (swap for analytics later)."""
    monday = today - dt.timedelta(days=today.weekday())
    first = monday - dt.timedelta(days=28)
    rows = session.scalars(
        select(models.Activity).where(
            models.Activity.runner_id == runner_id,
            models.Activity.local_date >= first,
            models.Activity.local_date < today,
            models.Activity.sport.in_(RUN_SPORTS),
        )
    ).all()
    weeks = [0, 0, 0, 0]
    runs, paces = [], []
    for a in rows:
        dist = int(a.distance_m or 0)
        if a.local_date < monday:
            weeks[(a.local_date - first).days // 7] += dist
        if a.local_date >= today - dt.timedelta(days=30):
            runs.append(RunRecord(a.local_date, dist))
        if dist > 1000:
            paces.append((a.timer_s or a.elapsed_s) * 1000 / dist)
    pace = int(statistics.median(paces)) if paces else 390
    pain = session.scalars(
        select(models.PainEntry.nprs_now)
        .where(
            models.PainEntry.runner_id == runner_id,
            models.PainEntry.entry_date >= today - dt.timedelta(days=7),
            models.PainEntry.entry_date <= today,
            models.PainEntry.nprs_now.is_not(None),
        )
        .order_by(models.PainEntry.entry_date.desc())
        .limit(1)
    ).first()
    return TrainingContext(
        current_pain_nprs=int(pain or 0),
        weekly_distances_m=tuple(weeks) if rows else (),
        recent_runs=tuple(runs),
        easy_pace_s_per_km=pace,
    )


def preferences_from_dict(d: Mapping[str, Any]) -> Preferences:
    """Runner preferences (``preferences["plan"]``) as :class:`Preferences`."""
    race = d.get("goal_race_date")
    return Preferences(
        days_available=frozenset(d.get("days_available", range(7))),
        minutes_per_session=int(d.get("minutes_per_session", 60)),
        runs_per_week=int(d.get("runs_per_week", 4)),
        equipment=frozenset(d.get("equipment", ())),
        goal_race_date=dt.date.fromisoformat(race) if race else None,
        goal_race_distance_m=d.get("goal_race_distance_m"),
        clinic_visit_every_weeks=d.get("clinic_visit_every_weeks"),
    )


def _clearance(runner: models.Runner) -> dt.date | None:
    value = (runner.preferences or {}).get("rtr_clearance_date")
    return dt.date.fromisoformat(value) if value else None


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
    prefs = preferences or preferences_from_dict((runner.preferences or {}).get("plan", {}))
    context = context_from_activities(session, runner_id=runner.id, today=start_date)
    plan_id = new_id()
    plan = generate_plan(
        PlanRequest(
            plan_id,
            assessment,
            context,
            prefs,
            start_date,
            weeks,
            clearance_date=_clearance(runner),
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
            id=plan_id, runner_id=runner.id, status=plan.status, created_at=now, current_version=1
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


def current_plan(session: Session, *, runner_handle: str) -> PlanResult:
    """The runner's current plan version."""
    runner = find_runner(session, handle=runner_handle)
    row = _current_row(session, runner.id)
    version = session.scalars(
        select(models.PlanVersion).where(
            models.PlanVersion.plan_id == row.id, models.PlanVersion.version == row.current_version
        )
    ).one()
    return PlanResult(row.id, row.current_version, plan_from_dict(version.document))


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
) -> LogResult:
    """Store one session log, matched to the planned session of that day and kind."""
    problems = []
    if status not in ("done", "skipped", "partial"):
        problems.append({"path": "status", "msg": "must be done, skipped or partial"})
    if kind not in ("run", "strength", "mobility", "cross_training"):
        problems.append(
            {"path": "kind", "msg": "must be run, strength, mobility or cross_training"}
        )
    for name, value in (
        ("pain_during", pain_during),
        ("pain_after", pain_after),
        ("pain_next_morning", pain_next_morning),
        ("bone_pain", bone_pain),
        ("usual_morning_pain", usual_morning_pain),
    ):
        if value is not None and not 0 <= value <= 10:
            problems.append({"path": name, "msg": "must be 0-10"})
    if problems:
        raise InvalidInput("session log is not valid", code="log.invalid", problems=problems)
    runner = find_runner(session, handle=runner_handle)
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
        },
        logged_at=now,
    )
    session.add(row)
    session.commit()
    return LogResult(row.id, key)


def _to_log(row: models.SessionLog) -> SessionLog:
    d = row.details or {}
    return SessionLog(
        on_date=row.session_date,
        kind=row.kind,
        status=row.status,
        session_key=row.session_key,
        pain_during=row.pain_during,
        pain_after=row.pain_after,
        pain_next_morning=row.pain_next_morning,
        usual_morning_pain=int(d.get("usual_morning_pain") or 0),
        rpe=row.rpe,
        distance_m=d.get("distance_m"),
        bone_pain=d.get("bone_pain"),
        new_red_flag=d.get("new_red_flag"),
        exercises=tuple(ExerciseResult(**e) for e in d.get("exercises", ())),
    )


def adapt_plan(
    session: Session, *, runner_handle: str, today: dt.date, now: dt.datetime
) -> AdaptResult:
    """Adapt the current plan to the logs up to ``today``; stores a new version with reasons."""
    runner = find_runner(session, handle=runner_handle)
    current = current_plan(session, runner_handle=runner_handle)
    logs = [
        _to_log(r)
        for r in session.scalars(
            select(models.SessionLog)
            .where(models.SessionLog.runner_id == runner.id)
            .order_by(models.SessionLog.session_date)
        )
    ]
    assessment = latest_assessment(session, runner_id=runner.id)
    context = context_from_activities(session, runner_id=runner.id, today=today)
    prefs = preferences_from_dict((runner.preferences or {}).get("plan", {}))
    result = adapt_pure(
        current.plan,
        logs,
        assessment=assessment,
        context=context,
        preferences=prefs,
        today=today,
        clearance_date=_clearance(runner),
    )
    version = current.version + 1
    plan = result.plan
    row = _current_row(session, runner.id)
    row.current_version, row.status = version, plan.status
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
    return AdaptResult(row.id, version, plan, result.diff, result.decisions, result.needs_retriage)


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
]
