"""Intake drafts on the server: a runner's unfinished intake, kept between visits.

The draft is the intake form model's :class:`~backstride.intake.form.Draft` (the same JSON the
terminal interview keeps in ``intake-draft.json``), stored one per runner in
``intake_drafts``. The web wizard saves it after every step; submitting turns its answers into
the intake document and hands it to :func:`backstride.services.intake.submit_intake`, which
stores the intake, its assessment and its questionnaire responses, and the draft is removed in
that same commit. A submission the intake refuses leaves the draft as it was.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from backstride.errors import InvalidInput, NotFound
from backstride.intake.form import AnswerError, Draft, draft_from_dict
from backstride.intake.questions import to_document
from backstride.services import intake
from backstride.services.policy import Principal, own_runner_id
from backstride.services.profile import my_handle
from backstride.store import models


def load_draft(session: Session, *, principal: Principal) -> Draft | None:
    """My unfinished intake, or ``None`` (a stored draft that no longer reads is ``None`` too)."""
    row = session.get(models.IntakeDraft, own_runner_id(principal))
    if row is None:
        return None
    try:
        return draft_from_dict(row.draft)
    except AnswerError:
        return None


def save_draft(session: Session, *, principal: Principal, draft: Draft, now: dt.datetime) -> None:
    """Keep ``draft`` as my unfinished intake (replacing the one before); one commit."""
    runner_id = own_runner_id(principal)
    row = session.get(models.IntakeDraft, runner_id)
    if row is None:
        session.add(models.IntakeDraft(runner_id=runner_id, draft=draft.to_dict(), updated_at=now))
    else:
        row.draft = draft.to_dict()
        row.updated_at = now
    session.commit()


def discard_draft(session: Session, *, principal: Principal) -> bool:
    """Remove my unfinished intake (``True`` when there was one); one commit."""
    row = session.get(models.IntakeDraft, own_runner_id(principal))
    if row is None:
        return False
    session.delete(row)
    session.commit()
    return True


def submit_draft(
    session: Session, *, principal: Principal, now: dt.datetime
) -> intake.SubmittedIntake:
    """Submit my draft as an intake; the draft goes in the same commit as the assessment.

    ``intake.draft_not_found`` when there is no draft; the intake's own ``intake.invalid``
    (with each problem's ``path``) when the answers do not make a valid intake, and then the
    draft is kept unchanged.
    """
    runner_id = own_runner_id(principal)
    row = session.get(models.IntakeDraft, runner_id)
    if row is None:
        raise NotFound("there is no intake in progress", code="intake.draft_not_found")
    try:
        draft = draft_from_dict(row.draft)
    except AnswerError as exc:
        raise InvalidInput(str(exc), code="intake.draft_invalid") from None
    handle = my_handle(session, principal=principal)
    session.delete(row)
    try:
        return intake.submit_intake(
            session, runner_handle=handle, document=to_document(draft.answers), now=now
        )
    except Exception:
        session.rollback()
        raise


__all__ = ["discard_draft", "load_draft", "save_draft", "submit_draft"]
