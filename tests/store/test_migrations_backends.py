"""On SQLite and PostgreSQL alike, migrations go up, down and up again with no drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from backstride.store.db import make_engine
from backstride.store.migrate import downgrade, drift, upgrade
from tests.db_backends import BACKENDS, fresh_postgres_database


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_upgrade_downgrade_upgrade_leaves_no_drift(
    backend_name: str, tmp_path: Path, worker_id: str
) -> None:
    if backend_name == "sqlite":
        url = f"sqlite:///{tmp_path / 'm.db'}"
    else:
        url = fresh_postgres_database(f"backstride_migrations_{worker_id}")
    upgrade(url)
    engine = make_engine(url, null_pool=True)
    tables = set(inspect(engine).get_table_names())
    assert {"accounts", "import_jobs", "audit_events"} <= tables
    # PostgreSQL also gets procrastinate's job queue (0003); SQLite has no use for it.
    assert ("procrastinate_jobs" in tables) == (backend_name == "postgres")
    downgrade(url, "0002_server")
    assert not any(t.startswith("procrastinate_") for t in inspect(engine).get_table_names())
    if backend_name == "postgres":
        with engine.connect() as conn:
            left = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_proc WHERE proname LIKE 'procrastinate%%'"
            ).scalar()
            types = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_type WHERE typname LIKE 'procrastinate%%'"
            ).scalar()
        assert (left, types) == (0, 0)
    downgrade(url, "0001")
    assert "client" not in {c["name"] for c in inspect(engine).get_columns("login_attempts")}
    downgrade(url, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(url)
    assert drift(engine) == []
    engine.dispose()
