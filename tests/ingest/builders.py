"""Activity files built in the test (GPX and TCX text), so reader tests need no corpus."""

from __future__ import annotations

import datetime as dt

START = dt.datetime(2024, 3, 1, 7, 0, tzinfo=dt.UTC)
TPX = 'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"'


def _stamp(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def gpx(
    *,
    n: int = 600,
    start: dt.datetime = START,
    step_s: float = 1.0,
    step_deg: float = 0.00003,
    hr: float | None = 150,
    cad: float | None = 84,
    typ: str | None = "running",
    ele: str | None = None,
) -> bytes:
    """A GPX track of ``n`` points going north ``step_deg`` (~3.3 m) every ``step_s`` seconds,
    with Garmin TrackPointExtension heart rate and cadence (strides/min) when given."""
    pts = []
    for i in range(n):
        ext = ""
        if hr is not None or cad is not None:
            ext = "<extensions><gpxtpx:TrackPointExtension>"
            ext += f"<gpxtpx:hr>{hr:g}</gpxtpx:hr>" if hr is not None else ""
            ext += f"<gpxtpx:cad>{cad:g}</gpxtpx:cad>" if cad is not None else ""
            ext += "</gpxtpx:TrackPointExtension></extensions>"
        elevation = f"<ele>{ele}</ele>" if ele is not None else ""
        at = start + dt.timedelta(seconds=i * step_s)
        pts.append(
            f'<trkpt lat="{47 + i * step_deg:.6f}" lon="8.500000">{elevation}'
            f"<time>{_stamp(at)}</time>{ext}</trkpt>"
        )
    kind = f"<type>{typ}</type>" if typ else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" {TPX}>\n'
        f"<trk><name>Test</name>{kind}<trkseg>\n" + "\n".join(pts) + "\n</trkseg></trk></gpx>\n"
    ).encode()


def tcx(
    *,
    sport: str = "Running",
    start: dt.datetime = START,
    n: int = 300,
    step_s: float = 1.0,
    step_m: float = 3.0,
    hr: int = 140,
    lap_seconds: float | None = None,
    lap_metres: float | None = None,
) -> bytes:
    """A one-lap TCX with ``n`` trackpoints; the lap's totals default to the track's."""
    points = "".join(
        f"<Trackpoint><Time>{_stamp(start + dt.timedelta(seconds=i * step_s))}</Time>"
        f"<DistanceMeters>{i * step_m:.1f}</DistanceMeters>"
        f"<HeartRateBpm><Value>{hr}</Value></HeartRateBpm></Trackpoint>"
        for i in range(n)
    )
    seconds = lap_seconds if lap_seconds is not None else (n - 1) * step_s
    metres = lap_metres if lap_metres is not None else (n - 1) * step_m
    return (
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="{sport}"><Id>{_stamp(start)}</Id>'
        f'<Lap StartTime="{_stamp(start)}"><TotalTimeSeconds>{seconds}</TotalTimeSeconds>'
        f"<DistanceMeters>{metres}</DistanceMeters><Track>{points}</Track></Lap>"
        "</Activity></Activities></TrainingCenterDatabase>"
    ).encode()
