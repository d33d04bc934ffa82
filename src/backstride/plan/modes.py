"""The plan engine's closed vocabularies as ``StrEnum``s: plan modes, pain actions, week phases.

Each member equals its stored string (``PlanMode.NO_RUN == "no_run"``), so stored plan
documents and API output keep their values while the code compares typed members.
"""

from __future__ import annotations

from enum import StrEnum


class PlanMode(StrEnum):
    """What a plan may contain, from the assessment and any recorded clearance.

    clinical reference §1.3 (what each disposition allows) and §2.6 (return to running):
    ``blocked`` no plan; ``walk_only`` walking and gentle mobility (urgent); ``no_run``
    cross-training and strength only (suspected bone stress, or running stopped for bone pain);
    ``rtr`` walk-run stages after a clearance; ``normal`` graded running.
    """

    BLOCKED = "blocked"
    WALK_ONLY = "walk_only"
    NO_RUN = "no_run"
    RTR = "rtr"
    NORMAL = "normal"


class PainAction(StrEnum):
    """The pain-monitoring model's decision for the next session (clinical reference §8;
    Thomeé 1997; Silbernagel et al. 2007), from least to most conservative."""

    PROGRESS = "progress"
    HOLD = "hold"
    REGRESS = "regress"
    STOP = "stop"

    @property
    def rank(self) -> int:
        """0 for progress up to 3 for stop: the most conservative of several decisions wins."""
        return _RANK[self]


_RANK = {PainAction.PROGRESS: 0, PainAction.HOLD: 1, PainAction.REGRESS: 2, PainAction.STOP: 3}


class WeekPhase(StrEnum):
    """A week's role in the volume plan (clinical reference §7.1): build, deload (-25 %), the
    taper week and the race week (Bosquet et al. 2007)."""

    BUILD = "build"
    DELOAD = "deload"
    TAPER = "taper"
    RACE = "race"


__all__ = ["PainAction", "PlanMode", "WeekPhase"]
