"""``insert_many`` stores exactly what SQLAlchemy's own executemany stores, faster."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Table, insert, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from backstride.cli._context import open_session
from backstride.config import Settings
from backstride.ingest.dedup import dedup_key
from backstride.ingest.registry import read_activity
from backstride.services.rows.activity import activity_values, stream_facts
from backstride.services.runners import get_or_create_runner
from backstride.store import bulk
from backstride.store import models as sm
from backstride.store.bulk import insert_many

NOW = dt.datetime(2026, 1, 1, 12, 30, 15, 123456, tzinfo=dt.UTC)
FILES = (
    "gpx/togeojson__run_gpxtpx.gpx",
    "tcx/tcxparser__test.tcx",
    "fit/fitparse__garmin-fenix-5-run.fit",
)


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    with open_session(settings) as s:
        yield s


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _rows(
    session: Session, activities_dir: Path
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    runner = get_or_create_runner(session, handle="ana", now=NOW)
    session.flush()
    acts, laps = [], []
    for name in FILES:
        for act in read_activity(activities_dir / name):
            row, lap_rows = activity_values(
                act,
                stream_facts(act),
                runner_id=runner.id,
                source="file",
                blob_sha256=None,
                dedup_key=dedup_key(act),
                gear_id=None,
                tz=dt.UTC,
                now=NOW,
            )
            acts.append(row)
            laps.extend(lap_rows)
    return acts, laps


def _stored(connection: Connection, table: str, key: str, ids: list[Any]) -> list[tuple[Any, ...]]:
    """The raw values SQLite holds (no type processing on the way out)."""
    out = []
    for value in ids:
        row = connection.exec_driver_sql(f"SELECT * FROM {table} WHERE {key} = ?", (value,)).one()
        out.append(tuple(row))
    return out


def test_rows_stored_by_insert_many_are_those_sqlalchemy_stores_byte_for_byte(
    session: Session, activities_dir: Path
) -> None:
    acts, laps = _rows(session, activities_dir)
    assert acts
    assert laps
    assert any(r["extra"] for r in acts)
    connection = session.connection()
    activities, lap_table = _table(sm.Activity), _table(sm.Lap)
    assert bulk._plan(connection.dialect, activities, tuple(acts[0])) is not None
    assert bulk._plan(connection.dialect, lap_table, tuple(laps[0])) is not None  # no fallback
    insert_many(connection, activities, acts)
    insert_many(connection, lap_table, laps)
    ours_acts = _stored(connection, "activities", "id", [r["id"] for r in acts])
    lap_key = [(lap["activity_id"], lap["index"]) for lap in laps]
    ours_laps = [
        tuple(
            connection.exec_driver_sql(
                'SELECT * FROM laps WHERE activity_id = ? AND "index" = ?', key
            ).one()
        )
        for key in lap_key
    ]
    connection.exec_driver_sql("DELETE FROM laps")
    connection.exec_driver_sql("DELETE FROM activities")
    session.execute(insert(activities), acts)
    session.execute(insert(lap_table), laps)
    theirs_acts = _stored(connection, "activities", "id", [r["id"] for r in acts])
    theirs_laps = [
        tuple(
            connection.exec_driver_sql(
                'SELECT * FROM laps WHERE activity_id = ? AND "index" = ?', key
            ).one()
        )
        for key in lap_key
    ]
    assert ours_acts == theirs_acts
    assert ours_laps == theirs_laps
    assert isinstance(ours_acts[0][[c.key for c in activities.columns].index("start_at")], str)


def test_rows_with_other_keys_or_a_left_out_default_go_through_sqlalchemy(
    session: Session, activities_dir: Path
) -> None:
    acts, _ = _rows(session, activities_dir)
    connection = session.connection()
    activities = _table(sm.Activity)
    short = {k: v for k, v in acts[0].items() if k != "extra"}  # ``extra`` has a default
    assert bulk._plan(connection.dialect, activities, tuple(short)) is None
    insert_many(connection, activities, [short])
    got = session.execute(text("SELECT id, extra FROM activities")).all()
    assert got == [(short["id"], "{}")]  # SQLAlchemy filled the default in
    mixed = [acts[1], {k: v for k, v in acts[2].items() if k != "name"} | {"trimp": 1.0}]
    with pytest.raises(StatementError, match="'name'"):  # as SQLAlchemy refuses them
        insert_many(connection, activities, mixed)  # same length, other keys
