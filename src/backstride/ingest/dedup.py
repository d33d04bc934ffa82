"""Dedup: recognise the same activity from two sources (FIT + GPX of one run, a re-import).

Key (stored, unique per runner): ``<family>|<UTC start, minute>|<distance bucket>`` where the
family is ``foot``/``bike``/``swim``/... (``sports.sport_family``), the start is truncated to
the minute and the bucket is whole kilometres (``-`` without a distance). A FIT and a GPX of
one run share the start second and differ in distance by well under 1 %, so they normally
share the key; at a minute or kilometre edge they do not, so the importer also treats as the
same activity any stored one of the same family that starts within ``START_TOLERANCE_S`` and
whose distance differs by at most ``DISTANCE_TOLERANCE`` (or where either has no distance).
Two different runs of one runner never start within 2 minutes of each other. [default]

Whatever the sport label (a yoga TCX stored as "training" from a Strava zip and as "generic"
from a folder; a file whose sport the export corrected), two activities that start within
``SAME_START_S`` and last the same time (within ``DURATION_TOLERANCE_S`` or
``DURATION_TOLERANCE``, whichever is larger) are the same activity [default]: the same
recording relabelled keeps its start and duration to the second, while a person does not
start two different sessions of one length within a minute. (The legs of one multisport file
are never compared with each other: the importer checks them against other files only.)
"""

from __future__ import annotations

import datetime as dt

from backstride.ingest.model import Activity
from backstride.ingest.sports import sport_family

START_TOLERANCE_S = 120.0
DISTANCE_TOLERANCE = 0.05
SAME_START_S = 60.0
DURATION_TOLERANCE_S = 5.0
DURATION_TOLERANCE = 0.01


def dedup_key(activity: Activity) -> str:
    """The stored dedup key of an activity (see module docstring)."""
    return make_key(activity.sport, activity.start_at, activity.distance_m)


def make_key(sport: str, start_at: dt.datetime, distance_m: float | None) -> str:
    """Dedup key from its three parts."""
    minute = start_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M")
    bucket = "-" if distance_m is None else str(int(distance_m // 1000))
    return f"{sport_family(sport)}|{minute}|{bucket}"


def same_duration(a: float | None, b: float | None) -> bool:
    """Both durations known and equal within the tolerance (module docstring)."""
    if a is None or b is None or a <= 0 or b <= 0:
        return False
    return abs(a - b) <= max(DURATION_TOLERANCE_S, DURATION_TOLERANCE * max(a, b))


def same_activity(
    sport_a: str,
    start_a: dt.datetime,
    distance_a: float | None,
    sport_b: str,
    start_b: dt.datetime,
    distance_b: float | None,
    *,
    duration_a: float | None = None,
    duration_b: float | None = None,
) -> bool:
    """True when two activities are the same one recorded or exported twice."""
    if abs((start_a - start_b).total_seconds()) > START_TOLERANCE_S:
        return False
    if sport_family(sport_a) != sport_family(sport_b):
        close = abs((start_a - start_b).total_seconds()) <= SAME_START_S
        return close and same_duration(duration_a, duration_b)
    if distance_a is None or distance_b is None or max(distance_a, distance_b) < 50:
        return True
    return abs(distance_a - distance_b) <= DISTANCE_TOLERANCE * max(distance_a, distance_b)


__all__ = [
    "DISTANCE_TOLERANCE",
    "DURATION_TOLERANCE",
    "DURATION_TOLERANCE_S",
    "SAME_START_S",
    "START_TOLERANCE_S",
    "dedup_key",
    "make_key",
    "same_activity",
    "same_duration",
]
