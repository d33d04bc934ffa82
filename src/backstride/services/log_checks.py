"""Checks every diary write shares: no entry dated after the runner's own today, no empty entry.

A log is what happened, so it cannot be dated in the future: "today" is the runner's local
calendar day (``runner.timezone``; clinical reference §0: one value per calendar day in the
runner's local time zone). Bad input raises a coded :class:`InvalidInput` before anything is
written.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from backstride.errors import InvalidInput
from backstride.store import models


def runner_today(runner: models.Runner, now: dt.datetime) -> dt.date:
    """The runner's local calendar day at ``now`` (UTC when the zone is unknown)."""
    try:
        tz: dt.tzinfo = ZoneInfo(runner.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        tz = dt.UTC
    return now.astimezone(tz).date()


def refuse_future(
    on_date: dt.date, *, runner: models.Runner, now: dt.datetime, code: str, path: str
) -> None:
    """``code`` (422) when ``on_date`` is after the runner's local today."""
    today = runner_today(runner, now)
    if on_date > today:
        raise InvalidInput(
            f"{path} {on_date} is in the future (today is {today}): log what already happened",
            code=code,
            problems=[{"path": path, "msg": f"must be on or before {today}"}],
        )


__all__ = ["refuse_future", "runner_today"]
