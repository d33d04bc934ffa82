"""Strength progression from logs: 2-for-2 load rises, ladder steps up and down.

ACSM 2009 (Med Sci Sports Exerc 41:687-708): +2-10 % when 1-2 reps over target; two consecutive
sessions (NSCA "2-for-2", unverified); ladder step after 2 good sessions, down after a regress,
one step per 2 weeks for STarT high (clinical reference §7.2, §7.4) [default]. A loaded step whose
load cannot rise within +5 % in its available increment moves to the ladder's next step instead
(kettlebell RDL -> barbell RDL) [default].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from backstride.plan.catalogue import Exercise
from backstride.plan.model import (
    Decision,
    ProgressionState,
)
from backstride.plan.modes import PainAction
from backstride.plan.monitor import (
    ExerciseResult,
    PainDecision,
    SessionLog,
    beats_target,
    next_load_kg,
)


@dataclass(frozen=True, slots=True)
class StrengthUpdate:
    """The progression state after a window of strength logs, and what changed (ladder and
    load decisions, in order)."""

    state: ProgressionState
    notes: tuple[Decision, ...] = ()


def strength_state(
    state: ProgressionState,
    logs: Sequence[SessionLog],
    decision: PainDecision | None,
    cat: Mapping[str, Exercise],
    *,
    today: dt.date,
    step_gap_days: int = 0,
) -> StrengthUpdate:
    """Loads by 2-for-2, ladder steps after 2 good sessions (STarT high: >= 14 days apart)."""
    notes: list[Decision] = []
    new = _strength_state(state, logs, decision, cat, notes, today=today, gap=step_gap_days)
    return StrengthUpdate(new, tuple(notes))


def _strength_state(
    state: ProgressionState,
    logs: Sequence[SessionLog],
    decision: PainDecision | None,
    cat: Mapping[str, Exercise],
    notes: list[Decision],
    *,
    today: dt.date,
    gap: int,
) -> ProgressionState:
    steps, loads = dict(state.ladder_steps), dict(state.loads_kg)
    good, bonus = dict(state.good_sessions), dict(state.reps_bonus)
    streak = dict(state.beat_target)
    roots = {ladder_root(cat, k): k for k in cat if cat[k].category in ("core", "lower")}
    current = {root: steps.get(root, root) for root in roots}
    if decision is None:
        return state
    if decision.action == PainAction.REGRESS:
        for root, cur in current.items():
            if cat[cur].regression is not None and root in steps:
                steps[root] = cat[cur].regression or cur
                notes.append(
                    Decision("ladder.down", f"{cat[cur].name} -> {cat[steps[root]].name}.")
                )
        return replace(state, ladder_steps=steps, good_sessions={}, beat_target={})
    last = state.last_ladder_step
    waiting = last is not None and (today - last).days < gap
    stepped = False
    by_ex: dict[str, list[ExerciseResult]] = {}
    for log in logs:
        for r in log.exercises:
            by_ex.setdefault(r.id, []).append(r)
    for ex_id, results in by_ex.items():
        ex = cat.get(ex_id)
        if ex is None:
            continue
        d = ex.dosage
        if decision.action == PainAction.PROGRESS and all(lg.good_form for lg in logs):
            good[ex_id] = good.get(ex_id, 0) + len(results)
        if d.load_kg is not None and d.reps and d.load_increment_kg:
            load = loads.get(ex_id, d.load_kg)
            target = d.reps + bonus.get(ex_id, 0)
            for r in results:  # consecutive sessions, across adaptation windows (2-for-2)
                done = beats_target(r, target_reps=target, target_sets=d.sets or 1) and (
                    r.load_kg is None or r.load_kg >= load - 1e-9
                )
                streak[ex_id] = streak.get(ex_id, 0) + 1 if done else 0
            if decision.action == PainAction.PROGRESS and streak.get(ex_id, 0) >= 2:
                new = next_load_kg(load, d.load_increment_kg)
                streak[ex_id] = 0
                if new > load:
                    loads[ex_id] = new
                    notes.append(
                        Decision(
                            "strength.load_up",
                            f"{ex.name}: {round(load, 2):g} -> {round(new, 2):g} kg (target "
                            "reps beaten on two sessions running; +5 % rounded down to the "
                            "available step).",
                        )
                    )
                elif ex.progression is not None:
                    # The load cannot rise within +5 %: the ladder's next step is the
                    # progression instead (clinical reference §7.2 ladders [default]).
                    stepped = _step_up(ex, steps, good, notes, cat, waiting=waiting) or stepped
                else:
                    notes.append(
                        Decision(
                            "strength.load_held",
                            f"{ex.name}: stays at {round(load, 2):g} kg - the smallest step "
                            f"({d.load_increment_kg:g} kg) is more than +5 %.",
                        )
                    )
        elif decision.action == PainAction.PROGRESS and good.get(ex_id, 0) >= 2 and d.reps_scheme:
            if ex.progression is None:
                # McGill big three: add a rep to each set (5-3-1 -> 6-4-2) before lengthening
                # holds (clinical reference §7.2, practitioner guidance, unverified).
                bonus[ex_id] = bonus.get(ex_id, 0) + 1
                good[ex_id] = 0
                scheme = "-".join(str(r + bonus[ex_id]) for r in d.reps_scheme)
                notes.append(
                    Decision("strength.reps_up", f"{ex.name}: {scheme} holds (2 good sessions).")
                )
            else:
                stepped = _step_up(ex, steps, good, notes, cat, waiting=waiting) or stepped
        elif decision.action == PainAction.PROGRESS and good.get(ex_id, 0) >= 2 and ex.progression:
            stepped = _step_up(ex, steps, good, notes, cat, waiting=waiting) or stepped
    return replace(
        state,
        ladder_steps=steps,
        loads_kg=loads,
        good_sessions=good,
        reps_bonus=bonus,
        beat_target=streak,
        last_ladder_step=today if stepped else state.last_ladder_step,
    )


def _step_up(
    ex: Exercise,
    steps: dict[str, str],
    good: dict[str, int],
    notes: list[Decision],
    cat: Mapping[str, Exercise],
    *,
    waiting: bool,
) -> bool:
    """One ladder step up after 2 good sessions, unless STarT high waits (True if stepped)."""
    if ex.progression is None:
        return False
    if waiting:
        notes.append(
            Decision(
                "startback.high_step_wait",
                f"{ex.name}: next ladder step waits (STarT high: one step per 2 weeks).",
            )
        )
        return False
    steps[ladder_root(cat, ex.id)] = ex.progression
    good[ex.id] = 0
    notes.append(
        Decision("ladder.up", f"{ex.name} -> {cat[ex.progression].name} (2 good sessions).")
    )
    return True


def ladder_root(cat: Mapping[str, Exercise], ex_id: str) -> str:
    """The first (easiest) step of the ladder holding ``ex_id``."""
    while (reg := cat[ex_id].regression) is not None:
        ex_id = reg
    return ex_id


__all__ = ["StrengthUpdate", "ladder_root", "strength_state"]
