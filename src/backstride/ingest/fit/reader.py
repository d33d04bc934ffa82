"""Read a FIT activity file into canonical activities: one per session (multisport: per leg).

``read_fit`` is what the ingest registry calls for FIT content (``sniff_fit`` recognises it).
Records are shared out to sessions by time: a record belongs to the last session that started
at or before it (records before the first session go to the first); sessions claiming the same
start are given distinct ones first (``_distinct_starts``), so no two share their records.
Summary values come from the session message, each falling back to the records when the
device did not write it.
Files that are not activities (settings, workouts, courses, monitoring, weight) raise
``ingest.not_an_activity``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from backstride.errors import InvalidInput
from backstride.ingest.fit.decoder import FitData, Message, decode_fit
from backstride.ingest.fit.session_messages import (
    cadence_steps,
    creator_name,
    device_name,
    heart_rate,
    lap_start,
    local_offset_s,
    number,
    session_extra,
    time_of,
    to_laps,
)
from backstride.ingest.fit.streams import (
    FOOT_SPORTS,
    build_streams,
    canonical_columns,
    finite_max,
    finite_mean,
)
from backstride.ingest.model import (
    CADENCE_SPM,
    DISTANCE_M,
    HR_BPM,
    POWER_W,
    TIME_S,
    Activity,
    FloatArray,
)

Select = npt.NDArray[np.bool_] | slice


def sniff_fit(head: bytes) -> bool:
    """True when ``head`` (the first bytes of a file) starts with a FIT file header."""
    return len(head) >= 12 and head[0] in (12, 14) and head[8:12] == b".FIT"


def read_fit(data: bytes, *, source_name: str | None = None) -> list[Activity]:
    """Decode FIT bytes into activities (one per session), checking the file CRC.

    Raises ``InvalidInput`` coded ``ingest.corrupt_file``, ``ingest.not_an_activity`` or
    ``ingest.empty_activity``.
    """
    fit = decode_fit(data)
    try:
        return _activities(fit, source_name)
    except (ArithmeticError, ValueError, IndexError, OSError) as exc:
        raise InvalidInput(
            f"the FIT file holds values that cannot be read: {exc}", code="ingest.corrupt_file"
        ) from exc


def _activities(fit: FitData, source_name: str | None) -> list[Activity]:
    if fit.file_type not in (None, "activity"):
        raise InvalidInput(
            f"this FIT file is a {fit.file_type} file, not an activity",
            code="ingest.not_an_activity",
        )
    if not fit.n_records and not fit.of("session"):
        raise InvalidInput(
            "the FIT file holds no records and no session", code="ingest.empty_activity"
        )
    columns = canonical_columns(fit.records)
    sessions = _distinct_starts(
        sorted(
            ((start, s) for s in fit.of("session") if (start := _session_start(s, columns))),
            key=lambda pair: pair[0],
        )
    )
    context = _Context(fit, columns, source_name, len(sessions))
    if not sessions:
        return [context.activity(None, _first_time(columns), slice(None), fit.of("lap"), 0)]
    if len(sessions) == 1:  # every record and lap is its own: no owners to work out
        start, session = sessions[0]
        return [context.activity(session, start, slice(None), list(fit.of("lap")), 0)]
    starts = np.array([start.timestamp() for start, _ in sessions])
    owner = _owners(columns.get(TIME_S), fit.n_records, starts)
    lap_owner = _owners(_lap_times(fit.of("lap")), len(fit.of("lap")), starts)
    out = []
    for k, (start, session) in enumerate(sessions):
        select: Select = slice(None) if len(sessions) == 1 else owner == k
        laps = [lap for lap, o in zip(fit.of("lap"), lap_owner, strict=True) if o == k]
        out.append(context.activity(session, start, select, laps, k))
    return out


class _Context:
    """What every activity of one file shares: decoded data, columns, device, creator."""

    def __init__(
        self, fit: FitData, columns: Mapping[str, FloatArray], source: str | None, legs: int
    ) -> None:
        self.fit = fit
        self.columns = columns
        self.source = source
        self.legs = legs
        self.device = device_name(fit)
        self.creator = creator_name(fit, self.device)
        self.offset = local_offset_s(fit)
        self.dev_fields = [
            str(m["field_name"]) for m in fit.of("field_description") if "field_name" in m
        ]
        sports = fit.of("sport")
        self.default_sport = str(sports[0].get("sport", "generic")) if sports else "generic"

    def activity(
        self,
        session: Message | None,
        start: dt.datetime | None,
        select: Select,
        laps: Sequence[Message],
        leg: int,
    ) -> Activity:
        summary: Message = session or {}
        if start is None:
            raise InvalidInput("the FIT activity has no start time", code="ingest.empty_activity")
        sport = str(summary.get("sport") or self.default_sport)
        sub_sport = summary.get("sub_sport")
        foot = sport in FOOT_SPORTS
        streams = build_streams(
            self.columns, select, start_unix_s=start.timestamp(), foot_sport=foot
        )
        times = streams.channels[TIME_S]
        span = float(np.nanmax(times) - np.nanmin(times)) if np.isfinite(times).any() else None
        cadence = cadence_steps(summary, foot_sport=foot)
        if cadence is None and foot:
            cadence = finite_mean(streams.get(CADENCE_SPM), skip_zero=True)
        extra: dict[str, object] = session_extra(summary, foot=foot)
        extra["summary_source"] = "session" if session else "records"
        if self.legs > 1:
            extra["multisport_leg"], extra["multisport_legs"] = leg, self.legs
        if self.dev_fields:
            extra["developer_fields"] = list(self.dev_fields)
        if self.fit.warnings:
            extra["warnings"] = list(self.fit.warnings)
        if any("relative" in w for w in self.fit.warnings):
            extra["relative_time"] = True
        rpe = number(summary, "workout_rpe")
        return Activity(
            format="fit",
            sport=sport,
            sub_sport=str(sub_sport) if sub_sport is not None else None,
            start_at=start,
            elapsed_s=number(summary, "total_elapsed_time") or span or 0.0,
            timer_s=number(summary, "total_timer_time"),
            streams=streams,
            local_offset_s=self.offset,
            distance_m=_first(number(summary, "total_distance"), _span(streams.get(DISTANCE_M))),
            ascent_m=number(summary, "total_ascent"),
            descent_m=number(summary, "total_descent"),
            avg_hr_bpm=heart_rate(summary, "avg_heart_rate")
            or finite_mean(streams.get(HR_BPM), skip_zero=True),
            max_hr_bpm=heart_rate(summary, "max_heart_rate") or finite_max(streams.get(HR_BPM)),
            avg_cadence_spm=cadence,
            cadence_basis="fit_strides" if foot and cadence is not None else None,
            avg_power_w=_first(number(summary, "avg_power"), finite_mean(streams.get(POWER_W))),
            laps=to_laps(laps, foot=foot),
            device=self.device,
            creator=self.creator,
            rpe=rpe / 10.0 if rpe is not None else None,
            feel=number(summary, "workout_feel"),
            source_name=self.source,
            extra=extra,
        )


def _first(*values: float | None) -> float | None:
    return next((v for v in values if v is not None), None)


def _span(values: FloatArray | None) -> float | None:
    if values is None or not np.isfinite(values).any():
        return None
    return float(np.nanmax(values) - np.nanmin(values))


def _first_time(columns: Mapping[str, FloatArray]) -> dt.datetime | None:
    times = columns.get(TIME_S)
    if times is None or not np.isfinite(times).any():
        return None
    return dt.datetime.fromtimestamp(float(np.nanmin(times)), tz=dt.UTC)


def _session_start(session: Message, columns: Mapping[str, FloatArray]) -> dt.datetime | None:
    start = time_of(session, "start_time")
    if start is not None:
        return start
    end, elapsed = time_of(session, "timestamp"), number(session, "total_elapsed_time")
    if end is not None and elapsed is not None:
        return end - dt.timedelta(seconds=elapsed)
    return _first_time(columns)


def _distinct_starts(
    sessions: list[tuple[dt.datetime, Message]],
) -> list[tuple[dt.datetime, Message]]:
    """Sessions with one start each, so that records are shared out by time without overlap.

    A session repeated whole (same start, duration and sport: written twice) is one session.
    A later session that claims the same start as the one before (seen in multisport files
    whose legs all carry the activity's start) starts where the one before ends
    (``total_elapsed_time``); without a duration to go by it is kept as written.
    """
    out: list[tuple[dt.datetime, Message]] = []
    for start, session in sessions:
        if out and start <= out[-1][0]:
            prev_start, prev = out[-1]
            same = number(session, "total_elapsed_time") == number(
                prev, "total_elapsed_time"
            ) and session.get("sport") == prev.get("sport")
            if same and start == prev_start:
                continue
            elapsed = number(prev, "total_elapsed_time")
            if elapsed:
                start = prev_start + dt.timedelta(seconds=elapsed)
        out.append((start, session))
    return out


def _lap_times(laps: Sequence[Message]) -> FloatArray:
    return np.array([(t.timestamp() if (t := lap_start(m)) else np.nan) for m in laps], dtype=float)


def _owners(times: FloatArray | None, n: int, starts: FloatArray) -> npt.NDArray[np.int64]:
    """For each time, the index of the last start at or before it (0 before the first)."""
    if times is None or not n:
        return np.zeros(n, dtype=np.int64)
    filled = np.array(times, dtype=np.float64)
    missing = ~np.isfinite(filled)
    if missing.all():
        return np.zeros(n, dtype=np.int64)
    if missing.any():  # a sample without a time stays with the sample before it
        index = np.where(~missing, np.arange(n), 0)
        np.maximum.accumulate(index, out=index)
        filled = filled[index]
        filled[~np.isfinite(filled)] = -np.inf
    owner = np.searchsorted(starts, filled, side="right") - 1
    return np.clip(owner, 0, None).astype(np.int64)


__all__ = ["read_fit", "sniff_fit"]
