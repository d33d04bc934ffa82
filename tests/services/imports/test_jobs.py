"""The import queue hands each job to one worker at a time, oldest first, and takes back the
jobs of a worker that died (its lease ran out), up to a number of attempts."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.errors import BackstrideError
from backstride.ingest import registry
from backstride.services import accounts, auth
from backstride.services.imports import jobs
from backstride.services.imports.worker import ImportWorker
from backstride.services.policy import Principal
from backstride.store.db import session_factory
from backstride.store.models import Account, Activity, ImportJob
from tests.api.world import SAMPLE_GPX

NOW = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)
STALL_S = 600.0


def _runner(session: Session) -> Principal:
    view = accounts.register_runner(
        session, email="q@example.org", password="a long password", display_name="Q", now=NOW
    )
    account = session.get(Account, view.id)
    assert account is not None
    return auth.principal_for(session, account)


def _enqueue(session: Session, principal: Principal, path: Path, *, at: dt.datetime) -> str:
    return jobs.enqueue_import(
        session,
        principal=principal,
        job_id=jobs.new_job_id(),
        upload_path=path,
        files_total=1,
        now=at,
    ).id


def _job(session: Session, job_id: str) -> ImportJob:
    session.expire_all()
    job = session.get(ImportJob, job_id)
    assert job is not None
    return job


def test_each_queued_job_is_claimed_once_in_order(session: Session, tmp_path: Path) -> None:
    principal = _runner(session)
    first = _enqueue(session, principal, tmp_path / "a.fit", at=NOW)
    second = _enqueue(session, principal, tmp_path / "b.fit", at=NOW + dt.timedelta(seconds=1))
    assert jobs.claim_next(session, now=NOW) == first
    assert jobs.claim_next(session, now=NOW) == second
    assert jobs.claim_next(session, now=NOW) is None
    assert [j.status for j in jobs.list_jobs(session, principal=principal)] == ["running"] * 2
    assert (_job(session, first).heartbeat_at, _job(session, first).attempts) == (NOW, 1)


def test_a_running_job_whose_lease_ran_out_is_taken_again(session: Session, tmp_path: Path) -> None:
    principal = _runner(session)
    job_id = _enqueue(session, principal, tmp_path / "a.fit", at=NOW)
    assert jobs.claim_next(session, now=NOW, stall_s=STALL_S) == job_id
    # Its worker is alive (lease fresh): nobody else takes it.
    just_before = NOW + dt.timedelta(seconds=STALL_S - 1)
    assert jobs.claim_next(session, now=just_before, stall_s=STALL_S) is None
    # No heartbeat for longer than the stall time: its process died; the job is taken again.
    later = NOW + dt.timedelta(seconds=STALL_S + 1)
    assert jobs.claim_next(session, now=later, stall_s=STALL_S) == job_id
    job = _job(session, job_id)
    assert (job.status, job.attempts, job.heartbeat_at) == ("running", 2, later)


def test_a_job_that_stalls_on_every_attempt_fails_with_import_stalled(
    session: Session, tmp_path: Path
) -> None:
    principal = _runner(session)
    upload = tmp_path / "uploads" / "poison" / "a.fit"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"x")
    poison = _enqueue(session, principal, upload, at=NOW)
    at = NOW
    for _ in range(2):
        assert jobs.claim_next(session, now=at, stall_s=STALL_S, max_attempts=2) == poison
        at += dt.timedelta(seconds=STALL_S + 1)
    fresh = _enqueue(session, principal, tmp_path / "b.fit", at=at)
    # The poison job is given up (not handed out a third time); the next job is.
    assert jobs.claim_next(session, now=at, stall_s=STALL_S, max_attempts=2) == fresh
    job = _job(session, poison)
    assert (job.status, job.attempts, job.finished_at) == ("failed", 2, at)
    assert job.report["error"]["code"] == "import.stalled"
    assert not upload.parent.exists()


def test_a_worker_started_after_a_crash_finishes_the_abandoned_import(
    db_settings: Settings, session: Session
) -> None:
    principal = _runner(session)
    upload = db_settings.data_dir / "uploads" / "abandoned" / "track.gpx"
    upload.parent.mkdir(parents=True)
    shutil.copyfile(SAMPLE_GPX, upload)
    job_id = _enqueue(session, principal, upload, at=NOW)
    # A worker took the job, then its process was killed: the row stays "running".
    assert jobs.claim_next(session, now=NOW) == job_id
    restarted = NOW + dt.timedelta(seconds=db_settings.import_stall_s + 60)
    worker = ImportWorker(
        session_factory(session.get_bind()),  # type: ignore[arg-type]
        settings=db_settings,
        clock=lambda: restarted,
    )
    assert worker.run_once() == 1
    job = _job(session, job_id)
    assert (job.status, job.attempts, job.files_done) == ("done", 2, 1)
    assert session.query(Activity).count() == 1
    assert not upload.parent.exists()


def test_a_long_import_keeps_its_lease_fresh(session: Session, tmp_path: Path) -> None:
    principal = _runner(session)
    job_id = _enqueue(session, principal, tmp_path / "a.fit", at=NOW)
    assert jobs.claim_next(session, now=NOW) == job_id
    ticks = iter(range(1, 10_000))

    def clock() -> dt.datetime:
        return NOW + dt.timedelta(seconds=next(ticks))

    def slow_importer(_session: Session, **_: Any) -> dict[str, Any]:
        time.sleep(0.5)  # long enough for several heartbeats of 0.05 s
        return {"imported": 0}

    factory = session_factory(session.get_bind())  # type: ignore[arg-type]
    view = jobs.run_job(
        factory,
        job_id=job_id,
        settings=Settings(data_dir=tmp_path),
        clock=clock,
        importer=slow_importer,
        heartbeat_s=0.05,
    )
    assert view.status == "done"
    beat = _job(session, job_id).heartbeat_at
    assert beat is not None
    # Each beat read the clock; the last one is well after the claim.
    assert beat >= NOW + dt.timedelta(seconds=3)


def test_a_broken_upload_check_stops_the_upload_instead_of_being_skipped(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check calls the ingest reader directly: when the reader itself is broken (here it
    cannot load a part of itself), the error reaches the caller; it used to be loaded through
    ``importlib`` and an ``ImportError`` let every file through unchecked."""

    def broken_reader(path: Path, *, max_bytes: int) -> list[object]:
        raise ImportError("the FIT decoder could not be loaded")

    monkeypatch.setattr(registry, "read_activity", broken_reader)  # what the check imports
    upload = tmp_path / "run.gpx"
    shutil.copyfile(SAMPLE_GPX, upload)
    with pytest.raises(ImportError, match="FIT decoder"):
        jobs.check_single_file(upload, settings)


def test_an_unreadable_upload_is_refused_by_the_check_with_its_code(
    tmp_path: Path, settings: Settings
) -> None:
    broken = tmp_path / "run.fit"
    broken.write_bytes(b"\x0e\x10this is not a FIT file at all")
    with pytest.raises(BackstrideError) as refused:
        jobs.check_single_file(broken, settings)
    assert refused.value.code.startswith("ingest.")
