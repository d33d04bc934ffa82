"""The parsing half of an import: items -> ``Parsed`` (activities, stream facts, kept blob).

Pure apart from writing the original file to the content-addressed blob folder, and light on
purpose: no SQLAlchemy, so that ``ParseStream.start`` can fork its worker processes and have
them parse while the command is still importing the database layer and opening the database
(``cli.ingest``); the main process later consumes the results in input order and is the only
writer (``services.importing``, ``services.import_writer``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from backstride.errors import BackstrideError
from backstride.ingest.archive import ArchiveLimits
from backstride.ingest.errors import NO_DATE, ingest_error
from backstride.ingest.model import Activity
from backstride.ingest.sources import ImportItem, collect, count_inputs
from backstride.services.activity_rows import StreamFacts, stream_facts, without_streams

if TYPE_CHECKING:
    from backstride.config import Settings

PARALLEL_MIN_ITEMS = 8
IN_FLIGHT_ITEMS = 32
"""Items parsed ahead of the writer: enough for both workers to keep busy while the command
imports the database layer (a small import's largest share) [default]."""
IN_FLIGHT_BYTES = 256 * 1024**2
"""...unless the archive members waiting in the window (read into memory) reach this size."""


@dataclass(frozen=True, slots=True)
class Parsed:
    """One parsed file as a worker returns it (streams already encoded into ``facts``)."""

    activities: tuple[Activity, ...] = ()
    facts: tuple[StreamFacts, ...] = ()
    sha256: str | None = None
    size: int = 0
    code: str | None = None
    reason: str | None = None


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


def store_blob(blob_dir: Path, data: bytes) -> str:
    """Keep ``data`` under its SHA-256 in ``blob_dir`` (written atomically); the digest."""
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


def parse_file(
    label: str, path: Path | None, data: bytes | None, max_bytes: int, blob_dir: Path
) -> Parsed:
    """Read one file (runs in a worker process); the blob is written only when it parsed."""
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
    return Parsed(light, facts, store_blob(blob_dir, data), len(data))


def _needs_parse(item: ImportItem) -> bool:
    return item.error is None and item.activity is None


def resolve(item: ImportItem, fut: Future[Parsed] | None, args: tuple[int, Path]) -> Parsed:
    """The parse result of one item: its error, its ready summary, its worker's, or parsed
    here."""
    from backstride.ingest.quality import check

    if item.error is not None:
        return Parsed(code=item.error.code, reason=item.error.detail)
    if item.activity is not None:  # an export's summary (manual Strava activity, Garmin JSON)
        act = check(item.activity)
        return Parsed((act,), (stream_facts(act),))
    if fut is not None:
        return fut.result()
    return parse_file(item.label, item.path, item.data, *args)


class ParseStream:
    """Items of ``paths`` and their parse results, in input order, parsed ahead by a pool of
    worker processes (two at most) when there are at least ``PARALLEL_MIN_ITEMS`` of them.

    ``start`` submits the first items at once, so the workers run while the caller still does
    other things (imports the database layer, opens the database); ``results`` then yields
    ``(item, parsed)`` pairs. Use as a context manager (or call ``close``).
    """

    def __init__(self, paths: Sequence[Path], settings: Settings) -> None:
        self.limits = ArchiveLimits(
            max_total_bytes=settings.max_archive_uncompressed_bytes,
            max_ratio=settings.max_archive_ratio,
            max_entries=settings.max_archive_entries,
            max_member_bytes=settings.max_file_bytes,
        )
        self.total = count_inputs(paths)
        self._args = (settings.max_file_bytes, settings.blob_dir)
        self._items = collect(paths, limits=self.limits)
        self._pool: ProcessPoolExecutor | None = None
        self._window: deque[tuple[ImportItem, Future[Parsed] | None]] = deque()
        self._bytes = 0
        if self.total >= PARALLEL_MIN_ITEMS:
            self._pool = ProcessPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1)))
            self._fill()

    @classmethod
    def start(cls, paths: Sequence[Path], settings: Settings) -> ParseStream:
        """Count the inputs and, when there are enough, start parsing the first of them."""
        return cls(paths, settings)

    def _fill(self) -> bool:
        """Submit items until the window is full; False when no item is left."""
        assert self._pool is not None
        while len(self._window) < IN_FLIGHT_ITEMS and self._bytes < IN_FLIGHT_BYTES:
            item = next(self._items, None)
            if item is None:
                return False
            fut = (
                self._pool.submit(parse_file, item.label, item.path, item.data, *self._args)
                if _needs_parse(item)
                else None
            )
            self._window.append((item, fut))
            self._bytes += len(item.data or b"")
        return True

    def results(self) -> Iterator[tuple[ImportItem, Parsed]]:
        """Every item with its parse result, in input order."""
        if self._pool is None:
            for item in self._items:
                yield item, resolve(item, None, self._args)
            return
        while True:
            more = self._fill()
            if not self._window:
                return
            head, fut = self._window.popleft()
            self._bytes -= len(head.data or b"")
            yield head, resolve(head, fut, self._args)
            if not more and not self._window:
                return

    def close(self) -> None:
        """Stop the worker processes (pending parses are cancelled)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ParseStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = [
    "IN_FLIGHT_BYTES",
    "IN_FLIGHT_ITEMS",
    "PARALLEL_MIN_ITEMS",
    "ParseStream",
    "Parsed",
    "dated",
    "parse_file",
    "resolve",
    "store_blob",
]
