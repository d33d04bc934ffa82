"""Intake drafts on the server: one per runner, private, replaced by each save, gone with the
submitted intake in the same commit and kept when the intake is refused; and a questionnaire
answered again is checked and scored like an intake's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.cli._context import open_session
from backstride.config import Settings
from backstride.errors import InvalidInput, NotFound
from backstride.intake.form import Draft
from backstride.services import accounts, auth, intake, intake_drafts
from backstride.services.demo.data import demo_intake_document
from backstride.services.policy import Principal
from backstride.store import models
from backstride.store.base import Base

NOW = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    with open_session(settings) as s:
        yield s


def _runner(session: Session, email: str) -> Principal:
    made = accounts.register_runner(
        session, email=email, password="correct horse battery", display_name=email, now=NOW
    )
    account = session.get(models.Account, made.id)
    assert account is not None
    return auth.principal_for(session, account)


def _count(session: Session, model: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_saved_draft_reads_back_and_each_save_replaces_the_last(session: Session) -> None:
    ana = _runner(session, "ana@example.org")
    assert intake_drafts.load_draft(session, principal=ana) is None
    intake_drafts.save_draft(
        session, principal=ana, draft=Draft({"about": {"age_years": 30}}, ("about.age_years",)),
        now=NOW,
    )  # fmt: skip
    intake_drafts.save_draft(
        session, principal=ana, draft=Draft({"about": {"age_years": 31}}), now=NOW
    )
    found = intake_drafts.load_draft(session, principal=ana)
    assert found is not None
    assert found.answers == {"about": {"age_years": 31}}
    assert _count(session, models.IntakeDraft) == 1


def test_one_runners_draft_is_not_anothers(session: Session) -> None:
    ana = _runner(session, "ana@example.org")
    ben = _runner(session, "ben@example.org")
    intake_drafts.save_draft(session, principal=ana, draft=Draft({"x": 1}), now=NOW)
    assert intake_drafts.load_draft(session, principal=ben) is None
    assert intake_drafts.discard_draft(session, principal=ben) is False
    assert intake_drafts.load_draft(session, principal=ana) is not None


def test_submitting_stores_the_assessment_and_removes_the_draft(session: Session) -> None:
    ana = _runner(session, "ana@example.org")
    intake_drafts.save_draft(session, principal=ana, draft=Draft(demo_intake_document()), now=NOW)
    done = intake_drafts.submit_draft(session, principal=ana, now=NOW)
    assert done.assessment.disposition.value == "clinician"
    assert intake_drafts.load_draft(session, principal=ana) is None
    assert _count(session, models.Intake) == 1


def test_a_refused_intake_keeps_the_draft_and_stores_nothing(session: Session) -> None:
    ana = _runner(session, "ana@example.org")
    bad = demo_intake_document()
    bad["odi"]["items"]["3"] = 9
    intake_drafts.save_draft(session, principal=ana, draft=Draft(bad), now=NOW)
    with pytest.raises(InvalidInput) as refused:
        intake_drafts.submit_draft(session, principal=ana, now=NOW)
    assert refused.value.code == "intake.invalid"
    assert intake_drafts.load_draft(session, principal=ana) is not None
    assert _count(session, models.Intake) == 0


def test_submitting_without_a_draft_is_a_coded_error(session: Session) -> None:
    ana = _runner(session, "ana@example.org")
    with pytest.raises(NotFound) as missing:
        intake_drafts.submit_draft(session, principal=ana, now=NOW)
    assert missing.value.code == "intake.draft_not_found"


def test_a_questionnaire_answered_again_joins_the_trend(session: Session) -> None:
    ana = _runner(session, "ana@example.org")
    assert ana.runner_id is not None
    first = {"items": {str(i): 3 for i in range(1, 11)}}
    again = {"items": {str(i): 1 for i in range(1, 11)}}
    for when, answers in ((NOW, first), (NOW + dt.timedelta(days=28), again)):
        intake.record_questionnaire(
            session, runner_id=ana.runner_id, instrument="odi", answers=answers, now=when
        )
    points = intake.questionnaire_trend(session, runner_id=ana.runner_id, instrument="odi")
    assert [p.value for p in points] == [60.0, 20.0]
    assert points[1].change is not None
    assert points[1].change.direction == "improved"


def test_a_questionnaire_that_does_not_fit_stores_nothing(session: Session) -> None:
    ana = _runner(session, "ana@example.org")
    assert ana.runner_id is not None
    with pytest.raises(InvalidInput) as refused:
        intake.record_questionnaire(
            session, runner_id=ana.runner_id, instrument="odi", answers={"items": {"3": 9}},
            now=NOW,
        )  # fmt: skip
    assert refused.value.problems[0]["path"] == "odi.items.3"
    with pytest.raises(InvalidInput):
        intake.record_questionnaire(
            session, runner_id=ana.runner_id, instrument="triad_female", answers={}, now=NOW
        )
    assert _count(session, models.QuestionnaireResponse) == 0
