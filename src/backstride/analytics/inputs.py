"""Inputs of the analytics: runner profiles, a column table of activities, and options.

Columnar on purpose: one numpy array per field with one entry per activity, so a whole
clinic is analysed in one vectorised pass. Missing values are NaN (never 0).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

RUN_SPORTS = frozenset({"running", "run", "trail_running", "treadmill_running", "trail_run"})


@dataclass(frozen=True, slots=True)
class RunnerProfile:
    """What the load models need to know about a runner (all optional)."""

    runner_id: str
    birth_year: int | None = None
    sex: str | None = None
    hr_rest_bpm: float | None = None
    hr_max_bpm: float | None = None
    threshold_pace_s_per_km: float | None = None


@dataclass(frozen=True, slots=True)
class AnalyticsOptions:
    """Thresholds with their defaults (clinic-configurable)."""

    weekly_jump_pct: int = 30
    """Week-over-week distance cap (Nielsen 2014; guideline, not a law) [default 30 %]."""
    spike_flag_pct: int = 10
    """A run more than this % longer than the longest of 30 days is flagged (Frandsen et al.
    2025: +10 %); a clinic may change it (``load.single_run_spike_ratio``)."""
    max_days_without_rest: int = 6
    """A 7th consecutive running day raises ``load.no_rest_day`` [default]."""
    monotony_limit: float = 2.0
    """Foster monotony above which a week is flagged (Foster 1998)."""
    shoe_retire_km: float = 700.0
    """Distance at which a shoe gets a "check the shoe" alert [default]."""
    k_variant: str = "exp"
    """CTL/ATL smoothing: "exp" (1 - e^(-1/tau)) or "inverse" (1/tau)."""
    spike_warmup_d: int = 30
    """No spike flags until 30 days of history exist (the reference would be incomplete)."""
    acwr_context_high: float = 1.5
    """The acute:chronic ratio (uncoupled EWMA) whose crossing raises the ``info`` flag
    ``load.acwr_context`` (Gabbett 2016's 1.5; contested, Impellizzeri et al. 2020; not linked
    to injury in runners, Frandsen et al. 2025): context, never a risk or a plan input. A clinic
    may change it (``acwr.context_high``)."""


@dataclass(frozen=True, slots=True)
class ActivityTable:
    """One row per activity (any runner of the batch). ``runner_index`` points into profiles."""

    runner_index: IntArray
    day_ordinal: IntArray
    """Local calendar date as ``date.toordinal()``."""
    is_run: BoolArray
    distance_m: FloatArray
    duration_s: FloatArray
    """Moving (timer) time when known, else elapsed."""
    ascent_m: FloatArray
    descent_m: FloatArray
    downhill_m: FloatArray
    avg_hr_bpm: FloatArray
    max_hr_bpm: FloatArray
    rpe: FloatArray
    stream_trimp_male: FloatArray
    """Banister TRIMP summed over HR samples with male constants (NaN: no samples)."""
    stream_trimp_female: FloatArray
    gear_index: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Index into the caller's gear list, -1 for none (empty array: no gear at all)."""

    def __len__(self) -> int:
        return int(self.runner_index.size)


def _col(values: Sequence[float | None]) -> FloatArray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class ActivityRow:
    """One activity as plain values (builder for small inputs and tests)."""

    runner_index: int
    local_date: dt.date
    distance_m: float | None
    duration_s: float
    sport: str = "running"
    ascent_m: float | None = None
    descent_m: float | None = None
    downhill_m: float | None = None
    avg_hr_bpm: float | None = None
    max_hr_bpm: float | None = None
    rpe: float | None = None
    stream_trimp_male: float | None = None
    stream_trimp_female: float | None = None
    gear_index: int = -1


def table_from_rows(rows: Sequence[ActivityRow]) -> ActivityTable:
    """Build the column table from rows (a few hundred per runner: plain Python is fine)."""
    return ActivityTable(
        runner_index=np.array([r.runner_index for r in rows], dtype=np.int64),
        day_ordinal=np.array([r.local_date.toordinal() for r in rows], dtype=np.int64),
        is_run=np.array([r.sport.lower() in RUN_SPORTS for r in rows], dtype=np.bool_),
        distance_m=_col([r.distance_m for r in rows]),
        duration_s=_col([r.duration_s for r in rows]),
        ascent_m=_col([r.ascent_m for r in rows]),
        descent_m=_col([r.descent_m for r in rows]),
        downhill_m=_col([r.downhill_m for r in rows]),
        avg_hr_bpm=_col([r.avg_hr_bpm for r in rows]),
        max_hr_bpm=_col([r.max_hr_bpm for r in rows]),
        rpe=_col([r.rpe for r in rows]),
        stream_trimp_male=_col([r.stream_trimp_male for r in rows]),
        stream_trimp_female=_col([r.stream_trimp_female for r in rows]),
        gear_index=np.array([r.gear_index for r in rows], dtype=np.int64),
    )


__all__ = [
    "RUN_SPORTS",
    "ActivityRow",
    "ActivityTable",
    "AnalyticsOptions",
    "RunnerProfile",
    "table_from_rows",
]
