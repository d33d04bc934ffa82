"""Accounts: create runner and staff accounts, read my account, delete my account.

Sign-up from the web or the API goes through services.registration (an e-mailed link, no
enumeration); :func:`register_runner` here makes an account at once and is for trusted
callers (the CLI, the demo seed, tests).

Deleting my account (docs/decisions/0024-account-deletion.md) removes every trace of me but
two records that must outlive me, kept in a form that no longer names me:

- my consent history (which clinic could see my record, from when to when) — active consents
  are revoked at that moment;
- the audit log (who saw or changed my record) — append-only, never edited.

Both point to my runner row, which becomes a tombstone: a random id, no account, no name, no
handle a person chose, no profile. Everything else that refers to the runner (activities,
intakes, plans, logs, jobs — and any table added later with a ``runner_id``) is deleted, as are
the account, its sessions, one-time tokens, recovery codes, failed log-ins and rate-limit
events keyed by the e-mail, pending sign-ups and unsent mail to the address.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.errors import Conflict, InvalidInput, NotFound
from backstride.services import audit, passwords, sessions, throttle
from backstride.services.auth import normalise_email
from backstride.services.blobstore import blob_store
from backstride.services.policy import Principal, own_runner_id
from backstride.store.base import Base
from backstride.store.models import Account, Consent, PendingRegistration, Runner
from backstride.units import new_id

KEPT_AFTER_DELETION = frozenset({"consents", "audit_events"})
"""Tables whose rows about a deleted runner stay (pointing to the anonymous tombstone)."""
DELETED_NAME = "Deleted runner"


@dataclass(frozen=True, slots=True)
class AccountView:
    """An account as shown to its owner or an admin (never the password hash)."""

    id: str
    email: str
    role: str
    display_name: str
    runner_id: str | None
    created_at: dt.datetime
    totp_enabled: bool = False


def _view(account: Account, runner_id: str | None = None) -> AccountView:
    return AccountView(
        id=account.id,
        email=account.email,
        role=account.role,
        display_name=account.display_name,
        runner_id=runner_id,
        created_at=account.created_at,
        totp_enabled=account.totp_enabled_at is not None,
    )


def account_view(session: Session, account: Account) -> AccountView:
    """The view of an account row (with its runner id for runners)."""
    runner_id = None
    if account.role == "runner":
        runner_id = session.scalar(select(Runner.id).where(Runner.account_id == account.id))
    return _view(account, runner_id)


def clean_display_name(name: str) -> str:
    """A trimmed display name, or ``account.invalid_name``."""
    value = name.strip()
    if not 1 <= len(value) <= 120:
        raise InvalidInput(
            "display name must be 1-120 characters",
            code="account.invalid_name",
            problems=[{"path": "display_name", "msg": "1-120 characters"}],
        )
    return value


def _new_account(
    session: Session,
    *,
    email: str,
    password_hash: str,
    role: str,
    display_name: str,
    now: dt.datetime,
) -> Account:
    if session.scalar(select(Account.id).where(Account.email == email)) is not None:
        raise Conflict("an account with this e-mail already exists", code="account.duplicate")
    account = Account(
        id=new_id(),
        email=email,
        password_hash=password_hash,
        role=role,
        display_name=display_name,
        is_active=True,
        created_at=now,
        password_changed_at=now,
    )
    session.add(account)
    session.flush()
    return account


def _handle_for(session: Session, email: str) -> str:
    base = re.sub(r"[^A-Za-z0-9_.-]", "-", email.split("@", 1)[0])[:40].strip("-.") or "runner"
    if not base[0].isalnum():
        base = "r" + base
    handle = base
    while session.scalar(select(Runner.id).where(Runner.handle == handle)) is not None:
        handle = f"{base}-{secrets.token_hex(3)}"
    return handle


def create_runner_account(
    session: Session, *, email: str, password_hash: str, display_name: str, now: dt.datetime
) -> AccountView:
    """A runner account and empty profile from checked values (not committed)."""
    account = _new_account(
        session,
        email=email,
        password_hash=password_hash,
        role="runner",
        display_name=display_name,
        now=now,
    )
    runner = Runner(
        id=new_id(),
        handle=_handle_for(session, account.email),
        account_id=account.id,
        display_name=account.display_name,
        preferences={},
        created_at=now,
    )
    session.add(runner)
    session.flush()
    return _view(account, runner.id)


def register_runner(
    session: Session, *, email: str, password: str, display_name: str, now: dt.datetime
) -> AccountView:
    """A new runner account at once (trusted callers; ``account.duplicate`` if taken)."""
    email = normalise_email(email)
    name = clean_display_name(display_name)
    password_hash = passwords.hash_password(password, email=email, user_inputs=[name])
    view = create_runner_account(
        session, email=email, password_hash=password_hash, display_name=name, now=now
    )
    session.commit()
    return view


def create_staff_account(
    session: Session, *, email: str, password: str, role: str, display_name: str, now: dt.datetime
) -> AccountView:
    """A clinician or admin account (admin use cases and the CLI)."""
    if role not in ("clinician", "admin"):
        raise InvalidInput("role must be clinician or admin", code="account.invalid_role")
    email = normalise_email(email)
    name = clean_display_name(display_name)
    password_hash = passwords.hash_password(password, email=email, user_inputs=[name])
    account = _new_account(
        session, email=email, password_hash=password_hash, role=role, display_name=name, now=now
    )
    session.commit()
    return _view(account)


def get_account(session: Session, *, principal: Principal) -> AccountView:
    """The caller's own account."""
    account = session.get(Account, principal.account_id)
    if account is None:
        raise NotFound("account not found", code="account.not_found")
    return _view(account, principal.runner_id)


