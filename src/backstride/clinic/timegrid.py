"""Local wall-clock hours to UTC instants, per local date, DST-safe (zoneinfo, PEP 495).

Weekly hours are wall-clock times in the clinic's IANA zone. They are expanded per local
date and only then converted to UTC, so a 09:00 start stays 09:00 local on both sides of a
clock change. Internally instants are integer POSIX seconds (fast to compare and bisect).

Clock changes: a wall time that does not exist (spring forward gap) is not a slot; a wall
time that exists twice (fall back) is a slot at each of its two instants. A window's start
takes the first instant of its wall time and its end the last, so the window covers the
whole wall-clock range in real time.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from backstride.errors import InvalidInput

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_EPOCH_DATE = _EPOCH.date()
DAY_S = 86_400


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (``booking.invalid_timezone`` when unknown)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(
            f"{name!r} is not an IANA time zone",
            code="booking.invalid_timezone",
            problems=[{"path": "timezone", "msg": "an IANA zone such as Europe/London"}],
        ) from exc


def to_s(value: dt.datetime) -> int:
    """An aware instant as POSIX seconds, rounded down."""
    return math.floor((value - _EPOCH).total_seconds())


def to_s_ceil(value: dt.datetime) -> int:
    """An aware instant as POSIX seconds, rounded up."""
    return math.ceil((value - _EPOCH).total_seconds())


def from_s(seconds: int) -> dt.datetime:
    """POSIX seconds as an aware UTC instant."""
    return _EPOCH + dt.timedelta(seconds=seconds)


@dataclass(frozen=True, slots=True)
class LocalDay:
    """One local date: its wall-clock midnight in POSIX seconds and, on a day without a clock
    change, the one UTC offset in force (``None`` on a clock-change day)."""

    date: dt.date
    naive_midnight_s: int
    offset_s: int | None


def local_day(tz: ZoneInfo, day: dt.date) -> LocalDay:
    """The local date ``day`` in ``tz``."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    off0, off1 = start.utcoffset(), end.utcoffset()
    assert off0 is not None
    assert off1 is not None
    naive = (day - _EPOCH_DATE).days * DAY_S
    same = off0 == off1 and start.fold == 0 and _no_change_between(tz, start, end)
    return LocalDay(day, naive, int(off0.total_seconds()) if same else None)


def _no_change_between(tz: ZoneInfo, start: dt.datetime, end: dt.datetime) -> bool:
    """No offset change at noon either (a zone that changes twice in a day is not a thing,
    but a day that goes +1 h and back would show equal offsets at both midnights)."""
    noon = dt.datetime.combine(start.date(), dt.time(12), tzinfo=tz).utcoffset()
    return noon == start.utcoffset() == end.utcoffset()


def wall_instants(tz: ZoneInfo, day: LocalDay, minute: int) -> tuple[int, ...]:
    """The UTC instants (POSIX seconds) of wall-clock ``minute`` after midnight on ``day``.

    Usually one; none in a spring-forward gap; two in a fall-back overlap (earlier first).
    """
    if day.offset_s is not None:
        return (day.naive_midnight_s + minute * 60 - day.offset_s,)
    wall = dt.datetime.combine(day.date, dt.time()) + dt.timedelta(minutes=minute)
    out: list[int] = []
    for fold in (0, 1):
        aware = wall.replace(tzinfo=tz, fold=fold)
        instant = to_s(aware.astimezone(dt.UTC))
        back = from_s(instant).astimezone(tz).replace(tzinfo=None)
        if back == wall and instant not in out:
            out.append(instant)
    return tuple(sorted(out))


def window_bounds(tz: ZoneInfo, day: LocalDay, start_min: int, end_min: int) -> tuple[int, int]:
    """A wall-clock window ``[start_min, end_min)`` on ``day`` as UTC seconds.

    The start is the first instant of its wall time, the end the last (a wall time that
    exists twice covers both). An edge inside a spring-forward gap errs short: no slot is
    generated inside a gap anyway, and none may end past the wall-clock end.
    """
    if day.offset_s is not None:
        base = day.naive_midnight_s - day.offset_s
        return base + start_min * 60, base + end_min * 60
    naive = dt.datetime.combine(day.date, dt.time())
    first = naive + dt.timedelta(minutes=start_min)
    last = naive + dt.timedelta(minutes=end_min)
    # PEP 495: fold=1 is the later instant of a repeated wall time and the earlier
    # reading of a skipped one.
    start = min(to_s(first.replace(tzinfo=tz, fold=f).astimezone(dt.UTC)) for f in (0, 1))
    end = to_s(last.replace(tzinfo=tz, fold=1).astimezone(dt.UTC))
    return start, end


def local_minute(tz: ZoneInfo, value: dt.datetime) -> tuple[dt.date, int, int]:
    """Local date, minute after local midnight and leftover seconds of an aware instant."""
    local = value.astimezone(tz)
    extra = local.second + (1 if local.microsecond else 0)
    return local.date(), local.hour * 60 + local.minute, extra


__all__ = [
    "DAY_S",
    "LocalDay",
    "from_s",
    "local_day",
    "local_minute",
    "to_s",
    "to_s_ceil",
    "wall_instants",
    "window_bounds",
    "zone",
]
