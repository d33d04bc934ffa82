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
from backstride.analytics.spikes import exceeds_change, previous_longest, spike_band
from backstride.analytics.timeseries import AcwrSeries, FitnessSeries, acwr, fitness_fatigue
from backstride.analytics.weekly_load import (
    WeekGrid,
    streak_reaches,
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
    weeks: WeekGrid
    hits: FlagHits
    options: AnalyticsOptions

    @property
    def flags(self) -> tuple[tuple[fl.Flag, ...], ...]:
        """Every runner's flags as objects (builds texts; use ``flags_for`` for one runner)."""
        return tuple(flags_for(self, r) for r in range(len(self.runner_ids)))


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
    streak_hit = streak_reaches(grid.runs > 0, opts.max_days_without_rest + 1)
    weeks = week_grid(grid, options=opts)
    spiked = exceeds_change(
        this_m=grid.longest_run_m, last_m=reference, cap_pct=opts.spike_flag_pct
    )
    hits = _hits(
        grid,
        spiked=spiked,
        streak_hit=streak_hit,
        weeks=weeks,
        ratio=ratios.ewma_uncoupled,
        options=opts,
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
        weeks=weeks,
        hits=hits,
        options=opts,
    )


CODES: tuple[str, ...] = (
    fl.SPIKE_SINGLE_RUN,
    fl.WEEKLY_JUMP,
    fl.NO_REST_DAY,
    fl.MONOTONY_HIGH,
    fl.ACWR_CONTEXT,
)


@dataclass(frozen=True, slots=True)
class FlagHits:
    """Every day-level flag of the batch as arrays sorted by runner then day (sparse)."""

    runner: npt.NDArray[np.int64]
    day: npt.NDArray[np.int64]
    code: npt.NDArray[np.int8]
    """Index into ``CODES``."""


def _hits(
    grid: DailyGrid,
    *,
    spiked: npt.NDArray[np.bool_],
    streak_hit: npt.NDArray[np.bool_],
    weeks: WeekGrid,
    ratio: npt.NDArray[np.float64],
    options: AnalyticsOptions,
) -> FlagHits:
    n_d = grid.distance_m.shape[1]
    days = np.arange(n_d)[None, :]
    upto = days <= grid.today_index
    since = days - grid.start[:, None]
    above = ratio > options.acwr_context_high  # NaN (warm-up) compares False
    crossed = above.copy()
    crossed[:, 1:] &= ~above[:, :-1]  # the first day of each stretch above the line
    masks = {
        0: spiked & upto & (since >= options.spike_warmup_d),
        1: weeks.jump_day & upto,
        2: streak_hit & upto,
        4: crossed & upto,
    }
    rs, ds, cs = [], [], []
    for index, mask in masks.items():
        r, d = np.nonzero(mask)
        rs.append(r)
        ds.append(d)
        cs.append(np.full(r.size, index, dtype=np.int8))
    r, w = np.nonzero(weeks.monotony_flag)
    rs.append(r)
    ds.append(7 * w + 6)
    cs.append(np.full(r.size, 3, dtype=np.int8))
    runner = np.concatenate(rs).astype(np.int64)
    day = np.concatenate(ds).astype(np.int64)
    code = np.concatenate(cs).astype(np.int8)
    order = np.lexsort((code, day, runner))
    return FlagHits(
        runner=runner[order].astype(np.int64), day=day[order].astype(np.int64), code=code[order]
    )


def flags_for(analysis: ClinicAnalysis, runner: int) -> tuple[fl.Flag, ...]:
    """Turn one runner's flag hits into ``Flag`` objects with their plain texts."""
    g, w, opts, hits = analysis.grid, analysis.weeks, analysis.options, analysis.hits
    lo, hi = np.searchsorted(hits.runner, [runner, runner + 1])
    out: list[fl.Flag] = []
    r = runner
    for d, code in zip(hits.day[lo:hi].tolist(), hits.code[lo:hi].tolist(), strict=True):
        day = g.date_of(d)
        if code == 0:
            name = fl.SPIKE_BANDS[analysis.spike_band[r, d]]
            out.append(
                fl.make_flag(
                    fl.SPIKE_SINGLE_RUN,
                    day,
                    "alert" if name == "large" else "caution",
                    fl.spike_text(
                        run_m=int(g.longest_run_m[r, d]),
                        longest_m=int(analysis.spike_reference_m[r, d]),
                        band=name,
                        flag_pct=opts.spike_flag_pct,
                    ),
                )
            )
        elif code == 1:
            last_km = w.distance_m[r, d // 7 - 1] / 1000.0
            out.append(
                fl.make_flag(
                    fl.WEEKLY_JUMP,
                    day,
                    "caution",
                    f"This week's distance passed {w.cumulative_m[r, d] / 1000:.1f} km, more "
                    f"than {opts.weekly_jump_pct} % above last week's {last_km:.1f} km. A "
                    "guideline, not a law: single long runs matter more than the weekly total.",
                )
            )
        elif code == 2:
            out.append(
                fl.make_flag(
                    fl.NO_REST_DAY,
                    day,
                    "caution",
                    f"{opts.max_days_without_rest + 1} days in a row with a run. Plan at least one "
                    "rest or low-impact day a week.",
                )
            )
        elif code == 4:
            out.append(
                fl.make_flag(
                    fl.ACWR_CONTEXT,
                    day,
                    "info",
                    f"Acute:chronic load ratio {analysis.acwr.ewma_uncoupled[r, d]:.2f}, above "
                    f"{opts.acwr_context_high:.2f}: the last week's load is high for the last "
                    "month's. Context only, not a risk: in runners this ratio was not linked to "
                    "injury; single long runs and weekly jumps are what the flags watch.",
                )
            )
        else:
            mono = w.monotony[r, d // 7]
            what = (
                "the same load every day (monotony cannot be computed: no variation)"
                if np.isnan(mono)
                else f"monotony {mono:.2f} (> {opts.monotony_limit:.1f})"
            )
            out.append(
                fl.make_flag(
                    fl.MONOTONY_HIGH,
                    day,
                    "info",
                    f"Week of {g.date_of(d - 6).isoformat()}: {what}. Alternate hard and easy "
                    "days; strain = weekly load x monotony.",
                )
            )
    warnings = analysis.sessions.warnings_for(r)
    if any("estimated" in x for x in warnings):
        out.append(
            fl.make_flag(
                fl.LOAD_ESTIMATED,
                analysis.today,
                "info",
                f"Training load ({analysis.sessions.model_of(r)}) uses estimated inputs: "
                + "; ".join(x for x in warnings if "estimated" in x)
                + ".",
            )
        )
    return tuple(sorted(out, key=lambda f: (f.date, f.code)))


__all__ = ["CODES", "ClinicAnalysis", "FlagHits", "analyse", "flags_for"]
