"""Sessions and bearer tokens: issue, authenticate (lifetime and idle timeout), list, revoke,
rotate, and the "signed in recently" check before sensitive changes.

Only SHA-256 hashes of secrets are stored (``AuthToken.token_hash``), so a copy of the database
lets nobody sign in. Lifetimes (docs/decisions/0023-sessions.md):

- fixed: a runner's browser session 14 days, a clinician's or admin's 12 hours (NIST SP
  800-63B-4 §2.2.3: AAL2 reauthentication at least every 24 hours), bearer tokens 90 days;
- idle: a runner 7 days (``runner_idle_timeout_min``), staff 30 minutes — the clinic setting
  ``session.idle_timeout_min`` (the lowest of the clinician's clinics), else
  ``staff_idle_timeout_min`` (OWASP ASVS 5.0 7.3.1; NIST SP 800-63B-4 AAL2: 1 hour at most).
  The idle limit is fixed when the token is issued; ``last_seen_at`` moves at most once a
  minute (one small write, not one per request).

A session is rotated — a new secret, every other session of the account revoked — on log-in,
password change or reset, and TOTP enrolment or reset (ASVS 5.0 7.2.4, 7.4.3).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.errors import Forbidden, NotFound, Unauthenticated
from backstride.services.policy import Principal
from backstride.store.models import Account, AuthToken, ClinicMember, ClinicSetting, Runner
from backstride.units import new_id

SESSION_TTL = dt.timedelta(days=14)
STAFF_SESSION_TTL = dt.timedelta(hours=12)
BEARER_TTL = dt.timedelta(days=90)
TOUCH_EVERY = dt.timedelta(minutes=1)
"""``last_seen_at`` is written when it is at least this old (idle times are whole minutes)."""
IDLE_SETTING = "session.idle_timeout_min"
"""The clinic setting (services.clinic_settings) that sets its clinicians' idle timeout."""
SCOPES = ("full", "totp_enrolment")


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A freshly issued secret (shown once) and, for browser sessions, its CSRF token."""

    token: str
    csrf_token: str | None
    kind: str
    expires_at: dt.datetime
    principal: Principal


@dataclass(frozen=True, slots=True)
class PresentedToken:
    """What a request needs of its token row after authentication (the CSRF check)."""

    csrf_hash: str | None


@dataclass(frozen=True, slots=True)
class SessionView:
    """One of my active sessions or tokens, as the "where am I signed in" list shows it."""

    id: str
    kind: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    idle_expires_at: dt.datetime | None
    user_agent: str | None
    client: str | None
    current: bool


def token_hash(secret: str) -> str:
    """SHA-256 hex of a token secret (what the store keeps)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _default(name: str) -> int:
    value = Settings.model_fields[name].default
    assert isinstance(value, int)
    return value


def idle_timeout_min(
    session: Session, *, account_id: str, role: str, settings: Settings | None
) -> int:
    """The idle timeout of a new session of this account, in minutes."""
    if role == "runner":
        if settings is None:
            return _default("runner_idle_timeout_min")
        return settings.runner_idle_timeout_min
    staff = (
        _default("staff_idle_timeout_min") if settings is None else settings.staff_idle_timeout_min
    )
    if role != "clinician":
        return staff
    values = session.scalars(
        select(ClinicSetting.value)
        .join(ClinicMember, ClinicMember.clinic_id == ClinicSetting.clinic_id)
        .where(ClinicMember.account_id == account_id, ClinicSetting.key == IDLE_SETTING)
    ).all()
    chosen = [int(float(v)) for v in values if v is not None]
    return min(chosen) if chosen else staff


def principal_for(session: Session, account: Account, *, via_cookie: bool = False) -> Principal:
    """The principal of an account (with its runner id for runners), outside any session."""
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


