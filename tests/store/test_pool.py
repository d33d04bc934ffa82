"""An engine keeps the connections of a burst of concurrent requests open for the next ones
(SQLAlchemy's default kept 5 and closed the rest), except an in-memory SQLite's; on
PostgreSQL the pool's check of a reused connection begins its transaction, a dropped one is
replaced, and per-connection settings still apply."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import Engine, text

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


def _postgres_only(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's pool check (SQLite's pool does not ping)")


def test_a_pooled_postgres_connection_comes_back_in_a_transaction_its_check_began(
    engine: Engine,
) -> None:
    """The pool's check of a reused connection is the request's ``BEGIN``: no ping of its
    own and no ``BEGIN`` from psycopg before the first statement (decision 0074)."""
    from psycopg import pq

    _postgres_only(engine)
    with engine.connect() as conn:  # a fresh connection: no check, psycopg begins
        conn.execute(text("SELECT 1"))
        conn.commit()
    raw = engine.raw_connection()  # the same connection, checked out again: checked
    try:
        driver = raw.driver_connection
        assert driver is not None
        assert driver.info.transaction_status == pq.TransactionStatus.INTRANS
        cursor = raw.cursor()
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = pg_backend_pid()")
        assert cursor.fetchone() == (1,)
        raw.commit()
        assert driver.info.transaction_status == pq.TransactionStatus.IDLE
    finally:
        raw.close()


def test_a_connection_the_server_dropped_is_replaced_at_checkout(engine: Engine) -> None:
    _postgres_only(engine)
    first = engine.connect()
    pid = first.execute(text("SELECT pg_backend_pid()")).scalar()
    first.commit()
    with engine.connect() as other:  # a second connection ends the first one's backend
        first.close()  # back in the pool, where the server drops it
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        other.commit()
    for _ in range(3):  # whichever pooled connection comes out, every one answers
        with engine.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != pid
            conn.commit()


def test_isolation_level_and_read_only_can_still_be_set_on_a_checked_connection(
    engine: Engine,
) -> None:
    _postgres_only(engine)
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        conn.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        assert conn.execute(text("SHOW transaction_isolation")).scalar() == "read committed"
        assert conn.connection.driver_connection.autocommit  # type: ignore[union-attr]
    with engine.connect().execution_options(
        isolation_level="SERIALIZABLE", postgresql_readonly=True
    ) as conn:
        assert conn.execute(text("SHOW transaction_isolation")).scalar() == "serializable"
        assert conn.execute(text("SHOW transaction_read_only")).scalar() == "on"
        conn.rollback()
    with engine.connect() as conn:  # back to the defaults, and checked again
        assert conn.execute(text("SHOW transaction_isolation")).scalar() == "read committed"
        assert conn.execute(text("SHOW transaction_read_only")).scalar() == "off"


def test_a_dialect_without_the_setting_hooks_keeps_the_plain_ping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``begin_on_ping`` wraps private methods of SQLAlchemy's psycopg dialect: where a
    SQLAlchemy lacks one of them, the pool keeps its own ping rather than fail or half-patch."""
    from sqlalchemy.dialects.postgresql import psycopg

    from backstride.store import db

    def patched(dialect: object) -> set[str]:
        return {"do_ping", *db._SETTING_HOOKS} & set(vars(dialect))

    full = cast(Any, psycopg.dialect)()
    db.begin_on_ping(full)
    assert patched(full) == {"do_ping", *db._SETTING_HOOKS}  # this SQLAlchemy has each hook
    monkeypatch.setattr(db, "_SETTING_HOOKS", (*db._SETTING_HOOKS, "_a_hook_renamed_later"))
    older = cast(Any, psycopg.dialect)()
    db.begin_on_ping(older)
    assert patched(older) == set()
