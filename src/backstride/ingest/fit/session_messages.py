"""FIT session, lap, device and activity messages into canonical summary values.

Session values are the device's own summary (Garmin FIT profile, ``session`` message);
running cadence there is strides/min (``avg_running_cadence``, the running subfield of
``avg_cadence``) plus ``avg_fractional_cadence``, doubled into steps/min for foot sports.
``workout_rpe`` is stored x10 (Borg CR10 x 10, FIT profile note) and becomes 0-10 here;
``workout_feel`` stays on the device's 0-100 scale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from backstride.ingest.fit.decoder import FitData, Message
from backstride.ingest.fit.profile import FIT_EPOCH_UNIX_S, product_name
from backstride.ingest.model import Lap

MAX_LOCAL_OFFSET_S = 14 * 3600
"""Largest real UTC offset (+14:00, Kiribati); larger FIT differences are not offsets."""
RUNNING_DYNAMICS_AVERAGES: tuple[tuple[str, str], ...] = (
    ("avg_vertical_oscillation", "avg_vertical_oscillation_mm"),
    ("avg_stance_time", "avg_stance_time_ms"),
    ("avg_stance_time_percent", "avg_stance_time_percent"),
    ("avg_stance_time_balance", "avg_stance_time_balance_left_pct"),
    ("avg_step_length", "avg_step_length_mm"),
    ("avg_vertical_ratio", "avg_vertical_ratio_pct"),
)
"""Session/lap running-dynamics averages (FIT names) and their ``Activity.extra`` keys."""


def number(message: Mapping[str, object], key: str) -> float | None:
    """A numeric field as float, or None when absent or not a number."""
    value = message.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def time_of(message: Mapping[str, object], key: str) -> dt.datetime | None:
    """A ``date_time`` field (aware UTC), or None."""
    value = message.get(key)
    return value if isinstance(value, dt.datetime) else None


def heart_rate(message: Mapping[str, object], key: str) -> float | None:
    """A heart-rate summary; 0 bpm means "no sensor", not a measurement, so None."""
    value = number(message, key)
    return value if value else None


def cadence_steps(message: Mapping[str, object], *, foot_sport: bool) -> float | None:
    """Average cadence in steps/min for foot sports: 2 x (avg_cadence + fractional)."""
    cadence = number(message, "avg_cadence")
    if not foot_sport or cadence is None:
        return None
    return 2.0 * (cadence + (number(message, "avg_fractional_cadence") or 0.0))


def lap_start(message: Mapping[str, object]) -> dt.datetime | None:
    """When a lap (or session) began: ``start_time``, else its ``timestamp``."""
    return time_of(message, "start_time") or time_of(message, "timestamp")


def to_laps(laps: Sequence[Message], *, foot: bool) -> tuple[Lap, ...]:
    """Lap messages (already chosen for one session) as canonical laps, in order."""
    out: list[Lap] = []
    for message in laps:
        start = lap_start(message)
        if start is None:
            continue
        intensity = message.get("intensity")
        out.append(
            Lap(
                index=len(out),
                start_at=start,
                elapsed_s=number(message, "total_elapsed_time"),
                timer_s=number(message, "total_timer_time"),
                distance_m=number(message, "total_distance"),
                avg_hr_bpm=heart_rate(message, "avg_heart_rate"),
                max_hr_bpm=heart_rate(message, "max_heart_rate"),
                avg_cadence_spm=cadence_steps(message, foot_sport=foot),
                intensity=str(intensity) if intensity is not None else None,
            )
        )
    return tuple(out)


def device_name(fit: FitData) -> str | None:
    """``"<manufacturer> <product>"`` of the recording device (file_id), e.g. ``garmin fr935``.

    Numbers the profile has no name for read ``manufacturer 0`` / ``product 23``.
    """
    for message in fit.of("file_id"):
        maker = message.get("manufacturer")
        maker_text = None if maker is None else str(maker)
        product = message.get("product_name") or message.get("product")
        if isinstance(product, int):
            product = product_name(maker_text, product)
        parts = []
        if maker_text is not None:
            parts.append(f"manufacturer {maker_text}" if maker_text.isdigit() else maker_text)
        if product is not None:
            text = str(product)
            parts.append(f"product {text}" if text.isdigit() else text)
        if parts:
            return " ".join(parts)
    return None


def creator_name(fit: FitData, device: str | None) -> str | None:
    """The writing device and its software version (file_creator), e.g. ``garmin fr935 sw 7.1``."""
    for message in fit.of("file_creator"):
        version = number(message, "software_version")
        if version is not None:
            return f"{device or 'unknown'} sw {version / 100:g}"
    return device


def local_offset_s(fit: FitData) -> int | None:
    """Local time offset from ``activity.local_timestamp - activity.timestamp`` (seconds)."""
    for message in fit.of("activity"):
        local = number(message, "local_timestamp")
        stamp = time_of(message, "timestamp")
        if local is None or stamp is None:
            continue
        offset = round(local + FIT_EPOCH_UNIX_S - stamp.timestamp())
        if abs(offset) <= MAX_LOCAL_OFFSET_S:
            return int(offset)
    return None


def session_extra(session: Mapping[str, object], *, foot: bool) -> dict[str, object]:
    """Session values the canonical model has no field for (units in the key names)."""
    extra: dict[str, object] = {}
    for fit_name, key in RUNNING_DYNAMICS_AVERAGES:
        value = number(session, fit_name)
        if value is not None:
            extra[key] = value
    cadence = number(session, "avg_cadence")
    if cadence is not None and not foot:
        extra["avg_cadence_rpm"] = cadence + (number(session, "avg_fractional_cadence") or 0.0)
    for fit_name, key in (
        ("max_power", "max_power_w"),
        ("total_calories", "total_calories_kcal"),
        ("total_training_effect", "aerobic_training_effect"),
        ("total_anaerobic_training_effect", "anaerobic_training_effect"),
        ("training_load_peak", "training_load_peak"),
        ("total_moving_time", "moving_s"),
    ):
        value = number(session, fit_name)
        if value is not None:
            extra[key] = value
    return extra


__all__ = [
    "RUNNING_DYNAMICS_AVERAGES",
    "cadence_steps",
    "creator_name",
    "device_name",
    "heart_rate",
    "lap_start",
    "local_offset_s",
    "number",
    "session_extra",
    "time_of",
    "to_laps",
]
