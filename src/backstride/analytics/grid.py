"""Aggregate an activity table into runners x days grids and runners x ISO-weeks grids.

Day 0 of the grid is a Monday and the grid ends on the Sunday of ``today``'s week, so weekly
sums are a reshape to (runners, weeks, 7). Cells after ``today`` stay 0. Aggregation is one
``np.bincount`` per field over flat (runner, day) indices.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from backstride.analytics.inputs import ActivityTable

FloatGrid = npt.NDArray[np.float64]
IntGrid = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class DailyGrid:
    """Per runner and calendar day: running volume, terrain, longest run, and load."""

    first_date: dt.date
    today_index: int
    start: IntGrid
    """Each runner's first day with an activity (grid index); ``today_index`` if none."""
    distance_m: FloatGrid
    duration_s: FloatGrid
    runs: IntGrid
    ascent_m: FloatGrid
    descent_m: FloatGrid
    downhill_m: FloatGrid
    longest_run_m: IntGrid
    """Longest single run of the day in whole metres (0 if none)."""
    load: FloatGrid

    @property
    def n_days(self) -> int:
        return int(self.distance_m.shape[1])

    def date_of(self, index: int) -> dt.date:
        return self.first_date + dt.timedelta(days=index)


def build_grid(
    table: ActivityTable,
    *,
    n_runners: int,
    load: FloatGrid,
    today: dt.date,
    first_date: dt.date | None = None,
) -> DailyGrid:
    """One grid for the batch; ``first_date`` defaults to the Monday of the earliest activity."""
    t_ord = today.toordinal()
    keep = table.day_ordinal <= t_ord
    earliest = int(table.day_ordinal[keep].min()) if keep.any() else t_ord
    first = first_date or dt.date.fromordinal(earliest)
    first = first - dt.timedelta(days=first.weekday())
    last = today + dt.timedelta(days=6 - today.weekday())
    n_days = last.toordinal() - first.toordinal() + 1
    day = table.day_ordinal - first.toordinal()
    keep &= day >= 0
    r, d = table.runner_index[keep], day[keep]
    flat = r * n_days + d
    size = n_runners * n_days
    run = table.is_run[keep]

    every = bool(keep.all())

    def total(values: npt.NDArray[np.float64], *, runs_only: bool = True) -> FloatGrid:
        v = values if every else values[keep]
        w = np.where((run & (v == v)) if runs_only else (v == v), v, 0.0)  # NaN -> 0
        summed = np.bincount(flat, weights=w, minlength=size).astype(np.float64)
        return summed.reshape(n_runners, n_days)

    dist = table.distance_m if every else table.distance_m[keep]
    dist_int = np.rint(np.where(run & (dist == dist), dist, 0.0)).astype(np.int64)
    longest = np.zeros(size, dtype=np.int64)
    np.maximum.at(longest, flat, dist_int)
    start = np.full(n_runners, t_ord - first.toordinal(), dtype=np.int64)
    np.minimum.at(start, r, d)
    return DailyGrid(
        first_date=first,
        today_index=t_ord - first.toordinal(),
        start=start,
        distance_m=total(table.distance_m),
        duration_s=total(table.duration_s),
        runs=np.bincount(flat, weights=run, minlength=size)
        .reshape(n_runners, n_days)
        .astype(np.int64),
        ascent_m=total(table.ascent_m),
        descent_m=total(table.descent_m),
        downhill_m=total(table.downhill_m),
        longest_run_m=longest.reshape(n_runners, n_days),
        load=total(load, runs_only=False),
    )


def weekly(values: FloatGrid | IntGrid) -> FloatGrid:
    """Sum of each ISO week (grid day 0 is a Monday): shape (runners, weeks)."""
    rows, days = values.shape
    return np.asarray(values.reshape(rows, days // 7, 7).sum(axis=2), dtype=np.float64)


__all__ = ["DailyGrid", "build_grid", "weekly"]
