"""The intake wizard's view of the form model: steps, fields and the draft between pages.

One step is one :class:`~backstride.intake.form.Section` of :func:`intake_sections` (the same
sections, questions, conditions and parsing the terminal interview uses); the clinician's
examination section is left out for a runner (docs/decisions/0050). A page's posted fields are
keyed by question path and checked by :func:`~backstride.intake.form.validate_page`; the
draft records what was asked exactly as the terminal's does (question paths, and
``section:<key>`` for an optional section decided), so a draft reads the same on both.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from starlette.datastructures import FormData

from backstride.intake.form import (
    Blank,
    Clause,
    Condition,
    Draft,
    Duration,
    Kind,
    Problem,
    Question,
    Section,
    applies,
    current_answer,
    get_answer,
    set_answer,
    validate_page,
)
from backstride.intake.questions import intake_sections

RUNNER_EXCLUDED = frozenset({"clinician"})
"""Sections a runner does not answer in the browser (the clinic enters examination findings)."""

SKIP_VALUE = "skip"
"""The posted value of a questionnaire item's "prefer not to answer" (``form.parse``: a skip)."""


@cache
def runner_sections() -> tuple[Section, ...]:
    """Every section a runner answers, in order (shipped own-words questionnaire wording)."""
    return tuple(s for s in intake_sections() if s.key not in RUNNER_EXCLUDED)


def section_by_key(key: str) -> Section | None:
    """The runner's section with this key, or ``None``."""
    return next((s for s in runner_sections() if s.key == key), None)


def steps(answers: Mapping[str, Any]) -> list[Section]:
    """The steps as the answers stand (a section with a condition appears when it applies)."""
    return [s for s in runner_sections() if applies(s, answers)]


def offer_key(section: Section) -> str:
    """The draft's record that an optional section was decided (as the terminal writes it)."""
    return f"section:{section.key}"


def is_done(section: Section, draft: Draft) -> bool:
    """Whether the runner has been through this step (answered it, or skipped it if optional)."""
    if section.optional:
        return offer_key(section) in draft.asked
    return all(q.path in draft.asked for q in section.questions if applies(q, draft.answers))


def next_step(draft: Draft, after: str | None = None) -> Section | None:
    """The step after ``after`` (or the first) that is not done yet; ``None``: time to review."""
    order = steps(draft.answers)
    keys = [s.key for s in order]
    start = keys.index(after) + 1 if after in keys else 0
    for section in order[start:]:
        if not is_done(section, draft):
            return section
    return None


# -- fields ---------------------------------------------------------------------------


Options = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class FieldView:
    """One question as a form shows it: ``widget`` is ``radio``, ``scale``, ``checkbox`` or
    ``text``; ``options`` are ``(value, label)``; ``value`` the posted or stored answer."""

    name: str
    label: str
    widget: str
    options: tuple[tuple[str, str], ...] = ()
    value: str | tuple[str, ...] = ""
    hint: str = ""
    error: str = ""
    safety: bool = False
    inputmode: str = ""
    maxlength: int | None = None
    conditional: bool = False
    """Asked only after some answer on the same page (without JavaScript it is always shown,
    and ignored when that answer is not given)."""
    when_json: str = ""
    """The condition as JSON (``Condition.to_dict``): app.js shows the field only when it holds."""

    @property
    def dom_id(self) -> str:
        """The element id (``f-`` and the path with dots as dashes)."""
        return "f-" + self.name.replace(".", "-")

    def checked(self, option: str) -> bool:
        """Whether ``option`` is the answer (or one of the picked answers)."""
        if isinstance(self.value, tuple):
            return option in self.value
        return self.value == option


def _number_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def stored_value(question: Question, answers: Mapping[str, Any]) -> str | tuple[str, ...]:
    """The stored answer as the form's field value ('' when none)."""
    value = current_answer(answers, question)
    if value is None:
        return ""
    if isinstance(value, Duration):
        if value.days is not None:
            return f"{_number_text(value.days)} days"
        return f"{_number_text(round(value.weeks or 0.0, 1))} weeks"
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return _number_text(value)


def default_value(question: Question) -> str | tuple[str, ...]:
    """What the form shows before an answer: the question's default where blank means it."""
    if question.blank is not Blank.DEFAULT or question.default is None:
        return ""
    if isinstance(question.default, list):
        return tuple(str(v) for v in question.default)
    if question.kind in (Kind.INT, Kind.FLOAT) and not question.default:
        return ""  # a number field left blank takes its default; no '0' to type over
    return _number_text(question.default)


def _web_message(question: Question, message: str) -> str:
    """The form model's message in a browser's words (no "type skip")."""
    if question.safety:
        return "This is a safety question: answer yes, no, or I don't know"
    if message.startswith("an answer is needed"):
        return (
            "Choose an answer, or 'prefer not to answer'"
            if question.skippable
            else "Answer this question"
        )
    message = message.replace("please answer y or n", "choose yes or no")
    return message[:1].upper() + message[1:]


