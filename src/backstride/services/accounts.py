"""Accounts: register a runner, create clinician and admin accounts, delete an account."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.errors import Conflict, InvalidInput, NotFound
from backstride.services.auth import hash_password, normalise_email
from backstride.services.blobstore import blob_store
from backstride.services.policy import Principal, own_runner_id
from backstride.store.models import Account, Runner
from backstride.units import new_id


@dataclass(frozen=True, slots=True)
class AccountView:
    """An account as shown to its owner or an admin (never the password hash)."""

    id: str
    email: str
    role: str
    display_name: str
    runner_id: str | None
    created_at: dt.datetime


def _view(account: Account, runner_id: str | None = None) -> AccountView:
    return AccountView(
        id=account.id,
        email=account.email,
        role=account.role,
        display_name=account.display_name,
        runner_id=runner_id,
        created_at=account.created_at,
    )


def _display_name(name: str) -> str:
    value = name.strip()
    if not 1 <= len(value) <= 120:
        raise InvalidInput(
            "display name must be 1-120 characters",
            code="account.invalid_name",
            problems=[{"path": "display_name", "msg": "1-120 characters"}],
        )
    return value


def _new_account(
    session: Session, *, email: str, password: str, role: str, display_name: str, now: dt.datetime
) -> Account:
    email = normalise_email(email)
    name = _display_name(display_name)
    password_hash = hash_password(password, email=email)
    if session.scalar(select(Account.id).where(Account.email == email)) is not None:
        raise Conflict("an account with this e-mail already exists", code="account.duplicate")
    account = Account(
        id=new_id(),
        email=email,
        password_hash=password_hash,
        role=role,
        display_name=name,
        is_active=True,
        created_at=now,
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


def register_runner(
    session: Session, *, email: str, password: str, display_name: str, now: dt.datetime
) -> AccountView:
    """A new runner account with an empty profile (handle derived from the e-mail)."""
    account = _new_account(
        session, email=email, password=password, role="runner", display_name=display_name, now=now
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
    session.commit()
    return _view(account, runner.id)


def create_staff_account(
    session: Session, *, email: str, password: str, role: str, display_name: str, now: dt.datetime
) -> AccountView:
    """A clinician or admin account (admin use cases and the CLI)."""
    if role not in ("clinician", "admin"):
        raise InvalidInput("role must be clinician or admin", code="account.invalid_role")
    account = _new_account(
        session, email=email, password=password, role=role, display_name=display_name, now=now
    )
    session.commit()
    return _view(account)


def get_account(session: Session, *, principal: Principal) -> AccountView:
    """The caller's own account."""
    account = session.get(Account, principal.account_id)
    if account is None:
        raise NotFound("account not found", code="account.not_found")
    return _view(account, principal.runner_id)


def delete_my_account(
    session: Session, *, principal: Principal, settings: Settings | None = None
) -> None:
    """Delete the runner's account and every piece of their data.

    Rows cascade from the runner (their ``blobs`` rows included); given ``settings``, the
    runner's folder of original files is removed too (nothing in it is shared). The audit trail
    stays (append-only), keyed by the runner id that then maps to no one (decision 0017).
    """
    runner_id = own_runner_id(principal)
    session.execute(delete(Runner).where(Runner.id == runner_id))  # blobs rows cascade
    session.execute(delete(Account).where(Account.id == principal.account_id))
    session.commit()
    if settings is not None:
        blob_store(settings).remove_runner(runner_id)  # originals are per runner (0015)


__all__ = [
    "AccountView",
    "create_staff_account",
    "delete_my_account",
    "get_account",
    "register_runner",
]
