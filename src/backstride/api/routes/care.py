"""The runner's care loop: intake → assessment, questionnaire trends, load, plan, session logs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from backstride.api.deps import AppSettings, Caller, DbSession, Now
from backstride.api.jsonable import to_jsonable
from backstride.api.schemas import In, Int, IsoDate, Num
from backstride.errors import NotFound
from backstride.intake.serialize import assessment_to_dict
from backstride.plan.monitor import ExerciseResult
from backstride.plan.serialize import plan_to_dict
from backstride.services import intake, load, plans
from backstride.services.booking import plan_link
from backstride.services.policy import own_runner_id
from backstride.services.profile import my_handle

router = APIRouter(prefix="/me", tags=["runner"])


class PlanIn(In):
    weeks: Int = Field(8, ge=1, le=52)
    start_date: IsoDate | None = None


class ExerciseIn(In):
    id: str = Field(min_length=1, max_length=64)
    sets: Int = Field(ge=0, le=50)
    reps: Int = Field(ge=0, le=500)
    load_kg: Num | None = Field(None, ge=0, le=500)


class SessionLogIn(In):
    on_date: IsoDate
    kind: Literal["run", "strength", "mobility", "cross_training", "relaxation"]
    status: Literal["done", "skipped", "partial"]
    pain_during: Int | None = Field(None, ge=0, le=10)
    pain_after: Int | None = Field(None, ge=0, le=10)
    pain_next_morning: Int | None = Field(None, ge=0, le=10)
    usual_morning_pain: Int = Field(0, ge=0, le=10)
    rpe: Num | None = Field(None, ge=0, le=10)
    distance_m: Int | None = Field(None, ge=0, le=400_000)
    duration_s: Num | None = Field(None, ge=0, le=172_800)
    bone_pain: Int | None = Field(None, ge=0, le=10)
    new_red_flag: str | None = Field(None, max_length=64)
    exercises: list[ExerciseIn] = Field(default_factory=list, max_length=50)
    notes: str | None = Field(None, max_length=4000)
    stiffness_next_morning: Int | None = Field(
        None, ge=0, le=10, description="next-morning stiffness 0-10 (the 24-hour rule, §8)"
    )
    usual_morning_stiffness: Int | None = Field(None, ge=0, le=10)
    good_form: bool = Field(True, description="strength: every set with good form")


@router.post("/intake", status_code=201)
def submit_intake(
    document: dict[str, Any], principal: Caller, session: DbSession, now: Now
) -> dict[str, Any]:
    """Submit an intake; the answer is the assessment with its reasons and safety netting."""
    handle = my_handle(session, principal=principal)
    done = intake.submit_intake(session, runner_handle=handle, document=document, now=now)
    return {
        "intake_id": done.intake_id,
        "assessment_id": done.assessment_id,
        "assessment": assessment_to_dict(done.assessment),
    }


@router.get("/assessment")
def latest_assessment(principal: Caller, session: DbSession) -> dict[str, Any]:
    """My latest assessment (``assessment.not_found`` before the first intake)."""
    found = intake.latest_assessment(session, runner_id=own_runner_id(principal))
    if found is None:
        raise NotFound("no intake submitted yet", code="assessment.not_found")
    return assessment_to_dict(found)


Instrument = Literal["nprs", "odi", "psfs", "rmdq", "startback", "triad_female", "triad_male"]
"""The shipped instruments (``services.intake.shipped_instruments``; a test keeps them equal)."""


@router.get("/questionnaires/{instrument}/trend")
def questionnaire_trend(instrument: Instrument, principal: Caller, session: DbSession) -> list[Any]:
    """One instrument's score over time, each change judged against its MCID."""
    points = intake.questionnaire_trend(
        session, runner_id=own_runner_id(principal), instrument=instrument
    )
    result: list[Any] = to_jsonable(points)
    return result


@router.get("/load")
def load_summary(
    principal: Caller,
    session: DbSession,
    now: Now,
    settings: AppSettings,
    from_date: Annotated[IsoDate | None, Query()] = None,
    to_date: Annotated[IsoDate | None, Query()] = None,
) -> dict[str, Any]:
    """My training load: weeks, spikes, fitness/fatigue, flags with their reasons."""
    summary = load.load_summary(
        session,
        runner_handle=my_handle(session, principal=principal),
        from_date=from_date,
        to_date=to_date,
        today=now.date(),
        settings=settings,
    )
    result: dict[str, Any] = to_jsonable(summary)
    return result


@router.post("/plan", status_code=201)
def create_plan(body: PlanIn, principal: Caller, session: DbSession, now: Now) -> dict[str, Any]:
    """Make a new plan from my assessment, history and preferences (older plans archived)."""
    done = plans.create_plan(
        session,
        runner_handle=my_handle(session, principal=principal),
        weeks=body.weeks,
        start_date=body.start_date or now.date(),
        now=now,
    )
    return {"plan_id": done.plan_id, "version": done.version, "plan": plan_to_dict(done.plan)}


@router.get("/plan")
def current_plan(principal: Caller, session: DbSession, now: Now) -> dict[str, Any]:
    """My current plan version with my coming clinic appointments; ``escalations`` say why
    to contact the clinic now."""
    done = plans.current_plan(session, runner_handle=my_handle(session, principal=principal))
    booked = plan_link.plan_appointments(session, principal=principal, now=now)
    return {
        "plan_id": done.plan_id,
        "version": done.version,
        "plan": plan_to_dict(done.plan),
        "escalations": to_jsonable(done.plan.escalations),
        "contact_clinic": bool(done.plan.escalations),
        "appointments": to_jsonable(booked),
    }


@router.post("/plan/adapt", status_code=201)
def adapt_plan(principal: Caller, session: DbSession, now: Now) -> dict[str, Any]:
    """Adapt my plan to my logs so far: a new version with the changes and their reasons;
    ``escalations`` say why to contact the clinic now (worsening pain, bone pain)."""
    done = plans.adapt_plan(
        session, runner_handle=my_handle(session, principal=principal), today=now.date(), now=now
    )
    return {
        "plan_id": done.plan_id,
        "version": done.version,
        "plan": plan_to_dict(done.plan),
        "diff": to_jsonable(done.diff),
        "decisions": to_jsonable(done.decisions),
        "needs_retriage": done.needs_retriage,
        "clinician_review": done.clinician_review,
        "escalations": to_jsonable(done.escalations),
        "contact_clinic": bool(done.escalations),
    }


@router.post("/session-logs", status_code=201)
def log_session(
    body: SessionLogIn, principal: Caller, session: DbSession, now: Now
) -> dict[str, Any]:
    """Log what I did in a session and how my back responded."""
    data = body.model_dump()
    exercises = tuple(ExerciseResult(**e) for e in data.pop("exercises"))
    done = plans.log_session(
        session,
        runner_handle=my_handle(session, principal=principal),
        now=now,
        exercises=exercises,
        **data,
    )
    return {"log_id": done.log_id, "session_key": done.session_key}
