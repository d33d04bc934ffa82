"""Vectorised helpers every reader shares: times, distance, climbing, averages, cadence basis.

Formulas:
- distance: haversine on a sphere of radius 6,371,008.8 m (IUGG mean Earth radius), summed
  within each track segment (no distance across a segment gap), as gpxpy's ``length_2d`` does.
- ascent/descent: *plain* sum of positive (negative) altitude steps over the whole series, the
  method of tcxreader, tcxparser and the ``total_ascent_raw_m`` reference value; the gpxpy-style
  smoothed value (weights 0.3/0.4/0.3 over neighbours, per segment) is kept alongside as
  ``extra["ascent_smoothed_m"]``. Raw sums overstate noisy GPS altitude; analytics may prefer
  the smoothed one.
- averages: heart rate and cadence means exclude zeros (a zero is a dropout, not a value).
- plausible ranges for GPX/TCX samples [default] (``PLAUSIBLE``): wider than any runner,
  rider or place on Earth (heart rate up to 300 bpm, altitude -1,000 to 9,000 m, speed up to
  100 m/s ...). A value outside is a writer's placeholder or garbage (``1e308``, ``-999``) and
  becomes a missing sample, counted in ``extra["implausible_samples"]``; so is a position off
  the globe, not finite, or exactly (0, 0) (phones write it before the first GPS fix).
- cadence basis for GPX/TCX [default]: median of non-zero values below 120 -> strides/min
  (one leg, Garmin/Strava) doubled to steps/min; 120 and above -> already steps/min; a median
  below 40 is not a foot cadence at all (swim strokes, pedal rpm) and is left out.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from backstride.ingest import model as m
from backstride.ingest.model import CadenceBasis, FloatArray

EARTH_RADIUS_M = 6_371_008.8
STRIDE_STEP_THRESHOLD_SPM = 120.0
MIN_FOOT_CADENCE_RAW = 40.0  # [default] below this a "cadence" is not from walking or running
FOOT_SPORTS = frozenset({"running", "walking", "hiking", "generic", "training", "transition"})
_EPOCH = np.datetime64("1970-01-01T00:00:00", "us")
RAW_CADENCE = "cadence_raw"
"""GPX/TCX cadence as written (strides/min, steps/min or rpm), before ``infer_cadence``."""
PLAUSIBLE: dict[str, tuple[float, float]] = {
    m.ALTITUDE_M: (-1000.0, 9000.0),
    m.DISTANCE_M: (0.0, 1e7),
    m.HR_BPM: (0.0, 300.0),
    RAW_CADENCE: (0.0, 400.0),
    m.POWER_W: (0.0, 5000.0),
    m.SPEED_M_S: (0.0, 100.0),
    m.TEMPERATURE_C: (-90.0, 70.0),
}
"""[default] Inclusive bounds of a believable GPX/TCX sample per channel (module docstring)."""


def parse_times(values: list[str]) -> FloatArray:
    """ISO-8601 strings -> POSIX seconds (float64); empty or unparsable values become NaN.

    When every value is UTC (``Z``) or empty (a point without time), numpy parses them all at
    once; any other zone (``+02:00``), no zone (UTC by the GPX/TCX specs) or odd spelling goes
    through ``datetime.fromisoformat`` one by one. Every value is checked, not a sample: numpy
    would read an offset with a warning and an empty string as NaT (a huge negative number).
    """
    if not values:
        return np.empty(0)
    if all(v.endswith("Z") or not v for v in values):
        try:
            stamps = np.array([v[:-1] if v else "NaT" for v in values], "datetime64[us]")
        except ValueError:
            pass
        else:
            missing = np.isnat(stamps)
            out: FloatArray = (stamps - _EPOCH).astype(np.int64) / 1e6
            if missing.any():
                out[missing] = np.nan
            return out
    out = np.full(len(values), np.nan)
    for i, text in enumerate(values):
        out[i] = _parse_one(text)
    return out


def _parse_one(text: str) -> float:
    text = text.strip()
    if text.endswith("z"):
        text = text[:-1] + "Z"  # RFC 3339 allows a lower-case zone letter
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        return math.nan
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)  # GPX/TCX times without zone are UTC by spec
    return stamp.timestamp()


def to_floats(values: list[str]) -> FloatArray:
    """Strings -> float64; a decimal comma (``412,5``, written by tools that follow the
    locale) reads as a decimal point; values that are not numbers become NaN."""
    try:
        return np.array(values, dtype=np.float64)
    except ValueError:
        out = np.full(len(values), np.nan)
        for i, text in enumerate(values):
            try:
                out[i] = float(text)
            except ValueError:
                if text.count(",") == 1 and "." not in text:
                    try:
                        out[i] = float(text.replace(",", "."))
                    except ValueError:
                        continue
        return out


def drop_implausible(channels: dict[str, FloatArray], extra: dict[str, object]) -> None:
    """In place: samples outside ``PLAUSIBLE`` (or infinite) become NaN, counted per channel in
    ``extra["implausible_samples"]``; a channel left with no value is removed."""
    counts: dict[str, int] = {}
    for name, (low, high) in PLAUSIBLE.items():
        values = channels.get(name)
        if values is None:
            continue
        bad = (values < low) | (values > high)
        if bad.any():
            counts[name] = int(bad.sum())
            values = np.where(bad, np.nan, values)
            if np.isfinite(values).any():
                channels[name] = values
            else:
                del channels[name]
    if counts:
        extra["implausible_samples"] = counts


def valid_positions(lat: FloatArray, lon: FloatArray) -> tuple[FloatArray, FloatArray, int]:
    """Positions with impossible ones (off the globe, infinite, half missing, exactly 0/0) set
    to NaN, and how many there were (samples without any position are not counted)."""
    ok = (np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0) & ((lat != 0) | (lon != 0))
    if ok.all():
        return lat, lon, 0
    absent = np.isnan(lat) & np.isnan(lon)
    return np.where(ok, lat, np.nan), np.where(ok, lon, np.nan), int((~ok & ~absent).sum())


def nan_as_zero(values: FloatArray) -> FloatArray:
    """``np.nan_to_num(values, nan=0.0)`` (NaN as 0, infinities as the largest finite values):
    the same values, without its passes and copy when every value is finite already (then
    ``values`` itself is returned: do not modify it)."""
    if np.isfinite(values).all():
        return values
    return np.nan_to_num(values, nan=0.0)


def step_distances(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Haversine distance of each step (first element 0).

    A sample without a position (GPS dropout, a bad fix set to NaN) adds 0, and the next fix
    adds the straight line from the last fix before the gap: the distance run during a
    dropout is bridged, not lost.
    """
    if len(lat) < 2:
        return np.zeros(len(lat))
    fixed = np.isfinite(lat) & np.isfinite(lon)
    if not fixed.all():
        at = np.flatnonzero(fixed)
        out = np.zeros(len(lat))
        out[at] = step_distances(lat[at], lon[at])
        return out
    p1, p2 = np.radians(lat[:-1]), np.radians(lat[1:])
    dphi = p2 - p1
    dlmb = np.radians(lon[1:] - lon[:-1])
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    d = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return np.concatenate(([0.0], nan_as_zero(d)))


