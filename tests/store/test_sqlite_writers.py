"""On SQLite a savepoint takes the write lock before it reads: it never meets a stale snapshot;
writers of one file pass a first-come-first-served gate and never starve."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from backstride.config import Settings
from backstride.store.db import (
    BUSY_TIMEOUT_MS,
    WriteGate,
    is_transient,
    make_engine,
    session_factory,
    write_gate,
)
from backstride.store.migrate import upgrade


def test_a_savepoint_outside_a_transaction_holds_the_write_lock_from_its_start(
    settings: Settings,
) -> None:
    url = settings.effective_database_url
    upgrade(url)
    engine = make_engine(url)
    path = url.split("///", 1)[1]
    with session_factory(engine)() as session:
        with session.begin_nested():
            session.execute(text("SELECT count(*) FROM blobs")).scalar()
            other = sqlite3.connect(path, timeout=0)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            other.close()
        session.commit()
    other = sqlite3.connect(path, timeout=0)
    other.execute("BEGIN IMMEDIATE")  # free again after the commit
    other.rollback()
    other.close()
    engine.dispose()


def test_the_write_gate_hands_over_in_arrival_order() -> None:
    gate = WriteGate()
    assert gate.acquire(1.0)
    order: list[int] = []
    threads = []

    def wait_then_note(i: int) -> None:
        assert gate.acquire(10.0)
        order.append(i)

    for i in range(5):
        thread = threading.Thread(target=wait_then_note, args=(i,))
        thread.start()
        threads.append(thread)
        while gate.queued < i + 1:  # each waiter queued before the next one arrives
            time.sleep(0.001)
    for i in range(5):
        gate.release()
        while len(order) < i + 1:
            time.sleep(0.001)
    for thread in threads:
        thread.join()
    assert order == [0, 1, 2, 3, 4]
    gate.release()
    assert gate.acquire(0.0)  # open again once the last writer let go


def test_a_writer_that_waits_past_its_timeout_gives_up_with_a_transient_lock_error(
    settings: Settings,
) -> None:
    url = settings.effective_database_url
    upgrade(url)
    first, second = make_engine(url), make_engine(url)  # two engines, one file: one gate
    with session_factory(first)() as holder, session_factory(second)() as waiter:
        holder.execute(text("UPDATE blobs SET size_bytes = size_bytes"))  # takes the gate
        assert write_gate(url.split("///", 1)[1]).queued == 0
        waiter.execute(text("PRAGMA busy_timeout=50"))
        with pytest.raises(OperationalError) as caught:
            waiter.execute(text("UPDATE blobs SET size_bytes = size_bytes"))
        assert "locked" in str(caught.value)
        assert is_transient(caught.value)
        waiter.rollback()
        holder.commit()  # gives the gate back
        waiter.execute(text("UPDATE blobs SET size_bytes = size_bytes"))
        waiter.commit()
    first.dispose()
    second.dispose()


def test_concurrent_writers_of_one_file_all_commit_in_turn_without_a_lock_error(
    settings: Settings,
) -> None:
    url = settings.effective_database_url
    upgrade(url)
    engine = make_engine(url)
    factory = session_factory(engine)
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            for j in range(20):
                with factory() as session:
                    session.execute(text("PRAGMA busy_timeout=2000"))
                    session.execute(
                        text(
                            "INSERT INTO clinics (id, slug, name, created_at) "
                            "VALUES (:id, :slug, 'c', '2026-12-05 00:00:00.000000')"
                        ),
                        {"id": f"c{i}-{j}", "slug": f"c{i}-{j}"},
                    )
                    session.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with factory() as session:
        assert session.execute(text("SELECT count(*) FROM clinics")).scalar() == 160
    engine.dispose()


def test_a_connection_returns_to_the_pool_with_the_normal_busy_timeout(
    settings: Settings,
) -> None:
    url = settings.effective_database_url
    upgrade(url)
    engine = make_engine(url, null_pool=False)
    factory = session_factory(engine)
    with factory() as session:
        session.execute(text("PRAGMA busy_timeout=50"))  # a best-effort writer's patience
    for _ in range(3):  # whichever pooled connection comes next
        with factory() as session:
            assert session.execute(text("PRAGMA busy_timeout")).scalar() == BUSY_TIMEOUT_MS
    engine.dispose()


_HOLD_A_WRITE = """
import sys
from sqlalchemy import text
from backstride.store.db import make_engine, session_factory
engine = make_engine(sys.argv[1])
with session_factory(engine)() as session:
    session.execute(text("UPDATE blobs SET size_bytes = size_bytes"))  # takes the gate
    print("holding", flush=True)
    sys.stdin.readline()  # until the test says so
    session.commit()
print("committed", flush=True)
"""


def test_a_writer_of_another_process_is_waited_for_at_the_gate_not_at_sqlites_busy_handler(
    settings: Settings,
) -> None:
    url = settings.effective_database_url
    upgrade(url)
    other = subprocess.Popen(
        [sys.executable, "-c", _HOLD_A_WRITE, url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert other.stdin is not None
    assert other.stdout is not None
    engine = make_engine(url)
    try:
        assert other.stdout.readline().strip() == "holding"
        with session_factory(engine)() as session:
            session.execute(text("PRAGMA busy_timeout=50"))
            with pytest.raises(OperationalError) as caught:
                session.execute(text("UPDATE blobs SET size_bytes = size_bytes"))
            assert "waited for the write gate" in str(caught.value)  # the gate, not SQLite
            assert is_transient(caught.value)
            session.rollback()
            other.stdin.write("\n")
            other.stdin.flush()
            assert other.stdout.readline().strip() == "committed"
            session.execute(text("UPDATE blobs SET size_bytes = size_bytes"))  # its turn now
            session.commit()
    finally:
        other.kill() if other.poll() is None else None
        other.wait()
        engine.dispose()


_WRITE_MANY = """
import sys
from sqlalchemy import text
from backstride.store.db import make_engine, session_factory
engine = make_engine(sys.argv[1])
factory = session_factory(engine)
for j in range(40):
    with factory() as session:
        session.execute(
            text(
                "INSERT INTO clinics (id, slug, name, created_at) "
                "VALUES (:id, :slug, 'c', '2026-12-05 00:00:00.000000')"
            ),
            {"id": f"{sys.argv[2]}-{j}", "slug": f"{sys.argv[2]}-{j}"},
        )
        session.commit()
"""


def test_writers_in_several_processes_all_commit_in_turn(settings: Settings) -> None:
    # No lost row, no lock error and no deadlock between the processes' gates (SQLite's busy
    # handler alone would pass this too: that the gate, not SQLite, makes them wait is the
    # test above).
    url = settings.effective_database_url
    upgrade(url)
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITE_MANY, url, f"p{i}"]) for i in range(3)
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0]
    engine = make_engine(url)
    with session_factory(engine)() as session:
        assert session.execute(text("SELECT count(*) FROM clinics")).scalar() == 120
    engine.dispose()


def test_an_in_memory_database_leaves_no_lock_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for url in ("sqlite://", "sqlite:///:memory:"):
        engine = make_engine(url)
        with session_factory(engine)() as session:
            session.execute(text("CREATE TABLE t (x INTEGER)"))
            session.execute(text("INSERT INTO t VALUES (1)"))
            session.commit()
        engine.dispose()
    assert list(tmp_path.iterdir()) == []
