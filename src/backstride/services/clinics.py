"""Clinics and their clinicians (admin), and the clinician's list of consenting runners."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal, cast

from sqlalchemy import (
    Connection,
    Integer,
    String,
    Table,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, aliased

from backstride.errors import Conflict, InvalidInput, NotFound
from backstride.services.accounts import AccountView, create_staff_account
from backstride.services.policy import Principal, require_role
from backstride.store.models import (
    Account,
    Assessment,
    AuditEvent,
    Clinic,
    ClinicMember,
    Consent,
    Plan,
    Runner,
)
from backstride.units import new_id

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True, slots=True)
class ClinicView:
    """A clinic."""

    id: str
    slug: str
    name: str
    created_at: dt.datetime
    archived_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class ClinicDeletion:
    """What deleting a clinic did: ``deleted``, or ``archived`` to keep its consent history."""

    outcome: str
    clinic: ClinicView


@dataclass(frozen=True, slots=True)
class ClinicianView:
    """A clinician account and the clinics they work at."""

    account_id: str
    email: str
    display_name: str
    clinic_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PatientRow:
    """One consenting runner in the clinician's list."""

    runner_id: str
    display_name: str
    clinic_id: str
    consent_granted_at: dt.datetime
    disposition: str | None
    flags: tuple[str, ...]
    assessed_at: dt.datetime | None
    reviewed: bool = False
    """A clinician has reviewed the latest assessment (``services.reviews``)."""
    asked_to_contact: bool = False
    """The runner's plan asks them to contact the clinic now (``plan.escalation``)."""


def _view(c: Clinic) -> ClinicView:
    return ClinicView(c.id, c.slug, c.name, c.created_at, c.archived_at)


def list_clinics(session: Session, *, include_archived: bool = False) -> list[ClinicView]:
    """Every clinic (runners pick one to consent to); archived ones only when asked."""
    query = select(Clinic).order_by(Clinic.name)
    if not include_archived:
        query = query.where(Clinic.archived_at.is_(None))
    return [_view(c) for c in session.scalars(query)]


def get_clinic(session: Session, *, clinic_id: str) -> ClinicView:
    """A clinic by id, or ``clinic.not_found``."""
    clinic = session.get(Clinic, clinic_id)
    if clinic is None:
        raise NotFound("no such clinic", code="clinic.not_found")
    return _view(clinic)


def create_clinic(
    session: Session, *, principal: Principal | None, slug: str, name: str, now: dt.datetime
) -> ClinicView:
    """A new clinic (admins; ``principal=None`` for the CLI and the demo seed)."""
    if principal is not None:
        require_role(principal, "admin")
    problems = []
    if not _SLUG.match(slug):
        problems.append({"path": "slug", "msg": "lower-case letters, digits and '-', 1-64"})
    if not 1 <= len(name.strip()) <= 200:
        problems.append({"path": "name", "msg": "1-200 characters"})
    if problems:
        raise InvalidInput("invalid clinic", code="clinic.invalid", problems=problems)
    if session.scalar(select(Clinic.id).where(Clinic.slug == slug)) is not None:
        raise Conflict("a clinic with this slug exists", code="clinic.duplicate")
    clinic = Clinic(id=new_id(), slug=slug, name=name.strip(), created_at=now)
    session.add(clinic)
    session.commit()
    return _view(clinic)


def rename_clinic(
    session: Session, *, principal: Principal, clinic_id: str, name: str
) -> ClinicView:
    """Change a clinic's name (admins)."""
    require_role(principal, "admin")
    clinic = session.get(Clinic, clinic_id)
    if clinic is None:
        raise NotFound("no such clinic", code="clinic.not_found")
    if not 1 <= len(name.strip()) <= 200:
        raise InvalidInput(
            "invalid clinic name",
            code="clinic.invalid",
            problems=[{"path": "name", "msg": "1-200 characters"}],
        )
    clinic.name = name.strip()
    session.commit()
    return _view(clinic)


