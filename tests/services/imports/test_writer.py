"""The import writer stores batches whole, and file by file when a batch conflicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.cli._context import open_session
from backstride.config import Settings
from backstride.ingest.dedup import dedup_key
from backstride.ingest.registry import read_activity
from backstride.ingest.sources import ImportItem
from backstride.services.imports.writer import Parsed, Writer
from backstride.services.rows.activity import stream_facts
from backstride.services.runners import get_or_create_runner
from backstride.store import models as sm

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
FILES = ("gpx/togeojson__run_gpxtpx.gpx", "tcx/tcxparser__test.tcx")


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    with open_session(settings) as s:
        yield s


def _parsed(path: Path, sha: str) -> Parsed:
    acts = tuple(read_activity(path))
    return Parsed(acts, tuple(stream_facts(a) for a in acts), sha, path.stat().st_size)


def _count(session: Session, model: type[sm.Activity] | type[sm.Blob]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_batch_that_conflicts_is_stored_file_by_file(
    session: Session, activities_dir: Path
) -> None:
    runner = get_or_create_runner(session, handle="ana", now=NOW)
    writer = Writer(session, runner, now=NOW)
    parsed = [_parsed(activities_dir / name, f"{i:064x}") for i, name in enumerate(FILES)]
    for name, p in zip(FILES, parsed, strict=True):
        writer.store(ImportItem(name), p)
    # another importer stores the first run (same dedup key) before this batch is written
    first = parsed[0].activities[0]
    session.add(
        sm.Activity(
            id="other",
            runner_id=runner.id,
            dedup_key=dedup_key(first),
            source="file",
            sport=first.sport,
            start_at=first.start_at,
            local_date=first.start_at.date(),
            elapsed_s=first.elapsed_s,
            imported_at=NOW,
        )
    )
    session.flush()
    writer.flush()
    outcomes, statuses = writer.drain()
    assert [o.status for o in outcomes] == ["duplicate", "imported"]
    assert sorted(statuses) == ["duplicate", "imported"]
    assert _count(session, sm.Activity) == 2  # the other importer's row and the TCX run
    assert _count(session, sm.Blob) == 2  # both originals are kept all the same
    stored = session.get(sm.Activity, outcomes[1].activity_ids[0])
    assert stored is not None
    assert len(stored.laps) == len(parsed[1].activities[0].laps)


def test_outcomes_come_back_in_input_order_with_skipped_files_between(
    session: Session, activities_dir: Path
) -> None:
    runner = get_or_create_runner(session, handle="ana", now=NOW)
    writer = Writer(session, runner, now=NOW)
    writer.store(ImportItem(FILES[0]), _parsed(activities_dir / FILES[0], "a" * 64))
    writer.store(ImportItem("bad.fit"), Parsed(code="ingest.corrupt_file", reason="bad"))
    writer.store(ImportItem(FILES[1]), _parsed(activities_dir / FILES[1], "b" * 64))
    early, early_statuses = writer.drain()
    assert early == []  # nothing written yet: the first file still waits
    writer.flush()
    outcomes, statuses = writer.drain()
    assert [(o.label, o.status) for o in outcomes] == [
        (FILES[0], "imported"),
        ("bad.fit", "skipped"),
        (FILES[1], "imported"),
    ]
    assert sorted(early_statuses + statuses) == ["imported", "imported", "skipped"]
