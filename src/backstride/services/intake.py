"""Intake use cases: store an intake with its assessment and questionnaire responses; read back.

``submit_intake`` validates, scores and triages with the pure ``intake`` stage, then writes
the Intake row, one Assessment row (``result`` = :func:`assessment_to_dict`) and one
QuestionnaireResponse per answered instrument, in ONE commit. Bad input raises before
anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.errors import InvalidInput
from backstride.intake import assess, assessment_from_dict, assessment_to_dict, validate_intake
from backstride.intake.assessment import Assessment, Disposition
from backstride.intake.catalog import InstrumentDef, shipped_instruments
from backstride.intake.change import Change, compare_instrument
from backstride.intake.display import display_score
from backstride.intake.review import apply_review
from backstride.intake.scored import scored_instruments
from backstride.services.runners import get_or_create_runner
from backstride.store import models
from backstride.units import new_id


@dataclass(frozen=True, slots=True)
class SubmittedIntake:
    """What ``submit_intake`` stored: row ids and the assessment."""

    runner_id: str
    intake_id: str
    assessment_id: str
    response_ids: Mapping[str, str]
    assessment: Assessment


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One answered instrument over time: its primary score and the change vs the previous one."""

    answered_at: dt.datetime
    value: float | None
    change: Change | None
    value_display: str = "not scored"
    """``value`` as a person reads it (``"28 %"``); ``value`` stays precise (data)."""


def submit_intake(
    session: Session, *, runner_handle: str, document: Mapping[str, Any], now: dt.datetime
) -> SubmittedIntake:
    """Validate, assess and store an intake for ``runner_handle`` (created when new); one commit."""
    doc = validate_intake(document)
    assessment = assess(doc, today=now.date())
    runner = get_or_create_runner(session, handle=runner_handle, now=now)
    # The profile learns what the runner told the intake, without overwriting what is set.
    if runner.sex is None:
        runner.sex = doc.about.sex
    if runner.birth_year is None:
        runner.birth_year = now.year - doc.about.age_years
    intake = models.Intake(
        id=new_id(),
        runner_id=runner.id,
        submitted_at=now,
        schema_version=doc.schema_version,
        document=doc.model_dump(mode="json"),
    )
    session.add(intake)
    session.flush()  # no ORM relationships: the intake row must exist before its children
    row = models.Assessment(
        id=new_id(),
        runner_id=runner.id,
        intake_id=intake.id,
        created_at=now,
        disposition=assessment.disposition.value,
        rules_version=assessment.rules_version,
        result=assessment_to_dict(assessment),
    )
    session.add(row)
    instruments = shipped_instruments()
    response_ids: dict[str, str] = {}
    for section, scored in scored_instruments(doc).items():
        ident = str(scored.values.get("model", section))
        answers = getattr(doc, section).model_dump(mode="json")
        response = models.QuestionnaireResponse(
            id=new_id(),
            runner_id=runner.id,
            intake_id=intake.id,
            instrument=ident,
            instrument_version=instruments[ident].version,
            answered_at=now,
            answers=answers,
            score={
                "values": dict(scored.values),
                "display": {
                    k: display_score(f"{section}.{k}", v) for k, v in scored.values.items()
                },
                "notes": list(scored.notes),
            },
        )
        session.add(response)
        response_ids[ident] = response.id
    session.commit()
    return SubmittedIntake(runner.id, intake.id, row.id, response_ids, assessment)


def latest_assessment(session: Session, *, runner_id: str) -> Assessment | None:
    """The runner's most recent assessment as a clinician last reviewed it, or ``None``.

    A review (``services.reviews``) changes the disposition and the binding plan flags; the
    fired rules stay listed (``intake.review.apply_review``).
    """
    row = session.scalars(
        select(models.Assessment)
        .where(models.Assessment.runner_id == runner_id)
        .order_by(models.Assessment.created_at.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        return None
    assessment = assessment_from_dict(row.result)
    review = row.result.get("review")
    if review:
        assessment = apply_review(assessment, Disposition(review["disposition"]))
    return assessment


def _primary(inst: InstrumentDef, response: models.QuestionnaireResponse) -> float | None:
    value = (response.score.get("values") or {}).get(inst.primary)
    return float(value) if isinstance(value, int | float) else None


def _psfs_common(
    prev: models.QuestionnaireResponse, cur: models.QuestionnaireResponse
) -> tuple[float, float] | None:
    """PSFS means over the activities rated both times [default], or ``None``."""

    def rated(r: models.QuestionnaireResponse) -> dict[str, int]:
        return {
            a["name"].strip().lower(): a["score"]
            for a in r.answers.get("activities", [])
            if a.get("score") is not None
        }

    a, b = rated(prev), rated(cur)
    common = sorted(set(a) & set(b))
    if not common:
        return None
    return sum(a[k] for k in common) / len(common), sum(b[k] for k in common) / len(common)


def questionnaire_trend(session: Session, *, runner_id: str, instrument: str) -> list[TrendPoint]:
    """The instrument's primary score at each answer, with the change vs the previous (4.1)."""
    instruments = shipped_instruments()
    if instrument not in instruments:
        raise InvalidInput(f"unknown instrument {instrument!r}", code="intake.unknown_instrument")
    inst = instruments[instrument]
    rows = session.scalars(
        select(models.QuestionnaireResponse)
        .where(
            models.QuestionnaireResponse.runner_id == runner_id,
            models.QuestionnaireResponse.instrument == instrument,
        )
        .order_by(models.QuestionnaireResponse.answered_at)
    ).all()
    points: list[TrendPoint] = []
    for i, row in enumerate(rows):
        value = _primary(inst, row)
        change = None
        if i > 0 and inst.change is not None:
            pair: tuple[float, float] | None
            if instrument == "psfs":
                pair = _psfs_common(rows[i - 1], row)
            else:
                prev = _primary(inst, rows[i - 1])
                pair = (prev, value) if prev is not None and value is not None else None
            if pair is not None:
                change = compare_instrument(inst, pair[0], pair[1])
        shown = display_score(f"{instrument}.{inst.primary}", value)
        points.append(TrendPoint(row.answered_at, value, change, shown))
    return points


__all__ = [
    "SubmittedIntake",
    "TrendPoint",
    "latest_assessment",
    "questionnaire_trend",
    "submit_intake",
]
