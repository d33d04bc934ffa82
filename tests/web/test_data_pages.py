"""Activities, upload and imports: paging and filters, one activity in runners' units, and an
upload where each file is judged on its own."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
from fastapi import FastAPI

from backstride.services.demo.history import DemoRun, _gpx
from backstride.services.imports import jobs
from tests.web.conftest import Browser
from tests.web.seed import NOW


def _gpx_bytes(day: dt.date, km: float = 5.0) -> bytes:
    run = DemoRun(
        1,
        dt.datetime.combine(day, dt.time(7), dt.UTC),
        "Morning run",
        km * 1000,
        330.0,
        0.7,
        "Hoka Clifton 9",
    )
    data, _ = _gpx(run, np.random.default_rng(1))
    return data


def _run_jobs(app: FastAPI) -> None:
    factory = app.state.session_factory
    with factory() as session:
        queued = [
            j
            for (j,) in session.execute(
                __import__("sqlalchemy").text("SELECT id FROM import_jobs WHERE status='queued'")
            )
        ]
    for job_id in queued:
        jobs.run_job(factory, job_id=job_id, settings=app.state.settings, clock=lambda: NOW)


def test_activities_list_pages_and_shows_runners_units(reader: Browser) -> None:
    page = reader.page("/activities")
    assert re.search(r"\d+ activities", page.text)
    assert re.search(r">\d+\.\d km<", page.text)
    assert re.search(r">\d:\d\d /km<", page.text)
    assert re.search(r">1\d\d bpm<", page.text)
    if "page 1 of" in page.text:
        second = reader.page("/activities?page=2")
        assert "page 2 of" in second.text


def test_the_filter_narrows_by_name_and_sport_and_htmx_gets_only_the_results(
    reader: Browser,
) -> None:
    page = reader.page("/activities?q=long")
    names = re.findall(r'<a href="/activities/[0-9a-f]+">([^<]+)</a>', page.text)
    assert names
    assert all("long" in n.lower() for n in names)
    none = reader.page("/activities?sport=swimming")
    assert "Nothing matches" in none.text
    fragment = reader.get("/activities?q=long", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<section id="activity-results"')


def test_one_activity_shows_summary_load_charts_and_laps(reader: Browser) -> None:
    listing = reader.page("/activities")
    first = re.search(r'href="(/activities/[0-9a-f]{32})"', listing.text)
    assert first is not None
    page = reader.page(first.group(1))
    assert page.status_code == 200
    for part in (
        "Training load",
        "Heart-rate load (TRIMP)",
        "Pace",
        "Heart rate",
        "Elevation",
        "Laps",
        'role="img"',
        'type="application/json"',
    ):
        assert part in page.text, part
    assert re.search(r"\d:\d\d /km", page.text)


def test_a_plain_form_upload_imports_the_good_files_and_names_why_the_bad_ones_were_refused(
    browser: Browser, app: FastAPI, tmp_path: Path
) -> None:
    browser.page("/upload")
    files = [
        (
            "file",
            ("tuesday.gpx.gz", _gpx_bytes(NOW.date() - dt.timedelta(days=90)), "application/gzip"),
        ),
        ("file", ("broken.fit", b"this is not a FIT file at all", "application/octet-stream")),
        ("file", ("notes.txt", b"hello", "text/plain")),
        ("file", ("empty.gpx", b"", "application/gpx+xml")),
    ]
    response = browser.post(
        "/upload",
        data={"csrf_token": browser.cookies["backstride_csrf"]},
        files=files,
        follow_redirects=False,
    )
    assert response.status_code == 303
    job_url = response.headers["location"]
    waiting = browser.page(job_url)
    assert "Waiting to import" in waiting.text
    assert 'hx-get="' + job_url + '"' in waiting.text
    _run_jobs(app)
    done = browser.page(job_url)
    assert "Import finished" in done.text
    assert "1 imported" in done.text
    assert "3 refused" in done.text
    assert re.search(
        r"tuesday\.gpx\.gz</span>\s*<span class=\"result-imported\"><strong>imported", done.text
    )
    for name in ("broken.fit", "notes.txt", "empty.gpx"):
        assert re.search(
            name.replace(".", r"\.") + r"</span> <span class=\"result-refused\">", done.text
        ), name
    assert "upload.unsupported_format" in done.text
    assert "upload.empty" in done.text


def test_a_file_already_stored_is_shown_as_the_same_as_the_stored_activity(
    browser: Browser, app: FastAPI
) -> None:
    browser.page("/upload")
    data = _gpx_bytes(NOW.date() - dt.timedelta(days=120))
    for _ in range(2):
        response = browser.post(
            "/upload",
            data={"csrf_token": browser.cookies["backstride_csrf"]},
            files=[("file", ("again.gpx.gz", data, "application/gzip"))],
            follow_redirects=False,
        )
        _run_jobs(app)
    page = browser.page(response.headers["location"])
    assert "already stored" in page.text
    assert re.search(r'same as <a href="/activities/[0-9a-f]{32}">Morning run on', page.text)


def test_each_file_uploaded_by_script_gets_its_own_result_fragment(browser: Browser) -> None:
    response = browser.post(
        "/upload",
        files=[
            (
                "file",
                ("one.gpx.gz", _gpx_bytes(NOW.date() - dt.timedelta(days=150)), "application/gzip"),
            )
        ],
        headers={"HX-Request": "true", "X-CSRF-Token": browser.cookies["backstride_csrf"]},
    )
    assert response.status_code == 202
    assert response.text.lstrip().startswith("<li data-upload-result>")
    assert 'hx-trigger="load delay:1s"' in response.text


def test_an_upload_of_only_bad_files_stores_nothing_and_says_why(browser: Browser) -> None:
    browser.page("/upload")
    response = browser.post(
        "/upload",
        data={"csrf_token": browser.cookies["backstride_csrf"]},
        files=[("file", ("x.txt", b"nope", "text/plain"))],
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert "None of the files could be imported." in response.text
    assert "x.txt" in response.text


def test_an_upload_without_the_token_writes_nothing(browser: Browser, app: FastAPI) -> None:
    response = browser.post(
        "/upload",
        files=[("file", ("a.gpx.gz", _gpx_bytes(NOW.date()), "application/gzip"))],
        follow_redirects=False,
    )
    assert response.status_code == 403
    uploads = Path(app.state.settings.data_dir) / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
