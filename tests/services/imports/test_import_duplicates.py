"""An import says what a duplicate repeats: the stored activity it matched."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.services.demo.history import DemoRun, _gpx
from backstride.services.imports.importing import import_paths

NOW = dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)


def _write(path: Path, *, start: dt.datetime) -> Path:
    run = DemoRun(1, start, "Easy run", 5000.0, 330.0, 0.7, "Shoe")
    data, _ = _gpx(run, np.random.default_rng(3))
    path.write_bytes(gzip.decompress(data))
    return path


def test_a_second_import_of_a_run_names_the_stored_activity_it_repeats(
    session: Session, db_settings: Settings, tmp_path: Path
) -> None:
    start = NOW - dt.timedelta(days=2)
    first = import_paths(
        session,
        settings=db_settings,
        runner_handle="ana",
        paths=[_write(tmp_path / "a.gpx", start=start)],
        now=NOW,
    )
    stored = first.files[0].activity_ids
    assert first.files[0].status == "imported"
    assert len(stored) == 1
    again = import_paths(
        session,
        settings=db_settings,
        runner_handle="ana",
        paths=[_write(tmp_path / "b.gpx", start=start + dt.timedelta(seconds=30))],
        now=NOW,
    )
    outcome = again.files[0]
    assert outcome.status == "duplicate"
    assert outcome.duplicate_ids == stored
    assert outcome.duplicate_of is not None
    assert outcome.duplicate_of.startswith("a.gpx (activity ")