def delete_clinic(
    session: Session, *, principal: Principal, clinic_id: str, now: dt.datetime
) -> ClinicDeletion:
    """Remove a clinic, or archive it when runners' consent history names it (admins).

    A runner's consent history never vanishes (docs/decisions/0024-account-deletion.md):

    - active consents: refused, ``409 clinic.has_active_consents`` — the runners must revoke
      (or the clinic be archived by a person who has told them) first;
    - revoked consents only: the clinic is archived (``archived_at``), its memberships end, it
      leaves the clinic list and takes no new consent; its settings and history stay;
    - no consent ever: deleted with its memberships and settings.
    """
    require_role(principal, "admin")
    clinic = session.get(Clinic, clinic_id)
    if clinic is None:
        raise NotFound("no such clinic", code="clinic.not_found")
    consents = session.execute(
        select(func.count(), func.count(Consent.revoked_at)).where(Consent.clinic_id == clinic_id)
    ).one()
    total, revoked = int(consents[0] or 0), int(consents[1] or 0)
    if total > revoked:
        raise Conflict(
            f"{total - revoked} runner(s) still consent to this clinic; a clinic with active "
            "consents cannot be deleted",
            code="clinic.has_active_consents",
        )
    if total:
        clinic.archived_at = clinic.archived_at or now
        session.execute(delete(ClinicMember).where(ClinicMember.clinic_id == clinic_id))
        session.commit()
        return ClinicDeletion("archived", _view(clinic))
    view = _view(clinic)
    session.execute(delete(Clinic).where(Clinic.id == clinic_id))
    session.commit()
    return ClinicDeletion("deleted", view)


def create_clinician(
    session: Session,
    *,
    principal: Principal | None,
    email: str,
    password: str,
    display_name: str,
    clinic_id: str,
    now: dt.datetime,
) -> ClinicianView:
    """A clinician account working at ``clinic_id`` (id or slug)."""
    if principal is not None:
        require_role(principal, "admin")
    clinic = session.get(Clinic, clinic_id) or session.scalar(
        select(Clinic).where(Clinic.slug == clinic_id)
    )
    if clinic is None:
        raise NotFound("no such clinic", code="clinic.not_found")
    if clinic.archived_at is not None:
        raise Conflict("this clinic is closed", code="clinic.archived")
    account: AccountView = create_staff_account(
        session,
        email=email,
        password=password,
        role="clinician",
        display_name=display_name,
        now=now,
    )
    session.add(
        ClinicMember(id=new_id(), clinic_id=clinic.id, account_id=account.id, created_at=now)
    )
    session.commit()
    return ClinicianView(account.id, account.email, account.display_name, (clinic.id,))


def list_clinicians(session: Session, *, principal: Principal) -> list[ClinicianView]:
    """Every clinician with their clinics (admins)."""
    require_role(principal, "admin")
    accounts = session.scalars(
        select(Account).where(Account.role == "clinician").order_by(Account.email)
    ).all()
    members: dict[str, list[str]] = {}
    for account_id, clinic_id in session.execute(
        select(ClinicMember.account_id, ClinicMember.clinic_id)
    ):
        members.setdefault(account_id, []).append(clinic_id)
    return [
        ClinicianView(a.id, a.email, a.display_name, tuple(sorted(members.get(a.id, []))))
        for a in accounts
    ]


def delete_clinician(session: Session, *, principal: Principal, account_id: str) -> None:
    """Remove a clinician account (admins)."""
    require_role(principal, "admin")
    account = session.get(Account, account_id)
    if account is None or account.role != "clinician":
        raise NotFound("no such clinician", code="clinician.not_found")
    session.delete(account)
    session.commit()


_ASKED_TO_CONTACT = (  # the current plan asks the runner to contact the clinic now
    select(Plan.id)
    .where(Plan.runner_id == Runner.id, Plan.status != "archived", Plan.contact_clinic)
    .correlate(Runner)
    .exists()
)
_NAME = or_(  # no filter, or the name contains the text (case-insensitive; ``_like``)
    bindparam("pattern", type_=String).is_(None),
    # lower() on both sides: the same folding whatever the store (SQLite's is ASCII only)
    func.lower(Runner.display_name).like(
        func.lower(bindparam("pattern", type_=String)), escape="\\"
    ),
)


