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
    assert {"accounts", "import_jobs", "audit_events"} <= set(inspect(engine).get_table_names())
    downgrade(url, "0001")
    assert "client" not in {c["name"] for c in inspect(engine).get_columns("login_attempts")}
    downgrade(url, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(url)
    assert drift(engine) == []
    engine.dispose()
