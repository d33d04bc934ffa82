"""ISO-week series, week-over-week jumps, Foster monotony and strain, and running streaks.

Monotony = mean daily load of a week / its population SD; strain = weekly load x monotony
(Foster 1998, Med Sci Sports Exerc 30:1164-1168, unverified; clinical reference §5.5). Identical
non-zero loads give no SD: flagged as "identical loads", never divided by 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from backstride.analytics.grid import DailyGrid, weekly
from backstride.analytics.inputs import AnalyticsOptions
from backstride.analytics.spikes import exceeds_change, weekly_change_pct

FloatGrid = npt.NDArray[np.float64]
IntGrid = npt.NDArray[np.int64]
BoolGrid = npt.NDArray[np.bool_]


def monotony_strain(week_loads: FloatGrid) -> tuple[FloatGrid, FloatGrid, BoolGrid]:
    """Monotony, strain and an "identical loads" mask for (..., 7) daily loads.

    300,0,420,240,0,600,180 -> monotony 1.234, strain 2,147.7 (population SD).
    """
    loads = np.asarray(week_loads, dtype=np.float64)
    mean = loads.mean(axis=-1)
    sd = loads.std(axis=-1)  # population SD (ddof=0) [default]
    identical = (mean > 0) & (sd <= 1e-9 * np.maximum(mean, 1.0))
    mono = np.full(mean.shape, np.nan)
    np.divide(mean, sd, out=mono, where=~identical & (sd > 0))
    strain = loads.sum(axis=-1) * mono
    return mono, strain, identical


def consecutive_days(active: BoolGrid) -> IntGrid:
    """Length of the run of consecutive True days ending on each day (0 on a False day)."""
    a = active.astype(np.int64)
    csum = np.cumsum(a, axis=1)
    reset = np.where(a == 0, csum, 0)
    return np.asarray(csum - np.maximum.accumulate(reset, axis=1), dtype=np.int64)


def streak_reaches(active: BoolGrid, days: int) -> BoolGrid:
    """True on the day a run of consecutive active days reaches exactly ``days`` days.

    Window form of ``consecutive_days(active) == days``: the last ``days`` days were all
    active and the day before them was not (or lies before the grid).
    """
    csum = np.zeros((active.shape[0], active.shape[1] + 1), dtype=np.int32)
    np.cumsum(active, axis=1, dtype=np.int32, out=csum[:, 1:])
    full = np.zeros(active.shape, dtype=np.bool_)
    full[:, days - 1 :] = (csum[:, days:] - csum[:, :-days]) == days
    before = np.zeros(active.shape, dtype=np.bool_)
    before[:, days:] = active[:, :-days]
    return np.asarray(full & ~before, dtype=np.bool_)


@dataclass(frozen=True, slots=True)
class WeekGrid:
    """Per runner and ISO week (grid week 0 starts on the grid's first Monday)."""

    distance_m: IntGrid
    duration_s: FloatGrid
    runs: IntGrid
    ascent_m: FloatGrid
    descent_m: FloatGrid
    downhill_share: FloatGrid
    """Downhill running distance / distance (NaN without distance or terrain data)."""
    long_run_share: FloatGrid
    """Longest run of the week / weekly distance."""
    load: FloatGrid
    change_pct: FloatGrid
    monotony: FloatGrid
    strain: FloatGrid
    identical_loads: BoolGrid
    monotony_flag: BoolGrid
    cumulative_m: IntGrid
    """Distance so far within the week, per day (runners x days)."""
    jump_day: BoolGrid
    """First day of a week whose running total exceeds last week's by more than the cap."""


def _share(num: FloatGrid, den: FloatGrid) -> FloatGrid:
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def week_grid(grid: DailyGrid, *, options: AnalyticsOptions) -> WeekGrid:
    """All weekly series and weekly flags for the batch (see module docstring)."""
    rows, days = grid.distance_m.shape
    daily_int = np.rint(grid.distance_m).astype(np.int64)
    by_week = daily_int.reshape(rows, days // 7, 7)
    dist = by_week.sum(axis=2)
    cumulative = np.cumsum(by_week, axis=2)
    last = np.zeros_like(dist)
    last[:, 1:] = dist[:, :-1]
    over = exceeds_change(
        this_m=cumulative, last_m=last[:, :, None], cap_pct=options.weekly_jump_pct
    )
    first_over = over & (np.cumsum(over, axis=2) == 1)
    loads7 = grid.load.reshape(rows, days // 7, 7)
    mono, strain, identical = monotony_strain(loads7)
    complete = (np.arange(days // 7) * 7 + 6) <= grid.today_index
    started = (np.arange(days // 7)[None, :] * 7 + 6) >= grid.start[:, None]
    mono_flag = ((mono > options.monotony_limit) | identical) & complete[None, :] & started
    longest_week = grid.longest_run_m.reshape(rows, days // 7, 7).max(axis=2)
    downhill_known = weekly(np.where(grid.downhill_m > 0, grid.distance_m, 0.0))
    return WeekGrid(
        distance_m=dist,
        duration_s=weekly(grid.duration_s),
        runs=weekly(grid.runs).astype(np.int64),
        ascent_m=weekly(grid.ascent_m),
        descent_m=weekly(grid.descent_m),
        downhill_share=_share(weekly(grid.downhill_m), downhill_known),
        long_run_share=_share(longest_week.astype(np.float64), dist.astype(np.float64)),
        load=weekly(grid.load),
        change_pct=weekly_change_pct(this_m=dist, last_m=last),
        monotony=mono,
        strain=strain,
        identical_loads=identical,
        monotony_flag=mono_flag,
        cumulative_m=cumulative.reshape(rows, days),
        jump_day=first_over.reshape(rows, days),
    )


__all__ = [
    "WeekGrid",
    "consecutive_days",
    "monotony_strain",
    "streak_reaches",
    "week_grid",
]
