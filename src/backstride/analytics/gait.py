"""Gait trends from per-run summaries: cadence, contact time, oscillation, step length, balance.

Observation, never diagnosis: each runner is compared with their own baseline
(clinical reference §6). Rules [default]:

- ``gait.balance_drift``: baseline = median of per-run left stance-time shares in the 90 days
  before the last 5 runs (>= 5 runs needed); current = median of the last 5 runs; flag when
  |current - baseline| > 1.0 percentage point. Garmin's colour zones (green up to 50.7 %,
  orange 50.8-52.2 %, red beyond) are vendor zones, shown for orientation only.
- ``gait.cadence_drop``: median cadence of the last 5 easy runs (pace at or slower than the
  runner's 90-day median pace) more than 5 spm below the 90-day median of runs at a similar
  pace (+/- 15 s/km) before them (>= 5 runs needed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from backstride.analytics import flags as fl

BALANCE_DRIFT_PCT = 1.0
CADENCE_DROP_SPM = 5.0
SIMILAR_PACE_S_PER_KM = 15.0
BASELINE_D = 90
RECENT_RUNS = 5


@dataclass(frozen=True, slots=True)
class GaitRun:
    """Per-run gait summary (None where the file had no such data)."""

    local_date: dt.date
    pace_s_per_km: float | None = None
    cadence_spm: float | None = None
    stance_time_ms: float | None = None
    vertical_oscillation_mm: float | None = None
    step_length_mm: float | None = None
    stance_balance_left_pct: float | None = None


@dataclass(frozen=True, slots=True)
class GaitSummary:
    """Each run's gait values (for trend charts), baselines and the flags raised."""

    runs: tuple[GaitRun, ...]
    balance_baseline_pct: float | None
    balance_current_pct: float | None
    cadence_baseline_spm: float | None
    cadence_current_spm: float | None
    flags: tuple[fl.Flag, ...]


def garmin_balance_zone(left_pct: float) -> str:
    """Garmin's vendor colour zone for a left share: green, orange or red (not evidence)."""
    off = abs(left_pct - 50.0)
    if off <= 0.7 + 1e-9:
        return "green"
    if off <= 2.2 + 1e-9:
        return "orange"
    return "red"


def _values(runs: Sequence[GaitRun], name: str) -> tuple[np.ndarray, np.ndarray]:
    dates = np.array([r.local_date.toordinal() for r in runs], dtype=np.int64)
    vals = np.array(
        [np.nan if getattr(r, name) is None else getattr(r, name) for r in runs], dtype=np.float64
    )
    keep = np.isfinite(vals)
    return dates[keep], vals[keep]


def balance_drift(runs: Sequence[GaitRun]) -> tuple[float | None, float | None, fl.Flag | None]:
    """Baseline, current and the drift flag (see module docstring)."""
    dates, vals = _values(runs, "stance_balance_left_pct")
    if vals.size < RECENT_RUNS:
        return None, None, None
    current = float(np.median(vals[-RECENT_RUNS:]))
    first_recent = dates[-RECENT_RUNS]
    base_mask = dates[:-RECENT_RUNS] >= first_recent - BASELINE_D
    base = vals[:-RECENT_RUNS][base_mask]
    if base.size < RECENT_RUNS:
        return None, current, None
    baseline = float(np.median(base))
    drift = current - baseline
    if abs(drift) <= BALANCE_DRIFT_PCT + 1e-9:
        return baseline, current, None
    zone = garmin_balance_zone(current)
    text = (
        f"Your left/right ground-contact balance changed from your usual {baseline:.1f} % left "
        f"to {current:.1f} % left over your last {RECENT_RUNS} runs ({drift:+.1f} points; "
        f"Garmin's {zone} zone). A change from your usual, not a diagnosis: worth mentioning "
        "to your clinician, especially beside back or hip pain."
    )
    day = dt.date.fromordinal(int(dates[-1]))
    return baseline, current, fl.make_flag(fl.BALANCE_DRIFT, day, "caution", text)


def cadence_drop(runs: Sequence[GaitRun]) -> tuple[float | None, float | None, fl.Flag | None]:
    """Baseline, current and the cadence-drop flag (see module docstring)."""
    usable = [r for r in runs if r.cadence_spm is not None and r.pace_s_per_km is not None]
    if len(usable) < 2 * RECENT_RUNS:
        return None, None, None
    dates = np.array([r.local_date.toordinal() for r in usable])
    pace = np.array([r.pace_s_per_km for r in usable], dtype=np.float64)
    cad = np.array([r.cadence_spm for r in usable], dtype=np.float64)
    window = dates >= dates[-1] - BASELINE_D
    easy = pace >= np.median(pace[window])
    easy_idx = np.nonzero(easy)[0]
    if easy_idx.size < RECENT_RUNS:
        return None, None, None
    recent = easy_idx[-RECENT_RUNS:]
    current = float(np.median(cad[recent]))
    ref_pace = float(np.median(pace[recent]))
    before = np.arange(len(usable)) < recent[0]
    base_mask = (
        before
        & (dates >= dates[recent[0]] - BASELINE_D)
        & (np.abs(pace - ref_pace) <= SIMILAR_PACE_S_PER_KM)
    )
    if base_mask.sum() < RECENT_RUNS:
        return None, current, None
    baseline = float(np.median(cad[base_mask]))
    if baseline - current <= CADENCE_DROP_SPM + 1e-9:
        return baseline, current, None
    text = (
        f"Your cadence on easy runs dropped from your usual {baseline:.0f} to {current:.0f} "
        "steps/min at a similar pace. A change from your usual, not a diagnosis; shorter, "
        "quicker steps (+5 %) reduce hip and knee loading (Heiderscheit 2011)."
    )
    day = dt.date.fromordinal(int(dates[recent[-1]]))
    return baseline, current, fl.make_flag(fl.CADENCE_DROP, day, "info", text)


def gait_summary(runs: Sequence[GaitRun]) -> GaitSummary:
    """Runs sorted by date with baselines and flags."""
    ordered = tuple(sorted(runs, key=lambda r: r.local_date))
    b_base, b_cur, b_flag = balance_drift(ordered)
    c_base, c_cur, c_flag = cadence_drop(ordered)
    return GaitSummary(
        runs=ordered,
        balance_baseline_pct=b_base,
        balance_current_pct=b_cur,
        cadence_baseline_spm=c_base,
        cadence_current_spm=c_cur,
        flags=tuple(f for f in (b_flag, c_flag) if f is not None),
    )


__all__ = [
    "GaitRun",
    "GaitSummary",
    "balance_drift",
    "cadence_drop",
    "gait_summary",
    "garmin_balance_zone",
]
