"""``backstride serve`` as a real process: quiet headers, and SIGTERM stops it cleanly, always."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import httpx
import psutil
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.store.models import Activity, ImportJob
from tests.api.world import build_world
from tests.gpx_builder import gpx_runs
from tests.live_server import bearer, live_server, start_server, stop_server

pytestmark = pytest.mark.slow

RUNS = 24


def _export_zip(count: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for n, data in enumerate(gpx_runs(count, minutes=40)):
            zf.writestr(f"activities/run-{n}.gpx", data)
    return buf.getvalue()


def _job(session: Session, job_id: str) -> ImportJob:
    session.expire_all()
    job = session.get(ImportJob, job_id)
    assert job is not None
    return job


def test_the_server_is_quiet_and_sigterm_mid_import_stops_every_process_and_the_job_resumes(
    db_settings: Settings, session: Session, tmp_path: Path
) -> None:
    world = build_world(session, history=False)
    headers = bearer(session, world.accounts["runner_a"])
    log = tmp_path / "server.log"
    server = start_server(db_settings, log=log)
    try:
        health = httpx.get(f"{server.url}/health")
        assert "server" not in health.headers  # no software named
        assert "date" in health.headers
        head = httpx.head(f"{server.url}/health")
        assert (head.status_code, head.content) == (200, b"")
        r = httpx.post(
            f"{server.url}/me/imports",
            params={"filename": "export.zip"},
            content=_export_zip(RUNS),
            headers=headers,
            timeout=60,
        )
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _job(session, job_id).status == "queued":
            time.sleep(0.05)
        family = psutil.Process(server.process.pid).children(recursive=True)
    finally:
        code = stop_server(server, timeout_s=40)
    # uvicorn exits through the signal it handled once it has shut down cleanly
    assert code in (0, -15), log.read_text()[-3000:]
    assert "Application shutdown complete" in log.read_text()
    _gone, alive = psutil.wait_procs(family, timeout=10)
    assert alive == [], [p.cmdline() for p in alive]
    assert _job(session, job_id).status in ("queued", "done"), log.read_text()[-3000:]
    with live_server(db_settings, log=log):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and _job(session, job_id).status != "done":
            time.sleep(0.2)
    job = _job(session, job_id)
    assert job.status == "done", job.report
    assert job.report["imported"] == RUNS
    stored = session.scalar(
        select(func.count()).select_from(Activity).where(Activity.runner_id == world.runner_a)
    )
    assert stored == RUNS
