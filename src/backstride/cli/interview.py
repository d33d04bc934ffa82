"""The terminal intake interview: asks the sections of :mod:`backstride.intake.questions`.

Questionnaire items come from the instrument definitions, so a clinic's licensed wording is
shown when configured. The result is a raw document; callers validate it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from backstride.intake.catalog import InstrumentDef
from backstride.intake.document import SCHEMA_VERSION
from backstride.intake.form import Answers, Blank, Kind, Question, Section, applies, set_answer
from backstride.intake.questions import intake_sections, to_document


class Prompter(Protocol):
    """Anything that can answer a question (the rich terminal, or a script in tests)."""

    def ask(self, question: Question) -> Any:
        """The parsed answer, or ``None`` when left blank/skipped."""


def offer_question(section: Section) -> Question:
    """The yes/no question that opens an optional section."""
    return Question(f"ask.{section.key}", section.offer, Kind.BOOL, blank=Blank.DEFAULT,
                    default=False)  # fmt: skip


def _ensure(answers: Answers, path: str) -> None:
    node = answers
    for part in path.split("."):
        node = node.setdefault(part, {})


def run_interview(prompter: Prompter, instruments: Mapping[str, InstrumentDef]) -> Answers:
    """Ask every question and return the raw intake document (validate it afterwards)."""
    answers: Answers = {"schema_version": SCHEMA_VERSION}
    for section in intake_sections(instruments):
        if not applies(section, answers):
            continue
        if section.optional:
            if not prompter.ask(offer_question(section)):
                continue
            if section.container:
                _ensure(answers, section.container)
        for question in section.questions:
            if not applies(question, answers):
                continue
            value = prompter.ask(question)
            if value is not None:
                set_answer(answers, question, value)
    return to_document(answers)


__all__ = ["Prompter", "offer_question", "run_interview"]
