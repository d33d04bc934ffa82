"""``Idempotency-Key``: a repeated POST returns what the first one did, once per key.

Keys are scoped by account and use case. The same key with another request (its canonical
hash differs) is refused with ``idempotency.key_reused`` (422). The key is stored in the same
transaction as the change it names, so either both exist or neither does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backstride.errors import InvalidInput
from backstride.store.clinic_models import IdempotencyKey

KEY_TTL = dt.timedelta(hours=24)
_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")


def request_hash(**fields: Any) -> str:
    """SHA-256 of the request's fields in canonical JSON."""
    text = json.dumps(fields, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def check_key(key: str | None) -> None:
    """``idempotency.invalid_key`` unless 1-128 visible ASCII characters."""
    if key is not None and not _KEY.match(key):
        raise InvalidInput(
            "Idempotency-Key must be 1-128 visible ASCII characters",
            code="idempotency.invalid_key",
            problems=[{"path": "Idempotency-Key", "msg": "1-128 visible ASCII characters"}],
        )


def replay(
    session: Session,
    *,
    account_id: str | None,
    scope: str,
    key: str | None,
    digest: str,
    now: dt.datetime,
) -> str | None:
    """The resource the key made before, ``None`` for a new key (or none given); refuses
    the key with another request."""
    if account_id is None or key is None:
        return None
    row = session.get(IdempotencyKey, (account_id, scope, key))
    if row is None or row.created_at < now - KEY_TTL:
        return None
    if row.request_hash != digest:
        raise InvalidInput(
            "this Idempotency-Key was used for a different request",
            code="idempotency.key_reused",
            problems=[{"path": "Idempotency-Key", "msg": "already used with another body"}],
        )
    return row.resource_id


def remember(
    session: Session,
    *,
    account_id: str | None,
    scope: str,
    key: str | None,
    digest: str,
    resource_id: str,
    now: dt.datetime,
) -> None:
    """Store the key with what it made (in the caller's transaction); an expired entry of
    the same key goes. Nothing without a key (or for the CLI)."""
    if account_id is None or key is None:
        return
    session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.account_id == account_id,
            IdempotencyKey.scope == scope,
            IdempotencyKey.key == key,
        )
    )
    session.add(
        IdempotencyKey(
            account_id=account_id,
            scope=scope,
            key=key,
            request_hash=digest,
            resource_id=resource_id,
            created_at=now,
            detail={},
        )
    )


def purge_expired(session: Session, *, now: dt.datetime) -> int:
    """Delete keys older than a day (not committed); the number deleted."""
    ids = session.execute(
        select(IdempotencyKey.account_id).where(IdempotencyKey.created_at < now - KEY_TTL)
    ).all()
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < now - KEY_TTL))
    return len(ids)


__all__ = ["KEY_TTL", "check_key", "purge_expired", "remember", "replay", "request_hash"]
