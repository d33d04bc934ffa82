"""Canonical ``Activity`` -> column values of an ``activities`` row and its ``laps`` rows (plain
dicts for Core ``insert``), and the stream facts computed once next to the parser (in a worker
process) so the big arrays never cross it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from backstride.analytics.load_models import hr_time
from backstride.ingest import model as m
from backstride.ingest import streams as stream_codec
from backstride.ingest.model import Activity, Streams
from backstride.ingest.streams import decode_streams, encode_pairs, encode_streams, stored_values
from backstride.ingest.track_math import downhill_distance_m
from backstride.units import new_id

_DYNAMICS = {
    "avg_stance_time_ms": m.STANCE_TIME_MS,
    "avg_stance_balance_left_pct": m.STANCE_TIME_BALANCE_LEFT_PCT,
    "avg_vertical_oscillation_mm": m.VERTICAL_OSCILLATION_MM,
    "avg_step_length_mm": m.STEP_LENGTH_MM,
    "avg_vertical_ratio_pct": m.VERTICAL_RATIO_PCT,
}
_EMPTY = {m.TIME_S: np.empty(0)}


@dataclass(frozen=True, slots=True)
class StreamFacts:
    """What the row needs from the streams: the encoded blob and a few derived values."""

    encoded: bytes | None
    n_samples: int
    has_running_dynamics: bool
    downhill_m: float | None
    dynamics: Mapping[str, float | None]
    hr_time: bytes | None = None
    """Seconds at each heart rate, as stored (see ``hr_time_blob``)."""


def _mean(values: np.ndarray | None) -> float | None:
    if values is None:
        return None
    good = values[np.isfinite(values) & (values != 0)]
    return float(good.mean()) if len(good) else None


def hr_time_blob(time_s: np.ndarray | None, hr_bpm: np.ndarray | None) -> bytes | None:
    """The stored heart-rate time distribution: computed from the values as the stream blob
    keeps them, so it equals what decoding the streams would give; ``b""`` without HR."""
    if time_s is None or not len(time_s):
        return None
    if hr_bpm is None:
        return b""
    compiled = stream_codec.HR_TIME  # the same bytes in one pass (_streampack.c)
    both = stream_codec.compiled_input(time_s) and stream_codec.compiled_input(hr_bpm)
    blob = compiled(time_s, hr_bpm) if compiled is not None and both else None
    if blob is not None:
        return blob
    values, seconds = hr_time(
        time_s=stored_values(m.TIME_S, time_s), hr_bpm=stored_values(m.HR_BPM, hr_bpm)
    )
    return encode_pairs(values, seconds) if values.size else b""


def hr_time_from_streams(blob: bytes | None) -> bytes | None:
    """``hr_time_blob`` of a stored stream blob (rows imported before the column existed);
    None when there is no blob or it cannot be read (the session mean HR is used then)."""
    if not blob:
        return None
    try:
        channels = decode_streams(blob)
    except (ValueError, KeyError, struct.error, zlib.error):  # a damaged blob
        return None
    return hr_time_blob(channels.get(m.TIME_S), channels.get(m.HR_BPM))


def stream_facts(act: Activity) -> StreamFacts:
    """Encode the streams and derive downhill distance, running-dynamics averages and the
    heart-rate time distribution."""
    s = act.streams
    return StreamFacts(
        encoded=encode_streams(s) if len(s) else None,
        n_samples=len(s),
        has_running_dynamics=s.has_running_dynamics,
        downhill_m=downhill_distance_m(s.get(m.DISTANCE_M), s.get(m.ALTITUDE_M)),
        dynamics={col: _mean(s.get(ch)) for col, ch in _DYNAMICS.items()},
        hr_time=hr_time_blob(s.get(m.TIME_S), s.get(m.HR_BPM)) if len(s) else None,
    )


def with_source(act: Activity, label: str) -> Activity:
    """The activity noting the file it came from (``extra["source_file"]``), for messages such
    as "duplicate of ..." in later imports."""
    return dataclasses.replace(act, extra={**act.extra, "source_file": label[-500:]})


def without_streams(act: Activity) -> Activity:
    """The activity with empty streams (cheap to send between processes)."""
    return dataclasses.replace(act, streams=Streams(_EMPTY))


def _jsonable(extra: Mapping[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for k, v in extra.items():
        if isinstance(v, str | int | float | bool | list | dict) or v is None:
            out[str(k)] = v
        elif isinstance(v, np.generic):
            out[str(k)] = v.item()
        else:
            out[str(k)] = str(v)
    return out


Row = dict[str, object]


def activity_values(
    act: Activity,
    facts: StreamFacts,
    *,
    runner_id: str,
    source: str,
    blob_sha256: str | None,
    dedup_key: str,
    gear_id: str | None,
    tz: dt.tzinfo,
    now: dt.datetime,
) -> tuple[Row, list[Row]]:
    """Values of a new ``activities`` row (fresh ``id``) and of its ``laps`` rows;
    ``local_date`` from the file's offset or ``tz``."""
    if act.local_offset_s is not None:
        local_date = (act.start_at + dt.timedelta(seconds=act.local_offset_s)).date()
    else:
        local_date = act.start_at.astimezone(tz).date()
    activity_id = new_id()
    row: Row = dict(
        id=activity_id,
        runner_id=runner_id,
        dedup_key=dedup_key,
        source=source,
        format=act.format if act.format != "summary" else None,
        blob_sha256=blob_sha256,
        sport=act.sport[:32],
        sub_sport=act.sub_sport[:32] if act.sub_sport else None,
        name=act.name[:300] if act.name else None,
        description=act.description,
        start_at=act.start_at,
        local_offset_s=act.local_offset_s,
        local_date=local_date,
        elapsed_s=act.elapsed_s,
        timer_s=act.timer_s,
        distance_m=act.distance_m,
        ascent_m=act.ascent_m,
        descent_m=act.descent_m,
        downhill_m=facts.downhill_m,
        avg_hr_bpm=act.avg_hr_bpm,
        max_hr_bpm=act.max_hr_bpm,
        avg_cadence_spm=act.avg_cadence_spm,
        cadence_unit_inferred=act.cadence_basis,
        avg_power_w=act.avg_power_w,
        has_running_dynamics=facts.has_running_dynamics,
        rpe=act.rpe,
        feel=act.feel,
        n_samples=facts.n_samples,
        device=act.device[:120] if act.device else None,
        creator=act.creator[:200] if act.creator else None,
        gear_id=gear_id,
        streams=facts.encoded,
        hr_time=facts.hr_time,
        extra=_jsonable(
            {**act.extra, "data_warnings": [w.to_dict() for w in act.warnings]}
            if act.warnings
            else act.extra
        ),
        imported_at=now,
        **facts.dynamics,
    )
    laps: list[Row] = [
        {
            "activity_id": activity_id,
            "index": lap.index,
            "start_at": lap.start_at,
            "elapsed_s": lap.elapsed_s,
            "timer_s": lap.timer_s,
            "distance_m": lap.distance_m,
            "avg_hr_bpm": lap.avg_hr_bpm,
            "max_hr_bpm": lap.max_hr_bpm,
            "avg_cadence_spm": lap.avg_cadence_spm,
            "intensity": lap.intensity[:16] if lap.intensity else None,
        }
        for lap in act.laps
    ]
    return row, laps


__all__ = [
    "Row",
    "StreamFacts",
    "activity_values",
    "hr_time_blob",
    "hr_time_from_streams",
    "stream_facts",
    "with_source",
    "without_streams",
]
