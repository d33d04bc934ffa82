"""A server's SQLite connections leave checkpoints to a thread of their own: a commit does not
copy the write-ahead log into the database while it holds the write lock, and the log is still
copied back, every few tenths of a second."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from backstride.api.app import create_app
from backstride.config import Settings
from backstride.store.db import (
    FALLBACK_CHECKPOINT_PAGES,
    WAL_SIZE_LIMIT_BYTES,
    WalCheckpointer,
    make_engine,
    wal_checkpointer,
)
from backstride.store.migrate import upgrade


def _write_rows(engine: Engine, n: int) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS t (x TEXT)"))
    for i in range(n):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (:x)"), {"x": "y" * 3000 + str(i)})


def _log_pages(path: Path) -> int:
    """Pages in the write-ahead log file (its header, then a header and a page per frame)."""
    size = path.with_name(path.name + "-wal").stat().st_size
    return max(size - 32, 0) // (4096 + 24)


def test_a_commit_leaves_the_log_to_the_checkpointer_which_copies_it_back(
    tmp_path: Path,
) -> None:
    plain = tmp_path / "p.db"
    engine = make_engine(f"sqlite:///{plain}")
    _write_rows(engine, 1_500)  # past SQLite's own checkpoint at 1,000 pages
    assert _log_pages(plain) < 1_100  # the committing connections checkpointed, log reused
    engine.dispose()

    path = tmp_path / "c.db"
    engine = make_engine(f"sqlite:///{path}", background_checkpoints=True)
    _write_rows(engine, 1_500)
    assert _log_pages(path) > 1_400  # no commit copied the log back
    checkpointer = WalCheckpointer(str(path))
    checkpointer.start()
    deadline = time.monotonic() + 10
    while checkpointer.pages_checkpointed < 1_400 and time.monotonic() < deadline:
        time.sleep(0.05)
    checkpointer.stop()
    assert checkpointer.pages_checkpointed >= 1_400  # ... the thread did
    before = _log_pages(path)
    _write_rows(engine, 100)
    assert _log_pages(path) == before  # so the log is written again from its start
    engine.dispose()


def test_the_servers_engine_checkpoints_in_the_background_while_it_runs(
    settings: Settings,
) -> None:
    upgrade(settings.effective_database_url)
    app = create_app(settings, run_worker=False)
    checkpointer = app.state.checkpointer
    assert isinstance(checkpointer, WalCheckpointer)
    with TestClient(app) as client:
        assert client.get("/api/v1/health").status_code == 200
        with app.state.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
            limit = conn.exec_driver_sql("PRAGMA journal_size_limit").scalar()
        assert pages == FALLBACK_CHECKPOINT_PAGES
        assert limit == WAL_SIZE_LIMIT_BYTES
        assert checkpointer.running
    assert not checkpointer.running  # stopped with the app


def test_no_checkpointer_for_postgresql_or_memory() -> None:
    assert wal_checkpointer(make_engine("sqlite://")) is None
    assert wal_checkpointer(make_engine("postgresql+psycopg://u@localhost/x")) is None


def test_a_missing_database_is_not_created_by_the_checkpointer(tmp_path: Path) -> None:
    checkpointer = WalCheckpointer(str(tmp_path / "absent.db"), every_s=0.01)
    checkpointer.start()
    checkpointer.stop()
    assert not (tmp_path / "absent.db").exists()
