"""Load summaries for a batch of runners from plain stored rows (pure).

``services.load`` reads the rows (activities, gear, the pain diary, each runner's thresholds)
and hands them here; this module builds the analytics' column table, leaves out what the data
warnings say is implausible, runs :func:`~backstride.analytics.engine.analyse` once per set of
thresholds (usually one vectorised pass for everyone) and summarises each runner with their
gait, shoes and pain.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from backstride.analytics.engine import ClinicAnalysis, analyse
from backstride.analytics.gait import GaitRun, gait_summary
from backstride.analytics.inputs import (
    RUN_SPORTS,
    ActivityRow,
    AnalyticsOptions,
    RunnerProfile,
    table_from_rows,
)
from backstride.analytics.load_summary import LeftOut, LoadSummary, PainPoint, summarise
from backstride.analytics.shoes import ShoeInput, shoe_summaries
from backstride.ingest.model import DataWarning
from backstride.ingest.quality import HR_MAX_MAX_BPM


@dataclass(frozen=True, slots=True)
class StoredActivity:
    """One stored activity as the load reads it: plain column values, the warnings that leave
    something out (``doubts``), and the TRIMP from its heart-rate time distribution for both
    sexes' constants (``None`` when there is none or its heart rate is doubted)."""

    id: str
    runner_id: str
    local_date: dt.date
    sport: str
    duration_s: float
    distance_m: float | None
    ascent_m: float | None
    descent_m: float | None
    downhill_m: float | None
    avg_hr_bpm: float | None
    max_hr_bpm: float | None
    rpe: float | None
    avg_cadence_spm: float | None
    avg_stance_time_ms: float | None
    avg_vertical_oscillation_mm: float | None
    avg_step_length_mm: float | None
    avg_stance_balance_left_pct: float | None
    gear_id: str | None
    doubts: tuple[DataWarning, ...] = ()
    stream_trimp_male: float | None = None
    stream_trimp_female: float | None = None


@dataclass(frozen=True, slots=True)
class StoredGear:
    """A runner's shoe as stored."""

    id: str
    runner_id: str
    name: str
    retired: bool
    retire_km: float | None


def runner_summaries(
    profiles: Sequence[RunnerProfile],
    activities: Sequence[StoredActivity],
    gear: Sequence[StoredGear],
    *,
    options: Mapping[str, AnalyticsOptions],
    pain: Mapping[str, tuple[PainPoint, ...]],
    today: dt.date,
    from_date: dt.date | None,
    to_date: dt.date | None,
) -> dict[str, LoadSummary]:
    """Each runner's load summary, keyed by runner id.

    ``activities`` are in date order and dated up to ``today``; ``options`` holds each runner's
    thresholds; ``pain`` each runner's pain scores in date order.
    """
    index = {p.runner_id: i for i, p in enumerate(profiles)}
    rows: list[ActivityRow] = []
    gait_runs: dict[str, list[GaitRun]] = defaultdict(list)
    by_gear: dict[str, list[tuple[dt.date, float]]] = defaultdict(list)
    left_out: dict[str, list[LeftOut]] = defaultdict(list)
    for act in activities:
        for w in act.doubts:
            if w.effect != "none":
                what = {"load": "activity", "hr": "heart rate"}.get(w.effect, w.effect)
                left_out[act.runner_id].append(
                    LeftOut(act.local_date, act.id, act.sport, what, w.code, w.detail)
                )
        effects = {w.effect for w in act.doubts}
        if "load" in effects:
            continue
        hr_ok = "hr" not in effects
        duration = act.duration_s
        rows.append(
            ActivityRow(
                runner_index=index[act.runner_id],
                local_date=act.local_date,
                distance_m=act.distance_m,
                duration_s=duration,
                sport=act.sport,
                ascent_m=act.ascent_m,
                descent_m=act.descent_m,
                downhill_m=act.downhill_m,
                avg_hr_bpm=act.avg_hr_bpm if hr_ok else None,
                max_hr_bpm=act.max_hr_bpm
                if hr_ok and (act.max_hr_bpm or 0.0) <= HR_MAX_MAX_BPM
                else None,
                rpe=act.rpe,
                stream_trimp_male=act.stream_trimp_male if hr_ok else None,
                stream_trimp_female=act.stream_trimp_female if hr_ok else None,
            )
        )
        if act.sport.lower() in RUN_SPORTS:
            pace = duration / (act.distance_m / 1000.0) if act.distance_m else None
            gait_runs[act.runner_id].append(
                GaitRun(
                    local_date=act.local_date,
                    pace_s_per_km=pace,
                    cadence_spm=act.avg_cadence_spm if "cadence" not in effects else None,
                    stance_time_ms=act.avg_stance_time_ms,
                    vertical_oscillation_mm=act.avg_vertical_oscillation_mm,
                    step_length_mm=act.avg_step_length_mm,
                    stance_balance_left_pct=act.avg_stance_balance_left_pct,
                )
            )
            if act.gear_id:
                by_gear[act.gear_id].append((act.local_date, float(act.distance_m or 0.0)))
    # Runners sharing thresholds (usually all of them) are analysed in one vectorised pass.
    groups: dict[AnalyticsOptions, list[RunnerProfile]] = defaultdict(list)
    for profile in profiles:
        groups[options[profile.runner_id]].append(profile)
    analyses: dict[str, tuple[ClinicAnalysis, int]] = {}
    for opts, members in groups.items():
        if len(groups) == 1:
            batch = rows
        else:
            local = {p.runner_id: i for i, p in enumerate(members)}
            batch = [
                replace(row, runner_index=local[profiles[row.runner_index].runner_id])
                for row in rows
                if profiles[row.runner_index].runner_id in local
            ]
        analysis = analyse(table_from_rows(batch), list(members), today=today, options=opts)
        for i, p in enumerate(members):
            analyses[p.runner_id] = (analysis, i)
    out: dict[str, LoadSummary] = {}
    for profile in profiles:
        runner_id = profile.runner_id
        analysis, position = analyses[runner_id]
        shoes, shoe_flags = shoe_summaries(
            [
                ShoeInput(
                    gear_id=g.id,
                    name=g.name,
                    retired=g.retired,
                    retire_km=g.retire_km,
                    run_dates=tuple(d for d, _ in by_gear[g.id]),
                    run_distances_m=tuple(m for _, m in by_gear[g.id]),
                )
                for g in gear
                if g.runner_id == runner_id
            ],
            default_retire_km=analysis.options.shoe_retire_km,
        )
        gait = gait_summary(gait_runs[runner_id])
        points = pain.get(runner_id, ())
        out[runner_id] = summarise(
            analysis,
            position,
            from_date=from_date,
            to_date=to_date,
            gait=gait,
            shoes=shoes,
            extra_flags=gait.flags + shoe_flags,
            pain=points,
            current_pain=current_pain(points, today=today),
            left_out=tuple(left_out[runner_id]),
        )
    return out


def current_pain(pain: tuple[PainPoint, ...], *, today: dt.date) -> int | None:
    """The latest score of the last 7 days (diary preferred on the same day)."""
    recent = [p for p in pain if (today - p.date).days < 7]
    if not recent:
        return None
    last = max(p.date for p in recent)
    same = [p for p in recent if p.date == last]
    diary = [p for p in same if p.kind == "diary"]
    return (diary or same)[-1].score
