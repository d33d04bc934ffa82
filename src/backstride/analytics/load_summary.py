"""Per-runner ``LoadSummary`` cut from a clinic-wide analysis (what plan, CLI and reports read)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from backstride.analytics import flags as fl
from backstride.analytics.engine import ClinicAnalysis, flags_for
from backstride.analytics.gait import GaitSummary
from backstride.analytics.session_load import MODELS
from backstride.analytics.shoes import ShoeSummary
from backstride.analytics.timeseries import K_VARIANTS

RECENT_WEEKS = 4


@dataclass(frozen=True, slots=True)
class WeekRow:
    """One ISO week (Monday ``start_date``); shares and ratios None when undefined."""

    start_date: dt.date
    distance_m: int
    duration_s: float
    runs: int
    ascent_m: float
    descent_m: float
    downhill_share: float | None
    long_run_share: float | None
    load: float
    change_pct: float | None
    monotony: float | None
    strain: float | None


@dataclass(frozen=True, slots=True)
class DayRow:
    """One calendar day. ``acwr`` is the uncoupled EWMA ratio (context only, never a risk);
    when it is None, ``acwr_reason`` says why (``timeseries.RATIO_REASONS``: warming up, or a
    chronic load below the floor)."""

    date: dt.date
    distance_m: float
    duration_s: float
    runs: int
    longest_run_m: int
    load: float
    acwr: float | None
    acwr_ewma_coupled: float | None
    acwr_rolling: float | None
    acwr_rolling_uncoupled: float | None
    fitness: float
    fatigue: float
    form: float
    spike_band: str | None
    acwr_reason: str | None = None


@dataclass(frozen=True, slots=True)
class PainPoint:
    """A pain score (NRS 0-10) from the diary or a session log."""

    date: dt.date
    score: int
    kind: str


@dataclass(frozen=True, slots=True)
class LeftOut:
    """An activity, or one of its values, left out of the load because its data is implausible
    (``ingest.quality`` warnings with an effect): ``what`` is "activity", "heart rate" or
    "cadence"; ``code`` and ``detail`` say why."""

    date: dt.date
    activity_id: str
    sport: str
    what: str
    code: str
    detail: str


@dataclass(frozen=True, slots=True)
class LoadSummary:
    """Everything about one runner's training load between ``from_date`` and ``to_date``."""

    runner_id: str
    today: dt.date
    from_date: dt.date
    to_date: dt.date
    load_model: str
    load_model_text: str
    load_warnings: tuple[str, ...]
    k_variant: str
    weeks: tuple[WeekRow, ...]
    daily: tuple[DayRow, ...]
    flags: tuple[fl.Flag, ...]
    longest_run_30d_m: int
    """Longest run of ``today``-29 ... ``today`` in metres (the next run's spike reference)."""
    recent_weekly_distances_m: tuple[int, ...]
    """The last 4 complete ISO weeks before ``today``'s week, oldest first."""
    current_pain: int | None = None
    gait: GaitSummary | None = None
    shoes: tuple[ShoeSummary, ...] = ()
    pain: tuple[PainPoint, ...] = ()
    left_out: tuple[LeftOut, ...] = ()
    """Activities (or their heart rate or cadence) left out, between from_date and to_date."""


def _opt(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def summarise(
    analysis: ClinicAnalysis,
    runner_index: int,
    *,
    from_date: dt.date | None = None,
    to_date: dt.date | None = None,
    gait: GaitSummary | None = None,
    shoes: tuple[ShoeSummary, ...] = (),
    extra_flags: tuple[fl.Flag, ...] = (),
    pain: tuple[PainPoint, ...] = (),
    current_pain: int | None = None,
    left_out: tuple[LeftOut, ...] = (),
) -> LoadSummary:
    """Cut one runner's rows out of ``analysis`` for [from_date, to_date] (defaults: history)."""
    g, r = analysis.grid, runner_index
    today_i = g.today_index
    lo = 0 if from_date is None else max(0, (from_date - g.first_date).days)
    lo = max(lo, int(g.start[r]) if int(g.start[r]) <= today_i else today_i)
    hi = today_i if to_date is None else min(today_i, (to_date - g.first_date).days)
    a, f = analysis.acwr, analysis.fitness
    days = tuple(
        DayRow(
            date=g.date_of(d),
            distance_m=float(g.distance_m[r, d]),
            duration_s=float(g.duration_s[r, d]),
            runs=int(g.runs[r, d]),
            longest_run_m=int(g.longest_run_m[r, d]),
            load=float(g.load[r, d]),
            acwr=_opt(a.ewma_uncoupled[r, d]),
            acwr_ewma_coupled=_opt(a.ewma_coupled[r, d]),
            acwr_rolling=_opt(a.rolling_coupled[r, d]),
            acwr_rolling_uncoupled=_opt(a.rolling_uncoupled[r, d]),
            fitness=float(f.fitness[r, d]),
            fatigue=float(f.fatigue[r, d]),
            form=float(f.form[r, d]),
            spike_band=fl.SPIKE_BANDS[analysis.spike_band[r, d]]
            if analysis.spike_band[r, d] >= 0 and g.runs[r, d]
            else None,
            acwr_reason=a.reason(r, d),
        )
        for d in range(lo, hi + 1)
    )
    w = analysis.weeks
    weeks = tuple(
        WeekRow(
            start_date=g.date_of(7 * k),
            distance_m=int(w.distance_m[r, k]),
            duration_s=float(w.duration_s[r, k]),
            runs=int(w.runs[r, k]),
            ascent_m=float(w.ascent_m[r, k]),
            descent_m=float(w.descent_m[r, k]),
            downhill_share=_opt(w.downhill_share[r, k]),
            long_run_share=_opt(w.long_run_share[r, k]),
            load=float(w.load[r, k]),
            change_pct=_opt(w.change_pct[r, k]),
            monotony=_opt(w.monotony[r, k]),
            strain=_opt(w.strain[r, k]),
        )
        for k in range(lo // 7, hi // 7 + 1)
    )
    first, last = g.date_of(lo), g.date_of(hi)
    flags = tuple(
        sorted(
            (
                x
                for x in (*flags_for(analysis, r), *extra_flags)
                if first <= x.date <= last or x.code == fl.LOAD_ESTIMATED
            ),
            key=lambda x: (x.date, x.code),
        )
    )
    this_week = today_i // 7
    recent = w.distance_m[r, max(0, this_week - RECENT_WEEKS) : this_week]
    model = analysis.sessions.model_of(r)
    return LoadSummary(
        runner_id=analysis.runner_ids[r],
        today=analysis.today,
        from_date=first,
        to_date=last,
        load_model=model,
        load_model_text=MODELS[model],
        load_warnings=analysis.sessions.warnings_for(r),
        k_variant=K_VARIANTS[analysis.fitness.k_variant],
        weeks=weeks,
        daily=days,
        flags=flags,
        longest_run_30d_m=int(np.max(g.longest_run_m[r, max(0, today_i - 29) : today_i + 1])),
        recent_weekly_distances_m=tuple(int(x) for x in recent),
        current_pain=current_pain,
        gait=gait,
        shoes=shoes,
        pain=pain,
        left_out=tuple(
            x for x in left_out if (from_date is None or x.date >= from_date) and x.date <= last
        ),
    )


__all__ = ["DayRow", "LeftOut", "LoadSummary", "PainPoint", "WeekRow", "summarise"]
