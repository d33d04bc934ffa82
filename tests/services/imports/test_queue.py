"""The import queue: procrastinate on PostgreSQL (defer, worker process, worker thread, stalled
jobs, an unreachable queue) and the claim rule shared with the SQLite table worker."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from backstride.cli.main import app as cli
from backstride.config import Settings
from backstride.services.imports import jobs
from backstride.services.imports.queue import (
    TASK_NAME,
    ProcrastinateQueue,
    QueueUnavailable,
    TableQueue,
    _retry_stalled_imports,
    make_queue,
    procrastinate_app,
)
from backstride.services.policy import Principal
from backstride.store.db import session_factory
from backstride.store.models import Activity, ImportJob
from tests.api.world import SAMPLE_GPX, World, build_world

NOW = dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)
postgres_only = pytest.mark.parametrize("backend", ["postgres"])


def _principal(world: World) -> Principal:
    return Principal(
        account_id=world.accounts["runner_a"],
        role="runner",
        email="a@example.org",
        display_name="A",
        runner_id=world.runner_a,
    )


def _queued_job(session: Session, settings: Settings, world: World) -> str:
    """A queued import of the sample GPX file, as the upload route leaves it."""
    job_id = jobs.new_job_id()
    target = settings.data_dir / "uploads" / job_id / "track.gpx"
    target.parent.mkdir(parents=True)
    shutil.copyfile(SAMPLE_GPX, target)
    jobs.enqueue_import(
        session,
        principal=_principal(world),
        job_id=job_id,
        upload_path=target,
        files_total=1,
        now=NOW,
    )
    return job_id


def _status(session: Session, job_id: str) -> str:
    session.expire_all()
    job = session.get(ImportJob, job_id)
    assert job is not None
    return job.status


def _procrastinate_jobs(session: Session) -> list[Any]:
    session.rollback()
    return list(
        session.execute(
            text("SELECT task_name, args, status FROM procrastinate_jobs ORDER BY id")
        ).all()
    )


@postgres_only
def test_a_submitted_job_is_a_procrastinate_job_that_backstride_worker_runs(
    db_settings: Settings, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_world(session, history=False)
    job_id = _queued_job(session, db_settings, world)
    queue = make_queue(
        session_factory(session.get_bind()),  # type: ignore[arg-type]
        settings=db_settings,
        clock=lambda: NOW,
    )
    assert isinstance(queue, ProcrastinateQueue)
    queue.submit(job_id)
    queue.stop()
    assert [(t, a["job_id"], s) for t, a, s in _procrastinate_jobs(session)] == [
        (TASK_NAME, job_id, "todo")
    ]
    monkeypatch.setenv("BACKSTRIDE_DATA_DIR", str(db_settings.data_dir))
    monkeypatch.setenv("BACKSTRIDE_DATABASE_URL", db_settings.effective_database_url)
    ran = CliRunner().invoke(cli, ["worker", "--once"])
    assert ran.exit_code == 0, ran.output
    assert "ran 1 job(s)" in ran.output
    assert _status(session, job_id) == "done"
    assert session.scalar(select(func.count()).select_from(Activity)) == 1
    assert not any(row.task_name == TASK_NAME for row in _procrastinate_jobs(session))


@postgres_only
def test_the_background_worker_thread_takes_a_job_as_soon_as_it_is_submitted(
    db_settings: Settings, session: Session
) -> None:
    world = build_world(session, history=False)
    queue = make_queue(
        session_factory(session.get_bind()),  # type: ignore[arg-type]
        settings=db_settings,
        clock=lambda: NOW,
    )
    queue.start()
    try:
        job_id = _queued_job(session, db_settings, world)
        queue.submit(job_id)
        deadline = time.monotonic() + 30
        while _status(session, job_id) != "done" and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        queue.stop()
    assert _status(session, job_id) == "done"


@postgres_only
def test_a_job_whose_worker_died_is_requeued_and_then_imported(
    db_settings: Settings, session: Session
) -> None:
    world = build_world(session, history=False)
    job_id = _queued_job(session, db_settings, world)
    factory = session_factory(session.get_bind())  # type: ignore[arg-type]
    queue = ProcrastinateQueue(factory, settings=db_settings, clock=lambda: NOW)
    queue.submit(job_id)
    queue.stop()
    # A worker took the job (import_jobs says running) and was killed: procrastinate still
    # shows the job "doing" with no live worker.
    with factory() as s:
        jobs.take_job(s, job_id, now=NOW)
        s.execute(text("UPDATE procrastinate_jobs SET status = 'doing'"))
        s.commit()

    async def janitor() -> None:
        app = procrastinate_app(db_settings.effective_database_url, sync=False)
        async with app.open_async():
            await _retry_stalled_imports(SimpleNamespace(app=app), 0)  # type: ignore[arg-type]

    asyncio.run(janitor())
    assert [row.status for row in _procrastinate_jobs(session)] == ["todo"]
    assert _status(session, job_id) == "running"
    assert queue.run_once() == 1
    assert _status(session, job_id) == "done"


@postgres_only
def test_an_unreachable_queue_fails_the_job_with_a_code_instead_of_losing_it(
    db_settings: Settings, session: Session
) -> None:
    world = build_world(session, history=False)
    job_id = _queued_job(session, db_settings, world)
    dead = db_settings.model_copy(
        update={"database_url": "postgresql+psycopg://nobody@127.0.0.1:9/none"}
    )
    queue = ProcrastinateQueue(
        session_factory(session.get_bind()),  # type: ignore[arg-type]
        settings=dead,
        clock=lambda: NOW,
        timeout_s=1.0,
    )
    with pytest.raises(QueueUnavailable) as raised:
        queue.submit(job_id)
    queue.stop()
    assert raised.value.code == "import.queue_unavailable"
    session.expire_all()
    job = session.get(ImportJob, job_id)
    assert job is not None
    assert job.status == "failed"
    assert job.report["error"]["code"] == "import.queue_unavailable"


def test_sqlite_uses_the_table_worker(settings: Settings) -> None:
    from backstride.store.db import make_engine

    engine = make_engine(settings.effective_database_url)
    queue = make_queue(session_factory(engine), settings=settings, clock=lambda: NOW)
    assert isinstance(queue, TableQueue)
    engine.dispose()


def test_a_redelivered_running_job_is_claimed_again_but_a_finished_one_is_not(
    db_settings: Settings, session: Session, tmp_path: Path
) -> None:
    world = build_world(session, history=False)
    job_id = _queued_job(session, db_settings, world)
    assert jobs.take_job(session, job_id, now=NOW)
    assert _status(session, job_id) == "running"
    assert jobs.take_job(session, job_id, now=NOW)  # a second delivery after a stalled worker
    session.execute(text("UPDATE import_jobs SET status = 'done' WHERE id = :id"), {"id": job_id})
    session.commit()
    assert not jobs.take_job(session, job_id, now=NOW)
    assert not jobs.take_job(session, "no-such-job", now=NOW)
    assert _status(session, job_id) == "done"


def test_a_job_delivered_again_and_again_fails_with_import_stalled(
    db_settings: Settings, session: Session
) -> None:
    world = build_world(session, history=False)
    job_id = _queued_job(session, db_settings, world)
    for _ in range(2):
        assert jobs.take_job(session, job_id, now=NOW, max_attempts=2)
    assert not jobs.take_job(session, job_id, now=NOW, max_attempts=2)
    session.expire_all()
    job = session.get(ImportJob, job_id)
    assert job is not None
    assert (job.status, job.attempts) == ("failed", 2)
    assert job.report["error"]["code"] == "import.stalled"
    assert job.finished_at == NOW
    assert not (db_settings.data_dir / "uploads" / job_id).exists()
