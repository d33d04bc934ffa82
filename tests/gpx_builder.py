"""Small GPX runs made in the test, so store/API tests need no corpus on disk."""

from __future__ import annotations

import datetime as dt

START = dt.datetime(2026, 11, 1, 7, 0, tzinfo=dt.UTC)


def gpx_run(
    start: dt.datetime = START, *, minutes: int = 20, step_s: int = 10, name: str = "Run"
) -> bytes:
    """A GPX 1.1 running track heading north at about 3 m/s, one point every ``step_s``."""
    points = []
    for i in range(minutes * 60 // step_s + 1):
        at = (start + dt.timedelta(seconds=i * step_s)).strftime("%Y-%m-%dT%H:%M:%SZ")
        lat = 52.0 + i * step_s * 3.0 / 111_320
        hr = 120 + (i % 30)
        points.append(
            f'<trkpt lat="{lat:.6f}" lon="4.300000"><ele>{10 + i % 7}</ele><time>{at}</time>'
            f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr>"
            "</gpxtpx:TrackPointExtension></extensions></trkpt>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="backstride tests" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><name>{name}</name><type>running</type><trkseg>{''.join(points)}</trkseg></trk>"
        "</gpx>\n"
    ).encode()


def gpx_runs(count: int, *, start: dt.datetime = START, minutes: int = 20) -> list[bytes]:
    """``count`` different runs, one a day."""
    return [gpx_run(start + dt.timedelta(days=i), minutes=minutes) for i in range(count)]


__all__ = ["START", "gpx_run", "gpx_runs"]
