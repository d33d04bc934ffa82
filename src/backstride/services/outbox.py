"""STAND-IN until the lead's transactional outbox lands on main (replaced at merge)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

SENT: list[dict[str, Any]] = []


def enqueue(session: Session, *, to: str, subject: str, body: str, now: dt.datetime) -> None:
    """Queue a message (stand-in: kept in memory)."""
    del session
    SENT.append({"to": to, "subject": subject, "body": body, "at": now})


def forget_recipient(session: Session, *, to: str) -> None:
    """Drop unsent messages to ``to`` (stand-in)."""
    del session
    SENT[:] = [m for m in SENT if m["to"] != to]
