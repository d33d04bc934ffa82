"""Reading stored activities: a list of summaries and one activity in detail, with their coded
data warnings (``ingest.quality``: what was cleaned, salvaged or doubted, and what it leaves
out). ``my_activity_summaries``/``my_activity`` are the runner's own (API); the CLI names a
runner."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.errors import InvalidInput, NotFound
from backstride.ingest.quality import from_dicts
from backstride.ingest.streams import decode_streams
from backstride.services.policy import Principal, own_runner_id
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
    warnings: tuple[dict[str, str], ...] = ()
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


def my_activity_summaries(session: Session, *, principal: Principal) -> list[ActivitySummary]:
    """My activities, newest first, each with its data warnings."""
    runner = session.get(sm.Runner, own_runner_id(principal))
    if runner is None:
        raise NotFound("runner not found", code="runner.not_found")
    return list_activities(session, runner_handle=runner.handle)


def my_activity(session: Session, *, principal: Principal, activity_id: str) -> ActivityDetail:
    """One of my activities in detail; another runner's is ``activity.not_found``."""
    runner = session.get(sm.Runner, own_runner_id(principal))
    if runner is None:
        raise NotFound("runner not found", code="runner.not_found")
    return get_activity(session, activity_id=activity_id, runner_handle=runner.handle)


__all__ = [
    "ActivityDetail",
    "ActivitySummary",
    "LapDetail",
    "get_activity",
    "list_activities",
    "my_activity",
    "my_activity_summaries",
    "resolve_id",
]
