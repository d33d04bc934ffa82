"""Warm-ups and cool-downs: drills from the library, scaled to the session.

clinical reference §7.1 [default]: warm-up 5-10 min (brisk walk, leg swings, skips), cool-down
5-10 min (easy walk, gentle mobility); a 20-min easy run gets a short warm-up, a long or quality
run the full one (``scale_warm_up``); contents are backstride defaults.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

from backstride.plan.catalogue import Exercise
from backstride.plan.dosing import dose
from backstride.plan.model import Dose

WARM_UP = ("brisk_walk", "leg_swings", "high_knees", "butt_kicks", "skips", "walking_lunge_drill")
# clinical reference §7.1 [default]: warm-up 5-10 min (brisk walk, leg swings, skips), scaled to
# the session (``scale_warm_up``); cool-down 5-10 min (easy walk, gentle mobility): 5 min walk +
# five 2 x 30 s stretches.
WARM_UP_SHORT = ("brisk_walk", "leg_swings")
WARM_UP_STANDARD = ("brisk_walk", "leg_swings", "skips")
SHORT_RUN_S = 30 * 60
"""Easy runs up to 30 min (and walk-run stages) get the short warm-up [default]."""
COOL_DOWN = (
    "easy_walk",
    "hamstring_stretch",
    "hip_flexor_stretch",
    "glute_stretch",
    "calf_stretch",
    "lower_back_stretch",
)


def drills(
    catalogue: Mapping[str, Exercise], ids: tuple[str, ...], forbidden: frozenset[str]
) -> tuple[Dose, ...]:
    """Warm-up or cool-down doses without contraindicated drills."""
    return tuple(dose(catalogue[i]) for i in ids if not (catalogue[i].tags & forbidden))


def scale_warm_up(
    warm_up: tuple[Dose, ...], *, intensity: str, duration_s: int, rtr: bool
) -> tuple[Dose, ...]:
    """The warm-up for the session (clinical reference §7.1: 5-10 min [default]): walk-run
    stages and easy runs up to 30 min a 3-min brisk walk and leg swings; longer easy runs add
    skips (5-min walk); long, tempo and race runs keep every drill."""
    if intensity in ("long", "tempo", "race") and not rtr:
        return warm_up
    short = rtr or duration_s <= SHORT_RUN_S
    keep = WARM_UP_SHORT if short else WARM_UP_STANDARD
    out = tuple(d for d in warm_up if d.id in keep)
    if short:
        out = tuple(replace(d, minutes=3) if d.id == "brisk_walk" else d for d in out)
    return out


def warm_up_minutes(warm_up: tuple[Dose, ...]) -> int:
    """About how long a warm-up or cool-down takes: timed items, holds, and half a minute per
    set of a drill [default]."""
    seconds = sum(
        d.minutes * 60 if d.minutes else (d.sets or 1) * (d.hold_s or 30) for d in warm_up
    )
    return math.ceil(seconds / 60)


__all__ = [
    "COOL_DOWN",
    "SHORT_RUN_S",
    "WARM_UP",
    "WARM_UP_SHORT",
    "WARM_UP_STANDARD",
    "drills",
    "scale_warm_up",
    "warm_up_minutes",
]
