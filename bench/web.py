"""Web pages: server time per page with 10,000 runners seeded, and JS + CSS shipped per page.

Seeds the API benchmark's world (``bench.api.seed``: 10,000 runners with 3 years of runs,
SQLite), gives the first ``MEASURED`` runners a real assessment (the demo intake), an 8-week
plan and a few session logs, then requests each page in-process (Starlette's TestClient, one
request at a time, each runner's own cookie session, rotating over the runners) and records
the time from request to the last byte of the response. Targets: p95 < 50 ms per page; at most
150 KB of JavaScript and CSS per page, gzip-compressed as served. Writes bench/RESULTS-web.md.

Run: ``python -m bench.web`` (smaller: ``BENCH_RUNNERS=1000``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MEASURED = int(os.environ.get("BENCH_WEB_RUNNERS", "40"))
REQUESTS = int(os.environ.get("BENCH_WEB_REQUESTS", "120"))
TARGET_P95_MS = 50.0
BUDGET_BYTES = 150 * 1024
PAGES = (
    ("home (12 weeks)", "/"),
    ("home (all history)", "/?window=all"),
    ("plan", "/plan"),
    ("log", "/log"),
    ("activities", "/activities"),
    ("one activity", "/activities/{activity}"),
    ("upload", "/upload"),
    ("progress", "/progress"),
    ("assessment", "/assessment"),
    ("my clinic & data", "/account"),
)


def _prepare(url: str, tokens: list[str], now: dt.datetime) -> dict[str, str]:
    """Assessment, plan and logs for the measured runners; one activity id per token."""
    from sqlalchemy import select

    from backstride.services import intake, plans
    from backstride.services.demo.data import demo_intake_document
    from backstride.store.db import make_engine, session_factory
    from backstride.store.models import Activity, Runner

    engine = make_engine(url)
    activity: dict[str, str] = {}
    today = now.date()
    monday = today - dt.timedelta(days=today.weekday())
    try:
        with session_factory(engine)() as session:
            for token in tokens:
                handle = f"runner{int(token[1:])}"
                runner = session.scalars(select(Runner).where(Runner.handle == handle)).one()
                intake.submit_intake(
                    session, runner_handle=handle, document=demo_intake_document(), now=now
                )
                plans.create_plan(
                    session, runner_handle=handle, weeks=8, start_date=monday, now=now
                )
                for days_ago in (3, 2, 1):
                    plans.log_session(
                        session,
                        runner_handle=handle,
                        on_date=today - dt.timedelta(days=days_ago),
                        kind="run",
                        status="done",
                        now=now,
                        pain_during=2,
                        pain_after=3,
                        pain_next_morning=1,
                    )
                activity[token] = session.scalars(
                    select(Activity.id)
                    .where(Activity.runner_id == runner.id)
                    .order_by(Activity.start_at.desc())
                    .limit(1)
                ).one()
    finally:
        engine.dispose()
    return activity


def measure(url: str, data_dir: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Seed, prepare and time every page; rows of results and the seed's facts."""
    from fastapi.testclient import TestClient

    from backstride.api.app import create_app
    from backstride.config import Settings
    from bench import api as api_bench

    info = api_bench.seed(url)
    tokens = info["tokens"][:MEASURED]
    activity = _prepare(url, tokens, api_bench.NOW)
    settings = Settings(data_dir=data_dir, database_url=url, cookie_secure=False)
    app = create_app(settings, clock=lambda: api_bench.NOW, run_worker=False)
    assets = app.state.web_assets
    by_url = {assets.url(n): n for n in assets.names()}
    rows: list[dict[str, Any]] = []
    with TestClient(app, base_url="http://testserver") as client:
        for view, template in PAGES:
            first: list[float] = []
            times: list[float] = []
            shipped = 0
            for i in range(len(tokens) + REQUESTS):
                token = tokens[i % len(tokens)]
                client.cookies.set("backstride_session", token)
                path = template.format(activity=activity[token])
                t = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - t) * 1000.0
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
                # a runner's first view finds nothing kept for them (the home page's load
                # summary, their parsed plan version); the later views may
                (first if i < len(tokens) else times).append(elapsed)
                if i == 0:
                    used = [
                        by_url[u]
                        for u in re.findall(r'(?:src|href)="(/static/[^"]+)"', response.text)
                    ]
                    shipped = assets.transfer_bytes(
                        [n for n in used if n.endswith((".js", ".css"))]
                    )
            arr, cold = np.array(times), np.array(first)
            rows.append(
                {
                    "view": view,
                    "n": len(times),
                    "p50": float(np.percentile(arr, 50)),
                    "p95": float(np.percentile(arr, 95)),
                    "max": float(arr.max()),
                    "cold_p50": float(np.percentile(cold, 50)),
                    "cold_p95": float(np.percentile(cold, 95)),
                    "kb": shipped / 1024,
                }
            )
    return rows, info


def write(rows: list[dict[str, Any]], info: dict[str, Any], runners: int) -> Path:
    """bench/RESULTS-web.md."""
    from bench.run_all import machine

    lines = [
        "# Web pages: server time per page and page weight",
        "",
        f"Generated by `bench/web.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
        f" on {machine()}; load average {os.getloadavg()[0]:.1f} when written (the machine "
        "is shared: other work slows every number here).",
        "",
        f"- world: {runners:,} runners, {info['activities']:,} activities (3 years each; "
        f"`bench.api.seed`, SQLite), seeded in {info['seed_s']:.0f} s; the {MEASURED} "
        "measured runners also have an assessment, an 8-week plan and session logs.",
        f"- each page: first one view per measured runner (**first view**: nothing kept for "
        f"that runner yet), then {REQUESTS} more (**repeat views**), one request at a time, "
        "rotating over the runners' cookie sessions; time from request to the last byte, "
        "in-process (Starlette TestClient: no network, about 1 ms of client overhead).",
        "- kept between views: the home page's load summary while the runner's data is "
        "unchanged (`services.load_cache`, 5 min), a parsed plan version (versions never "
        "change), compiled templates.",
        f"- targets: p95 < {TARGET_P95_MS:.0f} ms; JavaScript + CSS <= "
        f"{BUDGET_BYTES // 1024} KB per page, gzip as served (htmx 2.0.11, uPlot 1.6.32 on "
        "pages with charts, app.js, app.css, uPlot.css).",
        "",
        "| page | first view p50 / p95 ms | repeat views | p50 ms | p95 ms | max ms "
        "| JS + CSS KB (gzip) | repeat p95 < 50 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        ok = "yes" if r["p95"] < TARGET_P95_MS else "**no**"
        lines.append(
            f"| {r['view']} | {r['cold_p50']:.1f} / {r['cold_p95']:.1f} | {r['n']} | "
            f"{r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | {r['kb']:.1f} | {ok} |"
        )
    out = ROOT / "bench" / "RESULTS-web.md"
    out.write_text("\n".join(lines) + "\n")
    return out


def main() -> None:
    runners = int(os.environ.get("BENCH_RUNNERS", "10000"))
    with tempfile.TemporaryDirectory(prefix="backstride-bench-web-") as tmp:
        data_dir = Path(tmp)
        url = f"sqlite:///{data_dir / 'bench.db'}"
        rows, info = measure(url, data_dir)
    path = write(rows, info, runners)
    print(path.read_text())


if __name__ == "__main__":
    main()
