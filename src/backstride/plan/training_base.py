"""Where the plan starts from: the recorded running history, or what the runner stated.

Recorded running (imported activities, logged plan sessions) is the reference when it covers
at least 2 of the recent complete weeks; when it is missing or thinner than that, the intake's
stated weekly distance, longest recent run and runs a week stand in [default], for at most
4 weeks after the intake [default]. Either way the plan's caps apply to it: the weekly cap on
the stated week and the single-run guardrail on the stated longest run (clinical reference
§7.1; Frandsen et al. 2025 for the 110 % guardrail; Nielsen et al. 2014 and Buist et al. 2008
for weekly caps as guidelines). Without either, the first runs are at most 20 min easy
(clinical reference §7.1 [default]).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from backstride.plan.load_limits import longest_in_window
from backstride.plan.model import Decision, RunRecord, StatedRunning, TrainingContext

ENOUGH_RECORDED_WEEKS = 2
"""Recorded weeks with >= 1 km of running needed to prefer the record over the statement
[default]."""
STATED_VALID_DAYS = 28
"""How long after the intake its stated running may stand in for a record [default]."""
REFERENCE_M = 1000
"""A week under 1 km is no reference week [default]."""


class BaseSource(StrEnum):
    """Which running the plan's starting point comes from."""

    RECORDED = "recorded"
    STATED = "stated"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class TrainingBase:
    """The starting point: last week's distance, the weeks that judge experience, the runs
    in the guardrail window, and the sentence that says where they came from."""

    source: BaseSource
    last_week_m: int
    weeks_m: tuple[int, ...]
    runs: tuple[RunRecord, ...]
    runs_per_week: int | None
    decision: Decision


def _km(m: int) -> str:
    return f"{m / 1000:.1f} km"


def _recent(stated: StatedRunning | None, start: dt.date) -> StatedRunning | None:
    """The statement when it is recent enough for a plan starting on ``start``."""
    if stated is None or (start - stated.as_of_date).days > STATED_VALID_DAYS:
        return None
    return stated


def training_base(context: TrainingContext, start: dt.date) -> TrainingBase:
    """The plan's starting point for a plan (or its remaining weeks) beginning on ``start``."""
    recorded = [w for w in context.weekly_distances_m if w >= REFERENCE_M]
    thin = len(recorded) < ENOUGH_RECORDED_WEEKS
    stated = _recent(context.stated, start) if thin else None
    runs = tuple(context.recent_runs)
    note = ""
    if stated is not None and stated.longest_run_m:
        # The stated longest recent run enters the 30-day window on the intake day.
        runs = (*runs, RunRecord(stated.as_of_date - dt.timedelta(days=1), stated.longest_run_m))
        note = (
            f" Your stated longest recent run ({_km(stated.longest_run_m)}) counts as the "
            f"longest of the last 30 days until {stated.as_of_date + dt.timedelta(days=29)}."
        )
    if stated is not None and (stated.weekly_distance_m or 0) >= REFERENCE_M:
        weekly = stated.weekly_distance_m or 0
        parts = [f"{_km(weekly)} a week"]
        if stated.runs_per_week:
            parts.append(f"{stated.runs_per_week} runs a week")
        why = "no running is recorded" if not recorded else "fewer than 2 weeks are recorded"
        text = (
            f"Starting point: what you told the intake on {stated.as_of_date} "
            f"({', '.join(parts)}), because {why} for the last 4 weeks; the weekly cap and "
            f"the single-run guardrail apply to it.{note}"
        )
        return TrainingBase(
            BaseSource.STATED,
            weekly,
            (weekly,),
            runs,
            stated.runs_per_week,
            Decision("volume.source_stated", text),
        )
    runs_per_week = stated.runs_per_week if stated is not None else None
    if recorded:
        longest = longest_in_window(runs, start)
        longest_text = (
            f"longest run of the last 30 days {_km(longest)}" if longest else "no recent run"
        )
        text = (
            "Starting point: the running on record (imported activities, and this plan's "
            f"logged and planned sessions): latest week {_km(context.last_week_m)}, "
            f"{longest_text}.{note}"
        )
        return TrainingBase(
            BaseSource.RECORDED,
            context.last_week_m,
            tuple(context.weekly_distances_m),
            runs,
            runs_per_week,
            Decision("volume.source_recorded", text),
        )
    start_text = (
        "the first week plans 20 minutes of easy running per run in total"
        if note
        else "the first runs are at most 20 minutes and easy"
    )
    text = (
        "Starting point: no weekly running recorded or stated for the last 4 weeks, so "
        f"{start_text}.{note}"
    )
    return TrainingBase(
        BaseSource.NONE,
        context.last_week_m,
        tuple(context.weekly_distances_m),
        runs,
        runs_per_week,
        Decision("volume.source_none", text),
    )


__all__ = ["BaseSource", "TrainingBase", "training_base"]
