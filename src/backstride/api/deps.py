"""Request dependencies: a database session, the clock and the authenticated principal.

Browsers authenticate with the ``backstride_session`` cookie (HttpOnly, SameSite=Lax, Secure
per settings); changes made with the cookie must echo the CSRF token in ``X-CSRF-Token``
(double submit: the token is also in the readable ``backstride_csrf`` cookie). Programs send
``Authorization: Bearer <token>`` and need no CSRF token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.errors import Forbidden, Unauthenticated
from backstride.services.policy import Principal
from backstride.services.sessions import authenticate, check_csrf

SESSION_COOKIE = "backstride_session"
CSRF_COOKIE = "backstride_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer_scheme = HTTPBearer(auto_error=False, description="A token from POST /auth/login")
cookie_scheme = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="Browser session")


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session per request, closed afterwards (services commit).

    ``async`` so FastAPI runs it on the event loop instead of two thread-pool hops (enter and
    exit): creating a session does no I/O (it connects lazily, inside the sync handlers that
    run in the thread pool); closing returns the connection to the pool.
    """
    with request.app.state.session_factory() as session:
        yield session


async def get_now(request: Request) -> dt.datetime:
    """The current time (the app's clock, replaceable in tests); no thread-pool hop."""
    now: dt.datetime = request.app.state.clock()
    return now


async def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


DbSession = Annotated[Session, Depends(get_session)]
Now = Annotated[dt.datetime, Depends(get_now)]
AppSettings = Annotated[Settings, Depends(get_settings)]


def token_from(
    request: Request,
    bearer: HTTPAuthorizationCredentials | None,
    cookie: str | None,
) -> tuple[str, bool] | None:
    """The presented token and whether it came from the cookie."""
    del request
    if bearer is not None and bearer.credentials:
        return bearer.credentials, False
    if cookie:
        return cookie, True
    return None


def any_scope_principal(
    request: Request,
    session: DbSession,
    now: Now,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Principal:
    """The signed-in caller, even one who must enrol a second factor first."""
    found = token_from(request, bearer, cookie)
    if found is None:
        raise Unauthenticated("please log in", code="auth.required")
    token, via_cookie = found
    principal, row = authenticate(session, token=token, now=now, via_cookie=via_cookie)
    if via_cookie and request.method not in SAFE_METHODS:
        check_csrf(row, header_token=request.headers.get(CSRF_HEADER))
    request.state.token = token
    return principal


async def current_principal(
    principal: Annotated[Principal, Depends(any_scope_principal)],
) -> Principal:
    """The signed-in caller, or ``auth.required``; cookie changes need the CSRF header; a
    clinician or admin without a second factor gets ``auth.totp_enrolment_required`` (403)."""
    if principal.scope != "full":
        raise Forbidden(
            "set up your authenticator app first: POST /auth/totp/enrolment",
            code="auth.totp_enrolment_required",
        )
    return principal


Caller = Annotated[Principal, Depends(current_principal)]
EnrollingCaller = Annotated[Principal, Depends(any_scope_principal)]
"""A caller who may still have to enrol TOTP (enrolment, who-am-I, log-out, sessions)."""

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "AppSettings",
    "Caller",
    "DbSession",
    "EnrollingCaller",
    "Now",
    "any_scope_principal",
    "current_principal",
    "get_now",
    "get_session",
    "get_settings",
]
