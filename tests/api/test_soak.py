"""A bounded soak of a live server (60 s after warm-up): no 5xx, memory flat, latency steady.

On the default store (SQLite); the 30-minute version is ``python -m bench.soak``
(bench/RESULTS-soak.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bench.soak import run_soak
from sqlalchemy.orm import Session

from backstride.config import Settings
from tests.api.world import build_world
from tests.live_server import bearer, live_server

pytestmark = pytest.mark.slow

SECONDS = float(os.environ.get("BACKSTRIDE_SOAK_S", "60"))


def test_a_minute_of_mixed_traffic_gives_no_server_error_no_memory_growth_and_steady_latency(
    settings: Settings, sqlite_session: Session, tmp_path: Path
) -> None:
    session = sqlite_session
    world = build_world(session)
    runner = bearer(session, world.accounts["runner_a"])
    clinician = bearer(session, world.accounts["clinician_with"])
    with live_server(settings, log=tmp_path / "server.log") as server:
        result = run_soak(
            server.url,
            server.process.pid,
            runner=runner,
            clinician=clinician,
            runner_id=world.runner_a,
            seconds=SECONDS,
            warmup_s=10,
        )
        log = server.log_text()
    assert result.requests > 100
    assert result.server_errors == 0, (result.statuses, log[-3000:])
    assert result.errors == []
    assert all(200 <= code < 300 for code in result.statuses), result.statuses
    assert result.rss_growth() < 0.10, [r for _, r in result.rss]
    first, _, last = result.p95_by_third()
    # a ratio, not a time: generous because CI shares its two cores with the other tests
    assert last < 2.5 * first + 0.1, result.p95_by_third()
