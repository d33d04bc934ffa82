"""Where queued imports run: the table worker on SQLite, procrastinate on PostgreSQL.

Both keep the ``import_jobs`` row as the single record of status, progress and report
(``services.imports.jobs``); they differ in how a job reaches a worker.

* SQLite (one process): :class:`~backstride.services.imports.worker.ImportWorker`, a thread
  that claims queued rows; ``submit`` wakes it.
* PostgreSQL (several API processes and ``backstride worker`` processes): the
  `procrastinate <https://procrastinate.readthedocs.io>`_ job queue. ``submit`` defers the task
  ``backstride.import_job`` on queue ``imports``; any process running a procrastinate worker
  (each API process, in a background thread, and ``backstride worker``) takes it. A periodic
  task re-queues jobs whose worker stopped sending heartbeats (a killed process), so an upload
  is never left ``running`` forever. Procrastinate's tables come from our Alembic migration
  ``0003_job_queue``. See docs/decisions/0009-job-queue.md.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import procrastinate
import psycopg_pool
from sqlalchemy import update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from backstride.config import Settings
from backstride.errors import BackstrideError
from backstride.services import outbox
from backstride.services.imports.jobs import Importer, run_job, take_job
from backstride.services.imports.worker import ImportWorker
from backstride.store.models import ImportJob

log = logging.getLogger(__name__)

QUEUE_NAME = "imports"
TASK_NAME = "backstride.import_job"
STALLED_TASK_NAME = "backstride.retry_stalled_imports"
OUTBOX_TASK_NAME = "backstride.send_outbox"
_CONTEXT_KEY = "backstride"


class QueueUnavailable(BackstrideError):
    """The job queue could not take the job (the upload is kept as a failed job)."""

    status: ClassVar[int] = 503
    default_code: ClassVar[str] = "import.queue_unavailable"


class ImportQueue(Protocol):
    """What the API and ``backstride worker`` need from a queue."""

    def submit(self, job_id: str) -> None:
        """Hand a committed, queued ``import_jobs`` row to the workers."""

    def start(self) -> None:
        """Run a worker in the background of this process."""

    def stop(self) -> None:
        """Stop the background worker (the current job finishes first)."""

    def run_once(self) -> int:
        """Run every job waiting now, in this thread; the number run."""

    def run_forever(self) -> None:
        """Work until stopped (``backstride worker``)."""


@dataclass(frozen=True, slots=True)
class _Runtime:
    factory: sessionmaker[Session]
    settings: Settings
    clock: Callable[[], dt.datetime]
    importer: Importer | None
    stop: threading.Event


def conninfo(database_url: str) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL (any driver suffix)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _import_job(context: procrastinate.JobContext, job_id: str) -> None:
    """The procrastinate task: claim the ``import_jobs`` row and import its files."""
    runtime: _Runtime = context.additional_context[_CONTEXT_KEY]
    with runtime.factory() as session:
        if not take_job(
            session,
            job_id,
            now=runtime.clock(),
            max_attempts=runtime.settings.import_max_attempts,
        ):
            log.info("import job %s is gone or finished; nothing to do", job_id)
            return
    view = run_job(
        runtime.factory,
        job_id=job_id,
        settings=runtime.settings,
        clock=runtime.clock,
        importer=runtime.importer,
        stop=runtime.stop,
    )
    if view.status == "queued":  # a transient database error: procrastinate retries later
        raise ImportRetry(f"import job {job_id} re-queued")


class ImportRetry(Exception):
    """Raised by the task when its job was re-queued (procrastinate's retry strategy)."""


RETRY = procrastinate.RetryStrategy(wait=5, retry_exceptions={ImportRetry})
"""Retry a re-queued import every 5 s, without limit: a transient error never fails a job."""


async def _retry_stalled_imports(context: procrastinate.JobContext, timestamp: int) -> None:
    """Re-queue import jobs whose worker stopped sending heartbeats (killed, power cut)."""
    del timestamp
    assert context.app is not None
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs(queue=QUEUE_NAME, task_name=TASK_NAME):
        log.warning("re-queueing stalled import job %s", job.id)
        await manager.retry_job(job)


async def _send_outbox(context: procrastinate.JobContext, timestamp: int) -> None:
    """Send the e-mail that is due (every minute, one worker at a time)."""
    del timestamp
    runtime: _Runtime = context.additional_context[_CONTEXT_KEY]
    report = await asyncio.to_thread(
        outbox.drain_due, runtime.factory, settings=runtime.settings, now=runtime.clock()
    )
    if report.sent or report.failed:
        log.info("outbox: %s", report)


def procrastinate_app(
    database_url: str, *, sync: bool, timeout_s: float = 10.0
) -> procrastinate.App:
    """A procrastinate app with our tasks; ``sync`` for deferring from threads, else async.

    ``timeout_s`` bounds the wait for a pooled connection (an upload request must not hang
    when the database is unreachable).
    """
    info = conninfo(database_url)
    pool: dict[str, Any] = {"conninfo": info, "min_size": 1, "max_size": 4, "timeout": timeout_s}
    connector: procrastinate.BaseConnector
    if sync:
        connector = procrastinate.SyncPsycopgConnector(**pool)
    else:
        connector = procrastinate.PsycopgConnector(**pool)
    app = procrastinate.App(connector=connector)
    app.task(name=TASK_NAME, queue=QUEUE_NAME, pass_context=True, retry=RETRY)(_import_job)
    app.periodic(cron="* * * * *")(
        app.task(
            name=STALLED_TASK_NAME,
            queue=QUEUE_NAME,
            pass_context=True,
            queueing_lock=STALLED_TASK_NAME,
        )(_retry_stalled_imports)
    )
    app.periodic(cron="* * * * *")(
        app.task(
            name=OUTBOX_TASK_NAME,
            queue=QUEUE_NAME,
            pass_context=True,
            queueing_lock=OUTBOX_TASK_NAME,
        )(_send_outbox)
    )
    return app


class ProcrastinateQueue:
    """Import jobs through procrastinate (PostgreSQL)."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        settings: Settings,
        clock: Callable[[], dt.datetime],
        importer: Importer | None = None,
        timeout_s: float = 10.0,
    ) -> None:
        self._url = settings.effective_database_url
        self._timeout_s = timeout_s
        self._runtime = _Runtime(factory, settings, clock, importer, threading.Event())
        self._defer_app: procrastinate.App | None = None
        self._defer_pool: psycopg_pool.ConnectionPool | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._started = threading.Event()

    def _deferrer(self) -> procrastinate.App:
        """The deferring app on our own pool, opened on first use (bounded wait)."""
        with self._lock:
            if self._defer_app is None:
                pool = psycopg_pool.ConnectionPool(
                    conninfo(self._url),
                    min_size=1,
                    max_size=4,
                    timeout=self._timeout_s,
                    open=False,
                    check=psycopg_pool.ConnectionPool.check_connection,
                )
                try:
                    pool.open(wait=True, timeout=self._timeout_s)
                except Exception:
                    pool.close()
                    raise
                app = procrastinate_app(self._url, sync=True, timeout_s=self._timeout_s)
                app.open(pool)
                self._defer_app, self._defer_pool = app, pool
            return self._defer_app

    def submit(self, job_id: str) -> None:
        """Defer the import task; a queue failure marks the job failed with its code."""
        try:
            self._deferrer().configure_task(TASK_NAME).defer(job_id=job_id)
        except Exception as exc:
            log.exception("could not queue import job %s", job_id)
            with self._runtime.factory() as session:
                session.execute(
                    update(ImportJob)
                    .where(ImportJob.id == job_id)
                    .values(
                        status="failed",
                        report={"error": {"code": "import.queue_unavailable", "detail": str(exc)}},
                        finished_at=self._runtime.clock(),
                    )
                )
                session.commit()
            raise QueueUnavailable(
                "the import queue is unavailable; please try again",
                code="import.queue_unavailable",
            ) from exc

    def _worker_options(self, *, wait: bool) -> dict[str, Any]:
        return {
            "queues": [QUEUE_NAME],
            "wait": wait,
            "install_signal_handlers": False,
            "additional_context": {_CONTEXT_KEY: self._runtime},
            "delete_jobs": "successful",
        }

    async def _work(self, *, wait: bool) -> None:
        app = procrastinate_app(self._url, sync=False)
        async with app.open_async():
            await app.run_worker_async(**self._worker_options(wait=wait))

    def run_once(self) -> int:
        """Run the jobs waiting now (tests, ``backstride worker --once``); the number run.

        A queue stopped before (its background worker) works again here: a new run."""
        self._runtime.stop.clear()
        before = self._count_finished()
        asyncio.run(self._work(wait=False))
        return self._count_finished() - before

    def _count_finished(self) -> int:
        from sqlalchemy import func, select

        with self._runtime.factory() as session:
            count = session.scalar(
                select(func.count())
                .select_from(ImportJob)
                .where(ImportJob.status.in_(("done", "failed")))
            )
            return int(count or 0)

    def run_forever(self) -> None:
        """Work until the process is stopped (``backstride worker``)."""
        self._runtime.stop.clear()
        asyncio.run(self._work(wait=True))

    def start(self) -> None:
        """A procrastinate worker on its own event loop in a daemon thread."""
        self._runtime.stop.clear()

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            self._task = loop.create_task(self._work(wait=True))
            self._started.set()
            try:
                loop.run_until_complete(self._task)
            except asyncio.CancelledError:
                pass
            except Exception:
                log.exception("the import worker stopped")
            finally:
                loop.close()

        self._thread = threading.Thread(target=main, name="import-worker", daemon=True)
        self._thread.start()
        self._started.wait(5)

    def stop(self, *, timeout_s: float = 10.0) -> None:
        """Stop the running import (re-queued) and the worker, and close the pool."""
        self._runtime.stop.set()
        if self._loop is not None and self._task is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._task.cancel)
        if self._thread is not None:
            self._thread.join(timeout_s)
        with self._lock:
            if self._defer_app is not None:
                self._defer_app.close()
                self._defer_app = None
            if self._defer_pool is not None:  # ours: procrastinate leaves a given pool open
                self._defer_pool.close()
                self._defer_pool = None


class TableQueue:
    """Import jobs through the in-process table worker (SQLite, one process)."""

    def __init__(self, worker: ImportWorker) -> None:
        self.worker = worker

    def submit(self, job_id: str) -> None:
        """The row is already queued: wake the worker."""
        del job_id
        self.worker.wake()

    def start(self) -> None:
        """Start the worker thread."""
        self.worker.start()

    def stop(self) -> None:
        """Stop the worker thread."""
        self.worker.stop()

    def run_once(self) -> int:
        """Run every queued job now."""
        return self.worker.run_once()

    def run_forever(self) -> None:
        """Poll until stopped."""
        self.worker.run_forever()


def make_queue(
    factory: sessionmaker[Session],
    *,
    settings: Settings,
    clock: Callable[[], dt.datetime],
    importer: Importer | None = None,
) -> ImportQueue:
    """Procrastinate on PostgreSQL, the table worker otherwise."""
    if make_url(settings.effective_database_url).get_backend_name() == "postgresql":
        return ProcrastinateQueue(factory, settings=settings, clock=clock, importer=importer)
    return TableQueue(ImportWorker(factory, settings=settings, clock=clock, importer=importer))


__all__ = [
    "QUEUE_NAME",
    "TASK_NAME",
    "ImportQueue",
    "ProcrastinateQueue",
    "QueueUnavailable",
    "TableQueue",
    "conninfo",
    "make_queue",
    "procrastinate_app",
]
