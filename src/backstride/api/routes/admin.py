"""Admin: clinics, clinicians and the audit log (compliance view)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from backstride.api.account_schemas import ClinicDeletionOut
from backstride.api.deps import Caller, DbSession, Now
from backstride.api.schemas import (
    AuditPageOut,
    ClinicianIn,
    ClinicianOut,
    ClinicIn,
    ClinicOut,
    ClinicPatch,
    ErrorOut,
    IsoDateTime,
)
from backstride.services import audit, clinics, totp
from backstride.services.policy import require_role

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/clinics", response_model=list[ClinicOut])
def list_clinics(principal: Caller, session: DbSession) -> list[clinics.ClinicView]:
    """Every clinic, archived ones included."""
    require_role(principal, "admin")
    return clinics.list_clinics(session, include_archived=True)


@router.post("/clinics", status_code=201, response_model=ClinicOut)
def create_clinic(
    body: ClinicIn, principal: Caller, session: DbSession, now: Now
) -> clinics.ClinicView:
    """Add a clinic."""
    return clinics.create_clinic(
        session, principal=principal, slug=body.slug, name=body.name, now=now
    )


@router.get("/clinics/{clinic_id}", response_model=ClinicOut)
def get_clinic(clinic_id: str, principal: Caller, session: DbSession) -> clinics.ClinicView:
    """One clinic."""
    require_role(principal, "admin")
    return clinics.get_clinic(session, clinic_id=clinic_id)


@router.patch("/clinics/{clinic_id}", response_model=ClinicOut)
def rename_clinic(
    clinic_id: str, body: ClinicPatch, principal: Caller, session: DbSession
) -> clinics.ClinicView:
    """Rename a clinic."""
    return clinics.rename_clinic(session, principal=principal, clinic_id=clinic_id, name=body.name)


@router.delete(
    "/clinics/{clinic_id}",
    response_model=ClinicDeletionOut,
    responses={
        409: {
            "model": ErrorOut,
            "description": "`clinic.has_active_consents`: runners still consent to it",
        }
    },
)
def delete_clinic(
    clinic_id: str, principal: Caller, session: DbSession, now: Now
) -> clinics.ClinicDeletion:
    """Remove a clinic; archived instead when runners' consent history names it; refused
    (409) while any runner's consent to it is active."""
    return clinics.delete_clinic(session, principal=principal, clinic_id=clinic_id, now=now)


@router.get("/clinicians", response_model=list[ClinicianOut])
def list_clinicians(principal: Caller, session: DbSession) -> list[clinics.ClinicianView]:
    """Every clinician and their clinics."""
    return clinics.list_clinicians(session, principal=principal)


@router.post("/clinicians", status_code=201, response_model=ClinicianOut)
def create_clinician(
    body: ClinicianIn, principal: Caller, session: DbSession, now: Now
) -> clinics.ClinicianView:
    """Add a clinician account to a clinic."""
    return clinics.create_clinician(
        session,
        principal=principal,
        email=body.email,
        password=body.password,
        display_name=body.display_name,
        clinic_id=body.clinic_id,
        now=now,
    )


@router.delete("/clinicians/{account_id}", status_code=204)
def delete_clinician(account_id: str, principal: Caller, session: DbSession) -> Response:
    """Remove a clinician account."""
    clinics.delete_clinician(session, principal=principal, account_id=account_id)
    return Response(status_code=204)


@router.delete("/accounts/{account}/totp", status_code=204)
def reset_totp(account: str, principal: Caller, session: DbSession, now: Now) -> Response:
    """Remove an account's second factor (lost phone) and end its sessions; by id or e-mail.
    A clinician or admin enrols again at the next log-in."""
    totp.admin_reset(session, principal=principal, account_ref=account, now=now)
    return Response(status_code=204)


Action = Literal["read", "create", "update", "delete", "export", "refused"]


@router.get("/audit", response_model=AuditPageOut)
def search_audit(
    principal: Caller,
    session: DbSession,
    now: Now,
    actor: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    runner: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    action: Annotated[Action | None, Query()] = None,
    from_at: Annotated[IsoDateTime | None, Query(alias="from")] = None,
    to_at: Annotated[IsoDateTime | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> audit.AuditPage:
    """The audit log for compliance: filter by actor account, runner, action and time
    (``from`` inclusive, ``to`` exclusive), oldest first, paged. The search itself is audited."""
    return audit.search_audit(
        session,
        principal=principal,
        now=now,
        actor=actor,
        runner=runner,
        action=action,
        from_at=from_at,
        to_at=to_at,
        limit=limit,
        offset=offset,
    )
