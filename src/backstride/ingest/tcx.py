"""TCX reader: activities (also multisport legs), laps, heart rate, cadence, TPX extensions.

Per activity: trackpoints of every lap form the streams; ``Extensions/TPX`` (ActivityExtension
v2, matched by namespace URI) gives ``Speed``, ``RunCadence`` and ``Watts``. The summary is
the device's where TCX has one (timer time and distance = sums of the laps) and computed from
the trackpoints otherwise (elapsed = last - first trackpoint time, like tcxreader). Lap
cadence is ``Extensions/LX/AvgRunCadence`` or the lap's ``Cadence``; the activity's heart
rate and cadence fall back to the laps' (weighted by lap time) when no trackpoint has them.
Positions of exactly (0, 0) are treated as missing GPS; a trackpoint without a time gets one
interpolated between its timed neighbours (as GPX). Courses (planned routes) are not activities.
"""

from __future__ import annotations

import dataclasses
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
from backstride.ingest.model import Activity, CadenceBasis, FloatArray, Lap, Streams
from backstride.ingest.sports import normalise_sport
from backstride.ingest.track_math import (
    FOOT_SPORTS,
    RAW_CADENCE,
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
from backstride.ingest.xmlsafe import local_name, namespace, parse_xml_salvaging, utf8_xml

AX_V2 = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"


def _float(text: str | None) -> float:
    if text is None:
        return np.nan
    try:
        return float(text)
    except ValueError:
        if text.count(",") == 1 and "." not in text:  # a decimal comma
            try:
                return float(text.replace(",", "."))
            except ValueError:
                return np.nan
        return np.nan


def _child(el: Any, name: str) -> Any:
    for c in el:
        if isinstance(c.tag, str) and local_name(c.tag) == name:
            return c
    return None


def _child_text(el: Any, *path: str) -> str | None:
    node = el
    for name in path:
        node = _child(node, name)
        if node is None:
            return None
    text = node.text
    return text.strip() if text else None


def _lap(lap: Any, index: int, name: str | None) -> Lap:
    start = parse_times([lap.get("StartTime", "")])
    if not np.isfinite(start).all():
        raise ingest_error(CORRUPT_FILE, f"lap {index} has no valid StartTime", name=name)
    hr_avg = _float(_child_text(lap, "AverageHeartRateBpm", "Value"))
    hr_max = _float(_child_text(lap, "MaximumHeartRateBpm", "Value"))
    return Lap(
        index=index,
        start_at=utc_from_posix(float(start[0])),
        timer_s=_opt(_float(_child_text(lap, "TotalTimeSeconds"))),
        distance_m=_opt(_float(_child_text(lap, "DistanceMeters"))),
        avg_hr_bpm=_opt(hr_avg),
        max_hr_bpm=_opt(hr_max),
        intensity=(_child_text(lap, "Intensity") or None),
    )


def _lap_cadence(lap: Any) -> float:
    """The lap's raw cadence: ``LX/AvgRunCadence`` (running), else ``Cadence`` (NaN if none)."""
    for el in lap.iter(f"{{{AX_V2}}}AvgRunCadence"):
        return _float(el.text)
    return _float(_child_text(lap, "Cadence"))


def _lap_mean(laps: tuple[Lap, ...], values: FloatArray) -> float | None:
    """Mean of the laps' values (non-zero, finite), weighted by lap time where all have one."""
    ok = np.isfinite(values) & (values > 0)
    if not ok.any():
        return None
    weights = np.array([lap.timer_s or np.nan for lap in laps])[ok]
    if np.isfinite(weights).all() and weights.sum() > 0:
        return float(np.average(values[ok], weights=weights))
    return float(values[ok].mean())


def _opt(value: float) -> float | None:
    return None if not np.isfinite(value) else float(value)


def _lap_cadences(
    laps: tuple[Lap, ...], raw: FloatArray, sport: str, basis: CadenceBasis | None
) -> tuple[tuple[Lap, ...], float | None, CadenceBasis | None]:
    """Laps with their steps/min cadence (foot sports), the laps' mean, and the basis used:
    the trackpoints' basis when they had cadence, else inferred from the lap values."""
    if sport not in FOOT_SPORTS or not (np.isfinite(raw) & (raw > 0)).any():
        return laps, None, basis
    if basis is None:
        spm, basis = infer_cadence(raw)
    else:
        spm = raw * 2.0 if basis == "strides_inferred" else raw
    if basis is None:
        return laps, None, None
    out = tuple(
        dataclasses.replace(lap, avg_cadence_spm=_opt(float(v)) if v > 0 else None)
        for lap, v in zip(laps, spm, strict=True)
    )
    return out, _lap_mean(out, spm), basis


def read_tcx(data: bytes, *, source_name: str | None = None) -> list[Activity]:
    """Read a TCX file: one activity per ``<Activity>`` (multisport legs included)."""
    root, truncated = parse_xml_salvaging(utf8_xml(data, name=source_name), name=source_name)
    if local_name(root.tag) != "TrainingCenterDatabase":
        raise ingest_error(UNSUPPORTED_FORMAT, "not a TCX document", name=source_name)
    if truncated:  # the last trackpoint may be cut in half: keep only complete ones
        points = [
            el
            for el in root.iter()
            if isinstance(el.tag, str) and local_name(el.tag) == "Trackpoint"
        ]
        if len(points) < 3:
            raise ingest_error(
                CORRUPT_FILE, "the file ends before its track (truncated)", name=source_name
            )
        points[-1].getparent().remove(points[-1])
    ns = namespace(root.tag)
    acts = list(root.iter(f"{{{ns}}}Activity" if ns else "Activity"))  # C-level tag match
    if not acts:  # an Activity in another namespace than the root's (seen in odd exports)
        acts = [
            el for el in root.iter() if isinstance(el.tag, str) and local_name(el.tag) == "Activity"
        ]
    if not acts:
        if any(isinstance(el.tag, str) and local_name(el.tag) == "Course" for el in root.iter()):
            raise ingest_error(NOT_AN_ACTIVITY, "a course (planned route)", name=source_name)
        raise ingest_error(EMPTY_ACTIVITY, "no activities", name=source_name)
    out = [a for a in (_activity(act, source_name) for act in acts) if a is not None]
    if truncated and out:
        last = out[-1]
        out[-1] = dataclasses.replace(last, extra={**last.extra, "truncated": truncated})
    if not out:
        raise ingest_error(
            EMPTY_ACTIVITY, "activities without laps or trackpoints", name=source_name
        )
    return out


def _activity(act: Any, name: str | None) -> Activity | None:
    laps_el = [c for c in act if isinstance(c.tag, str) and local_name(c.tag) == "Lap"]
    laps = tuple(_lap(lap, i, name) for i, lap in enumerate(laps_el))
    times, cols = _columns(act)
    posix = parse_times(times)
    if not laps and not np.isfinite(posix).any():
        return None
    lap_cadence = np.array([_lap_cadence(lap) for lap in laps_el], dtype=np.float64)
    return _assemble(act, laps, lap_cadence, cols, posix, name)


_POINTS = "T:Lap/T:Track/T:Trackpoint"
"""Explicit steps in the activity's own namespace: ``//`` or ``local-name()`` predicates made
libxml2 slower than the Python loop they replace (a ``//`` merged node sets quadratically)."""
_TPX = "T:Extensions/ax:TPX"
_COLUMNS: dict[str, str] = {
    "time": "T:Time",
    "lat": "T:Position/T:LatitudeDegrees",
    "lon": "T:Position/T:LongitudeDegrees",
    "alt": "T:AltitudeMeters",
    "dist": "T:DistanceMeters",
    "hr": "T:HeartRateBpm/T:Value",
    "cad": "T:Cadence",
    "speed": f"{_TPX}/ax:Speed",
    "run_cad": f"{_TPX}/ax:RunCadence",
    "watts": f"{_TPX}/ax:Watts",
}
"""Each trackpoint column's path below a ``Trackpoint`` (TPX children in its own namespace)."""


@lru_cache(maxsize=64)
def _xp(expr: str, ns: str | None) -> Any:
    nsmap = {"ax": AX_V2}
    if ns:
        nsmap["t"] = ns
    return etree.XPath(
        expr.replace("T:", "t:" if ns else ""), namespaces=nsmap, smart_strings=False
    )


def _aligned(act: Any, points: list[Any], rel: str, ns: str | None) -> list[str]:
    """A column some trackpoints lack (or have twice), aligned on the points: each value node
    is traced up to its trackpoint (the path's depth); the first value of a point counts."""
    where = {id(tp): i for i, tp in enumerate(points)}
    out = [""] * len(points)
    depth = rel.count("/") + 1
    for node in _xp(f"{_POINTS}/{rel}", ns)(act):
        owner = node
        for _ in range(depth):
            owner = owner.getparent()
        i = where.get(id(owner))
        if i is not None and not out[i]:
            out[i] = node.text or ""
    return out


def _columns(act: Any) -> tuple[list[str], dict[str, list[float] | FloatArray]]:
    """Every trackpoint of the activity's laps, as columns (in document order).

    A column every trackpoint has comes from one XPath over the activity (C speed); a column
    some trackpoints lack is aligned point by point; a value that is not a number is NaN.
    """
    ns = namespace(act.tag)
    points = _xp(_POINTS, ns)(act)
    n = len(points)
    cols: dict[str, list[float] | FloatArray] = {}
    times: list[str] = [""] * n
    for key, rel in _COLUMNS.items():
        values: list[str] = _xp(f"{_POINTS}/{rel}/text()", ns)(act)
        if values and len(values) != n:
            values = _aligned(act, points, rel, ns)
        if key == "time":
            times = [v.strip() for v in values] if values else times
        elif not values:
            cols[key] = np.full(n, np.nan)
        else:
            cols[key] = to_floats([v.strip() or "nan" for v in values])
    return times, cols


def _assemble(
    act: Any,
    laps: tuple[Lap, ...],
    lap_cadence: FloatArray,
    cols: dict[str, list[float] | FloatArray],
    posix: FloatArray,
    name: str | None,
) -> Activity:
    sport = normalise_sport(act.get("Sport"))
    finite = np.isfinite(posix)
    extra: dict[str, object] = {}
    if finite.any():
        start = float(posix[finite].min())
        elapsed = float(posix[finite].max()) - start
    else:
        start = laps[0].start_at.timestamp()
        elapsed = sum(lap.timer_s or 0.0 for lap in laps)
    arr = {k: np.asarray(v, dtype=np.float64) for k, v in cols.items()}
    time_s = posix - start
    if not finite.any():  # no timed trackpoint: the laps are the record
        arr = {k: v[:0] for k, v in arr.items()}
        time_s = time_s[:0]
    elif not finite.all():  # untimed points: interpolated between timed neighbours, as GPX
        idx = np.arange(len(posix))
        time_s = np.interp(idx, idx[finite], time_s[finite])
        extra["time_interpolated_samples"] = int((~finite).sum())
    lat, lon, bad_positions = valid_positions(arr["lat"], arr["lon"])
    if bad_positions:
        extra["invalid_positions"] = bad_positions
    channels: dict[str, FloatArray] = {m.TIME_S: time_s}
    for key, values in (
        (m.LAT_DEG, lat),
        (m.LON_DEG, lon),
        (m.ALTITUDE_M, arr["alt"]),
        (m.DISTANCE_M, arr["dist"]),
        (m.HR_BPM, np.where(arr["hr"] > 0, arr["hr"], np.nan)),
        (m.SPEED_M_S, arr["speed"]),
        (m.POWER_W, arr["watts"]),
    ):
        if np.isfinite(values).any():
            channels[key] = values
    raw_cad = arr["run_cad"] if np.isfinite(arr["run_cad"]).any() else arr["cad"]
    if np.isfinite(raw_cad).any():
        channels[RAW_CADENCE] = raw_cad
    drop_implausible(channels, extra)
    raw_cad = channels.pop(RAW_CADENCE, np.full(len(raw_cad), np.nan))
    if m.DISTANCE_M not in channels and m.LAT_DEG in channels:
        channels[m.DISTANCE_M] = np.cumsum(step_distances(lat, lon))
    basis = None
    if np.isfinite(raw_cad).any():
        if sport in FOOT_SPORTS:
            spm, basis = infer_cadence(raw_cad)
            if basis is not None:
                channels[m.CADENCE_SPM] = spm
        else:
            extra["avg_cadence_rpm"] = mean_nonzero(raw_cad)
    laps, lap_cadence_spm, basis = _lap_cadences(laps, lap_cadence, sport, basis)
    rpm = _lap_mean(laps, lap_cadence) if sport not in FOOT_SPORTS else None
    if rpm is not None and "avg_cadence_rpm" not in extra:
        extra["avg_cadence_rpm"] = rpm
    lap_dist = [lap.distance_m for lap in laps if lap.distance_m is not None]
    dist_ch = channels.get(m.DISTANCE_M)
    distance = sum(lap_dist) if lap_dist else max_finite(dist_ch)
    timers = [lap.timer_s for lap in laps if lap.timer_s is not None]
    climbed = climb(channels[m.ALTITUDE_M]) if m.ALTITUDE_M in channels else None
    if climbed:
        extra["ascent_method"] = "raw_sum"
    return Activity(
        format="tcx",
        sport=sport,
        start_at=utc_from_posix(start),
        elapsed_s=elapsed,
        streams=Streams(channels),
        timer_s=sum(timers) if timers else None,
        distance_m=distance,
        ascent_m=climbed[0] if climbed else None,
        descent_m=climbed[1] if climbed else None,
        avg_hr_bpm=mean_nonzero(channels.get(m.HR_BPM))
        or _lap_mean(laps, np.array([lap.avg_hr_bpm or np.nan for lap in laps])),
        max_hr_bpm=max_finite(channels.get(m.HR_BPM))
        or max_finite(np.array([lap.max_hr_bpm or np.nan for lap in laps])),
        avg_cadence_spm=mean_nonzero(channels.get(m.CADENCE_SPM)) or lap_cadence_spm,
        cadence_basis=basis,
        avg_power_w=mean_nonzero(channels.get(m.POWER_W)),
        laps=laps,
        device=_child_text(act, "Creator", "Name"),
        description=_child_text(act, "Notes"),
        source_name=name,
        extra=extra,
    )


__all__ = ["AX_V2", "read_tcx"]
