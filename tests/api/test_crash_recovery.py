"""kill -9 of the server in the middle of imports and writes: after a restart nothing
acknowledged is lost, nothing is stored twice or half, and the interrupted imports finish."""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.services.blobstore import blob_store
from backstride.store.models import Activity, Blob, ImportJob, PainEntry
from tests.api.world import build_world
from tests.gpx_builder import gpx_runs
from tests.live_server import bearer, live_server, start_server

pytestmark = pytest.mark.slow

JOBS, PER_JOB = 8, 3


def _zip(runs: list[bytes], first: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n, data in enumerate(runs):
            zf.writestr(f"run-{first + n}.gpx", data)
    return buf.getvalue()


def _statuses(session: Session, ids: list[str]) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(ImportJob.status).where(ImportJob.id.in_(ids))))


def test_a_killed_server_loses_nothing_acknowledged_and_finishes_its_imports_after_restart(
    settings: Settings, sqlite_session: Session, tmp_path: Path
) -> None:
    session = sqlite_session
    world = build_world(session, history=False)
    headers = bearer(session, world.accounts["runner_a"])
    runs = gpx_runs(JOBS * PER_JOB, minutes=40)
    log = tmp_path / "server.log"
    stall = {"BACKSTRIDE_IMPORT_STALL_S": "5"}
    server = start_server(settings, log=log, **stall)
    jobs: list[str] = []
    pains: list[str] = []
    stop = threading.Event()

    def write_pains() -> None:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            n = 0
            while not stop.is_set():
                n += 1
                body: dict[str, Any] = {"entry_date": "2026-11-01", "nprs_now": n % 11}
                try:
                    r = client.post("/me/pain-entries", json=body, headers=headers)
                except httpx.HTTPError:
                    return  # the server is gone: what was acknowledged is what counts
                if r.status_code == 201:
                    pains.append(r.json()["id"])

    writer = threading.Thread(target=write_pains)
    writer.start()
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            for j in range(JOBS):
                r = client.post(
                    "/me/imports",
                    params={"filename": f"part-{j}.zip"},
                    content=_zip(runs[j * PER_JOB : (j + 1) * PER_JOB], j * PER_JOB),
                    headers=headers,
                )
                assert r.status_code == 202, r.text
                jobs.append(r.json()["id"])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "done" not in _statuses(session, jobs):
            time.sleep(0.05)
    finally:
        os.killpg(server.process.pid, signal.SIGKILL)  # the server and every child, at once
        server.process.wait(10)
        stop.set()
        writer.join(30)
    before = _statuses(session, jobs)
    assert "done" in before
    assert before.count("done") < JOBS, "the kill came too late to interrupt anything"

    db = sqlite3.connect(settings.data_dir / "backstride.db")
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    db.close()

    with live_server(settings, log=log, **stall):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and set(_statuses(session, jobs)) != {"done"}:
            time.sleep(0.25)
    assert sorted(_statuses(session, jobs)) == ["done"] * JOBS, log.read_text()[-3000:]

    session.expire_all()
    stored = set(session.scalars(select(PainEntry.id)))
    assert set(pains) <= stored  # every acknowledged write survived
    acts = session.scalars(select(Activity).where(Activity.runner_id == world.runner_a)).all()
    assert len(acts) == JOBS * PER_JOB  # every run once: no loss, no duplicate
    assert len({a.dedup_key for a in acts}) == len(acts)
    store = blob_store(settings)
    for act in acts:  # nothing half-written: summary, streams and original all there
        assert act.streams is not None
        assert act.n_samples > 0
        assert act.blob_sha256 is not None
        assert store.read(act.runner_id, act.blob_sha256) is not None
    blobs = session.scalar(select(func.count()).select_from(Blob))
    assert blobs == JOBS * PER_JOB
