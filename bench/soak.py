"""Soak: a live ``backstride serve`` under a steady mix of reads, writes and uploads on loopback.

Watches what a long run shows and a short one does not: server errors (there must be none),
the server process's resident memory after warm-up (growth must stay under 10 %) and the p95
latency of each third of the run (it must not climb). ``run_soak`` is shared with the bounded
test ``tests/api/test_soak.py`` (60 s in CI); ``python -m bench.soak`` runs 30 minutes
(``BENCH_SOAK_S``) on SQLite and writes bench/RESULTS-soak.md.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
from tests.gpx_builder import gpx_run

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class SoakResult:
    """What one soak measured."""

    seconds: float
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[tuple[float, float]] = field(default_factory=list)  # (at, seconds)
    rss: list[tuple[float, int]] = field(default_factory=list)  # (at, bytes)
    errors: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if code >= 500)

    def rss_growth(self) -> float:
        """RSS at the end over RSS just after warm-up, minus one."""
        first, last = self.rss[0][1], self.rss[-1][1]
        return last / first - 1.0

    def p95_by_third(self) -> list[float]:
        """p95 latency (s) of the first, middle and last third of the run."""
        if not self.latencies:
            return []
        start = self.latencies[0][0]
        span = (self.latencies[-1][0] - start) or 1.0
        thirds: list[list[float]] = [[], [], []]
        for at, seconds in self.latencies:
            thirds[min(2, int(3 * (at - start) / span))].append(seconds)
        return [statistics.quantiles(t, n=20)[18] if len(t) >= 20 else max(t) for t in thirds]


def _mix(
    runner: dict[str, str], clinician: dict[str, str], runner_id: str
) -> list[tuple[str, Callable[[httpx.Client, int], httpx.Response]]]:
    # Steady state: the runner's record stops growing once warmed up, so a slower last third
    # would be the server's doing, not a bigger history's. Writes change the profile (and the
    # clinician's reads add audit rows, which nothing here reads back); uploads cycle through
    # 10 runs (after the first round each is imported again and found a duplicate).
    def profile(c: httpx.Client, n: int) -> httpx.Response:
        return c.patch("/me/profile", json={"hr_rest_bpm": 40 + n % 20}, headers=runner)

    def upload(c: httpx.Client, n: int) -> httpx.Response:
        start = dt.datetime(2025, 1, 1, 7, tzinfo=dt.UTC) + dt.timedelta(days=n % 10)
        data = gpx_run(start, minutes=15)
        return c.post(
            "/me/imports", params={"filename": f"soak-{n}.gpx"}, content=data, headers=runner
        )

    return [
        ("dashboard", lambda c, n: c.get("/me/dashboard", headers=runner)),
        ("load", lambda c, n: c.get("/me/load", headers=runner)),
        ("profile", profile),
        (
            "timeline",
            lambda c, n: c.get(f"/clinician/runners/{runner_id}/timeline", headers=clinician),
        ),
        ("patients", lambda c, n: c.get("/clinician/runners", headers=clinician)),
        ("jobs", lambda c, n: c.get("/me/imports", headers=runner)),
        ("dashboard", lambda c, n: c.get("/me/dashboard", headers=runner)),
        ("upload", upload),
    ]


def run_soak(
    url: str,
    pid: int,
    *,
    runner: dict[str, str],
    clinician: dict[str, str],
    runner_id: str,
    seconds: float,
    warmup_s: float,
    threads: int = 4,
) -> SoakResult:
    """Drive the server at ``url`` for ``warmup_s`` then ``seconds``; measure after warm-up."""
    mix = _mix(runner, clinician, runner_id)
    process = psutil.Process(pid)
    result = SoakResult(seconds)
    lock = threading.Lock()
    measuring = threading.Event()
    stop = threading.Event()
    counter = iter(range(10**9))

    def work() -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            while not stop.is_set():
                with lock:
                    n = next(counter)
                _name, call = mix[n % len(mix)]
                began = time.monotonic()
                try:
                    status = call(client, n).status_code
                except httpx.HTTPError as exc:
                    with lock:
                        result.errors.append(repr(exc))
                    continue
                took = time.monotonic() - began
                if measuring.is_set():
                    with lock:
                        result.requests += 1
                        result.statuses[status] = result.statuses.get(status, 0) + 1
                        result.latencies.append((began, took))

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    try:
        time.sleep(warmup_s)
        measuring.set()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            result.rss.append((time.monotonic(), process.memory_info().rss))
            time.sleep(1.0)
        result.rss.append((time.monotonic(), process.memory_info().rss))
    finally:
        stop.set()
        for w in workers:
            w.join(60)
    return result


def _report(result: SoakResult, *, backend: str) -> str:
    thirds = ", ".join(f"{p * 1000:.1f}" for p in result.p95_by_third())
    codes = ", ".join(f"{code}: {n}" for code, n in sorted(result.statuses.items()))
    return "\n".join(
        [
            "# Soak (bench/soak.py)",
            "",
            f"{result.seconds / 60:.0f} minutes on {backend} after warm-up, 4 client threads on "
            "loopback, a mix of dashboard, load, profile changes, clinician timeline and patient "
            "list, job list and GPX uploads (imported in the background).",
            "",
            "| measure | value | target |",
            "|---|---|---|",
            f"| requests | {result.requests} | |",
            f"| statuses | {codes} | no 5xx |",
            f"| server errors (5xx) | {result.server_errors} | 0 |",
            f"| RSS growth after warm-up | {result.rss_growth() * 100:.1f} % | < 10 % |",
            f"| p95 by third (ms) | {thirds} | stable |",
            f"| client errors (transport) | {len(result.errors)} | 0 |",
            "",
        ]
    )


def main() -> None:
    """30 minutes on SQLite (``BENCH_SOAK_S`` seconds); writes bench/RESULTS-soak.md."""
    import tempfile

    from tests.api.world import build_world
    from tests.live_server import bearer, live_server

    from backstride.config import Settings
    from backstride.store.db import make_engine, session_factory
    from backstride.store.migrate import upgrade

    seconds = float(os.environ.get("BENCH_SOAK_S", "1800"))
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", cookie_secure=False)
        upgrade(settings.effective_database_url)
        engine = make_engine(settings.effective_database_url)
        with session_factory(engine)() as session:
            world = build_world(session)
            runner = bearer(session, world.accounts["runner_a"])
            clinician = bearer(session, world.accounts["clinician_with"])
        engine.dispose()
        with live_server(settings, log=Path(tmp) / "server.log") as server:
            result = run_soak(
                server.url,
                server.process.pid,
                runner=runner,
                clinician=clinician,
                runner_id=world.runner_a,
                seconds=seconds,
                warmup_s=60,
            )
    text = _report(result, backend="SQLite")
    (ROOT / "bench" / "RESULTS-soak.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
