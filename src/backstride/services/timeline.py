"""A runner's timeline and dashboard, read straight from the store rows.

The timeline (assessments, questionnaire scores, weekly activity summary, plan versions,
session logs, pain entries) is what a consenting clinician sees (audited) and what the runner
sees of themself. The dashboard is the runner's landing view: profile, latest assessment,
the last 12 weeks of distance and the latest activities.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.errors import NotFound
from backstride.services import audit
from backstride.services.policy import Principal, own_runner_id, require_clinician_access
from backstride.services.profile import ProfileView, profile_view
from backstride.store.models import (
    Activity,
    Assessment,
    PainEntry,
    Plan,
    PlanVersion,
    QuestionnaireResponse,
    Runner,
    SessionLog,
)

WEEKS = 12


@dataclass(frozen=True, slots=True)
class WeekSummary:
    """Distance, time and number of activities in one ISO week (Monday start)."""

    week_start_date: dt.date
    distance_m: float
    duration_s: float
    activities: int


@dataclass(frozen=True, slots=True)
class Timeline:
    """Everything a clinician needs to follow one runner (plain dicts from the rows)."""

    runner: ProfileView
    assessments: list[dict[str, Any]]
    questionnaires: list[dict[str, Any]]
    weeks: list[WeekSummary]
    plan_versions: list[dict[str, Any]]
    session_logs: list[dict[str, Any]]
    pain_entries: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The runner's landing view."""

    runner: ProfileView
    latest_assessment: dict[str, Any] | None
    weeks: list[WeekSummary]
    recent_activities: list[dict[str, Any]]
    activities_total: int


def weekly_summary(
    session: Session, *, runner_id: str, today: dt.date, weeks: int = WEEKS
) -> list[WeekSummary]:
    """The last ``weeks`` ISO weeks up to ``today`` (empty weeks included), oldest first."""
    first = today - dt.timedelta(days=today.weekday() + 7 * (weeks - 1))
    rows = session.execute(
        select(
            Activity.local_date,
            func.coalesce(func.sum(Activity.distance_m), 0.0).label("dist"),
            func.coalesce(func.sum(func.coalesce(Activity.timer_s, Activity.elapsed_s)), 0.0),
            func.count(),
        )
        .where(
            Activity.runner_id == runner_id,
            Activity.start_at
            >= dt.datetime.combine(first, dt.time(), dt.UTC) - dt.timedelta(days=1),
            Activity.local_date >= first,
            Activity.local_date <= today,
        )
        .group_by(Activity.local_date)
    ).all()
    buckets = {first + dt.timedelta(days=7 * i): [0.0, 0.0, 0] for i in range(weeks)}
    for day, dist, dur, n in rows:
        key = day - dt.timedelta(days=day.weekday())
        if key in buckets:
            b = buckets[key]
            b[0] += float(dist or 0.0)
            b[1] += float(dur)
            b[2] += int(n)
    return [WeekSummary(k, float(v[0]), float(v[1]), int(v[2])) for k, v in buckets.items()]


def _assessment_dict(a: Assessment) -> dict[str, Any]:
    """``disposition`` and ``flags`` as in force (after a clinician's review, if any);
    ``triaged_disposition`` and ``result`` as the runner's answers triaged them."""
    result = a.result or {}
    review = result.get("review") or None
    return {
        "id": a.id,
        "created_at": a.created_at.isoformat(),
        "disposition": a.disposition,
        "triaged_disposition": result.get("disposition", a.disposition),
        "rules_version": a.rules_version,
        "flags": sorted((review or result).get("flags", [])),
        "review": review,
        "result": result,
    }


