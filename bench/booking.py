"""Booking speed: free_slots (pure) and booking through the API (SQLite, PostgreSQL).

1. ``free_slots`` for 5 clinicians x 8 weeks with 2,000 bookings (target < 20 ms), against a
   named peer: the straightforward slot loop most schedulers use (every candidate start
   converted with zoneinfo and checked against every booking of its clinician and room; the
   shape of Easy!Appointments' and cal.com's per-slot conflict checks). Both must list the
   same (start, clinician) pairs.
2. Booking via the API: ``uvicorn`` (one process on SQLite, two on PostgreSQL: ``_workers``),
   8 loopback client connections (bare
   HTTP/1.1 over uvloop in a second process), each request books a distinct free slot for a
   distinct runner (target >= 150 bookings/s, p95 < 50 ms), beside ``GET /health`` at the
   same concurrency (the stack's floor) as the ratio. The e-mail goes out through a
   ``backstride worker`` process beside the server (``BENCH_SEPARATE_WORKER=0``: the server's
   own worker thread); the bench waits until every confirmation has left the outbox and
   reports how long after the last booking that was.

Run: ``python -m bench.booking`` (starts a private PostgreSQL cluster via
scripts/with-postgres.sh when BACKSTRIDE_TEST_POSTGRES_URL is not set). Writes
bench/RESULTS-booking.md.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from backstride.clinic import (
    AppointmentType,
    Booking,
    Clinician,
    ClinicRules,
    Hours,
    Policy,
    Room,
    VisitKind,
    Window,
    free_slots,
)
from backstride.clinic.slots import blocked_range

ROOT = Path(__file__).resolve().parents[1]
TZ = "Europe/London"
REQUESTS = int(os.environ.get("BENCH_BOOKINGS", "1200"))
CONCURRENCY = 8
PROFILED = int(os.environ.get("BENCH_PROFILED", "200"))
"""Bookings counted in process (statements and CPU per booking: steadier than throughput on a
shared machine)."""


# --- 1. free_slots ---------------------------------------------------------------------------


def pure_world(
    seed: int = 7,
) -> tuple[ClinicRules, list[Booking], AppointmentType, Window, dt.datetime]:
    """5 clinicians Mon-Fri 08:00-18:00, 3 rooms, 8 weeks, 2,000 random bookings."""
    t = AppointmentType("t", "Review", VisitKind.EXERCISE_REVIEW, 30, 5, 10)
    clinicians = tuple(Clinician(f"c{i}", f"Clinician {i}") for i in range(5))
    rooms = tuple(Room(f"r{i}", f"Room {i}") for i in range(3))
    hours = tuple(
        Hours(f"h{c.id}{d}", c.id, 8 * 60, 18 * 60, weekday=d) for c in clinicians for d in range(5)
    )
    rules = ClinicRules(
        Policy(timezone=TZ, min_notice_min=0, horizon_days=120), (t,), clinicians, rooms, hours
    )
    first = dt.date(2027, 3, 1)  # 8 weeks across London's spring clock change
    now = dt.datetime(2027, 2, 28, tzinfo=dt.UTC)
    window = Window(
        dt.datetime.combine(first, dt.time(), tzinfo=ZoneInfo(TZ)).astimezone(dt.UTC),
        dt.datetime.combine(
            first + dt.timedelta(weeks=8), dt.time(), tzinfo=ZoneInfo(TZ)
        ).astimezone(dt.UTC),
    )
    rng = random.Random(seed)
    bookings: list[Booking] = []
    taken: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    while len(bookings) < 2000:
        day = first + dt.timedelta(days=rng.randrange(56))
        if day.weekday() > 4:
            continue
        c = rng.choice(clinicians).id
        start = dt.datetime.combine(day, dt.time(8), tzinfo=ZoneInfo(TZ)) + dt.timedelta(
            minutes=15 * rng.randrange(38)
        )
        start = start.astimezone(dt.UTC)
        a, b = blocked_range(t, start)
        if any(x < b and a < y for x, y in taken.get(c, ())):
            continue
        taken.setdefault(c, []).append((a, b))
        bookings.append(
            Booking(
                f"b{len(bookings)}",
                c,
                f"runner{len(bookings)}",
                start,
                start + t.duration,
                a,
                b,
                rng.choice(rooms).id,
            )
        )
    return rules, bookings, t, window, now


def naive_free_slots(
    rules: ClinicRules,
    bookings: list[Booking],
    t: AppointmentType,
    window: Window,
    now: dt.datetime,
) -> set[tuple[dt.datetime, str]]:
    """The peer: every candidate start, zoneinfo per start, every booking checked linearly."""
    tz = ZoneInfo(rules.policy.timezone)
    out: set[tuple[dt.datetime, str]] = set()
    day = window.start_at.astimezone(tz).date()
    last = window.end_at.astimezone(tz).date()
    while day <= last:
        for h in rules.hours:
            if h.weekday != day.weekday():
                continue
            m = h.start_min
            while m + t.duration_min <= h.end_min:
                start = dt.datetime.combine(day, dt.time(m // 60, m % 60), tzinfo=tz).astimezone(
                    dt.UTC
                )
                m += rules.policy.slot_step_min
                if not (window.start_at <= start < window.end_at) or start < now:
                    continue
                a, b = blocked_range(t, start)
                if any(
                    bk.clinician_id == h.clinician_id
                    and bk.blocked_start_at < b
                    and a < bk.blocked_end_at
                    for bk in bookings
                ):
                    continue
                room_free = any(
                    not any(
                        bk.room_id == r.id and bk.blocked_start_at < b and a < bk.blocked_end_at
                        for bk in bookings
                    )
                    for r in rules.rooms
                )
                if room_free:
                    out.add((start, h.clinician_id))
        day += dt.timedelta(days=1)
    return out


def bench_free_slots() -> dict[str, Any]:
    rules, bookings, t, window, now = pure_world()
    runs = []
    slots = ()
    for _ in range(15):
        t0 = time.perf_counter()
        slots = free_slots(rules, bookings, t, window, now=now)
        runs.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    peer = naive_free_slots(rules, bookings, t, window, now)
    peer_s = time.perf_counter() - t0
    same = {(s.start_at, s.clinician_id) for s in slots} == peer
    return {
        "median_ms": statistics.median(runs) * 1000,
        "min_ms": min(runs) * 1000,
        "peer_ms": peer_s * 1000,
        "slots": len(slots),
        "same": same,
        "bookings": len(bookings),
    }


# --- 2. the API --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed_api(url: str, n: int) -> dict[str, Any]:
    """A clinic with 5 clinicians (Mon-Fri 08-18 London), a 15-min assessment, n runners with
    bearer tokens, and n distinct free slots in the coming weeks."""
    from backstride.services import booking
    from backstride.services.auth import token_hash
    from backstride.services.passwords import HASHER
    from backstride.store.db import make_engine, session_factory
    from backstride.store.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    now = dt.datetime.now(dt.UTC)

    def ts(v: dt.datetime) -> Any:
        return v.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else v

    pw = HASHER.hash("bench password 123")
    clinic_id = uuid.uuid4().hex
    docs = [uuid.uuid4().hex for _ in range(5)]
    accounts = [uuid.uuid4().hex for _ in range(n)]
    runners = [uuid.uuid4().hex for _ in range(n)]
    tokens = [f"tok{i}-{uuid.uuid4().hex}" for i in range(n)]
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        ph = "?" if sqlite else "%s"

        def many(table: str, cols: str, rows: list[tuple[Any, ...]]) -> None:
            marks = ", ".join([ph] * len(cols.split(",")))
            cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)

        many(
            "clinics", "id, slug, name, created_at", [(clinic_id, "bench", "Bench Clinic", ts(now))]
        )
        many(
            "accounts",
            "id, email, password_hash, role, display_name, is_active, created_at",
            [
                (d, f"doc{i}@bench.example", pw, "clinician", f"Dr {i}", True, ts(now))
                for i, d in enumerate(docs)
            ]
            + [
                (a, f"runner{i}@bench.example", pw, "runner", f"Runner {i}", True, ts(now))
                for i, a in enumerate(accounts)
            ],
        )
        many(
            "clinic_members",
            "id, clinic_id, account_id, created_at",
            [(uuid.uuid4().hex, clinic_id, d, ts(now)) for d in docs],
        )
        many(
            "runners",
            "id, handle, account_id, display_name, timezone, preferences, created_at",
            [
                (r, f"runner{i}", a, f"Runner {i}", "UTC", "{}", ts(now))
                for i, (r, a) in enumerate(zip(runners, accounts, strict=True))
            ],
        )
        many(
            "auth_tokens",
            "id, account_id, token_hash, kind, created_at, expires_at, last_seen_at",
            [
                (
                    uuid.uuid4().hex,
                    a,
                    token_hash(tok),
                    "bearer",
                    ts(now),
                    ts(now + dt.timedelta(days=30)),
                    ts(now),  # as auth.issue_token sets it: no idle-time write in the first minute
                )
                for a, tok in zip(accounts, tokens, strict=True)
            ],
        )
        raw.commit()
    finally:
        raw.close()
    with session_factory(engine)() as session:
        booking.set_policy(
            session, actor=None, clinic_id=clinic_id, now=now, timezone=TZ, horizon_days=120
        )
        t = booking.create_type(
            session,
            actor=None,
            clinic_id=clinic_id,
            name="Assessment",
            visit_kind="initial_assessment",
            duration_min=15,
            now=now,
        )
        for name in ("Room 1", "Room 2", "Room 3", "Room 4", "Room 5"):
            booking.create_room(session, actor=None, clinic_id=clinic_id, name=name, now=now)
        for d in docs:
            for wd in range(5):
                booking.add_hours(
                    session,
                    actor=None,
                    clinic_id=clinic_id,
                    clinician_id=d,
                    weekday=wd,
                    start="08:00",
                    end="18:00",
                    now=now,
                )
        slots: list[booking.SlotView] = []
        start = now + dt.timedelta(days=1)
        while len(slots) < n:
            found = booking.list_free_slots(
                session,
                principal=None,
                clinic_id=clinic_id,
                appointment_type_id=t.id,
                now=now,
                from_at=start,
                to_at=start + dt.timedelta(days=7),
            )
            slots += list(found.slots)
            start += dt.timedelta(days=7)
    engine.dispose()
    bodies = [
        {
            "clinic_id": clinic_id,
            "appointment_type_id": t.id,
            "start_at": s.start_at.isoformat(),
            "clinician_id": s.clinician_id,
            "share_record": True,
        }
        for s in slots[:n]
    ]
    return {"tokens": tokens, "bodies": bodies}


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    """Send one pre-built HTTP/1.1 request on a kept-alive connection; its status code (the
    body, sized by Content-Length, is read and dropped)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
        elif name.strip().lower() == b"transfer-encoding":
            raise RuntimeError("the bench client reads Content-Length bodies only")
    if length:
        await reader.readexactly(length)
    return status