def _hint(question: Question) -> str:
    hint = question.help
    if question.kind is Kind.MULTI and question.blank is Blank.REQUIRED:
        hint = "Choose all that apply, or 'none of these'."
        if "no pain" in question.help:
            hint = "Choose all that apply. Choose 'none of these' if there is no pain, only "
            hint += "numbness or weakness."
    if question.kind is Kind.DURATION:
        hint = "For example 10 days or 3 weeks."
    return hint


def field_view(
    question: Question,
    value: str | tuple[str, ...],
    error: str = "",
) -> FieldView:
    """The form field of ``question`` showing ``value`` (and ``error`` beside it)."""
    label = question.text.split("\n", 1)[0]
    hint = _hint(question)
    skip: Options = ((SKIP_VALUE, "prefer not to answer"),) if question.skippable else ()
    options: Options
    kind = question.kind
    common: dict[str, Any] = {"name": question.path, "label": label, "error": error}
    if kind is Kind.TRI:
        options = (("yes", "yes"), ("no", "no"), ("unanswered", "I don't know / not sure"))
        return FieldView(
            **common, widget="radio", options=options, value=value, hint=hint, safety=True
        )
    if kind in (Kind.INT, Kind.FLOAT) and question.anchors and question.maximum is not None:
        lo, hi = int(question.minimum or 0), int(question.maximum)
        meaning = {c.value: c.label for c in question.anchors}
        label = label.rsplit(" (", 1)[0] if label.endswith(")") else label
        options = tuple(
            (str(v), f"{v}: {meaning[str(v)]}" if str(v) in meaning else str(v))
            for v in range(lo, hi + 1)
        )
        options += skip
        return FieldView(
            **{**common, "label": label},
            widget="scale",
            options=options,
            value=value,
            hint=hint,
        )
    if kind is Kind.BOOL:
        meaning = {c.value: c.label for c in question.anchors}
        options = (("yes", meaning.get("yes", "yes")), ("no", meaning.get("no", "no")), *skip)
        return FieldView(**common, widget="radio", options=options, value=value, hint=hint)
    if kind is Kind.CHOICE:
        options = tuple((c.value, c.label) for c in question.choices) + skip
        if question.blank is Blank.UNKNOWN:
            options += (("", "I don't know"),)
        return FieldView(**common, widget="radio", options=options, value=value, hint=hint)
    if kind is Kind.MULTI:
        options = tuple((c.value, c.label) for c in question.choices)
        if question.blank is Blank.REQUIRED:
            options += (("none", "none of these"),)
        return FieldView(**common, widget="checkbox", options=options, value=value, hint=hint)
    if kind in (Kind.INT, Kind.FLOAT):
        if question.blank is Blank.UNKNOWN and not hint:
            hint = "Leave it blank if you don't know."
        mode = "numeric" if kind is Kind.INT else "decimal"
        return FieldView(**common, widget="text", value=value, hint=hint, inputmode=mode)
    maxlength = int(question.maximum) if question.maximum is not None else None
    return FieldView(**common, widget="text", value=value, hint=hint, maxlength=maxlength)


def page_fields(
    section: Section,
    answers: Mapping[str, Any],
    *,
    posted: Mapping[str, str | tuple[str, ...]] | None = None,
    problems: Sequence[Problem] = (),
) -> list[FieldView]:
    """The section's fields: the posted values when re-shown, else the stored answers.

    Every question of the section is shown (a question whose condition does not hold is left
    out unless it was posted: a page without JavaScript cannot show it as the answers change,
    and its answer is then ignored by ``validate_page``).
    """
    errors: dict[str, str] = {}
    by_path = {q.path: q for q in section.questions}
    for p in problems:
        q = by_path.get(p.path)
        if q is not None:
            errors.setdefault(p.path, _web_message(q, p.msg))
    out = []
    for q in section.questions:
        if posted is not None:
            value = posted.get(q.path, "")
        else:
            value = stored_value(q, answers) or default_value(q)
        on_page = q.when is not None and bool(_condition_paths(q.when) & set(by_path))
        if not applies(q, answers) and not on_page:
            continue
        view = field_view(q, value, errors.get(q.path, ""))
        if on_page and q.when is not None:
            view = replace(view, conditional=True, when_json=json.dumps(q.when.to_dict()))
        out.append(view)
    return out


def known_answers(section: Section, answers: Mapping[str, Any]) -> str:
    """JSON of the stored answers that the page's conditions read from other pages."""
    own = {q.path for q in section.questions}
    paths: set[str] = set()
    for q in section.questions:
        if q.when is not None:
            paths |= _condition_paths(q.when) - own
    return json.dumps({p: get_answer(answers, p) for p in sorted(paths)}, default=str)


def _condition_paths(condition: Condition) -> set[str]:
    """The answers a condition reads."""
    if isinstance(condition, Clause):
        return {condition.path}
    return set().union(*(_condition_paths(p) for p in condition.parts))


