"""The runner's care loop: intake → assessment, questionnaire trends, load, plan, session logs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from backstride.analytics.load_summary import LoadSummary
from backstride.api.bodies import PlanIn, SessionLogIn
from backstride.api.care_schemas import (
    AdaptedPlanOut,
    CurrentPlanOut,
    IntakeOut,
    PlanOut,
    SessionLogOut,
    TrendPointOut,
)
from backstride.api.deps import AppSettings, Caller, DbSession, Now
from backstride.api.jsonable import to_jsonable
from backstride.api.schemas import IsoDate
from backstride.errors import NotFound
from backstride.intake.serialize import AssessmentDict, assessment_to_dict
from backstride.plan.monitor import ExerciseResult
from backstride.plan.serialize import plan_to_dict
from backstride.services import intake, load, plans
from backstride.services.booking import plan_link
from backstride.services.policy import own_runner_id
from backstride.services.profile import my_handle

router = APIRouter(prefix="/me", tags=["runner"])


def _created(content: dict[str, Any]) -> JSONResponse:
    """The answer as the converters made it (``response_model`` documents its shape)."""
    return JSONResponse(content, status_code=201)


@router.post("/intake", status_code=201, response_model=IntakeOut)
def submit_intake(
    document: dict[str, Any], principal: Caller, session: DbSession, now: Now
) -> JSONResponse:
    """Submit an intake; the answer is the assessment with its reasons and safety netting."""
    handle = my_handle(session, principal=principal)
    done = intake.submit_intake(session, runner_handle=handle, document=document, now=now)
    return _created(
        {
            "intake_id": done.intake_id,
            "assessment_id": done.assessment_id,
            "assessment": assessment_to_dict(done.assessment),
        }
    )


@router.get("/assessment")
def latest_assessment(principal: Caller, session: DbSession) -> AssessmentDict:
    """My latest assessment (``assessment.not_found`` before the first intake)."""
    found = intake.latest_assessment(session, runner_id=own_runner_id(principal))
    if found is None:
        raise NotFound("no intake submitted yet", code="assessment.not_found")
    return assessment_to_dict(found)


Instrument = Literal["nprs", "odi", "psfs", "rmdq", "startback", "triad_female", "triad_male"]
"""The shipped instruments (``services.intake.shipped_instruments``; a test keeps them equal)."""


@router.get("/questionnaires/{instrument}/trend", response_model=list[TrendPointOut])
def questionnaire_trend(
    instrument: Instrument, principal: Caller, session: DbSession
) -> JSONResponse:
    """One instrument's score over time, each change judged against its MCID."""
    points = intake.questionnaire_trend(
        session, runner_id=own_runner_id(principal), instrument=instrument
    )
    return JSONResponse(to_jsonable(points))


@router.get("/load", response_model=LoadSummary)
def load_summary(
    principal: Caller,
    session: DbSession,
    now: Now,
    settings: AppSettings,
    from_date: Annotated[IsoDate | None, Query()] = None,
    to_date: Annotated[IsoDate | None, Query()] = None,
) -> JSONResponse:
    """My training load: weeks, spikes, fitness/fatigue, flags with their reasons."""
    summary = load.load_summary(
        session,
        runner_handle=my_handle(session, principal=principal),
        from_date=from_date,
        to_date=to_date,
        today=now.date(),
        settings=settings,
    )
    return JSONResponse(to_jsonable(summary))


@router.post("/plan", status_code=201, response_model=PlanOut)
def create_plan(body: PlanIn, principal: Caller, session: DbSession, now: Now) -> JSONResponse:
    """Make a new plan from my assessment, history and preferences (older plans archived)."""
    done = plans.create_plan(
        session,
        runner_handle=my_handle(session, principal=principal),
        weeks=body.weeks,
        start_date=body.start_date or now.date(),
        now=now,
    )
    return _created(
        {"plan_id": done.plan_id, "version": done.version, "plan": plan_to_dict(done.plan)}
    )


@router.get("/plan", response_model=CurrentPlanOut)
def current_plan(principal: Caller, session: DbSession, now: Now) -> JSONResponse:
    """My current plan version with my coming clinic appointments; ``escalations`` say why
    to contact the clinic now."""
    done = plans.current_plan(session, runner_handle=my_handle(session, principal=principal))
    booked = plan_link.plan_appointments(session, principal=principal, now=now)
    return JSONResponse(
        {
            "plan_id": done.plan_id,
            "version": done.version,
            "plan": plan_to_dict(done.plan),
            "escalations": to_jsonable(done.plan.escalations),
            "contact_clinic": bool(done.plan.escalations),
            "appointments": to_jsonable(booked),
        }
    )


@router.post("/plan/adapt", status_code=201, response_model=AdaptedPlanOut)
def adapt_plan(principal: Caller, session: DbSession, now: Now) -> JSONResponse:
    """Adapt my plan to my logs so far: a new version with the changes and their reasons;
    ``escalations`` say why to contact the clinic now (worsening pain, bone pain)."""
    done = plans.adapt_plan(
        session, runner_handle=my_handle(session, principal=principal), today=now.date(), now=now
    )
    return _created(
        {
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
    )


@router.post("/session-logs", status_code=201, response_model=SessionLogOut)
def log_session(
    body: SessionLogIn, principal: Caller, session: DbSession, now: Now
) -> SessionLogOut:
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
    return SessionLogOut(log_id=done.log_id, session_key=done.session_key)