def _like(text: str | None) -> str | None:
    """A LIKE pattern for a name containing ``text`` (its ``%``, ``_`` and ``\\`` taken
    literally; NUL characters, which no name holds and PostgreSQL refuses, dropped); None for
    no text."""
    text = (text or "").replace("\x00", "").strip()
    if not text:
        return None
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# The patient list is the clinician's home page: its statements are built once (SQLAlchemy then
# skips building and cache-key generation per call) and run on the Core connection (no ORM
# result machinery for plain columns). Measured in-process on 10,000 runners (PostgreSQL):
# 5.2 -> 2.3 ms of CPU per page (docs/decisions/0008-api-and-auth.md).
_CONSENTING = (  # my clinics' consenting runners (a runner of two of them: a row each)
    select(
        Runner.id,
        Runner.display_name,
        Consent.clinic_id,
        Consent.granted_at,
        _ASKED_TO_CONTACT.label("asked_to_contact"),
    )
    .join(Consent, Consent.runner_id == Runner.id)
    .join(ClinicMember, ClinicMember.clinic_id == Consent.clinic_id)
    .where(ClinicMember.account_id == bindparam("account_id"), Consent.revoked_at.is_(None), _NAME)
)
_PAGE = (
    _CONSENTING.order_by(Runner.display_name, Runner.id)
    .limit(bindparam("limit", type_=Integer))
    .offset(bindparam("offset", type_=Integer))
)
_EARLIER = aliased(Assessment)
_IN_FORCE = (  # the runner's latest assessment (none: NULL columns)
    select(func.max(_EARLIER.created_at)).where(_EARLIER.runner_id == Runner.id).scalar_subquery()
)
_SEVERITY = case(
    (Assessment.disposition == "emergency", 0),
    (Assessment.disposition == "urgent", 1),
    # worsening pain or bone pain in the logs: the plan asks the runner to contact the clinic
    (_ASKED_TO_CONTACT, 2),
    (Assessment.disposition == "clinician", 3),
    (Assessment.disposition == "self_management", 4),
    else_=5,
)
_PAGE_BY_ATTENTION = (
    _CONSENTING.outerjoin(
        Assessment,
        and_(Assessment.runner_id == Runner.id, Assessment.created_at == _IN_FORCE),
    )
    .order_by(
        _SEVERITY,
        # not yet reviewed by a clinician first (a review stores its flags)
        case((Assessment.result[("review", "flags")].as_string().is_(None), 0), else_=1),
        Assessment.created_at.desc(),
        Runner.display_name,
        Runner.id,
    )
    .limit(bindparam("limit", type_=Integer))
    .offset(bindparam("offset", type_=Integer))
)
"""Runners who need attention first: by the latest assessment's outcome as in force
(emergency, urgent), then those whose plan asks them to contact the clinic (worsening pain, bone
pain: ``plan.escalation``), then the other outcomes (see a clinician, self-management, none
yet); within each, not yet reviewed first, then the newest assessment, then by name."""
_LATEST_AT = (
    select(Assessment.runner_id, func.max(Assessment.created_at).label("at"))
    .where(Assessment.runner_id.in_(bindparam("ids", expanding=True)))
    .group_by(Assessment.runner_id)
    .subquery()
)
_LATEST = select(
    Assessment.runner_id,
    Assessment.created_at,
    Assessment.disposition,
    # Only the flags, extracted by the database: the stored result is the whole assessment
    # (scores, reasons, sources), which this page does not show.
    Assessment.result["flags"].label("flags"),
    # A clinician's review replaces the binding flags (services.reviews).
    Assessment.result[("review", "flags")].label("reviewed_flags"),
    # Plan-only flags read from the answers (hill hold, loaded flexion): shown with the rules'.
    Assessment.result["derived_flags"].label("derived_flags"),
).join(
    _LATEST_AT,
    and_(Assessment.runner_id == _LATEST_AT.c.runner_id, Assessment.created_at == _LATEST_AT.c.at),
)
_AUDIT = cast(Table, AuditEvent.__table__)
_AUDIT_ONE = insert(_AUDIT)
# PostgreSQL: one statement of fixed shape for the whole page (the runner ids as one array
# parameter): 2.2 -> 1.4 ms against 50 pipelined single-row INSERTs.
_AUDIT_PAGE_PG = insert(_AUDIT).from_select(
    ["at", "actor_account_id", "actor_role", "runner_id", "action", "resource", "detail"],
    select(
        bindparam("at", type_=_AUDIT.c.at.type),
        bindparam("actor_account_id", type_=String),
        bindparam("actor_role", type_=String),
        func.unnest(bindparam("runner_ids", type_=postgresql.ARRAY(String))),
        literal("read", String),
        literal("patient_list", String),
        bindparam("detail", type_=_AUDIT.c.detail.type),
    ),
)