def build_timeline(session: Session, *, runner: Runner, today: dt.date) -> Timeline:
    """The timeline of ``runner`` (no authorisation here: callers check first)."""
    rid = runner.id
    assessments = session.scalars(
        select(Assessment).where(Assessment.runner_id == rid).order_by(Assessment.created_at)
    ).all()
    questionnaires = session.scalars(
        select(QuestionnaireResponse)
        .where(QuestionnaireResponse.runner_id == rid)
        .order_by(QuestionnaireResponse.answered_at)
    ).all()
    versions = session.scalars(
        select(PlanVersion)
        .join(Plan, Plan.id == PlanVersion.plan_id)
        .where(Plan.runner_id == rid)
        .order_by(PlanVersion.created_at, PlanVersion.version)
    ).all()
    logs = session.scalars(
        select(SessionLog).where(SessionLog.runner_id == rid).order_by(SessionLog.session_date)
    ).all()
    pains = session.scalars(
        select(PainEntry).where(PainEntry.runner_id == rid).order_by(PainEntry.entry_date)
    ).all()
    return Timeline(
        runner=profile_view(runner),
        assessments=[_assessment_dict(a) for a in assessments],
        questionnaires=[
            {
                "instrument": q.instrument,
                "instrument_version": q.instrument_version,
                "answered_at": q.answered_at.isoformat(),
                "score": q.score,
            }
            for q in questionnaires
        ],
        weeks=weekly_summary(session, runner_id=rid, today=today),
        plan_versions=[
            {
                "plan_id": v.plan_id,
                "version": v.version,
                "created_at": v.created_at.isoformat(),
                "created_by": v.created_by,
                "reason": v.reason,
                "document": v.document,
            }
            for v in versions
        ],
        session_logs=[
            {
                "session_date": s.session_date.isoformat(),
                "kind": s.kind,
                "status": s.status,
                "pain_during": s.pain_during,
                "pain_after": s.pain_after,
                "pain_next_morning": s.pain_next_morning,
                "rpe": s.rpe,
                "duration_s": s.duration_s,
                "notes": s.notes,
            }
            for s in logs
        ],
        pain_entries=[
            {
                "entry_date": p.entry_date.isoformat(),
                "nprs_now": p.nprs_now,
                "morning_pain": p.morning_pain,
                "morning_stiffness_min": p.morning_stiffness_min,
                "notes": p.notes,
            }
            for p in pains
        ],
    )


def clinician_timeline(
    session: Session, *, principal: Principal, runner_id: str, now: dt.datetime
) -> Timeline:
    """A consenting runner's timeline for a clinician; the read is audited."""
    runner = require_clinician_access(session, principal, runner_id=runner_id, now=now)
    timeline = build_timeline(session, runner=runner, today=now.date())
    audit.record(
        session,
        principal=principal,
        runner_id=runner_id,
        action="read",
        resource="timeline",
        now=now,
    )
    session.commit()
    return timeline


def my_timeline(session: Session, *, principal: Principal, now: dt.datetime) -> Timeline:
    """My own timeline."""
    runner = session.get(Runner, own_runner_id(principal))
    if runner is None:
        raise NotFound("runner not found", code="runner.not_found")
    return build_timeline(session, runner=runner, today=now.date())


def my_dashboard(session: Session, *, principal: Principal, now: dt.datetime) -> Dashboard:
    """My dashboard: profile, latest assessment, 12 weeks of distance, latest activities."""
    runner = session.get(Runner, own_runner_id(principal))
    if runner is None:
        raise NotFound("runner not found", code="runner.not_found")
    latest = session.scalars(
        select(Assessment)
        .where(Assessment.runner_id == runner.id)
        .order_by(Assessment.created_at.desc())
        .limit(1)
    ).first()
    recent = session.execute(
        select(
            Activity.id,
            Activity.start_at,
            Activity.sport,
            Activity.name,
            Activity.distance_m,
            Activity.elapsed_s,
            Activity.avg_hr_bpm,
        )
        .where(Activity.runner_id == runner.id)
        .order_by(Activity.start_at.desc())
        .limit(5)
    ).all()
    total = session.scalar(select(func.count()).where(Activity.runner_id == runner.id)) or 0
    return Dashboard(
        runner=profile_view(runner),
        latest_assessment=None if latest is None else _assessment_dict(latest),
        weeks=weekly_summary(session, runner_id=runner.id, today=now.date()),
        recent_activities=[
            {
                "id": r.id,
                "start_at": r.start_at.isoformat(),
                "sport": r.sport,
                "name": r.name,
                "distance_m": r.distance_m,
                "elapsed_s": r.elapsed_s,
                "avg_hr_bpm": r.avg_hr_bpm,
            }
            for r in recent
        ],
        activities_total=int(total),
    )


__all__ = [
    "Dashboard",
    "Timeline",
    "WeekSummary",
    "build_timeline",
    "clinician_timeline",
    "my_dashboard",
    "my_timeline",
    "weekly_summary",
]
