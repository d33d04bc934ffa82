"""A clinician reviews a consenting runner's latest assessment (clinical reference §1.2 step 6).

The clinician sets the disposition they decided on, says why, and may record the date the
runner was cleared to start the return-to-run stages. The stored assessment keeps the runner's
answers and every fired rule as they were; the review is added beside them
(``result["review"]``), the ``disposition`` column holds the reviewed level (what the patient
list and the plan use), ``downgraded_by``/``downgrade_reason`` hold who and why, and the change
is an audit event the runner can list. The runner's next plan follows the review
(``intake.review.apply_review``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.errors import InvalidInput, NotFound
from backstride.intake.assessment import Disposition
from backstride.intake.review import apply_review
from backstride.intake.serialize import assessment_from_dict
from backstride.services import audit
from backstride.services.policy import Principal, require_clinician_access
from backstride.store.models import Assessment, Runner

REASON_MIN_CHARS = 10


@dataclass(frozen=True, slots=True)
class ReviewView:
    """A stored review: which assessment, from and to which disposition, who, when and why."""

    assessment_id: str
    from_disposition: str
    disposition: str
    flags: tuple[str, ...]
    reason: str
    reviewed_by: str
    reviewed_at: dt.datetime
    cleared_to_run_on: dt.date | None


def review_latest_assessment(
    session: Session,
    *,
    principal: Principal,
    runner_id: str,
    disposition: str,
    reason: str,
    now: dt.datetime,
    cleared_to_run_on: dt.date | None = None,
) -> ReviewView:
    """Record the clinician's disposition for the runner's latest assessment (audited)."""
    require_clinician_access(session, principal, runner_id=runner_id, now=now)
    problems = []
    try:
        level = Disposition(disposition)
    except ValueError:
        problems.append(
            {"path": "disposition", "msg": f"one of {', '.join(d.value for d in Disposition)}"}
        )
    text = reason.strip()
    if len(text) < REASON_MIN_CHARS:
        problems.append({"path": "reason", "msg": f"at least {REASON_MIN_CHARS} characters"})
    if cleared_to_run_on is not None and cleared_to_run_on > now.date():
        problems.append({"path": "cleared_to_run_on", "msg": "cannot be in the future"})
    if problems:
        raise InvalidInput("the review is incomplete", code="review.invalid", problems=problems)
    row = session.scalars(
        select(Assessment)
        .where(Assessment.runner_id == runner_id)
        .order_by(Assessment.created_at.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFound("this runner has no assessment to review", code="assessment.not_found")
    triaged = assessment_from_dict(row.result)
    reviewed = apply_review(triaged, level)
    before = row.disposition
    review = {
        "disposition": level.value,
        "flags": sorted(reviewed.flags),
        "reason": text,
        "by": principal.account_id,
        "at": now.isoformat(),
        "cleared_to_run_on": cleared_to_run_on.isoformat() if cleared_to_run_on else None,
    }
    row.result = {**row.result, "review": review}  # a new dict: the JSON change is tracked
    row.disposition = level.value
    row.downgraded_by = principal.account_id
    row.downgrade_reason = text
    if cleared_to_run_on is not None:
        runner = session.get(Runner, runner_id)
        assert runner is not None  # require_clinician_access found it
        runner.preferences = {
            **(runner.preferences or {}),
            "rtr_clearance_date": cleared_to_run_on.isoformat(),
        }
    audit.record(
        session,
        principal=principal,
        runner_id=runner_id,
        action="update",
        resource="assessment",
        now=now,
        # No free text here: the reason lives with the assessment (deleted with the runner's
        # data); the audit outlives a deleted account and must not name the person
        # (docs/decisions/0024-account-deletion.md).
        detail={
            "assessment_id": row.id,
            "from": before,
            "to": level.value,
            "cleared_to_run_on": review["cleared_to_run_on"],
        },
    )
    session.commit()
    return ReviewView(
        row.id,
        before,
        level.value,
        tuple(review["flags"]),  # type: ignore[arg-type]
        text,
        principal.account_id,
        now,
        cleared_to_run_on,
    )


__all__ = ["REASON_MIN_CHARS", "ReviewView", "review_latest_assessment"]
