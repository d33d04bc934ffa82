"""Reading stored activities: a list of summaries and one activity in detail, with their coded
data warnings (``ingest.quality``: what was cleaned, salvaged or doubted, and what it leaves
out). ``my_activity_summaries``/``my_activity`` are the runner's own (API); the CLI names a
runner."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.analytics.load_models import (
    HR_REST_DEFAULT_BPM,
    Sex,
    hr_max_tanaka,
    hr_time_trimp,
    rtss,
)
from backstride.errors import InvalidInput, NotFound
from backstride.ingest.model import (
    ALTITUDE_M,
    DISTANCE_M,
    HR_BPM,
    SPEED_M_S,
    TIME_S,
    DataWarningDict,
)
from backstride.ingest.quality import from_dicts
from backstride.ingest.streams import decode_pairs, decode_streams
from backstride.services.policy import Principal, own_runner_id
from backstride.services.rows.activity import hr_time_from_streams
from backstride.store import models as sm


@dataclass(frozen=True, slots=True)
class ActivitySummary:
    """One row of ``backstride activities list``."""

    id: str
    runner_handle: str
    source: str
    format: str | None
    sport: str
    sub_sport: str | None
    name: str | None
    start_at: dt.datetime
    local_date: dt.date
    elapsed_s: float
    timer_s: float | None
    distance_m: float | None
    ascent_m: float | None
    avg_hr_bpm: float | None
    avg_cadence_spm: float | None
    has_running_dynamics: bool
    n_samples: int
    warnings: tuple[DataWarningDict, ...] = ()
    """Coded data warnings (``code``, ``detail``, ``effect``: what it leaves out)."""


@dataclass(frozen=True, slots=True)
class LapDetail:
    """One stored lap."""

    index: int
    start_at: dt.datetime
    elapsed_s: float | None
    timer_s: float | None
    distance_m: float | None
    avg_hr_bpm: float | None
    max_hr_bpm: float | None
    avg_cadence_spm: float | None
    intensity: str | None


@dataclass(frozen=True, slots=True)
class ActivityDetail:
    """Everything stored about one activity except the raw samples (channel names only)."""

    summary: ActivitySummary
    local_offset_s: int | None
    descent_m: float | None
    downhill_m: float | None
    max_hr_bpm: float | None
    cadence_basis: str | None
    avg_power_w: float | None
    avg_stance_time_ms: float | None
    avg_stance_balance_left_pct: float | None
    avg_vertical_oscillation_mm: float | None
    avg_step_length_mm: float | None
    avg_vertical_ratio_pct: float | None
    rpe: float | None
    feel: float | None
    device: str | None
    creator: str | None
    gear: str | None
    description: str | None
    blob_sha256: str | None
    channels: tuple[str, ...]
    laps: tuple[LapDetail, ...]
    extra: dict[str, object]


def _summary(row: sm.Activity, handle: str) -> ActivitySummary:
    return ActivitySummary(
        id=row.id,
        runner_handle=handle,
        source=row.source,
        format=row.format,
        sport=row.sport,
        sub_sport=row.sub_sport,
        name=row.name,
        start_at=row.start_at,
        local_date=row.local_date,
        elapsed_s=row.elapsed_s,
        timer_s=row.timer_s,
        distance_m=row.distance_m,
        ascent_m=row.ascent_m,
        avg_hr_bpm=row.avg_hr_bpm,
        avg_cadence_spm=row.avg_cadence_spm,
        has_running_dynamics=row.has_running_dynamics,
        n_samples=row.n_samples,
        warnings=tuple(w.to_dict() for w in from_dicts((row.extra or {}).get("data_warnings"))),
    )


def list_activities(session: Session, *, runner_handle: str | None = None) -> list[ActivitySummary]:
    """Stored activities, newest first (one runner's when ``runner_handle`` is given)."""
    query = select(sm.Activity, sm.Runner.handle).join(
        sm.Runner, sm.Runner.id == sm.Activity.runner_id
    )
    if runner_handle is not None:
        query = query.where(sm.Runner.handle == runner_handle)
    rows = session.execute(query.order_by(sm.Activity.start_at.desc())).all()
    return [_summary(a, h) for a, h in rows]


def resolve_id(session: Session, *, activity_id: str, runner_handle: str | None = None) -> str:
    """A full activity id from an id or a unique prefix (of one runner's activities when
    ``runner_handle`` is given); ``activity.not_found`` or ``activity.ambiguous_id``."""
    query = select(sm.Activity.id).join(sm.Runner, sm.Runner.id == sm.Activity.runner_id)
    if runner_handle is not None:
        query = query.where(sm.Runner.handle == runner_handle)
    exact = session.scalar(query.where(sm.Activity.id == activity_id))
    if exact is not None:
        return exact
    hits = session.scalars(query.where(sm.Activity.id.startswith(activity_id)).limit(5)).all()
    if not activity_id or not hits:
        whose = f" of runner {runner_handle!r}" if runner_handle else ""
        raise NotFound(f"no activity {activity_id!r}{whose}", code="activity.not_found")
    if len(hits) > 1:
        raise InvalidInput(
            f"{activity_id!r} starts {len(hits)} activity ids: give more of the id",
            code="activity.ambiguous_id",
        )
    return str(hits[0])


def get_activity(
    session: Session, *, activity_id: str, runner_handle: str | None = None
) -> ActivityDetail:
    """One activity in detail (one runner's when ``runner_handle`` is given), or
    ``activity.not_found``."""
    query = (
        select(sm.Activity, sm.Runner.handle)
        .join(sm.Runner, sm.Runner.id == sm.Activity.runner_id)
        .where(sm.Activity.id == activity_id)
    )
    if runner_handle is not None:
        query = query.where(sm.Runner.handle == runner_handle)
    found = session.execute(query).one_or_none()
    if found is None:
        raise NotFound(f"no activity {activity_id!r}", code="activity.not_found")
    row, handle = found
    gear = session.get(sm.Gear, row.gear_id) if row.gear_id else None
    return ActivityDetail(
        summary=_summary(row, handle),
        local_offset_s=row.local_offset_s,
        descent_m=row.descent_m,
        downhill_m=row.downhill_m,
        max_hr_bpm=row.max_hr_bpm,
        cadence_basis=row.cadence_unit_inferred,
        avg_power_w=row.avg_power_w,
        avg_stance_time_ms=row.avg_stance_time_ms,
        avg_stance_balance_left_pct=row.avg_stance_balance_left_pct,
        avg_vertical_oscillation_mm=row.avg_vertical_oscillation_mm,
        avg_step_length_mm=row.avg_step_length_mm,
        avg_vertical_ratio_pct=row.avg_vertical_ratio_pct,
        rpe=row.rpe,
        feel=row.feel,
        device=row.device,
        creator=row.creator,
        gear=gear.name if gear else None,
        description=row.description,
        blob_sha256=row.blob_sha256,
        channels=tuple(decode_streams(row.streams)) if row.streams else (),
        laps=tuple(
            LapDetail(
                index=lap.index,
                start_at=lap.start_at,
                elapsed_s=lap.elapsed_s,
                timer_s=lap.timer_s,
                distance_m=lap.distance_m,
                avg_hr_bpm=lap.avg_hr_bpm,
                max_hr_bpm=lap.max_hr_bpm,
                avg_cadence_spm=lap.avg_cadence_spm,
                intensity=lap.intensity,
            )
            for lap in row.laps
        ),
        extra=dict(row.extra or {}),
    )


@dataclass(frozen=True, slots=True)
class ActivityRow:
    """One line of my activity list (no samples loaded)."""

    id: str
    start_at: dt.datetime
    local_date: dt.date
    sport: str
    name: str | None
    distance_m: float | None
    duration_s: float
    avg_hr_bpm: float | None
    gear: str | None


@dataclass(frozen=True, slots=True)
class ActivityPage:
    """One page of my activities, newest first, with the filter's totals."""

    rows: tuple[ActivityRow, ...]
    total: int
    page: int
    pages: int
    sports: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActivitySeries:
    """Pace, heart rate and elevation along one activity, thinned for a chart."""

    time_s: tuple[float, ...]
    distance_m: tuple[float | None, ...]
    pace_s_per_km: tuple[float | None, ...]
    hr_bpm: tuple[float | None, ...]
    altitude_m: tuple[float | None, ...]


MAX_PER_PAGE = 100


def my_activities(
    session: Session,
    *,
    principal: Principal,
    page: int = 1,
    per_page: int = 25,
    sport: str | None = None,
    text: str | None = None,
) -> ActivityPage:
    """My activities, newest first, filtered by sport and by a word in the name; one page."""
    runner_id = own_runner_id(principal)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    where = [sm.Activity.runner_id == runner_id]
    if sport:
        where.append(sm.Activity.sport == sport)
    if text:
        where.append(sm.Activity.name.icontains(text.strip()[:60], autoescape=True))
    total = session.scalar(select(func.count()).select_from(sm.Activity).where(*where)) or 0
    pages = max(1, -(-int(total) // per_page))
    page = max(1, min(page, pages))
    found = session.execute(
        select(
            sm.Activity.id,
            sm.Activity.start_at,
            sm.Activity.local_date,
            sm.Activity.sport,
            sm.Activity.name,
            sm.Activity.distance_m,
            func.coalesce(sm.Activity.timer_s, sm.Activity.elapsed_s),
            sm.Activity.avg_hr_bpm,
            sm.Gear.name,
        )
        .outerjoin(sm.Gear, sm.Gear.id == sm.Activity.gear_id)
        .where(*where)
        .order_by(sm.Activity.start_at.desc(), sm.Activity.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    sports = session.scalars(
        select(sm.Activity.sport)
        .where(sm.Activity.runner_id == runner_id)
        .distinct()
        .order_by(sm.Activity.sport)
    ).all()
    rows = tuple(
        ActivityRow(r[0], r[1], r[2], r[3], r[4], r[5], float(r[6] or 0.0), r[7], r[8])
        for r in found
    )
    return ActivityPage(rows, int(total), page, pages, tuple(sports))


def my_activities_by_ids(
    session: Session, *, principal: Principal, ids: list[str]
) -> list[ActivityRow]:
    """My activities among ``ids`` (others' ids are ignored)."""
    if not ids:
        return []
    found = session.execute(
        select(
            sm.Activity.id,
            sm.Activity.start_at,
            sm.Activity.local_date,
            sm.Activity.sport,
            sm.Activity.name,
            sm.Activity.distance_m,
            func.coalesce(sm.Activity.timer_s, sm.Activity.elapsed_s),
            sm.Activity.avg_hr_bpm,
        ).where(sm.Activity.runner_id == own_runner_id(principal), sm.Activity.id.in_(ids))
    ).all()
    return [
        ActivityRow(r[0], r[1], r[2], r[3], r[4], r[5], float(r[6] or 0.0), r[7], None)
        for r in found
    ]


def _owned(session: Session, principal: Principal, activity_id: str) -> sm.Activity:
    row = session.get(sm.Activity, activity_id) if len(activity_id) <= 64 else None
    if row is None or row.runner_id != own_runner_id(principal):
        raise NotFound("no such activity", code="activity.not_found")
    return row


def my_activity(session: Session, *, principal: Principal, activity_id: str) -> ActivityDetail:
    """One of my activities in detail (someone else's gives ``activity.not_found``)."""
    _owned(session, principal, activity_id)
    return get_activity(session, activity_id=activity_id)


def _thin(values: np.ndarray, index: np.ndarray) -> tuple[float | None, ...]:
    picked = values[index]
    return tuple(None if not np.isfinite(v) else round(float(v), 2) for v in picked)


def my_activity_series(
    session: Session, *, principal: Principal, activity_id: str, max_points: int = 600
) -> ActivitySeries | None:
    """Pace (smoothed over about 30 s), heart rate and elevation over time; None without samples."""
    row = _owned(session, principal, activity_id)
    if not row.streams:
        return None
    channels = decode_streams(row.streams)
    t = channels.get(TIME_S)
    if t is None or t.size < 2:
        return None
    n = t.size
    nan = np.full(n, np.nan)
    dist = channels.get(DISTANCE_M, nan)
    speed = channels.get(SPEED_M_S)
    if speed is None and np.isfinite(dist).sum() > 1:
        window = max(1, round(30 / max(float(np.median(np.diff(t))), 1e-3)))
        d_fwd = np.concatenate([dist[window:], np.full(min(window, n), np.nan)])
        t_fwd = np.concatenate([t[window:], np.full(min(window, n), np.nan)])
        with np.errstate(invalid="ignore", divide="ignore"):
            speed = (d_fwd - dist) / (t_fwd - t)
    if speed is None:
        speed = nan
    with np.errstate(invalid="ignore", divide="ignore"):
        pace = np.where(speed > 0.5, 1000.0 / speed, np.nan)
    pace = np.where(pace < 1800, pace, np.nan)
    index = np.unique(np.linspace(0, n - 1, min(n, max_points)).round().astype(int))
    return ActivitySeries(
        time_s=tuple(round(float(v), 1) for v in (t[index] - t[0])),
        distance_m=_thin(dist, index),
        pace_s_per_km=_thin(pace, index),
        hr_bpm=_thin(channels.get(HR_BPM, nan), index),
        altitude_m=_thin(channels.get(ALTITUDE_M, nan), index),
    )


@dataclass(frozen=True, slots=True)
class ActivityLoad:
    """One activity's training load by each model the data allows (clinical reference §5.5-5.7).

    ``None`` where a model has no input; ``estimated`` names the inputs that were assumed.
    """

    trimp: float | None
    srpe: float | None
    rtss: float | None
    estimated: tuple[str, ...]


def my_activity_load(
    session: Session, *, principal: Principal, activity_id: str, today: dt.date
) -> ActivityLoad:
    """Banister TRIMP from the heart-rate time distribution, session RPE x minutes and rTSS.

    Rest heart rate 60 when not set and HRmax by Tanaka et al. 2001 from the birth year when
    not set (both said as estimated); the sex-specific TRIMP constant, the mean of both when
    the sex is not known (Banister 1991; clinical reference §5.6).
    """
    row = _owned(session, principal, activity_id)
    runner = session.get(sm.Runner, row.runner_id)
    duration = float(row.timer_s or row.elapsed_s or 0.0)
    estimated: list[str] = []
    trimp: float | None = None
    stored = row.hr_time if row.hr_time is not None else hr_time_from_streams(row.streams)
    if stored and runner is not None:
        values, seconds = decode_pairs(stored)
        rest = float(runner.hr_rest_bpm or HR_REST_DEFAULT_BPM)
        if not runner.hr_rest_bpm:
            estimated.append(f"resting heart rate {HR_REST_DEFAULT_BPM:.0f} bpm")
        top: float | None = float(runner.hr_max_bpm) if runner.hr_max_bpm else None
        if top is None and runner.birth_year:
            top = float(hr_max_tanaka(age_years=today.year - runner.birth_year))
            estimated.append(f"maximum heart rate {top:.0f} bpm (Tanaka 2001)")
        if top is not None:
            sexes: tuple[Sex, ...] = (
                (runner.sex,) if runner.sex in ("male", "female") else ("male", "female")  # type: ignore[assignment]
            )
            if len(sexes) == 2:
                estimated.append("the mean of both sexes' constants (sex not set)")
            scores = [
                hr_time_trimp(
                    values=values, seconds=seconds, hr_rest_bpm=rest, hr_max_bpm=top, sex=x
                )
                for x in sexes
            ]
            finite = [v for v in scores if np.isfinite(v)]
            trimp = sum(finite) / len(finite) if finite else None
    srpe = float(row.rpe * duration / 60.0) if row.rpe is not None else None
    rtss_value: float | None = None
    threshold = runner.threshold_pace_s_per_km if runner is not None else None
    if threshold and row.distance_m:
        value = float(
            rtss(
                duration_s=duration,
                pace_s_per_km=duration / (row.distance_m / 1000.0),
                threshold_pace_s_per_km=threshold,
            )
        )
        rtss_value = value if np.isfinite(value) else None
    session.rollback()
    return ActivityLoad(trimp, srpe, rtss_value, tuple(estimated))


def my_activity_summaries(session: Session, *, principal: Principal) -> list[ActivitySummary]:
    """My activities, newest first, each with its data warnings."""
    runner = session.get(sm.Runner, own_runner_id(principal))
    if runner is None:
        raise NotFound("runner not found", code="runner.not_found")
    return list_activities(session, runner_handle=runner.handle)


__all__ = [
    "ActivityDetail",
    "ActivityLoad",
    "ActivityPage",
    "ActivityRow",
    "ActivitySeries",
    "ActivitySummary",
    "LapDetail",
    "get_activity",
    "list_activities",
    "my_activities",
    "my_activities_by_ids",
    "my_activity",
    "my_activity_load",
    "my_activity_series",
    "my_activity_summaries",
    "resolve_id",
]
