"""Uploads of activity files or whole exports, imported by the background worker."""

from __future__ import annotations

import shutil
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from backstride.api.deps import AppSettings, Caller, DbSession, Now
from backstride.api.schemas import JobOut
from backstride.errors import InvalidInput
from backstride.services import jobs, uploads
from backstride.services.policy import own_runner_id

router = APIRouter(prefix="/me/imports", tags=["runner"])

_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.post("", status_code=202, response_model=JobOut, openapi_extra=_BODY)
async def upload(
    request: Request,
    filename: Annotated[str, Query(min_length=1, max_length=255)],
    principal: Caller,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> jobs.JobView:
    """Upload one file (FIT/GPX/TCX, optionally .gz) or an export .zip as the raw body.

    The body is streamed to disk (at most ``max_upload_bytes``), zip archives are checked for
    bombs and path tricks, and an import job is queued; poll ``GET /me/imports/{job_id}``.
    """
    own_runner_id(principal)
    name = uploads.safe_filename(filename)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_upload_bytes:
        raise uploads.TooLarge("the upload is too large", code="upload.too_large")
    job_id = jobs.new_job_id()
    target = settings.data_dir / "uploads" / job_id / name
    await uploads.stream_to_disk(request.stream(), target=target, settings=settings)
    try:
        files = 1
        if name.lower().endswith(".zip"):
            files = await run_in_threadpool(uploads.check_archive, target, settings=settings)
        precheck = getattr(request.app.state, "upload_precheck", None)
        if precheck is not None and not name.lower().endswith(".zip"):
            await run_in_threadpool(precheck, target, settings)
        job = await run_in_threadpool(
            lambda: jobs.enqueue_import(
                session,
                principal=principal,
                job_id=job_id,
                upload_path=target,
                files_total=files,
                now=now,
            )
        )
    except BaseException:
        shutil.rmtree(target.parent, ignore_errors=True)
        raise
    queue = getattr(request.app.state, "worker", None)
    if queue is not None:
        try:
            await run_in_threadpool(queue.submit, job.id)
        except BaseException:  # the job row is marked failed with its code; drop the file
            shutil.rmtree(target.parent, ignore_errors=True)
            raise
    return job


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
