"""A transient database error re-queues an import (never fails it); real errors still fail it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import psycopg.errors
import pytest
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.services import accounts, auth
from backstride.services.imports import jobs
from backstride.services.imports.worker import ImportWorker
from backstride.store.db import is_transient, session_factory
from backstride.store.models import Account, ImportJob

NOW = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)


def _locked() -> OperationalError:
    import sqlite3

    return OperationalError("INSERT INTO blobs", {}, sqlite3.OperationalError("database is locked"))


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (_locked(), True),
        (
            OperationalError("x", {}, psycopg.errors.SerializationFailure("could not serialize")),
            True,
        ),
        (OperationalError("x", {}, psycopg.errors.DeadlockDetected("deadlock detected")), True),
        (OperationalError("x", {}, psycopg.errors.AdminShutdown("terminating connection")), True),
        (OperationalError("x", {}, psycopg.OperationalError("connection refused")), False),
        (IntegrityError("x", {}, psycopg.errors.UniqueViolation("duplicate key")), False),
        (ValueError("not a database error"), False),
    ],
    ids=["sqlite-locked", "serialization", "deadlock", "shutdown", "unknown-pg", "unique", "other"],
)
def test_transient_database_errors_are_told_from_real_ones(
    error: BaseException, *, transient: bool
) -> None:
    assert is_transient(error) is transient


def test_a_dropped_connection_is_transient() -> None:
    error = OperationalError("x", {}, psycopg.OperationalError("server closed the connection"))
    error.connection_invalidated = True
    assert is_transient(error)


def _queued_job(session: Session, tmp_path: Path) -> tuple[str, Any]:
    view = accounts.register_runner(
        session, email="t@example.org", password="a long password", display_name="T", now=NOW
    )
    account = session.get(Account, view.id)
    assert account is not None
    principal = auth.principal_for(session, account)
    upload = tmp_path / "up" / "run.gpx"
    upload.parent.mkdir()
    upload.write_bytes(b"<gpx/>")
    job = jobs.enqueue_import(
        session,
        principal=principal,
        job_id=jobs.new_job_id(),
        upload_path=upload,
        files_total=1,
        now=NOW,
    )
    return job.id, principal


def test_a_locked_database_during_an_import_requeues_the_job_and_the_next_run_finishes_it(
    session: Session, db_settings: Settings, tmp_path: Path
) -> None:
    job_id, _ = _queued_job(session, tmp_path)
    calls: list[int] = []

    def importer(_session: Session, **_kwargs: Any) -> dict[str, Any]:
        calls.append(1)
        if len(calls) == 1:
            raise _locked()
        return {"imported": 1}

    factory = session_factory(session.get_bind())  # type: ignore[arg-type]
    worker = ImportWorker(factory, settings=db_settings, clock=lambda: NOW, importer=importer)
    assert worker.run_once() == 0  # taken, hit the lock, back in the queue
    session.expire_all()
    job = session.get(ImportJob, job_id)
    assert job is not None
    assert (job.status, job.attempts, job.report) == ("queued", 0, {})
    assert worker.run_once() == 1
    session.expire_all()
    job = session.get(ImportJob, job_id)
    assert job is not None
    assert (job.status, job.report) == ("done", {"imported": 1})
    assert len(calls) == 2


def test_a_real_error_still_fails_the_job_with_its_code(
    session: Session, db_settings: Settings, tmp_path: Path
) -> None:
    job_id, _ = _queued_job(session, tmp_path)

    def importer(_session: Session, **_kwargs: Any) -> dict[str, Any]:
        raise IntegrityError("x", {}, ValueError("constraint"))

    factory = session_factory(session.get_bind())  # type: ignore[arg-type]
    worker = ImportWorker(factory, settings=db_settings, clock=lambda: NOW, importer=importer)
    assert worker.run_once() == 1
    session.expire_all()
    job = session.get(ImportJob, job_id)
    assert job is not None
    assert job.status == "failed"
    assert job.report["error"]["code"] == "import.failed"
