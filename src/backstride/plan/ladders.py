"""Strength progression planned ahead: each planned strength session moves a projected
progression state, and the plan shows every ladder with where the runner is on it.

The projection runs the same rules as adaptation (``progression.strength_state``) on each
planned session as if it were done with good form and acceptable pain (clinical reference §8:
during <= 2/10 and settled next morning): a ladder step after 2 such sessions, one step per
2 weeks for STarT high (§7.2, §7.4 [default]); a loaded exercise's load rises by the 2-for-2
rule if the target reps are beaten on two sessions running (ACSM 2009, Med Sci Sports Exerc
41:687-708; NSCA "2-for-2", unverified; +5 % rounded down to the available step [default]).
Adaptation replaces the projection with what the logs show: pain regresses the ladders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from backstride.plan.catalogue import Exercise, ladder_of
from backstride.plan.model import Ladder, LadderStep, Plan, ProgressionState, Session
from backstride.plan.modes import PainAction
from backstride.plan.monitor import ExerciseResult, PainDecision, SessionLog
from backstride.plan.progression import ladder_root, strength_state

PROJECTED = PainDecision(
    PainAction.PROGRESS,
    "plan.projected",
    "Planned ahead: assumes the sessions before it were done with good form and acceptable pain.",
)
LADDER_NAMES: Mapping[str, str] = {
    "plank_knees": "Plank",
    "side_plank_knees": "Side plank",
    "glute_bridge": "Glute bridge",
    "hip_hinge_dowel": "Hip hinge (deadlift/RDL)",
    "split_squat": "Lunge",
    "back_extension_prone": "Back extension",
    "russian_twist_feet_down": "Russian twist",
    "bird_dog_single": "Bird dog",
    "dead_bug_arms": "Dead bug",
    "calf_raise": "Calf raise",
}
"""Ladder labels (clinical reference §7.2 ladder table) by the first step's id."""


def project_after(
    state: ProgressionState,
    session: Session,
    catalogue: Mapping[str, Exercise],
    *,
    step_gap_days: int,
) -> ProgressionState:
    """The projected state after ``session``, done as planned with the target reps beaten."""
    results = tuple(
        ExerciseResult(
            d.id,
            d.sets or 1,
            (d.reps or 0) + (1 if d.load_kg is not None else 0),
            d.load_kg,
        )
        for d in session.exercises
    )
    log = SessionLog(session.date, "strength", "done", session.key, 0, 0, 0, exercises=results)
    return strength_state(
        state, [log], PROJECTED, catalogue, today=session.date, step_gap_days=step_gap_days
    ).state


def _needs(
    ex: Exercise, *, equipment: frozenset[str], forbidden: frozenset[str]
) -> tuple[str, ...]:
    missing = sorted(ex.equipment - equipment)
    ruled_out = ["ruled out by your assessment"] if ex.tags & forbidden else []
    return (*missing, *ruled_out)


def ladder_views(
    plan: Plan,
    catalogue: Mapping[str, Exercise],
    *,
    equipment: frozenset[str],
    forbidden: frozenset[str],
) -> tuple[Ladder, ...]:
    """Every ladder in the plan's strength sessions, in order of first appearance: the step
    reached so far (``plan.state``) and the first planned date of each step."""
    first: dict[str, dt.date] = {}
    roots: list[str] = []
    for s in plan.sessions():
        if s.kind != "strength":
            continue
        for d in s.exercises:
            if d.id not in catalogue:
                continue
            first.setdefault(d.id, s.date)
            root = ladder_root(catalogue, d.id)
            if root not in roots:
                roots.append(root)
    out = []
    for root in roots:
        steps = ladder_of(catalogue, root)
        if len(steps) < 2:
            continue
        out.append(
            Ladder(
                key=root,
                name=LADDER_NAMES.get(root, catalogue[root].name),
                current=plan.state.ladder_steps.get(root, root),
                steps=tuple(
                    LadderStep(
                        i,
                        catalogue[i].name,
                        first.get(i),
                        _needs(catalogue[i], equipment=equipment, forbidden=forbidden),
                    )
                    for i in steps
                ),
            )
        )
    return tuple(out)


__all__ = ["LADDER_NAMES", "PROJECTED", "ladder_views", "project_after"]
