"""Migration 0015 marks the plans whose current version asks the runner to contact the clinic,
reading only the current version, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from backstride.store.db import make_engine
from backstride.store.migrate import upgrade
from tests.db_backends import BACKENDS
from tests.store.migration_db import insert_runner, migration_url, stamp

BEFORE = "0014_appointment_span_bound"
AFTER = "0015_plan_contact_clinic"
T0 = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
RUNNER = "r" * 32
CALL = [{"code": "escalate.rising_week", "text": "Contact your clinic."}]
PLANS: dict[str, tuple[int, dict[int, dict[str, object]], bool]] = {
    # plan id -> (current version, documents by version, whether it asks to call)
    "a" * 32: (2, {1: {"escalations": []}, 2: {"escalations": CALL}}, True),
    "b" * 32: (2, {1: {"escalations": CALL}, 2: {"escalations": []}}, False),  # settled since
    "c" * 32: (1, {1: {"weeks": []}}, False),  # a document from before escalations existed
    "d" * 32: (1, {1: {"escalations": CALL}, 2: {"escalations": []}}, True),  # v2 not current
}


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_upgrading_marks_the_plans_whose_current_version_asks_to_contact_the_clinic(
    backend_name: str, tmp_path: Path, worker_id: str
) -> None:
    url = migration_url(backend_name, tmp_path, f"backstride_planmig_{worker_id}")
    upgrade(url, BEFORE)
    engine = make_engine(url, null_pool=True)
    with engine.begin() as conn:
        at = stamp(conn, T0)
        insert_runner(conn, RUNNER, "one", T0)
        for plan_id, (current, versions, _) in PLANS.items():
            conn.execute(
                text(
                    "INSERT INTO plans (id, runner_id, status, created_at, current_version) "
                    "VALUES (:id, :rid, 'active', :at, :v)"
                ),
                {"id": plan_id, "rid": RUNNER, "at": at, "v": current},
            )
            for version, document in versions.items():
                conn.execute(
                    text(
                        "INSERT INTO plan_versions (id, plan_id, version, created_at, reason, "
                        "document) VALUES (:id, :pid, :v, :at, 'test', :doc)"
                    ),
                    {
                        "id": f"{plan_id[:31]}{version}",
                        "pid": plan_id,
                        "v": version,
                        "at": at,
                        "doc": json.dumps(document),
                    },
                )
    engine.dispose()
    upgrade(url, AFTER)
    engine = make_engine(url, null_pool=True)
    with engine.connect() as conn:
        stored: dict[str, object] = {
            row[0]: row[1] for row in conn.execute(text("SELECT id, contact_clinic FROM plans"))
        }
    engine.dispose()
    assert {k: bool(v) for k, v in stored.items()} == {k: p[2] for k, p in PLANS.items()}
