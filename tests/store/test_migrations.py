"""Migrations go up, down and up again, and match the models (no drift)."""

from __future__ import annotations

from sqlalchemy import inspect

from backstride.config import Settings
from backstride.store.db import make_engine
from backstride.store.migrate import downgrade, drift, upgrade


def test_upgrade_downgrade_upgrade_on_sqlite_leaves_no_drift(settings: Settings) -> None:
    url = settings.effective_database_url
    upgrade(url)
    engine = make_engine(url)
    assert "activities" in inspect(engine).get_table_names()
    downgrade(url, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(url)
    assert drift(engine) == []
    engine.dispose()


def test_sqlite_connections_have_foreign_keys_and_wal(settings: Settings) -> None:
    engine = make_engine(settings.effective_database_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
