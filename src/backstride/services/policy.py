"""Authorisation in one place: roles plus consent decide who may see or change what.

Rules:

- a runner sees and changes only their own record;
- a clinician sees (and edits the plan of) a runner only while that runner's consent to one of
  the clinician's clinics is active; revoking it ends access at the next request;
- an admin manages clinics and clinicians and sees no runner data;
- every clinician read or change of runner data is written to the audit log (``audit.record``),
  and so is every refused attempt of a clinician on a runner they may not see.

Unknown runners and runners the caller may not see give the same ``runner.not_found`` so that
ids cannot be probed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.errors import Forbidden, NotFound
from backstride.store.models import ClinicMember, Consent, Runner


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: their account, role and (for runners) their runner id.

    Signed in with a token, ``token_id`` names that session, ``scope`` is ``full`` or
    ``totp_enrolment`` (a clinician or admin who must enrol a second factor first) and
    ``reauth_at`` is when the session last proved the password (services.sessions).
    """

    account_id: str
    role: str
    email: str
    display_name: str
    runner_id: str | None = None
    via_cookie: bool = False
    token_id: str | None = None
    scope: str = "full"
    reauth_at: dt.datetime | None = None


def require_role(principal: Principal, *roles: str) -> None:
    """``auth.forbidden`` unless the caller has one of ``roles``."""
    if principal.role not in roles:
        raise Forbidden(
            f"this needs the role {' or '.join(roles)}; you are signed in as {principal.role}",
            code="auth.forbidden",
        )


def own_runner_id(principal: Principal) -> str:
    """The caller's own runner id (runners only)."""
    require_role(principal, "runner")
    if principal.runner_id is None:
        raise NotFound("this account has no runner profile", code="runner.not_found")
    return principal.runner_id


def clinician_clinic_ids(session: Session, *, account_id: str) -> list[str]:
    """The clinics a clinician works at."""
    return list(
        session.scalars(select(ClinicMember.clinic_id).where(ClinicMember.account_id == account_id))
    )


def require_clinic_member(session: Session, principal: Principal, *, clinic_id: str) -> None:
    """``auth.forbidden`` unless the caller is a clinician of ``clinic_id``."""
    require_role(principal, "clinician")
    if clinic_id not in clinician_clinic_ids(session, account_id=principal.account_id):
        raise Forbidden("you are not a clinician of this clinic", code="clinic.not_member")


def consenting_clinic(session: Session, principal: Principal, *, runner_id: str) -> str | None:
    """The clinic (of the calling clinician) to which ``runner_id`` has active consent."""
    row = session.execute(
        select(Consent.clinic_id)
        .join(ClinicMember, ClinicMember.clinic_id == Consent.clinic_id)
        .where(
            ClinicMember.account_id == principal.account_id,
            Consent.runner_id == runner_id,
            Consent.revoked_at.is_(None),
        )
        .limit(1)
    ).first()
    return None if row is None else str(row[0])


def require_clinician_access(
    session: Session, principal: Principal, *, runner_id: str, now: dt.datetime
) -> Runner:
    """The runner, if the calling clinician holds active consent; else ``runner.not_found``.

    Consent is checked against its current state, so revocation acts at once. A refusal is
    recorded in the audit log (action ``refused``) before the error is raised.
    """
    require_role(principal, "clinician")
    runner = session.get(Runner, runner_id)
    if runner is None or consenting_clinic(session, principal, runner_id=runner_id) is None:
        from backstride.services import audit  # audit imports this module

        audit.record_refused(
            session,
            principal=principal,
            runner_id=runner_id,
            resource="runner",
            now=now,
            code="runner.not_found",
        )
        raise NotFound("no consenting runner with this id", code="runner.not_found")
    return runner


__all__ = [
    "Principal",
    "clinician_clinic_ids",
    "consenting_clinic",
    "own_runner_id",
    "require_clinic_member",
    "require_clinician_access",
    "require_role",
]
