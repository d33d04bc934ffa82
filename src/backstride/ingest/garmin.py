"""Garmin Connect data export: summarized-activities JSON and the nested zips of raw FIT files.

Summaries (``DI_CONNECT/DI-Connect-Fitness/*_summarizedActivities.json``, normally
``[{"summarizedActivitiesExport": [...]}]``) become ``summary`` activities; multisport
parents (``parent: true`` or a ``childIds`` list) are skipped because their legs are listed
too. Units as exported (verified against the field names of public importers, unverified on
a real export here): distance and elevation in centimetres, durations in milliseconds,
``avgSpeed`` in 0.1 m/s (x10 -> m/s, kept in ``extra``), ``startTimeGmt`` epoch ms UTC,
``startTimeLocal`` epoch ms already shifted to local time (their difference is the offset).
Running cadence: ``avgDoubleCadence`` (steps/min) when present, else ``avgRunCadence``
(strides/min if below 120 [default]). A FIT from the uploaded-files zips is matched to its
summary by start time within ``MATCH_TOLERANCE_S``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from backstride.ingest import model as m
from backstride.ingest.hints import Hints
from backstride.ingest.model import Activity, Streams
from backstride.ingest.sports import normalise_sport, sport_family
from backstride.ingest.track_math import STRIDE_STEP_THRESHOLD_SPM

MATCH_TOLERANCE_S = 5.0
SUMMARY_GLOB = "_summarizedActivities.json"
UPLOAD_DIRS = ("DI-Connect-Uploaded-Files", "DI-Connect-Fitness-Uploaded-Files")


def _f(entry: dict[str, Any], key: str, scale: float = 1.0) -> float | None:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) * scale if np.isfinite(value) else None


def _entries(doc: Any) -> list[dict[str, Any]]:
    if isinstance(doc, dict):
        doc = [doc]
    out: list[dict[str, Any]] = []
    for block in doc if isinstance(doc, list) else []:
        if isinstance(block, dict) and isinstance(block.get("summarizedActivitiesExport"), list):
            out.extend(e for e in block["summarizedActivitiesExport"] if isinstance(e, dict))
        elif isinstance(block, dict) and "activityId" in block:
            out.append(block)
    return out


def parse_summaries(data: bytes, *, label: str) -> list[Activity]:
    """Summary activities from one ``*_summarizedActivities.json`` (parents skipped)."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return []
    out: list[Activity] = []
    for e in _entries(doc):
        if e.get("parent") is True or e.get("childIds"):
            continue
        act = summary_activity(e, label=label)
        if act is not None:
            out.append(act)
    return out


def summary_activity(e: dict[str, Any], *, label: str) -> Activity | None:
    """One summary entry -> a ``summary`` activity (None without a start time)."""
    start_ms = _f(e, "startTimeGmt")
    if start_ms is None:
        return None
    start = dt.datetime.fromtimestamp(start_ms / 1000.0, dt.UTC)
    local_ms = _f(e, "startTimeLocal")
    offset = round((local_ms - start_ms) / 1000.0) if local_ms is not None else None
    sport = normalise_sport(_type_key(e.get("activityType")) or _type_key(e.get("sportType")))
    cadence = _f(e, "avgDoubleCadence")
    basis: m.CadenceBasis | None = "steps" if cadence is not None else None
    if cadence is None and (raw := _f(e, "avgRunCadence")) is not None:
        cadence, basis = (
            (raw * 2, "strides_inferred")
            if raw < STRIDE_STEP_THRESHOLD_SPM
            else (raw, "steps_inferred")
        )
    speed = _f(e, "avgSpeed", 10.0)
    elapsed = _f(e, "elapsedDuration", 1e-3) or _f(e, "duration", 1e-3) or 0.0
    return Activity(
        format="summary",
        sport=sport,
        start_at=start,
        elapsed_s=elapsed,
        timer_s=_f(e, "duration", 1e-3),
        local_offset_s=offset,
        streams=Streams({m.TIME_S: np.empty(0)}),
        distance_m=_f(e, "distance", 0.01),
        ascent_m=_f(e, "elevationGain", 0.01),
        descent_m=_f(e, "elevationLoss", 0.01),
        avg_hr_bpm=_f(e, "avgHr"),
        max_hr_bpm=_f(e, "maxHr"),
        avg_cadence_spm=cadence,
        cadence_basis=basis,
        avg_power_w=_f(e, "avgPower"),
        name=str(e["name"]) if e.get("name") else None,
        rpe=_rpe(e),
        source_name=f"{label}:{e.get('activityId')}",
        extra={
            k: v
            for k, v in (("export_id", f"garmin:{e.get('activityId')}"), ("avg_speed_m_s", speed))
            if v is not None
        },
    )


def _type_key(value: object) -> str | None:
    """An activity type given as ``"running"`` or as ``{"typeKey": "running", ...}``."""
    if isinstance(value, dict):
        value = value.get("typeKey")
    return str(value) if value else None


def _rpe(e: dict[str, Any]) -> float | None:
    raw = _f(e, "workoutRpe") or _f(e, "rpe")
    return raw / 10.0 if raw is not None and raw > 10 else raw  # FIT workout_rpe is 0-100


def match_summary(activity: Activity, summaries: Sequence[Activity]) -> Activity | None:
    """The summary of the same sport family starting within ``MATCH_TOLERANCE_S``, if any."""
    best: Activity | None = None
    best_gap = MATCH_TOLERANCE_S
    for s in summaries:
        gap = abs((s.start_at - activity.start_at).total_seconds())
        if gap <= best_gap and sport_family(s.sport) == sport_family(activity.sport):
            best, best_gap = s, gap
    return best


def hints_from_summary(summary: Activity) -> Hints:
    """What a matched summary adds to the FIT activity (name, RPE, export id)."""
    return Hints(
        name=summary.name,
        sport=summary.sport,
        rpe=summary.rpe,
        export_id=str(summary.extra.get("export_id") or "") or None,
    )


__all__ = [
    "MATCH_TOLERANCE_S",
    "SUMMARY_GLOB",
    "UPLOAD_DIRS",
    "hints_from_summary",
    "match_summary",
    "parse_summaries",
    "summary_activity",
]
