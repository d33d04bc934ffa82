"""API speed: runner dashboard and clinician patient list under load (SQLite, PostgreSQL).

Seeds 10,000 runners with 3 years of daily-ish activities (numpy + executemany on SQLite, COPY on
PostgreSQL), starts ``backstride serve`` in its own process, and drives it from a second
process on loopback with an asyncio httpx client (CONCURRENCY connections). Writes
bench/RESULTS-api.md. Target: p95 < 50 ms for both views on both databases.

Run: ``python -m bench.api`` (starts a private PostgreSQL cluster via scripts/with-postgres.sh
when BACKSTRIDE_TEST_POSTGRES_URL is not set). Smaller runs: BENCH_RUNNERS=1000.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RUNNERS = int(os.environ.get("BENCH_RUNNERS", "10000"))
DAYS = 3 * 365
RUNS_PER_WEEK = 4.0
CLINICS = int(os.environ.get("BENCH_CLINICS", "20"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1500"))
TOKENS = 200
SERVER_WORKERS = int(os.environ.get("BENCH_SERVER_WORKERS", "1"))
TODAY = dt.date(2026, 11, 25)
NOW = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)


def _hex() -> str:
    return uuid.uuid4().hex


def _ts(value: dt.datetime, *, sqlite: bool) -> Any:
    return value.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else value


def seed(url: str) -> dict[str, Any]:
    """Bulk-load the world; returns tokens for runners and the clinician, and timings."""
    from backstride.services.passwords import HASHER
    from backstride.services.sessions import token_hash
    from backstride.store.db import make_engine
    from backstride.store.migrate import upgrade

    t0 = time.perf_counter()
    upgrade(url)
    engine = make_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    pw = HASHER.hash("bench password 123")
    rng = np.random.default_rng(7)
    runner_ids = [_hex() for _ in range(RUNNERS)]
    account_ids = [_hex() for _ in range(RUNNERS)]
    clinic_ids = [_hex() for _ in range(CLINICS)]
    clinician_id = _hex()
    now = _ts(NOW, sqlite=sqlite)
    rows_accounts = [
        (a, f"runner{i}@bench.example", pw, "runner", f"Runner {i:05d}", True, now)
        for i, a in enumerate(account_ids)
    ] + [(clinician_id, "doc@bench.example", pw, "clinician", "Dr Bench", True, now)]
    rows_runners = [
        (r, f"runner{i}", a, f"Runner {i:05d}", "UTC", "{}", now)
        for i, (r, a) in enumerate(zip(runner_ids, account_ids, strict=True))
    ]
    rows_clinics = [(c, f"clinic-{i}", f"Clinic {i}", now) for i, c in enumerate(clinic_ids)]
    rows_consents = [(_hex(), r, clinic_ids[i % CLINICS], now) for i, r in enumerate(runner_ids)]
    dispositions = np.array(["self_management", "book_clinician", "urgent", "emergency"])
    rows_assess = [
        (
            _hex(),
            r,
            now,
            str(dispositions[rng.integers(0, 4)]),
            "bench",
            json.dumps({"flags": ["hold_hills"] if i % 3 == 0 else []}),
        )
        for i, r in enumerate(runner_ids)
    ]
    tokens = {f"t{i}": runner_ids[i] for i in range(TOKENS)}
    rows_tokens = [
        (
            _hex(),
            account_ids[i],
            token_hash(f"t{i}"),
            "bearer",
            now,
            _ts(NOW + dt.timedelta(days=30), sqlite=sqlite),
        )
        for i in range(TOKENS)
    ] + [
        (
            _hex(),
            clinician_id,
            token_hash("doc"),
            "bearer",
            now,
            _ts(NOW + dt.timedelta(days=30), sqlite=sqlite),
        )
    ]
    start = dt.datetime.combine(TODAY - dt.timedelta(days=DAYS), dt.time(6), dt.UTC)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        ph = "?" if sqlite else "%s"

        def many(table: str, cols: str, rows: list[tuple[Any, ...]]) -> None:
            marks = ", ".join([ph] * len(cols.split(",")))
            cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)

        many(
            "accounts",
            "id, email, password_hash, role, display_name, is_active, created_at",
            rows_accounts,
        )
        many(
            "runners",
            "id, handle, account_id, display_name, timezone, preferences, created_at",
            rows_runners,
        )
        many("clinics", "id, slug, name, created_at", rows_clinics)
        many(
            "clinic_members",
            "id, clinic_id, account_id, created_at",
            [(_hex(), clinic_ids[0], clinician_id, now)],
        )
        many("consents", "id, runner_id, clinic_id, granted_at", rows_consents)
        many(
            "assessments",
            "id, runner_id, created_at, disposition, rules_version, result",
            rows_assess,
        )
        many("auth_tokens", "id, account_id, token_hash, kind, created_at, expires_at", rows_tokens)
        raw.commit()
        cols = (
            "id, runner_id, dedup_key, source, sport, start_at, local_date, elapsed_s, "
            "distance_m, avg_hr_bpm, has_running_dynamics, n_samples, extra, imported_at"
        )
        n_acts = 0
        p_run = RUNS_PER_WEEK / 7.0
        for chunk in range(0, RUNNERS, 250):
            ids = runner_ids[chunk : chunk + 250]
            mask = rng.random((len(ids), DAYS)) < p_run
            r_idx, d_idx = np.nonzero(mask)
            dist = rng.gamma(4.0, 2000.0, size=r_idx.size)
            pace = rng.normal(330.0, 30.0, size=r_idx.size)
            hr = rng.normal(148.0, 8.0, size=r_idx.size)
            rows = []
            for k in range(r_idx.size):
                day = int(d_idx[k])
                at = start + dt.timedelta(days=day)
                rows.append(
                    (
                        _hex(),
                        ids[int(r_idx[k])],
                        f"{day}-{k}",
                        "file",
                        "running",
                        _ts(at, sqlite=sqlite),
                        (at.date()).isoformat() if sqlite else at.date(),
                        float(dist[k] / 1000.0 * pace[k]),
                        float(dist[k]),
                        float(hr[k]),
                        False,
                        0,
                        "{}",
                        now,
                    )
                )
            if sqlite:
                many("activities", cols, rows)
            else:
                with cur.copy(f"COPY activities ({cols}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    for row in rows:
                        copy.write_row(row)
            n_acts += len(rows)
            raw.commit()
        if not sqlite:
            # VACUUM as well as ANALYZE: after a 6-million-row COPY, autovacuum would otherwise
            # start its insert-triggered vacuum of `activities` during the measurement and take
            # a core from the server (a steady-state database has no such backlog).
            raw.commit()
            driver: Any = raw.driver_connection
            driver.autocommit = True
            driver.execute("VACUUM (ANALYZE)")
            driver.autocommit = False
        else:
            cur.execute("ANALYZE")
            raw.commit()
    finally:
        raw.close()
        engine.dispose()
    return {
        "tokens": list(tokens),
        "activities": n_acts,
        "seed_s": time.perf_counter() - t0,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _load(base: str, path: str, tokens: list[str], n: int, conc: int) -> list[float]:
    import httpx

    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(n):
        queue.put_nowait(i)

    async def worker(client: httpx.AsyncClient) -> None:
        while True:
            try:
                i = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            headers = {"Authorization": f"Bearer {tokens[i % len(tokens)]}"}
            t = time.perf_counter()
            r = await client.get(path, headers=headers)
            latencies.append((time.perf_counter() - t) * 1000.0)
            if r.status_code != 200:
                raise RuntimeError(f"{path}: {r.status_code} {r.text[:200]}")

    limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        for _ in range(20):  # warm-up
            await client.get(path, headers={"Authorization": f"Bearer {tokens[0]}"})
        await asyncio.gather(*(worker(client) for _ in range(conc)))
    return latencies


def load_main(argv: list[str]) -> None:
    """Second process: ``python -m bench.api --load BASE PATH TOKENS_JSON N CONC``."""
    base, path, tokens_json, n, conc = argv
    t = time.perf_counter()
    lat = asyncio.run(_load(base, path, json.loads(tokens_json), int(n), int(conc)))
    wall = time.perf_counter() - t
    arr = np.array(lat)
    print(
        json.dumps(
            {
                "n": len(lat),
                "p50": float(np.percentile(arr, 50)),
                "p95": float(np.percentile(arr, 95)),
                "p99": float(np.percentile(arr, 99)),
                "rps": len(lat) / wall,
            }
        )
    )


def measure(url: str, name: str, data_dir: Path) -> list[dict[str, Any]]:
    """Seed, serve, load; one result row per view."""
    info = seed(url)
    port = _free_port()
    env = dict(
        os.environ,
        BACKSTRIDE_DATABASE_URL=url,
        BACKSTRIDE_DATA_DIR=str(data_dir),
        BACKSTRIDE_COOKIE_SECURE="false",
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "backstride.api.asgi:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--workers",
            str(SERVER_WORKERS),
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        rows = []
        for view, path, tokens in (
            ("runner dashboard", "/api/v1/me/dashboard", info["tokens"]),
            ("clinician patient list (page of 50)", "/api/v1/clinician/runners", ["doc"]),
        ):
            for conc, n in ((1, REQUESTS // 3), (CONCURRENCY, REQUESTS)):
                out = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "bench.api",
                        "--load",
                        base,
                        path,
                        json.dumps(tokens),
                        str(n),
                        str(conc),
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                    cwd=ROOT,
                )
                stats = json.loads(out.stdout.strip().splitlines()[-1])
                rows.append(
                    {
                        "db": name,
                        "view": view,
                        "conc": conc,
                        **stats,
                        "activities": info["activities"],
                        "seed_s": info["seed_s"],
                    }
                )
                print(rows[-1], flush=True)
        return rows
    finally:
        server.terminate()
        server.wait(10)


def write_results(rows: list[dict[str, Any]]) -> None:
    lines = [
        "# API latency (bench/api.py)",
        "",
        f"{RUNNERS:,} runners, 3 years of activities (~{RUNS_PER_WEEK:g} runs/week each), "
        f"{CLINICS} clinics; uvicorn with {SERVER_WORKERS} worker process(es); "
        "load from a second process on loopback "
        f"(httpx async; 1 connection, then {CONCURRENCY} concurrent connections with "
        f"{REQUESTS} requests per view). "
        "Target: p95 < 50 ms.",
        "",
        "| database | view | connections | activities | seed (s) | p50 ms | p95 ms | p99 ms "
        "| req/s | p95 < 50 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['db']} | {r['view']} | {r['conc']} | {r['activities']:,} | {r['seed_s']:.0f} | "
            f"{r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {r['rps']:.0f} | "
            f"{'yes' if r['p95'] < 50 else 'NO'} |"
        )
    lines += [
        "",
        f"Machine: {os.cpu_count()} cores shared with other jobs; "
        f"measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.",
        "",
    ]
    (ROOT / "bench" / "RESULTS-api.md").write_text("\n".join(lines))


def main() -> None:
    """Both databases; re-runs itself inside a private PostgreSQL cluster when needed."""
    pg = os.environ.get("BACKSTRIDE_TEST_POSTGRES_URL")
    if not pg:
        script = ROOT / "scripts" / "with-postgres.sh"
        subprocess.run([str(script), "--", sys.executable, "-m", "bench.api"], check=True)
        return
    wanted = os.environ.get("BENCH_DBS", "sqlite,postgres").split(",")
    saved = ROOT / "bench" / "results-api.json"
    previous = json.loads(saved.read_text()) if saved.exists() else []
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        if "sqlite" in wanted:
            rows += measure(f"sqlite:///{data / 'bench.db'}", "SQLite", data)
        if "postgres" in wanted:
            from sqlalchemy import create_engine, text
            from sqlalchemy.engine import make_url

            admin = create_engine(pg, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text('DROP DATABASE IF EXISTS "bench_api" WITH (FORCE)'))
                conn.execute(text('CREATE DATABASE "bench_api"'))
            admin.dispose()
            url = make_url(pg).set(database="bench_api").render_as_string(hide_password=False)
            rows += measure(url, "PostgreSQL", data)
    measured = {r["db"] for r in rows}
    rows = [r for r in previous if r["db"] not in measured] + rows
    rows.sort(key=lambda r: (r["db"] != "SQLite", r["view"], r["conc"]))
    saved.write_text(json.dumps(rows, indent=1))
    write_results(rows)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--load":
        load_main(sys.argv[2:])
    else:
        main()
