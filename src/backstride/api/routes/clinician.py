"""Clinician views: consenting runners, one runner's timeline, plan edits, clinic thresholds."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import TypeAdapter

from backstride.api.deps import Caller, DbSession, Now
from backstride.api.jsonable import json_response
from backstride.api.schemas import (
    PatientOut,
    PlanEditIn,
    PlanVersionOut,
    ReviewIn,
    ReviewOut,
    SettingIn,
    SettingOut,
    TimelineOut,
)
from backstride.services import clinic_settings, clinician_plan, clinics, reviews, timeline

router = APIRouter(prefix="/clinician", tags=["clinician"])
settings_router = APIRouter(prefix="/clinics/{clinic_id}/settings", tags=["clinician"])


_PATIENTS = TypeAdapter(list[PatientOut])


@router.get("/runners", response_model=list[PatientOut])
def list_patients(
    principal: Caller,
    session: DbSession,
    now: Now,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    order: Annotated[
        Literal["name", "attention"],
        Query(
            description="name, or attention: emergency and urgent outcomes first, then those "
            "waiting for an assessment, then not yet reviewed, newest answers first"
        ),
    ] = "name",
    name: Annotated[
        str | None, Query(max_length=120, description="only runners whose name contains this")
    ] = None,
) -> Response:
    """Runners who consent to my clinics (paged), with latest disposition and flags."""
    rows = clinics.list_patients(
        session, principal=principal, now=now, limit=limit, offset=offset, order=order, name=name
    )
    return json_response(_PATIENTS, rows)


@router.get("/runners/{runner_id}/timeline", response_model=TimelineOut)
def runner_timeline(
    runner_id: str, principal: Caller, session: DbSession, now: Now
) -> timeline.Timeline:
    """One consenting runner's timeline (the read is recorded in their audit log)."""
    return timeline.clinician_timeline(session, principal=principal, runner_id=runner_id, now=now)


@router.post("/runners/{runner_id}/reviews", status_code=201, response_model=ReviewOut)
def review_assessment(
    runner_id: str, body: ReviewIn, principal: Caller, session: DbSession, now: Now
) -> reviews.ReviewView:
    """Set the disposition of the runner's latest assessment after seeing them, with the reason.

    The runner's answers and every fired rule stay in the record; the plan follows the review;
    the change is in the runner's audit log (clinical reference §1.2 step 6).
    """
    return reviews.review_latest_assessment(
        session,
        principal=principal,
        runner_id=runner_id,
        disposition=body.disposition,
        reason=body.reason,
        cleared_to_run_on=body.cleared_to_run_on,
        now=now,
    )


@router.post("/runners/{runner_id}/plan-versions", status_code=201, response_model=PlanVersionOut)
def edit_plan(
    runner_id: str, body: PlanEditIn, principal: Caller, session: DbSession, now: Now
) -> clinician_plan.PlanVersionView:
    """Store a new version of the runner's plan, with the reason (audited)."""
    return clinician_plan.edit_plan(
        session,
        principal=principal,
        runner_id=runner_id,
        document=body.document,
        reason=body.reason,
        now=now,
    )


@settings_router.get("", response_model=list[SettingOut])
def list_settings(
    clinic_id: str, principal: Caller, session: DbSession
) -> list[clinic_settings.SettingView]:
    """The clinic's thresholds (defaults unless changed), each with its source."""
    return clinic_settings.list_settings(session, principal=principal, clinic_id=clinic_id)


@settings_router.put("/{key}", response_model=SettingOut)
def change_setting(
    clinic_id: str, key: str, body: SettingIn, principal: Caller, session: DbSession, now: Now
) -> clinic_settings.SettingView:
    """Change one threshold; the change is recorded (who, when, old, new, why)."""
    return clinic_settings.change_setting(
        session,
        principal=principal,
        clinic_id=clinic_id,
        key=key,
        value=body.value,
        reason=body.reason,
        now=now,
    )
