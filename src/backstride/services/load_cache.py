"""A runner's load summary, kept while nothing it reads has changed (the home page's charts).

The summary reads the runner's activities, session logs and pain diary; a cheap aggregate
query over those (counts and latest times) is the version of that data. The same runner,
window, day and version give the stored summary for up to ``TTL_S`` seconds: a clinic's
changed threshold shows within that time, any new activity, log, next-morning answer or
diary entry at once. Kept for the last ``MAX_ENTRIES`` summaries of this process.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.analytics.load_summary import LoadSummary
from backstride.config import Settings
from backstride.services.load import load_summary
from backstride.store.models import Activity, Gear, PainEntry, SessionLog

TTL_S = 300.0
MAX_ENTRIES = 512

_CACHE: OrderedDict[tuple[Any, ...], tuple[float, LoadSummary]] = OrderedDict()
_LOCK = threading.Lock()


def data_version(session: Session, *, runner_id: str) -> tuple[Any, ...]:
    """What the load summary of one runner depends on, as a comparable tuple (one query)."""
    parts = [
        select(agg).where(model.runner_id == runner_id).scalar_subquery()
        for model, agg in (
            (Activity, func.count(Activity.id)),
            (Activity, func.max(Activity.imported_at)),
            (SessionLog, func.count(SessionLog.id)),
            (SessionLog, func.max(SessionLog.logged_at)),
            (SessionLog, func.count(SessionLog.pain_next_morning)),
            (PainEntry, func.count(PainEntry.id)),
            (PainEntry, func.max(PainEntry.logged_at)),
            (Gear, func.count(Gear.id)),
        )
    ]
    row = session.execute(select(*parts)).one()
    return tuple(row)


def cached_load_summary(
    session: Session,
    *,
    runner_id: str,
    runner_handle: str,
    from_date: dt.date | None,
    today: dt.date,
    settings: Settings,
) -> LoadSummary:
    """``services.load.load_summary`` from ``from_date`` to today, reused while the data is
    unchanged."""
    key = (
        runner_id,
        from_date,
        today,
        settings.shoe_retire_km,
        data_version(session, runner_id=runner_id),
    )
    now = time.monotonic()
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None and now - found[0] < TTL_S:
            _CACHE.move_to_end(key)
            return found[1]
    summary = load_summary(
        session,
        runner_handle=runner_handle,
        from_date=from_date,
        to_date=None,
        today=today,
        settings=settings,
    )
    with _LOCK:
        _CACHE[key] = (now, summary)
        while len(_CACHE) > MAX_ENTRIES:
            _CACHE.popitem(last=False)
    return summary


__all__ = ["MAX_ENTRIES", "TTL_S", "cached_load_summary", "data_version"]