def _runner_tables() -> list[str]:
    """Tables with a foreign key to ``runners.id`` (children first), but the kept ones."""
    import backstride.store.models  # noqa: F401  (every table registered)

    out = []
    for table in reversed(Base.metadata.sorted_tables):
        if table.name in KEPT_AFTER_DELETION:
            continue
        if any(fk.column.table.name == "runners" for fk in table.foreign_keys):
            out.append(table.name)
    return out


def delete_my_account(
    session: Session, *, principal: Principal, now: dt.datetime, settings: Settings
) -> None:
    """Delete my account and my data; keep the consent history and audit, anonymised.

    Needs a password check in the last ``reauth_window_min`` (``auth.reauth_required``).
    Every row that refers to the runner goes (their ``blobs`` rows included), and so does the
    runner's folder of original files (nothing in it is shared, decision 0015). The audit
    trail stays (append-only, decision 0017) and so do the consents, on the anonymous
    tombstone (decision 0024).
    """
    runner_id = own_runner_id(principal)
    sessions.require_recent_auth(principal, now=now, settings=settings)
    account = session.get(Account, principal.account_id)
    if account is None:
        raise NotFound("account not found", code="account.not_found")
    email = account.email
    session.execute(
        update(Consent)
        .where(Consent.runner_id == runner_id, Consent.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    for name in _runner_tables():
        table = Base.metadata.tables[name]
        for fk in table.foreign_keys:
            if fk.column.table.name == "runners":
                session.execute(table.delete().where(fk.parent == runner_id))
    runner = session.get(Runner, runner_id)
    assert runner is not None  # own_runner_id found it
    runner.handle = f"deleted-{new_id()}"
    runner.display_name = DELETED_NAME
    runner.account_id = None
    runner.birth_year = None
    runner.sex = None
    runner.hr_rest_bpm = None
    runner.hr_max_bpm = None
    runner.threshold_pace_s_per_km = None
    runner.timezone = "UTC"
    runner.preferences = {}
    runner.deleted_at = now
    audit.record(
        session,
        principal=principal,
        runner_id=runner_id,
        action="delete",
        resource="account",
        now=now,
    )
    session.execute(delete(Account).where(Account.id == principal.account_id))
    session.execute(delete(PendingRegistration).where(PendingRegistration.email == email))
    throttle.forget_email(session, email=email)
    _forget_mail(session, email=email)
    session.commit()
    blob_store(settings).remove_runner(runner_id)


def _forget_mail(session: Session, *, email: str) -> None:
    """Every outbox row to the address goes with the account (sent ones keep the address)."""
    from backstride.services import account_mail

    account_mail.forget_recipient(session, to=email)


__all__ = [
    "DELETED_NAME",
    "KEPT_AFTER_DELETION",
    "AccountView",
    "account_view",
    "clean_display_name",
    "create_runner_account",
    "create_staff_account",
    "delete_my_account",
    "get_account",
    "register_runner",
]
