"""Who is browsing, and the CSRF check of every form the web pages accept.

Signed-in browsers carry the same HttpOnly session cookie as the API (``services.auth``
issues it). The session's CSRF token (only its hash is stored) reaches the page in the
readable ``backstride_csrf`` cookie; pages copy it into a hidden ``csrf_token`` field of every
form (htmx sends it as ``X-CSRF-Token`` too), and a POST must echo it: compared with the
stored hash, so a forged cookie alone never passes. Forms used before signing in (log in,
sign up) carry an anonymous token bound to a short-lived cookie and signed with the secret
key. A request the browser marks ``Sec-Fetch-Site: cross-site`` never changes anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from backstride.api.deps import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, DbSession, Now
from backstride.config import Settings
from backstride.errors import Forbidden, Unauthenticated
from backstride.services.auth import IssuedToken, PresentedToken, authenticate, check_csrf
from backstride.services.policy import Principal

CSRF_FIELD = "csrf_token"
FORM_COOKIE = "backstride_form"
THEME_COOKIE = "backstride_theme"
THEMES = ("system", "light", "dark")
FORM_TOKEN_TTL = dt.timedelta(hours=12)


ENROLMENT_PAGE = "/account/two-factor"
"""Where a clinician or admin without a second factor yet sets one up."""
_ENROLMENT_PATHS = (ENROLMENT_PAGE, "/logout")


class LoginRequired(Unauthenticated):
    """A page that needs a signed-in runner was opened without a session (redirects)."""


class EnrolmentRequired(Forbidden):
    """A session of scope ``totp_enrolment`` (staff without a second factor yet) opened a page
    other than the enrolment page: it is sent there (``errors.install_page_errors``)."""


def _enrolment_only(path: str) -> bool:
    return path == "/logout" or path == ENROLMENT_PAGE or path.startswith(ENROLMENT_PAGE + "/")


@dataclass(frozen=True, slots=True)
class Visitor:
    """The browser behind a request: signed in (``principal``) or not, and its form token."""

    principal: Principal | None
    csrf_token: str
    presented: PresentedToken | None = None
    new_form_token: bool = False

    @property
    def is_runner(self) -> bool:
        """Signed in as a runner with a runner record."""
        return self.principal is not None and self.principal.runner_id is not None


def _sign(settings: Settings, value: str) -> str:
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def new_form_token(settings: Settings) -> str:
    """A fresh anonymous form token: random part and its signature."""
    raw = secrets.token_urlsafe(24)
    return f"{raw}.{_sign(settings, raw)}"


def _valid_form_token(settings: Settings, token: str | None) -> bool:
    if not token or "." not in token:
        return False
    raw, _, sig = token.partition(".")
    return secrets.compare_digest(sig, _sign(settings, raw))


def read_visitor(request: Request, session: DbSession, now: Now) -> Visitor:
    """The visitor of this request (one query when a session cookie is present)."""
    settings: Settings = request.app.state.settings
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        try:
            principal, presented = authenticate(session, token=token, now=now, via_cookie=True)
        except Unauthenticated:
            pass
        else:
            request.state.token = token
            if principal.scope != "full" and not _enrolment_only(request.url.path):
                raise EnrolmentRequired(
                    "set up your authenticator app first", code="auth.totp_enrolment_required"
                )
            return Visitor(principal, request.cookies.get(CSRF_COOKIE, ""), presented)
    form = request.cookies.get(FORM_COOKIE)
    if _valid_form_token(settings, form):
        return Visitor(None, form or "")
    return Visitor(None, new_form_token(settings), new_form_token=True)


VisitorDep = Annotated[Visitor, Depends(read_visitor)]


def require_runner(visitor: VisitorDep) -> Visitor:
    """The visitor, who must be a signed-in runner (else: to the log-in page, or 403)."""
    if visitor.principal is None:
        raise LoginRequired("please log in", code="auth.required")
    if visitor.principal.runner_id is None:
        raise Forbidden(
            f"these pages are for runners; you are signed in as {visitor.principal.role}",
            code="auth.forbidden",
        )
    return visitor


RunnerDep = Annotated[Visitor, Depends(require_runner)]


def require_signed_in(visitor: VisitorDep) -> Visitor:
    """The visitor, who must be signed in (any role; else: to the log-in page)."""
    if visitor.principal is None:
        raise LoginRequired("please log in", code="auth.required")
    return visitor


SignedInDep = Annotated[Visitor, Depends(require_signed_in)]


def check_form(request: Request, visitor: Visitor, form: FormData) -> None:
    """``auth.csrf_failed`` unless the form (or the htmx header) echoes the visitor's token."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise Forbidden("a form from another site was refused", code="auth.csrf_failed")
    sent = form.get(CSRF_FIELD)
    echoed = sent if isinstance(sent, str) and sent else request.headers.get(CSRF_HEADER)
    if visitor.principal is not None and visitor.presented is not None:
        check_csrf(visitor.presented, header_token=echoed)
        return
    cookie = request.cookies.get(FORM_COOKIE)
    settings: Settings = request.app.state.settings
    if (
        not echoed
        or not cookie
        or not secrets.compare_digest(echoed, cookie)
        or not _valid_form_token(settings, cookie)
    ):
        raise Forbidden("the form expired; reload the page and try again", code="auth.csrf_failed")


async def posted_form(request: Request, visitor: VisitorDep) -> FormData:
    """The request's form, after the CSRF check (urlencoded or small multipart forms)."""
    form = await request.form(max_files=0, max_fields=200)
    check_form(request, visitor, form)
    return form


PostedForm = Annotated[FormData, Depends(posted_form)]


def set_session_cookies(
    response: Response, issued: IssuedToken, *, settings: Settings, now: dt.datetime
) -> None:
    """The session and CSRF cookies of a fresh log-in (as the API's cookie log-in sets them)."""
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
    response.delete_cookie(FORM_COOKIE, path="/")


def clear_session_cookies(response: Response) -> None:
    """Forget the session in this browser."""
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


def remember_form_token(response: Response, visitor: Visitor, *, settings: Settings) -> None:
    """Set the anonymous form cookie when this page handed out a new token."""
    if visitor.principal is None and visitor.new_form_token:
        response.set_cookie(
            FORM_COOKIE,
            visitor.csrf_token,
            max_age=int(FORM_TOKEN_TTL.total_seconds()),
            httponly=True,
            secure=settings.cookie_secure,
            samesite="strict",
            path="/",
        )


def theme_of(request: Request) -> str:
    """The visitor's colour theme: ``system`` (follow the device), ``light`` or ``dark``."""
    value = request.cookies.get(THEME_COOKIE, "system")
    return value if value in THEMES else "system"


__all__ = [
    "CSRF_FIELD",
    "ENROLMENT_PAGE",
    "THEMES",
    "THEME_COOKIE",
    "EnrolmentRequired",
    "LoginRequired",
    "PostedForm",
    "RunnerDep",
    "SignedInDep",
    "Visitor",
    "VisitorDep",
    "check_form",
    "clear_session_cookies",
    "new_form_token",
    "posted_form",
    "read_visitor",
    "remember_form_token",
    "require_runner",
    "require_signed_in",
    "set_session_cookies",
    "theme_of",
]
