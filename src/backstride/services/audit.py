"""The audit log: who read or changed whose data, what and when; runners can list it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.services.policy import Principal, own_runner_id
from backstride.store.models import Account, AuditEvent


@dataclass(frozen=True, slots=True)
class AuditView:
    """One audit event as the runner sees it."""

    at: dt.datetime
    actor_account_id: str | None
    actor_name: str | None
    actor_role: str
    action: str
    resource: str
    detail: dict[str, Any]


def record(
    session: Session,
    *,
    principal: Principal,
    runner_id: str | None,
    action: str,
    resource: str,
    now: dt.datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add an audit event to the session (committed with the use case that caused it)."""
    session.add(
        AuditEvent(
            at=now,
            actor_account_id=principal.account_id,
            actor_role=principal.role,
            runner_id=runner_id,
            action=action,
            resource=resource,
            detail=detail or {},
        )
    )


def list_my_audit(session: Session, *, principal: Principal, limit: int = 200) -> list[AuditView]:
    """Who saw or changed my data, newest first ("who saw my data")."""
    runner_id = own_runner_id(principal)
    rows = session.execute(
        select(AuditEvent, Account.display_name)
        .outerjoin(Account, Account.id == AuditEvent.actor_account_id)
        .where(AuditEvent.runner_id == runner_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ).all()
    return [
        AuditView(
            at=ev.at,
            actor_account_id=ev.actor_account_id,
            actor_name=name,
            actor_role=ev.actor_role,
            action=ev.action,
            resource=ev.resource,
            detail=dict(ev.detail or {}),
        )
        for ev, name in rows
    ]


__all__ = ["AuditView", "list_my_audit", "record"]
