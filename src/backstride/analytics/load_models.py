"""Session load models: Foster sRPE, Banister and Edwards TRIMP, pace-based rTSS (vectorised).

Each function accepts scalars or numpy arrays (one value per session) and returns NaN where
an input is missing, so a caller can pick a model per session and say which one it used.
Sources and worked examples: clinical reference §5.5-5.7.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
Sex = Literal["male", "female"]

TRIMP_CONSTANTS: dict[str, tuple[float, float]] = {
    "male": (0.64, 1.92),
    "female": (0.86, 1.67),
}
"""Banister TRIMP weighting a*e^(b*dHR) (Banister 1991; Morton et al. 1990)."""

HR_REST_DEFAULT_BPM = 60.0
"""Resting HR when none is recorded [default], flagged as estimated."""

MIN_PLAUSIBLE_PACE_S_PER_KM = 120.0
"""Faster than 2:00/km is a recording error (world-record pace is about 2:50/km); such a
session gets no pace-based load [default]."""

MAX_PLAUSIBLE_THRESHOLD_PACE_S_PER_KM = 900.0
"""A threshold pace slower than 15:00/km (brisk walking) is a recording or entry error, not a
runner's lactate-threshold pace; no pace-based load is computed against it [default]."""

EDWARDS_ZONES = (0.5, 0.6, 0.7, 0.8, 0.9)
"""Lower bounds (share of HRmax, inclusive) of Edwards zones weighted 1..5 (Edwards 1993)."""


def _f(x: object) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def srpe_load(*, rpe: object, duration_s: object) -> FloatArray:
    """Session RPE load = CR-10 RPE x minutes, in AU (Foster et al. 2001, unverified)."""
    rpe_a, dur = _f(rpe), _f(duration_s)
    return np.where((rpe_a >= 0) & (dur >= 0), rpe_a * dur / 60.0, np.nan)


def hr_max_tanaka(*, age_years: object) -> FloatArray:
    """Estimated HRmax = 208 - 0.7 x age (Tanaka et al. 2001, unverified); flag as estimated."""
    return 208.0 - 0.7 * _f(age_years)


def heart_rate_reserve(*, hr_bpm: object, hr_rest_bpm: object, hr_max_bpm: object) -> FloatArray:
    """dHR = (HR - rest) / (max - rest), clamped to [0, 1]; NaN if max <= rest or HR missing."""
    hr, rest, top = _f(hr_bpm), _f(hr_rest_bpm), _f(hr_max_bpm)
    span = top - rest
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(span > 0, (hr - rest) / np.where(span > 0, span, 1.0), np.nan)
    return np.clip(ratio, 0.0, 1.0)


def banister_trimp(
    *, duration_s: object, hr_bpm: object, hr_rest_bpm: object, hr_max_bpm: object, sex: Sex
) -> FloatArray:
    """Banister TRIMP = minutes x dHR x a e^(b dHR) with sex constants (Banister 1991).

    45 min at 150 bpm, rest 50, max 190 -> men 81.07, women 91.12 (clinical reference §5.6).
    """
    a, b = TRIMP_CONSTANTS[sex]
    dhr = heart_rate_reserve(hr_bpm=hr_bpm, hr_rest_bpm=hr_rest_bpm, hr_max_bpm=hr_max_bpm)
    minutes = _f(duration_s) / 60.0
    out = minutes * dhr * a * np.exp(b * dhr)
    return np.where(minutes >= 0, out, np.nan)


