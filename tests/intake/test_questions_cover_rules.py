"""Every answer the triage reads has a question, and every question can be reached.

The triage (rules, derived facts, scores and notes) runs over recording stand-ins of many
documents - every worked case, presentation and rule edge - so the set of document fields it
reads is measured, not listed by hand. Each must be written by a question of the form (issue
15: the interview never asked ASAS item 5, the second half of the night, the age at onset,
which leg, leg pain worse than back pain or dermatomal spread), and each question must be
askable: its conditions can be met by answers other questions give.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import BaseModel

from backstride.intake import validate_intake
from backstride.intake.form import (
    AllOf,
    AnyOf,
    Clause,
    Condition,
    Question,
    answer_paths,
    applies,
    set_answer,
)
from backstride.intake.questions import all_questions, intake_sections
from backstride.intake.triage import evaluate

from .builders import doc, merge
from .test_presentations import PRESENTATIONS
from .test_rule_edges import EDGES
from .test_triage_vignettes import VIGNETTES

TODAY = dt.date(2026, 12, 5)

ANSWERED_ELSEWHERE = {
    "triad.bmi_kg_m2": ("about.height_cm", "about.weight_kg"),
}
"""Fields the rules read that the form fills another way: BMI from height and weight."""


class Recording:
    """Stands in for a document model and records every field read through it."""

    def __init__(self, model: BaseModel, path: str, reads: set[str]) -> None:
        self._model, self._path, self._reads = model, path, reads

    def _at(self, name: str) -> str:
        return f"{self._path}.{name}" if self._path else name

    def __getattr__(self, name: str) -> Any:
        attr = getattr(type(self._model), name, None)
        if isinstance(attr, property) and attr.fget is not None:
            return attr.fget(self)  # a derived value: record what it reads
        if name == "model_dump":
            return self._dump
        value = getattr(self._model, name)
        self._reads.add(self._at(name))
        if isinstance(value, BaseModel):
            return Recording(value, self._at(name), self._reads)
        return value

    def _dump(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        for name in type(self._model).model_fields:
            self._reads.add(self._at(name))
        return self._model.model_dump(*args, **kwargs)


def _all_cases() -> list[dict[str, Any]]:
    rows = [*VIGNETTES, *PRESENTATIONS, *EDGES]
    full = doc(
        clinician={"laslett": {"distraction": False}},
        triad={"energy_availability": "none"},
        nprs={"items": {"now": 2}},
        odi={"items": {str(i): 1 for i in range(1, 11)}},
        psfs={"activities": [{"name": "run", "score": 4}]},
    )
    return [doc(**row[1]) for row in rows] + [merge(full, row[1]) for row in rows]


def rule_reads() -> set[str]:
    """Every document field the triage reads, over all the documented cases."""
    reads: set[str] = set()
    for raw in _all_cases():
        document = validate_intake(raw)
        evaluate(Recording(document, "", reads), today=TODAY)  # type: ignore[arg-type]
    return reads


QUESTIONS = all_questions(intake_sections())
WRITTEN = {path: q for q in QUESTIONS for path in answer_paths(q)}


def _covered(read: str) -> bool:
    """A field is covered when a question writes it or, for a section, a field below it."""
    paths = ANSWERED_ELSEWHERE.get(read, (read,))
    return all(p in WRITTEN or any(w.startswith(f"{p}.") for w in WRITTEN) for p in paths)


READS = sorted(rule_reads())


def test_the_recording_sees_the_fields_issue_15_named() -> None:
    named = {
        "symptoms.night_pain_eases_on_rising",  # ASAS item 5
        "symptoms.wakes_second_half_of_night",
        "symptoms.age_at_onset_years",
        "symptoms.leg_side",
        "symptoms.leg_pain_worse_than_back",
        "symptoms.leg_pain_dermatomal",
    }
    assert named <= set(READS)
    assert len(READS) > 80


@pytest.mark.parametrize("read", READS)
def test_every_field_the_triage_reads_has_a_question(read: str) -> None:
    assert _covered(read), f"no question writes {read}"


def _satisfy(condition: Condition, answers: dict[str, Any]) -> None:
    """Answers that meet ``condition`` (each answer given to the question that asks it)."""
    if isinstance(condition, AllOf):
        for part in condition.parts:
            _satisfy(part, answers)
        return
    if isinstance(condition, AnyOf):
        _satisfy(condition.parts[0], answers)
        return
    assert isinstance(condition, Clause)
    asker = WRITTEN.get(condition.path)
    assert asker is not None, f"the condition reads {condition.path}, which no question asks"
    value: Any
    if condition.op == "in":
        value = condition.values[0]
    elif condition.op == "intersects":
        value = [condition.values[0]]
    elif condition.op == "given":
        value = "something"
    else:
        return  # not_in: holds while the question is unanswered
    if asker.when is not None:
        _satisfy(asker.when, answers)
    set_answer(answers, asker, value)


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.path for q in QUESTIONS])
def test_every_question_can_be_reached(question: Question) -> None:
    answers: dict[str, Any] = {}
    if question.when is not None:
        _satisfy(question.when, answers)
    assert applies(question, answers)
