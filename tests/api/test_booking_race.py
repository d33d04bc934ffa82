"""The race: 50 concurrent HTTP requests from 5 client processes against 2 server processes
(uvicorn on free loopback ports, one database) for one slot -> exactly one 201 and 49 x 409
``booking.slot_taken``; with staggered, partly overlapping starts -> the accepted visits never
overlap and every refused one overlaps an accepted one. On SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.services import accounts, auth, booking
from backstride.store.clinic_models import Appointment
from backstride.store.models import Account
from tests.api.race_clients import client_process
from tests.services.booking.world import BookingWorld, build_booking_world

pytestmark = pytest.mark.slow
N_REQUESTS = 50
N_PROCESSES = 5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def servers(db_settings: Settings) -> Iterator[list[int]]:
    """Two uvicorn processes on the test database."""
    env = {**os.environ, "BACKSTRIDE_DATA_DIR": str(db_settings.data_dir)}
    if db_settings.database_url:
        env["BACKSTRIDE_DATABASE_URL"] = db_settings.database_url
    ports = [_free_port(), _free_port()]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "backstride.api.asgi:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
        )
        for port in ports
    ]
    try:
        for port in ports:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if (
                        httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code
                        == 200
                    ):
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("server did not start")
                time.sleep(0.2)
        yield ports
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


def _runners(session: Session, n: int) -> list[str]:
    """``n`` runners with bearer tokens."""
    now = dt.datetime.now(dt.UTC)
    tokens = []
    for i in range(n):
        view = accounts.register_runner(
            session,
            email=f"racer{i}@example.org",
            password="correct horse battery",
            display_name=f"Racer {i}",
            now=now,
        )
        account = session.get(Account, view.id)
        assert account is not None
        tokens.append(auth.issue_token(session, account=account, kind="bearer", now=now).token)
    session.commit()
    return tokens


def _race(
    ports: list[int], jobs: list[tuple[int, str, dict[str, Any]]]
) -> list[tuple[int, int, str]]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Manager().Barrier(N_PROCESSES)
    shares = [jobs[i::N_PROCESSES] for i in range(N_PROCESSES)]
    with ctx.Pool(N_PROCESSES) as pool:
        parts = pool.starmap(client_process, [(barrier, ports, share) for share in shares])
    return [r for part in parts for r in part]


def _first_slot(session: Session, bw: BookingWorld) -> booking.SlotView:
    now = dt.datetime.now(dt.UTC)
    found = booking.list_free_slots(
        session,
        principal=None,
        clinic_id=bw.clinic_id,
        appointment_type_id=bw.assess_id,
        now=now,
        from_at=now + dt.timedelta(days=1),
        to_at=now + dt.timedelta(days=8),
    )
    return found.slots[0]


def test_fifty_concurrent_requests_for_one_slot_give_one_201_and_49_409(
    session: Session, servers: list[int]
) -> None:
    bw = build_booking_world(session)
    tokens = _runners(session, N_REQUESTS)
    slot = _first_slot(session, bw)
    body = {
        "clinic_id": bw.clinic_id,
        "appointment_type_id": bw.assess_id,
        "start_at": slot.start_at.isoformat(),
        "clinician_id": slot.clinician_id,
        "share_record": True,
    }
    results = _race(servers, [(i, tokens[i], body) for i in range(N_REQUESTS)])
    statuses = sorted(status for _i, status, _c in results)
    assert statuses == [201] + [409] * (N_REQUESTS - 1)
    assert {code for _i, status, code in results if status == 409} == {"booking.slot_taken"}
    session.expire_all()
    stored = session.scalars(select(Appointment).where(Appointment.status == "booked")).all()
    assert [a.start_at for a in stored] == [slot.start_at]


def test_staggered_partly_overlapping_requests_keep_only_non_overlapping_visits(
    session: Session, servers: list[int]
) -> None:
    bw = build_booking_world(session)
    tokens = _runners(session, N_REQUESTS)
    first = _first_slot(session, bw)
    jobs = []
    for i in range(N_REQUESTS):
        start = first.start_at + dt.timedelta(minutes=15 * (i % 10))  # 45 min + 15 buffer each
        jobs.append(
            (
                i,
                tokens[i],
                {
                    "clinic_id": bw.clinic_id,
                    "appointment_type_id": bw.assess_id,
                    "start_at": start.isoformat(),
                    "clinician_id": first.clinician_id,
                    "share_record": True,
                },
            )
        )
    results = _race(servers, jobs)
    assert {status for _i, status, _c in results} <= {201, 409}
    session.expire_all()
    kept = session.scalars(select(Appointment).where(Appointment.status == "booked")).all()
    spans = sorted((a.blocked_start_at, a.blocked_end_at) for a in kept)
    assert len(spans) == sum(1 for _i, s, _c in results if s == 201) >= 1
    assert all(a_end <= b_start for (_a, a_end), (b_start, _b) in itertools.pairwise(spans))
    for i, status, _code in results:
        if status == 409:
            start = dt.datetime.fromisoformat(str(jobs[i][2]["start_at"]))
            a, b = start, start + dt.timedelta(minutes=60)
            assert any(x < b and a < y for x, y in spans)


def test_concurrent_bookings_with_different_clinicians_at_one_time_each_get_a_room(
    session: Session, servers: list[int]
) -> None:
    """Every listing offers the same first room to each clinician; racing writers that lose
    that room choose again instead of answering 409 while other rooms are free."""
    from backstride.services import clinics

    bw = build_booking_world(session)
    now = dt.datetime.now(dt.UTC)
    doctors = [bw.clinician_id]
    for i in range(4):
        doc = clinics.create_clinician(
            session,
            principal=None,
            email=f"doc{i}@north.example",
            password="correct horse battery",
            display_name=f"Dr {i}",
            clinic_id=bw.clinic_id,
            now=now,
        )
        doctors.append(doc.account_id)
        booking.create_room(
            session, actor=None, clinic_id=bw.clinic_id, name=f"Room {i + 2}", now=now
        )
        for d in range(5):
            booking.add_hours(
                session,
                actor=None,
                clinic_id=bw.clinic_id,
                clinician_id=doc.account_id,
                weekday=d,
                start="09:00",
                end="17:00",
                now=now,
            )
    tokens = _runners(session, 10)
    slot = _first_slot(session, bw)
    jobs = [
        (
            i,
            tokens[i],
            {
                "clinic_id": bw.clinic_id,
                "appointment_type_id": bw.assess_id,
                "start_at": slot.start_at.isoformat(),
                "clinician_id": doctors[i % 5],
                "share_record": True,
            },
        )
        for i in range(10)
    ]
    results = _race(servers, jobs)
    assert sorted(status for _i, status, _c in results) == [201] * 5 + [409] * 5
    session.expire_all()
    kept = session.scalars(select(Appointment).where(Appointment.status == "booked")).all()
    assert len({a.room_id for a in kept}) == len({a.clinician_account_id for a in kept}) == 5
