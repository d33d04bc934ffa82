"""Private calendar links: shown once, stored as a hash, ended by a new link or a revoke."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.errors import NotFound
from backstride.services import calendar_feed, intake, plans
from backstride.services.demo.data import demo_intake_document
from backstride.store.models import CalendarFeed
from tests.services.test_session_logs import NOW, _runner


def test_a_link_serves_the_plan_until_it_is_revoked(session: Session) -> None:
    me, handle = _runner(session)
    intake.submit_intake(session, runner_handle=handle, document=demo_intake_document(), now=NOW)
    plans.create_plan(session, runner_handle=handle, weeks=2, start_date=NOW.date(), now=NOW)
    made = calendar_feed.create_feed(session, principal=me, now=NOW)
    stored = session.scalars(select(CalendarFeed)).one()
    assert stored.token_hash == hashlib.sha256(made.secret.encode()).hexdigest()
    assert made.secret not in stored.token_hash
    ics = calendar_feed.feed_calendar(session, feed_id=made.id, secret=made.secret, now=NOW)
    assert ics.startswith(b"BEGIN:VCALENDAR")
    with pytest.raises(NotFound):
        calendar_feed.feed_calendar(session, feed_id=made.id, secret="guess", now=NOW)
    assert calendar_feed.active_feed(session, principal=me) is not None
    assert calendar_feed.revoke_feeds(session, principal=me, now=NOW) == 1
    with pytest.raises(NotFound):
        calendar_feed.feed_calendar(session, feed_id=made.id, secret=made.secret, now=NOW)
    assert calendar_feed.active_feed(session, principal=me) is None


def test_a_new_link_ends_the_previous_one(session: Session) -> None:
    me, _ = _runner(session)
    first = calendar_feed.create_feed(session, principal=me, now=NOW)
    second = calendar_feed.create_feed(session, principal=me, now=NOW + dt.timedelta(minutes=1))
    active = calendar_feed.active_feed(session, principal=me)
    assert active is not None
    assert active.id == second.id != first.id
