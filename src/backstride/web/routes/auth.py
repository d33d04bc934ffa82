"""Log in, sign up and log out with the cookie session of ``services.auth``.

Thin on purpose: the accounts rework (no e-mail enumeration, throttling, password reset,
TOTP) changes the services; these pages only map form fields to them and errors back.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from backstride.api.deps import DbSession, Now
from backstride.api.schemas import LoginIn, RegisterIn
from backstride.errors import BackstrideError, Conflict, InvalidInput, Unauthenticated
from backstride.services import accounts, auth
from backstride.web.forms import FormState, add_error, raw_values, validate
from backstride.web.session import (
    PostedForm,
    VisitorDep,
    clear_session_cookies,
    set_session_cookies,
)
from backstride.web.templating import redirect, render, safe_next

router = APIRouter()

LOGIN_LABELS = {"email": "E-mail address", "password": "Password"}
SIGNUP_LABELS = {"display_name": "Your name", "email": "E-mail address", "password": "Password"}


def _client(request: Request) -> str | None:
    return request.client.host[:64] if request.client else None


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
            issued = auth.log_in(
                session,
                email=body.email,
                password=body.password,
                kind="session",
                client=_client(request),
                now=now,
            )
        except Unauthenticated:
            state.general.append("The e-mail address or the password is not right.")
            status = 401
        except BackstrideError as exc:  # rate limited: say so, in plain words
            state.general.append(exc.detail[:1].upper() + exc.detail[1:] + ".")
            status = exc.status
        else:
            response = redirect(safe_next(values.get("next")))
            set_session_cookies(response, issued, settings=request.app.state.settings, now=now)
            return response
    return render(
        request,
        "login.html",
        {"state": state, "labels": LOGIN_LABELS},
        visitor=visitor,
        status=status,
        title="Log in",
    )


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
    """Create a runner account, sign in and go home."""
    values = raw_values(form, ("display_name", "email", "password"))
    body, state = validate(RegisterIn, values, labels=SIGNUP_LABELS)
    if body is not None:  # every problem at once: the address and the password rules
        try:
            auth.normalise_email(body.email)
        except InvalidInput as exc:
            add_error(state, exc, fields=SIGNUP_LABELS)
        for problem in auth.password_problems(body.password, email=body.email):
            state.add("password", problem["msg"][:1].upper() + problem["msg"][1:])
    if body is not None and not state.invalid:
        try:
            accounts.register_runner(
                session,
                email=body.email,
                password=body.password,
                display_name=body.display_name,
                now=now,
            )
            issued = auth.log_in(
                session,
                email=body.email,
                password=body.password,
                kind="session",
                client=_client(request),
                now=now,
            )
        except Conflict as exc:
            state.add("email", exc.detail[:1].upper() + exc.detail[1:])
        except InvalidInput as exc:
            add_error(state, exc, fields=SIGNUP_LABELS)
        else:
            response = redirect("/?welcome=1")
            set_session_cookies(response, issued, settings=request.app.state.settings, now=now)
            return response
    return render(
        request,
        "signup.html",
        {"state": state, "labels": SIGNUP_LABELS},
        visitor=visitor,
        status=422,
        title="Sign up",
    )


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
