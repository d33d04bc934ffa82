"""Who may do what in booking: the runner for themselves, the clinic's staff for consenting
runners, admins for the set-up; ``None`` is the trusted local operator (the CLI)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.errors import Forbidden, NotFound
from backstride.services.policy import Principal, clinician_clinic_ids
from backstride.store.models import AuditEvent, Clinic, Consent

Actor = Principal | None
"""A signed-in principal, or ``None`` for the CLI (front desk at the clinic's machine)."""


def clinic_row(session: Session, clinic_id: str) -> Clinic:
    """A clinic by id or slug, or ``clinic.not_found``."""
    clinic = session.get(Clinic, clinic_id)
    if clinic is None:
        clinic = session.scalar(select(Clinic).where(Clinic.slug == clinic_id))
    if clinic is None:
        raise NotFound("no such clinic", code="clinic.not_found")
    return clinic


def is_staff(session: Session, actor: Actor, clinic_id: str) -> bool:
    """The CLI, or a clinician of this clinic."""
    if actor is None:
        return True
    return actor.role == "clinician" and clinic_id in clinician_clinic_ids(
        session, account_id=actor.account_id
    )


def require_setup(session: Session, actor: Actor, clinic_id: str) -> None:
    """Admins, the clinic's clinicians and the CLI manage types, rooms, hours, time off."""
    if actor is None or actor.role == "admin" or is_staff(session, actor, clinic_id):
        return
    raise Forbidden("only the clinic's staff or an admin can change this", code="auth.forbidden")


def require_staff(session: Session, actor: Actor, clinic_id: str) -> None:
    """The clinic's clinicians (front desk) and the CLI; never a runner or an admin."""
    if not is_staff(session, actor, clinic_id):
        raise Forbidden("only the clinic's staff can do this", code="auth.forbidden")


def has_consent(session: Session, *, runner_id: str, clinic_id: str) -> bool:
    """Whether the runner's consent to the clinic is active."""
    return (
        session.scalar(
            select(Consent.id)
            .where(
                Consent.runner_id == runner_id,
                Consent.clinic_id == clinic_id,
                Consent.revoked_at.is_(None),
            )
            .limit(1)
        )
        is not None
    )


def audit_values(
    *,
    actor: Actor,
    runner_id: str | None,
    action: str,
    resource: str,
    now: dt.datetime,
    detail: dict[str, Any],
) -> dict[str, Any]:
    """One audit event's columns (the CLI is recorded as role ``front_desk_cli``), for a
    write that inserts its rows in one statement."""
    return {
        "at": now,
        "actor_account_id": None if actor is None else actor.account_id,
        "actor_role": "front_desk_cli" if actor is None else actor.role,
        "runner_id": runner_id,
        "action": action,
        "resource": resource,
        "detail": detail,
    }


def audit(
    session: Session,
    *,
    actor: Actor,
    runner_id: str | None,
    action: str,
    resource: str,
    now: dt.datetime,
    detail: dict[str, Any],
) -> None:
    """One audit event (the CLI is recorded as role ``front_desk_cli``)."""
    session.add(
        AuditEvent(
            **audit_values(
                actor=actor,
                runner_id=runner_id,
                action=action,
                resource=resource,
                now=now,
                detail=detail,
            )
        )
    )


__all__ = [
    "Actor",
    "audit",
    "audit_values",
    "clinic_row",
    "has_consent",
    "is_staff",
    "require_setup",
    "require_staff",
]
