"""Load summaries from stored activities: one runner or a whole clinic in one pass.

Reads plain rows (activities without their stream blobs, gear, the pain diary, each runner's
thresholds) and hands the whole batch to the pure
:func:`backstride.analytics.runner_summaries.runner_summaries` (one vectorised pass per set of
thresholds). Read-only: no commit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.analytics import LoadSummary, RunnerProfile
from backstride.analytics.load_models import (
    HR_REST_DEFAULT_BPM,
    hr_max_tanaka,
    hr_time_trimp,
)
from backstride.analytics.load_summary import PainPoint
from backstride.analytics.runner_summaries import StoredActivity, StoredGear, runner_summaries
from backstride.config import Settings
from backstride.errors import InvalidInput
from backstride.ingest.model import DataWarning
from backstride.ingest.quality import (
    SUMMARY_CODES,
    from_dicts,
    summary_warnings,
)
from backstride.ingest.streams import decode_pairs
from backstride.services.clinic_settings import analytics_options, runner_thresholds
from backstride.services.rows.activity import hr_time_from_streams
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
    """Read the runners' rows and hand them to :func:`analytics.runner_summaries`."""
    runner_ids = [r.id for r in runners]
    acts = session.execute(
        select(*_LOAD_COLUMNS)
        .where(Activity.runner_id.in_(runner_ids), Activity.local_date <= today)
        .order_by(Activity.local_date, Activity.start_at)
    ).all()
    gear_rows = session.scalars(select(Gear).where(Gear.runner_id.in_(runner_ids))).all()
    by_id = {r.id: r for r in runners}
    stored: list[StoredActivity] = []
    for act in acts:
        doubts = tuple(_doubts(act))
        effects = {w.effect for w in doubts}
        male, female = (
            _stream_trimps(session, act, by_id[act.runner_id], today)
            if "load" not in effects and "hr" not in effects
            else (None, None)
        )
        stored.append(
            StoredActivity(
                id=act.id,
                runner_id=act.runner_id,
                local_date=act.local_date,
                sport=act.sport,
                duration_s=float(act.timer_s or act.elapsed_s or 0.0),
                distance_m=act.distance_m,
                ascent_m=act.ascent_m,
                descent_m=act.descent_m,
                downhill_m=act.downhill_m,
                avg_hr_bpm=act.avg_hr_bpm,
                max_hr_bpm=act.max_hr_bpm,
                rpe=act.rpe,
                avg_cadence_spm=act.avg_cadence_spm,
                avg_stance_time_ms=act.avg_stance_time_ms,
                avg_vertical_oscillation_mm=act.avg_vertical_oscillation_mm,
                avg_step_length_mm=act.avg_step_length_mm,
                avg_stance_balance_left_pct=act.avg_stance_balance_left_pct,
                gear_id=act.gear_id,
                doubts=doubts,
                stream_trimp_male=male,
                stream_trimp_female=female,
            )
        )
    # Each runner's thresholds come from the clinics they consent to.
    thresholds = runner_thresholds(session, runner_ids)
    return runner_summaries(
        [_profile(r) for r in runners],
        stored,
        [StoredGear(g.id, g.runner_id, g.name, g.retired, g.retire_km) for g in gear_rows],
        options={
            r.id: analytics_options(thresholds[r.id], shoe_retire_km=settings.shoe_retire_km)
            for r in runners
        },
        pain=_pain(session, runner_ids, today=today),
        today=today,
        from_date=from_date,
        to_date=to_date,
    )


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
