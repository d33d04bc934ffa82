"""Load summaries from stored activities: one runner or a whole clinic in one pass.

Reads rows, turns them into the analytics' column table in one pass per batch, and hands the
whole batch to :func:`backstride.analytics.analyse` (one vectorised pass). Read-only: no commit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.analytics import AnalyticsOptions, LoadSummary, RunnerProfile, analyse, summarise
from backstride.analytics.engine import ClinicAnalysis
from backstride.analytics.gait import GaitRun, gait_summary
from backstride.analytics.inputs import RUN_SPORTS, ActivityRow, table_from_rows
from backstride.analytics.load_models import (
    HR_REST_DEFAULT_BPM,
    hr_max_tanaka,
    hr_time_trimp,
)
from backstride.analytics.shoes import ShoeInput, shoe_summaries
from backstride.analytics.summary import LeftOut, PainPoint
from backstride.config import Settings
from backstride.errors import InvalidInput
from backstride.ingest.model import DataWarning
from backstride.ingest.quality import (
    HR_MAX_MAX_BPM,
    SUMMARY_CODES,
    from_dicts,
    summary_warnings,
)
from backstride.ingest.streams import decode_pairs
from backstride.services.rows.activity import hr_time_from_streams
from backstride.services.clinic_settings import analytics_options, runner_thresholds
from backstride.services.runners import find_runner
from backstride.store.models import Activity, Gear, PainEntry, Runner, SessionLog

DEFAULT_CLINIC_WINDOW_D = 84
"""``clinic_load`` keeps the last 12 weeks of daily rows per runner [default]."""


def _profile(runner: Runner) -> RunnerProfile:
    return RunnerProfile(
        runner_id=runner.id,
        birth_year=runner.birth_year,
        sex=runner.sex,
        hr_rest_bpm=runner.hr_rest_bpm,
        hr_max_bpm=runner.hr_max_bpm,
        threshold_pace_s_per_km=runner.threshold_pace_s_per_km,
    )


_LOAD_COLUMNS = (
    Activity.id,
    Activity.runner_id,
    Activity.local_date,
    Activity.timer_s,
    Activity.elapsed_s,
    Activity.distance_m,
    Activity.sport,
    Activity.ascent_m,
    Activity.descent_m,
    Activity.downhill_m,
    Activity.avg_hr_bpm,
    Activity.max_hr_bpm,
    Activity.rpe,
    Activity.avg_cadence_spm,
    Activity.avg_stance_time_ms,
    Activity.avg_vertical_oscillation_mm,
    Activity.avg_step_length_mm,
    Activity.avg_stance_balance_left_pct,
    Activity.gear_id,
    Activity.hr_time,
    Activity.extra,  # the stored data warnings (decision 0046)
    Activity.streams.is_not(None).label("has_streams"),
)
"""What the load reads of each activity: plain columns, no ORM entities (loading ~1,000
entities per runner cost more than the whole analysis), and never the stream blobs."""


def _stream_trimps(
    session: Session, act: Any, runner: Runner, today: dt.date
) -> tuple[float | None, float | None]:
    """TRIMP from the activity's heart-rate time distribution, for both sexes' constants.

    Read from ``hr_time`` (stored at import); rows imported before it existed are computed
    from their streams here (loaded only for them: ``has_streams`` says, without loading the
    blob, whether there is anything to decode, so a row without samples costs no query).
    """
    if act.hr_time is not None:
        stored: bytes | None = act.hr_time
    elif act.has_streams:
        stored = hr_time_from_streams(
            session.scalar(select(Activity.streams).where(Activity.id == act.id))
        )
    else:
        return None, None
    if not stored:
        return None, None
    try:
        values, seconds = decode_pairs(stored)
    except ValueError:
        return None, None
    rest = float(runner.hr_rest_bpm or HR_REST_DEFAULT_BPM)
    if runner.hr_max_bpm:
        top = float(runner.hr_max_bpm)
    elif runner.birth_year:
        top = float(hr_max_tanaka(age_years=today.year - runner.birth_year))
    else:
        return None, None
    male, female = (
        hr_time_trimp(values=values, seconds=seconds, hr_rest_bpm=rest, hr_max_bpm=top, sex=sex)
        for sex in ("male", "female")
    )
    return (None if np.isnan(male) else male), (None if np.isnan(female) else female)


def _analyse_runners(
    session: Session,
    runners: Sequence[Runner],
    *,
    today: dt.date,
    settings: Settings,
    from_date: dt.date | None,
    to_date: dt.date | None,
) -> dict[str, LoadSummary]:
    index = {r.id: i for i, r in enumerate(runners)}
    acts = session.execute(
        select(*_LOAD_COLUMNS)
        .where(Activity.runner_id.in_(list(index)), Activity.local_date <= today)
        .order_by(Activity.local_date, Activity.start_at)
    ).all()
    gear_rows = session.scalars(select(Gear).where(Gear.runner_id.in_(list(index)))).all()
    rows: list[ActivityRow] = []
    gait_runs: dict[str, list[GaitRun]] = defaultdict(list)
    by_gear: dict[str, list[tuple[dt.date, float]]] = defaultdict(list)
    by_id = {r.id: r for r in runners}
    left_out: dict[str, list[LeftOut]] = defaultdict(list)
    for act in acts:
        runner = by_id[act.runner_id]
        duration = float(act.timer_s or act.elapsed_s or 0.0)
        doubts = _doubts(act)
        for w in doubts:
            if w.effect != "none":
                what = {"load": "activity", "hr": "heart rate"}.get(w.effect, w.effect)
                left_out[act.runner_id].append(
                    LeftOut(act.local_date, act.id, act.sport, what, w.code, w.detail)
                )
        effects = {w.effect for w in doubts}
        if "load" in effects:
            continue
        hr_ok = "hr" not in effects
        male, female = _stream_trimps(session, act, runner, today) if hr_ok else (None, None)
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
                stream_trimp_male=male,
                stream_trimp_female=female,
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
    # Each runner's thresholds come from the clinics they consent to; runners sharing
    # thresholds (usually all of them) are analysed in one vectorised pass.
    thresholds = runner_thresholds(session, list(index))
    groups: dict[AnalyticsOptions, list[Runner]] = defaultdict(list)
    for runner in runners:
        opts = analytics_options(thresholds[runner.id], shoe_retire_km=settings.shoe_retire_km)
        groups[opts].append(runner)
    analyses: dict[str, tuple[ClinicAnalysis, int]] = {}
    for options, members in groups.items():
        if len(groups) == 1:
            batch = rows
        else:
            local = {r.id: i for i, r in enumerate(members)}
            batch = [
                replace(row, runner_index=local[runners[row.runner_index].id])
                for row in rows
                if runners[row.runner_index].id in local
            ]
        analysis = analyse(
            table_from_rows(batch), [_profile(r) for r in members], today=today, options=options
        )
        for i, r in enumerate(members):
            analyses[r.id] = (analysis, i)
    pains = _pain(session, list(index), today=today)
    out: dict[str, LoadSummary] = {}
    for runner in runners:
        analysis, position = analyses[runner.id]
        options = analysis.options
        gear = [g for g in gear_rows if g.runner_id == runner.id]
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
            ],
            default_retire_km=options.shoe_retire_km,
        )
        gait = gait_summary(gait_runs[runner.id])
        pain = pains.get(runner.id, ())
        out[runner.id] = summarise(
            analysis,
            position,
            from_date=from_date,
            to_date=to_date,
            gait=gait,
            shoes=shoes,
            extra_flags=gait.flags + shoe_flags,
            pain=pain,
            current_pain=_current_pain(pain, today=today),
            left_out=tuple(left_out[runner.id]),
        )
    return out


def _doubts(act: Any) -> list[DataWarning]:
    """The activity's warnings that leave something out: its stored ones (laps against track)
    and the summary bounds applied to the row now (so rows stored before the checks existed
    are covered, and changed bounds apply to the whole history)."""
    stored = [w for w in from_dicts((act.extra or {}).get("data_warnings")) if w.effect != "none"]
    summary = summary_warnings(
        sport=act.sport,
        distance_m=act.distance_m,
        duration_s=act.timer_s if act.timer_s is not None else act.elapsed_s,
        avg_hr_bpm=act.avg_hr_bpm,
        max_hr_bpm=act.max_hr_bpm,
        avg_cadence_spm=act.avg_cadence_spm if act.sport in _FOOT else None,
    )
    return list(dict.fromkeys([*(w for w in stored if w.code not in SUMMARY_CODES), *summary]))


_FOOT = frozenset({"running", "walking", "hiking"})


def _pain(
    session: Session, runner_ids: list[str], *, today: dt.date
) -> dict[str, tuple[PainPoint, ...]]:
    points: dict[str, list[PainPoint]] = defaultdict(list)
    for e in session.scalars(
        select(PainEntry).where(PainEntry.runner_id.in_(runner_ids), PainEntry.entry_date <= today)
    ):
        if e.nprs_now is not None:
            points[e.runner_id].append(PainPoint(e.entry_date, int(e.nprs_now), "diary"))
    for s in session.scalars(
        select(SessionLog).where(
            SessionLog.runner_id.in_(runner_ids), SessionLog.session_date <= today
        )
    ):
        for kind, value in (("during", s.pain_during), ("after", s.pain_after)):
            if value is not None:
                points[s.runner_id].append(PainPoint(s.session_date, int(value), kind))
    return {k: tuple(sorted(v, key=lambda p: p.date)) for k, v in points.items()}


def _current_pain(pain: tuple[PainPoint, ...], *, today: dt.date) -> int | None:
    """The latest score of the last 7 days (diary preferred on the same day)."""
    recent = [p for p in pain if (today - p.date).days < 7]
    if not recent:
        return None
    last = max(p.date for p in recent)
    same = [p for p in recent if p.date == last]
    diary = [p for p in same if p.kind == "diary"]
    return (diary or same)[-1].score


def load_summary(
    session: Session,
    *,
    runner_handle: str,
    from_date: dt.date | None,
    to_date: dt.date | None,
    today: dt.date,
    settings: Settings,
) -> LoadSummary:
    """The runner's load summary; ``runner.not_found`` or ``load.invalid_range`` on bad input."""
    if from_date and to_date and from_date > to_date:
        raise InvalidInput(f"--from {from_date} is after --to {to_date}", code="load.invalid_range")
    runner = find_runner(session, handle=runner_handle)
    return _analyse_runners(
        session, [runner], today=today, settings=settings, from_date=from_date, to_date=to_date
    )[runner.id]


def clinic_load(
    session: Session,
    *,
    runner_ids: Sequence[str],
    today: dt.date,
    settings: Settings | None = None,
) -> dict[str, LoadSummary]:
    """Every listed runner in one vectorised pass; daily rows for the last 12 weeks."""
    runners = session.scalars(select(Runner).where(Runner.id.in_(list(runner_ids)))).all()
    found = {r.id for r in runners}
    missing = [rid for rid in runner_ids if rid not in found]
    if missing:
        raise InvalidInput(
            "unknown runners",
            code="runner.not_found",
            problems=[{"path": rid, "msg": "no such runner"} for rid in missing],
        )
    return _analyse_runners(
        session,
        list(runners),
        today=today,
        settings=settings or Settings(),
        from_date=today - dt.timedelta(days=DEFAULT_CLINIC_WINDOW_D - 1),
        to_date=today,
    )


__all__ = ["clinic_load", "load_summary"]
