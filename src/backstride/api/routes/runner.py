"""The runner's own record: profile, consents, audit, dashboard, timeline, diary, export, delete."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import TypeAdapter

from backstride.api.deps import AppSettings, Caller, DbSession, Now
from backstride.api.jsonable import json_response
from backstride.api.schemas import (
    AuditOut,
    ClinicOut,
    ConsentIn,
    ConsentOut,
    DashboardOut,
    ErrorOut,
    PainEntryIn,
    PainEntryOut,
    ProfileIn,
    ProfileOut,
    TimelineOut,
)
from backstride.services import accounts, audit, clinics, consent, export, profile, timeline

router = APIRouter(prefix="/me", tags=["runner"])
clinics_router = APIRouter(prefix="/clinics", tags=["runner"])


@clinics_router.get("", response_model=list[ClinicOut])
def list_clinics(principal: Caller, session: DbSession) -> list[clinics.ClinicView]:
    """Clinics a runner can consent to."""
    del principal
    return clinics.list_clinics(session)


@router.get("/profile", response_model=ProfileOut)
def get_profile(principal: Caller, session: DbSession) -> profile.ProfileView:
    """My profile."""
    return profile.get_profile(session, principal=principal)


@router.patch("/profile", response_model=ProfileOut)
def update_profile(body: ProfileIn, principal: Caller, session: DbSession) -> profile.ProfileView:
    """Change some of my profile fields."""
    changes = body.model_dump(exclude_unset=True)
    return profile.update_profile(session, principal=principal, changes=changes)


_DASHBOARD = TypeAdapter(DashboardOut)


@router.get("/dashboard", response_model=DashboardOut)
def dashboard(principal: Caller, session: DbSession, now: Now) -> Response:
    """My landing view: profile, latest assessment, 12 weeks of distance, latest activities."""
    return json_response(_DASHBOARD, timeline.my_dashboard(session, principal=principal, now=now))


@router.get("/timeline", response_model=TimelineOut)
def my_timeline(principal: Caller, session: DbSession, now: Now) -> timeline.Timeline:
    """My whole record over time."""
    return timeline.my_timeline(session, principal=principal, now=now)


@router.get("/consents", response_model=list[ConsentOut])
def list_consents(principal: Caller, session: DbSession) -> list[consent.ConsentView]:
    """My consents (active and revoked)."""
    return consent.list_consents(session, principal=principal)


@router.post("/consents", status_code=201, response_model=ConsentOut)
def grant_consent(
    body: ConsentIn, principal: Caller, session: DbSession, now: Now
) -> consent.ConsentView:
    """Let a clinic's clinicians see my record."""
    return consent.grant_consent(session, principal=principal, clinic_id=body.clinic_id, now=now)


@router.delete("/consents/{clinic_id}", status_code=204)
def revoke_consent(clinic_id: str, principal: Caller, session: DbSession, now: Now) -> Response:
    """Withdraw my consent: the clinic's access ends at once."""
    consent.revoke_consent(session, principal=principal, clinic_id=clinic_id, now=now)
    return Response(status_code=204)


@router.get("/audit", response_model=list[AuditOut])
def my_audit(principal: Caller, session: DbSession) -> list[audit.AuditView]:
    """Who saw or changed my data."""
    return audit.list_my_audit(session, principal=principal)


@router.post("/pain-entries", status_code=201, response_model=PainEntryOut)
def add_pain_entry(
    body: PainEntryIn, principal: Caller, session: DbSession, now: Now
) -> profile.PainEntryView:
    """Add a pain-diary entry."""
    return profile.add_pain_entry(session, principal=principal, now=now, **body.model_dump())


@router.get(
    "/export",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "All my data"}},
)
def export_my_data(
    principal: Caller, session: DbSession, settings: AppSettings, now: Now
) -> Response:
    """All of my data as a zip (JSON per table plus my original files); the export is audited."""
    data = export.export_my_data(session, principal=principal, settings=settings, now=now)
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="backstride-export.zip"'},
    )


@router.delete(
    "",
    status_code=204,
    responses={
        403: {
            "model": ErrorOut,
            "description": "`auth.reauth_required`: confirm the password first "
            "(POST /auth/reauthenticate)",
        }
    },
)
def delete_me(principal: Caller, session: DbSession, now: Now, settings: AppSettings) -> Response:
    """Delete my account and all of my data (original files included), now and for good.

    My consent history and the audit of who saw my record stay, no longer naming me. Needs a
    password check in the last few minutes (POST /auth/reauthenticate)."""
    accounts.delete_my_account(session, principal=principal, now=now, settings=settings)
    return Response(status_code=204)
