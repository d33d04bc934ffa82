"""Passwords (argon2id), password rules, log-in with rate limiting, session and bearer tokens.

Only SHA-256 hashes of tokens are stored (``AuthToken.token_hash``), so a copy of the database
does not let anyone sign in. Failed log-ins are stored in ``LoginAttempt`` so that several API
processes share one rate limit, per e-mail address and per client address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import ClassVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from backstride.errors import BackstrideError, Forbidden, InvalidInput, Unauthenticated
from backstride.services.policy import Principal
from backstride.store.models import Account, AuthToken, LoginAttempt, Runner
from backstride.units import new_id

HASHER = PasswordHasher()
"""argon2id with argon2-cffi's RFC 9106 low-memory defaults (t=3, m=64 MiB, p=4)."""

SESSION_TTL = dt.timedelta(days=14)
BEARER_TTL = dt.timedelta(days=90)
RATE_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5  # [default] OWASP Authentication Cheat Sheet suggests a small number
MAX_FAILURES_PER_CLIENT = 20  # [default]
MIN_PASSWORD_LENGTH = 10  # [default] NIST SP 800-63B (2017) asks for at least 8
MAX_PASSWORD_LENGTH = 128
_COMMON = frozenset(
    {"password", "password1", "123456789", "1234567890", "qwertyuiop", "letmein123", "iloveyou12"}
)
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


