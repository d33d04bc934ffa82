"""Session builders: runs with warm-up and cool-down, strength from the ladders, cross-training,
gentle mobility, return-to-run walk-run stages (the table is ``rtr_stages.py``) and rest.

Strength dosing: ACSM 2009 (Med Sci Sports Exerc 41:687-708); McGill big three; ladders and
warm-up/cool-down contents are backstride defaults [default] (clinical.md 7.1, 7.2). Return-to-run
stages: clinical.md 2.6 (published clinic interval programmes, not trial-tested).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import replace

from backstride.plan.catalogue import Exercise, ladder_of
from backstride.plan.model import Decision, Dose, ProgressionState, Session
from backstride.plan.rtr_stages import RTR_STAGES

# Ladder roots per strength template (A and B alternate). [default]
STRENGTH_A = (
    "plank_knees",
    "side_plank_knees",
    "glute_bridge",
    "hip_hinge_dowel",
    "calf_raise",
    "curl_up",
)
STRENGTH_B = (
    "dead_bug_arms",
    "bird_dog_single",
    "split_squat",
    "back_extension_prone",
    "russian_twist_feet_down",
    "step_up",
)
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
GENTLE = ("brisk_walk", "cat_cow", "lower_back_stretch", "diaphragmatic_breathing")
RELAXATION = ("diaphragmatic_breathing", "progressive_relaxation")
CROSS = ("swimming", "cycling", "pool_running", "yoga_gentle")


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


def strength_session(
    catalogue: Mapping[str, Exercise],
    *,
    key: str,
    on_date: dt.date,
    template: tuple[str, ...],
    state: ProgressionState,
    forbidden: frozenset[str],
    equipment: frozenset[str],
    before_hard: bool,
) -> Session:
    """A strength session from the ladders at the runner's current steps."""
    doses: list[Dose] = []
    regions: set[str] = set()
    reasons = [
        Decision(
            "strength.dosing",
            "2-3 strength sessions a week, 48 h apart for the same muscles (ACSM 2009).",
        )
    ]
    for root in template:
        current = state.ladder_steps.get(root, root)
        step = pick_step(
            catalogue, current, forbidden=forbidden, equipment=equipment, avoid_heavy=before_hard
        )
        if step is None:
            reasons.append(
                Decision(
                    "strength.contraindicated",
                    f"{catalogue[root].name} ladder left out (flags or equipment).",
                )
            )
            continue
        if step != current:
            why = (
                "no heavy lower-body work the day before a long or hard run"
                if (before_hard and catalogue[current].heavy_lower)
                else "flags or equipment"
            )
            reasons.append(
                Decision(
                    "strength.stepped_down",
                    f"{catalogue[step].name} instead of {catalogue[current].name}: {why}.",
                )
            )
        ex = catalogue[step]
        ladder = ladder_of(catalogue, step)
        placed = dose(ex, state)
        if len(ladder) > 1:
            placed = replace(placed, step=ladder.index(step) + 1, of_steps=len(ladder))
        doses.append(placed)
        regions |= ex.regions
    return Session(
        key=key,
        date=on_date,
        kind="strength",
        title="Strength",
        intensity="moderate",
        duration_s=40 * 60,
        exercises=tuple(doses),
        regions=frozenset(regions),
        warm_up=drills(catalogue, ("brisk_walk", "leg_swings"), forbidden),
        reasons=tuple(reasons),
    )


def run_session(
    catalogue: Mapping[str, Exercise],
    *,
    key: str,
    on_date: dt.date,
    intensity: str,
    distance_m: int,
    pace_s_per_km: int,
    forbidden: frozenset[str],
    reasons: tuple[Decision, ...],
    rtr_stage: int | None = None,
) -> Session:
    """A run with its warm-up and cool-down; ``rtr_stage`` makes it a walk-run stage."""
    if rtr_stage is not None and rtr_stage in RTR_STAGES:
        stage = RTR_STAGES[rtr_stage]
        title, duration_s, run_s = stage.title, stage.duration_s, stage.run_s
    else:
        factor = 0.92 if intensity == "tempo" else 1.0
        duration_s = int(distance_m * pace_s_per_km * factor / 1000)
        label = {"long": "Long run", "tempo": "Tempo run", "easy": "Easy run"}.get(intensity, "Run")
        title = f"{label} {round(duration_s / 60)} min"
        run_s = duration_s
    warm = drills(catalogue, WARM_UP, forbidden | ({"impact"} if rtr_stage else frozenset()))
    warm = scale_warm_up(
        warm, intensity=intensity, duration_s=duration_s, rtr=rtr_stage is not None
    )
    return Session(
        key=key,
        date=on_date,
        kind="run",
        title=title,
        intensity=intensity,
        distance_m=distance_m,
        duration_s=duration_s,
        run_s=run_s,
        warm_up=warm,
        cool_down=drills(catalogue, COOL_DOWN, forbidden),
        rtr_stage=rtr_stage,
        reasons=reasons,
    )


RACE_NAMES = {5000: "5 km", 10_000: "10 km", 21_097: "half marathon", 42_195: "marathon"}


def race_name(distance_m: int) -> str:
    """``half marathon`` for 21 097 m (within 100 m), else the distance in km."""
    for metres, name in RACE_NAMES.items():
        if abs(distance_m - metres) <= 100:
            return name
    return f"{distance_m / 1000:.1f} km"


def race_session(
    catalogue: Mapping[str, Exercise],
    *,
    key: str,
    on_date: dt.date,
    distance_m: int | None,
    pace_s_per_km: int,
    forbidden: frozenset[str],
    reasons: tuple[Decision, ...],
) -> Session:
    """The goal race as a session: the full warm-up and cool-down; the duration at about
    tempo effort (0.92 x easy pace) when the distance is known [default]."""
    duration = int(distance_m * pace_s_per_km * 0.92 / 1000) if distance_m else None
    title = f"Race: {race_name(distance_m)}" if distance_m else "Goal race"
    return Session(
        key=key,
        date=on_date,
        kind="run",
        title=title,
        intensity="race",
        distance_m=distance_m,
        duration_s=duration,
        run_s=duration,
        warm_up=drills(catalogue, WARM_UP, forbidden),
        cool_down=drills(catalogue, COOL_DOWN, forbidden),
        reasons=reasons,
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
    """Walking and gentle mobility only (the ``urgent`` meanwhile plan, clinical.md 1.3)."""
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
    "STRENGTH_A",
    "STRENGTH_B",
    "allowed",
    "cross_session",
    "dose",
    "mobility_session",
    "pick_step",
    "race_name",
    "race_session",
    "relaxation_session",
    "rest_session",
    "run_session",
    "scale_warm_up",
    "strength_session",
    "warm_up_minutes",
]
