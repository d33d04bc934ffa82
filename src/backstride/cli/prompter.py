"""The terminal side of the intake: section headings, choices with their meanings, re-asking.

Every question shows what its answers mean: numbered choices with plain-words labels, the
anchors of a scale (``0 = no pain, 10 = worst pain imaginable``), the yes/no meaning of a
questionnaire item (``agree``), what a bare Enter does, and ``skip`` where it is allowed.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.prompt import Prompt

from backstride.intake.form import AnswerError, Blank, Kind, Problem, Question, Section, parse


def _default_label(question: Question) -> str:
    default = question.default
    if isinstance(default, bool):
        return "y" if default else "n"
    if isinstance(default, list):
        return ", ".join(question.label(v) for v in default) or "none"
    if isinstance(default, float) and default.is_integer():
        return str(int(default))
    return question.label(default)


def hint(question: Question) -> str:
    """The short reminder after the question: how to answer, what Enter and skip do."""
    parts: list[str] = []
    if question.kind is Kind.TRI:
        parts.append("y / n, or skip if you are not sure")
    elif question.kind is Kind.BOOL:
        meanings = ", ".join(f"{m.value[0]} = {m.label}" for m in question.anchors)
        parts.append(meanings or "y / n")
    elif question.kind is Kind.MULTI:
        parts.append("numbers or names, comma-separated")
    elif question.kind is Kind.CHOICE:
        parts.append("number or name")
    elif question.kind is Kind.DURATION:
        parts.append("e.g. 10 days, 3 weeks")
    if question.blank is Blank.DEFAULT:
        parts.append(f"Enter = {_default_label(question)}")
    elif question.blank is Blank.UNKNOWN:
        parts.append("Enter = not known")
    if question.skippable and question.kind is not Kind.TRI:
        parts.append("skip to leave it out")
    return "; ".join(parts)


def details(question: Question) -> list[str]:
    """Lines shown before the prompt: help, the numbered choices, a scale's anchors."""
    lines: list[str] = []
    if question.help:
        lines.append(f"[dim]{escape(question.help)}[/dim]")
    if question.kind in {Kind.CHOICE, Kind.MULTI}:
        for i, c in enumerate(question.choices, start=1):
            code = "" if c.label == c.value.replace("_", " ") else f" [dim]({c.value})[/dim]"
            lines.append(f"  {i:>2}. {escape(c.label)}{code}")
    elif question.anchors and question.kind is not Kind.BOOL:  # yes/no meanings: in the hint
        lines.append(
            "[dim]  " + "   ".join(f"{a.value} = {escape(a.label)}" for a in question.anchors)
            + "[/dim]"
        )  # fmt: skip
    return lines


class RichPrompter:
    """Asks on the terminal (or any stdin) with rich; re-asks until the answer is valid."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def section(self, section: Section, number: int, total: int) -> None:
        """A rule with "Section 3 of 13 - heading", then the section's introduction."""
        self.console.rule(f"[bold]Section {number} of {total}[/bold] - {escape(section.heading)}")
        if section.intro:
            self.console.print(f"[dim]{escape(section.intro)}[/dim]")

    def problem(self, problem: Problem) -> None:
        """A problem across answers, before the question it points at is asked again."""
        self.console.print(f"[red]{escape(problem.msg)}[/red]")

    def ask(self, question: Question) -> Any:
        """The parsed answer; ``EOFError``/``KeyboardInterrupt`` propagate (draft kept)."""
        for line in details(question):
            self.console.print(line)
        reminder = hint(question)
        prompt = escape(question.text) + (f" [dim]({escape(reminder)})[/dim]" if reminder else "")
        while True:
            raw = Prompt.ask(prompt, console=self.console, default="", show_default=False)
            try:
                return parse(question, raw)
            except AnswerError as exc:
                self.console.print(f"[red]{escape(str(exc))}[/red]")


__all__ = ["RichPrompter", "details", "hint"]
