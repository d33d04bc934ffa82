"""Import service: files, folders and export zips -> stored activities, laps, streams, blobs.

``import_paths`` parses items (in a process pool when there are many: parsing is pure and
CPU-bound; workers also encode the streams and keep the original file content-addressed under
``settings.blob_dir``, written atomically); the main process is the only writer: it dedups
each activity against the runner's stored ones (``ingest.dedup``), stores it with its laps,
streams and ``Blob`` row (in batches, each activity whole or not at all:
``services.import_writer``) and commits once. Importing the same thing twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.errors import BackstrideError
from backstride.ingest.archive import ArchiveLimits
from backstride.ingest.errors import NO_DATE, ingest_error
from backstride.ingest.model import Activity
from backstride.ingest.quality import check
from backstride.ingest.registry import read_bytes
from backstride.ingest.sources import ImportItem, collect, count_inputs
from backstride.services.activity_rows import (
    stream_facts,
    without_streams,
)
from backstride.services.import_writer import FileOutcome, Parsed, Writer
from backstride.services.runners import get_or_create_runner

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
class ImportReport:
    """The end report: counts of activities and one outcome per file."""

    runner_id: str
    imported: int
    duplicates: int
    skipped: int
    points: int
    files: tuple[FileOutcome, ...] = field(default_factory=tuple)


def dated(acts: Sequence[Activity], *, name: str) -> list[Activity]:
    """The activities that carry a real date; ``ingest.no_date`` when none does.

    An activity with device time since power-up (``Activity.undated``) would land in 1990 and
    distort every load figure, so it is not stored: the file outcome says why.
    """
    kept = [a for a in acts if not a.undated]
    if acts and not kept:
        raise ingest_error(
            NO_DATE,
            "the watch recorded time since it was switched on, not the date, so this activity "
            "cannot be placed on the calendar; export it again from the watch's app or "
            "Garmin Connect, which add the date",
            name=name,
        )
    return kept


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
) -> Parsed:
    """Read one file (runs in a worker process); the blob is written only when it parsed."""
    try:
        if data is None:
            assert path is not None
            size = path.stat().st_size
            if size > max_bytes:
                return Parsed(code="ingest.too_large", reason=f"{size} bytes, limit {max_bytes}")
            data = path.read_bytes()
        acts = dated(read_bytes(data, name=label, max_bytes=max_bytes), name=label)
    except BackstrideError as exc:
        return Parsed(code=exc.code, reason=exc.detail)
    except OSError as exc:
        return Parsed(code="ingest.corrupt_file", reason=f"{label}: cannot read ({exc.strerror})")
    facts = tuple(stream_facts(a) for a in acts)
    light = tuple(without_streams(a) for a in acts)
    return Parsed(light, facts, _store_blob(blob_dir, data), len(data))


def _parsed_items(
    items: Iterator[ImportItem], settings: Settings, *, parallel: bool
) -> Iterator[tuple[ImportItem, Parsed]]:
    args = (settings.max_file_bytes, settings.blob_dir)
    if not parallel:
        for item in items:
            yield item, _resolve(item, None, args)
        return
    with ProcessPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
        window: deque[tuple[ImportItem, Future[Parsed] | None]] = deque()
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


def _resolve(item: ImportItem, fut: Future[Parsed] | None, args: tuple[int, Path]) -> Parsed:
    if item.error is not None:
        return Parsed(code=item.error.code, reason=item.error.detail)
    if item.activity is not None:  # an export's summary (manual Strava activity, Garmin JSON)
        act = check(item.activity)
        return Parsed((act,), (stream_facts(act),))
    if fut is not None:
        return fut.result()
    return _parse(item.label, item.path, item.data, *args)


def _upload_relative(settings: Settings) -> Callable[[str], str]:
    """Labels as stored with an activity: a file uploaded through the API is named as the
    runner sent it (the server's upload folder ``<data_dir>/uploads/<job>/[files/]`` cut)."""
    root = str(settings.data_dir / "uploads") + os.sep

    def label(text: str) -> str:
        if not text.startswith(root):
            return text
        rest = text[len(root) :].split(os.sep, 1)[-1]
        return rest.removeprefix("files" + os.sep)

    return label


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
    writer = Writer(session, runner, now=now, stored_label=_upload_relative(settings))
    outcomes: list[FileOutcome] = []
    counts = {"imported": 0, "duplicate": 0, "skipped": 0}
    points = 0

    def collect_outcomes() -> None:
        done, statuses = writer.drain()
        outcomes.extend(done)
        for status in statuses:
            counts[status] += 1

    for done, (item, parsed) in enumerate(
        _parsed_items(
            collect(paths, limits=limits), settings, parallel=total >= PARALLEL_MIN_ITEMS
        ),
        1,
    ):
        writer.store(item, parsed)
        collect_outcomes()
        points += sum(f.n_samples for f in parsed.facts)
        if progress is not None:
            progress(ImportProgress(done, max(total, done), points, counts["imported"], item.label))
    writer.flush()
    collect_outcomes()
    session.commit()
    return ImportReport(
        runner.id,
        counts["imported"],
        counts["duplicate"],
        counts["skipped"],
        points,
        tuple(outcomes),
    )


__all__ = ["FileOutcome", "ImportProgress", "ImportReport", "dated", "import_paths"]
