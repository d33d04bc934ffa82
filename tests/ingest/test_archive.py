"""Hostile zips are refused before any member is decompressed; broken members are per-file."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from backstride.errors import BackstrideError
from backstride.ingest.archive import ArchiveLimits, members, open_zip


def _zip(entries: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    "name", ["../evil.gpx", "a/../../evil.gpx", "/etc/evil.gpx", "C:\\evil.gpx", "..\\evil.gpx"]
)
def test_unsafe_member_names_refuse_the_archive(name: str) -> None:
    with pytest.raises(BackstrideError) as err:
        open_zip(_zip({name: b"x"}), limits=ArchiveLimits(), label="x.zip")
    assert err.value.code == "ingest.unsafe_archive"
    assert err.value.problems[0]["path"] == name


def test_a_zip_bomb_by_ratio_is_refused() -> None:
    data = _zip({"bomb.gpx": b"\0" * 20_000_000})
    with pytest.raises(BackstrideError) as err:
        open_zip(data, limits=ArchiveLimits(max_ratio=100), label="bomb.zip")
    assert err.value.code == "ingest.unsafe_archive"
    assert "ratio" in err.value.problems[0]["msg"]


def test_too_many_entries_and_too_many_bytes_are_refused() -> None:
    data = _zip({f"{i}.gpx": b"x" * 100 for i in range(20)})
    with pytest.raises(BackstrideError) as err:
        open_zip(data, limits=ArchiveLimits(max_entries=10, max_total_bytes=1024), label="z.zip")
    msgs = " ".join(p["msg"] for p in err.value.problems)
    assert "entries" in msgs
    assert "uncompressed" in msgs


def test_a_symlink_member_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("link.gpx")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(BackstrideError) as err:
        open_zip(buf.getvalue(), limits=ArchiveLimits(), label="l.zip")
    assert err.value.code == "ingest.unsafe_archive"


def test_a_truncated_member_is_a_corrupt_file_and_the_rest_reads() -> None:
    data = bytearray(
        _zip({"a.gpx": b"<gpx>" + b"a" * 5000, "b.gpx": b"<gpx/>"}, method=zipfile.ZIP_STORED)
    )
    # overwrite part of a.gpx's body: its CRC no longer matches
    pos = data.find(b"aaaa")
    data[pos : pos + 100] = b"b" * 100
    zf = open_zip(bytes(data), limits=ArchiveLimits(), label="t.zip")
    results: dict[str, bytes | str] = {}
    for member in members(zf, label="t.zip"):
        try:
            results[member.name] = member.read(max_bytes=10**6)
        except BackstrideError as exc:
            results[member.name] = exc.code
    assert results["a.gpx"] == "ingest.corrupt_file"
    assert results["b.gpx"] == b"<gpx/>"
