"""API schemas of sign-up, passwords, second factor and sessions (docs/decisions/0020-0023)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from backstride.api.schemas import EMAIL_PATTERN, ClinicOut, In, Out

_TOKEN = Field(min_length=1, max_length=128, description="The token from the e-mailed link")
_PASSWORD = Field(max_length=256)


class RegistrationOut(Out):
    status: Literal["check_email"] = "check_email"
    email: str
    link_valid_until: dt.datetime = Field(
        description="If a link was due, it works until then (the same answer for every address)"
    )


class TokenIn(In):
    token: str = _TOKEN


class TotpLoginIn(In):
    challenge: str = Field(min_length=1, max_length=128)
    code: str = Field(min_length=1, max_length=32, description="6 digits or a recovery code")


class ReauthIn(In):
    password: str = _PASSWORD
    totp_code: str | None = Field(None, max_length=32)


class ReauthOut(BaseModel):
    reauthenticated_at: dt.datetime
    valid_until: dt.datetime


class PasswordChangeIn(In):
    current_password: str = _PASSWORD
    new_password: str = _PASSWORD
    totp_code: str | None = Field(
        None, max_length=32, description="With TOTP on, unless re-authenticated just before"
    )


class ResetRequestIn(In):
    email: str = Field(min_length=5, max_length=254, pattern=EMAIL_PATTERN)


class ResetConfirmIn(In):
    token: str = _TOKEN
    new_password: str = _PASSWORD


class EmailChangeIn(In):
    new_email: str = Field(min_length=5, max_length=254, pattern=EMAIL_PATTERN)


class AcceptedOut(BaseModel):
    status: Literal["accepted"] = "accepted"
    detail: str


class SessionOut(Out):
    id: str
    kind: Literal["session", "bearer"]
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    idle_expires_at: dt.datetime | None
    user_agent: str | None
    client: str | None
    current: bool


class LogoutAllOut(BaseModel):
    revoked: int


class RotatedOut(BaseModel):
    """A credential change rotated this session: its new secret (bearer) or CSRF token."""

    token: str | None = Field(None, description="New bearer token (bearer callers); shown once")
    csrf_token: str | None = Field(None, description="New CSRF token (cookie callers)")
    expires_at: dt.datetime | None = None


class TotpEnrolmentOut(Out):
    secret: str = Field(description="For typing into the app by hand")
    provisioning_uri: str = Field(description="otpauth:// URI (what the QR code holds)")
    qr_svg: str = Field(description="The QR code as an inline SVG document")


class TotpCodeIn(In):
    code: str = Field(min_length=6, max_length=32)


class TotpEnabledOut(RotatedOut):
    recovery_codes: list[str] = Field(description="Shown once; each works once")


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str]


class ClinicDeletionOut(Out):
    outcome: Literal["deleted", "archived"] = Field(
        description="archived: runners' consent history names the clinic, so it is kept"
    )
    clinic: ClinicOut
