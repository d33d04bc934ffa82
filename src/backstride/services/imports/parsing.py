"""The parsing half of an import: items -> ``Parsed`` (activities, stream facts, kept blob).

Pure apart from keeping the original file in the runner's folder of the blob store
(``services.blobstore``, written atomically), and light on purpose: no SQLAlchemy, so that
``ParseStream.start`` can start its worker processes and have them parse while the command is
still importing the database layer and opening the database (``cli.ingest``); the main process
later consumes the results in input order and is the only writer (``services.imports.importing``,
``services.imports.writer``).

The runner's id (the folder the originals go to) may not be known yet when parsing starts (the
CLI opens the database meanwhile): files parsed before ``ParseStream.bind`` are kept by the
main process when their results are handed out, the rest by the workers.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from backstride.errors import BackstrideError
from backstride.ingest.archive import ArchiveLimits
from backstride.ingest.errors import NO_DATE, ingest_error
from backstride.ingest.model import Activity
from backstride.ingest.sources import ImportItem, collect, count_inputs
from backstride.services.blobstore import BlobStore, blob_store
from backstride.services.imports import forkserver
from backstride.services.imports.pool import ParserPool, WaitStopped
from backstride.services.rows.activity import StreamFacts, stream_facts, without_streams

if TYPE_CHECKING:
    from backstride.config import Settings

PARALLEL_MIN_ITEMS = forkserver.PARALLEL_MIN_ITEMS
IN_FLIGHT_ITEMS = 32
"""Items parsed ahead of the writer: enough for both workers to keep busy while the command
imports the database layer (a small import's largest share) [default]."""
IN_FLIGHT_BYTES = 256 * 1024**2
"""...unless the archive members waiting in the window (read into memory) reach this size."""
TASK_FILES = 2
"""Files (on disk) handed to a parser process as one task: each task costs the main process a
round of the pool's bookkeeping (its threads wake, pickle, queue), so two at a time halve it
(docs/decisions/0072); archive members (held in memory) go one at a time."""


@dataclass(frozen=True, slots=True)
class Parsed:
    """One parsed file as a worker returns it (streams already encoded into ``facts``)."""

    activities: tuple[Activity, ...] = ()
    facts: tuple[StreamFacts, ...] = ()
    sha256: str | None = None
    size: int = 0
    code: str | None = None
    reason: str | None = None
    kept: bool = True
    """False when the original still has to be kept (parsed before the runner was known)."""


class ParseStopped(Exception):
    """``stop`` was set while parsing (a server shutting down); the caller ends the import."""


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


def parse_file(
    label: str,
    path: Path | None,
    data: bytes | None,
    max_bytes: int,
    store: BlobStore,
    runner_id: str | None,
) -> Parsed:
    """Read one file (runs in a worker process); the original is kept in the runner's folder
    only when it parsed (and only when ``runner_id`` is known: else ``kept`` is False), not yet
    flushed to disk (``ParseStream.sync``)."""
    from backstride.ingest.registry import read_bytes  # the readers: lxml, FIT decoder

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
    if runner_id is None:
        return Parsed(light, facts, hashlib.sha256(data).hexdigest(), len(data), kept=False)
    return Parsed(light, facts, store.write(runner_id, data, durable=False), len(data))


def parse_files(
    tasks: Sequence[tuple[str, Path | None, bytes | None]],
    max_bytes: int,
    store: BlobStore,
    runner_id: str | None,
) -> list[Parsed]:
    """``parse_file`` for each (label, path, data) of one task, in order (runs in a worker)."""
    return [
        parse_file(label, path, data, max_bytes, store, runner_id) for label, path, data in tasks
    ]


def keep_original(item: ImportItem, parsed: Parsed, store: BlobStore, runner_id: str) -> Parsed:
    """``parsed`` with its original kept for the runner (a file parsed before ``bind``); a file
    that changed since it was read is skipped (``ingest.corrupt_file``)."""
    if parsed.kept or parsed.sha256 is None:
        return parsed
    try:
        data = item.data if item.data is not None else item.path.read_bytes() if item.path else b""
    except OSError as exc:
        return Parsed(
            code="ingest.corrupt_file", reason=f"{item.label}: cannot read ({exc.strerror})"
        )
    if hashlib.sha256(data).hexdigest() != parsed.sha256:
        return Parsed(
            code="ingest.corrupt_file", reason=f"{item.label}: the file changed while importing"
        )
    store.write(runner_id, data, durable=False)
    return Parsed(parsed.activities, parsed.facts, parsed.sha256, parsed.size)


_Args = tuple[int, BlobStore, str | None]


def _pool() -> ParserPool:
    """Two parser processes (one on a single core): forked from this process when it runs no
    other thread (a command: the readers are loaded here first and shared), else from a
    forkserver that has the readers loaded already (``services.imports.forkserver``).

    Not a fork of a server: a forked child of it would inherit uvicorn's signal handlers and
    threads (and then ignore SIGTERM); the forkserver starts from a clean interpreter.
    """
    workers = max(1, min(2, os.cpu_count() or 1))
    if forkserver.may_fork():
        return ParserPool(forkserver.fork_context(), workers, initializer=forkserver.worker_init)
    return ParserPool(forkserver.context(), workers)


@dataclass(slots=True)
class _Task:
    """One task of the pool (several files) and, once received, its results."""

    id: int
    results: list[Parsed] | None = None


@dataclass(frozen=True, slots=True)
class _Part:
    """Result ``index`` of a task of several files."""

    task: _Task
    index: int


def _waited(
    pool: ParserPool | None, part: _Part | None, stop: threading.Event | None
) -> Parsed | None:
    """The parse result of ``part`` once its task is done (None without a part);
    ``ParseStopped`` as soon as ``stop`` is set meanwhile."""
    if part is None:
        return None
    task = part.task
    if task.results is None:
        assert pool is not None
        try:
            task.results = pool.result(task.id, stop)
        except WaitStopped:
            raise ParseStopped("the import was asked to stop") from None
    return task.results[part.index]


def _needs_parse(item: ImportItem) -> bool:
    return item.error is None and item.activity is None


def resolve(item: ImportItem, done: Parsed | None, args: _Args) -> Parsed:
    """The parse result of one item: its error, its ready summary, its worker's (``done``), or
    parsed here."""
    from backstride.ingest.quality import check

    if item.error is not None:
        return Parsed(code=item.error.code, reason=item.error.detail)
    if item.activity is not None:  # an export's summary (manual Strava activity, Garmin JSON)
        act = check(item.activity)
        return Parsed((act,), (stream_facts(act),))
    if done is not None:
        return done
    return parse_file(item.label, item.path, item.data, *args)


class ParseStream:
    """Items of ``paths`` and their parse results, in input order, parsed ahead by a pool of
    worker processes (two at most) when there are at least ``PARALLEL_MIN_ITEMS`` of them.

    ``start`` submits the first items at once, so the workers run while the caller still does
    other things (imports the database layer, opens the database); ``results`` then yields
    ``(item, parsed)`` pairs. Use as a context manager (or call ``close``).
    """

    def __init__(
        self, paths: Sequence[Path], settings: Settings, runner_id: str | None = None
    ) -> None:
        self.limits = ArchiveLimits(
            max_total_bytes=settings.max_archive_uncompressed_bytes,
            max_ratio=settings.max_archive_ratio,
            max_entries=settings.max_archive_entries,
            max_member_bytes=settings.max_file_bytes,
        )
        self._store = blob_store(settings)
        self._args: _Args = (settings.max_file_bytes, self._store, runner_id)
        self._items = collect(paths, limits=self.limits)
        self._pool: ParserPool | None = None
        self._window: deque[tuple[ImportItem, _Part | None]] = deque()
        self._bytes = 0
        self._exhausted = False
        self._kept: list[str] = []
        if count_inputs(paths, at_least=PARALLEL_MIN_ITEMS) >= PARALLEL_MIN_ITEMS:
            self._pool = _pool()
            self._fill()
        # counted in full only now: the parsers are already reading the first files
        self.total = count_inputs(paths)

    @classmethod
    def start(
        cls, paths: Sequence[Path], settings: Settings, runner_id: str | None = None
    ) -> ParseStream:
        """Count the inputs and, when there are enough, start parsing the first of them."""
        return cls(paths, settings, runner_id)

    def bind(self, runner_id: str) -> None:
        """The runner the originals belong to: kept in their folder from now on."""
        max_bytes, store, _ = self._args
        self._args = (max_bytes, store, runner_id)

    def _fill(self) -> bool:
        """Submit items until the window is full; False when no item is left. Files on disk
        go to the parsers ``TASK_FILES`` at a time (one task, results in order)."""
        assert self._pool is not None
        if self._exhausted:
            return False
        if len(self._window) > IN_FLIGHT_ITEMS - TASK_FILES:
            return True  # room for less than a whole task: wait for more results
        chunk: list[ImportItem] = []
        while len(self._window) + len(chunk) < IN_FLIGHT_ITEMS and self._bytes < IN_FLIGHT_BYTES:
            item = next(self._items, None)
            if item is None:
                self._exhausted = True
                break
            if not _needs_parse(item):
                self._submit(chunk)
                self._window.append((item, None))
                self._bytes += len(item.data or b"")
                continue
            if item.data is not None:
                self._submit(chunk)
                self._submit([item])
                continue
            chunk.append(item)
            if len(chunk) >= TASK_FILES:
                self._submit(chunk)
        self._submit(chunk)
        return not self._exhausted

    def _submit(self, chunk: list[ImportItem]) -> None:
        """One task for the items of ``chunk`` (emptied); each gets its place in the window."""
        if not chunk:
            return
        assert self._pool is not None
        tasks = [(item.label, item.path, item.data) for item in chunk]
        task = _Task(self._pool.submit(parse_files, tasks, *self._args))
        for k, item in enumerate(chunk):
            self._window.append((item, _Part(task, k)))
            self._bytes += len(item.data or b"")
        chunk.clear()

    def results(self, stop: threading.Event | None = None) -> Iterator[tuple[ImportItem, Parsed]]:
        """Every item with its parse result (original kept), in input order; ``ParseStopped``
        as soon as ``stop`` is set. Call ``bind`` first."""
        runner_id = self._args[2]
        if runner_id is None:
            raise RuntimeError("ParseStream.bind(runner_id) before results()")
        if self._pool is None:
            for item in self._items:
                if stop is not None and stop.is_set():
                    raise ParseStopped("the import was asked to stop")
                yield item, self._note(resolve(item, None, self._args))
            return
        while True:
            more = self._fill()
            if not self._window:
                return
            head, part = self._window.popleft()
            self._bytes -= len(head.data or b"")
            parsed = resolve(head, _waited(self._pool, part, stop), self._args)
            yield head, self._note(keep_original(head, parsed, self._store, runner_id))
            if not more and not self._window:
                return

    def _note(self, parsed: Parsed) -> Parsed:
        if parsed.sha256 is not None and parsed.code is None:
            self._kept.append(parsed.sha256)
        return parsed

    def sync(self) -> None:
        """Flush every original handed out so far to disk (all at once, in parallel): call it
        before committing rows that name them."""
        runner_id = self._args[2]
        if runner_id is not None and self._kept:
            self._store.sync(runner_id, self._kept)
        self._kept = []

    def close(self, *, clean: bool = True) -> None:
        """Stop the worker processes: let them finish, or (``clean`` False: after an
        interruption or error) cancel what is pending and end them now."""
        if self._pool is not None:
            self._pool.close(clean=clean)
            self._pool = None

    def __enter__(self) -> ParseStream:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.close(clean=kind is None)


__all__ = [
    "IN_FLIGHT_BYTES",
    "IN_FLIGHT_ITEMS",
    "PARALLEL_MIN_ITEMS",
    "TASK_FILES",
    "ParseStopped",
    "ParseStream",
    "Parsed",
    "dated",
    "keep_original",
    "parse_file",
    "parse_files",
    "resolve",
]
