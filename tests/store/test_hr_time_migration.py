"""Migration 0005 fills ``activities.hr_time`` with its own frozen copy of the computation, and
writes exactly what the application computes today, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import importlib.util
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from backstride.ingest import model as m
from backstride.ingest.model import Streams
from backstride.services.rows.activity import hr_time_from_streams
from backstride.store.db import make_engine
from backstride.store.migrate import MIGRATIONS_DIR, upgrade
from tests.db_backends import BACKENDS
from tests.ingest.bss1 import encode_bss1
from tests.store.migration_db import insert_runner, migration_url, stamp

BEFORE = "0004_import_lease"
AFTER = "0005_activity_hr_time"
T0 = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
RUNNER = "r" * 32


def _migration() -> types.ModuleType:
    path = next((MIGRATIONS_DIR / "versions").glob("0005_*.py"))
    spec = importlib.util.spec_from_file_location("frozen_0005", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _blob(time_s: list[float], **channels: list[float]) -> bytes:
    arrays = {m.TIME_S: np.asarray(time_s, dtype=np.float64)}
    arrays |= {name: np.asarray(v, dtype=np.float64) for name, v in channels.items()}
    return encode_bss1(Streams(arrays))  # rows from before 0005 hold BSS1 blobs


NAN = float("nan")
FIXTURE: dict[str, bytes | None] = {
    "a" * 32: _blob([0, 1, 2, 3, 40, 41], hr_bpm=[120, 121.5, 121.5, 130, 131, 132]),
    "b" * 32: _blob([0, 1, 2, 3], hr_bpm=[NAN, 140, NAN, 141]),  # missing samples
    "c" * 32: _blob([0, 1, 2], distance_m=[0, 3, 6]),  # no heart rate: b""
    "d" * 32: _blob([0, 1e9, 2], hr_bpm=[100, 101, 102]),  # a jump stored as float32
    "e" * 32: b"BSS1 damaged",  # unreadable: stays NULL
    "f" * 32: None,  # a summary without streams: stays NULL
}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(min_value=0.001, max_value=45.0),
            st.one_of(st.just(NAN), st.floats(min_value=40.0, max_value=220.0)),
        ),
        max_size=40,
    )
)
def test_the_frozen_copy_computes_what_the_application_computes(
    samples: list[tuple[float, float]],
) -> None:
    time_s = np.cumsum([0.0] + [gap for gap, _ in samples])
    hr = [150.0] + [bpm for _, bpm in samples]
    blob = _blob(list(time_s), hr_bpm=hr)
    assert _migration().hr_time_from_streams(blob) == hr_time_from_streams(blob)


def test_the_frozen_copy_agrees_on_the_fixture_rows() -> None:
    frozen = _migration().hr_time_from_streams
    for blob in FIXTURE.values():
        assert frozen(blob) == hr_time_from_streams(blob)


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_upgrading_fills_hr_time_as_the_application_computes_it(
    backend_name: str, tmp_path: Path, worker_id: str
) -> None:
    url = migration_url(backend_name, tmp_path, f"backstride_hrmig_{worker_id}")
    upgrade(url, BEFORE)
    engine = make_engine(url, null_pool=True)
    with engine.begin() as conn:
        at = stamp(conn, T0)
        insert_runner(conn, RUNNER, "one", T0)
        for activity_id, blob in FIXTURE.items():
            conn.execute(
                text(
                    "INSERT INTO activities (id, runner_id, dedup_key, source, sport, start_at, "
                    "local_date, elapsed_s, has_running_dynamics, n_samples, extra, "
                    "imported_at, streams) VALUES (:id, :rid, :id, 'file', 'running', :at, "
                    ":day, 600, false, 0, '{}', :at, :streams)"
                ),
                {"id": activity_id, "rid": RUNNER, "at": at, "day": T0.date(), "streams": blob},
            )
    engine.dispose()
    upgrade(url, AFTER)
    engine = make_engine(url, null_pool=True)
    with engine.connect() as conn:
        stored: dict[str, Any] = dict(
            conn.execute(text("SELECT id, hr_time FROM activities")).all()
        )
    engine.dispose()
    expected = {activity_id: hr_time_from_streams(blob) for activity_id, blob in FIXTURE.items()}
    assert {k: None if v is None else bytes(v) for k, v in stored.items()} == expected
    assert expected["a" * 32]  # the fixture covers a real distribution,
    assert expected["c" * 32] == b""  # a recording without heart rate
    assert expected["e" * 32] is None  # and a damaged blob
