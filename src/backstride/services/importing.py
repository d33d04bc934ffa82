"""Import service: files, folders and export zips -> stored activities, laps, streams, blobs.

``import_paths`` parses items (in a process pool when there are many: parsing is pure and
CPU-bound; the main process is the only writer), dedups each activity against the runner's
stored ones (``ingest.dedup``), stores each with its laps and streams inside its own
savepoint, keeps the original file content-addressed under ``settings.blob_dir`` (written
atomically, ``Blob`` row), and commits once. Importing the same thing twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.errors import BackstrideError
from backstride.ingest import model as m
from backstride.ingest.archive import ArchiveLimits
from backstride.ingest.dedup import START_TOLERANCE_S, dedup_key, same_activity
from backstride.ingest.garmin import hints_from_summary, match_summary
from backstride.ingest.hints import apply_hints
from backstride.ingest.model import Activity
from backstride.ingest.registry import read_bytes
from backstride.ingest.sources import ImportItem, collect, count_inputs
from backstride.ingest.streams import encode_streams
from backstride.ingest.summary import downhill_distance_m
from backstride.services.runners import get_or_create_runner
from backstride.store import models as sm
from backstride.units import new_id

PARALLEL_MIN_ITEMS = 8
_IN_FLIGHT = 8


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """Progress so far (``files_total`` is an estimate for archives)."""

    files_done: int
    files_total: int
    points: int
    imported: int
    current: str


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What happened to one file or export entry."""

    label: str
    status: str  # imported | duplicate | skipped
    code: str | None = None
    reason: str | None = None
    activity_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportReport:
    """The end report: counts of activities and one outcome per file."""

    runner_id: str
    imported: int
    duplicates: int
    skipped: int
    points: int
    files: tuple[FileOutcome, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class _Parsed:
    activities: tuple[Activity, ...] = ()
    encoded: tuple[bytes | None, ...] = ()
    sha256: str | None = None
    size: int = 0
    code: str | None = None
    reason: str | None = None


def _store_blob(blob_dir: Path, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    target = blob_dir / digest[:2] / digest
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return digest


def _parse(
    label: str, path: Path | None, data: bytes | None, max_bytes: int, blob_dir: Path
) -> _Parsed:
    """Read one file (runs in a worker process); the blob is written only when it parsed."""
    try:
        if data is None:
            assert path is not None
            size = path.stat().st_size
            if size > max_bytes:
                return _Parsed(code="ingest.too_large", reason=f"{size} bytes, limit {max_bytes}")
            data = path.read_bytes()
        acts = read_bytes(data, name=label, max_bytes=max_bytes)
    except BackstrideError as exc:
        return _Parsed(code=exc.code, reason=exc.detail)
    except OSError as exc:
        return _Parsed(code="ingest.corrupt_file", reason=f"{label}: cannot read ({exc.strerror})")
    encoded = tuple(encode_streams(a.streams) if a.n_samples else None for a in acts)
    return _Parsed(tuple(acts), encoded, _store_blob(blob_dir, data), len(data))


def _parsed_items(
    items: Iterator[ImportItem], settings: Settings, *, parallel: bool
) -> Iterator[tuple[ImportItem, _Parsed]]:
    args = (settings.max_file_bytes, settings.blob_dir)
    if not parallel:
        for item in items:
            yield item, _resolve(item, None, args)
        return
    with ProcessPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
        window: deque[tuple[ImportItem, Future[_Parsed] | None]] = deque()
        for item in items:
            fut = (
                pool.submit(_parse, item.label, item.path, item.data, *args)
                if _needs_parse(item)
                else None
            )
            window.append((item, fut))
            while len(window) >= _IN_FLIGHT:
                head, f = window.popleft()
                yield head, _resolve(head, f, args)
        while window:
            head, f = window.popleft()
            yield head, _resolve(head, f, args)


def _needs_parse(item: ImportItem) -> bool:
    return item.error is None and item.activity is None


def _resolve(item: ImportItem, fut: Future[_Parsed] | None, args: tuple[int, Path]) -> _Parsed:
    if item.error is not None:
        return _Parsed(code=item.error.code, reason=item.error.detail)
    if item.activity is not None:
        return _Parsed((item.activity,))
    if fut is not None:
        return fut.result()
    return _parse(item.label, item.path, item.data, *args)


def import_paths(
    session: Session,
    *,
    settings: Settings,
    runner_handle: str,
    paths: Sequence[Path],
    now: dt.datetime,
    progress: Callable[[ImportProgress], None] | None = None,
) -> ImportReport:
    """Import activity files, folders and Strava/Garmin export zips for one runner."""
    runner = get_or_create_runner(session, handle=runner_handle, now=now)
    limits = ArchiveLimits(
        max_total_bytes=settings.max_archive_uncompressed_bytes,
        max_ratio=settings.max_archive_ratio,
        max_entries=settings.max_archive_entries,
        max_member_bytes=settings.max_file_bytes,
    )
    total = count_inputs(paths)
    writer = _Writer(session, runner, settings=settings, now=now)
    outcomes: list[FileOutcome] = []
    counts = {"imported": 0, "duplicate": 0, "skipped": 0}
    points = 0
    for done, (item, parsed) in enumerate(
        _parsed_items(
            collect(paths, limits=limits), settings, parallel=total >= PARALLEL_MIN_ITEMS
        ),
        1,
    ):
        outcome = writer.store(item, parsed)
        if outcome is not None:
            outcomes.append(outcome)
            if outcome.status == "skipped":
                counts["skipped"] += 1
        for status in writer.drain_counts():
            counts[status] += 1
        points += sum(a.n_samples for a in parsed.activities)
        if progress is not None:
            progress(ImportProgress(done, max(total, done), points, counts["imported"], item.label))
    session.commit()
    return ImportReport(
        runner.id,
        counts["imported"],
        counts["duplicate"],
        counts["skipped"],
        points,
        tuple(outcomes),
    )


class _Writer:
    """Stores parsed activities one savepoint each (the only writer)."""

    def __init__(
        self, session: Session, runner: sm.Runner, *, settings: Settings, now: dt.datetime
    ) -> None:
        self.session, self.runner, self.settings, self.now = session, runner, settings, now
        self._gear: dict[str, str] = {}
        self._counts: list[str] = []
        try:
            self._tz: dt.tzinfo = ZoneInfo(runner.timezone or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            self._tz = dt.UTC

    def drain_counts(self) -> list[str]:
        out, self._counts = self._counts, []
        return out

    def store(self, item: ImportItem, parsed: _Parsed) -> FileOutcome | None:
        if parsed.code is not None:
            return FileOutcome(item.label, "skipped", parsed.code, parsed.reason)
        group = item.garmin
        if group is not None and item.activity is not None and id(item.activity) in group.matched:
            return None  # this summary's FIT file was imported with it
        if parsed.sha256 is not None and self.session.get(sm.Blob, parsed.sha256) is None:
            self.session.add(
                sm.Blob(
                    sha256=parsed.sha256,
                    size_bytes=parsed.size,
                    filename=item.label[-255:],
                    created_at=self.now,
                )
            )
        ids: list[str] = []
        statuses: list[str] = []
        encoded = parsed.encoded or (None,) * len(parsed.activities)
        for act, enc in zip(parsed.activities, encoded, strict=True):
            act = apply_hints(act, item.hints)
            if group is not None and item.activity is None:
                summary = match_summary(act, group.summaries)
                if summary is not None:
                    group.matched.add(id(summary))
                    act = apply_hints(act, hints_from_summary(summary))
            stored = self._store_one(act, item, parsed.sha256, enc)
            statuses.append("imported" if stored else "duplicate")
            if stored:
                ids.append(stored)
        self._counts.extend(statuses)
        status = "imported" if "imported" in statuses else "duplicate"
        return FileOutcome(item.label, status, activity_ids=tuple(ids))

    def _is_duplicate(self, act: Activity, key: str) -> bool:
        lo = act.start_at - dt.timedelta(seconds=START_TOLERANCE_S)
        hi = act.start_at + dt.timedelta(seconds=START_TOLERANCE_S)
        rows = self.session.execute(
            select(
                sm.Activity.sport,
                sm.Activity.start_at,
                sm.Activity.distance_m,
                sm.Activity.dedup_key,
            ).where(
                sm.Activity.runner_id == self.runner.id,
                sm.Activity.start_at >= lo,
                sm.Activity.start_at <= hi,
            )
        ).all()
        return any(
            r.dedup_key == key
            or same_activity(
                act.sport, act.start_at, act.distance_m, r.sport, r.start_at, r.distance_m
            )
            for r in rows
        )

    def _store_one(
        self, act: Activity, item: ImportItem, sha: str | None, enc: bytes | None
    ) -> str | None:
        key = dedup_key(act)
        if self._is_duplicate(act, key):
            return None
        row = self._row(act, item, sha, key, enc)
        try:
            with self.session.begin_nested():
                self.session.add(row)
                self.session.flush()
        except IntegrityError:
            return None
        return row.id

    def _gear_id(self, act: Activity) -> str | None:
        if not act.gear:
            return None
        name = act.gear[:200]
        if name not in self._gear:
            found = self.session.scalars(
                select(sm.Gear).where(sm.Gear.runner_id == self.runner.id, sm.Gear.name == name)
            ).one_or_none()
            if found is None:
                kind = str(
                    act.extra.get("gear_kind") or ("bike" if act.sport == "cycling" else "shoe")
                )
                found = sm.Gear(
                    id=new_id(),
                    runner_id=self.runner.id,
                    name=name,
                    kind=kind,
                    retired=False,
                    created_at=self.now,
                )
                self.session.add(found)
                self.session.flush()
            self._gear[name] = found.id
        return self._gear[name]

    def _row(
        self, act: Activity, item: ImportItem, sha: str | None, key: str, enc: bytes | None
    ) -> sm.Activity:
        s = act.streams
        if act.local_offset_s is not None:
            local_date = (act.start_at + dt.timedelta(seconds=act.local_offset_s)).date()
        else:
            local_date = act.start_at.astimezone(self._tz).date()
        row = sm.Activity(
            id=new_id(),
            runner_id=self.runner.id,
            dedup_key=key,
            source=item.source if act.format != "summary" or item.source != "file" else "manual",
            format=act.format if act.format != "summary" else None,
            blob_sha256=sha,
            sport=act.sport[:32],
            sub_sport=(act.sub_sport or None),
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
            downhill_m=downhill_distance_m(s.get(m.DISTANCE_M), s.get(m.ALTITUDE_M)),
            avg_hr_bpm=act.avg_hr_bpm,
            max_hr_bpm=act.max_hr_bpm,
            avg_cadence_spm=act.avg_cadence_spm,
            cadence_unit_inferred=act.cadence_basis,
            avg_power_w=act.avg_power_w,
            avg_stance_time_ms=_mean(s.get(m.STANCE_TIME_MS)),
            avg_stance_balance_left_pct=_mean(s.get(m.STANCE_TIME_BALANCE_LEFT_PCT)),
            avg_vertical_oscillation_mm=_mean(s.get(m.VERTICAL_OSCILLATION_MM)),
            avg_step_length_mm=_mean(s.get(m.STEP_LENGTH_MM)),
            avg_vertical_ratio_pct=_mean(s.get(m.VERTICAL_RATIO_PCT)),
            has_running_dynamics=act.has_running_dynamics,
            rpe=act.rpe,
            feel=act.feel,
            n_samples=act.n_samples,
            device=act.device[:120] if act.device else None,
            creator=act.creator[:200] if act.creator else None,
            gear_id=self._gear_id(act),
            streams=enc if enc is not None else (encode_streams(s) if act.n_samples else None),
            extra=_jsonable(act.extra),
            imported_at=self.now,
        )
        row.laps = [
            sm.Lap(
                index=lap.index,
                start_at=lap.start_at,
                elapsed_s=lap.elapsed_s,
                timer_s=lap.timer_s,
                distance_m=lap.distance_m,
                avg_hr_bpm=lap.avg_hr_bpm,
                max_hr_bpm=lap.max_hr_bpm,
                avg_cadence_spm=lap.avg_cadence_spm,
                intensity=lap.intensity[:16] if lap.intensity else None,
            )
            for lap in act.laps
        ]
        return row


def _mean(values: np.ndarray | None) -> float | None:
    if values is None:
        return None
    good = values[np.isfinite(values) & (values != 0)]
    return float(good.mean()) if len(good) else None


def _jsonable(extra: Mapping[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    if True:
        for k, v in extra.items():
            if isinstance(v, (str, int, float, bool)) or v is None:
                out[str(k)] = v
            elif isinstance(v, np.generic):
                out[str(k)] = v.item()
            elif isinstance(v, (list, tuple, dict)):
                out[str(k)] = v
            else:
                out[str(k)] = str(v)
    return out


__all__ = ["FileOutcome", "ImportProgress", "ImportReport", "import_paths"]
