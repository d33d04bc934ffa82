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

from backstride.services.accounts import AccountView
from backstride.services.audit import AdminAuditView, AuditPage, AuditView
from backstride.services.clinic_settings import SettingView
from backstride.services.clinician_plan import PlanVersionView
from backstride.services.clinics import ClinicianView, ClinicView, PatientRow
from backstride.services.consent import ConsentView
from backstride.services.imports.jobs import JobView
from backstride.services.profile import PainEntryView, ProfileView
from backstride.services.reviews import ReviewView
from backstride.services.timeline import Dashboard, Timeline, WeekSummary

# Answers that are a service's frozen view as it is: the view is the schema (decision 0064),
# declared once; these names are what the routes (and older imports) call them.
AccountOut = AccountView
ProfileOut = ProfileView
ConsentOut = ConsentView
AuditOut = AuditView
AdminAuditOut = AdminAuditView
AuditPageOut = AuditPage
WeekOut = WeekSummary
DashboardOut = Dashboard
TimelineOut = Timeline
PainEntryOut = PainEntryView
JobOut = JobView
ClinicOut = ClinicView
ClinicianOut = ClinicianView
PatientOut = PatientRow
PlanVersionOut = PlanVersionView
ReviewOut = ReviewView
SettingOut = SettingView

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


class PainEntryIn(In):
    entry_date: IsoDate
    nprs_now: Int | None = Field(None, ge=0, le=10)
    morning_pain: Int | None = Field(None, ge=0, le=10)
    morning_stiffness_min: Int | None = Field(None, ge=0, le=1440)
    notes: str | None = Field(None, max_length=4000)


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


class PlanEditIn(In):
    document: dict[str, Any]
    reason: str = Field(min_length=1, max_length=2000)


class ReviewIn(In):
    disposition: Literal["emergency", "urgent", "clinician", "self_management"]
    reason: str = Field(min_length=10, max_length=2000)
    cleared_to_run_on: IsoDate | None = Field(
        default=None, description="The day the runner was cleared to start return-to-run stages"
    )


class SettingIn(In):
    value: Num = Field(allow_inf_nan=False)
    reason: str | None = Field(None, max_length=2000)


class Health(BaseModel):
    status: str
    version: str
