"""Import jobs: the ``import_jobs`` table is the queue; workers claim with SKIP LOCKED.

``enqueue_import`` adds a queued row; ``claim_next`` takes the oldest queued job
(``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several API processes and
``backstride worker`` processes share the load; SQLite serialises writers and the single
in-process worker claims with a guarded UPDATE). ``run_job`` imports the files through the
import service and records progress and the report. See docs/decisions/0009-job-queue.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, case, or_, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from backstride.config import Settings
from backstride.errors import BackstrideError, InvalidInput, NotFound
from backstride.services.blobstore import blob_store
from backstride.services.policy import Principal, own_runner_id
from backstride.store.db import BUSY_TIMEOUT_MS, is_transient
from backstride.store.models import ImportJob, Runner
from backstride.units import new_id

if TYPE_CHECKING:
    from backstride.services.imports.importing import ImportProgress

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Importer = Callable[..., dict[str, Any]]
"""``importer(session, *, settings, runner_handle, paths, now, progress) -> report dict``."""


@dataclass(frozen=True, slots=True)
class JobView:
    """An import job's pollable state."""

    id: str
    status: str
    files_total: int
    files_done: int
    report: dict[str, Any]
    created_at: dt.datetime
    finished_at: dt.datetime | None


def _view(job: ImportJob) -> JobView:
    return JobView(
        job.id,
        job.status,
        job.files_total,
        job.files_done,
        dict(job.report or {}),
        job.created_at,
        job.finished_at,
    )


def enqueue_import(
    session: Session,
    *,
    principal: Principal,
    job_id: str,
    upload_path: Path,
    files_total: int,
    now: dt.datetime,
    refused: list[dict[str, str]] | None = None,
) -> JobView:
    """A queued import of the uploaded file(s) at ``upload_path`` for the calling runner.

    ``refused``: files of the same upload refused before queueing (name, code, detail); they
    stay in the report beside the import's own outcomes.
    """
    job = ImportJob(
        id=job_id,
        runner_id=own_runner_id(principal),
        status="queued",
        upload_path=str(upload_path),
        files_total=files_total,
        files_done=0,
        report={"refused": list(refused)} if refused else {},
        created_at=now,
    )
    session.add(job)
    session.commit()
    return _view(job)


def get_job(session: Session, *, principal: Principal, job_id: str) -> JobView:
    """One of my import jobs (someone else's gives ``import_job.not_found``)."""
    job = session.get(ImportJob, job_id)
    if job is None or job.runner_id != own_runner_id(principal):
        raise NotFound("no such import job", code="import_job.not_found")
    return _view(job)


def list_jobs(session: Session, *, principal: Principal, limit: int = 50) -> list[JobView]:
    """My import jobs, newest first."""
    rows = session.scalars(
        select(ImportJob)
        .where(ImportJob.runner_id == own_runner_id(principal))
        .order_by(ImportJob.created_at.desc())
        .limit(limit)
    ).all()
    return [_view(j) for j in rows]


def _takeable(now: dt.datetime, stall_s: float) -> ColumnElement[bool]:
    """Queued, or running with a lease older than ``stall_s`` (its worker's process died)."""
    stale = now - dt.timedelta(seconds=stall_s)
    return or_(
        ImportJob.status == "queued",
        and_(
            ImportJob.status == "running",
            or_(ImportJob.heartbeat_at.is_(None), ImportJob.heartbeat_at < stale),
        ),
    )


def claim_next(
    session: Session,
    *,
    now: dt.datetime,
    stall_s: float = 600.0,
    max_attempts: int = 3,
) -> str | None:
    """Take the oldest queued (or stalled) job: mark it ``running`` and return its id.

    A job is stalled when it is ``running`` but its worker has not refreshed the lease
    (``heartbeat_at``) for ``stall_s`` seconds: the process that ran it died. It is taken again;
    an import commits once at its end, so the dead attempt left no rows behind.
    A job already taken ``max_attempts`` times (it may be what kills the worker) fails with
    ``import.stalled`` instead. None when nothing is left to take.
    """
    takeable = _takeable(now, stall_s)
    query = (
        select(ImportJob.id, ImportJob.status, ImportJob.attempts, ImportJob.upload_path)
        .where(takeable)
        .order_by(ImportJob.created_at)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    while True:
        row = session.execute(query).first()
        if row is None:
            session.rollback()
            return None
        job_id, status, attempts, upload_path = row
        if status == "running" and attempts >= max_attempts:
            _give_up(session, job_id, attempts=attempts, upload_path=upload_path, now=now)
            continue
        claimed = session.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id, takeable)
            .values(status="running", heartbeat_at=now, attempts=ImportJob.attempts + 1)
        )
        session.commit()
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            if status == "running":
                log.warning("import job %s stalled; taking it again", job_id)
            return str(job_id)


