"""A clinician edits a consenting runner's plan: a new PlanVersion with who and why (audited)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.errors import InvalidInput
from backstride.plan.serialize import plan_from_dict, plan_to_dict
from backstride.services import audit
from backstride.services.policy import Principal, require_clinician_access
from backstride.store.models import Plan, PlanVersion
from backstride.units import new_id


@dataclass(frozen=True, slots=True)
class PlanVersionView:
    """A stored plan version."""

    plan_id: str
    version: int
    created_at: dt.datetime
    created_by: str | None
    reason: str


def edit_plan(
    session: Session,
    *,
    principal: Principal,
    runner_id: str,
    document: dict[str, Any],
    reason: str,
    now: dt.datetime,
) -> PlanVersionView:
    """Store ``document`` as the next version of the runner's active plan (a new plan if none)."""
    require_clinician_access(session, principal, runner_id=runner_id, now=now)
    # A plan document the runner's plan views can read back: unknown or misspelt fields and
    # wrong types are refused with their paths (``plan.invalid_document``) before any write.
    document = plan_to_dict(plan_from_dict(document))
    if not reason.strip():
        raise InvalidInput(
            "say why the plan changed",
            code="plan.reason_required",
            problems=[{"path": "reason", "msg": "required"}],
        )
    plan = session.scalars(
        select(Plan)
        .where(Plan.runner_id == runner_id, Plan.status != "archived")
        .order_by(Plan.created_at.desc())
        .limit(1)
    ).first()
    if plan is None:
        plan = Plan(
            id=new_id(), runner_id=runner_id, status="active", created_at=now, current_version=0
        )
        session.add(plan)
        session.flush()
    version = plan.current_version + 1
    session.add(
        PlanVersion(
            id=new_id(),
            plan_id=plan.id,
            version=version,
            created_at=now,
            created_by=principal.account_id,
            reason=reason.strip(),
            document=document,
        )
    )
    plan.current_version = version
    plan.contact_clinic = bool(document.get("escalations"))
    audit.record(
        session,
        principal=principal,
        runner_id=runner_id,
        action="update",
        resource="plan",
        now=now,
        detail={"plan_id": plan.id, "version": version},
    )
    session.commit()
    return PlanVersionView(plan.id, version, now, principal.account_id, reason.strip())


__all__ = ["PlanVersionView", "edit_plan"]
