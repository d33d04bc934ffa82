"""The intake form as data: sections of questions, their answers, conditions, pages and drafts.

One model serves every interface. The terminal (``backstride intake``) asks one question at a
time; a web wizard shows one :class:`Section` per page. Both turn typed text into answers with
:func:`parse` (a web form's checkboxes arrive as a list of strings), write them with
:func:`set_answer`, decide what to ask with :func:`applies` and keep unfinished work as a
:class:`Draft`. The answers are the raw intake document, validated at the end by
:func:`backstride.intake.validation.validate_intake`.

Blank and "skip" are different answers (clinical reference §0, "unknown is not 'no'"): a blank
line is only accepted where the question has a default or may stay unknown; ``skip`` is an
explicit answer, recorded as ``unanswered`` for the cauda-equina safety questions (which then
fire ``screen.incomplete``) and as "left out" for questionnaire items.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

Answers = dict[str, Any]
"""The raw intake document being built (nested mappings keyed like the document)."""

SKIP_WORDS = frozenset({"skip", "s"})
YES_WORDS = frozenset({"y", "yes", "true", "on", "1"})
NO_WORDS = frozenset({"n", "no", "false", "off", "0"})


class Kind(StrEnum):
    """What a question accepts."""

    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    TRI = "tri"
    """yes / no / skip, stored as ``yes`` / ``no`` / ``unanswered`` (cauda-equina screen)."""
    CHOICE = "choice"
    MULTI = "multi"
    TEXT = "text"
    DURATION = "duration"
    """A span of time in days or weeks ("10 days", "3 weeks"); written as ``<path>_days`` or
    ``<path>_weeks``."""


class Blank(StrEnum):
    """What an empty answer means."""

    REQUIRED = "required"
    """An answer is needed (ask again; a web page shows an error)."""
    DEFAULT = "default"
    """The question's ``default`` is the answer."""
    UNKNOWN = "unknown"
    """Not known or not done: the answer is left out of the document."""


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer a runner can pick: the stored ``value`` and its plain-words ``label``."""

    value: str
    label: str


# -- conditions ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clause:
    """A test on one earlier answer.

    ``in``: the answer is one of ``values``; ``not_in``: it is not (an unanswered question is
    not in any list); ``intersects``: a list answer shares a value with ``values``;
    ``given``: the question was answered (not blank).
    """

    path: str
    op: Literal["in", "not_in", "intersects", "given"]
    values: tuple[Any, ...] = ()

    def holds(self, answers: Mapping[str, Any]) -> bool:
        """True when the answers meet this clause."""
        value = get_answer(answers, self.path)
        if self.op == "given":
            return value is not None
        if self.op == "intersects":
            return isinstance(value, list) and any(v in self.values for v in value)
        if self.op == "in":
            return value is not None and value in self.values
        return value not in self.values

    def to_dict(self) -> dict[str, Any]:
        """JSON form (a web page can show or hide a field with it)."""
        return {"path": self.path, "op": self.op, "values": list(self.values)}


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every part holds."""

    parts: tuple[Condition, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        """True when every part holds."""
        return all(p.holds(answers) for p in self.parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"all": [p.to_dict() for p in self.parts]}


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Condition, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        """True when some part holds."""
        return any(p.holds(answers) for p in self.parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"any": [p.to_dict() for p in self.parts]}


Condition = Clause | AllOf | AnyOf


def is_(path: str, *values: Any) -> Clause:
    """The answer at ``path`` is one of ``values``."""
    return Clause(path, "in", values)


def is_not(path: str, *values: Any) -> Clause:
    """The answer at ``path`` is none of ``values`` (an unanswered question counts as none)."""
    return Clause(path, "not_in", values)


def has_any(path: str, *values: Any) -> Clause:
    """The list answer at ``path`` contains one of ``values``."""
    return Clause(path, "intersects", values)


def given(path: str) -> Clause:
    """The question at ``path`` was answered."""
    return Clause(path, "given")


# -- questions and sections ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Question:
    """One question: where its answer goes (``path`` in the document), what it accepts, when.

    ``choices`` carry plain-words labels; ``anchors`` say what points of a number scale mean
    (``0`` = no pain). ``safety``: a safety question - a blank is never an answer, and a
    ``skip`` is recorded as unanswered so triage knows the screen is incomplete.
    ``item_key``: each picked value of a MULTI answer is stored as ``{item_key: value}``.
    """

    path: str
    text: str
    kind: Kind
    choices: tuple[Choice, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    blank: Blank = Blank.REQUIRED
    default: Any = None
    skippable: bool = False
    safety: bool = False
    when: Condition | None = None
    help: str = ""
    anchors: tuple[Choice, ...] = ()
    item_key: str | None = None

    @property
    def values(self) -> tuple[str, ...]:
        """The stored values of the choices, in order."""
        return tuple(c.value for c in self.choices)

    def label(self, value: Any) -> str:
        """The plain-words label of a stored value (the value itself when it has none)."""
        for c in self.choices:
            if c.value == value:
                return c.label
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)

    def to_dict(self) -> dict[str, Any]:
        """JSON form of the question (for an API or a client-side wizard)."""
        return {
            "path": self.path,
            "text": self.text,
            "kind": self.kind.value,
            "choices": [{"value": c.value, "label": c.label} for c in self.choices],
            "anchors": [{"value": c.value, "label": c.label} for c in self.anchors],
            "minimum": self.minimum,
            "maximum": self.maximum,
            "blank": self.blank.value,
            "default": self.default,
            "skippable": self.skippable,
            "safety": self.safety,
            "when": self.when.to_dict() if self.when else None,
            "help": self.help,
        }


@dataclass(frozen=True, slots=True)
class Problem:
    """One answer that did not fit, shaped like an ``intake.invalid`` problem."""

    path: str
    msg: str
    type: str = "answer"


Check = Callable[[Mapping[str, Any]], list[Problem]]
"""A check across answers: the problems it finds, each at the path of the question to re-ask."""


@dataclass(frozen=True, slots=True)
class Section:
    """A page of the form: a heading, an introduction and its questions in order.

    ``optional``: the runner decides whether to answer it (``offer`` is the question put to
    them; the terminal needs an explicit ``y`` or ``skip``, never a bare Enter). ``container``:
    the document path created when an optional section is accepted, so an accepted but empty
    questionnaire is still recorded as offered. ``when``: the section applies only then.
    """

    key: str
    heading: str
    questions: tuple[Question, ...]
    intro: str = ""
    optional: bool = False
    offer: str = ""
    container: str | None = None
    when: Condition | None = None
    checks: tuple[Check, ...] = ()
    """Checks across the answers, run after the page's questions (server side only)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON form of the section and its questions."""
        return {
            "key": self.key,
            "heading": self.heading,
            "intro": self.intro,
            "optional": self.optional,
            "offer": self.offer,
            "when": self.when.to_dict() if self.when else None,
            "questions": [q.to_dict() for q in self.questions],
        }


class AnswerError(ValueError):
    """A typed answer that does not fit its question; the message says what would."""


# -- reading and writing answers ----------------------------------------------------------


def _parts(path: str) -> list[str]:
    return path.split(".")


def get_answer(answers: Mapping[str, Any], path: str) -> Any:
    """The answer stored at a dotted ``path`` (list indexes are numbers), or ``None``."""
    node: Any = answers
    for part in _parts(path):
        if isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _put(answers: Answers, path: str, value: Any) -> None:
    *parents, leaf = _parts(path)
    node: Any = answers
    for i, part in enumerate(parents):
        nxt_is_index = [*parents, leaf][i + 1].isdigit()
        if isinstance(node, list):
            idx = int(part)
            while len(node) <= idx:
                node.append({})
            node = node[idx]
            continue
        if part not in node or node[part] is None:
            node[part] = [] if nxt_is_index else {}
        node = node[part]
    if isinstance(node, list):
        idx = int(leaf)
        while len(node) <= idx:
            node.append({})
        node[idx] = value
    else:
        node[leaf] = value


def _drop(answers: Answers, path: str) -> None:
    *parents, leaf = _parts(path)
    node: Any = answers
    for part in parents:
        if isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return
    if isinstance(node, dict):
        node.pop(leaf, None)


def answer_paths(question: Question) -> tuple[str, ...]:
    """The document paths a question writes (a duration writes ``_days`` or ``_weeks``)."""
    if question.kind is Kind.DURATION:
        return (f"{question.path}_days", f"{question.path}_weeks")
    return (question.path,)


def current_answer(answers: Mapping[str, Any], question: Question) -> Any:
    """The stored answer of ``question`` in the form :func:`parse` returns (``None`` if none)."""
    if question.kind is Kind.DURATION:
        days = get_answer(answers, f"{question.path}_days")
        if days is not None:
            return Duration(days=float(days))
        weeks = get_answer(answers, f"{question.path}_weeks")
        return Duration(weeks=float(weeks)) if weeks is not None else None
    value = get_answer(answers, question.path)
    if question.item_key and isinstance(value, list):
        return [v.get(question.item_key) if isinstance(v, Mapping) else v for v in value]
    return value


def set_answer(answers: Answers, question: Question, value: Any) -> None:
    """Write a parsed answer into ``answers``; ``None`` removes any earlier answer."""
    for path in answer_paths(question):
        _drop(answers, path)
    if value is None:
        return
    if isinstance(value, Duration):
        if value.days is not None:
            _put(answers, f"{question.path}_days", _number(value.days))
        else:
            _put(answers, f"{question.path}_weeks", _number(value.weeks or 0.0))
        return
    if question.item_key and isinstance(value, list):
        value = [{question.item_key: v} for v in value]
    _put(answers, question.path, value)


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def applies(question: Question | Section, answers: Mapping[str, Any]) -> bool:
    """Whether the question (or section) is asked, given the answers so far."""
    return question.when is None or question.when.holds(answers)


# -- parsing typed answers ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Duration:
    """A duration as the runner gave it: in days or in weeks (exactly one is set)."""

    days: float | None = None
    weeks: float | None = None


_DAY_UNITS = {"d": 1.0, "day": 1.0, "days": 1.0}
_WEEK_UNITS = {
    "w": 1.0,
    "wk": 1.0,
    "wks": 1.0,
    "week": 1.0,
    "weeks": 1.0,
    "m": 52.18 / 12,
    "mo": 52.18 / 12,
    "month": 52.18 / 12,
    "months": 52.18 / 12,
    "y": 52.18,
    "yr": 52.18,
    "year": 52.18,
    "years": 52.18,
}


def _parse_duration(question: Question, text: str) -> Duration:
    """``10 days``, ``3 weeks``, ``3w``, ``2 months`` (as weeks); a bare number is weeks."""
    cleaned = text.lower().replace(",", ".").strip()
    number = cleaned.rstrip("abcdefghijklmnopqrstuvwxyz ").strip()
    unit = cleaned[len(number) :].strip() or "weeks"
    try:
        amount = float(number)
    except ValueError:
        raise AnswerError(
            "please give a number with days or weeks, e.g. 10 days or 3 weeks"
        ) from None
    if amount != amount or amount in (float("inf"), float("-inf")) or amount < 0:
        raise AnswerError("please give a number of days or weeks from 0")
    if unit in _DAY_UNITS:
        weeks = amount / 7
        result = Duration(days=amount)
    elif unit in _WEEK_UNITS:
        weeks = amount * _WEEK_UNITS[unit]
        result = Duration(weeks=weeks)
    else:
        raise AnswerError(f"unknown unit {unit!r}: use days or weeks")
    if question.maximum is not None and weeks > question.maximum:
        raise AnswerError(f"please give at most {question.maximum:g} weeks")
    return result


def _pick(question: Question, text: str) -> str:
    """A choice by its value, its label or its number in the list (1-based)."""
    for c in question.choices:
        if text == c.value or text.lower() == c.label.lower():
            return c.value
    if text.isdigit() and 1 <= int(text) <= len(question.choices):
        return question.choices[int(text) - 1].value
    raise AnswerError(f"please choose one of: {', '.join(question.values)}")


def _parse_number(question: Question, text: str) -> int | float:
    integer = question.kind is Kind.INT
    try:
        value: float = int(text) if integer else float(text.replace(",", "."))
    except ValueError:
        raise AnswerError(f"please type a {'whole ' if integer else ''}number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise AnswerError("please type a number")
    lo, hi = question.minimum, question.maximum
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise AnswerError(f"please give a number from {lo:g} to {hi:g}")
    return value


def _parse_multi(question: Question, raw: str | Sequence[str]) -> list[str]:
    if isinstance(raw, str):
        picked = [p.strip() for p in raw.replace(" ", ",").split(",") if p.strip()]
    else:
        picked = [p.strip() for p in raw if p.strip()]
    if picked == ["none"]:
        return []
    out: list[str] = []
    bad: list[str] = []
    for p in picked:
        try:
            value = _pick(question, p)
        except AnswerError:
            bad.append(p)
            continue
        if value not in out:
            out.append(value)
    if bad:
        raise AnswerError(f"unknown: {', '.join(bad)}; choose from {', '.join(question.values)}")
    return out


def parse(question: Question, raw: str | Sequence[str] | None) -> Any:
    """The answer typed as ``raw`` (a web form's checkboxes: a list), ready for :func:`set_answer`.

    ``None`` means "leave it out of the document" (blank where the answer may stay unknown, or
    an explicit skip of a questionnaire item). Raises :class:`AnswerError` with a plain message
    when the text does not fit.
    """
    if raw is None:
        raw = ""
    if not isinstance(raw, str) and question.kind is not Kind.MULTI:
        raw = raw[-1] if raw else ""  # one value expected: a form field sent twice keeps the last
    text = raw.strip() if isinstance(raw, str) else ""
    empty = not text if isinstance(raw, str) else not [r for r in raw if r.strip()]
    if isinstance(raw, str) and text.lower() in SKIP_WORDS and question.kind is not Kind.TEXT:
        if question.kind is Kind.TRI:
            return "unanswered"
        if question.skippable:
            return None
    if empty:
        if question.blank is Blank.UNKNOWN:
            return None
        if question.blank is Blank.DEFAULT:
            return copy.deepcopy(question.default)
        if question.safety:
            raise AnswerError("this is a safety question: answer y or n, or type skip")
        if question.skippable:
            raise AnswerError("an answer is needed (or type skip)")
        raise AnswerError("an answer is needed")
    return _parse_text(question, raw, text)


def _parse_text(question: Question, raw: str | Sequence[str], text: str) -> Any:
    kind = question.kind
    if kind is Kind.MULTI:
        return _parse_multi(question, raw)
    if kind in {Kind.INT, Kind.FLOAT}:
        return _parse_number(question, text)
    if kind is Kind.DURATION:
        return _parse_duration(question, text)
    if kind is Kind.BOOL:
        if text.lower() in YES_WORDS:
            return True
        if text.lower() in NO_WORDS:
            return False
        for meaning in question.anchors:  # "agree" / "disagree" where the item says so
            if text.lower() == meaning.label.lower():
                return meaning.value == "yes"
        raise AnswerError("please answer y or n")
    if kind is Kind.TRI:
        if text.lower() in YES_WORDS:
            return "yes"
        if text.lower() in NO_WORDS:
            return "no"
        if text.lower() == "unanswered":  # the stored value, as a web form sends it
            return "unanswered"
        raise AnswerError("please answer y, n or skip")
    if kind is Kind.CHOICE:
        return _pick(question, text)
    if question.maximum is not None and len(text) > question.maximum:
        raise AnswerError(f"please keep it under {question.maximum:g} characters")
    return text


# -- pages (one section at a time) and drafts ---------------------------------------------


@dataclass(frozen=True, slots=True)
class PageResult:
    """The answers after a page was submitted, and every problem on it (empty when fine)."""

    answers: Answers
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """True when every answer on the page fitted its question."""
        return not self.problems


def asked_questions(section: Section, answers: Mapping[str, Any]) -> Iterator[Question]:
    """The section's questions that apply, in order, as ``answers`` stand."""
    for q in section.questions:
        if applies(q, answers):
            yield q


def validate_page(
    section: Section,
    form: Mapping[str, str | Sequence[str]],
    answers: Mapping[str, Any],
) -> PageResult:
    """Parse one page of raw answers (keyed by question path) into a copy of ``answers``.

    Questions are taken in order, so a condition may read an answer given on the same page;
    a question that no longer applies has its earlier answer removed. Every problem is
    reported at once with the question's path.
    """
    out: Answers = copy.deepcopy(dict(answers))
    problems: list[Problem] = []
    if section.container and get_answer(out, section.container) is None:
        _put(out, section.container, {})
    for q in section.questions:
        if not applies(q, out):
            set_answer(out, q, None)
            continue
        try:
            value = parse(q, form.get(q.path))
        except AnswerError as exc:
            problems.append(Problem(q.path, str(exc)))
            continue
        set_answer(out, q, value)
    if not problems:
        for check in section.checks:
            problems.extend(check(out))
    return PageResult(out, tuple(problems))


DRAFT_FORMAT = "backstride.intake-draft/1"


@dataclass(frozen=True, slots=True)
class Draft:
    """Unfinished answers: what is answered so far and which questions were already put.

    ``asked``: question paths already answered (blank answers too, so a resumed interview
    does not ask them again) and ``section:<key>`` for every optional section decided;
    ``skipped``: optional sections the runner chose to skip. Health data: keep it private.
    """

    answers: Mapping[str, Any]
    asked: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON form (``format`` names the draft version)."""
        return {
            "format": DRAFT_FORMAT,
            "answers": copy.deepcopy(dict(self.answers)),
            "asked": list(self.asked),
            "skipped": list(self.skipped),
        }


def draft_from_dict(raw: Any) -> Draft:
    """A draft saved by :meth:`Draft.to_dict`; :class:`AnswerError` when it is not one.

    Unknown keys are refused (a misspelt key must not silently drop answers).
    """
    if not isinstance(raw, Mapping) or raw.get("format") != DRAFT_FORMAT:
        raise AnswerError(f"not an intake draft (expected format {DRAFT_FORMAT})")
    unknown = sorted(set(raw) - {"format", "answers", "asked", "skipped"})
    if unknown:
        raise AnswerError(f"unknown fields in the draft: {', '.join(unknown)}")
    answers, asked, skipped = raw.get("answers"), raw.get("asked", []), raw.get("skipped", [])
    if not isinstance(answers, Mapping):
        raise AnswerError("the draft's answers must be a mapping")
    for name, value in (("asked", asked), ("skipped", skipped)):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AnswerError(f"the draft's {name} must be a list of text")
    return Draft(copy.deepcopy(dict(answers)), tuple(asked), tuple(skipped))


def form_to_dict(sections: Sequence[Section]) -> dict[str, Any]:
    """The whole form as JSON (sections in order, each with its questions)."""
    return {"sections": [s.to_dict() for s in sections]}


__all__ = [
    "DRAFT_FORMAT",
    "AllOf",
    "AnswerError",
    "Answers",
    "AnyOf",
    "Blank",
    "Choice",
    "Clause",
    "Condition",
    "Draft",
    "Duration",
    "Kind",
    "PageResult",
    "Problem",
    "Question",
    "Section",
    "answer_paths",
    "applies",
    "asked_questions",
    "current_answer",
    "draft_from_dict",
    "form_to_dict",
    "get_answer",
    "given",
    "has_any",
    "is_",
    "is_not",
    "parse",
    "set_answer",
    "validate_page",
]
