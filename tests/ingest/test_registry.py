"""The registry sniffs content, unwraps gzip and refuses oversized inputs early."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from backstride.errors import BackstrideError
from backstride.ingest.registry import READERS, read_activity, read_bytes, sniff


def test_readers_are_registered_by_format_key() -> None:
    assert set(READERS) == {"fit", "gpx", "tcx"}


def test_content_wins_over_the_extension(activities_dir: Path) -> None:
    data = (activities_dir / "gpx/togeojson__run.gpx").read_bytes()
    (act,) = read_bytes(data, name="misnamed.tcx")
    assert act.format == "gpx"


@pytest.mark.parametrize("name", ["run.gpx.gz", "RUN.GPX.GZ", "no-extension"])
def test_gzip_is_transparent(activities_dir: Path, name: str) -> None:
    data = gzip.compress((activities_dir / "gpx/togeojson__run.gpx").read_bytes())
    (act,) = read_bytes(data, name=name)
    assert act.n_samples == 206


def test_a_gzip_bomb_is_stopped_at_the_size_limit() -> None:
    data = gzip.compress(b"<gpx>" + b" " * 5_000_000)
    with pytest.raises(BackstrideError) as err:
        read_bytes(data, name="bomb.gpx.gz", max_bytes=1_000_000)
    assert err.value.code == "ingest.too_large"


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.gpx"
    big.write_bytes(b"<gpx>" + b" " * 4096)
    with pytest.raises(BackstrideError) as err:
        read_activity(big, max_bytes=1024)
    assert err.value.code == "ingest.too_large"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"/>', "xml"),
        (b"\x00\x01\x02 not an activity", None),
        (b"PK\x03\x04rest", "zip"),
    ],
)
def test_unknown_content_is_an_unsupported_format(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind
    with pytest.raises(BackstrideError) as err:
        read_bytes(data, name="thing.bin")
    assert err.value.code == "ingest.unsupported_format"


def test_a_non_fit_file_named_fit_is_corrupt() -> None:
    with pytest.raises(BackstrideError) as err:
        read_bytes(b"hello world, no header here", name="x.fit")
    assert err.value.code == "ingest.corrupt_file"
