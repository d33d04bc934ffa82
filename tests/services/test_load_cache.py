"""The home page's load summary is reused only while the runner's data is unchanged."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.services import load_cache, plans
from backstride.store.models import Activity, Runner
from backstride.units import new_id
from tests.services.test_session_logs import NOW, _runner


def _summary(session: Session, runner_id: str, handle: str, settings: Settings) -> object:
    return load_cache.cached_load_summary(
        session,
        runner_id=runner_id,
        runner_handle=handle,
        from_date=None,
        today=NOW.date(),
        settings=settings,
    )


def test_the_summary_is_reused_until_an_activity_or_a_log_arrives(
    session: Session, db_settings: Settings
) -> None:
    me, handle = _runner(session)
    assert me.runner_id
    first = _summary(session, me.runner_id, handle, db_settings)
    assert _summary(session, me.runner_id, handle, db_settings) is first
    session.add(
        Activity(
            id=new_id(),
            runner_id=me.runner_id,
            dedup_key="k",
            source="file",
            sport="running",
            start_at=NOW - dt.timedelta(days=1),
            local_date=(NOW - dt.timedelta(days=1)).date(),
            elapsed_s=1800.0,
            distance_m=5000.0,
            imported_at=NOW,
            extra={},
        )
    )
    session.commit()
    second = _summary(session, me.runner_id, handle, db_settings)
    assert second is not first
    assert sum(w.distance_m for w in second.weeks) == 5000  # type: ignore[attr-defined]
    plans.log_session(
        session,
        runner_handle=handle,
        on_date=NOW.date(),
        kind="run",
        status="done",
        now=NOW,
        pain_during=3,
    )
    third = _summary(session, me.runner_id, handle, db_settings)
    assert third is not second
    assert [p.score for p in third.pain] == [3]  # type: ignore[attr-defined]
    other, other_handle = _runner(session, "ben@example.org")
    assert other.runner_id
    assert session.get(Runner, other.runner_id) is not None
    assert _summary(session, other.runner_id, other_handle, db_settings) is not third
