"""API schemas (pydantic): the wire representation, separate from rows and domain data."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    field_validator,
)
from pydantic.json_schema import SkipJsonSchema

from backstride.services.timeline import (
    AssessmentEntry,
    PainDiaryEntry,
    PlanVersionEntry,
    QuestionnaireEntry,
    RecentActivity,
    SessionLogEntry,
)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$"
)

_ISO_DATETIME_ANY = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$"
)


def _iso_date(value: object) -> object:
    """Only ``YYYY-MM-DD`` (pydantic alone reads ``0`` as 1970-01-01)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


def _iso_datetime(value: object) -> object:
    """Only an ISO 8601 date-time with its offset (no Unix seconds, no naive times)."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        return value
    raise ValueError("expected a date-time as YYYY-MM-DDTHH:MM:SS with Z or an offset")


def _iso_datetime_any(value: object) -> object:
    """An ISO 8601 date-time, with or without its offset (no Unix seconds)."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATETIME_ANY.match(value):
        return value
    raise ValueError("expected a date-time as YYYY-MM-DDTHH:MM:SS (with Z or an offset)")


Int = Annotated[int, Strict(False)]
"""An integer: ``3`` or ``3.0`` (JSON Schema's integer), never ``true``, ``"3"`` or ``3.5``
(``In`` refuses booleans and strings for every numeric field)."""
Num = Annotated[float, Strict(False)]
"""A number, never a boolean or a string."""
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date), Strict(False)]
"""A calendar date in the wire form ``YYYY-MM-DD`` only."""
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_iso_datetime), Strict(False)]
"""An aware ISO 8601 date-time only."""
AnyDateTime = Annotated[dt.datetime, BeforeValidator(_iso_datetime_any), Strict(False)]
"""An ISO 8601 date-time; a naive one reaches the service, which refuses it with its own code
(``booking.naive_datetime``) instead of a generic type error."""


class In(BaseModel):
    """Request bodies: strict types (no ``false`` for a number, no ``"3"`` for an integer) and
    no unknown fields, so the server accepts exactly what the OpenAPI schema describes."""

    model_config = ConfigDict(strict=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_are_numbers(cls, value: object, info: ValidationInfo) -> object:
        """``Int``/``Num`` fields are lax only about ``3.0`` vs ``3``: no bool, no string."""
        if isinstance(value, bool | str | bytes) and info.field_name in _numeric(cls):
            raise ValueError("expected a number")
        return value


@functools.cache
def _numeric(model: type[BaseModel]) -> frozenset[str]:
    """The fields of ``model`` typed int or float (optional or not)."""

    def kinds(annotation: Any) -> set[Any]:
        if get_origin(annotation) is Annotated:
            return kinds(get_args(annotation)[0])
        args = get_args(annotation)
        return set().union(*(kinds(a) for a in args)) if args else {annotation}

    return frozenset(
        name for name, field in model.model_fields.items() if kinds(field.annotation) & {int, float}
    )


class Out(BaseModel):
    """Response models read attributes of service dataclasses."""

    model_config = ConfigDict(from_attributes=True)


class Problem(BaseModel):
    path: str | None = None
    msg: str | None = None


class ErrorOut(BaseModel):
    code: str
    detail: str
    problems: list[dict[str, Any]] | None = None


EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"
"""What the server takes as an e-mail address (``services.auth.normalise_email``)."""


class RegisterIn(In):
    email: str = Field(min_length=5, max_length=254, pattern=EMAIL_PATTERN)
    password: str = Field(max_length=256, description="10-128 characters, not common")
    display_name: str = Field(min_length=1, max_length=120)


class LoginIn(In):
    email: str = Field(min_length=5, max_length=254, pattern=EMAIL_PATTERN)
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
    """Only the fields sent change; ``display_name``, ``timezone`` and ``preferences`` may be left
    out but not set to null (the schema says so: the null is hidden from it)."""

    display_name: Annotated[str, Field(min_length=1, max_length=120)] | SkipJsonSchema[None] = None
    birth_year: Int | None = Field(None, ge=1900, le=2100)
    sex: Literal["female", "male", "other"] | None = None
    hr_rest_bpm: Int | None = Field(None, ge=25, le=120)
    hr_max_bpm: Int | None = Field(None, ge=100, le=240)
    threshold_pace_s_per_km: Num | None = Field(None, ge=120, le=1200)
    timezone: Annotated[str, Field(min_length=1, max_length=64)] | SkipJsonSchema[None] = None
    preferences: dict[str, Any] | SkipJsonSchema[None] = None


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
    latest_assessment: AssessmentEntry | None
    weeks: list[WeekOut]
    recent_activities: list[RecentActivity]
    activities_total: int


class TimelineOut(Out):
    runner: ProfileOut
    assessments: list[AssessmentEntry]
    questionnaires: list[QuestionnaireEntry]
    weeks: list[WeekOut]
    plan_versions: list[PlanVersionEntry]
    session_logs: list[SessionLogEntry]
    pain_entries: list[PainDiaryEntry]


class PainEntryIn(In):
    entry_date: IsoDate
    nprs_now: Int | None = Field(None, ge=0, le=10)
    morning_pain: Int | None = Field(None, ge=0, le=10)
    morning_stiffness_min: Int | None = Field(None, ge=0, le=1440)
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
    slug: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    name: str = Field(min_length=1, max_length=200)


class ClinicPatch(In):
    name: str = Field(min_length=1, max_length=200)


class ClinicianIn(In):
    email: str = Field(min_length=5, max_length=254, pattern=EMAIL_PATTERN)
    password: str = Field(max_length=256, description="10-128 characters, not common")
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
    cleared_to_run_on: IsoDate | None = Field(
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
    value: Num = Field(allow_inf_nan=False)
    reason: str | None = Field(None, max_length=2000)


class AdminAuditOut(Out):
    id: int
    at: dt.datetime
    actor_account_id: str | None
    actor_role: str
    runner_id: str | None
    action: str
    resource: str
    detail: dict[str, Any]


class AuditPageOut(Out):
    events: list[AdminAuditOut]
    limit: int
    offset: int
    has_more: bool


class Health(BaseModel):
    status: str
    version: str
