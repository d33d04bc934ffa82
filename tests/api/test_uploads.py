"""Uploads are streamed to disk under limits, hostile zips refused, imports run in the worker."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.store.models import Activity, ImportJob
from tests.api.world import SAMPLE_GPX, World, build_world, client_for
from tests.corpus import LOCAL, LOCAL_ROOT, CorpusFile, each_file
from tests.ingest.test_broken_files import readable


@pytest.fixture
def world(session: Session) -> World:
    """Accounts and consent only: uploads need no intake or plan."""
    return build_world(session, history=False)


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _jobs(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(ImportJob)) or 0


def _upload(client: TestClient, world: World, name: str, data: bytes) -> Any:
    return client.post(
        "/api/v1/me/imports",
        params={"filename": name},
        content=data,
        headers=world.headers("runner_a"),
    )


def test_a_zip_bomb_is_refused_and_nothing_is_queued(
    client: TestClient, world: World, session: Session, db_settings: Settings
) -> None:
    before = _jobs(session)
    r = _upload(client, world, "export.zip", _zip({"big.fit": b"\0" * 5_000_000}))
    assert r.status_code == 422
    assert r.json()["code"] == "upload.unsafe_archive"
    assert _jobs(session) == before
    assert not any((db_settings.data_dir / "uploads").glob("*/*"))


def test_a_zip_with_path_traversal_is_refused(client: TestClient, world: World) -> None:
    r = _upload(client, world, "export.zip", _zip({"../../etc/evil.gpx": b"<gpx/>"}))
    assert r.status_code == 422
    problems = r.json()["problems"]
    assert any("leaves the archive" in p["msg"] for p in problems)


def test_a_file_that_is_not_a_zip_but_named_so_is_refused(client: TestClient, world: World) -> None:
    r = _upload(client, world, "export.zip", b"PK not really")
    assert r.json()["code"] == "upload.corrupt_archive"


def test_uploads_over_the_size_limit_are_refused(
    db_settings: Settings, world: World, session: Session
) -> None:
    small = db_settings.model_copy(update={"max_upload_bytes": 2048})
    for client in client_for(small):
        r = _upload(client, world, "run.gpx", b"x" * 5000)
    assert r.status_code == 413
    assert r.json()["code"] == "upload.too_large"


def test_unsupported_file_types_are_refused(client: TestClient, world: World) -> None:
    r = _upload(client, world, "notes.exe", b"MZ")
    assert r.status_code == 422
    assert r.json()["code"] == "upload.unsupported_format"


def test_the_worker_runs_a_queued_upload_and_reports_progress(
    db_settings: Settings, world: World
) -> None:
    seen: list[Path] = []

    def importer(session: Session, **kwargs: Any) -> dict[str, Any]:
        seen.extend(kwargs["paths"])
        kwargs["progress"](1, 1)
        return {"imported": 1, "runner": kwargs["runner_handle"]}

    for client in client_for(db_settings, importer=importer):
        r = _upload(client, world, "run.gpx", SAMPLE_GPX.read_bytes())
        assert r.status_code == 202
        job_id = r.json()["id"]
        assert r.json()["status"] == "queued"
        assert client.app.state.worker.run_once() == 1  # type: ignore[attr-defined]
        job = client.get(f"/api/v1/me/imports/{job_id}", headers=world.headers("runner_a"))
    body = job.json()
    assert body["status"] == "done"
    assert body["files_done"] == 1
    assert body["report"]["imported"] == 1
    assert seen[0].name == "run.gpx"
    assert not seen[0].exists()


def test_a_failing_import_marks_the_job_failed_with_its_code(
    db_settings: Settings, world: World
) -> None:
    from backstride.errors import InvalidInput

    def importer(session: Session, **kwargs: Any) -> dict[str, Any]:
        raise InvalidInput("broken", code="ingest.corrupt_file")

    for client in client_for(db_settings, importer=importer):
        job_id = _upload(client, world, "run.gpx", SAMPLE_GPX.read_bytes()).json()["id"]
        client.app.state.worker.run_once()  # type: ignore[attr-defined]
        body = client.get(f"/api/v1/me/imports/{job_id}", headers=world.headers("runner_a")).json()
    assert body["status"] == "failed"
    assert body["report"]["error"]["code"] == "ingest.corrupt_file"


BROKEN = [LOCAL.path(k) for k in LOCAL.broken() if k not in readable(LOCAL)]
"""Every broken file the ingest stage refuses (its tests list the two it can still read)."""


@pytest.mark.parametrize(
    "file", each_file(lambda c: [k for k in c.broken() if k not in readable(c)])
)
def test_every_broken_file_is_refused_with_its_code_and_nothing_is_stored(
    file: CorpusFile, db_settings: Settings, session: Session, world: World
) -> None:
    path = file.path
    before_jobs = _jobs(session)
    before_acts = session.scalar(select(func.count()).select_from(Activity))
    for client in client_for(db_settings):
        r = _upload(client, world, path.name, path.read_bytes())
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["code"].startswith(("ingest.", "upload."))
    session.expire_all()
    assert _jobs(session) == before_jobs
    assert session.scalar(select(func.count()).select_from(Activity)) == before_acts
    assert not any((db_settings.data_dir / "uploads").glob("*/*"))


def test_an_upload_without_a_date_is_refused_at_once(
    client: TestClient, world: World, session: Session
) -> None:
    before = _jobs(session)
    data = (LOCAL_ROOT / "fit" / "fitparse__antfs-dump.63.fit").read_bytes()
    r = _upload(client, world, "antfs.fit", data)
    assert r.status_code == 422
    assert r.json()["code"] == "ingest.no_date"
    assert _jobs(session) == before


def test_a_real_file_is_imported_by_the_worker(db_settings: Settings, world: World) -> None:
    for client in client_for(db_settings):
        job_id = _upload(client, world, "track.gpx", SAMPLE_GPX.read_bytes()).json()["id"]
        assert client.app.state.worker.run_once() == 1  # type: ignore[attr-defined]
        headers = world.headers("runner_a")
        job = client.get(f"/api/v1/me/imports/{job_id}", headers=headers).json()
        dashboard = client.get("/api/v1/me/dashboard", headers=headers).json()
    assert job["status"] == "done", job["report"]
    assert job["report"]["imported"] == 1
    assert dashboard["activities_total"] == 1


SAMPLE_TCX = LOCAL_ROOT / "tcx" / "tcxparser__test.tcx"


def _form(client: TestClient, world: World, files: list[tuple[str, bytes]]) -> Any:
    """A browser-style multipart/form-data upload (``curl -F file=@run.fit``)."""
    return client.post(
        "/api/v1/me/imports",
        files=[("file", (name, data, "application/octet-stream")) for name, data in files],
        headers=world.headers("runner_a"),
    )


def _leftovers(settings: Settings) -> list[Path]:
    return sorted((settings.data_dir / "uploads").rglob("*"))


def test_a_form_upload_of_one_file_is_imported_and_cleaned_up(
    db_settings: Settings, world: World
) -> None:
    for client in client_for(db_settings):
        r = _form(client, world, [("morning run.gpx", SAMPLE_GPX.read_bytes())])
        assert r.status_code == 202, r.text
        assert r.json()["files_total"] == 1
        assert client.app.state.worker.run_once() == 1  # type: ignore[attr-defined]
        headers = world.headers("runner_a")
        job = client.get(f"/api/v1/me/imports/{r.json()['id']}", headers=headers).json()
        dashboard = client.get("/api/v1/me/dashboard", headers=headers).json()
    assert job["status"] == "done", job["report"]
    assert job["report"]["imported"] == 1
    assert [f["label"] for f in job["report"]["files"]] == ["morning_run.gpx"]
    assert dashboard["activities_total"] == 1
    assert _leftovers(db_settings) == []


def test_a_form_with_several_files_is_one_job_that_imports_them_all(
    db_settings: Settings, world: World
) -> None:
    files = [("a.gpx", SAMPLE_GPX.read_bytes()), ("b.tcx", SAMPLE_TCX.read_bytes())]
    for client in client_for(db_settings):
        r = _form(client, world, files)
        assert r.status_code == 202, r.text
        assert r.json()["files_total"] == 2
        assert client.app.state.worker.run_once() == 1  # type: ignore[attr-defined]
        job = client.get(
            f"/api/v1/me/imports/{r.json()['id']}", headers=world.headers("runner_a")
        ).json()
    assert job["status"] == "done", job["report"]
    assert job["report"]["imported"] == 2
    assert job["files_done"] == 2
    # The runner sees the names they sent, never where the server keeps uploads.
    assert sorted(f["label"] for f in job["report"]["files"]) == ["a.gpx", "b.tcx"]
    assert str(db_settings.data_dir) not in str(job["report"])
    assert _leftovers(db_settings) == []


def test_a_form_with_a_file_and_an_export_zip_imports_both(
    db_settings: Settings, world: World
) -> None:
    # README: curl -F file=@a.fit -F file=@export.zip -> one job, every file.
    export = _zip({"activities/b.tcx": SAMPLE_TCX.read_bytes()})
    for client in client_for(db_settings):
        r = _form(client, world, [("a.gpx", SAMPLE_GPX.read_bytes()), ("export.zip", export)])
        assert r.status_code == 202, r.text
        assert r.json()["files_total"] == 2  # the file and the archive's one entry
        assert client.app.state.worker.run_once() == 1  # type: ignore[attr-defined]
        job = client.get(
            f"/api/v1/me/imports/{r.json()['id']}", headers=world.headers("runner_a")
        ).json()
    assert job["status"] == "done", job["report"]
    assert job["report"]["imported"] == 2
    assert _leftovers(db_settings) == []


def test_a_form_with_a_broken_file_imports_the_good_ones_and_reports_the_bad_one(
    db_settings: Settings, world: World, session: Session
) -> None:
    broken = b"<gpx><trk><trkseg><trkpt lat='1'"  # cut before its first point
    files = [
        ("a.gpx", SAMPLE_GPX.read_bytes()),
        ("cut.gpx", broken),
        ("b.tcx", SAMPLE_TCX.read_bytes()),
    ]
    for client in client_for(db_settings):
        r = _form(client, world, files)
        assert r.status_code == 202, r.text
        assert client.app.state.worker.run_once() == 1  # type: ignore[attr-defined]
        job = client.get(
            f"/api/v1/me/imports/{r.json()['id']}", headers=world.headers("runner_a")
        ).json()
    assert job["status"] == "done", job["report"]
    assert (job["report"]["imported"], job["report"]["skipped"]) == (2, 1)
    bad = [f for f in job["report"]["files"] if f["status"] == "skipped"]
    assert [(f["label"], f["code"]) for f in bad] == [("cut.gpx", "ingest.corrupt_file")]
    assert str(db_settings.data_dir) not in str(job["report"])
    assert _leftovers(db_settings) == []


def test_a_lone_broken_file_is_still_refused_at_once(
    client: TestClient, world: World, session: Session, db_settings: Settings
) -> None:
    before = _jobs(session)
    r = _form(client, world, [("cut.gpx", b"<gpx><trk><trkseg><trkpt lat='1'")])
    assert r.status_code == 422
    assert r.json()["code"] == "ingest.corrupt_file"
    assert _jobs(session) == before
    assert _leftovers(db_settings) == []


@pytest.mark.parametrize(
    ("body", "content_type", "code"),
    [
        (
            b'--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--XyZ--\r\n',
            "multipart/form-data; boundary=XyZ",
            "upload.no_file",
        ),
        (
            b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="r.gpx"\r\n\r\n<gpx',
            "multipart/form-data; boundary=XyZ",
            "upload.malformed_form",
        ),
        (b"--XyZ--\r\n", "multipart/form-data", "upload.malformed_form"),
        (
            b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="r.gpx"\r\n\r\n'
            b"\r\n--XyZ--\r\n",
            "multipart/form-data; boundary=XyZ",
            "upload.empty",
        ),
        (
            b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="x.exe"\r\n\r\n'
            b"MZ\r\n--XyZ--\r\n",
            "multipart/form-data; boundary=XyZ",
            "upload.unsupported_format",
        ),
        (SAMPLE_GPX.read_bytes(), "application/octet-stream", "upload.no_filename"),
    ],
    ids=["no-file-part", "broken-off", "no-boundary", "empty-file", "exe", "raw-without-name"],
)
def test_bad_upload_bodies_are_refused_with_their_code(
    client: TestClient,
    world: World,
    session: Session,
    db_settings: Settings,
    body: bytes,
    content_type: str,
    code: str,
) -> None:
    before = _jobs(session)
    r = client.post(
        "/api/v1/me/imports",
        content=body,
        headers={**world.headers("runner_a"), "content-type": content_type},
    )
    assert r.status_code == 422, r.text
    assert r.json()["code"] == code
    assert _jobs(session) == before
    assert _leftovers(db_settings) == []


def test_a_form_over_the_size_limit_is_refused(db_settings: Settings, world: World) -> None:
    small = db_settings.model_copy(update={"max_upload_bytes": 2048})
    for client in client_for(small):
        r = _form(client, world, [("run.gpx", b"x" * 5000)])
    assert r.status_code == 413
    assert r.json()["code"] == "upload.too_large"
    assert _leftovers(small) == []


def test_a_form_file_name_cannot_leave_the_upload_folder(
    db_settings: Settings, world: World
) -> None:
    seen: list[Path] = []

    def importer(session: Session, **kwargs: Any) -> dict[str, Any]:
        seen.extend(kwargs["paths"])
        return {"imported": 0}

    for client in client_for(db_settings, importer=importer):
        r = _form(client, world, [("../../../etc/evil.gpx", SAMPLE_GPX.read_bytes())])
        assert r.status_code == 202, r.text
        client.app.state.worker.run_once()  # type: ignore[attr-defined]
    (path,) = seen
    assert path.name == "evil.gpx"
    assert path.parent.parent == db_settings.data_dir / "uploads"


def test_a_form_with_too_many_files_or_too_much_besides_is_refused(
    client: TestClient,
    world: World,
    session: Session,
    db_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from backstride.services.imports import uploads

    before = _jobs(session)
    monkeypatch.setattr(uploads, "MAX_FORM_FILES", 2)
    gpx = SAMPLE_GPX.read_bytes()
    r = _form(client, world, [("a.gpx", gpx), ("b.gpx", gpx), ("c.gpx", gpx)])
    assert (r.status_code, r.json()["code"]) == (422, "upload.too_many_files")
    r = client.post(
        "/api/v1/me/imports",
        files=[("file", ("a.gpx", gpx, "application/octet-stream"))],
        data={"note": "x" * (uploads.MAX_FORM_FIELD_BYTES + 1)},
        headers=world.headers("runner_a"),
    )
    assert (r.status_code, r.json()["code"]) == (422, "upload.form_too_large")
    assert _jobs(session) == before
    assert _leftovers(db_settings) == []
