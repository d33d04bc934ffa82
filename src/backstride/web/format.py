"""Numbers, dates and units as runners read them: 5:12 /km, 7.4 km, 152 bpm, Mon 7 Dec.

Pure functions (Jinja2 filters). ``None`` always shows as an em dash so that a missing value
never reads as zero.
"""

from __future__ import annotations

import datetime as dt
import math

DASH = "—"


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def km(distance_m: float | None, *, digits: int = 1) -> str:
    """``7.4 km`` (one decimal; ``—`` when unknown)."""
    if distance_m is None or _missing(distance_m):
        return DASH
    return f"{distance_m / 1000:.{digits}f} km"


def pace(pace_s_per_km: float | None) -> str:
    """``5:12 /km`` (rounded to the second; ``—`` when unknown or absurd)."""
    if pace_s_per_km is None or _missing(pace_s_per_km) or pace_s_per_km <= 0:
        return DASH
    total = round(pace_s_per_km)
    if total >= 60 * 60:
        return DASH
    return f"{total // 60}:{total % 60:02d} /km"


def pace_of(distance_m: float | None, duration_s: float | None) -> str:
    """The average pace of a distance and a time."""
    if not distance_m or not duration_s or _missing(distance_m) or _missing(duration_s):
        return DASH
    return pace(duration_s / (distance_m / 1000))


def duration(duration_s: float | None) -> str:
    """``1:02:03`` or ``42:10`` (``—`` when unknown)."""
    if duration_s is None or _missing(duration_s):
        return DASH
    total = round(duration_s)
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


def minutes(duration_s: float | None) -> str:
    """``40 min`` or ``1 h 05 min``."""
    if duration_s is None or _missing(duration_s):
        return DASH
    total = round(duration_s / 60)
    if total >= 60:
        return f"{total // 60} h {total % 60:02d} min"
    return f"{total} min"


def bpm(hr_bpm: float | None) -> str:
    """``152 bpm``."""
    if hr_bpm is None or _missing(hr_bpm):
        return DASH
    return f"{round(hr_bpm)} bpm"


def spm(cadence_spm: float | None) -> str:
    """``172 steps/min``."""
    if cadence_spm is None or _missing(cadence_spm):
        return DASH
    return f"{round(cadence_spm)} steps/min"


def metres(value_m: float | None) -> str:
    """``124 m`` (elevation)."""
    if value_m is None or _missing(value_m):
        return DASH
    return f"{round(value_m)} m"


def percent(share: float | None, *, digits: int = 0) -> str:
    """A share 0-1 as ``28 %``."""
    if share is None or _missing(share):
        return DASH
    return f"{share * 100:.{digits}f} %"


def number(value: float | None, *, digits: int = 1) -> str:
    """A plain number with ``digits`` decimals."""
    if value is None or _missing(value):
        return DASH
    return f"{value:.{digits}f}"


def day(value: dt.date | dt.datetime | None) -> str:
    """``Mon 7 Dec``."""
    if value is None:
        return DASH
    return f"{value:%a} {value.day} {value:%b}"


def date(value: dt.date | dt.datetime | None) -> str:
    """``7 Dec 2026``."""
    if value is None:
        return DASH
    return f"{value.day} {value:%b %Y}"


def when(value: dt.datetime | None) -> str:
    """``7 Dec 2026, 14:05 UTC``."""
    if value is None:
        return DASH
    value = value.astimezone(dt.UTC)
    return f"{value.day} {value:%b %Y, %H:%M} UTC"


_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("HeadlessChrome", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device(user_agent: str | None) -> str:
    """``Firefox on Windows`` from a browser's user agent; a program's own name otherwise."""
    if not user_agent:
        return "Unknown device"
    browser = next((name for key, name in _BROWSERS if key in user_agent), None)
    system = next((name for key, name in _SYSTEMS if key in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return str(browser or system)
    first = user_agent.split()[0] if user_agent.split() else user_agent
    return first[:40]


FILTERS = {
    "km": km,
    "pace": pace,
    "pace_of": pace_of,
    "duration": duration,
    "minutes": minutes,
    "bpm": bpm,
    "spm": spm,
    "metres": metres,
    "percent": percent,
    "number": number,
    "day": day,
    "date": date,
    "when": when,
    "device": device,
}

__all__ = [
    "DASH",
    "FILTERS",
    "bpm",
    "date",
    "day",
    "device",
    "duration",
    "km",
    "metres",
    "minutes",
    "number",
    "pace",
    "pace_of",
    "percent",
    "spm",
    "when",
]