def take_job(session: Session, job_id: str, *, now: dt.datetime, max_attempts: int = 3) -> bool:
    """Mark a job handed over by an external queue ``running``; False when there is nothing to do.

    The queue (procrastinate) already decided the job is due, so a ``running`` row means its
    previous worker died; after ``max_attempts`` the job fails with ``import.stalled``.
    """
    row = session.execute(
        select(ImportJob.status, ImportJob.attempts, ImportJob.upload_path).where(
            ImportJob.id == job_id
        )
    ).first()
    if row is None or row.status not in ("queued", "running"):
        session.rollback()
        return False
    if row.status == "running" and row.attempts >= max_attempts:
        _give_up(session, job_id, attempts=row.attempts, upload_path=row.upload_path, now=now)
        return False
    result = session.execute(
        update(ImportJob)
        .where(ImportJob.id == job_id, ImportJob.status.in_(("queued", "running")))
        .values(status="running", heartbeat_at=now, attempts=ImportJob.attempts + 1)
    )
    session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _give_up(
    session: Session,
    job_id: str,
    *,
    attempts: int,
    upload_path: str | None,
    now: dt.datetime,
) -> None:
    """Fail a job that stalled on every attempt (``import.stalled``) and remove its upload."""
    error = BackstrideError(
        f"the import stopped {attempts} times without finishing; it is not tried again",
        code="import.stalled",
    )
    session.execute(
        update(ImportJob)
        .where(ImportJob.id == job_id, ImportJob.status == "running")
        .values(status="failed", report={"error": error.to_dict()}, finished_at=now)
    )
    session.commit()
    log.error("import job %s stalled %d times; failed", job_id, attempts)
    if upload_path:
        shutil.rmtree(Path(upload_path).parent, ignore_errors=True)


def default_importer() -> Importer:
    """The import service (``services.imports.importing.import_paths``) adapted to a report dict."""
    # Imported here, not at the top: services.imports.importing imports this module
    # (``Interrupted``).
    from backstride.services.imports.importing import import_paths

    def run(session: Session, **kwargs: Any) -> dict[str, Any]:
        report_progress: Progress | None = kwargs.pop("progress", None)

        def progress(state: ImportProgress) -> None:
            if report_progress is not None:
                report_progress(state.files_done, state.files_total)

        report = import_paths(session, progress=progress, **kwargs)
        data: dict[str, Any] = _jsonable(_as_dict(report))
        return data

    return run


