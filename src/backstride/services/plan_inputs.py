"""What the plan use cases read from the store: the assessment, the training context from
activities and the pain diary, preferences, a recorded return-to-run clearance, session logs.

Two functions are deliberate seams for the lead: :func:`assessment_from_document` (swap for
intake's ``assessment_from_dict``) and :func:`context_from_activities` (swap for the analytics
``LoadSummary``).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.errors import NotFound
from backstride.intake.assessment import Assessment
from backstride.intake.serialize import assessment_from_dict
from backstride.plan.model import Preferences, RunRecord, StatedRunning, TrainingContext
from backstride.plan.monitor import ExerciseResult, SessionLog
from backstride.services import intake as intake_service
from backstride.store import models

RUN_SPORTS = ("running", "run", "trail_running", "treadmill_running")


def assessment_from_document(d: Mapping[str, Any]) -> Assessment:
    """Parse a stored Assessment ``result`` (intake's ``assessment_from_dict``)."""
    return assessment_from_dict(d)


def latest_assessment(session: Session, *, runner_id: str) -> Assessment:
    """The runner's newest assessment for the plan (``plan.no_assessment`` when none).

    Its ``flags`` are the plan flags: the fired rules' and the derived ones together.
    """
    found = intake_service.latest_assessment(session, runner_id=runner_id)
    if found is None:
        raise NotFound("no assessment yet: complete the intake first", code="plan.no_assessment")
    # The plan honours every plan flag: the fired rules' flags and those derived from the
    # answers (hill hold, loaded flexion/rotation; intake.assessment.Assessment.plan_flags).
    return replace(found, flags=found.plan_flags)


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


def stated_running(
    session: Session, *, runner_id: str
) -> tuple[StatedRunning | None, dict[str, int]]:
    """What the runner's latest intake says about their running, and the profile facts the
    plan reads from it (``age_years``, ``months_running``); (None, {}) without an intake."""
    row = session.scalars(
        select(models.Intake)
        .where(models.Intake.runner_id == runner_id)
        .order_by(models.Intake.submitted_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None, {}
    doc = row.document or {}
    running = doc.get("running") or {}
    facts: dict[str, int] = {}
    age = (doc.get("about") or {}).get("age_years")
    if isinstance(age, int):
        facts["age_years"] = age
    years = running.get("years_running")
    if isinstance(years, int | float):
        facts["months_running"] = int(years * 12)

    def metres(km: Any) -> int | None:
        return round(km * 1000) if isinstance(km, int | float) and km > 0 else None

    runs = running.get("runs_per_week")
    stated = StatedRunning(
        as_of_date=row.submitted_at.date(),
        weekly_distance_m=metres(running.get("weekly_distance_km")),
        longest_run_m=metres(running.get("longest_run_km")),
        runs_per_week=runs if isinstance(runs, int) and runs > 0 else None,
    )
    return stated, facts


def with_stated_running(
    session: Session, context: TrainingContext, *, runner_id: str
) -> TrainingContext:
    """The context with the intake's stated running, age and running experience added
    (the plan uses the statement only when the record is thin, ``plan.training_base``)."""
    stated, facts = stated_running(session, runner_id=runner_id)
    return replace(
        context,
        stated=stated,
        age_years=facts.get("age_years", context.age_years),
        months_running=facts.get("months_running", context.months_running),
    )


def preferences_from_dict(d: Mapping[str, Any]) -> Preferences:
    """Runner preferences (``preferences["plan"]``) as :class:`Preferences`."""
    race = d.get("goal_race_date")
    runs = d.get("runs_per_week")
    return Preferences(
        days_available=frozenset(d.get("days_available", range(7))),
        minutes_per_session=int(d.get("minutes_per_session", 60)),
        runs_per_week=int(runs) if runs is not None else None,
        equipment=frozenset(d.get("equipment", ())),
        goal_race_date=dt.date.fromisoformat(race) if race else None,
        goal_race_distance_m=d.get("goal_race_distance_m"),
        clinic_visit_every_weeks=d.get("clinic_visit_every_weeks"),
    )


def preferences_to_dict(p: Preferences) -> dict[str, Any]:
    """Preferences as stored in ``runner.preferences["plan"]``."""
    return {
        "days_available": sorted(p.days_available),
        "minutes_per_session": p.minutes_per_session,
        "runs_per_week": p.runs_per_week,
        "equipment": sorted(p.equipment),
        "goal_race_date": p.goal_race_date.isoformat() if p.goal_race_date else None,
        "goal_race_distance_m": p.goal_race_distance_m,
        "clinic_visit_every_weeks": p.clinic_visit_every_weeks,
    }


def clearance_date(runner: models.Runner) -> dt.date | None:
    """A clinician's return-to-run clearance recorded in ``preferences["rtr_clearance_date"]``."""
    value = (runner.preferences or {}).get("rtr_clearance_date")
    return dt.date.fromisoformat(value) if value else None


def log_from_row(row: models.SessionLog) -> SessionLog:
    """A stored session log as the pure :class:`SessionLog`."""
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
        stiffness_next_morning=d.get("stiffness_next_morning"),
        usual_morning_stiffness=int(d.get("usual_morning_stiffness") or 0),
        good_form=bool(d.get("good_form", True)),
    )


__all__ = [
    "RUN_SPORTS",
    "assessment_from_document",
    "clearance_date",
    "context_from_activities",
    "latest_assessment",
    "log_from_row",
    "preferences_from_dict",
    "preferences_to_dict",
    "stated_running",
    "with_stated_running",
]
