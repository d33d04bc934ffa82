"""The return-to-run walk-run stages after a suspected bone stress injury: the one stage table.

clinical reference §2.6: 30-min sessions on alternate days, at most 3-4 a week, on flat
predictable ground; stages adapted from published clinic interval programmes (Advanced
Orthopaedics Sports Medicine Center interval running programme; Sunshine Coast Sports Medicine
return-to-running protocol), not trial-tested. Stage 7 is the continuous build under the weekly
cap and the single-run guardrail (§7.1), so it has no row here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Stage:
    """One walk-run stage: ``repeats`` x (``run_min`` running + ``walk_min`` walking)."""

    repeats: int
    run_min: int
    walk_min: int

    @property
    def title(self) -> str:
        """``Walk-run 6 x (1 run + 4 walk)``, or ``Easy run 30 min`` for the continuous stage."""
        if not self.walk_min:
            return f"Easy run {self.repeats * self.run_min} min"
        return f"Walk-run {self.repeats} x ({self.run_min} run + {self.walk_min} walk)"

    @property
    def duration_s(self) -> int:
        """The whole session, running and walking."""
        return self.repeats * (self.run_min + self.walk_min) * 60

    @property
    def run_s(self) -> int:
        """The running part only."""
        return self.repeats * self.run_min * 60

    def distance_m(self, pace_s_per_km: int) -> int:
        """Running at easy pace plus walking at 100 m a minute [default]."""
        return self.repeats * (self.run_min * 60 * 1000 // pace_s_per_km + self.walk_min * 100)


RTR_STAGES: Mapping[int, Stage] = {
    1: Stage(6, 1, 4),
    2: Stage(6, 2, 3),
    3: Stage(6, 3, 2),
    4: Stage(6, 4, 1),
    5: Stage(3, 9, 1),
    6: Stage(1, 30, 0),
}
LAST_WALK_RUN_STAGE = 6
"""The highest stage with a fixed session; after two good sessions there comes stage 7."""


def stage_after_good_session(stage: int, good: int) -> tuple[int, int]:
    """Projected (stage, good sessions) after one more session free of bone pain: the stage
    rises after 2 consecutive good sessions (clinical reference §2.6 [default]), at most to the
    last walk-run stage (the projection never opens stage 7 by itself)."""
    good += 1
    if good >= 2 and stage < LAST_WALK_RUN_STAGE:
        return stage + 1, 0
    return stage, good


__all__ = ["LAST_WALK_RUN_STAGE", "RTR_STAGES", "Stage", "stage_after_good_session"]
