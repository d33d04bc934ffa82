"""The terminal intake interview: asks the questions of :mod:`questions` through any Prompter.

Questionnaire items come from the instrument definitions, so a clinic's licensed wording is
shown when configured. The result is a raw document; callers validate it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from backstride.cli.questions import (
    CLINICIAN,
    DETAILS,
    ESSENTIALS,
    TRIAD,
    Answers,
    Question,
    yes_no,
)
from backstride.intake.catalog import InstrumentDef


class Prompter(Protocol):
    """Anything that can answer a question (the rich terminal, or a script in tests)."""

    def ask(self, question: Question) -> Any:
        """The parsed answer, or ``None`` when left blank/skipped."""


def _set(answers: Answers, path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    node = answers
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def _ask_all(prompter: Prompter, questions: tuple[Question, ...], answers: Answers) -> None:
    for q in questions:
        if q.when is not None and not q.when(answers):
            continue
        value = prompter.ask(q)
        if value is None:
            continue
        if q.path == "running.previous_bsi":
            value = [{"site": s} for s in value]
        _set(answers, q.path, value)


def _item_question(inst: InstrumentDef, key: str) -> Question:
    item = inst.item(key)
    spec = item.answer
    text = item.text
    if item.options:
        text += "\n" + "\n".join(f"  {i}: {o}" for i, o in enumerate(item.options))
    if spec.type == "integer":
        return Question(
            f"{inst.id}.items.{key}",
            f"{text} ({spec.minimum}-{spec.maximum}, blank to skip)",
            "int",
            minimum=spec.minimum,
            maximum=spec.maximum,
            default="",
        )
    if spec.type == "boolean":
        return Question(
            f"{inst.id}.items.{key}", f"{text} (y/n, blank to skip)", "bool", default=""
        )
    return Question(f"{inst.id}.items.{key}", text, "choice", spec.choices, default="")


def _questionnaires(
    prompter: Prompter, instruments: Mapping[str, InstrumentDef], a: Answers
) -> None:
    for ident in ("nprs", "odi", "rmdq", "startback"):
        inst = instruments[ident]
        if not prompter.ask(yes_no(f"ask.{ident}", f"Answer '{inst.title}' now?")):
            continue
        _ask_all(prompter, tuple(_item_question(inst, k) for k in inst.item_keys), a)
        a.setdefault(ident, {"items": {}})
    count = prompter.ask(
        Question(
            "ask.psfs",
            "How many activities are hard because of your back (0-5)?",
            "int",
            minimum=0,
            maximum=5,
            default="0",
        )
    )
    if count:
        acts = []
        for i in range(int(count)):
            name = prompter.ask(Question(f"psfs.{i}.name", f"Activity {i + 1}", "text"))
            score = prompter.ask(
                Question(
                    f"psfs.{i}.score",
                    "How well can you do it now (0 = unable, 10 = as before)?",
                    "int",
                    minimum=0,
                    maximum=10,
                )
            )
            acts.append({"name": name, "score": int(score)})
        a["psfs"] = {"activities": acts}
    if prompter.ask(yes_no("ask.triad", "Answer questions on energy, periods and bone health?")):
        _ask_all(prompter, TRIAD, a)
        a.setdefault("triad", {})


def run_interview(prompter: Prompter, instruments: Mapping[str, InstrumentDef]) -> Answers:
    """Ask every question and return the raw intake document (validate it afterwards)."""
    answers: Answers = {"schema_version": "1"}
    _ask_all(prompter, ESSENTIALS, answers)
    _ask_all(prompter, DETAILS, answers)
    _questionnaires(prompter, instruments, answers)
    if prompter.ask(yes_no("ask.clinician", "Is a clinician entering examination findings?")):
        _ask_all(prompter, CLINICIAN, answers)
        answers.setdefault("clinician", {})
    return answers


__all__ = ["Prompter", "run_interview"]