class RateLimited(BackstrideError):
    """Too many failed log-ins; wait and try again."""

    status: ClassVar[int] = 429
    default_code: ClassVar[str] = "auth.rate_limited"


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A freshly issued secret (shown once) and, for browser sessions, its CSRF token."""

    token: str
    csrf_token: str | None
    kind: str
    expires_at: dt.datetime
    principal: Principal


def token_hash(secret: str) -> str:
    """SHA-256 hex of a token secret (what the store keeps)."""
    return hashlib.sha256(secret.encode()).hexdigest()


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


def password_problems(password: str, *, email: str) -> list[dict[str, str]]:
    """Every rule the password breaks (empty list: acceptable)."""
    problems: list[dict[str, str]] = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append({"path": "password", "msg": f"at least {MIN_PASSWORD_LENGTH} characters"})
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append({"path": "password", "msg": f"at most {MAX_PASSWORD_LENGTH} characters"})
    if password and len(set(password)) < 4:
        problems.append({"path": "password", "msg": "use at least 4 different characters"})
    if password.lower() in _COMMON:
        problems.append({"path": "password", "msg": "this password is too common"})
    if email and password.lower() == email.lower():
        problems.append({"path": "password", "msg": "must differ from the e-mail address"})
    return problems


def hash_password(password: str, *, email: str) -> str:
    """An argon2id hash, after checking the password rules (``account.weak_password``)."""
    problems = password_problems(password, email=email)
    if problems:
        raise InvalidInput(
            "the password does not meet the rules", code="account.weak_password", problems=problems
        )
    return HASHER.hash(password)


def _verify(stored_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _check_rate(session: Session, *, email: str, client: str | None, now: dt.datetime) -> None:
    since = now - RATE_WINDOW
    failures = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.success.is_(False), LoginAttempt.at >= since)
    )
    by_email = session.scalar(failures.where(LoginAttempt.email == email)) or 0
    by_client = 0
    if client:
        by_client = session.scalar(failures.where(LoginAttempt.client == client)) or 0
    if by_email >= MAX_FAILURES_PER_EMAIL or by_client >= MAX_FAILURES_PER_CLIENT:
        raise RateLimited(
            "too many failed log-ins; wait 15 minutes and try again", code="auth.rate_limited"
        )


def principal_for(session: Session, account: Account, *, via_cookie: bool = False) -> Principal:
    """The principal of an account (with its runner id for runners)."""
    runner_id = None
    if account.role == "runner":
        runner_id = session.scalar(select(Runner.id).where(Runner.account_id == account.id))
    return Principal(
        account_id=account.id,
        role=account.role,
        email=account.email,
        display_name=account.display_name,
        runner_id=runner_id,
        via_cookie=via_cookie,
    )


def issue_token(session: Session, *, account: Account, kind: str, now: dt.datetime) -> IssuedToken:
    """Add a session (with CSRF token) or bearer token for ``account`` (not committed)."""
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32) if kind == "session" else None
    expires_at = now + (SESSION_TTL if kind == "session" else BEARER_TTL)
    session.add(
        AuthToken(
            id=new_id(),
            account_id=account.id,
            token_hash=token_hash(secret),
            kind=kind,
            csrf_hash=token_hash(csrf) if csrf else None,
            created_at=now,
            expires_at=expires_at,
        )
    )
    return IssuedToken(
        token=secret,
        csrf_token=csrf,
        kind=kind,
        expires_at=expires_at,
        principal=principal_for(session, account, via_cookie=kind == "session"),
    )


def log_in(
    session: Session,
    *,
    email: str,
    password: str,
    kind: str,
    client: str | None,
    now: dt.datetime,
) -> IssuedToken:
    """Check the password (rate limited) and issue a ``session`` or ``bearer`` token."""
    if kind not in ("session", "bearer"):
        raise InvalidInput("kind must be 'session' or 'bearer'", code="auth.invalid_kind")
    email = email.strip().lower()
    _check_rate(session, email=email, client=client, now=now)
    account = session.scalar(select(Account).where(Account.email == email))
    ok = account is not None and account.is_active and _verify(account.password_hash, password)
    session.add(LoginAttempt(email=email[:254], client=client, at=now, success=ok))
    if not ok or account is None:
        session.commit()
        raise Unauthenticated("wrong e-mail or password", code="auth.invalid_credentials")
    issued = issue_token(session, account=account, kind=kind, now=now)
    session.commit()
    return issued


@dataclass(frozen=True, slots=True)
class PresentedToken:
    """What a request needs of its token row after authentication (the CSRF check)."""

    csrf_hash: str | None


# Built once: this runs on every request (plain columns on the Core connection; 2 of the
# patient list's 5 ms of CPU went to building and loading ORM entities here).
_AUTHENTICATE = (
    select(
        AuthToken.revoked_at,
        AuthToken.expires_at,
        AuthToken.csrf_hash,
        Account.id,
        Account.role,
        Account.email,
        Account.display_name,
        Account.is_active,
        Runner.id.label("runner_id"),
    )
    .join(Account, Account.id == AuthToken.account_id)
    .outerjoin(Runner, Runner.account_id == Account.id)
    .where(AuthToken.token_hash == bindparam("token_hash"))
)


def authenticate(
    session: Session, *, token: str, now: dt.datetime, via_cookie: bool = False
) -> tuple[Principal, PresentedToken]:
    """The principal behind a token secret, or ``auth.required`` (unknown/expired/revoked).

    One query (token, account and runner id joined): this runs on every request.
    """
    found = session.connection().execute(_AUTHENTICATE, {"token_hash": token_hash(token)}).first()
    if found is None:
        raise Unauthenticated("please log in", code="auth.required")
    if found.revoked_at is not None or found.expires_at <= now or not found.is_active:
        raise Unauthenticated("please log in", code="auth.required")
    principal = Principal(
        account_id=found.id,
        role=found.role,
        email=found.email,
        display_name=found.display_name,
        runner_id=found.runner_id if found.role == "runner" else None,
        via_cookie=via_cookie,
    )
    return principal, PresentedToken(csrf_hash=found.csrf_hash)


def check_csrf(row: PresentedToken | AuthToken, *, header_token: str | None) -> None:
    """Cookie-authenticated changes must echo the CSRF token (double-submit header)."""
    if not header_token or row.csrf_hash is None:
        raise Forbidden("missing CSRF token header", code="auth.csrf_failed")
    if not secrets.compare_digest(row.csrf_hash, token_hash(header_token)):
        raise Forbidden("CSRF token does not match", code="auth.csrf_failed")


def log_out(session: Session, *, token: str, now: dt.datetime) -> None:
    """Revoke the token (idempotent)."""
    row = session.scalar(select(AuthToken).where(AuthToken.token_hash == token_hash(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
        session.commit()


__all__ = [
    "HASHER",
    "IssuedToken",
    "PresentedToken",
    "RateLimited",
    "authenticate",
    "check_csrf",
    "hash_password",
    "issue_token",
    "log_in",
    "log_out",
    "normalise_email",
    "password_problems",
    "principal_for",
    "token_hash",
]
