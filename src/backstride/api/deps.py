"""Request dependencies: a database session, the clock and the authenticated principal.

Browsers authenticate with the ``backstride_session`` cookie (HttpOnly, SameSite=Lax, Secure
per settings); changes made with the cookie must echo the CSRF token in ``X-CSRF-Token``
(double submit: the token is also in the readable ``backstride_csrf`` cookie). Programs send
``Authorization: Bearer <token>`` and need no CSRF token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

import anyio
from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.errors import Forbidden, Unauthenticated
from backstride.services.booking.ratelimit import RateLimiter
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


@dataclass(frozen=True, slots=True)
class Presented:
    """What a request presents to sign in, read on the event loop (no I/O); checked by
    :func:`sign_in` wherever the request reaches the database."""

    token: str | None
    via_cookie: bool
    changes: bool
    """Not a GET/HEAD/OPTIONS: a cookie must come with the CSRF header."""
    csrf_header: str | None


async def presented(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Presented:
    """The bearer token, else the session cookie (with the CSRF header for a change)."""
    changes = request.method not in SAFE_METHODS
    csrf = request.headers.get(CSRF_HEADER)
    if bearer is not None and bearer.credentials:
        return Presented(bearer.credentials, False, changes, csrf)
    return Presented(cookie or None, bool(cookie), changes, csrf)


def sign_in(request: Request, session: Session, found: Presented, now: dt.datetime) -> Principal:
    """The signed-in caller, even one who must enrol a second factor first (``auth.required``,
    ``auth.session_expired``, ``auth.csrf_failed``)."""
    if found.token is None:
        raise Unauthenticated("please log in", code="auth.required")
    principal, row = authenticate(session, token=found.token, now=now, via_cookie=found.via_cookie)
    if found.via_cookie and found.changes:
        check_csrf(row, header_token=found.csrf_header)
    request.state.token = found.token
    return principal


def full_scope(principal: Principal) -> Principal:
    """The caller, unless a clinician or admin must still set up a second factor
    (``auth.totp_enrolment_required``, 403)."""
    if principal.scope != "full":
        raise Forbidden(
            "set up your authenticator app first: POST /auth/totp/enrolment",
            code="auth.totp_enrolment_required",
        )
    return principal


def any_scope_principal(
    request: Request,
    session: DbSession,
    now: Now,
    found: Annotated[Presented, Depends(presented)],
) -> Principal:
    """The signed-in caller, even one who must enrol a second factor first."""
    return sign_in(request, session, found, now)


async def current_principal(
    principal: Annotated[Principal, Depends(any_scope_principal)],
) -> Principal:
    """The signed-in caller, or ``auth.required``; cookie changes need the CSRF header; a
    clinician or admin without a second factor gets ``auth.totp_enrolment_required`` (403)."""
    return full_scope(principal)


Caller = Annotated[Principal, Depends(current_principal)]
EnrollingCaller = Annotated[Principal, Depends(any_scope_principal)]
"""A caller who may still have to enrol TOTP (enrolment, who-am-I, log-out, sessions)."""


def limiter(request: Request) -> RateLimiter:
    """The app's booking rate limiter (one per process)."""
    found: RateLimiter | None = getattr(request.app.state, "booking_limiter", None)
    if found is None:
        settings = request.app.state.settings
        found = request.app.state.booking_limiter = RateLimiter(
            per_minute=settings.booking_rate_per_minute, burst=settings.booking_rate_burst
        )
    return found


def booking_writers(request: Request) -> anyio.CapacityLimiter | None:
    """How many booking writes (sign-in and service, one thread-pool hop each) this process
    runs at once: one on a SQLite file, None (the shared thread pool) on PostgreSQL.

    A SQLite file takes one writer at a time whatever the threads, and one process runs
    Python on one core: eight bookings in eight threads only took turns at the interpreter
    and the write gate, woke each other up and finished in no particular order. Queued here,
    on the event loop, they run one after another in arrival order: half the system CPU per
    booking and a steadier wait (docs/decisions/0073). PostgreSQL takes bookings of
    different clinics at once and waits on the network between statements, so its writes
    keep the shared pool."""
    state = request.app.state
    if not hasattr(state, "booking_writers"):
        sqlite = state.engine.dialect.name == "sqlite"
        state.booking_writers = anyio.CapacityLimiter(1) if sqlite else None
    found: anyio.CapacityLimiter | None = state.booking_writers
    return found


__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "AppSettings",
    "Caller",
    "DbSession",
    "EnrollingCaller",
    "Now",
    "Presented",
    "any_scope_principal",
    "booking_writers",
    "current_principal",
    "full_scope",
    "get_now",
    "get_session",
    "get_settings",
    "limiter",
    "presented",
    "sign_in",
]
