"""Plan use cases on a real (SQLite) database: context from activities, create, log, adapt."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from backstride.cli._context import open_session
from backstride.config import Settings
from backstride.errors import NotFound
from backstride.services import plans
from backstride.services.runners import get_or_create_runner
from backstride.store import models
from backstride.units import new_id
from tests.assessment_docs import SELF_MANAGED_ASSESSMENT as DEMO_ASSESSMENT

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def evening(day: dt.date) -> dt.datetime:
    """The evening of ``day``: a session of that day can be logged (never a future date)."""
    return dt.datetime.combine(day, dt.time(20), tzinfo=dt.UTC)


MONDAY = dt.date(2026, 11, 30)


def add_run(session, runner_id: str, day: dt.date, km: float) -> None:  # type: ignore[no-untyped-def]
    start = dt.datetime.combine(day, dt.time(7), tzinfo=dt.UTC)
    session.add(
        models.Activity(
            id=new_id(),
            runner_id=runner_id,
            dedup_key=new_id(),
            source="manual",
            sport="running",
            start_at=start,
            local_date=day,
            elapsed_s=km * 360,
            timer_s=km * 360,
            distance_m=km * 1000,
            imported_at=NOW,
        )
    )


@pytest.fixture
def runner_id(settings: Settings) -> str:
    with open_session(settings) as session:
        runner = get_or_create_runner(session, handle="ana", now=NOW)
        session.add(
            models.Assessment(
                id=new_id(),
                runner_id=runner.id,
                created_at=NOW,
                disposition="self_management",
                rules_version="t",
                result=DEMO_ASSESSMENT,
            )
        )
        for week, km in enumerate((28, 30, 32, 30)):
            monday = MONDAY - dt.timedelta(days=28 - 7 * week)
            long_km = 12 if week == 3 else 10
            add_run(session, runner.id, monday + dt.timedelta(days=6), long_km)
            for day in (1, 3):  # the rest in two equal runs (at most 11 km)
                add_run(session, runner.id, monday + dt.timedelta(days=day), (km - long_km) / 2)
        session.add(
            models.PainEntry(
                id=new_id(),
                runner_id=runner.id,
                entry_date=MONDAY - dt.timedelta(days=1),
                nprs_now=3,
                logged_at=NOW,
            )
        )
        session.commit()
        return runner.id


def test_context_reads_weeks_longest_runs_pace_and_pain(settings: Settings, runner_id: str) -> None:
    with open_session(settings) as session:
        ctx = plans.context_from_activities(session, runner_id=runner_id, today=MONDAY)
    assert ctx.weekly_distances_m == (28_000, 30_000, 32_000, 30_000)
    assert max(r.distance_m for r in ctx.recent_runs) == 12_000
    assert ctx.easy_pace_s_per_km == 360
    assert ctx.current_pain_nprs == 3


def test_create_plan_uses_the_worked_check_numbers(settings: Settings, runner_id: str) -> None:
    with open_session(settings) as session:
        monday_morning = dt.datetime.combine(MONDAY, dt.time(6), tzinfo=dt.UTC)
        result = plans.create_plan(
            session, runner_handle="ana", weeks=4, start_date=MONDAY, now=monday_morning
        )
    week1 = sum(
        s.distance_m or 0 for d in result.plan.weeks[0].days for s in d.sessions if s.kind == "run"
    )
    assert week1 <= 33_000  # pain 3/10 -> +10 % cap on 30 km
    assert max(s.distance_m or 0 for s in result.plan.sessions()) <= 13_200


def test_log_and_adapt_store_a_new_version_with_its_reason(
    settings: Settings, runner_id: str
) -> None:
    with open_session(settings) as session:
        created = plans.create_plan(
            session, runner_handle="ana", weeks=4, start_date=MONDAY, now=NOW
        )
        run = next(s for s in created.plan.sessions() if s.kind == "run")
        logged = plans.log_session(
            session,
            runner_handle="ana",
            on_date=run.date,
            kind="run",
            status="done",
            now=evening(run.date),
            pain_during=2,
            pain_after=2,
            pain_next_morning=0,
        )
        assert logged.session_key == run.key
        adapted = plans.adapt_plan(
            session, runner_handle="ana", today=run.date, now=evening(run.date)
        )
        assert adapted.version == 2
        assert plans.current_plan(session, runner_handle="ana").version == 2
        reasons = session.scalars(
            select(models.PlanVersion.reason).order_by(models.PlanVersion.version)
        ).all()
    assert reasons[0] == "created"
    assert "progress" in reasons[1]


def test_a_new_plan_archives_the_previous_one(settings: Settings, runner_id: str) -> None:
    with open_session(settings) as session:
        plans.create_plan(session, runner_handle="ana", weeks=2, start_date=MONDAY, now=NOW)
        plans.create_plan(session, runner_handle="ana", weeks=2, start_date=MONDAY, now=NOW)
        statuses = sorted(session.scalars(select(models.Plan.status)).all())
    assert statuses == ["active", "archived"]


def test_no_assessment_means_no_plan(settings: Settings) -> None:
    with open_session(settings) as session:
        get_or_create_runner(session, handle="bo", now=NOW)
        session.commit()
        with pytest.raises(NotFound) as err:
            plans.create_plan(session, runner_handle="bo", weeks=2, start_date=MONDAY, now=NOW)
    assert err.value.code == "plan.no_assessment"


def test_the_stored_assessment_document_parses_like_intake_writes_it() -> None:
    import datetime as dt

    from backstride.intake import assess, assessment_to_dict
    from backstride.services.demo.data import demo_intake_document

    written = assess(demo_intake_document(), today=dt.date(2026, 11, 25))
    parsed = plans.assessment_from_document(assessment_to_dict(written))
    assert parsed == written
    assert parsed.reason_codes == ("pattern.sacroiliac",)


def test_a_plan_starting_next_monday_does_not_read_this_weeks_partial_distance(
    settings: Settings, runner_id: str
) -> None:
    # Wednesday of the last history week: that week (30 km) is not complete yet, so the
    # reference is the week before (32 km), and the cap is +10 % of it with pain present.
    wednesday = MONDAY - dt.timedelta(days=5)
    now = dt.datetime.combine(wednesday, dt.time(9), tzinfo=dt.UTC)
    with open_session(settings) as session:
        result = plans.create_plan(
            session, runner_handle="ana", weeks=1, start_date=MONDAY, now=now
        )
    week1 = sum(
        s.distance_m or 0 for d in result.plan.weeks[0].days for s in d.sessions if s.kind == "run"
    )
    assert 30_000 < week1 <= 35_200


def test_the_plan_honours_flags_derived_from_the_answers(settings: Settings) -> None:
    """Triage flags are only the fired rules' (clinical reference §0); the plan still gets
    hold_hills for extension-sensitive pain (7.1 terrain) through ``Assessment.plan_flags``."""
    from backstride.intake import assess, assessment_to_dict
    from tests.intake.builders import doc

    a = assess(doc(symptoms={"aggravating": ["extension"]}), today=NOW.date())
    assert (a.flags, a.derived_flags) == (frozenset(), frozenset({"hold_hills"}))
    with open_session(settings) as session:
        runner = get_or_create_runner(session, handle="cy", now=NOW)
        session.add(
            models.Assessment(
                id=new_id(),
                runner_id=runner.id,
                created_at=NOW,
                disposition=a.disposition.value,
                rules_version=a.rules_version,
                result=assessment_to_dict(a),
            )
        )
        session.commit()
        result = plans.create_plan(session, runner_handle="cy", weeks=2, start_date=MONDAY, now=NOW)
    assert "hold_hills" in result.plan.flags
    assert "terrain.hold_hills" in {d.code for d in result.plan.decisions}
