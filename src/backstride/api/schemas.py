"""API schemas (pydantic): the wire representation, separate from rows and domain data."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Out(BaseModel):
    """Response models read attributes of service dataclasses."""

    model_config = ConfigDict(from_attributes=True)


class In(BaseModel):
    """Request bodies refuse unknown fields: a misspelt field is a 422 naming its path
    (``extra_forbidden``), never a silently empty value."""

    model_config = ConfigDict(extra="forbid")


class Problem(BaseModel):
    path: str | None = None
    msg: str | None = None


class ErrorOut(BaseModel):
    code: str
    detail: str
    problems: list[dict[str, Any]] | None = None


class RegisterIn(In):
    email: str = Field(max_length=254)
    password: str = Field(max_length=256)
    display_name: str = Field(min_length=1, max_length=120)


class LoginIn(In):
    email: str = Field(max_length=254)
    password: str = Field(max_length=256)
    mode: Literal["cookie", "token"] = "cookie"
    totp_code: str | None = Field(
        None,
        max_length=32,
        description="With TOTP on: the app's 6 digits or a recovery code, in the same call "
        "(else the answer is a challenge for POST /auth/login/totp)",
    )


class AccountOut(Out):
    id: str
    email: str
    role: str
    display_name: str
    runner_id: str | None
    created_at: dt.datetime
    totp_enabled: bool = False


class LoginOut(BaseModel):
    status: Literal["ok", "totp_required"] = Field(
        "ok", description="totp_required: send a code with `challenge` to POST /auth/login/totp"
    )
    account: AccountOut | None = None
    token: str | None = Field(None, description="Bearer token (mode=token only); shown once")
    csrf_token: str | None = Field(None, description="Echo in X-CSRF-Token (mode=cookie)")
    expires_at: dt.datetime
    challenge: str | None = Field(None, description="status totp_required: the challenge")
    totp_enrolment_required: bool = Field(
        False,
        description="A clinician or admin without a second factor: this session can only "
        "enrol one (POST /auth/totp/enrolment)",
    )


class ProfileOut(Out):
    runner_id: str
    handle: str
    display_name: str
    birth_year: int | None
    sex: str | None
    hr_rest_bpm: int | None
    hr_max_bpm: int | None
    threshold_pace_s_per_km: float | None
    timezone: str
    preferences: dict[str, Any]


class ProfileIn(In):
    display_name: str | None = Field(None, min_length=1, max_length=120)
    birth_year: int | None = Field(None, ge=1900, le=2100)
    sex: Literal["female", "male", "other"] | None = None
    hr_rest_bpm: int | None = Field(None, ge=25, le=120)
    hr_max_bpm: int | None = Field(None, ge=100, le=240)
    threshold_pace_s_per_km: float | None = Field(None, ge=120, le=1200)
    timezone: str | None = Field(None, min_length=1, max_length=64)
    preferences: dict[str, Any] | None = None


class ConsentIn(In):
    clinic_id: str = Field(min_length=1, max_length=64, description="Clinic id or slug")


class ConsentOut(Out):
    id: str
    clinic_id: str
    clinic_name: str
    granted_at: dt.datetime
    revoked_at: dt.datetime | None


class AuditOut(Out):
    at: dt.datetime
    actor_account_id: str | None
    actor_name: str | None
    actor_role: str
    action: str
    resource: str
    detail: dict[str, Any]


class WeekOut(Out):
    week_start_date: dt.date
    distance_m: float
    duration_s: float
    activities: int


class DashboardOut(Out):
    runner: ProfileOut
    latest_assessment: dict[str, Any] | None
    weeks: list[WeekOut]
    recent_activities: list[dict[str, Any]]
    activities_total: int


class TimelineOut(Out):
    runner: ProfileOut
    assessments: list[dict[str, Any]]
    questionnaires: list[dict[str, Any]]
    weeks: list[WeekOut]
    plan_versions: list[dict[str, Any]]
    session_logs: list[dict[str, Any]]
    pain_entries: list[dict[str, Any]]


class PainEntryIn(In):
    entry_date: dt.date
    nprs_now: int | None = Field(None, ge=0, le=10)
    morning_pain: int | None = Field(None, ge=0, le=10)
    morning_stiffness_min: int | None = Field(None, ge=0, le=1440)
    notes: str | None = Field(None, max_length=4000)


class PainEntryOut(Out):
    id: str
    entry_date: dt.date
    nprs_now: int | None
    morning_pain: int | None
    morning_stiffness_min: int | None
    notes: str | None


class JobOut(Out):
    id: str
    status: str
    files_total: int
    files_done: int
    report: dict[str, Any]
    created_at: dt.datetime
    finished_at: dt.datetime | None


class ClinicOut(Out):
    id: str
    slug: str
    name: str
    created_at: dt.datetime
    archived_at: dt.datetime | None = None


class ClinicIn(In):
    slug: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)


class ClinicPatch(In):
    name: str = Field(min_length=1, max_length=200)


class ClinicianIn(In):
    email: str = Field(max_length=254)
    password: str = Field(max_length=256)
    display_name: str = Field(min_length=1, max_length=120)
    clinic_id: str = Field(min_length=1, max_length=64)


class ClinicianOut(Out):
    account_id: str
    email: str
    display_name: str
    clinic_ids: list[str]


class PatientOut(Out):
    runner_id: str
    display_name: str
    clinic_id: str
    consent_granted_at: dt.datetime
    disposition: str | None
    flags: list[str]
    assessed_at: dt.datetime | None


class PlanEditIn(In):
    document: dict[str, Any]
    reason: str = Field(min_length=1, max_length=2000)


class PlanVersionOut(Out):
    plan_id: str
    version: int
    created_at: dt.datetime
    created_by: str | None
    reason: str


class ReviewIn(In):
    disposition: Literal["emergency", "urgent", "clinician", "self_management"]
    reason: str = Field(min_length=10, max_length=2000)
    cleared_to_run_on: dt.date | None = Field(
        default=None, description="The day the runner was cleared to start return-to-run stages"
    )


class ReviewOut(Out):
    assessment_id: str
    from_disposition: str
    disposition: str
    flags: list[str]
    reason: str
    reviewed_by: str
    reviewed_at: dt.datetime
    cleared_to_run_on: dt.date | None


class SettingOut(Out):
    key: str
    value: float
    default: float
    source: str
    changed: bool
    updated_at: dt.datetime | None


class SettingIn(In):
    value: float = Field(allow_inf_nan=False)
    reason: str | None = Field(None, max_length=2000)


class Health(BaseModel):
    status: str
    version: str
