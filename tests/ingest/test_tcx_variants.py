"""TCX as Garmin, Polar, Suunto and Strava write it: extensions, laps, odd values."""

from __future__ import annotations

import numpy as np
import pytest

from backstride.ingest.registry import read_bytes

NS = (
    'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" '
    'xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2"'
)


def _point(i: int, *, hr: str = "150", lat: str | None = None, ext: str = "") -> str:
    lat = lat if lat is not None else f"47.{i:03d}0"
    return (
        f"<Trackpoint><Time>2024-01-01T08:00:{i:02d}Z</Time>"
        f"<Position><LatitudeDegrees>{lat}</LatitudeDegrees>"
        "<LongitudeDegrees>8.0</LongitudeDegrees></Position>"
        f"<HeartRateBpm><Value>{hr}</Value></HeartRateBpm>"
        + (f"<Extensions>{ext}</Extensions>" if ext else "")
        + "</Trackpoint>"
    )


def _tcx(laps: str, *, sport: str = "Running") -> bytes:
    return (
        f'<TrainingCenterDatabase {NS}><Activities><Activity Sport="{sport}">'
        f"<Id>2024-01-01T08:00:00Z</Id>{laps}</Activity></Activities></TrainingCenterDatabase>"
    ).encode()


def _lap(points: str, *, start: int = 0, summary: str = "") -> str:
    return f'<Lap StartTime="2024-01-01T08:00:{start:02d}Z">{summary}<Track>{points}</Track></Lap>'


def test_garbage_heart_rate_and_positions_become_gaps_not_a_crash() -> None:
    points = "".join(
        _point(i, hr="1e308" if i == 2 else "150", lat="123.0" if i == 5 else None)
        for i in range(10)
    )
    (act,) = read_bytes(_tcx(_lap(points)), name="garbage.tcx")
    assert act.avg_hr_bpm == 150
    assert act.max_hr_bpm == 150
    assert act.extra["implausible_samples"] == {"hr_bpm": 1}
    assert act.extra["invalid_positions"] == 1
    assert np.isnan(act.streams.channels["lat_deg"][5])
    assert act.distance_m == pytest.approx(9 * 111.2, rel=1e-3)  # bridged over the bad fix
