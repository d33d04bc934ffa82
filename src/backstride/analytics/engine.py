"""The clinic-wide pass: session loads, daily grid, ratios, fitness, spikes, weeks and flags.

``analyse(table, profiles, today=..., options=...)`` computes every metric for every runner
as 2-D arrays (runners x days, runners x weeks) without a Python loop over runners or days;
only the (sparse) flags are turned into objects at the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from backstride.analytics import flags as fl
from backstride.analytics.grid import DailyGrid, build_grid
from backstride.analytics.inputs import ActivityTable, AnalyticsOptions, RunnerProfile
from backstride.analytics.session_load import SessionLoads, session_loads
from backstride.analytics.spikes import previous_longest, spike_band
from backstride.analytics.timeseries import AcwrSeries, FitnessSeries, acwr, fitness_fatigue
from backstride.analytics.weeks import (
    WeekGrid,
    consecutive_days,
    week_grid,
)

FloatGrid = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ClinicAnalysis:
    """Every metric for a batch of runners, as arrays, plus each runner's flags."""

    runner_ids: tuple[str, ...]
    today: dt.date
    grid: DailyGrid
    sessions: SessionLoads
    acwr: AcwrSeries
    fitness: FitnessSeries
    spike_reference_m: npt.NDArray[np.int64]
    spike_band: npt.NDArray[np.int8]
    run_streak_d: npt.NDArray[np.int64]
    weeks: WeekGrid
    flags: tuple[tuple[fl.Flag, ...], ...]


def analyse(
    table: ActivityTable,
    profiles: Sequence[RunnerProfile],
    *,
    today: dt.date,
    options: AnalyticsOptions | None = None,
    first_date: dt.date | None = None,
) -> ClinicAnalysis:
    """Analyse every runner of ``profiles`` (activities point at them by index) up to ``today``."""
    opts = options or AnalyticsOptions()
    n_r = len(profiles)
    sessions = session_loads(table, profiles, today=today)
    grid = build_grid(table, n_runners=n_r, load=sessions.load, today=today, first_date=first_date)
    ratios = acwr(grid.load, start=grid.start)
    fit = fitness_fatigue(grid.load, k_variant=opts.k_variant)
    reference = previous_longest(grid.longest_run_m)
    band = spike_band(run_m=grid.longest_run_m, longest_m=reference)
    streak = consecutive_days(grid.runs > 0)
    weeks = week_grid(grid, options=opts)
    flag_lists = _flags(
        grid,
        band=band,
        reference=reference,
        streak=streak,
        weeks=weeks,
        sessions=sessions,
        options=opts,
        today=today,
    )
    return ClinicAnalysis(
        runner_ids=tuple(p.runner_id for p in profiles),
        today=today,
        grid=grid,
        sessions=sessions,
        acwr=ratios,
        fitness=fit,
        spike_reference_m=reference,
        spike_band=band,
        run_streak_d=streak,
        weeks=weeks,
        flags=flag_lists,
    )


def _flags(
    grid: DailyGrid,
    *,
    band: npt.NDArray[np.int8],
    reference: npt.NDArray[np.int64],
    streak: npt.NDArray[np.int64],
    weeks: WeekGrid,
    sessions: SessionLoads,
    options: AnalyticsOptions,
    today: dt.date,
) -> tuple[tuple[fl.Flag, ...], ...]:
    n_r, n_d = grid.distance_m.shape
    days = np.arange(n_d)[None, :]
    upto = days <= grid.today_index
    since = days - grid.start[:, None]
    out: list[list[fl.Flag]] = [[] for _ in range(n_r)]

    spike_at = (band >= 1) & upto & (since >= options.spike_warmup_d)
    for r, d in zip(*np.nonzero(spike_at), strict=True):
        name = fl.SPIKE_BANDS[band[r, d]]
        out[r].append(
            fl.make_flag(
                fl.SPIKE_SINGLE_RUN,
                grid.date_of(int(d)),
                "alert" if name == "large" else "caution",
                fl.spike_text(
                    run_m=int(grid.longest_run_m[r, d]), longest_m=int(reference[r, d]), band=name
                ),
            )
        )

    jump_at = weeks.jump_day & upto
    for r, d in zip(*np.nonzero(jump_at), strict=True):
        w = int(d) // 7
        last_km = weeks.distance_m[r, w - 1] / 1000.0
        out[r].append(
            fl.make_flag(
                fl.WEEKLY_JUMP,
                grid.date_of(int(d)),
                "caution",
                f"This week's distance passed {weeks.cumulative_m[r, d] / 1000:.1f} km, more than "
                f"{options.weekly_jump_pct} % above last week's {last_km:.1f} km. A guideline, "
                "not a law: single long runs matter more than the weekly total.",
            )
        )

    rest_at = (streak == options.max_days_without_rest + 1) & upto
    for r, d in zip(*np.nonzero(rest_at), strict=True):
        out[r].append(
            fl.make_flag(
                fl.NO_REST_DAY,
                grid.date_of(int(d)),
                "caution",
                f"{options.max_days_without_rest + 1} days in a row with a run. Plan at least one "
                "rest or low-impact day a week.",
            )
        )

    for r, w in zip(*np.nonzero(weeks.monotony_flag), strict=True):
        d = 7 * int(w) + 6
        mono = weeks.monotony[r, w]
        what = (
            "the same load every day (monotony cannot be computed: no variation)"
            if np.isnan(mono)
            else f"monotony {mono:.2f} (> {options.monotony_limit:.1f})"
        )
        out[r].append(
            fl.make_flag(
                fl.MONOTONY_HIGH,
                grid.date_of(d),
                "info",
                f"Week of {grid.date_of(7 * int(w)).isoformat()}: {what}. Alternate hard and easy "
                "days; strain = weekly load x monotony.",
            )
        )

    for r in range(n_r):  # per runner, a few strings
        warnings = sessions.runner_warnings[r]
        if any("estimated" in w for w in warnings):
            out[r].append(
                fl.make_flag(
                    fl.LOAD_ESTIMATED,
                    today,
                    "info",
                    f"Training load ({sessions.runner_model[r]}) uses estimated inputs: "
                    + "; ".join(w for w in warnings if "estimated" in w)
                    + ".",
                )
            )
        out[r].sort(key=lambda f: (f.date, f.code))
    return tuple(tuple(f) for f in out)


__all__ = ["ClinicAnalysis", "analyse"]
