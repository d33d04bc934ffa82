"""The e-mail sender's own cost: CPU and SQL statements per booking confirmation sent.

``python -m bench.outbox`` books ``BENCH_MESSAGES`` appointments (the booking tests' world,
SQLite in a temporary folder, or PostgreSQL: ``BENCH_DB=postgres`` under
``./scripts/with-postgres.sh``), then times
one :func:`backstride.services.outbox.send_due` pass over their confirmations with a transport
that serialises each message as SMTP would (``bytes(message)``) and drops it. Process CPU time,
so a loaded machine blurs it less than wall time. ``BENCH_PROFILE=FILE`` writes a cProfile.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import os
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import event
from tests.services.booking.world import NOW, at, build_booking_world

from backstride.config import Settings
from backstride.services import booking, outbox
from backstride.store.db import make_engine, session_factory
from backstride.store.migrate import upgrade

MESSAGES = int(os.environ.get("BENCH_MESSAGES", "200"))


class DropTransport:
    """Serialise like SMTP does, then drop."""

    def __init__(self) -> None:
        self.sent = 0

    def send(self, message: EmailMessage) -> None:
        bytes(message)
        self.sent += 1


def _slots(n: int) -> list[dt.datetime]:
    """``n`` hourly starts on weekdays from the world's Monday, 09:00 to 16:00 London."""
    out: list[dt.datetime] = []
    day = dt.date(2026, 11, 30)
    while len(out) < n:
        if day.weekday() < 5:
            out += [at(day, f"{h:02d}:00") for h in range(9, 17)]
        day += dt.timedelta(days=1)
    return out[:n]


def run(url: str, data_dir: Path) -> dict[str, Any]:
    upgrade(url)
    engine = make_engine(url)
    factory = session_factory(engine)
    settings = Settings(data_dir=data_dir, database_url=url)
    with factory() as s:
        bw = build_booking_world(s)
        principal = bw.principal(s, "runner_a")
        for start in _slots(MESSAGES):
            booking.book(
                s,
                principal=principal,
                clinic_id=bw.clinic_id,
                appointment_type_id=bw.assess_id,
                start_at=start,
                now=NOW,
                share_record=True,
            )
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine, "before_cursor_execute", count)
    transport = DropTransport()
    profile = os.environ.get("BENCH_PROFILE")
    prof = cProfile.Profile() if profile else None
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if prof:
        prof.enable()
    report = outbox.send_due(
        factory, settings=settings, now=NOW, transport=transport, limit=MESSAGES
    )
    if prof and profile:
        prof.disable()
        prof.dump_stats(profile)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    assert report.sent == transport.sent == MESSAGES, (report, transport.sent)
    return {
        "messages": MESSAGES,
        "cpu_ms_per_message": round(cpu * 1000 / MESSAGES, 2),
        "wall_ms_per_message": round(wall * 1000 / MESSAGES, 2),
        "statements_per_message": round(statements / MESSAGES, 2),
    }


def main() -> None:
    """SQLite; ``BENCH_DB=postgres`` under ./scripts/with-postgres.sh: a fresh database."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/backstride.db"
        if os.environ.get("BENCH_DB") == "postgres":
            from tests.db_backends import fresh_postgres_database

            url = fresh_postgres_database("bench_outbox")
        print(run(url, Path(tmp)))


if __name__ == "__main__":
    main()
