"""Plan sessions as cards: dose in words (3 × 12, 5-3-1 × 10 s holds), the exercise library's
how-to, cue and common mistake with a figure, and each decision's reason with its source."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from backstride.plan.catalogue import Exercise, load_catalogue
from backstride.plan.model import Decision, Dose, Session
from backstride.plan.sources import source_of
from backstride.web import format as fmt
from backstride.web.figures import figure_svg

KIND_LABELS = {
    "run": "Run",
    "strength": "Strength",
    "mobility": "Mobility",
    "cross_training": "Cross-training",
    "rest": "Rest",
    "clinic_visit": "Clinic",
}
KIND_ICONS = {
    "run": "run",
    "strength": "strength",
    "mobility": "log",
    "cross_training": "activities",
    "rest": "rest",
    "clinic_visit": "clinic",
}
LOGGABLE = ("run", "strength", "mobility", "cross_training")


@dataclass(frozen=True, slots=True)
class ExerciseView:
    """One exercise of a session with everything its card shows."""

    id: str
    name: str
    dose: str
    purpose: str
    how: tuple[str, ...]
    cue: str
    mistake: str
    figure: Markup


@dataclass(frozen=True, slots=True)
class ReasonView:
    """A decision in words with its source."""

    code: str
    text: str
    source: str


def dose_text(dose: Dose) -> str:
    """``3 × 12``, ``3 × 20 s hold``, ``5-3-1 × 10 s holds``, ``3 × 10 at 20 kg``, ``10 min``."""
    if dose.minutes and not (dose.reps or dose.hold_s):
        return f"{dose.minutes} min"
    sets = dose.sets or 1
    if dose.reps_scheme:
        reps = "-".join(str(r) for r in dose.reps_scheme)
        text = f"{reps} × {dose.hold_s} s holds" if dose.hold_s else f"{reps} reps"
    elif dose.reps and dose.hold_s:
        text = f"{sets} × {dose.reps} × {dose.hold_s} s holds"
    elif dose.hold_s:
        text = f"{sets} × {dose.hold_s} s hold"
    elif dose.reps:
        text = f"{sets} × {dose.reps}"
    else:
        text = f"{sets} set{'s' if sets != 1 else ''}"
    if dose.load_kg:
        text += f" at {dose.load_kg:g} kg"
    return text


def _first(items: tuple[str, ...]) -> str:
    return items[0] if items else ""


def exercise_view(dose: Dose) -> ExerciseView:
    """The card content of one dosed exercise (library text and its figure)."""
    ex: Exercise | None = load_catalogue().get(dose.id)
    if ex is None:
        return ExerciseView(
            dose.id, dose.name, dose_text(dose), "", (), "", "", figure_svg(dose.id)
        )
    return ExerciseView(
        id=ex.id,
        name=ex.name,
        dose=dose_text(dose),
        purpose=ex.purpose,
        how=ex.instructions,
        cue=_first(ex.cues),
        mistake=_first(ex.mistakes),
        figure=figure_svg(ex.id),
    )


def reasons(decisions: tuple[Decision, ...]) -> list[ReasonView]:
    """Decisions with their sources (codes once each, in order)."""
    seen: set[tuple[str, str]] = set()
    out: list[ReasonView] = []
    for d in decisions:
        if (d.code, d.text) in seen:
            continue
        seen.add((d.code, d.text))
        out.append(ReasonView(d.code, d.text, source_of(d.code)))
    return out


def session_line(s: Session) -> str:
    """The one-line summary of a session (``Easy run · 7.0 km · 40 min``)."""
    bits = [s.title]
    if s.distance_m:
        bits.append(fmt.km(s.distance_m))
    if s.duration_s and s.kind != "strength":
        bits.append(fmt.minutes(s.duration_s))
    if s.kind == "strength" and s.exercises:
        bits.append(f"{len(s.exercises)} exercises")
    return " · ".join(bits)


__all__ = [
    "KIND_ICONS",
    "KIND_LABELS",
    "LOGGABLE",
    "ExerciseView",
    "ReasonView",
    "dose_text",
    "exercise_view",
    "reasons",
    "session_line",
    "source_of",
]
