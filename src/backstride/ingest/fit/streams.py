"""FIT record columns into canonical stream channels for one activity (one session).

Enhanced speed/altitude are preferred sample by sample over the 16-bit fields; cadence
becomes steps/min for foot sports only: 2 x (cadence + fractional_cadence), FIT running
cadence being strides/min of one leg (Garmin FIT profile, record.cadence/fractional_cadence;
clinical reference §6). For other sports the device cadence (rpm, strokes/min) is not
a step rate and is left out of the streams. A heart rate of 0 (a strap that lost contact,
a watch off the wrist) is a missing sample (GPX/TCX keep a written 0 in the stream, and their
averages skip it). A channel is present only when at least one sample of the activity holds a
value.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from backstride.ingest.model import (
    ALTITUDE_M,
    CADENCE_SPM,
    DISTANCE_M,
    HR_BPM,
    LAT_DEG,
    LON_DEG,
    POWER_W,
    SPEED_M_S,
    STANCE_TIME_BALANCE_LEFT_PCT,
    STANCE_TIME_MS,
    STANCE_TIME_PERCENT,
    STEP_LENGTH_MM,
    TEMPERATURE_C,
    TIME_S,
    VERTICAL_OSCILLATION_MM,
    VERTICAL_RATIO_PCT,
    FloatArray,
    Streams,
)
from backstride.ingest.track_math import nan_as_zero

FOOT_SPORTS = frozenset({"running", "walking", "hiking"})
"""Sports whose FIT cadence is strides/min of one leg (doubled into steps/min)."""

_DIRECT: tuple[tuple[str, str], ...] = (
    (LAT_DEG, "position_lat"),
    (LON_DEG, "position_long"),
    (DISTANCE_M, "distance"),
    (HR_BPM, "heart_rate"),
    (POWER_W, "power"),
    (TEMPERATURE_C, "temperature"),
    (VERTICAL_OSCILLATION_MM, "vertical_oscillation"),
    (STANCE_TIME_MS, "stance_time"),
    (STANCE_TIME_PERCENT, "stance_time_percent"),
    (STANCE_TIME_BALANCE_LEFT_PCT, "stance_time_balance"),
    (STEP_LENGTH_MM, "step_length"),
    (VERTICAL_RATIO_PCT, "vertical_ratio"),
)


def preferred(records: Mapping[str, FloatArray], first: str, second: str) -> FloatArray | None:
    """``first`` where it has a value, else ``second`` (e.g. enhanced_speed, then speed)."""
    a, b = records.get(first), records.get(second)
    if a is None or b is None:
        return a if a is not None else b
    return np.where(np.isfinite(a), a, b)


def cadence_spm(records: Mapping[str, FloatArray]) -> FloatArray | None:
    """Steps/min from FIT strides/min: 2 x (cadence + fractional_cadence, missing as 0)."""
    cadence = records.get("cadence")
    if cadence is None:
        return None
    fraction = records.get("fractional_cadence")
    if fraction is None:
        return 2.0 * cadence
    return 2.0 * (cadence + nan_as_zero(fraction))


def canonical_columns(records: Mapping[str, FloatArray]) -> dict[str, FloatArray]:
    """Whole-file record columns under canonical channel names (cadence in steps/min).

    ``time_s`` holds Unix seconds here; ``build_streams`` makes it relative to the start.
    """
    out: dict[str, FloatArray] = {}
    times = records.get("timestamp")
    if times is not None:
        out[TIME_S] = times
    for name, field in _DIRECT:
        column = records.get(field)
        if column is not None:
            out[name] = column
    heart = out.get(HR_BPM)
    if heart is not None and (heart == 0).any():  # 0 bpm: strap lost or not worn, no value
        out[HR_BPM] = np.where(heart == 0, np.nan, heart)
    for name, column in (
        (ALTITUDE_M, preferred(records, "enhanced_altitude", "altitude")),
        (SPEED_M_S, preferred(records, "enhanced_speed", "speed")),
        (CADENCE_SPM, cadence_spm(records)),
    ):
        if column is not None:
            out[name] = column
    return out


def build_streams(
    columns: Mapping[str, FloatArray],
    select: npt.NDArray[np.bool_] | slice,
    *,
    start_unix_s: float,
    foot_sport: bool,
) -> Streams:
    """The canonical streams of the selected records, times relative to ``start_unix_s``.

    Cadence is kept only for foot sports (steps/min); other sports' cadence is not a step rate.
    """
    channels: dict[str, FloatArray] = {}
    times = columns.get(TIME_S)
    for name, column in columns.items():
        if name == TIME_S or (name == CADENCE_SPM and not foot_sport):
            continue
        values = np.asarray(column[select], dtype=np.float64)  # a view of every record
        if np.isfinite(values).any():
            channels[name] = values
    if times is None:
        n = len(next(iter(channels.values()))) if channels else 0
        channels[TIME_S] = np.full(n, np.nan)
    else:
        channels[TIME_S] = times[select] - start_unix_s
    return Streams(channels)


def finite_mean(values: FloatArray | None, *, skip_zero: bool = False) -> float | None:
    """Mean of the finite (and, if asked, non-zero) values, or None when there are none."""
    if values is None:
        return None
    keep = np.isfinite(values)
    if skip_zero:
        keep &= values != 0
    return float(values[keep].mean()) if keep.any() else None


def finite_max(values: FloatArray | None) -> float | None:
    """Maximum of the finite values, or None when there are none."""
    if values is None:
        return None
    keep = np.isfinite(values)
    return float(values[keep].max()) if keep.any() else None


__all__ = [
    "FOOT_SPORTS",
    "build_streams",
    "cadence_spm",
    "canonical_columns",
    "finite_max",
    "finite_mean",
    "preferred",
]
