"""Throttles: log-in back-off per (account, client), per-client caps, and counted buckets.

Log-ins (docs/decisions/0021-throttling-and-client-address.md):

- per (e-mail, client address): after :data:`FREE_FAILURES` consecutive failures (since that
  pair's last success, within :data:`BACKOFF_WINDOW`) each further try must wait
  1 s, 2 s, 4 s ... after the latest failure, capped at :data:`BACKOFF_CAP`. The account is
  never locked: the right password from another client still works (issue 18: a hard lock
  per e-mail let anyone lock the admin out). OWASP Authentication Cheat Sheet, "Account
  lockout"; NIST SP 800-63B-4 §3.2.2 (rate limiting, no permanent lock-out).
- per client address: :data:`MAX_CLIENT_FAILURES` failures in :data:`CLIENT_WINDOW`, whatever
  the e-mails, then 429 until the window has room again (password spraying from one address).

Counted buckets (:func:`take`) limit sign-ups and reset requests per client and per e-mail
address. Keys are stored as SHA-256 hex, never in clear.

Every refusal is :class:`~backstride.errors.TooManyRequests` (429, ``auth.rate_limited`` or the
bucket's code) with ``retry_after_s`` (the API's ``Retry-After`` header).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backstride.errors import TooManyRequests
from backstride.store.models import LoginAttempt, RateEvent

FREE_FAILURES = 5  # [default] OWASP Authentication Cheat Sheet: a small number
BACKOFF_WINDOW = dt.timedelta(hours=1)
BACKOFF_CAP = dt.timedelta(minutes=15)
MAX_CLIENT_FAILURES = 50  # [default] one address, any accounts
CLIENT_WINDOW = dt.timedelta(minutes=15)
KEEP_RECORDS = dt.timedelta(days=1)
"""Attempts and bucket events older than this are pruned when the same key is seen again."""


def key_hash(value: str) -> str:
    """SHA-256 hex of a bucket key (e-mail addresses and client addresses are not kept)."""
    return hashlib.sha256(value.encode()).hexdigest()


def backoff_after(failures: int) -> dt.timedelta:
    """The wait after ``failures`` consecutive failures: 0 up to 5, then 1, 2, 4 s ... capped."""
    if failures < FREE_FAILURES:
        return dt.timedelta(0)
    exponent = failures - FREE_FAILURES
    if exponent >= 20:
        return BACKOFF_CAP
    return min(dt.timedelta(seconds=2**exponent), BACKOFF_CAP)


def _wait_s(until: dt.datetime, now: dt.datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds()))


def check_login(session: Session, *, email: str, client: str | None, now: dt.datetime) -> None:
    """Refuse (429) while this (e-mail, client) pair or this client must wait."""
    pair = (
        select(LoginAttempt.success, LoginAttempt.at)
        .where(LoginAttempt.email == email, LoginAttempt.at >= now - BACKOFF_WINDOW)
        .where(LoginAttempt.client.is_(None) if client is None else LoginAttempt.client == client)
        .order_by(LoginAttempt.at.desc(), LoginAttempt.id.desc())
        .limit(FREE_FAILURES + 25)
    )
    failures = 0
    latest: dt.datetime | None = None
    for success, at in session.execute(pair):
        if success:
            break
        failures += 1
        latest = latest or at
    wait = backoff_after(failures)
    if latest is not None and wait and now < latest + wait:
        raise TooManyRequests(
            "too many failed log-ins from here; wait a moment and try again",
            code="auth.rate_limited",
            retry_after_s=_wait_s(latest + wait, now),
        )
    if client is None:
        return
    since = now - CLIENT_WINDOW
    recent = session.execute(
        select(func.count(), func.min(LoginAttempt.at)).where(
            LoginAttempt.client == client,
            LoginAttempt.success.is_(False),
            LoginAttempt.at > since,
        )
    ).one()
    count, oldest = int(recent[0] or 0), recent[1]
    if count >= MAX_CLIENT_FAILURES and oldest is not None:
        raise TooManyRequests(
            "too many failed log-ins from this address; wait and try again",
            code="auth.rate_limited",
            retry_after_s=_wait_s(oldest + CLIENT_WINDOW, now),
        )


def record_login(
    session: Session, *, email: str, client: str | None, success: bool, now: dt.datetime
) -> None:
    """Add an attempt (not committed) and prune this e-mail's attempts older than a day."""
    session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.email == email, LoginAttempt.at < now - KEEP_RECORDS
        )
    )
    session.add(LoginAttempt(email=email[:254], client=client, at=now, success=success))


def take(
    session: Session,
    *,
    bucket: str,
    key: str,
    limit: int,
    window: dt.timedelta,
    now: dt.datetime,
    code: str = "auth.rate_limited",
) -> None:
    """Count one event for (bucket, key); 429 (nothing counted) when ``limit`` is reached."""
    hashed = key_hash(key)
    session.execute(
        delete(RateEvent).where(
            RateEvent.bucket == bucket, RateEvent.key_hash == hashed, RateEvent.at <= now - window
        )
    )
    count, oldest = session.execute(
        select(func.count(), func.min(RateEvent.at)).where(
            RateEvent.bucket == bucket, RateEvent.key_hash == hashed, RateEvent.at > now - window
        )
    ).one()
    if int(count or 0) >= limit and oldest is not None:
        raise TooManyRequests(
            "too many requests; wait and try again",
            code=code,
            retry_after_s=_wait_s(oldest + window, now),
        )
    session.add(RateEvent(bucket=bucket, key_hash=hashed, at=now))


def allowed(
    session: Session, *, bucket: str, key: str, limit: int, window: dt.timedelta, now: dt.datetime
) -> bool:
    """Like :func:`take` but answers ``False`` instead of raising (a silent limit)."""
    try:
        take(session, bucket=bucket, key=key, limit=limit, window=window, now=now)
    except TooManyRequests:
        return False
    return True


def forget_email(session: Session, *, email: str) -> None:
    """Remove every attempt and bucket event keyed by this e-mail (account deletion)."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    session.execute(delete(RateEvent).where(RateEvent.key_hash == key_hash(email)))


__all__ = [
    "BACKOFF_CAP",
    "FREE_FAILURES",
    "MAX_CLIENT_FAILURES",
    "allowed",
    "backoff_after",
    "check_login",
    "forget_email",
    "key_hash",
    "record_login",
    "take",
]