def hr_time(*, time_s: FloatArray, hr_bpm: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Seconds spent at each heart-rate value: what stream TRIMP needs from a stream.

    Each sample weighs the time to the next one; gaps over 30 s (pauses) count 0 [default].
    Returns (distinct HR values, seconds at each), both empty without two samples or any HR.
    Stored per activity at import, so the load of a long history never decodes its streams.
    """
    t, hr = _f(time_s), _f(hr_bpm)
    if t.size < 2:
        return np.empty(0), np.empty(0)
    dt = np.diff(t)
    dt = np.where((dt > 0) & (dt <= 30.0), dt, 0.0)
    head = hr[:-1]
    valid = np.isfinite(head)
    if not valid.any():
        return np.empty(0), np.empty(0)
    values, which = np.unique(head[valid], return_inverse=True)
    seconds = np.bincount(which, weights=dt[valid], minlength=values.size)
    return values, np.asarray(seconds, dtype=np.float64)


def hr_time_trimp(
    *, values: FloatArray, seconds: FloatArray, hr_rest_bpm: float, hr_max_bpm: float, sex: Sex
) -> float:
    """Banister TRIMP of a heart-rate time distribution (``hr_time``); NaN when it is empty."""
    if values.size == 0:
        return float("nan")
    per = banister_trimp(
        duration_s=seconds, hr_bpm=values, hr_rest_bpm=hr_rest_bpm, hr_max_bpm=hr_max_bpm, sex=sex
    )
    return float(np.nansum(per))


def stream_trimp(
    *, time_s: FloatArray, hr_bpm: FloatArray, hr_rest_bpm: float, hr_max_bpm: float, sex: Sex
) -> float:
    """Banister TRIMP summed per sample; each sample weighs the time to the next one.

    Sample gaps over 30 s (pauses) are not counted [default]. 30 min at 130 + 15 min at 170
    (rest 50, max 190, men) = 75.53, where the session mean gives 69.06 (clinical reference §5.6).
    Computed as ``hr_time_trimp(hr_time(...))``: samples at one heart rate are summed first.
    """
    values, seconds = hr_time(time_s=time_s, hr_bpm=hr_bpm)
    return hr_time_trimp(
        values=values, seconds=seconds, hr_rest_bpm=hr_rest_bpm, hr_max_bpm=hr_max_bpm, sex=sex
    )


def edwards_trimp(*, minutes_in_zones: object) -> FloatArray:
    """Edwards TRIMP = sum of minutes in 50-60..90-100 % HRmax weighted 1..5 (Edwards 1993).

    10, 20, 15, 5, 0 min -> 115.
    """
    mins = _f(minutes_in_zones)
    return np.asarray(mins @ np.arange(1.0, 6.0), dtype=np.float64)


def edwards_zone_minutes(
    *, time_s: FloatArray, hr_bpm: FloatArray, hr_max_bpm: float
) -> FloatArray:
    """Minutes per Edwards zone from samples (lower bound inclusive; below 50 % counts 0)."""
    t, hr = _f(time_s), _f(hr_bpm)
    dt = np.where(np.diff(t) <= 30.0, np.diff(t), 0.0)
    share = hr[:-1] / hr_max_bpm
    zone = np.searchsorted(np.asarray(EDWARDS_ZONES), share, side="right") - 1
    keep = np.isfinite(share) & (zone >= 0)
    return np.bincount(zone[keep], weights=dt[keep], minlength=5)[:5] / 60.0


def rtss(
    *, duration_s: object, pace_s_per_km: object, threshold_pace_s_per_km: object
) -> FloatArray:
    """rTSS = hours x IF^2 x 100, IF = threshold pace / session pace (TrainingPeaks).

    1 h at 5:00/km with threshold 4:30/km -> IF 0.9 -> 81.0. backstride uses the average (or
    grade-adjusted, when known) pace, not the unpublished NGP, and says so ("estimated").
    """
    dur, pace, thr = _f(duration_s), _f(pace_s_per_km), _f(threshold_pace_s_per_km)
    plausible = (pace >= MIN_PLAUSIBLE_PACE_S_PER_KM) & (
        (thr >= MIN_PLAUSIBLE_PACE_S_PER_KM) & (thr <= MAX_PLAUSIBLE_THRESHOLD_PACE_S_PER_KM)
    )
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        intensity = np.where(plausible, thr / np.where(plausible, pace, 1.0), np.nan)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(dur >= 0, dur / 3600.0 * intensity**2 * 100.0, np.nan)


__all__ = [
    "EDWARDS_ZONES",
    "HR_REST_DEFAULT_BPM",
    "MAX_PLAUSIBLE_THRESHOLD_PACE_S_PER_KM",
    "MIN_PLAUSIBLE_PACE_S_PER_KM",
    "TRIMP_CONSTANTS",
    "Sex",
    "banister_trimp",
    "edwards_trimp",
    "edwards_zone_minutes",
    "heart_rate_reserve",
    "hr_max_tanaka",
    "hr_time",
    "hr_time_trimp",
    "rtss",
    "srpe_load",
    "stream_trimp",
]
