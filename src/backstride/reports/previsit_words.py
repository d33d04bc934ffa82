"""The pre-visit report in plain words: instrument names with their units, what each triage
disposition told the runner, what a score's change means, and the plan's limits.

One vocabulary for the clinic's page (``web.routes.previsit``) and the PDF
(``reports.previsit_report``), so that a clinician reads the same words in both and never a
bare code such as ``TRIAD_FEMALE`` or ``clinician``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from backstride.intake.catalog import shipped_instruments

DASH = "—"

INSTRUMENTS: dict[str, tuple[str, str, int]] = {
    "nprs": ("Pain rating (NPRS)", "/10", 0),
    "odi": ("Disability, Oswestry (ODI)", " %", 0),
    "rmdq": ("Disability, Roland-Morris (RMDQ)", " of 24", 0),
    "psfs": ("Activities made hard (PSFS, 10 = as before)", "/10", 1),
    "startback": ("STarT Back screening", " of 9", 0),
    "triad_female": ("Energy, periods and bone health (Female Athlete Triad risk)", " points", 0),
    "triad_male": ("Energy and bone health (male athlete triad risk)", " points", 0),
}
"""Each instrument's name in words, its unit and decimals (as the runner's progress page)."""

DISPOSITIONS = {
    "emergency": "Emergency: sent to an emergency department",
    "urgent": "Urgent: told to see a doctor within a day or two and not to run",
    "clinician": "Told to book an assessment within 1-2 weeks",
    "self_management": "Self-management: a graded plan with training",
}
"""What each triage disposition told the runner (clinical reference §1.3)."""

DIRECTIONS = {
    "improved": "Better, by more than the smallest change that matters (MCID)",
    "worsened": "Worse, by more than the smallest change that matters (MCID)",
    "no_meaningful_change": "No real change (less than the smallest change that matters)",
}
"""A change against the instrument's minimal clinically important difference (clinical
reference §4.1)."""

FLAG_WORDS = {
    "blocked": "No training plan until you have been seen.",
    "no_running": "No running for now; low-impact training instead.",
    "no_impact": "No impact: no running, jumping or hopping for now.",
    "no_axial_loading": "No heavy weights on the spine (loaded squats, deadlifts, carries).",
    "avoid_extension_loading": "No loaded back-bending (extension past neutral).",
    "avoid_loaded_flexion_rotation": "No loaded bending and twisting while the pain is new.",
    "hold_hills": "Flat routes only: hills and downhills held while the pain is irritable.",
}
"""The plan's limits (triage flags) in words."""


class Score(Protocol):
    """What :func:`score_line` reads (``services.booking.previsit.ScoreChange``)."""

    @property
    def instrument(self) -> str: ...
    @property
    def latest(self) -> float | None: ...
    @property
    def latest_at(self) -> dt.datetime: ...
    @property
    def baseline(self) -> float | None: ...
    @property
    def change(self) -> float | None: ...
    @property
    def direction(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class ScoreLine:
    """One score as the report says it."""

    name: str
    latest: str
    latest_on: str
    then: str
    change: str
    verdict: str
    tone: str


def _value(value: float | None, unit: str, digits: int) -> str:
    if value is None:
        return DASH
    return f"{value:.{digits}f}{unit}"


def day(value: dt.date | dt.datetime | None) -> str:
    """``7 Dec 2026``."""
    if value is None:
        return DASH
    return f"{value.day} {value:%b %Y}"


def score_line(s: Score, *, since: str = "the last visit") -> ScoreLine:
    """A score, its value at ``since`` (the last visit) and the change in words (clinical reference
    §4.1: a change is real when it passes the instrument's MCID); an instrument not listed in
    :data:`INSTRUMENTS` is named as the shipped catalogue names it."""
    inst = shipped_instruments().get(s.instrument)
    title = inst.title if inst is not None else s.instrument
    name, unit, digits = INSTRUMENTS.get(s.instrument, (title, "", 1))
    if s.change is None:
        change = DASH
        verdict = f"No score from before {since} to compare"
        if s.instrument == "psfs" and s.baseline is not None:
            verdict = "Not compared here (each activity is scored on its own)"
        elif s.baseline is not None:
            verdict = "A screening: read its level, it has no change threshold"
    else:
        points = " points" if s.instrument == "odi" else unit  # a change of a % is in points
        change = f"{s.change:+.{digits}f}{points}".replace("-", "−")
        verdict = DIRECTIONS.get(s.direction or "", s.direction or "")
    tone = {"improved": "ok", "worsened": "caution"}.get(s.direction or "", "info")
    return ScoreLine(
        name=name,
        latest=_value(s.latest, unit, digits),
        latest_on=day(s.latest_at),
        then=_value(s.baseline, unit, digits),
        change=change,
        verdict=verdict,
        tone=tone,
    )


def disposition_words(code: str | None) -> str | None:
    """The disposition as the runner was told it (``None`` without an intake)."""
    if code is None:
        return None
    return DISPOSITIONS.get(code, code)


__all__ = [
    "DIRECTIONS",
    "DISPOSITIONS",
    "FLAG_WORDS",
    "INSTRUMENTS",
    "ScoreLine",
    "day",
    "disposition_words",
    "score_line",
]
