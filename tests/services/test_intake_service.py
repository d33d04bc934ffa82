"""submit_intake stores intake, assessment and responses in one go; trends report change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.cli._context import open_session
from backstride.config import Settings
from backstride.errors import InvalidInput
from backstride.services.demo.data import demo_intake_document
from backstride.services.intake import latest_assessment, questionnaire_trend, submit_intake
from backstride.store import models

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    with open_session(settings) as s:
        yield s


def _count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_submit_stores_intake_assessment_and_one_response_per_instrument(session: Session) -> None:
    out = submit_intake(session, runner_handle="ana", document=demo_intake_document(), now=NOW)
    assert out.assessment.disposition.value == "clinician"
    assert set(out.response_ids) == {"nprs", "odi", "rmdq", "startback", "psfs", "triad_female"}
    row = session.get(models.Assessment, out.assessment_id)
    assert row is not None
    assert row.result["reasons"][0]["code"] == "pattern.sacroiliac"
    assert latest_assessment(session, runner_id=out.runner_id) == out.assessment


def test_the_profile_learns_age_and_sex_but_keeps_what_is_set(session: Session) -> None:
    out = submit_intake(session, runner_handle="ana", document=demo_intake_document(), now=NOW)
    runner = session.get(models.Runner, out.runner_id)
    assert runner is not None
    assert (runner.sex, runner.birth_year) == ("female", 2026 - 38)
    runner.birth_year = 1990
    session.commit()
    submit_intake(session, runner_handle="ana", document=demo_intake_document(), now=NOW)
    assert runner.birth_year == 1990


def test_bad_input_writes_nothing(session: Session) -> None:
    bad = demo_intake_document()
    bad["odi"]["items"]["3"] = 9
    with pytest.raises(InvalidInput):
        submit_intake(session, runner_handle="ana", document=bad, now=NOW)
    assert _count(session, models.Intake) == 0
    assert _count(session, models.Runner) == 0


def test_no_assessment_yet_is_none(session: Session) -> None:
    assert latest_assessment(session, runner_id="nobody") is None


def _with(odi_value: int, psfs: list[int]) -> dict[str, Any]:
    d = demo_intake_document()
    d["odi"] = {"items": {str(i): odi_value for i in range(1, 11)}}
    names = ["run", "hills", "sit"]
    d["psfs"] = {"activities": [{"name": n, "score": s} for n, s in zip(names, psfs, strict=True)]}
    return d


def test_trend_reports_meaningful_change_against_the_previous_answer(session: Session) -> None:
    for week, (odi, psfs) in enumerate([(3, [3, 5, 6]), (2, [7, 7, 7]), (2, [7, 7, 7])]):
        submit_intake(
            session,
            runner_handle="ana",
            document=_with(odi, psfs),
            now=NOW + dt.timedelta(weeks=week),
        )
    runner_id = session.scalars(select(models.Runner.id)).one()
    odi_trend = questionnaire_trend(session, runner_id=runner_id, instrument="odi")
    assert [p.value for p in odi_trend] == [60.0, 40.0, 40.0]
    assert odi_trend[0].change is None
    assert odi_trend[1].change is not None
    assert odi_trend[1].change.direction == "improved"
    assert odi_trend[2].change is not None
    assert not odi_trend[2].change.meaningful
    psfs_trend = questionnaire_trend(session, runner_id=runner_id, instrument="psfs")
    assert psfs_trend[1].change is not None
    assert psfs_trend[1].change.meaningful  # P5: 4.67 -> 7.00
    assert [p.value_display for p in odi_trend] == ["60 %", "40 %", "40 %"]
    assert psfs_trend[0].value_display == "4.67"
    display = psfs_trend[1].change.to_dict()["display"]
    assert isinstance(display, dict)
    assert display["change"] == "+2.33"


def test_stored_scores_carry_what_is_shown_beside_the_precise_values(session: Session) -> None:
    out = submit_intake(session, runner_handle="ana", document=demo_intake_document(), now=NOW)
    row = session.get(models.QuestionnaireResponse, out.response_ids["psfs"])
    assert row is not None
    assert row.score["values"]["mean"] == pytest.approx(14 / 3)
    assert row.score["display"]["mean"] == "4.67"


def test_unknown_instrument_is_a_coded_error(session: Session) -> None:
    with pytest.raises(InvalidInput) as info:
        questionnaire_trend(session, runner_id="x", instrument="sf36")
    assert info.value.code == "intake.unknown_instrument"
