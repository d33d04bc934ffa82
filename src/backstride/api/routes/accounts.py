"""Accounts: register, log in (cookie or bearer token), log out, who am I."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from backstride.api.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    AppSettings,
    Caller,
    DbSession,
    Now,
)
from backstride.api.schemas import AccountOut, LoginIn, LoginOut, RegisterIn
from backstride.services import accounts, auth

router = APIRouter(prefix="/auth", tags=["accounts"])


def _client(request: Request) -> str | None:
    return request.client.host[:64] if request.client else None


@router.post("/register", status_code=201, response_model=AccountOut)
def register(body: RegisterIn, session: DbSession, now: Now) -> accounts.AccountView:
    """Create a runner account (password: 10+ characters, not common)."""
    return accounts.register_runner(
        session, email=body.email, password=body.password, display_name=body.display_name, now=now
    )


@router.post("/login", response_model=LoginOut)
def login(
    body: LoginIn,
    request: Request,
    response: Response,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> LoginOut:
    """Log in: ``mode=cookie`` sets the session cookie, ``mode=token`` returns a bearer token."""
    kind = "session" if body.mode == "cookie" else "bearer"
    issued = auth.log_in(
        session,
        email=body.email,
        password=body.password,
        kind=kind,
        client=_client(request),
        now=now,
    )
    account = accounts.get_account(session, principal=issued.principal)
    if kind == "session":
        max_age = int((issued.expires_at - now).total_seconds())
        response.set_cookie(
            SESSION_COOKIE,
            issued.token,
            max_age=max_age,
            httponly=True,
            secure=settings.cookie_secure,
            samesite="lax",
            path="/",
        )
        response.set_cookie(
            CSRF_COOKIE,
            issued.csrf_token or "",
            max_age=max_age,
            httponly=False,
            secure=settings.cookie_secure,
            samesite="lax",
            path="/",
        )
        return LoginOut(
            account=AccountOut.model_validate(account),
            csrf_token=issued.csrf_token,
            expires_at=issued.expires_at,
        )
    return LoginOut(
        account=AccountOut.model_validate(account),
        token=issued.token,
        expires_at=issued.expires_at,
    )


@router.post("/logout", status_code=204)
def logout(
    request: Request, response: Response, principal: Caller, session: DbSession, now: Now
) -> Response:
    """Revoke the token in use and clear the cookies."""
    del principal
    auth.log_out(session, token=request.state.token, now=now)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/me", response_model=AccountOut)
def me(principal: Caller, session: DbSession) -> accounts.AccountView:
    """The signed-in account."""
    return accounts.get_account(session, principal=principal)
