"""Changing how I sign in: password change, password reset by e-mailed link, e-mail change.

- Password change needs the current password (and TOTP, unless checked in the last
  ``reauth_window_min``); the session is rotated and every other one ends.
- Reset: ``request_password_reset`` answers the same whether or not the address has an
  account (nothing to enumerate); an account gets a one-time link (SHA-256 of the token
  stored, ``password_reset_ttl_min`` minutes, a newer link voids older ones). Following it sets
  a new password and ends every session; TOTP stays on (the link proves the mailbox only).
- E-mail change needs a recent password check; the new address gets a link, the old one a
  notice; following the link moves the account and ends every session.

OWASP Forgot Password Cheat Sheet; ASVS 5.0 6.3.x, 6.4.x, 7.4.3.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.errors import Conflict, InvalidInput, NotFound
from backstride.services import account_mail, passwords, sessions, throttle
from backstride.services.accounts import AccountView, account_view
from backstride.services.auth import check_credentials, normalise_email
from backstride.services.policy import Principal
from backstride.store.models import Account, AccountToken
from backstride.units import new_id

RESET_REQUESTS_PER_CLIENT = 10  # [default] per hour
RESET_REQUESTS_PER_EMAIL = 3  # [default] per hour, silently: no mail beyond it
_HOUR = dt.timedelta(hours=1)


def change_password(
    session: Session,
    *,
    principal: Principal,
    current_password: str,
    new_password: str,
    client: str | None,
    now: dt.datetime,
    settings: Settings,
    totp_code: str | None = None,
) -> sessions.IssuedToken | None:
    """Set a new password; the replacement of my current session (None without one).

    Errors: ``auth.reauth_failed`` (403: wrong current password or code),
    ``account.weak_password`` (422), ``auth.rate_limited`` (429).
    """
    recent = principal.reauth_at is not None and now - principal.reauth_at <= dt.timedelta(
        minutes=settings.reauth_window_min
    )
    account = check_credentials(
        session,
        principal=principal,
        password=current_password,
        totp_code=totp_code,
        client=client,
        now=now,
        require_code=not recent,
    )
    account.password_hash = passwords.hash_password(
        new_password, email=account.email, user_inputs=[account.display_name]
    )
    account.password_changed_at = now
    issued = sessions.rotate(
        session, account=account, principal=principal, now=now, settings=settings
    )
    account_mail.password_changed(session, to=account.email, now=now)
    session.commit()
    return issued


def request_password_reset(
    session: Session, *, email: str, client: str | None, now: dt.datetime, settings: Settings
) -> None:
    """E-mail a reset link if the address has an account; the same outcome either way.

    Errors: ``account.invalid_email`` (422, the format only), ``auth.rate_limited`` (429, per
    client). Past 3 requests an hour for one address no further mail is sent (and the answer
    does not change).
    """
    email = normalise_email(email)
    if client:
        throttle.take(
            session,
            bucket="reset.client",
            key=client,
            limit=RESET_REQUESTS_PER_CLIENT,
            window=_HOUR,
            now=now,
        )
    account = session.scalar(select(Account).where(Account.email == email))
    quota = throttle.allowed(
        session,
        bucket="reset.email",
        key=email,
        limit=RESET_REQUESTS_PER_EMAIL,
        window=_HOUR,
        now=now,
    )
    if account is not None and account.is_active and quota:
        _void(session, account_id=account.id, purpose="password_reset", now=now)
        secret = _new_token(
            session,
            account_id=account.id,
            purpose="password_reset",
            now=now,
            ttl=dt.timedelta(minutes=settings.password_reset_ttl_min),
        )
        account_mail.password_reset_link(
            session, to=account.email, token=secret, settings=settings, now=now
        )
    session.commit()


def _void(session: Session, *, account_id: str, purpose: str, now: dt.datetime) -> None:
    session.execute(
        update(AccountToken)
        .where(
            AccountToken.account_id == account_id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


def _new_token(
    session: Session,
    *,
    account_id: str,
    purpose: str,
    now: dt.datetime,
    ttl: dt.timedelta,
    detail: dict[str, str] | None = None,
) -> str:
    secret = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            id=new_id(),
            account_id=account_id,
            purpose=purpose,
            token_hash=sessions.token_hash(secret),
            created_at=now,
            expires_at=now + ttl,
            detail=detail or {},
        )
    )
    return secret


def _redeem(session: Session, *, token: str, purpose: str, now: dt.datetime) -> AccountToken:
    row = session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == sessions.token_hash(token.strip()),
            AccountToken.purpose == purpose,
        )
    )
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise InvalidInput(
            "this link is not valid any more; ask for a new one",
            code=f"{purpose}.invalid_token",
            problems=[{"path": "token", "msg": "unknown, used or expired"}],
        )
    return row


def reset_token_valid(session: Session, *, token: str, now: dt.datetime) -> bool:
    """Whether a reset link still works (the page shows the form or "ask for a new link")."""
    try:
        _redeem(session, token=token, purpose="password_reset", now=now)
    except InvalidInput:
        return False
    return True


def confirm_password_reset(
    session: Session, *, token: str, new_password: str, now: dt.datetime
) -> AccountView:
    """Set the new password from a reset link; every session of the account ends.

    Errors: ``password_reset.invalid_token`` (422), ``account.weak_password`` (422: the link
    stays usable to try another password).
    """
    row = _redeem(session, token=token, purpose="password_reset", now=now)
    account = session.get(Account, row.account_id)
    if account is None or not account.is_active:
        raise NotFound("account not found", code="account.not_found")
    account.password_hash = passwords.hash_password(
        new_password, email=account.email, user_inputs=[account.display_name]
    )
    account.password_changed_at = now
    row.used_at = now
    _void(session, account_id=account.id, purpose="password_reset", now=now)
    sessions.revoke_all(session, account_id=account.id, now=now)
    account_mail.password_changed(session, to=account.email, now=now)
    session.commit()
    return account_view(session, account)


def request_email_change(
    session: Session, *, principal: Principal, new_email: str, now: dt.datetime, settings: Settings
) -> None:
    """Send a confirmation link to the new address (and a notice to the old one).

    Needs a recent password check. The answer is the same whether or not the new address is
    taken (then no link is sent). Errors: ``auth.reauth_required`` (403),
    ``account.invalid_email`` (422), ``account.same_email`` (422), ``auth.rate_limited`` (429).
    """
    sessions.require_recent_auth(principal, now=now, settings=settings)
    new = normalise_email(new_email)
    account = session.get(Account, principal.account_id)
    if account is None:
        raise NotFound("account not found", code="account.not_found")
    if new == account.email:
        raise InvalidInput(
            "this is already your address",
            code="account.same_email",
            problems=[{"path": "new_email", "msg": "same as now"}],
        )
    throttle.take(
        session, bucket="email_change.account", key=account.id, limit=5, window=_HOUR, now=now
    )
    taken = session.scalar(select(Account.id).where(Account.email == new)) is not None
    _void(session, account_id=account.id, purpose="email_change", now=now)
    if not taken:
        secret = _new_token(
            session,
            account_id=account.id,
            purpose="email_change",
            now=now,
            ttl=dt.timedelta(minutes=settings.password_reset_ttl_min),
            detail={"email": new},
        )
        account_mail.email_change_link(session, to=new, token=secret, settings=settings, now=now)
    account_mail.email_change_notice(session, to=account.email, new_email=None, now=now)
    session.commit()


def confirm_email_change(session: Session, *, token: str, now: dt.datetime) -> AccountView:
    """Move the account to the confirmed new address; every session ends.

    Errors: ``email_change.invalid_token`` (422), ``account.duplicate`` (409: the address
    got an account meanwhile).
    """
    row = _redeem(session, token=token, purpose="email_change", now=now)
    account = session.get(Account, row.account_id)
    if account is None:
        raise NotFound("account not found", code="account.not_found")
    new = str(row.detail["email"])
    if session.scalar(select(Account.id).where(Account.email == new)) is not None:
        raise Conflict("an account with this e-mail already exists", code="account.duplicate")
    old = account.email
    account.email = new
    row.used_at = now
    throttle.forget_email(session, email=old)
    sessions.revoke_all(session, account_id=account.id, now=now)
    account_mail.email_change_notice(session, to=old, new_email=new, now=now)
    session.commit()
    return account_view(session, account)


__all__ = [
    "change_password",
    "confirm_email_change",
    "confirm_password_reset",
    "request_email_change",
    "request_password_reset",
    "reset_token_valid",
]
