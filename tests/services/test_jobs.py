"""The import queue hands each queued job to exactly one worker, oldest first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from backstride.services import accounts, auth, jobs
from backstride.store.models import Account

NOW = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)


def test_each_queued_job_is_claimed_once_in_order(session: Session, tmp_path: Path) -> None:
    view = accounts.register_runner(
        session, email="q@example.org", password="a long password", display_name="Q", now=NOW
    )
    account = session.get(Account, view.id)
    assert account is not None
    principal = auth.principal_for(session, account)
    first = jobs.enqueue_import(
        session,
        principal=principal,
        job_id=jobs.new_job_id(),
        upload_path=tmp_path / "a.fit",
        files_total=1,
        now=NOW,
    )
    second = jobs.enqueue_import(
        session,
        principal=principal,
        job_id=jobs.new_job_id(),
        upload_path=tmp_path / "b.fit",
        files_total=1,
        now=NOW + dt.timedelta(seconds=1),
    )
    assert jobs.claim_next(session) == first.id
    assert jobs.claim_next(session) == second.id
    assert jobs.claim_next(session) is None
    assert [j.status for j in jobs.list_jobs(session, principal=principal)] == ["running"] * 2
