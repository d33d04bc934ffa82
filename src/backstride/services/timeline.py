"""A runner's timeline and dashboard, read straight from the store rows.

The timeline (assessments, questionnaire scores, weekly activity summary, plan versions,
session logs, pain entries) is what a consenting clinician sees (audited) and what the runner
sees of themself. The dashboard is the runner's landing view: profile, latest assessment,
the last 12 weeks of distance and the latest activities.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import PlainSerializer, WithJsonSchema
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.errors import NotFound
from backstride.intake.result import ScoreValue
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

OffsetDateTime = Annotated[
    dt.datetime,
    PlainSerializer(dt.datetime.isoformat, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
"""A date-time that these views send as ``isoformat()`` (``+00:00``, as they always have;
pydantic's own form elsewhere in the API is ``Z``): the same instant, the same text as before."""


@dataclass(frozen=True, slots=True)
class WeekSummary:
    """Distance, time and number of activities in one ISO week (Monday start)."""

    week_start_date: dt.date
    distance_m: float
    duration_s: float
    activities: int


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    """A clinician's review of an assessment (``services.reviews``)."""

    disposition: str
    flags: list[str]
    reason: str
    by: str | None
    at: OffsetDateTime
    cleared_to_run_on: dt.date | None


@dataclass(frozen=True, slots=True)
class AssessmentEntry:
    """One assessment: ``disposition`` and ``flags`` as in force (after a clinician's review,
    if any); ``triaged_disposition`` and ``result`` as the runner's answers triaged them.

    ``result`` is the stored triage document (``intake.serialize.assessment_to_dict``) of its
    own ``rules_version``, shown as stored: older documents may lack newer keys.
    """

    id: str
    created_at: OffsetDateTime
    disposition: str
    triaged_disposition: str
    rules_version: str
    flags: list[str]
    review: ReviewEntry | None
    result: dict[str, Any]


@dataclass(frozen=True, slots=True)
class QuestionnaireScore:
    """An instrument's score: ``values`` by measure, ``display`` as a person reads them."""

    values: dict[str, ScoreValue]
    display: dict[str, str]
    notes: list[str]


@dataclass(frozen=True, slots=True)
class QuestionnaireEntry:
    """One answered instrument with its score."""

    instrument: str
    instrument_version: str
    answered_at: OffsetDateTime
    score: QuestionnaireScore


@dataclass(frozen=True, slots=True)
class PlanVersionEntry:
    """One stored plan version; ``document`` is the plan as stored (``plan.serialize``)."""

    plan_id: str
    version: int
    created_at: OffsetDateTime
    created_by: str | None
    reason: str
    document: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SessionLogEntry:
    """One logged session and how the back responded."""

    session_date: dt.date
    kind: str
    status: str
    pain_during: int | None
    pain_after: int | None
    pain_next_morning: int | None
    rpe: float | None
    duration_s: float | None
    notes: str | None


@dataclass(frozen=True, slots=True)
class PainDiaryEntry:
    """One pain-diary entry."""

    entry_date: dt.date
    nprs_now: int | None
    morning_pain: int | None
    morning_stiffness_min: int | None
    notes: str | None


@dataclass(frozen=True, slots=True)
class RecentActivity:
    """One of the latest activities on the dashboard."""

    id: str
    start_at: OffsetDateTime
    sport: str
    name: str | None
    distance_m: float | None
    elapsed_s: float
    avg_hr_bpm: float | None


@dataclass(frozen=True, slots=True)
class Timeline:
    """Everything a clinician needs to follow one runner."""

    runner: ProfileView
    assessments: list[AssessmentEntry]
    questionnaires: list[QuestionnaireEntry]
    weeks: list[WeekSummary]
    plan_versions: list[PlanVersionEntry]
    session_logs: list[SessionLogEntry]
    pain_entries: list[PainDiaryEntry]


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The runner's landing view."""

    runner: ProfileView
    latest_assessment: AssessmentEntry | None
    weeks: list[WeekSummary]
    recent_activities: list[RecentActivity]
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


def _review_entry(review: dict[str, Any] | None) -> ReviewEntry | None:
    """The stored review (``result["review"]``), if any."""
    if not review:
        return None
    cleared = review.get("cleared_to_run_on")
    return ReviewEntry(
        disposition=review["disposition"],
        flags=list(review.get("flags", [])),
        reason=review["reason"],
        by=review.get("by"),
        at=dt.datetime.fromisoformat(review["at"]),
        cleared_to_run_on=dt.date.fromisoformat(cleared) if cleared else None,
    )


def _assessment_entry(a: Assessment) -> AssessmentEntry:
    """``disposition`` and ``flags`` as in force (after a clinician's review, if any);
    ``triaged_disposition`` and ``result`` as the runner's answers triaged them."""
    result = a.result or {}
    review = result.get("review") or None
    return AssessmentEntry(
        id=a.id,
        created_at=a.created_at,
        disposition=a.disposition,
        triaged_disposition=result.get("disposition", a.disposition),
        rules_version=a.rules_version,
        flags=sorted((review or result).get("flags", [])),
        review=_review_entry(review),
        result=result,
    )


def _score(score: dict[str, Any]) -> QuestionnaireScore:
    return QuestionnaireScore(
        values=dict(score.get("values") or {}),
        display=dict(score.get("display") or {}),
        notes=list(score.get("notes") or []),
    )


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
        assessments=[_assessment_entry(a) for a in assessments],
        questionnaires=[
            QuestionnaireEntry(
                instrument=q.instrument,
                instrument_version=q.instrument_version,
                answered_at=q.answered_at,
                score=_score(q.score),
            )
            for q in questionnaires
        ],
        weeks=weekly_summary(session, runner_id=rid, today=today),
        plan_versions=[
            PlanVersionEntry(
                plan_id=v.plan_id,
                version=v.version,
                created_at=v.created_at,
                created_by=v.created_by,
                reason=v.reason,
                document=v.document,
            )
            for v in versions
        ],
        session_logs=[
            SessionLogEntry(
                session_date=s.session_date,
                kind=s.kind,
                status=s.status,
                pain_during=s.pain_during,
                pain_after=s.pain_after,
                pain_next_morning=s.pain_next_morning,
                rpe=s.rpe,
                duration_s=s.duration_s,
                notes=s.notes,
            )
            for s in logs
        ],
        pain_entries=[
            PainDiaryEntry(
                entry_date=p.entry_date,
                nprs_now=p.nprs_now,
                morning_pain=p.morning_pain,
                morning_stiffness_min=p.morning_stiffness_min,
                notes=p.notes,
            )
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
        latest_assessment=None if latest is None else _assessment_entry(latest),
        weeks=weekly_summary(session, runner_id=runner.id, today=now.date()),
        recent_activities=[
            RecentActivity(
                id=r.id,
                start_at=r.start_at,
                sport=r.sport,
                name=r.name,
                distance_m=r.distance_m,
                elapsed_s=r.elapsed_s,
                avg_hr_bpm=r.avg_hr_bpm,
            )
            for r in recent
        ],
        activities_total=int(total),
    )


__all__ = [
    "AssessmentEntry",
    "Dashboard",
    "PainDiaryEntry",
    "PlanVersionEntry",
    "QuestionnaireEntry",
    "QuestionnaireScore",
    "RecentActivity",
    "ReviewEntry",
    "SessionLogEntry",
    "Timeline",
    "WeekSummary",
    "build_timeline",
    "clinician_timeline",
    "my_dashboard",
    "my_timeline",
    "weekly_summary",
]
