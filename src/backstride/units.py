"""Units, ids and conversions used across stages (SI inside: metres, seconds, bpm, steps/min)."""

from __future__ import annotations

import datetime as dt
import uuid

UTC = dt.UTC

METRES_PER_KM = 1000.0
METRES_PER_MILE = 1609.344
SECONDS_PER_MINUTE = 60.0
FIT_EPOCH = dt.datetime(1989, 12, 31, tzinfo=UTC)


def new_id() -> str:
    """A new random id (UUID4 hex, 32 characters) for stored entities."""
    return uuid.uuid4().hex


def km(distance_m: float) -> float:
    """Metres to kilometres."""
    return distance_m / METRES_PER_KM


def pace_s_per_km(distance_m: float, duration_s: float) -> float | None:
    """Pace in seconds per km, or None when the distance is zero."""
    if distance_m <= 0:
        return None
    return duration_s / (distance_m / METRES_PER_KM)


def strides_to_steps(cadence_strides_per_min: float, fractional: float = 0.0) -> float:
    """FIT running cadence (one foot, strides/min) to steps/min: 2 x (cadence + fraction).

    Source: Garmin FIT profile (record.cadence + fractional_cadence, scale 128);
    clinical reference §6.
    """
    return 2.0 * (cadence_strides_per_min + fractional)


def require_aware(value: dt.datetime, name: str = "datetime") -> dt.datetime:
    """Reject naive datetimes: every ``*_at`` value in backstride is tz-aware (UTC)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value.astimezone(UTC)


def format_duration(duration_s: float) -> str:
    """``h:mm:ss`` (or ``m:ss`` under an hour) for display."""
    total = round(duration_s)
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


__all__ = [
    "FIT_EPOCH",
    "METRES_PER_KM",
    "METRES_PER_MILE",
    "UTC",
    "format_duration",
    "km",
    "new_id",
    "pace_s_per_km",
    "require_aware",
    "strides_to_steps",
]
