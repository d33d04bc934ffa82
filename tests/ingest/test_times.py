"""ISO-8601 times in GPX/TCX: every zone spelling, and points without a time."""

from __future__ import annotations

import numpy as np
import pytest

from backstride.ingest.registry import read_bytes
from backstride.ingest.track_math import parse_times

T0 = 1_704_096_000.0  # 2024-01-01T08:00:00Z


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-01T08:00:00Z", T0),
        ("2024-01-01T08:00:00z", T0),
        ("2024-01-01T10:00:00+02:00", T0),
        ("2024-01-01T03:00:00-05:00", T0),
        ("2024-01-01T08:00:00+0000", T0),
        ("2024-01-01T08:00:00", T0),  # no zone: UTC by the GPX and TCX specs
        ("2024-01-01T08:00:00.250Z", T0 + 0.25),
        ("2024-01-01T08:00:00.5Z", T0 + 0.5),
        (" 2024-01-01T08:00:00Z ", T0),
    ],
)
def test_every_zone_spelling_gives_the_same_instant(text: str, expected: float) -> None:
    # alone, and as the odd one out in a long UTC series (numpy parses all-"Z" series at once)
    series = [f"2024-01-01T07:{i // 60:02d}:{i % 60:02d}Z" for i in range(300)]
    series[150] = text
    assert parse_times([text])[0] == expected
    assert parse_times(series)[150] == expected


def test_missing_times_are_nan_not_a_date_before_christ() -> None:
    series = [f"2024-01-01T08:{i // 60:02d}:{i % 60:02d}Z" for i in range(300)]
    series[7] = ""
    got = parse_times(series)
    assert np.isnan(got[7])
    assert got[8] == T0 + 8
    assert np.isfinite(np.delete(got, 7)).all()


def _gpx_points(n: int, missing: int) -> str:
    return "".join(
        f'<trkpt lat="47.{i:04d}" lon="8.0"><ele>400</ele>'
        + ("" if i == missing else f"<time>2024-01-01T08:{i // 60:02d}:{i % 60:02d}Z</time>")
        + f"<extensions><hr>{120 + i % 20}</hr></extensions></trkpt>"
        for i in range(n)
    )


def test_a_long_gpx_with_one_point_without_time_is_read() -> None:
    data = (
        '<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
        f"{_gpx_points(300, missing=150)}</trkseg></trk></gpx>"
    ).encode()
    (act,) = read_bytes(data, name="pause.gpx")
    assert act.start_at.isoformat() == "2024-01-01T08:00:00+00:00"
    assert act.elapsed_s == 299
    assert act.n_samples == 300
    assert act.streams.channels["time_s"][150] == 150  # interpolated between its neighbours
    assert act.extra["time_interpolated_samples"] == 1
    assert [w.code for w in act.warnings] == ["data.untimed_points"]
    assert act.avg_hr_bpm == pytest.approx(np.mean([120 + i % 20 for i in range(300)]))


def test_a_tcx_trackpoint_without_time_is_interpolated_like_gpx_and_reported() -> None:
    points = "".join(
        "<Trackpoint>"
        + ("" if i == 150 else f"<Time>2024-01-01T08:{i // 60:02d}:{i % 60:02d}Z</Time>")
        + f"<DistanceMeters>{i * 3.0}</DistanceMeters>"
        f"<HeartRateBpm><Value>{140 + i % 5}</Value></HeartRateBpm></Trackpoint>"
        for i in range(300)
    )
    data = (
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        '<Activities><Activity Sport="Running"><Id>2024-01-01T08:00:00Z</Id>'
        f'<Lap StartTime="2024-01-01T08:00:00Z"><Track>{points}</Track></Lap>'
        "</Activity></Activities></TrainingCenterDatabase>"
    ).encode()
    (act,) = read_bytes(data, name="pause.tcx")
    assert act.start_at.isoformat() == "2024-01-01T08:00:00+00:00"
    assert act.elapsed_s == 299
    assert act.n_samples == 300
    assert act.streams.channels["time_s"][150] == 150  # interpolated between its neighbours
    assert act.distance_m == 299 * 3.0
    assert act.extra["time_interpolated_samples"] == 1
    assert [w.code for w in act.warnings] == ["data.untimed_points"]
