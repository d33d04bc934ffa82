"""Import service: files, folders and export zips -> stored activities, laps, streams, blobs.

``import_paths`` parses items (``services.imports.parsing.ParseStream``: in a process pool
when there are many: parsing is pure and CPU-bound; workers also encode the streams and keep
the original file content-addressed in the runner's own folder of ``settings.blob_dir``,
written atomically: ``services.blobstore``, flushed to disk all at once before the commit);
the main process is the only writer: it dedups each activity against the runner's stored
ones (``ingest.dedup``), stores it with its laps, streams and the runner's ``Blob`` row (in
batches, each activity whole or not at all: ``services.imports.writer``) and commits once.
Importing the same thing twice changes nothing. A caller may start the parsing first
(``ParseStream.start``) and pass it in, so the workers run while it opens the database (the
CLI does).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.services.imports.jobs import Interrupted
from backstride.services.imports.parsing import (
    PARALLEL_MIN_ITEMS,
    Parsed,
    ParseStopped,
    ParseStream,
    dated,
)
from backstride.services.imports.writer import FileOutcome, Writer
from backstride.services.runners import get_or_create_runner, validate_handle


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


class ImportInterrupted(Interrupted):
    """The import was asked to stop (``stop`` set): nothing of it is committed."""


def import_paths(
    session: Session,
    *,
    settings: Settings,
    runner_handle: str,
    paths: Sequence[Path],
    now: dt.datetime,
    progress: Callable[[ImportProgress], None] | None = None,
    parsing: ParseStream | None = None,
    stop: threading.Event | None = None,
) -> ImportReport:
    """Import activity files, folders and Strava/Garmin export zips for one runner
    (``parsing``: the same ``paths`` already being parsed, see ``ParseStream.start``).

    Setting ``stop`` (a server shutting down) ends the import at once with
    ``ImportInterrupted``; nothing of it is committed.
    """
    # the parsers start first and read while the runner's row is looked up or made (the first
    # use of the models configures their mappers): the originals of files parsed before
    # ``bind`` are kept by this process (``ParseStream.results``)
    validate_handle(runner_handle)  # a wrong handle starts no parser
    stream = parsing or ParseStream.start(paths, settings)
    bases = tuple(p if p.is_dir() else p.parent for p in paths)
    with stream:
        runner = get_or_create_runner(session, handle=runner_handle, now=now)
        session.flush()  # the runner's id names the folder its originals go to
        stream.bind(runner.id)
        total = stream.total
        writer = Writer(session, runner, now=now, bases=bases)
        outcomes: list[FileOutcome] = []
        counts = {"imported": 0, "duplicate": 0, "skipped": 0}
        points = 0

        def collect_outcomes() -> None:
            done, statuses = writer.drain()
            outcomes.extend(done)
            for status in statuses:
                counts[status] += 1

        try:
            for done, (item, parsed) in enumerate(stream.results(stop), 1):
                writer.store(item, parsed)
                collect_outcomes()
                points += sum(f.n_samples for f in parsed.facts)
                if progress is not None:
                    progress(
                        ImportProgress(
                            done, max(total, done), points, counts["imported"], item.label
                        )
                    )
        except ParseStopped as exc:
            raise ImportInterrupted(str(exc)) from None
        # the originals go to disk while the last rows are written, and are on disk before
        # the rows naming them are committed
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-sync") as syncing:
            synced = syncing.submit(stream.sync)
            writer.flush()
            collect_outcomes()
            synced.result()
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
    "PARALLEL_MIN_ITEMS",
    "FileOutcome",
    "ImportInterrupted",
    "ImportProgress",
    "ImportReport",
    "ParseStream",
    "Parsed",
    "dated",
    "import_paths",
]
