"""Imports and API writes at the same time through a live server: nothing fails, nothing is lost."""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.store.models import Activity, ImportJob, PainEntry
from tests.api.world import build_world
from tests.gpx_builder import gpx_runs
from tests.live_server import bearer, live_server

pytestmark = pytest.mark.slow

UPLOADS = 20
WRITES = 60


def _write(client: Any, headers: dict[str, str], n: int) -> int:
    day = dt.date(2026, 10, 1) + dt.timedelta(days=n % 28)
    kind = n % 3
    if kind == 0:
        body = {"entry_date": day.isoformat(), "nprs_now": n % 11, "notes": f"entry {n}"}
        r = client.post("/me/pain-entries", json=body, headers=headers)
    elif kind == 1:
        body = {"on_date": day.isoformat(), "kind": "run", "status": "done", "pain_after": 2}
        r = client.post("/me/session-logs", json=body, headers=headers)
    else:
        r = client.patch("/me/profile", json={"hr_rest_bpm": 40 + n % 20}, headers=headers)
    return int(r.status_code)


def _upload(client: Any, headers: dict[str, str], n: int, data: bytes) -> tuple[int, str]:
    r = client.post(
        "/me/imports", params={"filename": f"run-{n}.gpx"}, content=data, headers=headers
    )
    return int(r.status_code), str(r.json().get("id", r.text))


def test_twenty_uploads_and_sixty_writes_at_once_all_succeed(
    db_settings: Settings, session: Session, tmp_path: Path
) -> None:
    world = build_world(session, history=False)
    a = bearer(session, world.accounts["runner_a"])
    b = bearer(session, world.accounts["runner_b"])
    runs = gpx_runs(UPLOADS, minutes=30)
    with live_server(db_settings, log=tmp_path / "server.log") as server:
        clients = [server.client() for _ in range(6)]
        with ThreadPoolExecutor(max_workers=6) as pool:
            # uploads first, so that the writes meet the imports in the worker
            uploads = [
                pool.submit(_upload, clients[n % 2], a, n, data) for n, data in enumerate(runs)
            ]
            writes = [
                pool.submit(_write, clients[2 + n % 4], a if n % 2 else b, n) for n in range(WRITES)
            ]
            accepted = [f.result() for f in uploads]
            statuses = [f.result() for f in writes]
        assert [s for s in statuses if not 200 <= s < 300] == [], server.log_text()[-4000:]
        assert all(code == 202 for code, _ in accepted), accepted
        job_ids = {job_id for _, job_id in accepted}
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            session.expire_all()
            states = dict(
                session.execute(
                    select(ImportJob.id, ImportJob.status).where(ImportJob.id.in_(job_ids))
                ).all()
            )
            if all(s in ("done", "failed") for s in states.values()):
                break
            time.sleep(0.5)
        for c in clients:
            c.close()
        log = server.log_text()
    assert sorted(states.values()) == ["done"] * UPLOADS, log[-4000:]
    session.expire_all()
    imported = session.scalar(
        select(func.count()).select_from(Activity).where(Activity.runner_id == world.runner_a)
    )
    assert imported == UPLOADS
    pains = session.scalar(select(func.count()).select_from(PainEntry))
    assert pains == WRITES // 3
