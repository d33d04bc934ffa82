"""Private calendar subscription links to the runner's plan: make, revoke, serve.

A link is ``/calendar/<feed id>/<secret>.ics``. Only the secret's SHA-256 is stored, so the
link is shown once when it is made; making a new link or revoking ends the old one at once.
The calendar carries no health details (``reports.ics``: "Easy run 40 min", "Strength").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backstride.errors import NotFound
from backstride.reports.ics import plan_to_ics
from backstride.services import plans
from backstride.services.policy import Principal, own_runner_id
from backstride.store.models import CalendarFeed, Runner
from backstride.units import new_id


@dataclass(frozen=True, slots=True)
class FeedView:
    """An active link (its secret is not kept, so it cannot be shown again)."""

    id: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class NewFeed:
    """A link just made: its id and the secret, shown once."""

    id: str
    secret: str
    created_at: dt.datetime

    @property
    def path(self) -> str:
        """The link's path on this server."""
        return f"/calendar/{self.id}/{self.secret}.ics"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _revoke_all(session: Session, runner_id: str, now: dt.datetime) -> int:
    result = session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.runner_id == runner_id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def active_feed(session: Session, *, principal: Principal) -> FeedView | None:
    """My active link, if any."""
    row = session.scalars(
        select(CalendarFeed)
        .where(
            CalendarFeed.runner_id == own_runner_id(principal), CalendarFeed.revoked_at.is_(None)
        )
        .order_by(CalendarFeed.created_at.desc())
        .limit(1)
    ).first()
    return None if row is None else FeedView(row.id, row.created_at)


def create_feed(session: Session, *, principal: Principal, now: dt.datetime) -> NewFeed:
    """A new private link (any older one stops working); one commit."""
    runner_id = own_runner_id(principal)
    _revoke_all(session, runner_id, now)
    secret = secrets.token_urlsafe(32)
    feed = CalendarFeed(id=new_id(), runner_id=runner_id, token_hash=_hash(secret), created_at=now)
    session.add(feed)
    session.commit()
    return NewFeed(feed.id, secret, now)


def revoke_feeds(session: Session, *, principal: Principal, now: dt.datetime) -> int:
    """Stop my links; how many were active."""
    count = _revoke_all(session, own_runner_id(principal), now)
    session.commit()
    return count


def feed_calendar(session: Session, *, feed_id: str, secret: str, now: dt.datetime) -> bytes:
    """The plan calendar behind a link, or ``calendar.not_found`` (unknown, wrong, revoked)."""
    row = session.get(CalendarFeed, feed_id) if len(feed_id) <= 64 else None
    if (
        row is None
        or row.revoked_at is not None
        or not secrets.compare_digest(row.token_hash, _hash(secret))
    ):
        raise NotFound("no such calendar", code="calendar.not_found")
    runner = session.get(Runner, row.runner_id)
    if runner is None:
        raise NotFound("no such calendar", code="calendar.not_found")
    current = plans.current_plan(session, runner_handle=runner.handle)
    return plan_to_ics(current.plan, generated_at=now)


def my_calendar(session: Session, *, principal: Principal, now: dt.datetime) -> bytes:
    """My current plan as a calendar file (download)."""
    runner = session.get(Runner, own_runner_id(principal))
    if runner is None:
        raise NotFound("runner not found", code="runner.not_found")
    current = plans.current_plan(session, runner_handle=runner.handle)
    return plan_to_ics(current.plan, generated_at=now)


__all__ = [
    "FeedView",
    "NewFeed",
    "active_feed",
    "create_feed",
    "feed_calendar",
    "my_calendar",
    "revoke_feeds",
]
