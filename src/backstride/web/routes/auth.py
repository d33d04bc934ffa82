"""Log in, sign up and log out with the cookie session of ``services.auth``.

Thin on purpose: the accounts rework (no e-mail enumeration, throttling, password reset,
TOTP) changes the services; these pages only map form fields to them and errors back.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from backstride.api.client import client_address
from backstride.api.deps import SESSION_COOKIE, DbSession, Now
from backstride.api.schemas import LoginIn, RegisterIn
from backstride.errors import BackstrideError, InvalidInput, Unauthenticated
from backstride.services import auth, passwords, registration
from backstride.web.forms import FormState, add_error, plain_error, raw_values, sentence, validate
from backstride.web.session import (
    ENROLMENT_PAGE,
    PostedForm,
    Visitor,
    VisitorDep,
    clear_session_cookies,
    set_session_cookies,
)
from backstride.web.templating import redirect, render, safe_next

router = APIRouter()

LOGIN_LABELS = {"email": "E-mail address", "password": "Password"}
CODE_LABELS = {"code": "Code from your authenticator app"}
SIGNUP_LABELS = {"display_name": "Your name", "email": "E-mail address", "password": "Password"}


def _agent(request: Request) -> str | None:
    return (request.headers.get("user-agent") or "")[:200] or None


def _after_login(issued: auth.IssuedToken, next_url: str | None) -> str:
    """Where a fresh session goes: staff without a second factor set it up first."""
    if issued.principal.scope == "totp_enrolment":
        return ENROLMENT_PAGE
    return safe_next(next_url)


def _code_page(
    request: Request,
    visitor: Visitor,
    challenge: str,
    next_url: str | None,
    state: FormState | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "login_code.html",
        {
            "state": state or FormState(),
            "challenge": challenge,
            "next": safe_next(next_url),
            "labels": CODE_LABELS,
        },
        visitor=visitor,
        status=status,
        title="Enter your code",
    )


@router.get("/login")
def login_page(request: Request, visitor: VisitorDep) -> Response:
    """The log-in form (already signed in: straight home)."""
    if visitor.principal is not None:
        return redirect(safe_next(request.query_params.get("next")))
    state = FormState(values={"next": safe_next(request.query_params.get("next"))})
    return render(
        request,
        "login.html",
        {"state": state, "labels": LOGIN_LABELS},
        visitor=visitor,
        title="Log in",
    )


@router.post("/login")
def login(
    request: Request, visitor: VisitorDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """Check the password and start a browser session; back to where the visitor was going."""
    values = raw_values(form, ("email", "password", "next"))
    body, state = validate(LoginIn, values, labels=LOGIN_LABELS)
    status = 422
    if body is not None:
        if not body.email:
            state.add("email", "Enter your e-mail address")
        if not body.password:
            state.add("password", "Enter your password")
    if body is not None and not state.invalid:
        try:
            result = auth.log_in(
                session,
                email=body.email,
                password=body.password,
                kind="session",
                client=client_address(request),
                now=now,
                settings=request.app.state.settings,
                user_agent=_agent(request),
                replaces_token=request.cookies.get(SESSION_COOKIE),
            )
        except Unauthenticated:
            state.general.append("The e-mail address or the password is not right.")
            status = 401
        except BackstrideError as exc:  # rate limited: say so, in plain words
            state.general.append(plain_error(exc))
            status = exc.status
        else:
            if isinstance(result, auth.TotpChallenge):
                return _code_page(request, visitor, result.challenge, values.get("next"))
            response = redirect(_after_login(result, values.get("next")))
            set_session_cookies(response, result, settings=request.app.state.settings, now=now)
            return response
    return render(
        request,
        "login.html",
        {"state": state, "labels": LOGIN_LABELS},
        visitor=visitor,
        status=status,
        title="Log in",
    )


@router.post("/login/code")
def login_code(
    request: Request, visitor: VisitorDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """Second step of a log-in with TOTP on: the app's 6 digits or a recovery code."""
    values = raw_values(form, ("challenge", "code", "next"))
    challenge = (values.get("challenge") or "")[:200]
    code = (values.get("code") or "").strip()[:32]
    state = FormState()
    if not code:
        state.add("code", "Enter the 6 digits your authenticator app shows")
        return _code_page(request, visitor, challenge, values.get("next"), state, 422)
    try:
        issued = auth.complete_login(
            session,
            challenge=challenge,
            code=code,
            client=client_address(request),
            now=now,
            settings=request.app.state.settings,
            user_agent=_agent(request),
            replaces_token=request.cookies.get(SESSION_COOKIE),
        )
    except BackstrideError as exc:
        if exc.code == "auth.challenge_invalid":
            login_state = FormState(values={"next": safe_next(values.get("next"))})
            login_state.general.append(sentence(exc.detail))
            return render(
                request,
                "login.html",
                {"state": login_state, "labels": LOGIN_LABELS},
                visitor=visitor,
                status=exc.status,
                title="Log in",
            )
        state.add("code", sentence(exc.detail))
        return _code_page(request, visitor, challenge, values.get("next"), state, exc.status)
    response = redirect(_after_login(issued, values.get("next")))
    set_session_cookies(response, issued, settings=request.app.state.settings, now=now)
    return response


