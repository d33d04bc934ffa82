"""On SQLite a savepoint takes the write lock before it reads: it never meets a stale snapshot."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from backstride.config import Settings
from backstride.store.db import make_engine, session_factory
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
