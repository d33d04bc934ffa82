"""The session diary: a log is judged at once, and the plan adapts when the log is whole."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from backstride.errors import InvalidInput, NotFound
from backstride.services import accounts, auth, intake, plans, session_logs
from backstride.services.demo.data import demo_intake_document
from backstride.services.policy import Principal
from backstride.store.models import Account, Runner

NOW = dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)
TODAY = NOW.date()


def _runner(session: Session, email: str = "ana@example.org") -> tuple[Principal, str]:
    view = accounts.register_runner(
        session, email=email, password="correct horse battery", display_name="Ana", now=NOW
    )
    account = session.get(Account, view.id)
    assert account is not None
    principal = auth.principal_for(session, account)
    handle = session.get(Runner, view.runner_id).handle  # type: ignore[union-attr]
    return principal, handle


@pytest.fixture
def ana(session: Session) -> tuple[Principal, str]:
    principal, handle = _runner(session)
    intake.submit_intake(
        session,
        runner_handle=handle,
        document=demo_intake_document(),
        now=NOW - dt.timedelta(days=20),
    )
    plans.create_plan(
        session,
        runner_handle=handle,
        weeks=4,
        start_date=TODAY - dt.timedelta(days=9),
        now=NOW - dt.timedelta(days=10),
    )
    return principal, handle


def test_a_log_without_its_next_morning_is_judged_but_does_not_adapt_the_plan(
    session: Session, ana: tuple[Principal, str]
) -> None:
    me, handle = ana
    result = session_logs.record_log(
        session,
        principal=me,
        now=NOW,
        on_date=TODAY - dt.timedelta(days=1),
        kind="run",
        status="done",
        pain_during=2,
        pain_after=2,
    )
    assert result.decision.code == "pain.incomplete"
    assert result.waiting_for_morning
    assert result.adaptation is None
    assert plans.current_plan(session, runner_handle=handle).version == 1


def test_the_next_morning_completes_the_log_and_adapts_the_plan_through_its_day(
    session: Session, ana: tuple[Principal, str]
) -> None:
    me, handle = ana
    day = TODAY - dt.timedelta(days=1)
    logged = session_logs.record_log(
        session,
        principal=me,
        now=NOW,
        on_date=day,
        kind="run",
        status="done",
        pain_during=2,
        pain_after=2,
        usual_morning_pain=1,
    )
    result = session_logs.record_next_morning(
        session, principal=me, log_id=logged.log.id, pain_next_morning=1, now=NOW
    )
    assert result.log.pain_next_morning == 1
    assert result.adaptation is not None
    assert result.adaptation["version"] == 2
    current = plans.current_plan(session, runner_handle=handle)
    assert current.version == 2
    assert current.plan.state.adapted_through == day
    again = session_logs.outcome(session, principal=me, log_id=logged.log.id)
    assert again.adaptation == result.adaptation
    assert not again.waiting_for_morning


def test_a_morning_worse_than_usual_breaks_the_24_hour_rule(
    session: Session, ana: tuple[Principal, str]
) -> None:
    me, _ = ana
    logged = session_logs.record_log(
        session,
        principal=me,
        now=NOW,
        on_date=TODAY - dt.timedelta(days=1),
        kind="run",
        status="done",
        pain_during=2,
        pain_after=2,
        usual_morning_pain=1,
    )
    result = session_logs.record_next_morning(
        session, principal=me, log_id=logged.log.id, pain_next_morning=3, now=NOW
    )
    assert result.decision.code == "pain.not_settled"


def test_bone_pain_adapts_at_once_and_calls_for_the_clinic(
    session: Session, ana: tuple[Principal, str]
) -> None:
    me, _ = ana
    result = session_logs.record_log(
        session,
        principal=me,
        now=NOW,
        on_date=TODAY,
        kind="run",
        status="done",
        pain_during=1,
        pain_after=1,
        bone_pain=3,
    )
    assert result.call_clinic
    assert result.adaptation is not None
    assert result.adaptation["clinician_review"] is True


def test_a_day_the_plan_already_adapted_through_is_kept_without_adapting_twice(
    session: Session, ana: tuple[Principal, str]
) -> None:
    me, handle = ana
    session_logs.record_log(
        session,
        principal=me,
        now=NOW,
        on_date=TODAY - dt.timedelta(days=1),
        kind="run",
        status="skipped",
    )
    late = session_logs.record_log(
        session,
        principal=me,
        now=NOW,
        on_date=TODAY - dt.timedelta(days=3),
        kind="run",
        status="skipped",
    )
    assert late.adaptation is None
    assert late.adapt_note is not None
    assert "already been updated" in late.adapt_note
    assert plans.current_plan(session, runner_handle=handle).version == 2


def test_the_usual_morning_pain_is_remembered_from_the_last_log(
    session: Session, ana: tuple[Principal, str]
) -> None:
    me, _ = ana
    assert session_logs.usual_morning(session, principal=me) == 0
    session_logs.record_log(
        session,
        principal=me,
        now=NOW,
        on_date=TODAY,
        kind="strength",
        status="done",
        pain_during=1,
        pain_after=1,
        usual_morning_pain=2,
    )
    assert session_logs.usual_morning(session, principal=me) == 2
    nxt = session_logs.record_log(
        session,
        principal=me,
        now=NOW,
        on_date=TODAY,
        kind="run",
        status="done",
        pain_during=1,
        pain_after=1,
    )
    assert nxt.log.usual_morning_pain == 2


def test_a_future_day_or_a_score_out_of_range_is_refused(
    session: Session, ana: tuple[Principal, str]
) -> None:
    me, _ = ana
    with pytest.raises(InvalidInput) as future:
        session_logs.record_log(
            session,
            principal=me,
            now=NOW,
            on_date=TODAY + dt.timedelta(days=1),
            kind="run",
            status="done",
        )
    assert future.value.code == "log.future_date"
    logged = session_logs.record_log(
        session, principal=me, now=NOW, on_date=TODAY, kind="run", status="done"
    )
    with pytest.raises(InvalidInput):
        session_logs.record_next_morning(
            session, principal=me, log_id=logged.log.id, pain_next_morning=11, now=NOW
        )


def test_a_runner_never_reads_or_completes_another_runners_log(
    session: Session, ana: tuple[Principal, str]
) -> None:
    me, _ = ana
    logged = session_logs.record_log(
        session, principal=me, now=NOW, on_date=TODAY, kind="run", status="done"
    )
    other, _ = _runner(session, "ben@example.org")
    with pytest.raises(NotFound):
        session_logs.outcome(session, principal=other, log_id=logged.log.id)
    with pytest.raises(NotFound):
        session_logs.record_next_morning(
            session, principal=other, log_id=logged.log.id, pain_next_morning=0, now=NOW
        )
    assert session_logs.my_logs(session, principal=other, from_date=TODAY, to_date=TODAY) == []
