"""Uploads of activity files or whole exports, imported by the background worker."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from backstride.api.deps import AppSettings, Caller, DbSession, Now
from backstride.api.schemas import JobOut
from backstride.config import Settings
from backstride.errors import InvalidInput
from backstride.services.imports import jobs, uploads
from backstride.services.policy import own_runner_id

router = APIRouter(prefix="/me/imports", tags=["runner"])

_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": "one or more activity files or export .zip files",
                        }
                    },
                    "required": ["file"],
                }
            },
        },
    }
}


@router.post("", status_code=202, response_model=JobOut, openapi_extra=_BODY)
async def upload_activities(
    request: Request,
    principal: Caller,
    session: DbSession,
    now: Now,
    settings: AppSettings,
    filename: Annotated[str | None, Query(min_length=1, max_length=255)] = None,
) -> jobs.JobView:
    """Upload activity files (FIT/GPX/TCX, optionally .gz) or an export .zip; one import job.

    Either the raw file as the body with its name in ``?filename=``, or a
    ``multipart/form-data`` form with one or more file parts (their own names are used). The body
    is streamed to disk (at most ``max_upload_bytes``), zip archives are checked for bombs and
    path tricks, a single activity file is read at once so a broken one is refused with its code
    (in a form with several files a broken one is reported in the job's report and the others
    are imported), and an import job is queued; poll ``GET /me/imports/{job_id}``.
    """
    own_runner_id(principal)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_upload_bytes:
        raise uploads.TooLarge("the upload is too large", code="upload.too_large")
    job_id = jobs.new_job_id()
    job_dir = settings.data_dir / "uploads" / job_id
    content_type = request.headers.get("content-type")
    if not uploads.is_multipart(content_type) and filename is None:
        raise InvalidInput(
            "name the file: ?filename=run.fit with the raw file as the body, or send a "
            "multipart/form-data form with a file field",
            code="upload.no_filename",
            problems=[{"path": "query.filename", "msg": "required for a raw body"}],
        )
    try:
        if uploads.is_multipart(content_type):
            files = await uploads.stream_form_to_disk(
                request.stream(),
                content_type=content_type or "",
                folder=job_dir / "files",
                settings=settings,
            )
        else:
            target = job_dir / uploads.safe_filename(filename or "")
            await uploads.stream_to_disk(request.stream(), target=target, settings=settings)
            files = [target]
        upload_path, total = await run_in_threadpool(
            _prepare, request.app.state, job_dir, files, settings
        )
        job = await run_in_threadpool(
            lambda: jobs.enqueue_import(
                session,
                principal=principal,
                job_id=job_id,
                upload_path=upload_path,
                files_total=total,
                now=now,
            )
        )
    except BaseException:
        shutil.rmtree(job_dir, ignore_errors=True)
        raise
    queue = getattr(request.app.state, "worker", None)
    if queue is not None:
        try:
            await run_in_threadpool(queue.submit, job.id)
        except BaseException:  # the job row is marked failed with its code; drop the file
            shutil.rmtree(job_dir, ignore_errors=True)
            raise
    return job


def _prepare(state: Any, job_dir: Path, files: list[Path], settings: Settings) -> tuple[Path, int]:
    """Check every uploaded file; the path the job imports and its number of files.

    Archives are checked for bombs and path tricks. A lone activity file is read now (the
    ingest registry's precheck) so a broken one is refused with its code before anything is
    queued; in an upload of several files a broken one does not refuse the others: the job
    imports every good file and its report lists each bad one with its code, as the CLI does.
    One file is imported from ``job_dir/<name>``, several from the ``files`` folder.
    """
    precheck = getattr(state, "upload_precheck", None) if len(files) == 1 else None
    total = 0
    for path in files:
        if path.name.lower().endswith(".zip"):
            total += uploads.check_archive(path, settings=settings)
        else:
            total += 1
            if precheck is not None:
                precheck(path, settings)
    if len(files) == 1 and files[0].parent != job_dir:
        single = job_dir / files[0].name
        files[0].replace(single)
        files[0].parent.rmdir()
        return single, total
    return (files[0] if len(files) == 1 else files[0].parent), total


@router.get("", response_model=list[JobOut])
def list_jobs(principal: Caller, session: DbSession) -> list[jobs.JobView]:
    """My import jobs, newest first."""
    return jobs.list_jobs(session, principal=principal)


@router.get("/{job_id}", response_model=JobOut)
def get_job(job_id: str, principal: Caller, session: DbSession) -> jobs.JobView:
    """Progress and report of one import job."""
    if len(job_id) > 64:
        raise InvalidInput("job id too long", code="import_job.invalid_id")
    return jobs.get_job(session, principal=principal, job_id=job_id)
