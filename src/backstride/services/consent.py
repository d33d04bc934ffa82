"""Consent of a runner to a clinic: grant, revoke (ends clinician access at once), list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.errors import Conflict, NotFound
from backstride.services import audit
from backstride.services.policy import Principal, own_runner_id
from backstride.store.models import Clinic, Consent
from backstride.units import new_id


@dataclass(frozen=True, slots=True)
class ConsentView:
    """One consent, active while ``revoked_at`` is None."""

    id: str
    clinic_id: str
    clinic_name: str
    granted_at: dt.datetime
    revoked_at: dt.datetime | None


def _clinic(session: Session, clinic_id: str) -> Clinic:
    clinic = session.get(Clinic, clinic_id)
    if clinic is None:
        clinic = session.scalar(select(Clinic).where(Clinic.slug == clinic_id))
    if clinic is None:
        raise NotFound("no such clinic", code="clinic.not_found")
    return clinic


def list_consents(session: Session, *, principal: Principal) -> list[ConsentView]:
    """All of my consents, newest first (revoked ones included, for the record)."""
    runner_id = own_runner_id(principal)
    rows = session.execute(
        select(Consent, Clinic.name)
        .join(Clinic, Clinic.id == Consent.clinic_id)
        .where(Consent.runner_id == runner_id)
        .order_by(Consent.granted_at.desc())
    ).all()
    return [ConsentView(c.id, c.clinic_id, name, c.granted_at, c.revoked_at) for c, name in rows]


def grant_consent(
    session: Session, *, principal: Principal, clinic_id: str, now: dt.datetime
) -> ConsentView:
    """Let the clinic (id or slug) see my record; idempotent while a consent is active."""
    runner_id = own_runner_id(principal)
    clinic = _clinic(session, clinic_id)
    if clinic.archived_at is not None:
        raise Conflict("this clinic is closed", code="clinic.archived")
    active = session.scalar(
        select(Consent).where(
            Consent.runner_id == runner_id,
            Consent.clinic_id == clinic.id,
            Consent.revoked_at.is_(None),
        )
    )
    if active is None:
        active = Consent(id=new_id(), runner_id=runner_id, clinic_id=clinic.id, granted_at=now)
        session.add(active)
        audit.record(
            session,
            principal=principal,
            runner_id=runner_id,
            action="create",
            resource="consent",
            now=now,
            detail={"clinic_id": clinic.id},
        )
        session.commit()
    return ConsentView(active.id, clinic.id, clinic.name, active.granted_at, active.revoked_at)


def revoke_consent(
    session: Session, *, principal: Principal, clinic_id: str, now: dt.datetime
) -> int:
    """Withdraw every active consent to the clinic; the number revoked."""
    runner_id = own_runner_id(principal)
    clinic = _clinic(session, clinic_id)
    rows = session.scalars(
        select(Consent).where(
            Consent.runner_id == runner_id,
            Consent.clinic_id == clinic.id,
            Consent.revoked_at.is_(None),
        )
    ).all()
    if not rows:
        raise NotFound("no active consent to this clinic", code="consent.not_found")
    for row in rows:
        row.revoked_at = now
    audit.record(
        session,
        principal=principal,
        runner_id=runner_id,
        action="delete",
        resource="consent",
        now=now,
        detail={"clinic_id": clinic.id},
    )
    session.commit()
    return len(rows)


__all__ = ["ConsentView", "grant_consent", "list_consents", "revoke_consent"]
