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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from backstride.config import Settings
from backstride.errors import BackstrideError, InvalidInput, NotFound
from backstride.services.policy import Principal, own_runner_id
from backstride.store.models import ImportJob, Runner
from backstride.units import new_id

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
) -> JobView:
    """A queued import of the uploaded file(s) at ``upload_path`` for the calling runner."""
    job = ImportJob(
        id=job_id,
        runner_id=own_runner_id(principal),
        status="queued",
        upload_path=str(upload_path),
        files_total=files_total,
        files_done=0,
        report={},
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


def claim_next(session: Session) -> str | None:
    """Mark the oldest queued job ``running`` and return its id (None when the queue is empty)."""
    query = (
        select(ImportJob.id)
        .where(ImportJob.status == "queued")
        .order_by(ImportJob.created_at)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    job_id = session.scalar(query)
    if job_id is None:
        session.rollback()
        return None
    claimed = session.execute(
        update(ImportJob)
        .where(ImportJob.id == job_id, ImportJob.status == "queued")
        .values(status="running")
    )
    session.commit()
    return job_id if claimed.rowcount == 1 else None  # type: ignore[attr-defined]


def default_importer() -> Importer:
    """The import service (``services.importing.import_paths``) adapted to a report dict."""
    import importlib

    importing: Any = importlib.import_module("backstride.services.importing")

    def run(session: Session, **kwargs: Any) -> dict[str, Any]:
        report_progress: Progress | None = kwargs.pop("progress", None)

        def progress(state: Any) -> None:
            if report_progress is not None:
                report_progress(int(state.files_done), int(state.files_total))

        report = importing.import_paths(session, progress=progress, **kwargs)
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

    Uses the ingest reader registry (``ingest.registry.read_activity``) when it is installed;
    archives are checked by ``uploads.check_archive`` and imported in the background.
    """
    import importlib

    try:
        registry: Any = importlib.import_module("backstride.ingest.registry")
    except ImportError:
        return
    activities = registry.read_activity(path, max_bytes=settings.max_file_bytes)
    if not activities:
        raise InvalidInput(f"{path.name}: no activity in this file", code="ingest.empty_activity")
    importing: Any = importlib.import_module("backstride.services.importing")
    importing.dated(activities, name=path.name)


def run_job(
    factory: sessionmaker[Session],
    *,
    job_id: str,
    settings: Settings,
    clock: Callable[[], dt.datetime],
    importer: Importer | None = None,
) -> JobView:
    """Import a claimed job's files; record progress, the report and the final status."""
    with factory() as session:
        job = session.get(ImportJob, job_id)
        if job is None:
            raise NotFound("no such import job", code="import_job.not_found")
        runner = session.get(Runner, job.runner_id)
        upload = Path(job.upload_path or "")

        handle = runner.handle if runner is not None else ""
        session.commit()  # end the read transaction before the import writes
        sqlite = session.get_bind().dialect.name == "sqlite"

        def progress(done: int, total: int) -> None:
            """Best effort: on SQLite the import may hold the only write lock; skip then."""
            with factory() as s2:
                try:
                    if sqlite:
                        s2.execute(text("PRAGMA busy_timeout=50"))
                    s2.execute(
                        update(ImportJob)
                        .where(ImportJob.id == job_id)
                        .values(files_done=done, files_total=max(total, 0))
                    )
                    s2.commit()
                except OperationalError:
                    s2.rollback()
                finally:
                    if sqlite:
                        s2.execute(text("PRAGMA busy_timeout=10000"))

        try:
            if runner is None:
                raise NotFound("runner gone", code="runner.not_found")
            run = importer or default_importer()
            report = run(
                session,
                settings=settings,
                runner_handle=handle,
                paths=[upload],
                now=clock(),
                progress=progress,
            )
            status = "done"
        except BackstrideError as exc:
            session.rollback()
            report, status = {"error": exc.to_dict()}, "failed"
        except Exception as exc:  # a worker must survive any job
            log.exception("import job %s failed", job_id)
            session.rollback()
            report = {"error": {"code": "import.failed", "detail": type(exc).__name__}}
            status = "failed"
        job = session.get(ImportJob, job_id)
        if job is None:  # the runner deleted their account meanwhile
            return JobView(job_id, "failed", 0, 0, report, clock(), clock())
        job.status = status
        job.report = _jsonable(report)
        job.finished_at = clock()
        if status == "done":
            job.files_done = max(job.files_done, job.files_total)
        session.commit()
        shutil.rmtree(upload.parent, ignore_errors=True)
        return _view(job)


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
    "JobView",
    "check_single_file",
    "claim_next",
    "default_importer",
    "enqueue_import",
    "get_job",
    "list_jobs",
    "new_job_id",
    "run_job",
]