def _as_dict(value: Any) -> Any:
    from dataclasses import fields, is_dataclass

    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _as_dict(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [_as_dict(v) for v in value]
    return value


def check_single_file(path: Path, settings: Settings) -> None:
    """Read one uploaded activity file now so that a broken one is refused with its code.

    Uses the ingest reader registry (``ingest.registry.read_activity``); archives are checked
    by ``uploads.check_archive`` and imported in the background.
    """
    # Imported here, not at the top: services.imports.importing imports this module
    # (``Interrupted``), and the readers (lxml, the FIT decoder) are only needed by the
    # parser processes there, not by an importing command's own process.
    from backstride.ingest.registry import read_activity
    from backstride.services.imports.importing import dated

    activities = read_activity(path, max_bytes=settings.max_file_bytes)
    if not activities:
        raise InvalidInput(f"{path.name}: no activity in this file", code="ingest.empty_activity")
    dated(activities, name=path.name)


def run_job(
    factory: sessionmaker[Session],
    *,
    job_id: str,
    settings: Settings,
    clock: Callable[[], dt.datetime],
    importer: Importer | None = None,
    heartbeat_s: float = 60.0,
    stop: threading.Event | None = None,
) -> JobView:
    """Import a claimed job's files; record progress, the report and the final status.

    While the import runs, a thread refreshes the job's lease (``heartbeat_at``) every
    ``heartbeat_s`` seconds, and every progress report refreshes it too, so ``claim_next`` can
    tell a long import from one whose process died. Once ``stop`` is set (the server is shutting
    down) the import stops at its next file, is rolled back and the job goes back to the queue.
    """
    with factory() as session:
        job = session.get(ImportJob, job_id)
        if job is None:
            raise NotFound("no such import job", code="import_job.not_found")
        runner_id = job.runner_id
        runner = session.get(Runner, runner_id)
        upload = Path(job.upload_path or "")

        handle = runner.handle if runner is not None else ""
        session.commit()  # end the read transaction before the import writes
        sqlite = session.get_bind().dialect.name == "sqlite"

        def progress(done: int, total: int) -> None:
            if stop is not None and stop.is_set():
                raise Interrupted("the server is shutting down")
            _best_effort_update(
                factory,
                job_id,
                sqlite=sqlite,
                values={"files_done": done, "files_total": max(total, 0), "heartbeat_at": clock()},
            )

        lease = _Heartbeat(factory, job_id, sqlite=sqlite, clock=clock, every_s=heartbeat_s)
        lease.start()
        try:
            if runner is None:
                raise NotFound("runner gone", code="runner.not_found")
            run = importer or default_importer()
            extra: dict[str, Any] = {} if stop is None else {"stop": stop}
            report = run(
                session,
                settings=settings,
                runner_handle=handle,
                paths=[upload],
                now=clock(),
                progress=progress,
                **extra,
            )
            status = "done"
        except Interrupted as exc:
            session.rollback()
            return requeue(factory, job_id, clock=clock, reason=exc)
        except BackstrideError as exc:
            session.rollback()
            report, status = {"error": exc.to_dict()}, "failed"
        except Exception as exc:  # a worker must survive any job
            session.rollback()
            if is_transient(exc):  # locked, serialisation failure, connection lost: later
                return requeue(factory, job_id, clock=clock, reason=exc)
            log.exception("import job %s failed", job_id)
            report = {"error": {"code": "import.failed", "detail": type(exc).__name__}}
            status = "failed"
        finally:
            lease.stop()
        if upload.name:
            report = _relative_labels(report, upload if upload.is_dir() else upload.parent)
        try:
            job = session.get(ImportJob, job_id)
            if job is None:  # the runner deleted their account meanwhile: keep none of it
                blob_store(settings).remove_runner(runner_id)
                shutil.rmtree(upload.parent, ignore_errors=True)
                return JobView(job_id, "failed", 0, 0, report, clock(), clock())
            job.status = status
            prior = dict(job.report or {})
            if prior.get("refused"):
                report = {**report, "refused": prior["refused"]}
            job.report = _jsonable(report)
            job.finished_at = clock()
            if status == "done":
                job.files_done = max(job.files_done, job.files_total)
            session.commit()
        except Exception as exc:
            session.rollback()
            if not is_transient(exc):
                raise
            return requeue(factory, job_id, clock=clock, reason=exc)
        shutil.rmtree(upload.parent, ignore_errors=True)
        return _view(job)


class Interrupted(Exception):
    """Raised from an import's progress report when its worker is asked to stop."""


def requeue(
    factory: sessionmaker[Session],
    job_id: str,
    *,
    clock: Callable[[], dt.datetime],
    reason: BaseException,
) -> JobView:
    """Put a running job back in the queue after a transient database error or a shutdown.

    The import's transaction was rolled back, so nothing of it is stored; the attempt does not
    count towards ``import_max_attempts`` (that limit is for imports that kill their worker).
    If even this update cannot be written, the job stays ``running`` and is taken again once
    its lease runs out.
    """
    log.warning("import job %s re-queued (%s): %s", job_id, type(reason).__name__, reason)
    now = clock()
    try:
        with factory() as session:
            session.execute(
                update(ImportJob)
                .where(ImportJob.id == job_id, ImportJob.status == "running")
                .values(
                    status="queued",
                    heartbeat_at=None,
                    attempts=case((ImportJob.attempts > 0, ImportJob.attempts - 1), else_=0),
                )
            )
            session.commit()
    except Exception:
        log.exception("could not re-queue import job %s; its lease will run out", job_id)
    return JobView(job_id, "queued", 0, 0, {}, now, None)


def _relative_labels(report: Any, base: Path) -> Any:
    """File names as the runner sent them (``run.fit``, ``export.zip/...``): the server's
    upload folder is cut from every label and message of the report, so no path leaks."""
    prefix = str(base).rstrip("/") + "/"
    if isinstance(report, str):
        return report.replace(prefix, "")
    if isinstance(report, dict):
        return {k: _relative_labels(v, base) for k, v in report.items()}
    if isinstance(report, list | tuple):
        return [_relative_labels(v, base) for v in report]
    return report


def _best_effort_update(
    factory: sessionmaker[Session], job_id: str, *, sqlite: bool, values: dict[str, Any]
) -> None:
    """Update the job row now, or skip: on SQLite the import may hold the only write lock."""
    with factory() as session:
        try:
            if sqlite:
                session.execute(text("PRAGMA busy_timeout=50"))
            session.execute(update(ImportJob).where(ImportJob.id == job_id).values(**values))
            session.commit()
        except OperationalError:
            session.rollback()
        finally:
            if sqlite:
                session.execute(text(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}"))


class _Heartbeat:
    """A daemon thread that refreshes a running job's lease until stopped."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        job_id: str,
        *,
        sqlite: bool,
        clock: Callable[[], dt.datetime],
        every_s: float,
    ) -> None:
        self._factory, self._job_id, self._sqlite, self._clock = factory, job_id, sqlite, clock
        self._every_s = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{job_id}", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._every_s):
            try:
                _best_effort_update(
                    self._factory,
                    self._job_id,
                    sqlite=self._sqlite,
                    values={"heartbeat_at": self._clock()},
                )
            except Exception:  # a lost beat is retried at the next one
                log.exception("heartbeat failed")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def new_job_id() -> str:
    """A fresh job id (the upload folder is named after it)."""
    return new_id()


__all__ = [
    "Importer",
    "Interrupted",
    "JobView",
    "check_single_file",
    "claim_next",
    "default_importer",
    "enqueue_import",
    "get_job",
    "list_jobs",
    "new_job_id",
    "requeue",
    "run_job",
    "take_job",
]
