"""Session builders for training: runs with warm-up and cool-down (``warm_ups.py``), the goal
race, strength from the ladders, return-to-run walk-run stages (the table is
``rtr_stages.py``); recovery sessions are in ``recovery_sessions.py``.

Strength dosing: ACSM 2009 (Med Sci Sports Exerc 41:687-708); McGill big three; ladders and
warm-up/cool-down contents are backstride defaults [default] (clinical reference §7.1, §7.2).
Return-to-run stages: clinical reference §2.6 (published clinic interval programmes, not
trial-tested).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace

from backstride.plan.catalogue import Exercise, ladder_of
from backstride.plan.dosing import dose, pick_step
from backstride.plan.model import Decision, Dose, ProgressionState, Session
from backstride.plan.rtr_stages import RTR_STAGES
from backstride.plan.warm_ups import COOL_DOWN, WARM_UP, drills, scale_warm_up

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


__all__ = [
    "RACE_NAMES",
    "STRENGTH_A",
    "STRENGTH_B",
    "race_name",
    "race_session",
    "run_session",
    "strength_session",
]
