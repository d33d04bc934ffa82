"""Throttles: exponential back-off after five failures, capped; counted buckets."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from backstride.errors import TooManyRequests
from backstride.services import throttle
from tests.api.world import NOW


@pytest.mark.parametrize(
    ("failures", "wait_s"),
    [(0, 0), (4, 0), (5, 1), (6, 2), (7, 4), (12, 128), (15, 900), (60, 900)],
)
def test_the_wait_doubles_after_five_failures_up_to_fifteen_minutes(
    failures: int, wait_s: int
) -> None:
    assert throttle.backoff_after(failures) == dt.timedelta(seconds=wait_s)


def test_a_success_from_the_same_client_starts_the_count_again(session: Session) -> None:
    email, client = "a@example.org", "192.0.2.1"
    at = NOW
    for _ in range(5):
        throttle.record_login(session, email=email, client=client, success=False, now=at)
    throttle.record_login(
        session, email=email, client=client, success=True, now=at + dt.timedelta(seconds=1)
    )
    for _ in range(4):
        throttle.record_login(
            session, email=email, client=client, success=False, now=at + dt.timedelta(seconds=2)
        )
    session.commit()
    throttle.check_login(session, email=email, client=client, now=at + dt.timedelta(seconds=2))


def test_a_bucket_refuses_past_its_limit_and_says_when_to_come_back(session: Session) -> None:
    window = dt.timedelta(hours=1)
    for i in range(3):
        throttle.take(
            session, bucket="t", key="k", limit=3, window=window, now=NOW + dt.timedelta(minutes=i)
        )
    with pytest.raises(TooManyRequests) as caught:
        throttle.take(session, bucket="t", key="k", limit=3, window=window, now=NOW + window / 2)
    assert caught.value.retry_after_s == 30 * 60
    assert throttle.allowed(session, bucket="t", key="other", limit=3, window=window, now=NOW)
    throttle.take(session, bucket="t", key="k", limit=3, window=window, now=NOW + window)
