"""The e-mails accounts send: sign-up link, "someone tried to register", password reset,
change notices. Each is queued in the transactional outbox (services.outbox) inside the
caller's transaction, so a message goes out if and only if the change it tells of commits.

Texts are plain, say what happened and what to do if it was not you, and never carry health
data. Links start with ``settings.public_base_url``; the pages they open are the web app's.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.services import outbox
from backstride.services.mail import Mail
from backstride.store.models import Account, OutboxMessage
from backstride.units import new_id

REGISTRATION_PAGE = "/confirm-registration"
RESET_PAGE = "/reset-password"
EMAIL_CHANGE_PAGE = "/confirm-email"
_SIGN_OFF = "\n\n-- \nbackstride (this message was sent automatically)\n"


def link(settings: Settings, page: str, token: str) -> str:
    """``{public_base_url}{page}?token=...``."""
    return f"{settings.public_base_url.rstrip('/')}{page}?token={quote(token)}"


def _send(
    session: Session, *, kind: str, to: str, subject: str, body: str, now: dt.datetime
) -> None:
    account_id = session.scalar(select(Account.id).where(Account.email == to))
    outbox.enqueue(
        session,
        mail=Mail(to_addr=to, subject=subject, body_text=body + _SIGN_OFF),
        kind=f"account.{kind}",
        dedup_key=f"account.{kind}:{new_id()}",
        now=now,
        account_id=account_id,
    )


def forget_recipient(session: Session, *, to: str) -> int:
    """Remove every message to ``to``, sent or not (account deletion); how many."""
    result = session.execute(delete(OutboxMessage).where(OutboxMessage.to_addr == to))
    return int(getattr(result, "rowcount", 0) or 0)


def registration_link(
    session: Session, *, to: str, token: str, settings: Settings, valid_h: int, now: dt.datetime
) -> None:
    """The link that completes a sign-up."""
    _send(
        session,
        kind="registration_link",
        to=to,
        subject="Confirm your backstride account",
        body=(
            "Hello,\n\nsomeone (we hope you) signed up for backstride with this address. "
            f"Open this link within {valid_h} hours to finish:\n\n"
            f"{link(settings, REGISTRATION_PAGE, token)}\n\n"
            "If it was not you, ignore this message: no account is made without the link."
        ),
        now=now,
    )


def registration_attempt_on_existing(
    session: Session, *, to: str, settings: Settings, now: dt.datetime
) -> None:
    """Told to an existing account holder when their address is used to sign up again."""
    _send(
        session,
        kind="registration_attempt",
        to=to,
        subject="Someone tried to sign up with your address",
        body=(
            "Hello,\n\nsomeone tried to create a new backstride account with this address, "
            "which already has an account. Nothing was changed.\n\n"
            "If that was you and you have forgotten your password, reset it here:\n\n"
            f"{settings.public_base_url.rstrip('/')}/forgot-password\n\n"
            "If it was not you, you need do nothing."
        ),
        now=now,
    )


def password_reset_link(
    session: Session, *, to: str, token: str, settings: Settings, now: dt.datetime
) -> None:
    """The one-time link that sets a new password."""
    _send(
        session,
        kind="password_reset",
        to=to,
        subject="Reset your backstride password",
        body=(
            "Hello,\n\nsomeone (we hope you) asked to reset the password of the backstride "
            f"account with this address. The link works once, for "
            f"{settings.password_reset_ttl_min} minutes:\n\n"
            f"{link(settings, RESET_PAGE, token)}\n\n"
            "Setting a new password signs you out everywhere. If you did not ask for this, "
            "ignore this message: your password stays as it is."
        ),
        now=now,
    )


def password_changed(session: Session, *, to: str, now: dt.datetime) -> None:
    """Told after any change of the password (change or reset)."""
    _send(
        session,
        kind="password_changed",
        to=to,
        subject="Your backstride password was changed",
        body=(
            "Hello,\n\nthe password of your backstride account was just changed, and every "
            "other session was signed out.\n\nIf this was not you, reset your password at once "
            "and tell your clinic."
        ),
        now=now,
    )


def email_change_link(
    session: Session, *, to: str, token: str, settings: Settings, now: dt.datetime
) -> None:
    """Sent to the new address: the link that moves the account to it."""
    _send(
        session,
        kind="email_change_link",
        to=to,
        subject="Confirm your new backstride address",
        body=(
            "Hello,\n\nsomeone (we hope you) asked to use this address for their backstride "
            f"account. Open this link within {settings.password_reset_ttl_min} minutes to "
            f"confirm:\n\n{link(settings, EMAIL_CHANGE_PAGE, token)}\n\n"
            "If it was not you, ignore this message."
        ),
        now=now,
    )


def email_change_notice(
    session: Session, *, to: str, new_email: str | None, now: dt.datetime
) -> None:
    """Sent to the old address: a change was asked for (``None``) or made (the new address)."""
    what = (
        f"is now {new_email}; every session was signed out"
        if new_email
        else "is about to change: a confirmation link went to the new address"
    )
    _send(
        session,
        kind="email_change_notice",
        to=to,
        subject="Your backstride e-mail address",
        body=(
            f"Hello,\n\nthe e-mail address of your backstride account {what}.\n\n"
            "If this was not you, reset your password at once and tell your clinic."
        ),
        now=now,
    )


def second_factor_changed(session: Session, *, to: str, enabled: bool, now: dt.datetime) -> None:
    """Told when a second factor is turned on, off, or reset by an admin."""
    state = "turned on" if enabled else "removed"
    _send(
        session,
        kind="second_factor",
        to=to,
        subject=f"Second factor {state} on your backstride account",
        body=(
            f"Hello,\n\nthe authenticator-app code (second factor) of your backstride account "
            f"was {state}.\n\nIf this was not you, reset your password at once and tell your "
            "clinic."
        ),
        now=now,
    )


__all__ = [
    "EMAIL_CHANGE_PAGE",
    "REGISTRATION_PAGE",
    "RESET_PAGE",
    "email_change_link",
    "email_change_notice",
    "forget_recipient",
    "link",
    "password_changed",
    "password_reset_link",
    "registration_attempt_on_existing",
    "registration_link",
    "second_factor_changed",
]