def _request(host: str, kind: str, token: str, body: dict[str, Any]) -> bytes:
    if kind != "book":
        return f"GET /api/v1/health HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    data = json.dumps(body).encode()
    return (
        f"POST /api/v1/me/appointments HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    ).encode() + data


async def _load(
    base: str, kind: str, tokens: list[str], bodies: list[dict[str, Any]], conc: int
) -> dict[str, Any]:
    """``conc`` kept-alive connections, each sending its next request as soon as the last
    answer is read (a closed loop, as wrk does). The requests are built before the clock
    starts and the client speaks bare HTTP/1.1 over asyncio streams: about 0.1 ms of CPU per
    request, where an HTTP client library (httpx) spent about 1 ms of the same two cores."""
    host = base.removeprefix("http://")
    address, _, port = host.partition(":")
    requests = [_request(host, kind, tokens[i], bodies[i]) for i in range(len(tokens))]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(len(requests)):
        queue.put_nowait(i)

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(address, int(port))
        try:
            for _ in range(3):  # warm the connection up
                await _exchange(reader, writer, _request(host, "health", "", {}))
            await started.wait()
            while True:
                try:
                    i = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                t = time.perf_counter()
                status = await _exchange(reader, writer, requests[i])
                latencies.append((time.perf_counter() - t) * 1000.0)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    started = asyncio.Event()
    tasks = [asyncio.create_task(worker()) for _ in range(conc)]
    await asyncio.sleep(0.5)
    t0 = time.perf_counter()
    started.set()
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - t0
    arr = np.array(latencies)
    return {
        "n": len(latencies),
        "rps": len(latencies) / wall,
        "p50": float(np.percentile(arr, 50)),
        "p95": float(np.percentile(arr, 95)),
        "statuses": statuses,
    }


def load_main(argv: list[str]) -> None:
    """Second process: ``python -m bench.booking --load BASE KIND FILE CONC``."""
    import uvloop

    base, kind, path, conc = argv
    data = json.loads(Path(path).read_text())
    print(json.dumps(uvloop.run(_load(base, kind, data["tokens"], data["bodies"], int(conc)))))


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds so far of a process (all its threads) and its children
    (uvicorn's worker processes)."""
    import psutil

    proc = psutil.Process(pid)
    total = 0.0
    for p in (proc, *proc.children(recursive=True)):
        t = p.cpu_times()
        total += t.user + t.system
    return total


async def _run_inline(func: Any, *args: Any, **kwargs: Any) -> Any:
    del kwargs  # anyio's limiter/cancellable options: nothing to limit on one thread
    return func(*args)


def profile_api(url: str, name: str, data_dir: Path) -> dict[str, Any]:
    """SQL statements and CPU per booking through the whole app in this process (ASGI
    calls: no socket, no client library, no outbox sender), one request at a time: the work
    a booking costs, which a loaded machine blurs less than throughput. ``BENCH_PROFILE=DIR``
    also writes a cProfile of it (the sync handlers then run on the event loop's thread so
    that one profiler sees everything)."""
    import anyio.to_thread
    from sqlalchemy import event

    from backstride.api.app import create_app
    from backstride.config import load_settings

    data = seed_api(url, PROFILED + 20)
    app = create_app(
        load_settings(
            database_url=url,
            data_dir=data_dir / f"profile-{name}",
            cookie_secure=False,
            booking_rate_burst=10**6,
        ),
        run_worker=False,
    )
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(app.state.engine, "before_cursor_execute", count)
    profile_dir = os.environ.get("BENCH_PROFILE")
    original = anyio.to_thread.run_sync
    if profile_dir:
        anyio.to_thread.run_sync = _run_inline  # type: ignore[assignment]

    async def run() -> tuple[float, Any]:
        import cProfile

        async def one(i: int) -> None:
            """POST one booking straight into the ASGI app (no client library in the way)."""
            body = json.dumps(data["bodies"][i]).encode()
            scope = {
                "type": "http",
                "asgi": {"version": "3.0"},
                "http_version": "1.1",
                "method": "POST",
                "scheme": "http",
                "path": "/api/v1/me/appointments",
                "raw_path": b"/api/v1/me/appointments",
                "query_string": b"",
                "root_path": "",
                "headers": [
                    (b"host", b"bench"),
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"authorization", f"Bearer {data['tokens'][i]}".encode()),
                ],
                "client": ("127.0.0.1", 50000),
                "server": ("127.0.0.1", 80),
            }
            sent: list[dict[str, Any]] = []

            async def receive() -> dict[str, Any]:
                return {"type": "http.request", "body": body, "more_body": False}

            async def send(message: dict[str, Any]) -> None:
                sent.append(message)

            await app(scope, receive, send)
            status = sent[0]["status"]
            assert status == 201, (status, sent[-1].get("body"))

        for i in range(20):  # warm-up: caches, pool, compiled statements
            await one(i)
        statements.clear()
        profiler = cProfile.Profile() if profile_dir else None
        cpu = time.process_time()
        if profiler is not None:
            profiler.enable()
        for i in range(20, 20 + PROFILED):
            await one(i)
        if profiler is not None:
            profiler.disable()
        return time.process_time() - cpu, profiler

    checkpointer = app.state.checkpointer  # as the app's lifespan runs it (SQLite)
    if checkpointer is not None:
        checkpointer.start()
    try:
        cpu_s, profiler = asyncio.run(run())
    finally:
        anyio.to_thread.run_sync = original  # type: ignore[assignment]
        if checkpointer is not None:
            checkpointer.stop()
        app.state.engine.dispose()
    if profiler is not None:
        profiler.dump_stats(str(Path(profile_dir or ".") / f"booking-{name}.prof"))
    kinds: dict[str, int] = {}
    for sql in statements:
        words = sql.split()
        key = " ".join(words[:3] if words[0].upper() == "INSERT" else words[:1])
        kinds[key] = kinds.get(key, 0) + 1
    return {
        "db": name,
        "statements": len(statements) / PROFILED,
        "cpu_ms": cpu_s * 1000 / PROFILED,
        "kinds": {k: v / PROFILED for k, v in sorted(kinds.items())},
        "profiled": profiler is not None,
    }


def _workers(name: str) -> int:
    """uvicorn processes: ``BENCH_PG_WORKERS`` (default 2) on PostgreSQL, whose bookings of one
    clinic queue only for their placement and inserts (docs/decisions/0070);
    ``BENCH_SQLITE_WORKERS`` (default 1) on SQLite, one writer per file whatever the processes
    (a second process only splits the same two cores: decision 0070)."""
    if name == "PostgreSQL":
        return int(os.environ.get("BENCH_PG_WORKERS", "2"))
    return int(os.environ.get("BENCH_SQLITE_WORKERS", "1"))


SEPARATE_WORKER = os.environ.get("BENCH_SEPARATE_WORKER", "1") != "0"
"""Serve with ``BACKSTRIDE_SERVE_WORKER=false`` and send the e-mail from a ``backstride
worker`` process of its own (a deployment's layout); ``BENCH_SEPARATE_WORKER=0``: the
server's own worker thread sends it, as ``make run`` does."""


def _mail_count(data_dir: Path) -> int:
    folder = data_dir / "mail"
    return sum(1 for _ in folder.glob("*.eml")) if folder.is_dir() else 0


def measure_api(url: str, name: str, data_dir: Path) -> list[dict[str, Any]]:
    data = seed_api(url, REQUESTS)
    job = data_dir / f"{name}.json"
    job.write_text(json.dumps(data))
    port = _free_port()
    env = dict(
        os.environ,
        BACKSTRIDE_DATABASE_URL=url,
        BACKSTRIDE_DATA_DIR=str(data_dir),
        BACKSTRIDE_COOKIE_SECURE="false",
        BACKSTRIDE_SERVE_WORKER="false" if SEPARATE_WORKER else "true",
    )
    sender = (
        subprocess.Popen(
            [str(Path(sys.executable).parent / "backstride"), "worker"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if SEPARATE_WORKER
        else None
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
            str(_workers(name)),
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        deadline = time.monotonic() + 180  # a loaded machine can take a minute to start it
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.2)
        for kind in ("health", "book"):
            cpu_before = _cpu_s(server.pid)
            sender_before = _cpu_s(sender.pid) if sender is not None else 0.0
            mail_before = _mail_count(data_dir)
            out = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.booking",
                    "--load",
                    base,
                    kind,
                    str(job),
                    str(CONCURRENCY),
                ],
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            stats = json.loads(out.stdout.strip().splitlines()[-1])
            # The server's CPU per request (every thread, the outbox sender included; the
            # 20 warm-up health checks are in it too).
            stats["server_cpu_ms"] = (_cpu_s(server.pid) - cpu_before) * 1000 / stats["n"]
            if kind == "book":
                # Every confirmation leaves the outbox: how long after the last booking.
                ended = time.monotonic()
                while _mail_count(data_dir) - mail_before < stats["n"]:
                    if time.monotonic() - ended > 300:
                        break
                    time.sleep(0.05)
                stats["mail_sent"] = _mail_count(data_dir) - mail_before
                stats["mail_lag_s"] = time.monotonic() - ended
                if sender is not None:
                    stats["sender_cpu_ms"] = (
                        (_cpu_s(sender.pid) - sender_before) * 1000 / stats["n"]
                    )
            rows.append({"db": name, "what": kind, "workers": _workers(name), **stats})
    finally:
        for process in (server, sender):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    return rows


KEPT = "## Before and after"
"""The hand-kept history below this heading of RESULTS-booking.md survives a new run."""


def write_results(
    pure: dict[str, Any], api: list[dict[str, Any]], profiles: list[dict[str, Any]]
) -> None:
    lines = [
        "# Clinic booking",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores shared with "
        "other jobs; `python -m bench.booking`.",
        "",
        "## free_slots: 5 clinicians x 8 weeks, 2,000 bookings (target < 20 ms)",
        "",
        "| what | median ms | best ms | slots |",
        "|---|---:|---:|---:|",
        f"| backstride `clinic.free_slots` (15 runs) | {pure['median_ms']:.1f} "
        f"| {pure['min_ms']:.1f} | {pure['slots']:,} |",
        "| peer: per-slot loop, zoneinfo per start, every booking checked (1 run) "
        f"| {pure['peer_ms']:.0f} | | |",
        "",
        f"Ratio: the peer takes {pure['peer_ms'] / pure['median_ms']:.0f}x as long. Same (start, "
        f"clinician) pairs listed: {'yes' if pure['same'] else 'NO'}. The window spans London's "
        "spring clock change.",
        "",
        "## One booking in process: SQL statements and CPU (steadier than throughput)",
        "",
        f"{PROFILED} bookings one after another through the whole app (ASGI in process, no "
        "socket, no outbox sender), each a new runner's first: consent, audit, 3 e-mails.",
        "",
        "| database | statements per booking | CPU ms per booking | statements by kind |",
        "|---|---:|---:|---|",
        *(
            f"| {p['db']} | {p['statements']:.1f} | {p['cpu_ms']:.1f}"
            f"{' (under cProfile)' if p['profiled'] else ''} | "
            + ", ".join(f"{k} {v:g}" for k, v in p["kinds"].items())
            + " |"
            for p in profiles
        ),
        "",
        f"## Booking via the API: uvicorn (uvloop, httptools), {CONCURRENCY} loopback "
        "connections (target >= 150/s, p95 < 50 ms)",
        "",
        "| database | uvicorn processes | request | n | per s | p50 ms | p95 ms "
        "| server CPU ms each | sender CPU ms each | all mail out after | statuses |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in api:
        what = (
            "POST /me/appointments (distinct slot and runner each)"
            if r["what"] == "book"
            else "GET /health (floor)"
        )
        sender = f"{r['sender_cpu_ms']:.1f}" if "sender_cpu_ms" in r else ""
        lag = f"{r['mail_lag_s']:.1f} s" if "mail_lag_s" in r else ""
        lines.append(
            f"| {r['db']} | {r['workers']} | {what} | {r['n']:,} | {r['rps']:.0f} | {r['p50']:.1f} "
            f"| {r['p95']:.1f} | {r['server_cpu_ms']:.1f} | {sender} | {lag} | {r['statuses']} |"
        )
    for db in sorted({r["db"] for r in api}):
        by = {r["what"]: r for r in api if r["db"] == db}
        if "book" in by and "health" in by:
            lines.append("")
            lines.append(
                f"{db}: a booking costs {by['health']['rps'] / by['book']['rps']:.1f}x "
                "a health check "
                "(each booking: auth, rate limit, triage, rules, checks, insert with the overlap "
                "trigger/constraint, consent, audit, 3 outbox e-mails, idempotency, one commit)."
            )
    lines.append("")
    out = ROOT / "bench" / "RESULTS-booking.md"
    old = out.read_text() if out.exists() else ""
    kept = old[old.index(KEPT) :] if KEPT in old else ""
    out.write_text("\n".join(lines) + ("\n" + kept if kept else ""))


def _postgres_db(pg: str, name: str) -> str:
    """A fresh database ``name`` on the cluster of ``pg``; its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(pg).set(database=name).render_as_string(hide_password=False)


def main() -> None:
    pg = os.environ.get("BACKSTRIDE_TEST_POSTGRES_URL")
    if not pg and "postgres" in os.environ.get("BENCH_DBS", "sqlite,postgres"):
        script = ROOT / "scripts" / "with-postgres.sh"
        subprocess.run([str(script), "--", sys.executable, "-m", "bench.booking"], check=True)
        return
    pure = bench_free_slots()
    print(json.dumps(pure), flush=True)
    rows: list[dict[str, Any]] = []
    profiles: list[dict[str, Any]] = []
    wanted = os.environ.get("BENCH_DBS", "sqlite,postgres").split(",")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        if "sqlite" in wanted:
            profiles.append(profile_api(f"sqlite:///{data / 'profile.db'}", "SQLite", data))
            print(json.dumps(profiles[-1]), flush=True)
            rows += measure_api(f"sqlite:///{data / 'bench.db'}", "SQLite", data)
        if "postgres" in wanted and pg:
            profiles.append(
                profile_api(_postgres_db(pg, "bench_booking_profile"), "PostgreSQL", data)
            )
            print(json.dumps(profiles[-1]), flush=True)
            rows += measure_api(_postgres_db(pg, "bench_booking"), "PostgreSQL", data)
    for r in rows:
        print(json.dumps(r), flush=True)
    write_results(pure, rows, profiles)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--load":
        load_main(sys.argv[2:])
    else:
        main()
