"""Import service: files, folders and export zips -> stored activities, laps, streams, blobs.

``import_paths`` parses items (in a process pool when there are many: parsing is pure and
CPU-bound; workers also encode the streams and keep the original file content-addressed in the
runner's own folder of ``settings.blob_dir``, written atomically: ``services.blobstore``); the
main process is the only writer: it dedups each activity against the runner's stored ones
(``ingest.dedup``), stores it with its laps, streams and the runner's ``Blob`` row (in
batches, each activity whole or not at all: ``services.import_writer``) and commits once.
Importing the same thing twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import threading
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
from backstride.ingest.registry import read_bytes
from backstride.ingest.sources import ImportItem, collect, count_inputs
from backstride.services.activity_rows import (
    stream_facts,
    without_streams,
)
from backstride.services.blobstore import BlobStore, blob_store
from backstride.services.import_writer import FileOutcome, Parsed, Writer
from backstride.services.jobs import Interrupted
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


def _parse(
    label: str,
    path: Path | None,
    data: bytes | None,
    max_bytes: int,
    store: BlobStore,
    runner_id: str,
) -> Parsed:
    """Read one file (runs in a worker process); the original is kept only when it parsed."""
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
    return Parsed(light, facts, store.write(runner_id, data), len(data))


_Args = tuple[int, BlobStore, str]


class ImportInterrupted(Interrupted):
    """The import was asked to stop (``stop`` set): nothing of it is committed."""


def _pool() -> ProcessPoolExecutor:
    """Parser processes from a forkserver that has the parser loaded already.

    Not a fork of the server: a forked child would inherit uvicorn's signal handlers and
    threads (and then ignore SIGTERM); the forkserver starts from a clean interpreter, and
    preloading the import code makes each worker start at once.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["backstride.services.importing"])
    workers = max(1, min(2, os.cpu_count() or 1))
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def _stop_pool(pool: ProcessPoolExecutor, *, clean: bool) -> None:
    """Shut the pool down; after an interruption or error also end its processes now."""
    if clean:
        pool.shutdown(wait=True)
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(5)


def _parsed_items(
    items: Iterator[ImportItem],
    settings: Settings,
    *,
    runner_id: str,
    parallel: bool,
    stop: threading.Event | None = None,
) -> Iterator[tuple[ImportItem, Parsed]]:
    args: _Args = (settings.max_file_bytes, blob_store(settings), runner_id)
    if not parallel:
        for item in items:
            if stop is not None and stop.is_set():
                raise ImportInterrupted("the import was asked to stop")
            yield item, _resolve(item, None, args)
        return
    pool = _pool()
    clean = False
    try:
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
                yield head, _resolve(head, _waited(f, stop), args)
        while window:
            head, f = window.popleft()
            yield head, _resolve(head, _waited(f, stop), args)
        clean = True
    finally:
        _stop_pool(pool, clean=clean)


def _waited(fut: Future[Parsed] | None, stop: threading.Event | None) -> Future[Parsed] | None:
    """``fut`` once it is done; ``ImportInterrupted`` as soon as ``stop`` is set meanwhile."""
    if fut is None or stop is None:
        return fut
    while not fut.done():
        if stop.wait(0.1):
            raise ImportInterrupted("the import was asked to stop")
    return fut


def _needs_parse(item: ImportItem) -> bool:
    return item.error is None and item.activity is None


def _resolve(item: ImportItem, fut: Future[Parsed] | None, args: _Args) -> Parsed:
    if item.error is not None:
        return Parsed(code=item.error.code, reason=item.error.detail)
    if item.activity is not None:
        return Parsed((item.activity,), (stream_facts(item.activity),))
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
    stop: threading.Event | None = None,
) -> ImportReport:
    """Import activity files, folders and Strava/Garmin export zips for one runner.

    Setting ``stop`` (a server shutting down) ends the import at once with
    ``ImportInterrupted``; nothing of it is committed.
    """
    runner = get_or_create_runner(session, handle=runner_handle, now=now)
    limits = ArchiveLimits(
        max_total_bytes=settings.max_archive_uncompressed_bytes,
        max_ratio=settings.max_archive_ratio,
        max_entries=settings.max_archive_entries,
        max_member_bytes=settings.max_file_bytes,
    )
    total = count_inputs(paths)
    bases = tuple(p if p.is_dir() else p.parent for p in paths)
    writer = Writer(session, runner, now=now, bases=bases)
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
            collect(paths, limits=limits),
            settings,
            runner_id=runner.id,
            parallel=total >= PARALLEL_MIN_ITEMS,
            stop=stop,
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


__all__ = [
    "FileOutcome",
    "ImportInterrupted",
    "ImportProgress",
    "ImportReport",
    "dated",
    "import_paths",
]