def climb(altitude: FloatArray, *, smoothed: bool = False) -> tuple[float, float] | None:
    """(ascent_m, descent_m) from an altitude series (NaNs skipped); None without altitude."""
    alt = altitude[np.isfinite(altitude)]
    if len(alt) == 0:
        return None
    if smoothed and len(alt) > 2:
        inner = 0.3 * alt[:-2] + 0.4 * alt[1:-1] + 0.3 * alt[2:]
        alt = np.concatenate((alt[:1], inner, alt[-1:]))
    steps = np.diff(alt)
    return float(steps[steps > 0].sum()), float(-steps[steps < 0].sum())


def mean_nonzero(values: FloatArray | None) -> float | None:
    """Mean of finite, non-zero values, or None when there are none."""
    if values is None:
        return None
    good = values[np.isfinite(values) & (values != 0)]
    return float(good.mean()) if len(good) else None


def max_finite(values: FloatArray | None) -> float | None:
    """Largest finite value, or None."""
    if values is None:
        return None
    good = values[np.isfinite(values)]
    return float(good.max()) if len(good) else None


def infer_cadence(raw: FloatArray) -> tuple[FloatArray, CadenceBasis | None]:
    """Raw GPX/TCX cadence -> steps/min and the basis used (see module docstring)."""
    good = raw[np.isfinite(raw) & (raw > 0)]
    if len(good) == 0:
        return raw, None
    median = float(np.median(good))
    if median < MIN_FOOT_CADENCE_RAW:
        return raw, None  # strokes or pedal rpm of a mislabelled sport, not a running cadence
    if median < STRIDE_STEP_THRESHOLD_SPM:
        return raw * 2.0, "strides_inferred"
    return raw, "steps_inferred"


def finite_or_none(values: FloatArray) -> FloatArray | None:
    """The array, or None when it has no finite value (a channel the file lacks)."""
    return values if len(values) and bool(np.isfinite(values).any()) else None


def utc_from_posix(seconds: float) -> dt.datetime:
    """POSIX seconds -> aware UTC datetime."""
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)


__all__ = [
    "DOWNHILL_GRADE",
    "EARTH_RADIUS_M",
    "FOOT_SPORTS",
    "PLAUSIBLE",
    "RAW_CADENCE",
    "climb",
    "downhill_distance_m",
    "drop_implausible",
    "finite_or_none",
    "infer_cadence",
    "max_finite",
    "mean_nonzero",
    "nan_as_zero",
    "parse_times",
    "step_distances",
    "to_floats",
    "utc_from_posix",
    "valid_positions",
]


DOWNHILL_GRADE = -0.03  # [default] steeper than -3 % counts as downhill
_SMOOTH_SAMPLES = 15


def downhill_distance_m(distance: FloatArray | None, altitude: FloatArray | None) -> float | None:
    """Metres covered on a grade steeper than ``DOWNHILL_GRADE`` (altitude smoothed over 15
    samples to damp GPS/baro noise) [default]; None without distance and altitude."""
    if distance is None or altitude is None or len(distance) < 2:
        return None
    ok = np.isfinite(distance) & np.isfinite(altitude)
    kept = np.count_nonzero(ok)
    if kept < 2:
        return None
    dist, alt = (distance, altitude) if kept == len(ok) else (distance[ok], altitude[ok])
    k = min(_SMOOTH_SAMPLES, len(alt))
    kernel = np.ones(k) / k
    padded = np.concatenate((np.full(k // 2, alt[0]), alt, np.full(k - 1 - k // 2, alt[-1])))
    smooth = np.convolve(padded, kernel, mode="valid")
    dd, da = np.diff(dist), np.diff(smooth)
    moving = dd > 0
    grade = np.divide(da, dd, out=np.zeros_like(dd), where=moving)  # 0 where not moving
    return float(dd[moving & (grade <= DOWNHILL_GRADE)].sum())
