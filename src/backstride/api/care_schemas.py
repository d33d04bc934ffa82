"""Response schemas of the runner's care loop (intake, plan, session logs).

Each names the types the answer is made of — the frozen dataclasses of ``plan`` and
``services`` and the ``AssessmentDict`` of ``intake.serialize`` — so the OpenAPI document
shows the real shape without a second, hand-copied declaration (decision 0064).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from backstride.intake.change import ChangeDict
from backstride.intake.serialize import AssessmentDict
from backstride.plan.diff import DiffEntry
from backstride.plan.model import Decision, Plan
from backstride.services.booking.views import AppointmentView


class IntakeOut(BaseModel):
    intake_id: str
    assessment_id: str
    assessment: AssessmentDict


class PlanOut(BaseModel):
    plan_id: str
    version: int
    plan: Plan


class CurrentPlanOut(PlanOut):
    escalations: list[Decision] = Field(description="Why to contact the clinic now")
    contact_clinic: bool
    appointments: list[AppointmentView] = Field(description="My coming clinic appointments")


class AdaptedPlanOut(PlanOut):
    diff: list[DiffEntry]
    decisions: list[Decision]
    needs_retriage: bool
    clinician_review: bool
    escalations: list[Decision] = Field(description="Why to contact the clinic now")
    contact_clinic: bool


class SessionLogOut(BaseModel):
    log_id: str
    session_key: str | None


class TrendPointOut(TypedDict):
    """One answered instrument over time (``services.intake.TrendPoint`` as ``to_jsonable``
    sends it): its primary score, as data and as read, and the change vs the previous answer
    (``Change.to_dict``: the precise values and their display text)."""

    answered_at: dt.datetime
    value: float | None
    change: ChangeDict | None
    value_display: str


__all__ = [
    "AdaptedPlanOut",
    "CurrentPlanOut",
    "IntakeOut",
    "PlanOut",
    "SessionLogOut",
    "TrendPointOut",
]
