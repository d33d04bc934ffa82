"""My clinic and my data: share with a clinic or stop, who saw my data, export, delete."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from backstride.api.client import client_address
from backstride.api.deps import AppSettings, DbSession, Now
from backstride.api.schemas import ConsentIn
from backstride.errors import BackstrideError
from backstride.services import accounts, audit, auth, clinics, consent, export
from backstride.services.audit import AuditView
from backstride.web.forms import FormState, add_error, plain_error, raw_values, validate
from backstride.web.session import PostedForm, RunnerDep, clear_session_cookies
from backstride.web.templating import is_htmx, redirect, render

router = APIRouter()

ACTIONS = {"read": "looked at", "create": "added", "update": "changed", "delete": "removed"}
RESOURCES = {
    "timeline": "your record (assessments, scores, training, plan and diary)",
    "plan": "your plan",
    "assessment": "your assessment",
    "consent": "a consent",
}


def audit_line(event: AuditView, clinic_names: dict[str, str]) -> str:
    """``Dr North (clinician) looked at your record`` in plain words."""
    who = event.actor_name or "Someone"
    if event.actor_role == "runner":
        who = "You"
    role = "" if event.actor_role == "runner" else f" ({event.actor_role})"
    if event.resource == "consent":
        clinic = clinic_names.get(str(event.detail.get("clinic_id")), "a clinic")
        verb = "started" if event.action == "create" else "stopped"
        return f"{who}{role} {verb} sharing your record with {clinic}"
    what = RESOURCES.get(event.resource, event.resource)
    return f"{who}{role} {ACTIONS.get(event.action, event.action)} {what}"


def _context(session: Any, visitor: Any) -> dict[str, Any]:
    mine = consent.list_consents(session, principal=visitor.principal)
    active = {c.clinic_id for c in mine if c.revoked_at is None}
    events = audit.list_my_audit(session, principal=visitor.principal, limit=100)
    every = clinics.list_clinics(session)
    names = {c.id: c.name for c in every}
    return {
        "consents": mine,
        "active": [c for c in mine if c.revoked_at is None],
        "past": [c for c in mine if c.revoked_at is not None],
        "clinics": [c for c in every if c.id not in active],
        "events": [(e, audit_line(e, names)) for e in events],
    }


@router.get("/account")
def account_page(request: Request, visitor: RunnerDep, session: DbSession) -> Response:
    """Sharing with clinics, the audit of who saw my data, export and delete."""
    context = _context(session, visitor)
    session.rollback()
    context["state"] = FormState()
    context["done"] = request.query_params.get("done", "")
    return render(
        request,
        "account.html",
        context,
        visitor=visitor,
        title="My clinic & data",
        current="account",
    )


def _sharing(
    request: Request, visitor: Any, session: Any, state: FormState, status: int
) -> Response:
    context = _context(session, visitor)
    session.rollback()
    context.update(state=state, done="")
    template = "account_sharing.html" if is_htmx(request) else "account.html"
    return render(
        request,
        template,
        context,
        visitor=visitor,
        title="My clinic & data",
        current="account",
        status=status,
    )


@router.post("/account/consents")
def grant(
    request: Request, visitor: RunnerDep, form: PostedForm, session: DbSession, now: Now
) -> Response:
    """Let a clinic's clinicians see my record (every look is shown below)."""
    assert visitor.principal is not None
    values = raw_values(form, ("clinic_id",))
    body, state = validate(ConsentIn, values, labels={"clinic_id": "Clinic"})
    if body is not None:
        try:
            consent.grant_consent(
                session, principal=visitor.principal, clinic_id=body.clinic_id, now=now
            )
        except BackstrideError as exc:
            add_error(state, exc, fields=("clinic_id",))
        else:
            if is_htmx(request):
                return _sharing(request, visitor, session, FormState(), 200)
            return redirect("/account?done=shared#sharing")
    return _sharing(request, visitor, session, state, 422)


@router.post("/account/consents/{clinic_id}/revoke")
def revoke(
    clinic_id: str,
    request: Request,
    visitor: RunnerDep,
    form: PostedForm,
    session: DbSession,
    now: Now,
) -> Response:
    """Stop sharing with a clinic: its access ends at once."""
    assert visitor.principal is not None
    del form
    consent.revoke_consent(session, principal=visitor.principal, clinic_id=clinic_id, now=now)
    if is_htmx(request):
        return _sharing(request, visitor, session, FormState(), 200)
    return redirect("/account?done=stopped#sharing")


@router.get("/account/export.zip")
def export_zip(visitor: RunnerDep, session: DbSession, settings: AppSettings, now: Now) -> Response:
    """Everything stored about me, with my original files, as one zip (the export is audited)."""
    assert visitor.principal is not None
    data = export.export_my_data(session, principal=visitor.principal, settings=settings, now=now)
    return Response(
        data,
        media_type="application/zip",
        headers={
            "Content-Disposition": 'attachment; filename="backstride-export.zip"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/account/delete")
def delete_page(request: Request, visitor: RunnerDep) -> Response:
    """Ask for confirmation before deleting everything."""
    return render(
        request,
        "delete.html",
        {"state": FormState()},
        visitor=visitor,
        title="Delete my account",
        current="account",
    )


@router.post("/account/delete")
def delete(
    request: Request,
    visitor: RunnerDep,
    form: PostedForm,
    session: DbSession,
    settings: AppSettings,
    now: Now,
) -> Response:
    """Delete my account and all my data once I typed my e-mail address and my password (and
    my authenticator code when the second factor is on) to confirm."""
    assert visitor.principal is not None
    values = raw_values(form, ("confirm", "password", "totp_code"))
    typed = (values.get("confirm") or "").strip().lower()
    state = FormState(values={"confirm": typed})
    if typed != visitor.principal.email.lower():
        state.add("confirm", "Type your e-mail address exactly to confirm")
    if not values.get("password"):
        state.add("password", "Enter your password")
    if not state.invalid:
        try:
            at = auth.reauthenticate(
                session,
                principal=visitor.principal,
                password=values.get("password") or "",
                totp_code=(values.get("totp_code") or "").strip() or None,
                client=client_address(request),
                now=now,
            )
        except BackstrideError as exc:
            state.add("password", plain_error(exc))
        else:
            principal = dataclasses.replace(visitor.principal, reauth_at=at)
            accounts.delete_my_account(session, principal=principal, now=now, settings=settings)
            response = redirect("/?deleted=1")
            clear_session_cookies(response)
            return response
    return render(
        request,
        "delete.html",
        {"state": state},
        visitor=visitor,
        title="Delete my account",
        current="account",
        status=422,
    )
