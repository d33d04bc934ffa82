"""Import service: files, folders and export zips -> stored activities, laps, streams, blobs.

``import_paths`` parses items (in a process pool when there are many: parsing is pure and
CPU-bound; the main process is the only writer), dedups each activity against the runner's
stored ones (``ingest.dedup``), stores each with its laps and streams inside its own
savepoint, keeps the original file content-addressed under ``settings.blob_dir`` (written
atomically, ``Blob`` row), and commits once. Importing the same thing twice changes nothing.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.errors import BackstrideError
from backstride.ingest.archive import ArchiveLimits
from backstride.ingest.dedup import START_TOLERANCE_S, dedup_key, same_activity
from backstride.ingest.garmin import hints_from_summary, match_summary
from backstride.ingest.hints import apply_hints
from backstride.ingest.model import Activity
from backstride.ingest.registry import read_bytes
from backstride.ingest.sources import ImportItem, collect, count_inputs
from backstride.services.activity_rows import (
    StreamFacts,
    activity_values,
    stream_facts,
    without_streams,
)
from backstride.services.runners import get_or_create_runner
from backstride.store import models as sm
from backstride.store.base import Base
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
    facts: tuple[StreamFacts, ...] = ()
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
    facts = tuple(stream_facts(a) for a in acts)
    light = tuple(without_streams(a) for a in acts)
    return _Parsed(light, facts, _store_blob(blob_dir, data), len(data))


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
        return _Parsed((item.activity,), (stream_facts(item.activity),))
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
        points += sum(f.n_samples for f in parsed.facts)
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


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


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
        # Core inserts (executemany for laps): the ORM unit of work cost more than SQLite did
        self._insert_activity = insert(_table(sm.Activity))
        self._insert_lap = insert(_table(sm.Lap))
        self._insert_blob = insert(_table(sm.Blob))
        session.flush()  # the runner row exists before its activities reference it
        self._load_index()

    def drain_counts(self) -> list[str]:
        out, self._counts = self._counts, []
        return out

    def store(self, item: ImportItem, parsed: _Parsed) -> FileOutcome | None:
        if parsed.code is not None:
            return FileOutcome(item.label, "skipped", parsed.code, parsed.reason)
        group = item.garmin
        if group is not None and item.activity is not None and id(item.activity) in group.matched:
            return None  # this summary's FIT file was imported with it
        sha = parsed.sha256
        if sha is not None and sha not in self._blobs:
            self._add_blob(sha, parsed.size, item.label)
        ids: list[str] = []
        statuses: list[str] = []
        for act, facts in zip(parsed.activities, parsed.facts, strict=True):
            act = apply_hints(act, item.hints)
            if group is not None and item.activity is None:
                summary = match_summary(act, group.summaries)
                if summary is not None:
                    group.matched.add(id(summary))
                    act = apply_hints(act, hints_from_summary(summary))
            stored = self._store_one(act, item, parsed.sha256, facts)
            statuses.append("imported" if stored else "duplicate")
            if stored:
                ids.append(stored)
        self._counts.extend(statuses)
        status = "imported" if "imported" in statuses else "duplicate"
        return FileOutcome(item.label, status, activity_ids=tuple(ids))

    def _add_blob(self, sha: str, size: int, label: str) -> None:
        """The ``Blob`` row of a stored original, unless it is already there (re-import, or
        another importer just added it): the primary key decides, no look-up first."""
        values = {"sha256": sha, "size_bytes": size, "filename": label[-255:]}
        try:
            with self.session.begin_nested():
                self.session.execute(self._insert_blob, [{**values, "created_at": self.now}])
        except IntegrityError:
            pass
        self._blobs.add(sha)

    def _load_index(self) -> None:
        rows = self.session.execute(
            select(
                sm.Activity.start_at,
                sm.Activity.sport,
                sm.Activity.distance_m,
                sm.Activity.dedup_key,
            ).where(sm.Activity.runner_id == self.runner.id)
        ).all()
        self._keys = {r.dedup_key for r in rows}
        # (start, unique number, sport, distance): the number keeps tuples from comparing None
        self._index = sorted(
            (r.start_at.timestamp(), i, r.sport, r.distance_m) for i, r in enumerate(rows)
        )
        self._blobs: set[str] = set()

    def _is_duplicate(self, act: Activity, key: str) -> bool:
        """Same key, or the same activity within the dedup window (in-memory index)."""
        if key in self._keys:
            return True
        t = act.start_at.timestamp()
        lo = bisect.bisect_left(self._index, (t - START_TOLERANCE_S,))
        for start, _, sport, distance in self._index[lo:]:
            if start > t + START_TOLERANCE_S:
                break
            when = dt.datetime.fromtimestamp(start, dt.UTC)
            if same_activity(act.sport, act.start_at, act.distance_m, sport, when, distance):
                return True
        return False

    def _remember(self, act: Activity, key: str) -> None:
        self._keys.add(key)
        entry = (act.start_at.timestamp(), len(self._index), act.sport, act.distance_m)
        bisect.insort(self._index, entry)

    def _store_one(
        self, act: Activity, item: ImportItem, sha: str | None, facts: StreamFacts
    ) -> str | None:
        key = dedup_key(act)
        if self._is_duplicate(act, key):
            return None
        source = item.source if act.format != "summary" or item.source != "file" else "manual"
        row, laps = activity_values(
            act,
            facts,
            runner_id=self.runner.id,
            source=source,
            blob_sha256=sha,
            dedup_key=key,
            gear_id=self._gear_id(act),
            tz=self._tz,
            now=self.now,
        )
        try:
            with self.session.begin_nested():  # the activity and its laps, or nothing
                self.session.execute(self._insert_activity, [row])
                if laps:
                    self.session.execute(self._insert_lap, laps)
        except IntegrityError:
            return None
        self._remember(act, key)
        return str(row["id"])

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


__all__ = ["FileOutcome", "ImportProgress", "ImportReport", "import_paths"]
