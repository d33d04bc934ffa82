"""Upload watch files or a whole export; follow the background import; see each file's fate.

One form for both ways: without JavaScript the browser posts every chosen file at once and
lands on the import's page (post/redirect/get); with it, ``app.js`` posts one request per
file with its own progress bar and htmx polls each import. Either way each file is judged on
its own: a refused file (wrong type, empty, unreadable, unsafe zip) is listed with its reason
and the good ones are imported (``services.imports.uploads``).
"""

from __future__ import annotations

import shutil
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from backstride.api.deps import CSRF_HEADER, AppSettings, DbSession, Now
from backstride.errors import BackstrideError, Forbidden, InvalidInput
from backstride.services import activities
from backstride.services.auth import check_csrf
from backstride.services.imports import jobs, uploads
from backstride.web.session import CSRF_FIELD, RunnerDep
from backstride.web.templating import is_htmx, redirect, render

router = APIRouter()


def _job_context(session: Any, visitor: Any, job: jobs.JobView) -> dict[str, Any]:
    """The job and, for duplicates, the activities they repeat (to link to them)."""
    files = list(job.report.get("files") or [])
    ids = sorted({i for f in files for i in (f.get("duplicate_ids") or [])})[:200]
    known = {
        row.id: row
        for row in activities.my_activities_by_ids(session, principal=visitor.principal, ids=ids)
    }
    return {
        "job": job,
        "files": files,
        "refused": job.report.get("refused") or [],
        "error": job.report.get("error"),
        "known": known,
    }


@router.get("/upload")
def upload_page(request: Request, visitor: RunnerDep, session: DbSession) -> Response:
    """The upload form and my recent imports."""
    assert visitor.principal is not None
    recent = jobs.list_jobs(session, principal=visitor.principal, limit=10)
    session.rollback()
    return render(
        request,
        "upload.html",
        {"recent": recent, "refused": [], "error": None},
        visitor=visitor,
        title="Upload",
        current="upload",
    )


@router.post("/upload")
async def upload(
    request: Request, visitor: RunnerDep, session: DbSession, now: Now, settings: AppSettings
) -> Response:
    """Take the files, refuse the bad ones one by one, queue one import for the rest."""
    assert visitor.principal is not None
    assert visitor.presented is not None
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise Forbidden("a form from another site was refused", code="auth.csrf_failed")
    header_token = request.headers.get(CSRF_HEADER)
    if header_token:  # htmx and app.js: checked before a byte is written
        check_csrf(visitor.presented, header_token=header_token)
    content_type = request.headers.get("content-type") or ""
    if not uploads.is_multipart(content_type):
        raise InvalidInput("send the files with the upload form", code="upload.not_a_form")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_upload_bytes:
        raise uploads.TooLarge("the upload is too large", code="upload.too_large")
    job_id = jobs.new_job_id()
    job_dir = settings.data_dir / "uploads" / job_id
    try:
        form = await uploads.stream_form_files(
            request.stream(),
            content_type=content_type,
            folder=job_dir / "files",
            settings=settings,
            keep_going=True,
        )
        if not header_token:  # a plain form: its hidden field
            check_csrf(visitor.presented, header_token=form.fields.get(CSRF_FIELD))
        prepared = await run_in_threadpool(
            uploads.prepare_files,
            job_dir,
            form.paths,
            settings=settings,
            precheck=getattr(request.app.state, "upload_precheck", None),
        )
    except BaseException:
        shutil.rmtree(job_dir, ignore_errors=True)
        raise
    refused = [r.to_dict() for r in (*form.refused, *prepared.refused)]
    if prepared.upload_path is None:
        shutil.rmtree(job_dir, ignore_errors=True)
        return _refused_only(request, visitor, refused)
    upload_path = prepared.upload_path
    try:
        job = await run_in_threadpool(
            lambda: jobs.enqueue_import(
                session,
                principal=visitor.principal,  # type: ignore[arg-type]
                job_id=job_id,
                upload_path=upload_path,
                files_total=prepared.files_total,
                now=now,
                refused=refused,
            )
        )
    except BaseException:
        shutil.rmtree(job_dir, ignore_errors=True)
        raise
    queue = getattr(request.app.state, "worker", None)
    if queue is not None:
        try:
            await run_in_threadpool(queue.submit, job.id)
        except BackstrideError:  # the job is marked failed with its code; its page says so
            shutil.rmtree(job_dir, ignore_errors=True)
    if request.headers.get("hx-request") == "true":
        context = await run_in_threadpool(_job_context, session, visitor, job)
        return render(
            request, "import_item.html", context, visitor=visitor, title="Import", status=202
        )
    return redirect(f"/imports/{job.id}")


def _refused_only(request: Request, visitor: Any, refused: list[dict[str, str]]) -> Response:
    if is_htmx(request):
        return render(
            request,
            "import_item.html",
            {"job": None, "files": [], "refused": refused, "error": None, "known": {}},
            visitor=visitor,
            title="Upload",
            status=422,
        )
    return render(
        request,
        "upload.html",
        {"recent": [], "refused": refused, "error": "None of the files could be imported."},
        visitor=visitor,
        title="Upload",
        current="upload",
        status=422,
    )


@router.get("/imports/{job_id}")
def import_page(job_id: str, request: Request, visitor: RunnerDep, session: DbSession) -> Response:
    """One import: progress while it runs, then what happened to each file."""
    assert visitor.principal is not None
    if len(job_id) > 64:
        raise InvalidInput("job id too long", code="import_job.invalid_id")
    job = jobs.get_job(session, principal=visitor.principal, job_id=job_id)
    context = _job_context(session, visitor, job)
    session.rollback()
    template = "import_item.html" if is_htmx(request) else "import.html"
    return render(request, template, context, visitor=visitor, title="Import", current="upload")
