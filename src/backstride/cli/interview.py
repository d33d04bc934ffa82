"""The terminal intake interview: asks the sections of :mod:`backstride.intake.questions`.

Section by section ("Section 3 of 13"), question by question, through any :class:`Prompter`
(the rich terminal, or a script in tests). An optional section (a questionnaire, the Triad,
the clinician's findings) needs an explicit ``y`` or ``skip``. A section's checks across
answers re-ask the question they point at. What has been asked so far is always available as
a :class:`~backstride.intake.form.Draft`, so an interview cut short can be resumed where it
stopped. Questionnaire items come from the instrument definitions, so a clinic's licensed
wording is shown when configured. The result is a raw document; callers validate it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from backstride.intake.catalog import InstrumentDef
from backstride.intake.document import SCHEMA_VERSION
from backstride.intake.form import (
    Answers,
    Draft,
    Kind,
    Problem,
    Question,
    Section,
    applies,
    get_answer,
    set_answer,
)
from backstride.intake.questions import intake_sections, to_document

MAX_RECHECKS = 5
"""How often a section's checks re-ask before the interview moves on (the final validation
still reports what is left)."""


class Prompter(Protocol):
    """Anything that can answer a question (the rich terminal, or a script in tests)."""

    def ask(self, question: Question) -> Any:
        """The parsed answer, or ``None`` when left blank/skipped."""

    def section(self, section: Section, number: int, total: int) -> None:
        """Show that section ``number`` of ``total`` begins (its heading and introduction)."""

    def problem(self, problem: Problem) -> None:
        """Show a problem found across answers before the question is asked again."""


def offer_question(section: Section) -> Question:
    """The question that opens an optional section: ``y`` answers it, ``skip`` (or ``n``)
    leaves it out; a bare Enter is not an answer."""
    return Question(f"ask.{section.key}", section.offer, Kind.BOOL, skippable=True)


def offer_key(section: Section) -> str:
    """The draft's record that an optional section was decided."""
    return f"section:{section.key}"


class Interview:
    """One interview in progress: the answers so far and what has been asked."""

    def __init__(self, sections: Sequence[Section], draft: Draft | None = None) -> None:
        self.sections = tuple(sections)
        self.answers: Answers = copy.deepcopy(dict(draft.answers)) if draft else {}
        self.answers.setdefault("schema_version", SCHEMA_VERSION)
        self.asked: list[str] = list(draft.asked) if draft else []
        self.skipped: list[str] = list(draft.skipped) if draft else []

    def draft(self) -> Draft:
        """Everything answered so far (resume with ``Interview(sections, draft)``)."""
        return Draft(copy.deepcopy(self.answers), tuple(self.asked), tuple(self.skipped))

    @property
    def answered(self) -> int:
        """How many questions have been answered (blank answers included)."""
        return sum(1 for a in self.asked if not a.startswith("section:"))

    def run(self, prompter: Prompter) -> Answers:
        """Ask what has not been asked yet and return the raw intake document."""
        total = len(self.sections)
        for number, section in enumerate(self.sections, start=1):
            if not applies(section, self.answers) or section.key in self.skipped:
                continue
            if not self._opened(prompter, section, number, total):
                continue
            for question in section.questions:
                self._ask(prompter, question)
            self._check(prompter, section)
        return to_document(self.answers)

    def reask(self, paths: Sequence[str]) -> None:
        """Forget the answers at ``paths`` so that :meth:`run` asks them again."""
        for section in self.sections:
            for q in section.questions:
                if q.path in paths or any(p.startswith(f"{q.path}_") for p in paths):
                    set_answer(self.answers, q, None)
                    self.asked = [a for a in self.asked if a != q.path]

    def _opened(self, prompter: Prompter, section: Section, number: int, total: int) -> bool:
        pending = [
            q for q in section.questions if q.path not in self.asked and applies(q, self.answers)
        ]
        if not pending and (not section.optional or offer_key(section) in self.asked):
            return False
        prompter.section(section, number, total)
        if not section.optional or offer_key(section) in self.asked:
            return True
        accepted = bool(prompter.ask(offer_question(section)))
        self.asked.append(offer_key(section))
        if not accepted:
            self.skipped.append(section.key)
            return False
        if section.container and get_answer(self.answers, section.container) is None:
            node = self.answers
            for part in section.container.split("."):
                node = node.setdefault(part, {})
        return True

    def _ask(self, prompter: Prompter, question: Question) -> None:
        if question.path in self.asked:
            return
        if not applies(question, self.answers):
            set_answer(self.answers, question, None)
            return
        set_answer(self.answers, question, prompter.ask(question))
        self.asked.append(question.path)

    def _check(self, prompter: Prompter, section: Section) -> None:
        by_path: Mapping[str, Question] = {q.path: q for q in section.questions}
        for _ in range(MAX_RECHECKS):
            problems = [p for check in section.checks for p in check(self.answers)]
            if not problems:
                return
            for problem in problems:
                prompter.problem(problem)
                question = by_path.get(problem.path)
                if question is not None:
                    self.asked = [a for a in self.asked if a != question.path]
                    self._ask(prompter, question)


def run_interview(
    prompter: Prompter,
    instruments: Mapping[str, InstrumentDef],
    *,
    draft: Draft | None = None,
) -> Answers:
    """Ask every question (or those a ``draft`` has not answered) and return the raw document."""
    return Interview(intake_sections(instruments), draft).run(prompter)


__all__ = ["Interview", "Prompter", "offer_key", "offer_question", "run_interview"]
