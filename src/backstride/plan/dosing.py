"""An exercise's dose for the runner: the library's default with the runner's load and extra
reps (clinical reference §7.2: ACSM 2009 loads; McGill reverse pyramid reps), and whether the
runner may do it at all (flags and equipment), and which step of a ladder that leaves."""

from __future__ import annotations

from collections.abc import Mapping

from backstride.plan.catalogue import Exercise
from backstride.plan.model import Dose, ProgressionState


def allowed(ex: Exercise, *, forbidden: frozenset[str], equipment: frozenset[str]) -> bool:
    """No forbidden tag and all equipment available."""
    return not (ex.tags & forbidden) and ex.equipment <= equipment


def dose(ex: Exercise, state: ProgressionState | None = None) -> Dose:
    """The exercise's default dose, with the runner's current load and extra reps."""
    d = ex.dosage
    load = d.load_kg
    reps, sets, scheme = d.reps, d.sets, d.reps_scheme
    bonus = state.reps_bonus.get(ex.id, 0) if state is not None else 0
    if state is not None:
        load = state.loads_kg.get(ex.id, load)
    if scheme:
        scheme = tuple(r + bonus for r in scheme)
        reps, sets = scheme[0], len(scheme)
    elif reps is not None:
        reps += bonus
    return Dose(ex.id, ex.name, sets, reps, d.hold_s, load, d.rpe, d.minutes, scheme)


def pick_step(
    catalogue: Mapping[str, Exercise],
    current: str,
    *,
    forbidden: frozenset[str],
    equipment: frozenset[str],
    avoid_heavy: bool,
) -> str | None:
    """The current ladder step, stepped down until allowed (None if no step is allowed)."""
    step: str | None = current
    while step is not None:
        ex = catalogue[step]
        if allowed(ex, forbidden=forbidden, equipment=equipment) and not (
            avoid_heavy and ex.heavy_lower
        ):
            return step
        step = ex.regression
    return None


__all__ = ["allowed", "dose", "pick_step"]
