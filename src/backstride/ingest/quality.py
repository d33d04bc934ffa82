"""Data warnings: what a reader cleaned or salvaged, what looks implausible, and what it leaves out.

Every activity read by the registry passes through ``check``, which

1. reads a sport into an untyped GPX/TCX that moves at a running pace with a running cadence
   (``data.sport_inferred``, saying so);
2. turns what the readers cleaned into coded warnings: positions at 0,0 or off the globe
   dropped, samples no device can produce set to missing, points without a time
   interpolated, a truncated file salvaged, decoder notes;
3. compares the laps' totals with the track (a TCX whose laps claim 76 min while its track
   spans 1 s is flagged, not stored silently as a 13.7 km ride);
4. checks the summary against ``PLAUSIBLE`` bounds (heart rate, speed, duration, cadence).

Each warning says what it leaves out (``DataWarning.effect``): nothing, the whole activity
from the load (speed, duration, laps against track: its distance or duration cannot be
trusted), its heart rate from the load (an average of 234 bpm is a sensor fault; the session is
scored from pace or RPE instead, and the value is not taken as the runner's HRmax), or its
cadence from the gait trends. ``summary_warnings`` works on plain values so the load service
applies the same bounds to rows stored before these checks existed.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from collections.abc import Iterable, Mapping

import numpy as np

from backstride.ingest import model as m
from backstride.ingest.model import Activity, DataWarning, WarningEffect

POSITIONS_DROPPED = "data.positions_dropped"
SAMPLES_IMPLAUSIBLE = "data.samples_implausible"
UNTIMED_POINTS = "data.untimed_points"
TRUNCATED = "data.truncated_salvaged"
DECODER_NOTE = "data.decoder_note"
LAPS_DISAGREE = "data.laps_disagree_with_track"
SPORT_INFERRED = "data.sport_inferred"
HR_IMPLAUSIBLE = "data.hr_implausible"
SPEED_IMPLAUSIBLE = "data.speed_implausible"
DURATION_IMPLAUSIBLE = "data.duration_implausible"
CADENCE_IMPLAUSIBLE = "data.cadence_implausible"

WARNING_CODES: dict[str, str] = {
    POSITIONS_DROPPED: "positions at 0,0 or off the globe dropped",
    SAMPLES_IMPLAUSIBLE: "samples no device can produce set to missing",
    UNTIMED_POINTS: "points without a time, times interpolated",
    TRUNCATED: "a truncated file, its complete records kept",
    DECODER_NOTE: "something unusual in the file's structure",
    LAPS_DISAGREE: "the laps' totals disagree with the track",
    SPORT_INFERRED: "no sport in the file; read from pace and cadence",
    HR_IMPLAUSIBLE: "implausible heart rate",
    SPEED_IMPLAUSIBLE: "implausible speed (distance for the time)",
    DURATION_IMPLAUSIBLE: "implausible duration",
    CADENCE_IMPLAUSIBLE: "implausible cadence",
}
"""Every ``data.*`` code with a short title."""

SUMMARY_CODES = frozenset(
    {HR_IMPLAUSIBLE, SPEED_IMPLAUSIBLE, DURATION_IMPLAUSIBLE, CADENCE_IMPLAUSIBLE}
)

# --- plausibility bounds of a whole activity's summary -------------------------------------

HR_AVG_MAX_BPM = 220.0
"""An activity's average heart rate above 220 bpm is a sensor fault: an average cannot exceed
the maximum, and maximum heart rate (208 - 0.7 x age, Tanaka et al. 2001, SD about 7-10 bpm)
is above 220 bpm only in rare young people, never for a whole session [default]."""
HR_AVG_MIN_BPM = 30.0
"""An average below 30 bpm while moving is below the resting rate of even elite endurance
athletes (about 30-40 bpm) [default]."""
HR_MAX_MAX_BPM = 250.0
"""A maximum above 250 bpm is above any reported human maximum heart rate [default]."""
RUN_RECORDS: tuple[tuple[float, float], ...] = (
    (100.0, 9.58),  # Bolt 2009
    (400.0, 43.03),  # van Niekerk 2016
    (800.0, 100.91),  # Rudisha 2012
    (1500.0, 206.00),  # El Guerrouj 1998
    (5000.0, 755.36),  # Cheptegei 2020
    (10000.0, 1571.00),  # Cheptegei 2020
    (21097.5, 3402.0),  # Kiplimo 2025 (56:42)
    (42195.0, 7235.0),  # Kiptum 2023 (2:00:35)
    (100000.0, 21935.0),  # Sorokin 2022 (6:05:35)
)
"""(distance m, men's world-record time s), World Athletics records; a run faster than the
record of the longest standard distance it covers (+5 % for GPS over-reading) is a GPS or
unit error, not a runner."""
RECORD_MARGIN = 1.05
SPEED_MAX_M_S: dict[str, float] = {
    "walking": 4.6,  # 20 km race walk record 1:16:36 (Suzuki 2015) = 4.35 m/s, + 5 %
    "hiking": 4.6,
    "swimming": 2.5,  # 50 m freestyle record 20.91 s (Cielo 2009) = 2.39 m/s, + 5 %
    "cycling": 25.0,  # 90 km/h: the hour record is 56.8 km/h; a ride averaging 90 is a car
}
"""Largest believable average speed per sport (m/s); running uses ``RUN_RECORDS`` [default]."""
SPEED_MAX_OTHER_M_S = 50.0
"""180 km/h: no human-powered activity averages that (a car, a train, a plane) [default]."""
MIN_DISTANCE_FOR_SPEED_M = 50.0
DURATION_MAX_S = 7 * 24 * 3600.0
"""A recording longer than a week is a device left running [default; the longest foot races'
cut-offs are about 150 h]."""
FOOT_CADENCE_MAX_SPM = 300.0
"""5 steps/s: above elite sprinters' step rate at top speed (about 4.5-5 steps/s, e.g. Salo
et al. 2011); no activity averages more [default]."""
RUN_CADENCE_MIN_SPM = 100.0
"""A run averaging under 100 steps/min is a unit error (strides/min read as steps/min, or pedal
rpm) rather than a run: 100 steps/min is already a moderate walk (Tudor-Locke et al. 2018)
and runs are about 150-190 [default]."""

# --- sport inference for untyped GPX/TCX ---------------------------------------------------

RUN_CADENCE_INFER_SPM = (140.0, 230.0)
"""Average steps/min that mark a run: recreational runners run at about 150-190 steps/min
(e.g. Heiderscheit et al. 2011), while walking stays below about 130 even when brisk
(Tudor-Locke et al. 2018) [default]."""
RUN_SPEED_INFER_M_S = (1.8, 6.7)
"""Average speeds read as running: 9:15 to 2:30 min/km (faster than a brisk walk, slower
than the 5000 m record) [default]."""
RUN_STEP_INFER_MAX_M = 1.8
"""Speed / step rate: a run's step is at most about 1.8 m (recreational runners about
0.9-1.4 m; elite runners reach about 2 m only near race pace) [default]. A ride at 20 km/h and
71 rpm, read as 142 steps/min, would be 2.3 m steps: not a run."""

PLAUSIBLE: dict[str, str] = {
    "avg_hr_bpm": f"{HR_AVG_MIN_BPM:.0f}-{HR_AVG_MAX_BPM:.0f} bpm",
    "max_hr_bpm": f"up to {HR_MAX_MAX_BPM:.0f} bpm",
    "running speed": "no faster than the world record for the distance (+5 %)",
    "other speeds": "walking/hiking 4.6, swimming 2.5, cycling 25, anything else 50 m/s",
    "duration": "up to 7 days",
    "cadence": f"up to {FOOT_CADENCE_MAX_SPM:.0f} steps/min; runs at least "
    f"{RUN_CADENCE_MIN_SPM:.0f}",
}
"""The summary bounds in words (documented in docs/readme/ingest.md)."""


def run_speed_limit_m_s(distance_m: float) -> float:
    """The fastest believable average running speed over ``distance_m`` (``RUN_RECORDS``)."""
    distances = [d for d, _ in RUN_RECORDS]
    k = max(0, bisect.bisect_right(distances, distance_m) - 1)
    d, t = RUN_RECORDS[k]
    return d / t * RECORD_MARGIN


def speed_limit_m_s(sport: str, distance_m: float) -> float:
    """The fastest believable average speed of ``sport`` over ``distance_m``."""
    if sport == "running":
        return run_speed_limit_m_s(distance_m)
    return SPEED_MAX_M_S.get(sport, SPEED_MAX_OTHER_M_S)


def _pace(speed_m_s: float) -> str:
    if speed_m_s <= 0 or not math.isfinite(speed_m_s):
        return "—"
    secs = round(1000.0 / speed_m_s)
    return f"{secs // 60}:{secs % 60:02d} min/km"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def summary_warnings(
    *,
    sport: str,
    distance_m: float | None,
    duration_s: float | None,
    avg_hr_bpm: float | None,
    max_hr_bpm: float | None,
    avg_cadence_spm: float | None,
) -> list[DataWarning]:
    """Warnings for implausible summary values (``duration_s``: moving time when known)."""
    out: list[DataWarning] = []
    if avg_hr_bpm is not None and not HR_AVG_MIN_BPM <= avg_hr_bpm <= HR_AVG_MAX_BPM:
        out.append(
            DataWarning(
                HR_IMPLAUSIBLE,
                f"average heart rate {avg_hr_bpm:.0f} bpm is outside {HR_AVG_MIN_BPM:.0f}-"
                f"{HR_AVG_MAX_BPM:.0f} bpm (a sensor fault): heart rate left out of the load",
                "hr",
            )
        )
    elif max_hr_bpm is not None and max_hr_bpm > HR_MAX_MAX_BPM:
        out.append(
            DataWarning(
                HR_IMPLAUSIBLE,
                f"maximum heart rate {max_hr_bpm:.0f} bpm is above {HR_MAX_MAX_BPM:.0f} bpm (a "
                "sensor spike): not taken as your maximum; the average is used",
            )
        )
    if duration_s is not None and duration_s > DURATION_MAX_S:
        out.append(
            DataWarning(
                DURATION_IMPLAUSIBLE,
                f"lasts {duration_s / 86400:.1f} days (a device left recording?): left out of "
                "the load",
                "load",
            )
        )
    if distance_m is not None and distance_m >= MIN_DISTANCE_FOR_SPEED_M:
        limit = speed_limit_m_s(sport, distance_m)
        time_s = duration_s if duration_s is not None else 0.0
        speed = distance_m / time_s if time_s > 0 else math.inf
        if speed > limit:
            what = (
                f"{distance_m / 1000:.2f} km in {_duration(time_s)}"
                if time_s > 0
                else f"{distance_m / 1000:.2f} km in no time"
            )
            out.append(
                DataWarning(
                    SPEED_IMPLAUSIBLE,
                    f"{what} ({speed * 3.6:,.1f} km/h) is faster than any {sport} "
                    f"(limit {limit * 3.6:.1f} km/h): left out of the load",
                    "load",
                )
            )
    if avg_cadence_spm is not None:
        low = RUN_CADENCE_MIN_SPM if sport == "running" else 0.0
        if avg_cadence_spm > FOOT_CADENCE_MAX_SPM or avg_cadence_spm < low:
            out.append(
                DataWarning(
                    CADENCE_IMPLAUSIBLE,
                    f"average cadence {avg_cadence_spm:.0f} steps/min is outside "
                    f"{low:.0f}-{FOOT_CADENCE_MAX_SPM:.0f}: left out of the cadence trend",
                    "cadence",
                )
            )
    return out


def _counted(extra: Mapping[str, object], key: str) -> int:
    value = extra.get(key)
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


_CHANNEL_WORDS = {
    m.HR_BPM: "heart rate",
    m.ALTITUDE_M: "altitude",
    m.SPEED_M_S: "speed",
    m.POWER_W: "power",
    m.TEMPERATURE_C: "temperature",
    m.DISTANCE_M: "distance",
    "cadence_raw": "cadence",
}


def reader_warnings(act: Activity) -> list[DataWarning]:
    """What the reader cleaned or salvaged, from the counts it left in ``extra``."""
    extra = act.extra
    out: list[DataWarning] = []
    positions = _counted(extra, "invalid_positions")
    if positions:
        out.append(
            DataWarning(
                POSITIONS_DROPPED,
                f"{positions} positions at 0,0 or off the globe dropped (a phone writes 0,0 "
                "before its first GPS fix); the distance bridges the gap",
            )
        )
    samples = extra.get("implausible_samples")
    if isinstance(samples, Mapping) and samples:
        parts = ", ".join(
            f"{_CHANNEL_WORDS.get(str(k), str(k))} {int(v)}" for k, v in sorted(samples.items())
        )
        out.append(
            DataWarning(
                SAMPLES_IMPLAUSIBLE,
                f"samples no device can produce set to missing ({parts})",
            )
        )
    untimed = _counted(extra, "time_interpolated_samples")
    if untimed:
        out.append(
            DataWarning(
                UNTIMED_POINTS,
                f"{untimed} points without a time: their times interpolated between neighbours",
            )
        )
    notes = extra.get("warnings")
    for note in notes if isinstance(notes, list | tuple) else ():
        text = str(note)
        code = TRUNCATED if "truncated" in text else DECODER_NOTE
        out.append(DataWarning(code, text))
    salvaged = extra.get("truncated")
    if isinstance(salvaged, str):
        out.append(DataWarning(TRUNCATED, salvaged))
    return out


LAP_TRACK_MIN_SHARE = 0.5
"""The track must cover at least half of the time (and distance) the file's totals claim
[default]."""


def lap_track_warnings(act: Activity) -> list[DataWarning]:
    """The file's totals (TCX: the laps' sums; FIT: the session) that its track does not cover:
    which numbers can be believed is unknown, so the activity is left out of the load."""
    if act.n_samples == 0:
        return []
    claimed_s = act.timer_s or 0.0
    claimed_m = act.distance_m or 0.0
    times = act.streams.get(m.TIME_S)
    span = float(np.nanmax(times) - np.nanmin(times)) if times is not None else 0.0
    dist = act.streams.get(m.DISTANCE_M)
    covered = None
    if dist is not None and np.isfinite(dist).any():
        covered = float(np.nanmax(dist) - np.nanmin(dist))
    short_time = claimed_s > 60.0 and span < LAP_TRACK_MIN_SHARE * claimed_s
    short_dist = (
        covered is not None and claimed_m > 200.0 and covered < LAP_TRACK_MIN_SHARE * claimed_m
    )
    if not (short_time or short_dist):
        return []
    whose = "laps" if act.format == "tcx" or act.laps else "summary"
    track = f"{_duration(span)}"
    if covered is not None:
        track += f" and {covered / 1000:.2f} km"
    return [
        DataWarning(
            LAPS_DISAGREE,
            f"the {whose} add up to {_duration(claimed_s)} and {claimed_m / 1000:.2f} km but the "
            f"track ({act.n_samples} points) covers {track}: which is right cannot be told, so "
            "the activity is left out of the load",
            "load",
        )
    ]


def infer_sport(act: Activity) -> Activity:
    """An untyped GPX/TCX that moves at a running pace with a running cadence becomes a run."""
    if act.sport != "generic" or act.format not in ("gpx", "tcx"):
        return act
    cadence = act.avg_cadence_spm
    time_s = act.timer_s or act.elapsed_s
    if cadence is None or not act.distance_m or not time_s or time_s <= 0:
        return act
    speed = act.distance_m / time_s
    lo_c, hi_c = RUN_CADENCE_INFER_SPM
    lo_v, hi_v = RUN_SPEED_INFER_M_S
    if not (lo_c <= cadence <= hi_c and lo_v <= speed <= hi_v):
        return act
    if speed / (cadence / 60.0) > RUN_STEP_INFER_MAX_M:
        return act
    note = DataWarning(
        SPORT_INFERRED,
        f"the file names no sport; read as a run: {_pace(speed)} at {cadence:.0f} steps/min "
        "are a running pace and cadence",
    )
    return dataclasses.replace(act, sport="running", warnings=(*act.warnings, note))


def activity_summary_warnings(act: Activity) -> list[DataWarning]:
    """``summary_warnings`` of an activity (moving time when the file has it)."""
    return summary_warnings(
        sport=act.sport,
        distance_m=act.distance_m,
        duration_s=act.timer_s if act.timer_s is not None else act.elapsed_s,
        avg_hr_bpm=act.avg_hr_bpm,
        max_hr_bpm=act.max_hr_bpm,
        avg_cadence_spm=act.avg_cadence_spm if act.sport in _FOOT else None,
    )


_FOOT = frozenset({"running", "walking", "hiking"})


def check(act: Activity) -> Activity:
    """The activity with its sport inferred (if untyped) and every data warning attached."""
    act = infer_sport(act)
    found = [
        *act.warnings,
        *reader_warnings(act),
        *lap_track_warnings(act),
        *activity_summary_warnings(act),
    ]
    return dataclasses.replace(act, warnings=tuple(_unique(found)))


def recheck_summary(act: Activity) -> Activity:
    """After export metadata changed the sport: the summary warnings for the new sport."""
    kept = [w for w in act.warnings if w.code not in SUMMARY_CODES]
    return dataclasses.replace(
        act, warnings=tuple(_unique([*kept, *activity_summary_warnings(act)]))
    )


def _unique(warnings: Iterable[DataWarning]) -> list[DataWarning]:
    return list(dict.fromkeys(warnings))


def effects(warnings: Iterable[DataWarning]) -> set[WarningEffect]:
    """What the warnings leave out, together."""
    return {w.effect for w in warnings}


def from_dicts(values: object) -> tuple[DataWarning, ...]:
    """Stored warnings (``extra["data_warnings"]``) back as objects; junk is skipped."""
    out: list[DataWarning] = []
    for v in values if isinstance(values, list) else ():
        if isinstance(v, Mapping) and isinstance(v.get("code"), str):
            effect = v.get("effect")
            out.append(
                DataWarning(
                    str(v["code"]),
                    str(v.get("detail") or ""),
                    effect if effect in ("none", "load", "hr", "cadence") else "none",
                )
            )
    return tuple(out)


__all__ = [
    "CADENCE_IMPLAUSIBLE",
    "DECODER_NOTE",
    "DURATION_IMPLAUSIBLE",
    "HR_IMPLAUSIBLE",
    "LAPS_DISAGREE",
    "PLAUSIBLE",
    "POSITIONS_DROPPED",
    "RUN_RECORDS",
    "SAMPLES_IMPLAUSIBLE",
    "SPEED_IMPLAUSIBLE",
    "SPORT_INFERRED",
    "SUMMARY_CODES",
    "TRUNCATED",
    "UNTIMED_POINTS",
    "WARNING_CODES",
    "activity_summary_warnings",
    "check",
    "effects",
    "from_dicts",
    "infer_sport",
    "lap_track_warnings",
    "reader_warnings",
    "recheck_summary",
    "run_speed_limit_m_s",
    "speed_limit_m_s",
    "summary_warnings",
]
