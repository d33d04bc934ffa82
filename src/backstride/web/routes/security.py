"""Account security in the browser: forgotten password, reset link, password and e-mail
change, my sessions, and the authenticator-app second factor (TOTP).

Thin on purpose, like the other pages: every rule (re-authentication, one-time links, the
same answer for known and unknown addresses, throttles, session rotation, recovery codes)
lives in ``services.credentials``, ``services.auth``, ``services.sessions`` and
``services.totp``; these routes map form fields to them and their errors back beside the
fields. Passwords are never put back into a form. docs/decisions/0052-account-security-pages.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.responses import Response

from backstride.api.account_schemas import (
    EmailChangeIn,
    PasswordChangeIn,
    ResetConfirmIn,
    ResetRequestIn,
    TotpCodeIn,
)
from backstride.api.client import client_address
from backstride.api.deps import AppSettings, DbSession, Now
from backstride.config import Settings
from backstride.errors import BackstrideError, InvalidInput, TooManyRequests
from backstride.services import auth, credentials, passwords, sessions, totp
from backstride.services.policy import Principal
from backstride.web.forms import (
    FormState,
    add_error,
    plain_error,
    raw_values,
    sentence,
    validate,
)
from backstride.web.session import (
    ENROLMENT_PAGE,
    PostedForm,
    SignedInDep,
    Visitor,
    VisitorDep,
    clear_session_cookies,
    set_session_cookies,
)
from backstride.web.templating import redirect, render

router = APIRouter()

SECURITY_PAGE = "/account/security"
PASSWORD_RULES = (
    f"At least {passwords.MIN_PASSWORD_LENGTH} characters, not a common or breached password, "
    "and not your e-mail address or name. A few unrelated words are easy to remember."
)
FORGOT_LABELS = {"email": "E-mail address"}
RESET_LABELS = {"new_password": "New password"}
PASSWORD_LABELS = {
    "current_password": "Current password",
    "new_password": "New password",
    "totp_code": "Code from your authenticator app",
}
EMAIL_LABELS = {
    "new_email": "New e-mail address",
    "password": "Your password",
    "totp_code": "Code from your authenticator app",
}
REAUTH_LABELS = {"password": "Your password", "totp_code": "Code from your authenticator app"}
CODE_LABELS = {"code": "Code from your authenticator app"}


def _general(state: FormState, exc: BackstrideError) -> int:
    """A service error that belongs to no field, in plain words; its HTTP status."""
    state.general.append(plain_error(exc))
    return exc.status


def _password_problems(state: FormState, exc: InvalidInput, *, field: str) -> None:
    """The password rules a new password broke, beside its field."""
    for problem in exc.problems:
        state.add(field, sentence(str(problem.get("msg", exc.detail))))
    if not exc.problems:
        state.add(field, sentence(exc.detail))


def _reauth(
    request: Request,
    session: Session,
    visitor: Visitor,
    values: Mapping[str, str],
    state: FormState,
    now: dt.datetime,
) -> tuple[Principal | None, int]:
    """Check the password (and code) again (``auth.reauthenticate``): this session's principal
    with its fresh proof, or None with the problem in ``state`` and the status to answer."""
    assert visitor.principal is not None
    password = values.get("password") or ""
    if not password:
        state.add("password", "Enter your password")
        return None, 422
    try:
        at = auth.reauthenticate(
            session,
            principal=visitor.principal,
            password=password,
            totp_code=(values.get("totp_code") or "").strip() or None,
            client=client_address(request),
            now=now,
        )
    except TooManyRequests as exc:
        return None, _general(state, exc)
    except BackstrideError as exc:
        state.add("password", sentence(exc.detail))
        return None, exc.status
    return dataclasses.replace(visitor.principal, reauth_at=at), 200


def _recent(principal: Principal, now: dt.datetime, settings: Settings) -> bool:
    try:
        sessions.require_recent_auth(principal, now=now, settings=settings)
    except BackstrideError:
        return False
    return True


# -- forgotten password and the reset link ---------------------------------------------------


@router.get("/forgot-password")
def forgot_page(request: Request, visitor: VisitorDep) -> Response:
    """Ask for a reset link."""
    return render(
        request,
        "forgot_password.html",
        {"state": FormState(), "labels": FORGOT_LABELS},
        visitor=visitor,
        title="Forgot your password?",
    )


@router.post("/forgot-password")
def forgot(
    request: Request,
    visitor: VisitorDep,
    form: PostedForm,
    session: DbSession,
    settings: AppSettings,
    now: Now,
) -> Response:
    """The same answer whether or not the address has an account (``services.credentials``)."""
    values = raw_values(form, ("email",))
    body, state = validate(ResetRequestIn, values, labels=FORGOT_LABELS)
    status = 422
    if body is None and "email" in state.errors and (values.get("email") or "").strip():
        state.errors["email"] = "Not an e-mail address"
    if body is not None:
        try:
            credentials.request_password_reset(
                session,
                email=body.email,
                client=client_address(request),
                now=now,
                settings=settings,
            )
        except InvalidInput as exc:
            add_error(state, exc, fields=FORGOT_LABELS)
        except BackstrideError as exc:
            status = _general(state, exc)
        else:
            return render(
                request,
                "forgot_sent.html",
                {"email": body.email.strip().lower(), "ttl_min": settings.password_reset_ttl_min},
                visitor=visitor,
                title="Check your e-mail",
            )
    return render(
        request,
        "forgot_password.html",
        {"state": state, "labels": FORGOT_LABELS},
        visitor=visitor,
        status=status,
        title="Forgot your password?",
    )


def _reset_page(
    request: Request,
    visitor: Visitor,
    *,
    token: str,
    valid: bool,
    state: FormState,
    status: int = 200,
) -> Response:
    return render(
        request,
        "reset_password.html",
        {
            "token": token,
            "valid": valid,
            "state": state,
            "labels": RESET_LABELS,
            "rules": PASSWORD_RULES,
        },
        visitor=visitor,
        status=status,
        title="Choose a new password",
    )


@router.get("/reset-password")
def reset_page(request: Request, visitor: VisitorDep, session: DbSession, now: Now) -> Response:
    """The e-mailed link lands here: the form, or "ask for a new link". Opening the page never
    uses the link up (a mail scanner may open it first)."""
    token = (request.query_params.get("token") or "")[:200]
    valid = bool(token) and credentials.reset_token_valid(session, token=token, now=now)
    session.rollback()
    return _reset_page(
        request, visitor, token=token, valid=valid, state=FormState(), status=200 if valid else 422
    )


@router.post("/reset-password")
def reset(
    request: Request, visitor: VisitorDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """Set the new password; every session of the account ends; then log in."""
    values = raw_values(form, ("token", "new_password"))
    token = (values.get("token") or "")[:200]
    state = FormState()
    if not values.get("new_password"):
        state.add("new_password", "Enter a new password")
        return _reset_page(request, visitor, token=token, valid=True, state=state, status=422)
    body, state = validate(ResetConfirmIn, {**values, "token": token}, labels=RESET_LABELS)
    state.values = {}  # never put a password back
    if body is not None:
        try:
            credentials.confirm_password_reset(
                session, token=body.token, new_password=body.new_password, now=now
            )
        except InvalidInput as exc:
            if exc.code == "account.weak_password":
                _password_problems(state, exc, field="new_password")
                return _reset_page(
                    request, visitor, token=token, valid=True, state=state, status=422
                )
            state.general.append(sentence(exc.detail))
            return _reset_page(request, visitor, token=token, valid=False, state=state, status=422)
        response = redirect("/login?reset=1")
        clear_session_cookies(response)
        return response
    valid = "token" not in state.errors
    return _reset_page(request, visitor, token=token, valid=valid, state=state, status=422)


# -- the security page: password, e-mail, sessions, second factor ----------------------------


def _security_context(
    session: Session, visitor: Visitor, now: dt.datetime, **forms: FormState
) -> dict[str, Any]:
    principal = visitor.principal
    assert principal is not None
    mine = sorted(  # this browser first, then the most recently used
        sessions.list_sessions(session, principal=principal, now=now), key=lambda s: not s.current
    )
    enabled = totp.totp_enabled(session, principal=principal)
    left = totp.recovery_codes_left(session, principal=principal) if enabled else 0
    session.rollback()
    return {
        "sessions": mine,
        "others": [s for s in mine if not s.current],
        "totp_on": enabled,
        "codes_left": left,
        "password_form": forms.get("password_form") or FormState(),
        "email_form": forms.get("email_form") or FormState(),
        "password_labels": PASSWORD_LABELS,
        "email_labels": EMAIL_LABELS,
        "rules": PASSWORD_RULES,
    }


def _security(
    request: Request,
    session: Session,
    visitor: Visitor,
    now: dt.datetime,
    *,
    status: int = 200,
    done: str = "",
    **forms: FormState,
) -> Response:
    context = _security_context(session, visitor, now, **forms)
    context["done"] = done
    return render(
        request,
        "security.html",
        context,
        visitor=visitor,
        status=status,
        title="Password & security",
        current="account",
    )


@router.get(SECURITY_PAGE)
def security_page(request: Request, visitor: SignedInDep, session: DbSession, now: Now) -> Response:
    """Change password and e-mail, where I am signed in, and the second factor."""
    return _security(request, session, visitor, now, done=request.query_params.get("done", ""))


@router.post(SECURITY_PAGE + "/password")
def change_password(
    request: Request,
    visitor: SignedInDep,
    form: PostedForm,
    session: DbSession,
    settings: AppSettings,
    now: Now,
) -> Response:
    """A new password (the current one needed, and the code with TOTP on); this browser gets a
    new session and every other one ends (``credentials.change_password``)."""
    assert visitor.principal is not None
    values = raw_values(form, tuple(PASSWORD_LABELS))
    state = FormState(values={"totp_code": ""})
    for name in ("current_password", "new_password"):
        if not values.get(name):
            state.add(name, f"Enter your {PASSWORD_LABELS[name].lower()}")
    status = 422
    body = None
    if not state.invalid:
        body, checked = validate(PasswordChangeIn, values, labels=PASSWORD_LABELS)
        state.errors.update(checked.errors)
    if body is not None and not state.invalid:
        try:
            issued = credentials.change_password(
                session,
                principal=visitor.principal,
                current_password=body.current_password,
                new_password=body.new_password,
                totp_code=body.totp_code,
                client=client_address(request),
                now=now,
                settings=settings,
            )
        except InvalidInput as exc:
            _password_problems(state, exc, field="new_password")
        except TooManyRequests as exc:
            status = _general(state, exc)
        except BackstrideError as exc:
            state.add("current_password", sentence(exc.detail))
            status = exc.status
        else:
            response = redirect(SECURITY_PAGE + "?done=password")
            if issued is not None:
                set_session_cookies(response, issued, settings=settings, now=now)
            return response
    return _security(request, session, visitor, now, status=status, password_form=state)


@router.post(SECURITY_PAGE + "/email")
def change_email(
    request: Request,
    visitor: SignedInDep,
    form: PostedForm,
    session: DbSession,
    settings: AppSettings,
    now: Now,
) -> Response:
    """Send a confirmation link to the new address, after the password (and code) again."""
    values = raw_values(form, tuple(EMAIL_LABELS))
    body, state = validate(EmailChangeIn, values, labels=EMAIL_LABELS)
    state.values = {"new_email": values.get("new_email", "")}
    if body is None and "new_email" in state.errors and values.get("new_email", "").strip():
        state.errors["new_email"] = "Not an e-mail address"
    status = 422
    if body is None:
        if not values.get("password"):
            state.add("password", "Enter your password")
        return _security(request, session, visitor, now, status=status, email_form=state)
    principal, status = _reauth(request, session, visitor, values, state, now)
    if principal is not None:
        try:
            credentials.request_email_change(
                session, principal=principal, new_email=body.new_email, now=now, settings=settings
            )
        except InvalidInput as exc:
            add_error(state, exc, fields=EMAIL_LABELS)
            status = 422
        except BackstrideError as exc:
            status = _general(state, exc)
        else:
            return redirect(SECURITY_PAGE + "?done=email")
    return _security(request, session, visitor, now, status=status, email_form=state)


@router.post(SECURITY_PAGE + "/sessions/{session_id}/end")
def end_session(
    session_id: str,
    request: Request,
    visitor: SignedInDep,
    form: PostedForm,
    session: DbSession,
    now: Now,
) -> Response:
    """Log out one of my sessions (this one: back to the log-in page)."""
    assert visitor.principal is not None
    del form, request
    sessions.revoke_session(session, principal=visitor.principal, session_id=session_id, now=now)
    if session_id == visitor.principal.token_id:
        response = redirect("/login?logged_out=1")
        clear_session_cookies(response)
        return response
    return redirect(SECURITY_PAGE + "?done=ended#sessions")


@router.post(SECURITY_PAGE + "/sessions/end-others")
def end_other_sessions(
    visitor: SignedInDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """Log out everywhere else: every other session and API token of my account ends."""
    assert visitor.principal is not None
    del form
    sessions.log_out_everywhere(session, principal=visitor.principal, now=now, keep_current=True)
    return redirect(SECURITY_PAGE + "?done=others#sessions")


# -- the e-mail change link ------------------------------------------------------------------


@router.get("/confirm-email")
def confirm_email_page(request: Request, visitor: VisitorDep) -> Response:
    """The link sent to the new address lands here: one button confirms (a GET never changes
    anything, so a mail scanner that opens the link does not use it up)."""
    token = (request.query_params.get("token") or "")[:200]
    return render(
        request,
        "confirm_email.html",
        {"token": token, "state": FormState()},
        visitor=visitor,
        title="Confirm your new e-mail address",
    )


@router.post("/confirm-email")
def confirm_email(
    request: Request, visitor: VisitorDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """Move the account to the new address; every session ends; log in with it."""
    token = (raw_values(form, ("token",)).get("token") or "")[:200]
    state = FormState()
    try:
        credentials.confirm_email_change(session, token=token, now=now)
    except BackstrideError as exc:
        status = _general(state, exc)
        return render(
            request,
            "confirm_email.html",
            {"token": token, "state": state},
            visitor=visitor,
            status=status,
            title="Confirm your new e-mail address",
        )
    response = redirect("/login?email_changed=1")
    clear_session_cookies(response)
    return response


# -- the second factor -----------------------------------------------------------------------


def _two_factor(
    request: Request,
    session: Session,
    visitor: Visitor,
    now: dt.datetime,
    settings: Settings,
    *,
    state: FormState | None = None,
    code_state: FormState | None = None,
    off_state: FormState | None = None,
    status: int = 200,
    enrolment: totp.TotpEnrolment | None = None,
    done: str = "",
) -> Response:
    principal = visitor.principal
    assert principal is not None
    enabled = totp.totp_enabled(session, principal=principal)
    pending = enrolment or (
        None if enabled else totp.pending_enrolment(session, principal=principal)
    )
    left = totp.recovery_codes_left(session, principal=principal) if enabled else 0
    session.rollback()
    return render(
        request,
        "two_factor.html",
        {
            "totp_on": enabled,
            "pending": pending,
            "qr": Markup(pending.qr_svg) if pending else None,  # noqa: S704 - segno's own SVG
            "secret_groups": _groups(pending.secret) if pending else [],
            "codes_left": left,
            "required": totp.totp_required(principal.role, settings),
            "gate": principal.scope == "totp_enrolment",
            "recent": _recent(principal, now, settings),
            "state": state or FormState(),
            "code_state": code_state or FormState(),
            "off_state": off_state or FormState(),
            "labels": REAUTH_LABELS,
            "code_labels": CODE_LABELS,
            "done": done,
        },
        visitor=visitor,
        status=status,
        title="Two-step log-in",
        current="account",
    )


def _groups(secret: str) -> list[str]:
    """The secret in groups of four, as authenticator apps show it when typed by hand."""
    return [secret[i : i + 4] for i in range(0, len(secret), 4)]


@router.get(ENROLMENT_PAGE)
def two_factor_page(
    request: Request, visitor: SignedInDep, session: DbSession, settings: AppSettings, now: Now
) -> Response:
    """Whether the second factor is on; set it up, new recovery codes, or turn it off."""
    done = request.query_params.get("done", "")
    return _two_factor(request, session, visitor, now, settings, done=done)


@router.post(ENROLMENT_PAGE + "/start")
def start_two_factor(
    request: Request,
    visitor: SignedInDep,
    form: PostedForm,
    session: DbSession,
    settings: AppSettings,
    now: Now,
) -> Response:
    """A new secret and its QR code (the password again unless this session just proved it)."""
    assert visitor.principal is not None
    principal: Principal | None = visitor.principal
    state = FormState()
    status = 200
    if not _recent(visitor.principal, now, settings):
        principal, status = _reauth(
            request, session, visitor, raw_values(form, ("password",)), state, now
        )
    if principal is None:
        return _two_factor(request, session, visitor, now, settings, state=state, status=status)
    try:
        enrolment = totp.start_enrolment(session, principal=principal, now=now, settings=settings)
    except BackstrideError as exc:
        status = _general(state, exc)
        return _two_factor(request, session, visitor, now, settings, state=state, status=status)
    return _two_factor(request, session, visitor, now, settings, enrolment=enrolment)


@router.post(ENROLMENT_PAGE + "/confirm")
def confirm_two_factor(
    request: Request,
    visitor: SignedInDep,
    form: PostedForm,
    session: DbSession,
    settings: AppSettings,
    now: Now,
) -> Response:
    """Turn it on with a first code: the recovery codes are shown once, on this answer only;
    this browser gets a new full session and every other one ends."""
    assert visitor.principal is not None
    values = raw_values(form, ("code",))
    body, state = validate(TotpCodeIn, values, labels=CODE_LABELS)
    status = 422
    if body is None:
        state.errors["code"] = "Enter the 6 digits your authenticator app shows"
    else:
        try:
            enabled = totp.confirm_enrolment(
                session, principal=visitor.principal, code=body.code, now=now, settings=settings
            )
        except InvalidInput as exc:
            state.add("code", sentence(exc.detail))
        except BackstrideError as exc:
            status = _general(state, exc)
        else:
            return _codes_page(
                request, visitor, enabled.recovery_codes, enabled.issued, now, regenerated=False
            )
    state.values = {}
    return _two_factor(request, session, visitor, now, settings, code_state=state, status=status)


def _codes_page(
    request: Request,
    visitor: Visitor,
    codes: Iterable[str],
    issued: sessions.IssuedToken | None,
    now: dt.datetime,
    *,
    regenerated: bool,
) -> Response:
    settings: Settings = request.app.state.settings
    if issued is not None:  # the rotated session: this page already carries its form token
        visitor = Visitor(issued.principal, issued.csrf_token or "")
    response = render(
        request,
        "recovery_codes.html",
        {"codes": list(codes), "regenerated": regenerated},
        visitor=visitor,
        title="Your recovery codes",
        current="account",
    )
    if issued is not None:
        set_session_cookies(response, issued, settings=settings, now=now)
    return response


@router.post(ENROLMENT_PAGE + "/recovery-codes")
def new_recovery_codes(
    request: Request,
    visitor: SignedInDep,
    form: PostedForm,
    session: DbSession,
    settings: AppSettings,
    now: Now,
) -> Response:
    """Ten new recovery codes (the old ones stop working), after the password and a code."""
    values = raw_values(form, tuple(REAUTH_LABELS))
    state = FormState()
    principal, status = _reauth(request, session, visitor, values, state, now)
    if principal is not None:
        try:
            codes = totp.regenerate_recovery_codes(
                session, principal=principal, now=now, settings=settings
            )
        except BackstrideError as exc:
            status = _general(state, exc)
        else:
            return _codes_page(request, visitor, codes, None, now, regenerated=True)
    return _two_factor(request, session, visitor, now, settings, state=state, status=status)


@router.post(ENROLMENT_PAGE + "/disable")
def disable_two_factor(
    request: Request,
    visitor: SignedInDep,
    form: PostedForm,
    session: DbSession,
    settings: AppSettings,
    now: Now,
) -> Response:
    """Turn the second factor off (runners), after the password and a code."""
    values = raw_values(form, tuple(REAUTH_LABELS))
    state = FormState()
    principal, status = _reauth(request, session, visitor, values, state, now)
    if principal is not None:
        try:
            totp.disable(session, principal=principal, now=now, settings=settings)
        except BackstrideError as exc:
            status = _general(state, exc)
        else:
            return redirect(ENROLMENT_PAGE + "?done=off")
    return _two_factor(request, session, visitor, now, settings, off_state=state, status=status)