@router.get("/signup")
def signup_page(request: Request, visitor: VisitorDep) -> Response:
    """The sign-up form."""
    if visitor.principal is not None:
        return redirect("/")
    return render(
        request,
        "signup.html",
        {"state": FormState(), "labels": SIGNUP_LABELS},
        visitor=visitor,
        title="Sign up",
    )


@router.post("/signup")
def signup(
    request: Request, visitor: VisitorDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """Start a sign-up: the same "check your e-mail" answer for a new and a taken address.

    The account exists once the e-mailed link is followed (``services.registration``), so the
    page never tells anyone whether an address already has an account.
    """
    values = raw_values(form, ("display_name", "email", "password"))
    body, state = validate(RegisterIn, values, labels=SIGNUP_LABELS)
    status = 422
    if body is None:  # every problem at once: the address's and the password's rules too
        if "email" in state.errors and (values.get("email") or "").strip():
            state.errors["email"] = "Not an e-mail address"
        if "password" not in state.errors:
            for problem in passwords.password_problems(
                values.get("password") or "", email=(values.get("email") or "").strip().lower()
            ):
                state.add("password", sentence(problem["msg"]))
    if body is not None and not state.invalid:
        try:
            requested = registration.register(
                session,
                email=body.email,
                password=body.password,
                display_name=body.display_name,
                client=client_address(request),
                now=now,
                settings=request.app.state.settings,
            )
        except InvalidInput as exc:
            for item in exc.problems:
                name = str(item.get("path", ""))
                msg = sentence(str(item.get("msg", "")))
                if name in SIGNUP_LABELS and name not in state.errors:
                    state.add(name, msg)
                elif name in SIGNUP_LABELS:
                    state.errors[name] += " " + msg
                else:
                    state.general.append(msg)
            if not exc.problems:
                add_error(state, exc, fields=SIGNUP_LABELS)
        except BackstrideError as exc:  # rate limited
            state.general.append(plain_error(exc))
            status = exc.status
        else:
            return render(
                request,
                "signup_sent.html",
                {"email": requested.email, "valid_until": requested.link_valid_until},
                visitor=visitor,
                title="Check your e-mail",
            )
    return render(
        request,
        "signup.html",
        {"state": state, "labels": SIGNUP_LABELS},
        visitor=visitor,
        status=status,
        title="Sign up",
    )


@router.get("/confirm-registration")
def confirm_registration_page(request: Request, visitor: VisitorDep) -> Response:
    """The e-mailed sign-up link lands here: one button confirms (a GET never changes data,
    so a mail scanner that opens the link does not use it up)."""
    token = (request.query_params.get("token") or "")[:200]
    return render(
        request,
        "confirm_registration.html",
        {"token": token, "state": FormState()},
        visitor=visitor,
        title="Confirm your sign-up",
    )


@router.post("/confirm-registration")
def confirm_registration(
    request: Request, visitor: VisitorDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """Make the account from the link's token, then ask the runner to log in."""
    token = (raw_values(form, ("token",)).get("token") or "")[:200]
    state = FormState()
    try:
        registration.confirm_registration(session, token=token, now=now)
    except InvalidInput as exc:
        state.general.append(sentence(exc.detail))
        return render(
            request,
            "confirm_registration.html",
            {"token": token, "state": state},
            visitor=visitor,
            status=422,
            title="Confirm your sign-up",
        )
    return redirect("/login?confirmed=1&next=/%3Fwelcome%3D1")


@router.post("/logout")
def logout(
    request: Request, visitor: VisitorDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """End this browser's session (the token is revoked on the server too)."""
    del form
    token = getattr(request.state, "token", None)
    if visitor.principal is not None and token:
        auth.log_out(session, token=token, now=now)
    response = redirect("/login?logged_out=1")
    clear_session_cookies(response)
    return response
