"""One bad file never loses the good ones: a form's files are written and checked one by one."""

from __future__ import annotations

import asyncio
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from backstride.config import Settings
from backstride.errors import InvalidInput
from backstride.services.imports import uploads

BOUNDARY = "xyzzy"


def _body(parts: list[tuple[str, str | None, bytes]]) -> bytes:
    out = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += (
            f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"
        )
    return out + f"--{BOUNDARY}--\r\n".encode()


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    for i in range(0, len(data), 1000):
        yield data[i : i + 1000]


def _stream(
    body: bytes, folder: Path, settings: Settings, *, keep_going: bool
) -> uploads.FormUpload:
    return asyncio.run(
        uploads.stream_form_files(
            _chunks(body),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
            folder=folder,
            settings=settings,
            keep_going=keep_going,
        )
    )


def test_a_form_keeps_its_good_files_its_small_fields_and_lists_the_refused(
    tmp_path: Path, settings: Settings
) -> None:
    body = _body(
        [
            ("csrf_token", None, b"tok-123"),
            ("file", "run.gpx", b"<gpx/>"),
            ("file", "notes.txt", b"hello"),
            ("file", "empty.fit", b""),
            ("file", "", b""),
        ]
    )
    form = _stream(body, tmp_path / "files", settings, keep_going=True)
    assert [p.name for p in form.paths] == ["run.gpx"]
    assert form.fields == {"csrf_token": "tok-123"}
    assert {(r.name, r.code) for r in form.refused} == {
        ("notes.txt", "upload.unsupported_format"),
        ("empty.fit", "upload.empty"),
    }


def test_the_api_form_still_refuses_the_whole_upload_for_one_bad_name(
    tmp_path: Path, settings: Settings
) -> None:
    body = _body([("file", "run.gpx", b"<gpx/>"), ("file", "notes.txt", b"hello")])
    with pytest.raises(InvalidInput) as err:
        _stream(body, tmp_path / "files", settings, keep_going=False)
    assert err.value.code == "upload.unsupported_format"
    assert not (tmp_path / "files").exists()


def test_prepare_checks_each_file_alone(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "job" / "files"
    folder.mkdir(parents=True)
    good = folder / "good.gpx"
    good.write_bytes(b"ok")
    bad = folder / "bad.fit"
    bad.write_bytes(b"broken")
    archive = folder / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../escape.gpx", "x")

    def precheck(path: Path, _settings: Settings) -> None:
        if path.name == "bad.fit":
            raise InvalidInput("bad.fit: not a FIT file", code="ingest.corrupt_file")

    prepared = uploads.prepare_files(
        tmp_path / "job", [good, bad, archive], settings=settings, precheck=precheck
    )
    assert prepared.upload_path == tmp_path / "job" / "good.gpx"
    assert prepared.files_total == 1
    assert [(r.name, r.code) for r in prepared.refused] == [
        ("bad.fit", "ingest.corrupt_file"),
        ("export.zip", "upload.unsafe_archive"),
    ]
    assert not bad.exists()
    assert not archive.exists()


def test_prepare_with_nothing_left_queues_nothing(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    bad = folder / "bad.fit"
    bad.write_bytes(b"x")

    def precheck(path: Path, _settings: Settings) -> None:
        raise InvalidInput("no", code="ingest.corrupt_file")

    prepared = uploads.prepare_files(tmp_path, [bad], settings=settings, precheck=precheck)
    assert prepared.upload_path is None
    assert prepared.files_total == 0
