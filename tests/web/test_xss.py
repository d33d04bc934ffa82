"""Stored text stays text: hostile activity names, descriptions, notes, names of people and
clinics and import reasons never become markup or script on any page."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import update

from backstride.store.models import Account, Activity, Clinic, ImportJob, Runner, SessionLog
from backstride.units import new_id
from tests.web.conftest import Browser
from tests.web.seed import NOW, SeedWorld

HOSTILE = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(2)</script>",
    "javascript:alert(3)",
    "{{ 7*7 }}",
]


def _poison(browser: Browser, world: SeedWorld) -> str:
    factory = browser.app.state.session_factory  # type: ignore[attr-defined]
    with factory() as session:
        session.execute(
            update(Activity)
            .where(Activity.runner_id == world.runner_id)
            .values(name=HOSTILE[0] + HOSTILE[1], description=HOSTILE[2])
        )
        session.execute(update(SessionLog).values(notes=HOSTILE[1] + HOSTILE[4]))
        session.execute(
            update(Runner).where(Runner.id == world.runner_id).values(display_name=HOSTILE[2])
        )
        session.execute(
            update(Account)
            .where(Account.id == world.runner_account_id)
            .values(display_name=HOSTILE[0])
        )
        session.execute(update(Clinic).values(name=HOSTILE[1]))
        job_id = new_id()
        session.add(
            ImportJob(
                id=job_id,
                runner_id=world.runner_id,
                status="done",
                files_total=1,
                files_done=1,
                created_at=NOW - dt.timedelta(minutes=5),
                finished_at=NOW,
                report={
                    "files": [
                        {
                            "label": HOSTILE[1],
                            "status": "skipped",
                            "code": "ingest.corrupt_file",
                            "reason": HOSTILE[0],
                            "activity_ids": [],
                            "duplicate_of": HOSTILE[0],
                            "duplicate_ids": [],
                        }
                    ],
                    "refused": [{"name": HOSTILE[2], "code": "upload.empty", "detail": HOSTILE[3]}],
                },
            )
        )
        session.commit()
        return job_id


def _no_live_markup(html: str) -> None:
    scripts = re.findall(r"<script\b[^>]*>", html)
    for tag in scripts:
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "<img" not in html  # the hostile tag arrives as &lt;img ... text
    assert 'href="javascript:' not in html
    assert ">49<" not in html


def test_hostile_text_is_escaped_on_every_page(browser: Browser, world: SeedWorld) -> None:
    job_id = _poison(browser, world)
    listing = browser.page("/activities")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in listing.text
    first = re.search(r'href="(/activities/[0-9a-f]{32})"', listing.text)
    assert first is not None
    pages = [
        "/",
        "/activities",
        first.group(1),
        "/log",
        "/account",
        f"/imports/{job_id}",
        "/plan",
        "/progress",
        "/assessment",
        "/upload",
        "/menu",
    ]
    for path in pages:
        response = browser.page(path)
        assert response.status_code == 200, path
        _no_live_markup(response.text)


def test_chart_data_cannot_break_out_of_its_json_block(browser: Browser, world: SeedWorld) -> None:
    _poison(browser, world)
    listing = browser.page("/activities")
    first = re.search(r'href="(/activities/[0-9a-f]{32})"', listing.text)
    assert first is not None
    html = browser.page(first.group(1)).text
    for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S):
        assert "<" not in block
        assert ">" not in block
