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


def _summary(seconds: int, *, hr: int | None = None, cadence: str = "") -> str:
    hr_text = (
        f"<AverageHeartRateBpm><Value>{hr}</Value></AverageHeartRateBpm>"
        f"<MaximumHeartRateBpm><Value>{hr + 10}</Value></MaximumHeartRateBpm>"
        if hr
        else ""
    )
    return f"<TotalTimeSeconds>{seconds}</TotalTimeSeconds>{hr_text}{cadence}"


LX = "<Extensions><ns3:LX><ns3:AvgRunCadence>{}</ns3:AvgRunCadence></ns3:LX></Extensions>"


def test_lap_run_cadence_from_the_lx_extension_is_kept_in_steps_per_minute() -> None:
    points = "".join(_point(i) for i in range(10))
    laps = _lap(points, summary=_summary(600, cadence=LX.format(84))) + _lap(
        "", start=10, summary=_summary(300, cadence=LX.format(90))
    )
    (act,) = read_bytes(_tcx(laps), name="lx.tcx")
    assert [lap.avg_cadence_spm for lap in act.laps] == [168, 180]
    assert act.avg_cadence_spm == pytest.approx((168 * 600 + 180 * 300) / 900)
    assert act.cadence_basis == "strides_inferred"


def test_bike_lap_cadence_is_rpm_outside_the_step_cadence() -> None:
    laps = _lap("", summary=_summary(600, cadence="<Cadence>88</Cadence>"))
    (act,) = read_bytes(_tcx(laps, sport="Biking"), name="ride.tcx")
    assert act.avg_cadence_spm is None
    assert act.laps[0].avg_cadence_spm is None
    assert act.extra["avg_cadence_rpm"] == 88


def test_a_laps_only_file_takes_heart_rate_from_its_laps() -> None:
    """Polar/Suunto treadmill exports: laps with averages and an empty Track."""
    laps = _lap("", summary=_summary(1200, hr=140)) + _lap(
        "", start=20, summary=_summary(600, hr=155)
    )
    (act,) = read_bytes(_tcx(laps), name="treadmill.tcx")
    assert act.n_samples == 0
    assert act.timer_s == 1800
    assert act.avg_hr_bpm == pytest.approx((140 * 1200 + 155 * 600) / 1800)
    assert act.max_hr_bpm == 165


def test_values_some_trackpoints_lack_stay_with_their_own_trackpoint() -> None:
    points = []
    for i in range(10):
        p = _point(i, hr=str(140 + i))
        if i == 3:
            p = p.replace("<HeartRateBpm><Value>143</Value></HeartRateBpm>", "")
        if i == 6:
            p = p.replace(
                "<Position><LatitudeDegrees>47.0060</LatitudeDegrees>"
                "<LongitudeDegrees>8.0</LongitudeDegrees></Position>",
                "",
            )
        points.append(p)
    laps = _lap("".join(points[:5])) + _lap("".join(points[5:]), start=5)
    (act,) = read_bytes(_tcx(laps), name="ragged.tcx")
    hr = act.streams.channels["hr_bpm"]
    lat = act.streams.channels["lat_deg"]
    assert np.isnan(hr[3])
    assert hr[[0, 2, 4, 9]].tolist() == [140, 142, 144, 149]
    assert np.isnan(lat[6])
    assert lat[[5, 7]].tolist() == [47.005, 47.007]
