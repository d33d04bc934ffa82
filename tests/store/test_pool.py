"""An engine keeps the connections of a burst of concurrent requests open for the next ones
(SQLAlchemy's default kept 5 and closed the rest), except an in-memory SQLite's."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from backstride.store.db import POOL_SIZE, make_engine


def test_ten_connections_used_at_once_all_stay_open_for_the_next_requests(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'pool.db'}")
    held = [engine.connect() for _ in range(10)]
    for conn in held:
        conn.execute(text("SELECT 1"))
        conn.close()
    assert engine.pool.checkedin() == 10  # type: ignore[attr-defined]
    assert engine.pool.size() == POOL_SIZE  # type: ignore[attr-defined]
    engine.dispose()


def test_an_in_memory_database_still_opens() -> None:
    engine = make_engine("sqlite://")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()
