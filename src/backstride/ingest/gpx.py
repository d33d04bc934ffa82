"""GPX 1.0/1.1 reader: vectorised (lxml XPath in C + numpy), extensions matched by namespace.

Track points of every track and segment form one activity (distance is not counted across
segment gaps). Heart rate, cadence, temperature and speed come from Garmin's
TrackPointExtension v1/v2 (matched by namespace URI, whatever the prefix), else from plain
``<heartrate>/<hr>/<cadence>/<cad>/<power>/<speed>/<temp>`` children of ``<extensions>`` under
any prefix (Cluetrust ``gpxdata:``, Strava, Suunto, Wahoo ...) and Garmin's PowerExtension
``<PowerInWatts>``. When every
point carries a value, one XPath yields the whole column; otherwise the column is aligned
point by point. A file without timed points is a route or plan, not a recorded activity.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Any

import numpy as np
from lxml import etree

from backstride.ingest import model as m
from backstride.ingest.errors import (
    CORRUPT_FILE,
    EMPTY_ACTIVITY,
    NOT_AN_ACTIVITY,
    UNSUPPORTED_FORMAT,
    ingest_error,
)
from backstride.ingest.gpx_fast import GpxParts, fast_parts
from backstride.ingest.model import Activity, FloatArray, Streams
from backstride.ingest.sports import normalise_sport
from backstride.ingest.track_math import (
    FOOT_SPORTS,
    climb,
    drop_implausible,
    infer_cadence,
    max_finite,
    mean_nonzero,
    parse_times,
    step_distances,
    to_floats,
    utc_from_posix,
    valid_positions,
)
from backstride.ingest.xmlsafe import (
    local_name,
    namespace,
    parse_xml_salvaging,
    prolog_check,
    utf8_xml,
)

TPX_V1 = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
TPX_V2 = "http://www.garmin.com/xmlschemas/TrackPointExtension/v2"


def _plain(*names: str) -> str:
    test = " or ".join(f"local-name()='{n}'" for n in names)
    return f"P:extensions/*[{test}]"


# Candidate paths (relative to a trkpt; "P:" is the GPX namespace prefix), best first.
_CHANNELS: dict[str, tuple[str, ...]] = {
    m.ALTITUDE_M: ("P:ele",),
    m.HR_BPM: (
        "P:extensions/t1:TrackPointExtension/t1:hr",
        "P:extensions/t2:TrackPointExtension/t2:hr",
        _plain("heartrate", "hr"),
    ),
    "cadence_raw": (
        "P:extensions/t1:TrackPointExtension/t1:cad",
        "P:extensions/t2:TrackPointExtension/t2:cad",
        _plain("cadence", "cad"),
    ),
    m.POWER_W: (_plain("power", "PowerInWatts"),),  # PowerInWatts: Garmin PowerExtension v1
    m.SPEED_M_S: ("P:extensions/t2:TrackPointExtension/t2:speed", _plain("speed"), "P:speed"),
    m.TEMPERATURE_C: (
        "P:extensions/t1:TrackPointExtension/t1:atemp",
        "P:extensions/t2:TrackPointExtension/t2:atemp",
        _plain("atemp", "temp", "temperature"),  # Cluetrust gpxdata:temp, Suunto, Wahoo
    ),
}


@lru_cache(maxsize=64)
def _xpath(expr: str, ns: str | None) -> Any:
    prefix = "g:" if ns else ""
    text = expr.replace("P:", prefix)
    nsmap = {"t1": TPX_V1, "t2": TPX_V2}
    if ns:
        nsmap["g"] = ns
    return etree.XPath(text, namespaces=nsmap, smart_strings=False)


def _pt_path(ns: str | None) -> str:
    del ns
    return "P:trk/P:trkseg/P:trkpt"


def _column(root: Any, ns: str | None, rel: str, n: int, what: str) -> FloatArray | list[str]:
    """Values of ``rel`` for every point (aligned), as strings or floats (NaN if missing)."""
    values: list[str] = _xpath(f"{_pt_path(ns)}/{rel}/text()", ns)(root)
    if len(values) == n:
        return values
    if not values:
        return np.full(n, np.nan) if what == "float" else [""] * n
    out: list[str] = [""] * n
    rel_x = _xpath(f"{rel}/text()", ns)
    for i, pt in enumerate(_xpath(_pt_path(ns), ns)(root)):
        found = rel_x(pt)
        if found:
            out[i] = found[0]
    return out


def _may_exist(rel: str, data: bytes) -> bool:
    """Cheap byte-level pre-check so absent extensions cost no full-tree XPath."""
    if "t1:" in rel and TPX_V1.encode() not in data:
        return False
    if "t2:" in rel and TPX_V2.encode() not in data:
        return False
    names = re.findall(r"local-name\(\)='(\w+)'", rel) or [rel.rsplit(":", 1)[-1]]
    return any((b"<" + n.encode()) in data or (b":" + n.encode() + b">") in data for n in names)


def _floats(values: FloatArray | list[str]) -> FloatArray:
    if isinstance(values, np.ndarray):
        return values
    if values and "" in values:
        return to_floats([v if v.strip() else "nan" for v in values])
    return to_floats(values)


def _text(root: Any, ns: str | None, expr: str) -> str | None:
    found = _xpath(f"{expr}/text()", ns)(root)
    return str(found[0]).strip() or None if found else None


def read_gpx(data: bytes, *, source_name: str | None = None) -> list[Activity]:
    """Read a GPX file into one activity (all tracks and segments)."""
    data = utf8_xml(data, name=source_name)
    prolog_check(data, name=source_name)
    parts = fast_parts(data)
    if parts is None:
        parts = _lxml_parts(data, source_name)
    return [_assemble(parts, source_name)]


def _lxml_parts(data: bytes, source_name: str | None) -> GpxParts:
    root, truncated = parse_xml_salvaging(data, name=source_name)
    if local_name(root.tag) != "gpx":
        raise ingest_error(UNSUPPORTED_FORMAT, "not a GPX document", name=source_name)
    ns = namespace(root.tag)
    if truncated:  # the last point may be cut in half: keep only complete ones
        points = _xpath(_pt_path(ns), ns)(root)
        if len(points) < 3:
            raise ingest_error(
                CORRUPT_FILE, "the file ends before its track (truncated)", name=source_name
            )
        points[-1].getparent().remove(points[-1])
    lat = _floats(_xpath(f"{_pt_path(ns)}/@lat", ns)(root))
    lon = _floats(_xpath(f"{_pt_path(ns)}/@lon", ns)(root))
    n = len(lat)
    if n == 0:
        if _xpath("P:rte/P:rtept", ns)(root):
            raise ingest_error(
                NOT_AN_ACTIVITY, "a planned route, not a recording", name=source_name
            )
        if _xpath("P:wpt", ns)(root):
            raise ingest_error(NOT_AN_ACTIVITY, "waypoints only, no track", name=source_name)
        raise ingest_error(EMPTY_ACTIVITY, "no track points", name=source_name)
    if len(lon) != n:
        raise ingest_error(CORRUPT_FILE, "track points without lat or lon", name=source_name)
    times = _column(root, ns, "P:time", n, "str")
    posix = parse_times(times if isinstance(times, list) else [])
    if len(posix) != n or not np.isfinite(posix).any():
        raise ingest_error(
            NOT_AN_ACTIVITY, "track points carry no time (a mapped route?)", name=source_name
        )
    columns: dict[str, FloatArray] = {}
    for key, candidates in _CHANNELS.items():
        for rel in candidates:
            if not _may_exist(rel, data):
                continue
            values = _floats(_column(root, ns, rel, n, "float"))
            if np.isfinite(values).any():
                columns[key] = values
                break
    return GpxParts(
        lat=lat,
        lon=lon,
        posix=posix,
        segment_starts=_segment_starts(root, ns),
        columns=columns,
        sport_text=_text(root, ns, "P:trk/P:type"),
        name=_text(root, ns, "P:trk/P:name") or _text(root, ns, "P:metadata/P:name"),
        description=_text(root, ns, "P:trk/P:desc"),
        creator=root.get("creator"),
        truncated=truncated,
    )


def _segment_starts(root: Any, ns: str | None) -> list[int]:
    starts: list[int] = []
    total = 0
    for seg in _xpath("P:trk/P:trkseg", ns)(root):
        starts.append(total)
        total += int(_xpath("count(P:trkpt)", ns)(seg))
    return starts


def _assemble(parts: GpxParts, name: str | None) -> Activity:
    posix = parts.posix
    lat, lon, bad_positions = valid_positions(parts.lat, parts.lon)
    n = len(lat)
    finite = np.isfinite(posix)
    start = float(posix[finite].min())
    elapsed = float(posix[finite].max()) - start
    time_s = posix - start
    extra: dict[str, object] = {}
    if parts.truncated:
        extra["truncated"] = parts.truncated
    if bad_positions:
        extra["invalid_positions"] = bad_positions
    if not finite.all():
        idx = np.arange(n)
        time_s = np.interp(idx, idx[finite], time_s[finite])
        extra["time_interpolated_samples"] = int((~finite).sum())
    starts = parts.segment_starts
    cuts = [0, *(s for s in starts if 0 < s < n), n]  # no distance across a segment gap
    pieces = [step_distances(lat[a:b], lon[a:b]) for a, b in itertools.pairwise(cuts)]
    steps = np.concatenate(pieces)
    channels: dict[str, FloatArray] = {m.TIME_S: time_s}
    if np.isfinite(lat).any():  # else no position at all: no distance either, not 0 m
        channels.update({m.LAT_DEG: lat, m.LON_DEG: lon, m.DISTANCE_M: np.cumsum(steps)})
    channels.update(parts.columns)
    drop_implausible(channels, extra)
    if not channels.keys() - {m.TIME_S, m.ALTITUDE_M}:  # no position, no sensor: nothing read
        raise ingest_error(CORRUPT_FILE, "track points with invalid coordinates", name=name)
    sport = normalise_sport(parts.sport_text)
    if m.HR_BPM in channels:
        hr = channels[m.HR_BPM]
        channels[m.HR_BPM] = np.where(hr > 0, hr, np.nan)
    cadence_raw = channels.pop("cadence_raw", None)
    basis = None
    if cadence_raw is not None:
        if sport in FOOT_SPORTS:
            spm, basis = infer_cadence(cadence_raw)
            if basis is not None:
                channels[m.CADENCE_SPM] = spm
        else:
            extra["avg_cadence_rpm"] = mean_nonzero(cadence_raw)
    bounds = [*starts, n]
    ascent = descent = None
    altitude = channels.get(m.ALTITUDE_M)
    if altitude is not None:
        raw = climb(altitude)
        pairs = itertools.pairwise(bounds)
        smooth = [climb(altitude[a:b], smoothed=True) for a, b in pairs]
        ascent, descent = raw if raw else (None, None)
        extra["ascent_method"] = "raw_sum"
        extra["ascent_smoothed_m"] = round(sum(s[0] for s in smooth if s), 3)
        extra["descent_smoothed_m"] = round(sum(s[1] for s in smooth if s), 3)
    return Activity(
        format="gpx",
        sport=sport,
        start_at=utc_from_posix(start),
        elapsed_s=elapsed,
        streams=Streams(channels),
        distance_m=float(channels[m.DISTANCE_M][-1]) if m.DISTANCE_M in channels else None,
        ascent_m=ascent,
        descent_m=descent,
        avg_hr_bpm=mean_nonzero(channels.get(m.HR_BPM)),
        max_hr_bpm=max_finite(channels.get(m.HR_BPM)),
        avg_cadence_spm=mean_nonzero(channels.get(m.CADENCE_SPM)),
        cadence_basis=basis,
        avg_power_w=mean_nonzero(channels.get(m.POWER_W)),
        creator=parts.creator,
        name=parts.name,
        description=parts.description,
        source_name=name,
        extra=extra,
    )


__all__ = ["TPX_V1", "TPX_V2", "read_gpx"]
