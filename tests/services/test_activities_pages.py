"""My activities: a page at a time, filtered, and one activity's series and load, mine only."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from backstride.errors import NotFound
from backstride.services import activities
from backstride.store.models import Activity
from backstride.units import new_id
from tests.services.test_session_logs import NOW, _runner


def _add(session: Session, runner_id: str, day: int, name: str, sport: str = "running") -> str:
    ident = new_id()
    start = NOW - dt.timedelta(days=day)
    session.add(
        Activity(
            id=ident,
            runner_id=runner_id,
            dedup_key=ident,
            source="file",
            sport=sport,
            name=name,
            start_at=start,
            local_date=start.date(),
            elapsed_s=1800.0,
            timer_s=1750.0,
            distance_m=5000.0,
            avg_hr_bpm=150.0,
            rpe=5.0,
            imported_at=NOW,
            extra={},
        )
    )
    return ident


def test_pages_are_newest_first_and_the_filter_counts_only_what_matches(session: Session) -> None:
    me, _ = _runner(session)
    assert me.runner_id
    for day in range(30):
        _add(session, me.runner_id, day, "Long run 50%_done" if day % 10 == 0 else "Easy run")
    _add(session, me.runner_id, 40, "Pool", sport="swimming")
    session.commit()
    first = activities.my_activities(session, principal=me, page=1, per_page=10)
    assert first.total == 31
    assert first.pages == 4
    assert len(first.rows) == 10
    assert first.rows[0].start_at > first.rows[-1].start_at
    assert first.sports == ("running", "swimming")
    last = activities.my_activities(session, principal=me, page=99, per_page=10)
    assert last.page == 4
    assert len(last.rows) == 1
    found = activities.my_activities(session, principal=me, text="50%_")
    assert found.total == 3
    assert all("50%_" in (r.name or "") for r in found.rows)
    swims = activities.my_activities(session, principal=me, sport="swimming")
    assert [r.name for r in swims.rows] == ["Pool"]


def test_another_runners_activity_is_not_found(session: Session) -> None:
    me, _ = _runner(session)
    other, _ = _runner(session, "ben@example.org")
    assert me.runner_id
    ident = _add(session, me.runner_id, 1, "Mine")
    session.commit()
    assert activities.my_activity(session, principal=me, activity_id=ident).summary.name == "Mine"
    for call in (activities.my_activity, activities.my_activity_series):
        with pytest.raises(NotFound):
            call(session, principal=other, activity_id=ident)
    assert activities.my_activities_by_ids(session, principal=other, ids=[ident]) == []


def test_the_load_of_an_activity_without_heart_rate_samples_uses_what_there_is(
    session: Session,
) -> None:
    me, _ = _runner(session)
    assert me.runner_id
    ident = _add(session, me.runner_id, 1, "Run")
    session.commit()
    load = activities.my_activity_load(session, principal=me, activity_id=ident, today=NOW.date())
    assert load.trimp is None
    assert load.rtss is None
    assert load.srpe == pytest.approx(5.0 * 1750.0 / 60.0)
    assert activities.my_activity_series(session, principal=me, activity_id=ident) is None
