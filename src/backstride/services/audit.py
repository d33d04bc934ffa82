"""The audit log: who read or changed whose data, what and when; runners list theirs, admins all.

Append-only: this module only inserts and reads (the database refuses UPDATE and DELETE of
``audit_events``: migration 0009). ``detail`` holds ids and codes, never names,
e-mails or free text, so the trail kept after a runner's deletion identifies no one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.errors import InvalidInput
from backstride.services.policy import Principal, own_runner_id, require_role
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


ACTIONS = ("read", "create", "update", "delete", "export", "refused")
"""Every ``action`` an audit event can have."""


def record_refused(
    session: Session,
    *,
    principal: Principal,
    runner_id: str | None,
    resource: str,
    now: dt.datetime,
    code: str,
) -> None:
    """Record and commit a refused attempt (the caller then raises its error)."""
    session.rollback()
    record(
        session,
        principal=principal,
        runner_id=runner_id[:32] if runner_id else None,
        action="refused",
        resource=resource,
        now=now,
        detail={"code": code},
    )
    session.commit()


@dataclass(frozen=True, slots=True)
class AdminAuditView:
    """One audit event as the compliance view shows it."""

    id: int
    at: dt.datetime
    actor_account_id: str | None
    actor_role: str
    runner_id: str | None
    action: str
    resource: str
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AuditPage:
    """A page of audit events (oldest first) and whether more follow."""

    events: list[AdminAuditView]
    limit: int
    offset: int
    has_more: bool


def search_audit(
    session: Session,
    *,
    principal: Principal | None,
    now: dt.datetime,
    actor: str | None = None,
    runner: str | None = None,
    action: str | None = None,
    from_at: dt.datetime | None = None,
    to_at: dt.datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> AuditPage:
    """The whole audit log for an admin (compliance), filtered and paged, oldest first.

    ``from_at`` is inclusive, ``to_at`` exclusive. The search itself is recorded (who looked at
    the audit log, with which filters). ``principal`` None: the command line (trusted).
    """
    if principal is not None:
        require_role(principal, "admin")
    if action is not None and action not in ACTIONS:
        raise InvalidInput(
            f"action must be one of {', '.join(ACTIONS)}",
            code="audit.invalid_action",
            problems=[{"path": "action", "msg": "unknown action"}],
        )
    if from_at is not None and to_at is not None and to_at < from_at:
        raise InvalidInput("'to' is before 'from'", code="audit.invalid_range")
    query = select(AuditEvent).order_by(AuditEvent.at, AuditEvent.id)
    if actor:
        query = query.where(AuditEvent.actor_account_id == actor)
    if runner:
        query = query.where(AuditEvent.runner_id == runner)
    if action:
        query = query.where(AuditEvent.action == action)
    if from_at is not None:
        query = query.where(AuditEvent.at >= from_at)
    if to_at is not None:
        query = query.where(AuditEvent.at < to_at)
    rows = session.scalars(query.offset(offset).limit(limit + 1)).all()
    events = [
        AdminAuditView(
            ev.id,
            ev.at,
            ev.actor_account_id,
            ev.actor_role,
            ev.runner_id,
            ev.action,
            ev.resource,
            dict(ev.detail or {}),
        )
        for ev in rows[:limit]
    ]
    if principal is not None:
        filters = {"actor": actor, "runner": runner, "action": action}
        filters |= {"from": from_at.isoformat() if from_at else None}
        filters |= {"to": to_at.isoformat() if to_at else None}
        record(
            session,
            principal=principal,
            runner_id=None,
            action="read",
            resource="audit_log",
            now=now,
            detail={k: v for k, v in filters.items() if v is not None},
        )
        session.commit()
    return AuditPage(events, limit, offset, len(rows) > limit)


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


__all__ = [
    "ACTIONS",
    "AdminAuditView",
    "AuditPage",
    "AuditView",
    "list_my_audit",
    "record",
    "record_refused",
    "search_audit",
]
