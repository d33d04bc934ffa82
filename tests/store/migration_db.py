"""Helpers of the data-migration tests: a database of either backend, and rows written in SQL
(the models may already have moved past the revision under test)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Connection, text

from tests.db_backends import fresh_postgres_database


def migration_url(backend_name: str, tmp_path: Path, name: str) -> str:
    """An empty database: a SQLite file in ``tmp_path``, or PostgreSQL database ``name``."""
    if backend_name == "sqlite":
        return f"sqlite:///{tmp_path / 'm.db'}"
    return fresh_postgres_database(name)


def stamp(conn: Connection, when: dt.datetime) -> object:
    """``when`` as the backend's timestamp column takes it (SQLite: naive UTC)."""
    return when.replace(tzinfo=None) if conn.dialect.name == "sqlite" else when


def insert_runner(conn: Connection, runner_id: str, handle: str, at: dt.datetime) -> None:
    """A runner row with only the columns every revision has."""
    conn.execute(
        text(
            "INSERT INTO runners (id, handle, display_name, timezone, preferences, "
            "created_at) VALUES (:id, :h, :h, 'UTC', '{}', :at)"
        ),
        {"id": runner_id, "h": handle, "at": stamp(conn, at)},
    )
