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
from backstride.errors import Unauthenticated
from backstride.services.auth import authenticate, check_csrf
from backstride.services.policy import Principal

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


def current_principal(
    request: Request,
    session: DbSession,
    now: Now,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Principal:
    """The signed-in caller, or ``auth.required``; cookie changes need the CSRF header."""
    found = token_from(request, bearer, cookie)
    if found is None:
        raise Unauthenticated("please log in", code="auth.required")
    token, via_cookie = found
    principal, row = authenticate(session, token=token, now=now, via_cookie=via_cookie)
    if via_cookie and request.method not in SAFE_METHODS:
        check_csrf(row, header_token=request.headers.get(CSRF_HEADER))
    request.state.token = token
    return principal


Caller = Annotated[Principal, Depends(current_principal)]

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "AppSettings",
    "Caller",
    "DbSession",
    "Now",
    "current_principal",
    "get_now",
    "get_session",
    "get_settings",
]