def _audit_page(
    conn: Connection, *, principal: Principal, runner_ids: list[str], now: dt.datetime
) -> None:
    """One audited read per runner shown."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            _AUDIT_PAGE_PG,
            {
                "at": now,
                "actor_account_id": principal.account_id,
                "actor_role": principal.role,
                "runner_ids": runner_ids,
                "detail": {},
            },
        )
        return
    # SQLite runs an executemany of one cached statement in C.
    conn.execute(
        _AUDIT_ONE,
        [
            {
                "at": now,
                "actor_account_id": principal.account_id,
                "actor_role": principal.role,
                "runner_id": runner_id,
                "action": "read",
                "resource": "patient_list",
                "detail": {},
            }
            for runner_id in runner_ids
        ],
    )


def list_patients(
    session: Session,
    *,
    principal: Principal,
    now: dt.datetime,
    limit: int = 50,
    offset: int = 0,
    order: Literal["name", "attention"] = "name",
    name: str | None = None,
) -> list[PatientRow]:
    """Runners with active consent to my clinics, with the latest disposition and flags.

    Two indexed queries: the page of consenting runners (``order``: by name, or those who
    need attention first: ``_PAGE_BY_ATTENTION``), then the latest assessment of just those
    runners; ``name``: only runners whose name contains it. Every runner shown gets one
    audited read event (one statement).
    """
    require_role(principal, "clinician")
    conn = session.connection()
    query = _PAGE_BY_ATTENTION if order == "attention" else _PAGE
    page = conn.execute(
        query,
        {
            "account_id": principal.account_id,
            "limit": limit,
            "offset": offset,
            "pattern": _like(name),
        },
    ).all()
    ids = list(dict.fromkeys(row[0] for row in page))
    latest = {row.runner_id: row for row in conn.execute(_LATEST, {"ids": ids})} if ids else {}
    out: dict[str, PatientRow] = {}
    for runner_id, display_name, clinic_id, granted_at, asked_to_contact in page:
        if runner_id in out:
            continue
        assessment = latest.get(runner_id)
        flags: tuple[str, ...] = ()
        if assessment is not None:
            # the plan flags: the rules' and the derived ones, or what a review kept
            chosen = {*(assessment.flags or ()), *(assessment.derived_flags or ())}
            if assessment.reviewed_flags is not None:
                chosen = set(assessment.reviewed_flags)
            flags = tuple(sorted(chosen))
        out[runner_id] = PatientRow(
            runner_id=runner_id,
            display_name=display_name,
            clinic_id=clinic_id,
            consent_granted_at=granted_at,
            disposition=None if assessment is None else assessment.disposition,
            flags=flags,
            assessed_at=None if assessment is None else assessment.created_at,
            reviewed=assessment is not None and assessment.reviewed_flags is not None,
            asked_to_contact=bool(asked_to_contact),
        )
    if out:
        _audit_page(conn, principal=principal, runner_ids=list(out), now=now)
    session.commit()
    return list(out.values())


__all__ = [
    "ClinicDeletion",
    "ClinicView",
    "ClinicianView",
    "PatientRow",
    "create_clinic",
    "create_clinician",
    "delete_clinic",
    "delete_clinician",
    "get_clinic",
    "list_clinicians",
    "list_clinics",
    "list_patients",
    "rename_clinic",
]
