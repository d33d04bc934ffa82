"""Recovery and low-impact sessions: cross-training by the runner's equipment, gentle
mobility, breathing and relaxation, rest.

clinical reference §9 (recovery: >= 1 rest day a week; low-impact cross-training - swimming,
pool running, cycling, yoga - on easy days and whenever a flag removes running) and §1.3 (the
urgent meanwhile plan: walking and gentle mobility only). Breathing and relaxation sessions are
a backstride default [default].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from backstride.plan.catalogue import Exercise
from backstride.plan.dosing import allowed, dose
from backstride.plan.model import Decision, Session
from backstride.plan.warm_ups import drills

GENTLE = ("brisk_walk", "cat_cow", "lower_back_stretch", "diaphragmatic_breathing")
RELAXATION = ("diaphragmatic_breathing", "progressive_relaxation")
CROSS = ("swimming", "cycling", "pool_running", "yoga_gentle")


def relaxation_session(
    catalogue: Mapping[str, Exercise], *, key: str, on_date: dt.date, turn: int
) -> Session:
    """A short breathing or relaxation session on a rest day, the two alternating [default]:
    a calm-down routine beside the exercise, not a treatment on its own; it keeps the day a
    rest day."""
    ex = catalogue[RELAXATION[turn % len(RELAXATION)]]
    minutes = ex.dosage.minutes or 5
    return Session(
        key=key,
        date=on_date,
        kind="relaxation",
        title=f"{ex.name} {minutes} min",
        intensity="easy",
        duration_s=minutes * 60,
        exercises=(dose(ex),),
        reasons=(
            Decision(
                "recovery.relaxation",
                "A few quiet minutes of breathing or relaxation on a rest day: it eases "
                "guarding of the trunk muscles and helps sleep, which supports recovery.",
            ),
        ),
    )


def cross_session(
    catalogue: Mapping[str, Exercise],
    *,
    key: str,
    on_date: dt.date,
    forbidden: frozenset[str],
    equipment: frozenset[str],
    reason: Decision,
    turn: int = 0,
) -> Session:
    """Low-impact cross-training with what the runner has (yoga needs nothing)."""
    options = [i for i in CROSS if allowed(catalogue[i], forbidden=forbidden, equipment=equipment)]
    ex = catalogue[options[turn % len(options)]] if options else catalogue["yoga_gentle"]
    return Session(
        key=key,
        date=on_date,
        kind="cross_training",
        title=ex.name,
        duration_s=(ex.dosage.minutes or 30) * 60,
        exercises=(dose(ex),),
        reasons=(reason,),
    )


def mobility_session(
    catalogue: Mapping[str, Exercise],
    *,
    key: str,
    on_date: dt.date,
    reason: Decision,
    forbidden: frozenset[str] = frozenset(),
) -> Session:
    """Walking and gentle mobility only (the ``urgent`` meanwhile plan, clinical reference §1.3)."""
    return Session(
        key=key,
        date=on_date,
        kind="mobility",
        title="Walk and gentle mobility 20 min",
        duration_s=20 * 60,
        exercises=drills(catalogue, GENTLE, forbidden),
        reasons=(reason,),
    )


def rest_session(*, key: str, on_date: dt.date, reason: Decision) -> Session:
    """A full rest day."""
    return Session(key=key, date=on_date, kind="rest", title="Rest day", reasons=(reason,))


__all__ = [
    "CROSS",
    "GENTLE",
    "RELAXATION",
    "cross_session",
    "mobility_session",
    "relaxation_session",
    "rest_session",
]