def posted_values(form: FormData, section: Section) -> dict[str, str | tuple[str, ...]]:
    """The section's posted fields: a list for checkboxes, the last value otherwise."""
    out: dict[str, str | tuple[str, ...]] = {}
    for q in section.questions:
        values = [v for v in form.getlist(q.path) if isinstance(v, str)]
        if q.kind is Kind.MULTI:
            out[q.path] = tuple(values)
        else:
            out[q.path] = values[-1] if values else ""
    return out


@dataclass
class StepOutcome:
    """A page's submission applied to the draft: the new draft and the page's problems."""

    draft: Draft
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """True when every answer on the page fitted."""
        return not self.problems


def apply_page(
    draft: Draft, section: Section, posted: Mapping[str, str | tuple[str, ...]], *, partial: bool
) -> StepOutcome:
    """The draft after a page: every answer that fits is kept.

    ``partial`` (going Back): answers that fit are kept and the rest left for later, with no
    problem reported; otherwise the problems are returned and nothing is marked as asked
    until the page is complete.
    """
    form = {k: list(v) if isinstance(v, tuple) else v for k, v in posted.items()}
    result = validate_page(section, form, draft.answers)
    asked = list(draft.asked)
    skipped = [s for s in draft.skipped if s != section.key]
    if result.ok:
        for q in section.questions:
            if q.path not in asked:
                asked.append(q.path)
        if section.optional and offer_key(section) not in asked:
            asked.append(offer_key(section))
        return StepOutcome(Draft(result.answers, tuple(asked), tuple(skipped)))
    if partial:
        bad = {p.path for p in result.problems}
        answers = copy.deepcopy(dict(result.answers))
        for q in section.questions:  # a bad answer keeps what was stored before
            if q.path in bad:
                set_answer(answers, q, current_answer(draft.answers, q))
        return StepOutcome(Draft(answers, draft.asked, draft.skipped))
    return StepOutcome(draft, result.problems)


def skip_section(draft: Draft, section: Section) -> Draft:
    """The draft with an optional section declined: its answers removed, the decision kept."""
    answers = copy.deepcopy(dict(draft.answers))
    for q in section.questions:
        set_answer(answers, q, None)
    if section.container:
        head, _, leaf = section.container.rpartition(".")
        node: Any = answers
        for part in head.split(".") if head else []:
            node = node.get(part, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict):
            node.pop(leaf, None)
    if section.key == "psfs":
        answers.pop("psfs", None)
    asked = [a for a in draft.asked if a not in {q.path for q in section.questions}]
    if offer_key(section) not in asked:
        asked.append(offer_key(section))
    skipped = [*(s for s in draft.skipped if s != section.key), section.key]
    return Draft(answers, tuple(asked), tuple(skipped))


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One answered question on the review page."""

    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class ReviewSection:
    """One step on the review page: its answers, or why it is not done."""

    key: str
    heading: str
    number: int
    done: bool
    skipped: bool
    rows: tuple[ReviewRow, ...]


def _answer_text(question: Question, answers: Mapping[str, Any]) -> str:
    value = current_answer(answers, question)
    if value is None:
        return "not answered"
    if isinstance(value, Duration):
        if value.days is not None:
            return f"{_number_text(value.days)} days"
        return f"{_number_text(round(value.weeks or 0.0, 1))} weeks"
    if isinstance(value, list):
        return ", ".join(question.label(v) for v in value) if value else "none"
    if question.kind is Kind.TRI and value == "unanswered":
        return "I don't know / not sure"
    if question.kind is Kind.BOOL and question.anchors:
        meaning = {c.value: c.label for c in question.anchors}
        return meaning.get("yes" if value else "no", "yes" if value else "no")
    if question.anchors and isinstance(value, int | float):
        meaning = {c.value: c.label for c in question.anchors}
        shown = _number_text(value)
        return f"{shown} ({meaning[shown]})" if shown in meaning else shown
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number_text(value)
    return question.label(value)


def review(draft: Draft) -> list[ReviewSection]:
    """Every step with its answers in plain words, in order."""
    out = []
    for number, section in enumerate(steps(draft.answers), start=1):
        skipped = section.key in draft.skipped
        rows: tuple[ReviewRow, ...] = ()
        if not skipped:
            rows = tuple(
                ReviewRow(q.text.split("\n", 1)[0], _answer_text(q, draft.answers))
                for q in section.questions
                if applies(q, draft.answers) and q.path in draft.asked
            )
        out.append(
            ReviewSection(
                section.key,
                section.heading,
                number,
                is_done(section, draft),
                skipped,
                rows,
            )
        )
    return out


__all__ = [
    "RUNNER_EXCLUDED",
    "FieldView",
    "ReviewRow",
    "ReviewSection",
    "StepOutcome",
    "apply_page",
    "field_view",
    "is_done",
    "next_step",
    "page_fields",
    "posted_values",
    "review",
    "runner_sections",
    "section_by_key",
    "skip_section",
    "steps",
]
