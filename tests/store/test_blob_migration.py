"""Migration 0008 splits shared originals per runner, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import text

from backstride.config import Settings
from backstride.services.blobstore import adopt_legacy, blob_store
from backstride.store.db import make_engine, session_factory
from backstride.store.migrate import downgrade, drift, upgrade
from tests.db_backends import BACKENDS
from tests.store.migration_db import insert_runner, migration_url, stamp

BEFORE = "0007_accounts_and_sessions"
T0 = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
DATA = b"<gpx>the same bytes</gpx>"
SHA = hashlib.sha256(DATA).hexdigest()
R1, R2 = "1" * 32, "2" * 32


def _seed_shared_blob(url: str) -> None:
    """The old layout: one blob row for two runners, named after runner 1's upload."""
    engine = make_engine(url, null_pool=True)
    with engine.begin() as conn:
        for rid, handle in ((R1, "one"), (R2, "two")):
            insert_runner(conn, rid, handle, T0)
        conn.execute(
            text(
                "INSERT INTO blobs (sha256, size_bytes, filename, created_at) "
                "VALUES (:sha, :size, '/srv/uploads/job/Jane-Doe-notes.gpx', :at)"
            ),
            {"sha": SHA, "size": len(DATA), "at": stamp(conn, T0)},
        )
        for n, (rid, when) in enumerate(((R1, T0), (R2, T0 + dt.timedelta(days=3)))):
            conn.execute(
                text(
                    "INSERT INTO activities (id, runner_id, dedup_key, source, format, "
                    "blob_sha256, sport, start_at, local_date, elapsed_s, has_running_dynamics, "
                    "n_samples, extra, imported_at) VALUES (:id, :rid, 'k', 'file', 'gpx', :sha, "
                    "'running', :at, :day, 600, false, 0, '{}', :imp)"
                ),
                {
                    "id": f"{n}" * 32,
                    "rid": rid,
                    "sha": SHA,
                    "at": stamp(conn, T0),
                    "day": T0.date(),
                    "imp": stamp(conn, when),
                },
            )
            conn.execute(
                text(
                    "INSERT INTO laps (activity_id, index, start_at) VALUES (:a, 0, :at)".replace(
                        "index", '"index"'
                    )
                ),
                {"a": f"{n}" * 32, "at": stamp(conn, T0)},
            )
    engine.dispose()


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_a_shared_original_becomes_one_row_per_runner_and_the_first_uploader_keeps_its_name(
    backend_name: str, tmp_path: Path, worker_id: str
) -> None:
    url = migration_url(backend_name, tmp_path, f"backstride_blobmig_{worker_id}")
    upgrade(url, BEFORE)
    _seed_shared_blob(url)
    upgrade(url)
    engine = make_engine(url, null_pool=True)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT runner_id, sha256, filename FROM blobs ORDER BY runner_id")
        ).all()
        laps = conn.execute(text("SELECT count(*) FROM laps")).scalar()
    assert [tuple(r) for r in rows] == [
        (R1, SHA, "/srv/uploads/job/Jane-Doe-notes.gpx"),
        (R2, SHA, f"original-{SHA[:12]}.gpx"),
    ]
    assert laps == 2  # rebuilding activities did not cascade into their laps
    assert drift(engine) == []
    engine.dispose()
    downgrade(url, BEFORE)
    engine = make_engine(url, null_pool=True)
    with engine.connect() as conn:
        back = conn.execute(text("SELECT sha256, filename FROM blobs")).all()
        acts = conn.execute(text("SELECT count(*) FROM activities")).scalar()
    engine.dispose()
    assert [tuple(r) for r in back] == [(SHA, "/srv/uploads/job/Jane-Doe-notes.gpx")]
    assert acts == 2


def test_legacy_files_move_into_each_owners_folder_and_leave_the_shared_one(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    url = settings.effective_database_url
    upgrade(url, BEFORE)
    _seed_shared_blob(url)
    upgrade(url)
    legacy = settings.blob_dir / SHA[:2] / SHA
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(DATA)
    orphan = settings.blob_dir / ("f" * 64)
    orphan.write_bytes(b"nobody's")
    engine = make_engine(url, null_pool=True)
    with session_factory(engine)() as session:
        assert adopt_legacy(session, settings) == 2
        assert adopt_legacy(session, settings) == 0
    engine.dispose()
    store = blob_store(settings)
    assert store.read(R1, SHA) == DATA
    assert store.read(R2, SHA) == DATA
    assert not legacy.exists()
    assert not orphan.exists()
    assert sorted(p.name for p in settings.blob_dir.iterdir()) == [R1, R2]
