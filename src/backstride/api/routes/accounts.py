"""Accounts: sign-up, log in (cookie or bearer token, TOTP), log out, who am I, passwords,
second factor and sessions. Thin: every route calls one service function."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query, Request, Response

from backstride.api.account_schemas import (
    AcceptedOut,
    EmailChangeIn,
    LogoutAllOut,
    PasswordChangeIn,
    ReauthIn,
    ReauthOut,
    RecoveryCodesOut,
    RegistrationOut,
    ResetConfirmIn,
    ResetRequestIn,
    RotatedOut,
    SessionOut,
    TokenIn,
    TotpCodeIn,
    TotpEnabledOut,
    TotpEnrolmentOut,
    TotpLoginIn,
)
from backstride.api.client import client_address, user_agent
from backstride.api.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    AppSettings,
    Caller,
    DbSession,
    EnrollingCaller,
    Now,
)
from backstride.api.openapi import RATE_LIMITED
from backstride.api.schemas import AccountOut, ErrorOut, LoginIn, LoginOut, RegisterIn
from backstride.config import Settings
from backstride.services import accounts, auth, credentials, registration, sessions, totp

router = APIRouter(prefix="/auth", tags=["accounts"])

REAUTH: dict[int | str, dict[str, Any]] = {
    403: {
        "model": ErrorOut,
        "description": "`auth.reauth_required`: confirm the password first "
        "(POST /auth/reauthenticate); `auth.reauth_failed`: wrong password or code",
    }
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "Clashes with the account's state (code says how)"}
}


def _set_session_cookies(
    response: Response, issued: auth.IssuedToken, settings: Settings, now: dt.datetime
) -> None:
    max_age = int((issued.expires_at - now).total_seconds())
    for name, value, http_only in (
        (SESSION_COOKIE, issued.token, True),
        (CSRF_COOKIE, issued.csrf_token or "", False),
    ):
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            httponly=http_only,
            secure=settings.cookie_secure,
            samesite="lax",
            path="/",
        )


def _clear_session_cookies(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


def _login_out(
    issued: auth.IssuedToken | auth.TotpChallenge,
    session: DbSession,
    response: Response,
    settings: Settings,
    now: dt.datetime,
) -> LoginOut:
    if isinstance(issued, auth.TotpChallenge):
        return LoginOut(
            status="totp_required", challenge=issued.challenge, expires_at=issued.expires_at
        )
    account = accounts.get_account(session, principal=issued.principal)
    enrol = issued.principal.scope == "totp_enrolment"
    if issued.kind == "session":
        _set_session_cookies(response, issued, settings, now)
        return LoginOut(
            account=account,
            csrf_token=issued.csrf_token,
            expires_at=issued.expires_at,
            totp_enrolment_required=enrol,
        )
    return LoginOut(
        account=account,
        token=issued.token,
        expires_at=issued.expires_at,
        totp_enrolment_required=enrol,
    )


def _rotated_out(
    issued: auth.IssuedToken | None, response: Response, settings: Settings, now: dt.datetime
) -> RotatedOut:
    if issued is None:
        return RotatedOut()
    if issued.kind == "session":
        _set_session_cookies(response, issued, settings, now)
        return RotatedOut(csrf_token=issued.csrf_token, expires_at=issued.expires_at)
    return RotatedOut(token=issued.token, expires_at=issued.expires_at)


@router.post("/register", status_code=202, response_model=RegistrationOut, responses=RATE_LIMITED)
def register(
    body: RegisterIn, request: Request, session: DbSession, now: Now, settings: AppSettings
) -> registration.RegistrationRequested:
    """Sign up as a runner: always 202 "check your e-mail" (a link for a new address, a
    warning to the holder of a taken one); the account exists once the link is followed."""
    return registration.register(
        session,
        email=body.email,
        password=body.password,
        display_name=body.display_name,
        client=client_address(request),
        now=now,
        settings=settings,
    )


@router.post("/register/confirm", status_code=201, response_model=AccountOut)
def confirm_registration(body: TokenIn, session: DbSession, now: Now) -> accounts.AccountView:
    """Finish a sign-up with the e-mailed token (422 `registration.invalid_token`)."""
    return registration.confirm_registration(session, token=body.token, now=now)


@router.post(
    "/login",
    response_model=LoginOut,
    responses=RATE_LIMITED
    | {401: {"model": ErrorOut, "description": "`auth.invalid_credentials`, `auth.totp_invalid`"}},
)
def login(
    body: LoginIn,
    request: Request,
    response: Response,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> LoginOut:
    """Log in: ``mode=cookie`` sets the session cookie, ``mode=token`` returns a bearer token;
    with TOTP on, ``status=totp_required`` and a challenge unless ``totp_code`` came along."""
    issued = auth.log_in(
        session,
        email=body.email,
        password=body.password,
        kind="session" if body.mode == "cookie" else "bearer",
        client=client_address(request),
        now=now,
        settings=settings,
        totp_code=body.totp_code,
        user_agent=user_agent(request),
        replaces_token=request.cookies.get(SESSION_COOKIE),
    )
    return _login_out(issued, session, response, settings, now)


@router.post(
    "/login/totp",
    response_model=LoginOut,
    responses=RATE_LIMITED
    | {401: {"model": ErrorOut, "description": "`auth.challenge_invalid`, `auth.totp_invalid`"}},
)
def login_totp(
    body: TotpLoginIn,
    request: Request,
    response: Response,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> LoginOut:
    """Second step of a log-in with TOTP: the challenge and a code (or a recovery code)."""
    issued = auth.complete_login(
        session,
        challenge=body.challenge,
        code=body.code,
        client=client_address(request),
        now=now,
        settings=settings,
        user_agent=user_agent(request),
        replaces_token=request.cookies.get(SESSION_COOKIE),
    )
    return _login_out(issued, session, response, settings, now)


@router.post("/logout", status_code=204)
def logout(request: Request, principal: EnrollingCaller, session: DbSession, now: Now) -> Response:
    """Revoke the token in use and clear the cookies."""
    del principal
    auth.log_out(session, token=request.state.token, now=now)
    response = Response(status_code=204)
    _clear_session_cookies(response)
    return response


@router.post("/logout-all", response_model=LogoutAllOut)
def logout_all(
    response: Response,
    principal: EnrollingCaller,
    session: DbSession,
    now: Now,
    keep_current: bool = Query(False, description="Keep this session; end all the others"),
) -> LogoutAllOut:
    """Log out everywhere: every session and bearer token of my account ends."""
    revoked = sessions.log_out_everywhere(
        session, principal=principal, now=now, keep_current=keep_current
    )
    if not keep_current:
        _clear_session_cookies(response)
    return LogoutAllOut(revoked=revoked)


@router.get("/me", response_model=AccountOut)
def get_me(principal: EnrollingCaller, session: DbSession) -> accounts.AccountView:
    """The signed-in account."""
    return accounts.get_account(session, principal=principal)


@router.get("/sessions", response_model=list[SessionOut])
def list_sessions(
    principal: EnrollingCaller, session: DbSession, now: Now
) -> list[sessions.SessionView]:
    """Where I am signed in: device, address, created, last seen, and which one is this."""
    return sessions.list_sessions(session, principal=principal, now=now)


@router.delete("/sessions/{session_id}", status_code=204)
def revoke_session(
    session_id: str, principal: EnrollingCaller, session: DbSession, now: Now
) -> Response:
    """Log out one of my sessions (404 `session.not_found` for anyone else's)."""
    sessions.revoke_session(session, principal=principal, session_id=session_id, now=now)
    return Response(status_code=204)


@router.post("/reauthenticate", response_model=ReauthOut, responses=RATE_LIMITED | REAUTH)
def reauthenticate(
    body: ReauthIn,
    request: Request,
    principal: EnrollingCaller,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> ReauthOut:
    """Confirm my password (and TOTP code) before deleting the account or changing e-mail,
    password or second factor; it counts for ``reauth_window_min`` minutes."""
    at = auth.reauthenticate(
        session,
        principal=principal,
        password=body.password,
        totp_code=body.totp_code,
        client=client_address(request),
        now=now,
    )
    return ReauthOut(
        reauthenticated_at=at,
        valid_until=at + dt.timedelta(minutes=settings.reauth_window_min),
    )


@router.post("/password", response_model=RotatedOut, responses=RATE_LIMITED | REAUTH)
def change_password(
    body: PasswordChangeIn,
    request: Request,
    response: Response,
    principal: Caller,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> RotatedOut:
    """Change my password (the current one needed); this session gets a new secret and every
    other session ends."""
    issued = credentials.change_password(
        session,
        principal=principal,
        current_password=body.current_password,
        new_password=body.new_password,
        totp_code=body.totp_code,
        client=client_address(request),
        now=now,
        settings=settings,
    )
    return _rotated_out(issued, response, settings, now)


@router.post(
    "/password-reset/request",
    status_code=202,
    response_model=AcceptedOut,
    responses=RATE_LIMITED,
)
def request_password_reset(
    body: ResetRequestIn, request: Request, session: DbSession, now: Now, settings: AppSettings
) -> AcceptedOut:
    """E-mail a one-time reset link if the address has an account (the same answer if not)."""
    credentials.request_password_reset(
        session, email=body.email, client=client_address(request), now=now, settings=settings
    )
    return AcceptedOut(
        detail="if this address has an account, a reset link is on its way; check your e-mail"
    )


@router.post("/password-reset/confirm", response_model=AccountOut)
def confirm_password_reset(
    body: ResetConfirmIn, session: DbSession, now: Now
) -> accounts.AccountView:
    """Set a new password with the e-mailed token; every session of the account ends
    (422 `password_reset.invalid_token`, `account.weak_password`)."""
    return credentials.confirm_password_reset(
        session, token=body.token, new_password=body.new_password, now=now
    )


@router.post("/email", status_code=202, response_model=AcceptedOut, responses=RATE_LIMITED | REAUTH)
def request_email_change(
    body: EmailChangeIn, principal: Caller, session: DbSession, now: Now, settings: AppSettings
) -> AcceptedOut:
    """Move my account to a new address: a link goes to it (after a recent password check)."""
    credentials.request_email_change(
        session, principal=principal, new_email=body.new_email, now=now, settings=settings
    )
    return AcceptedOut(detail="a confirmation link went to the new address (if it can be used)")


@router.post("/email/confirm", response_model=AccountOut, responses=CONFLICT)
def confirm_email_change(body: TokenIn, session: DbSession, now: Now) -> accounts.AccountView:
    """Confirm a new address with the token sent to it; every session of the account ends."""
    return credentials.confirm_email_change(session, token=body.token, now=now)


@router.post(
    "/totp/enrolment",
    status_code=201,
    response_model=TotpEnrolmentOut,
    responses=REAUTH | CONFLICT,
)
def start_totp_enrolment(
    principal: EnrollingCaller, session: DbSession, now: Now, settings: AppSettings
) -> totp.TotpEnrolment:
    """Start setting up an authenticator app: a secret, its otpauth URI and a QR code (SVG)."""
    return totp.start_enrolment(session, principal=principal, now=now, settings=settings)


@router.post(
    "/totp/enrolment/confirm",
    response_model=TotpEnabledOut,
    responses=CONFLICT,
)
def confirm_totp_enrolment(
    body: TotpCodeIn,
    response: Response,
    principal: EnrollingCaller,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> TotpEnabledOut:
    """Turn TOTP on with a first code: recovery codes (shown once); this session gets a new
    secret with full access and every other session ends."""
    enabled = totp.confirm_enrolment(
        session, principal=principal, code=body.code, now=now, settings=settings
    )
    rotated = _rotated_out(enabled.issued, response, settings, now)
    return TotpEnabledOut(recovery_codes=list(enabled.recovery_codes), **rotated.model_dump())


@router.delete("/totp", status_code=204, responses=REAUTH | CONFLICT)
def disable_totp(
    principal: Caller, session: DbSession, now: Now, settings: AppSettings
) -> Response:
    """Turn my second factor off (runners; 403 `totp.required_for_role` for staff)."""
    totp.disable(session, principal=principal, now=now, settings=settings)
    return Response(status_code=204)


@router.post("/totp/recovery-codes", response_model=RecoveryCodesOut, responses=REAUTH | CONFLICT)
def regenerate_recovery_codes(
    principal: Caller, session: DbSession, now: Now, settings: AppSettings
) -> RecoveryCodesOut:
    """Ten new recovery codes; the old ones stop working."""
    codes = totp.regenerate_recovery_codes(session, principal=principal, now=now, settings=settings)
    return RecoveryCodesOut(recovery_codes=list(codes))
