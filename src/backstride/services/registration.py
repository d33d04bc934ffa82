"""Sign-up by e-mailed link: the same answer for a new and a taken address.

:func:`register` checks the form (e-mail format, name, password rules — none of which depend on
who has an account), hashes the password in every case (the same work), and then:

- a new address: a pending sign-up is stored and a link is e-mailed; the account and runner
  profile are made only when :func:`confirm_registration` gets that link's token;
- a taken address: the holder gets an e-mail saying someone tried to sign up with it, with
  the way to reset the password.

Either way the caller hears "check your e-mail" (API: 202). Making the account at once for a
new address would let anyone learn that an address was free by logging in with the password
just chosen (docs/decisions/0020-registration-without-enumeration.md).

Limits: 10 sign-ups an hour per client address (429), and at most 3 e-mails an hour to one
address (silently: the answer does not change).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.errors import InvalidInput
from backstride.services import account_mail, passwords, sessions, throttle
from backstride.services.accounts import AccountView, clean_display_name, create_runner_account
from backstride.services.auth import normalise_email
from backstride.store.models import Account, PendingRegistration
from backstride.units import new_id

LINK_TTL = dt.timedelta(hours=24)
SIGNUPS_PER_CLIENT = 10  # [default] per hour
MAILS_PER_ADDRESS = 3  # [default] per hour
_HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class RegistrationRequested:
    """What the caller is told, whatever the address: a link is on its way if one is due."""

    email: str
    link_valid_until: dt.datetime


def register(
    session: Session,
    *,
    email: str,
    password: str,
    display_name: str,
    client: str | None,
    now: dt.datetime,
    settings: Settings,
) -> RegistrationRequested:
    """Start a runner sign-up (see the module docstring); one commit.

    Errors: ``account.invalid_email``, ``account.invalid_name``, ``account.weak_password``
    (422, every broken rule listed), ``auth.rate_limited`` (429).
    """
    problems: list[dict[str, str]] = []
    try:
        email = normalise_email(email)
    except InvalidInput as exc:
        problems.extend(dict(p) for p in exc.problems)
    try:
        name = clean_display_name(display_name)
    except InvalidInput as exc:
        problems.extend(dict(p) for p in exc.problems)
        name = ""
    password_rules = passwords.password_problems(password, email=email, user_inputs=[name])
    if problems or password_rules:
        code = "account.weak_password" if password_rules and not problems else "account.invalid"
        if len(problems) == 1 and not password_rules:
            code = (
                "account.invalid_email"
                if problems[0]["path"] == "email"
                else "account.invalid_name"
            )
        raise InvalidInput(
            "the sign-up form has problems", code=code, problems=problems + password_rules
        )
    if client:
        throttle.take(
            session,
            bucket="register.client",
            key=client,
            limit=SIGNUPS_PER_CLIENT,
            window=_HOUR,
            now=now,
        )
    password_hash = passwords.HASHER.hash(password)  # in both cases: the same work
    mail_due = throttle.allowed(
        session, bucket="register.email", key=email, limit=MAILS_PER_ADDRESS, window=_HOUR, now=now
    )
    taken = session.scalar(select(Account.id).where(Account.email == email)) is not None
    if taken:
        if mail_due:
            account_mail.registration_attempt_on_existing(
                session, to=email, settings=settings, now=now
            )
    elif mail_due:
        session.execute(delete(PendingRegistration).where(PendingRegistration.email == email))
        secret = secrets.token_urlsafe(32)
        session.add(
            PendingRegistration(
                id=new_id(),
                email=email,
                password_hash=password_hash,
                display_name=name,
                token_hash=sessions.token_hash(secret),
                created_at=now,
                expires_at=now + LINK_TTL,
            )
        )
        account_mail.registration_link(
            session,
            to=email,
            token=secret,
            settings=settings,
            valid_h=int(LINK_TTL.total_seconds() // 3600),
            now=now,
        )
    session.commit()
    return RegistrationRequested(email=email, link_valid_until=now + LINK_TTL)


def confirm_registration(session: Session, *, token: str, now: dt.datetime) -> AccountView:
    """Make the account and runner profile of a pending sign-up from its e-mailed token.

    Errors: ``registration.invalid_token`` (422: unknown, used, expired, or the address got an
    account meanwhile).
    """
    pending = session.scalar(
        select(PendingRegistration).where(
            PendingRegistration.token_hash == sessions.token_hash(token.strip())
        )
    )
    invalid = InvalidInput(
        "this link is not valid any more; sign up again",
        code="registration.invalid_token",
        problems=[{"path": "token", "msg": "unknown, used or expired"}],
    )
    if pending is None or pending.expires_at <= now:
        raise invalid
    email = pending.email
    taken = session.scalar(select(Account.id).where(Account.email == email)) is not None
    session.execute(delete(PendingRegistration).where(PendingRegistration.email == email))
    if taken:
        session.commit()
        raise invalid
    view = create_runner_account(
        session,
        email=email,
        password_hash=pending.password_hash,
        display_name=pending.display_name,
        now=now,
    )
    session.commit()
    return view


__all__ = ["LINK_TTL", "RegistrationRequested", "confirm_registration", "register"]