def issue_token(
    session: Session,
    *,
    account: Account,
    kind: str,
    now: dt.datetime,
    settings: Settings | None = None,
    scope: str = "full",
    user_agent: str | None = None,
    client: str | None = None,
) -> IssuedToken:
    """Add a session (with CSRF token) or bearer token for ``account`` (not committed).

    Issuing follows a password check, so the new token counts as freshly authenticated.
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown token scope {scope!r}")
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32) if kind == "session" else None
    if kind == "session":
        ttl = SESSION_TTL if account.role == "runner" else STAFF_SESSION_TTL
    else:
        ttl = BEARER_TTL
    idle_min = idle_timeout_min(
        session, account_id=account.id, role=account.role, settings=settings
    )
    row = AuthToken(
        id=new_id(),
        account_id=account.id,
        token_hash=token_hash(secret),
        kind=kind,
        csrf_hash=token_hash(csrf) if csrf else None,
        created_at=now,
        expires_at=now + ttl,
        scope=scope,
        last_seen_at=now,
        idle_timeout_s=idle_min * 60,
        reauth_at=now,
        user_agent=(user_agent or None) and user_agent[:200],
        client=client,
    )
    session.add(row)
    principal = principal_for(session, account, via_cookie=kind == "session")
    return IssuedToken(
        token=secret,
        csrf_token=csrf,
        kind=kind,
        expires_at=row.expires_at,
        principal=Principal(
            account_id=principal.account_id,
            role=principal.role,
            email=principal.email,
            display_name=principal.display_name,
            runner_id=principal.runner_id,
            via_cookie=principal.via_cookie,
            token_id=row.id,
            scope=scope,
            reauth_at=now,
        ),
    )


# Built once: this runs on every request (plain columns on the Core connection; 2 of the
# patient list's 5 ms of CPU went to building and loading ORM entities here).
_AUTHENTICATE = (
    select(
        AuthToken.id.label("token_id"),
        AuthToken.revoked_at,
        AuthToken.created_at,
        AuthToken.expires_at,
        AuthToken.csrf_hash,
        AuthToken.scope,
        AuthToken.last_seen_at,
        AuthToken.idle_timeout_s,
        AuthToken.reauth_at,
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
_TOUCH = (
    update(AuthToken)
    .where(AuthToken.id == bindparam("token_id"))
    .values(last_seen_at=bindparam("now"))
)


def _idle_deadline(
    last_seen_at: dt.datetime | None, created_at: dt.datetime, idle_timeout_s: int | None
) -> dt.datetime | None:
    if idle_timeout_s is None:
        return None
    return (last_seen_at or created_at) + dt.timedelta(seconds=idle_timeout_s)


def authenticate(
    session: Session, *, token: str, now: dt.datetime, via_cookie: bool = False
) -> tuple[Principal, PresentedToken]:
    """The principal behind a token secret, or 401.

    ``auth.required`` for an unknown or revoked token, ``auth.session_expired`` past the fixed
    lifetime or the idle timeout. One query (token, account and runner id joined) per request;
    at most once a minute one short write moves ``last_seen_at`` (committed at once).
    """
    found = session.connection().execute(_AUTHENTICATE, {"token_hash": token_hash(token)}).first()
    if found is None or found.revoked_at is not None or not found.is_active:
        raise Unauthenticated("please log in", code="auth.required")
    idle_until = _idle_deadline(found.last_seen_at, found.created_at, found.idle_timeout_s)
    if found.expires_at <= now or (idle_until is not None and idle_until <= now):
        raise Unauthenticated(
            "your session has ended; please log in again", code="auth.session_expired"
        )
    if found.last_seen_at is None or now - found.last_seen_at >= TOUCH_EVERY:
        session.connection().execute(_TOUCH, {"token_id": found.token_id, "now": now})
        session.commit()
    principal = Principal(
        account_id=found.id,
        role=found.role,
        email=found.email,
        display_name=found.display_name,
        runner_id=found.runner_id if found.role == "runner" else None,
        via_cookie=via_cookie,
        token_id=found.token_id,
        scope=found.scope,
        reauth_at=found.reauth_at,
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


def _active(account_id: str, now: dt.datetime):  # type: ignore[no-untyped-def]
    return select(AuthToken).where(
        AuthToken.account_id == account_id,
        AuthToken.revoked_at.is_(None),
        AuthToken.expires_at > now,
    )


def list_sessions(session: Session, *, principal: Principal, now: dt.datetime) -> list[SessionView]:
    """My sessions and tokens still in force, the most recently used first."""
    out = []
    for row in session.scalars(_active(principal.account_id, now)):
        idle_until = _idle_deadline(row.last_seen_at, row.created_at, row.idle_timeout_s)
        if idle_until is not None and idle_until <= now:
            continue
        out.append(
            SessionView(
                id=row.id,
                kind=row.kind,
                created_at=row.created_at,
                last_seen_at=row.last_seen_at or row.created_at,
                expires_at=row.expires_at,
                idle_expires_at=idle_until,
                user_agent=row.user_agent,
                client=row.client,
                current=row.id == principal.token_id,
            )
        )
    out.sort(key=lambda s: (s.last_seen_at, s.created_at), reverse=True)
    return out


def revoke_session(
    session: Session, *, principal: Principal, session_id: str, now: dt.datetime
) -> None:
    """Log out one of my sessions (``session.not_found`` for anyone else's or an unknown id)."""
    row = session.get(AuthToken, session_id)
    if row is None or row.account_id != principal.account_id:
        raise NotFound("no such session", code="session.not_found")
    if row.revoked_at is None:
        row.revoked_at = now
    session.commit()


def revoke_all(
    session: Session, *, account_id: str, now: dt.datetime, except_token_id: str | None = None
) -> int:
    """Revoke every token of the account but ``except_token_id`` (not committed); how many."""
    statement = (
        update(AuthToken)
        .where(AuthToken.account_id == account_id, AuthToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    if except_token_id is not None:
        statement = statement.where(AuthToken.id != except_token_id)
    result = session.execute(statement.execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def log_out_everywhere(
    session: Session, *, principal: Principal, now: dt.datetime, keep_current: bool = False
) -> int:
    """Revoke all my sessions and tokens (but this one with ``keep_current``); how many."""
    keep = principal.token_id if keep_current else None
    count = revoke_all(session, account_id=principal.account_id, now=now, except_token_id=keep)
    session.commit()
    return count


def end_all_sessions(session: Session, *, account_ref: str, now: dt.datetime) -> int:
    """Log an account (id or e-mail) out everywhere (the CLI's ``admin end-sessions``)."""
    account = session.get(Account, account_ref) or session.scalar(
        select(Account).where(Account.email == account_ref.strip().lower())
    )
    if account is None:
        raise NotFound("no account with this e-mail or id", code="account.not_found")
    count = revoke_all(session, account_id=account.id, now=now)
    session.commit()
    return count


def rotate(
    session: Session,
    *,
    account: Account,
    principal: Principal | None,
    now: dt.datetime,
    settings: Settings | None,
    kind: str | None = None,
) -> IssuedToken | None:
    """Revoke every token of the account and, if ``principal`` came with one, issue its
    replacement (same kind and device; full scope). Not committed."""
    current = (
        session.get(AuthToken, principal.token_id) if principal and principal.token_id else None
    )
    revoke_all(session, account_id=account.id, now=now)
    if current is None:
        return None
    return issue_token(
        session,
        account=account,
        kind=kind or current.kind,
        now=now,
        settings=settings,
        user_agent=current.user_agent,
        client=current.client,
    )


def require_recent_auth(principal: Principal, *, now: dt.datetime, settings: Settings) -> None:
    """``auth.reauth_required`` (403) unless this session proved the password recently."""
    window = dt.timedelta(minutes=settings.reauth_window_min)
    if principal.reauth_at is None or now - principal.reauth_at > window:
        raise Forbidden(
            f"confirm your password (and code) first: POST /auth/reauthenticate; it counts for "
            f"{settings.reauth_window_min} minutes",
            code="auth.reauth_required",
        )


def mark_reauthenticated(session: Session, *, token_id: str, now: dt.datetime) -> None:
    """Record a fresh password (and TOTP) check on this session (not committed)."""
    session.execute(
        update(AuthToken)
        .where(AuthToken.id == token_id)
        .values(reauth_at=now)
        .execution_options(synchronize_session=False)
    )


def count_active(session: Session, *, account_id: str, now: dt.datetime) -> int:
    """How many tokens of the account are unrevoked and unexpired (tests, admin)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(AuthToken)
            .where(
                AuthToken.account_id == account_id,
                AuthToken.revoked_at.is_(None),
                AuthToken.expires_at > now,
            )
        )
        or 0
    )


__all__ = [
    "BEARER_TTL",
    "IDLE_SETTING",
    "SESSION_TTL",
    "STAFF_SESSION_TTL",
    "IssuedToken",
    "PresentedToken",
    "SessionView",
    "authenticate",
    "check_csrf",
    "count_active",
    "end_all_sessions",
    "idle_timeout_min",
    "issue_token",
    "list_sessions",
    "log_out",
    "log_out_everywhere",
    "mark_reauthenticated",
    "principal_for",
    "require_recent_auth",
    "revoke_all",
    "revoke_session",
    "rotate",
    "token_hash",
]
