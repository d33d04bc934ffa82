"""Log-in (password, then TOTP when the account has it), re-authentication, e-mail addresses.

Same answer and the same work for a wrong password on a real account and for an unknown
address: one argon2 verification either way (services.passwords), one failed attempt recorded,
``401 auth.invalid_credentials``. Throttled per (e-mail, client) with back-off and per client
(services.throttle); never a hard lock of the account.

With TOTP on, a right password alone gives a short-lived :class:`TotpChallenge` (or, with
``totp_code`` in the same call, the session at once); :func:`complete_login` trades the
challenge and a code for the session. A clinician or admin without TOTP (when
``staff_totp_required``) gets a session of scope ``totp_enrolment`` that can only enrol.

Sessions themselves (issue, authenticate, list, revoke, rotate) live in services.sessions; the
names are re-exported here for callers of the earlier single module.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.errors import Forbidden, InvalidInput, TooManyRequests, Unauthenticated
from backstride.services import passwords, sessions, throttle, totp
from backstride.services.passwords import hash_password, password_problems
from backstride.services.policy import Principal
from backstride.services.sessions import (
    IssuedToken,
    PresentedToken,
    authenticate,
    check_csrf,
    issue_token,
    log_out,
    principal_for,
    token_hash,
)
from backstride.store.models import Account, AccountToken, AuthToken
from backstride.units import new_id

RateLimited = TooManyRequests
"""The 429 error (kept under its first name)."""

CHALLENGE_TTL = dt.timedelta(minutes=5)
CHALLENGE_MAX_ATTEMPTS = 5
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_KINDS = ("session", "bearer")


@dataclass(frozen=True, slots=True)
class TotpChallenge:
    """The password was right; send a TOTP (or recovery) code with ``challenge``."""

    challenge: str
    expires_at: dt.datetime


def normalise_email(email: str) -> str:
    """Lower-cased, trimmed e-mail, or ``account.invalid_email``."""
    value = email.strip().lower()
    if not _EMAIL.match(value) or len(value) > 254:
        raise InvalidInput(
            "this is not an e-mail address",
            code="account.invalid_email",
            problems=[{"path": "email", "msg": "not an e-mail address"}],
        )
    return value


def _invalid_credentials() -> Unauthenticated:
    return Unauthenticated("wrong e-mail or password", code="auth.invalid_credentials")


def _finish(
    session: Session,
    *,
    account: Account,
    kind: str,
    client: str | None,
    now: dt.datetime,
    settings: Settings | None,
    user_agent: str | None,
    replaces_token: str | None,
) -> IssuedToken:
    throttle.record_login(session, email=account.email, client=client, success=True, now=now)
    if replaces_token:  # a log-in from a browser that already had a session: never reuse it
        old = session.scalar(
            select(AuthToken).where(AuthToken.token_hash == token_hash(replaces_token))
        )
        if old is not None and old.revoked_at is None:
            old.revoked_at = now
    needs_enrolment = totp.totp_required(account.role, settings) and account.totp_enabled_at is None
    issued = issue_token(
        session,
        account=account,
        kind=kind,
        now=now,
        settings=settings,
        scope="totp_enrolment" if needs_enrolment else "full",
        user_agent=user_agent,
        client=client,
    )
    session.commit()
    return issued


def log_in(
    session: Session,
    *,
    email: str,
    password: str,
    kind: str,
    client: str | None,
    now: dt.datetime,
    settings: Settings | None = None,
    totp_code: str | None = None,
    user_agent: str | None = None,
    replaces_token: str | None = None,
) -> IssuedToken | TotpChallenge:
    """Check the password (throttled) and issue a ``session`` or ``bearer`` token.

    Returns a :class:`TotpChallenge` instead when the account has TOTP and no ``totp_code``
    came along. ``replaces_token``: the browser's current session secret, revoked on success
    (no session fixation). Errors: ``auth.invalid_credentials`` (401), ``auth.totp_invalid``
    (401), ``auth.rate_limited`` (429), ``auth.invalid_kind`` (422).
    """
    if kind not in _KINDS:
        raise InvalidInput("kind must be 'session' or 'bearer'", code="auth.invalid_kind")
    email = email.strip().lower()[:254]
    throttle.check_login(session, email=email, client=client, now=now)
    account = session.scalar(select(Account).where(Account.email == email))
    usable = account is not None and account.is_active
    ok = passwords.verify_password(account.password_hash if usable and account else None, password)
    if not ok or account is None:
        throttle.record_login(session, email=email, client=client, success=False, now=now)
        session.commit()
        raise _invalid_credentials()
    if account.totp_enabled_at is not None:
        if totp_code is None:
            challenge = _challenge(session, account=account, kind=kind, now=now)
            session.commit()
            return challenge
        if not totp.verify_second_factor(session, account=account, code=totp_code, now=now):
            throttle.record_login(session, email=email, client=client, success=False, now=now)
            session.commit()
            raise Unauthenticated("that code is not right", code="auth.totp_invalid")
    return _finish(
        session,
        account=account,
        kind=kind,
        client=client,
        now=now,
        settings=settings,
        user_agent=user_agent,
        replaces_token=replaces_token,
    )


def _challenge(session: Session, *, account: Account, kind: str, now: dt.datetime) -> TotpChallenge:
    secret = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            id=new_id(),
            account_id=account.id,
            purpose="login_challenge",
            token_hash=token_hash(secret),
            created_at=now,
            expires_at=now + CHALLENGE_TTL,
            detail={"kind": kind},
        )
    )
    return TotpChallenge(challenge=secret, expires_at=now + CHALLENGE_TTL)


def complete_login(
    session: Session,
    *,
    challenge: str,
    code: str,
    client: str | None,
    now: dt.datetime,
    settings: Settings | None = None,
    user_agent: str | None = None,
    replaces_token: str | None = None,
) -> IssuedToken:
    """Trade a log-in challenge and a TOTP (or recovery) code for the session or token.

    A challenge lasts 5 minutes and 5 wrong codes; wrong codes count as failed log-ins of the
    (e-mail, client) pair. Errors: ``auth.challenge_invalid`` (401, unknown, used or expired),
    ``auth.totp_invalid`` (401), ``auth.rate_limited`` (429).
    """
    row = session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == token_hash(challenge),
            AccountToken.purpose == "login_challenge",
        )
    )
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise Unauthenticated(
            "this log-in has expired; start again with your password",
            code="auth.challenge_invalid",
        )
    account = session.get(Account, row.account_id)
    if account is None or not account.is_active:
        raise Unauthenticated("please log in", code="auth.challenge_invalid")
    throttle.check_login(session, email=account.email, client=client, now=now)
    if not totp.verify_second_factor(session, account=account, code=code, now=now):
        row.attempts += 1
        if row.attempts >= CHALLENGE_MAX_ATTEMPTS:
            row.used_at = now
        throttle.record_login(session, email=account.email, client=client, success=False, now=now)
        session.commit()
        raise Unauthenticated("that code is not right", code="auth.totp_invalid")
    row.used_at = now
    return _finish(
        session,
        account=account,
        kind=str(row.detail.get("kind", "session")),
        client=client,
        now=now,
        settings=settings,
        user_agent=user_agent,
        replaces_token=replaces_token,
    )


def check_credentials(
    session: Session,
    *,
    principal: Principal,
    password: str,
    totp_code: str | None,
    client: str | None,
    now: dt.datetime,
    require_code: bool = True,
) -> Account:
    """My account if the password (and, with TOTP on and ``require_code``, the code) is right.

    Throttled like a log-in; a failure counts as one and is committed. Errors:
    ``auth.reauth_failed`` (403), ``auth.rate_limited`` (429).
    """
    throttle.check_login(session, email=principal.email, client=client, now=now)
    account = session.get(Account, principal.account_id)
    ok = passwords.verify_password(account.password_hash if account else None, password)
    if ok and account is not None and account.totp_enabled_at is not None and require_code:
        ok = totp_code is not None and totp.verify_second_factor(
            session, account=account, code=totp_code, now=now
        )
    if not ok or account is None:
        throttle.record_login(session, email=principal.email, client=client, success=False, now=now)
        session.commit()
        raise Forbidden("the password or code is not right", code="auth.reauth_failed")
    return account


def reauthenticate(
    session: Session,
    *,
    principal: Principal,
    password: str,
    totp_code: str | None,
    client: str | None,
    now: dt.datetime,
) -> dt.datetime:
    """Prove the password (and TOTP) again on this session; when the proof runs out is
    ``returned + reauth_window_min``. Needed before deleting the account or changing e-mail,
    password or second factor."""
    if principal.token_id is None:
        raise Unauthenticated("please log in", code="auth.required")
    check_credentials(
        session,
        principal=principal,
        password=password,
        totp_code=totp_code,
        client=client,
        now=now,
    )
    sessions.mark_reauthenticated(session, token_id=principal.token_id, now=now)
    session.commit()
    return now


__all__ = [
    "CHALLENGE_TTL",
    "IssuedToken",
    "PresentedToken",
    "RateLimited",
    "TotpChallenge",
    "authenticate",
    "check_credentials",
    "check_csrf",
    "complete_login",
    "hash_password",
    "issue_token",
    "log_in",
    "log_out",
    "normalise_email",
    "password_problems",
    "principal_for",
    "reauthenticate",
    "token_hash",
]
