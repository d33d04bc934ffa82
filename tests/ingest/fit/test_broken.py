"""Every FIT file in a corpus's ``broken/`` folder raises a coded error, never a crash."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from backstride.errors import BackstrideError
from backstride.ingest.fit.decoder import decode_fit
from backstride.ingest.fit.reader import read_fit, sniff_fit
from tests.corpus import CORPORA, CorpusFile, corpus, named

pytestmark = pytest.mark.usefixtures("fit_records")  # compiled and numpy record passes

AT_LEAST = {"local": 11, "extended": 12}
"""Broken FIT files each corpus holds at least (so a shrunken corpus cannot pass quietly)."""


def _broken_fit_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "broken").iterdir() if ".fit" in p.name.lower())


def _partial_gunzip(raw: bytes) -> bytes:
    """What a streaming gunzip yields from a truncated .gz before it runs out."""
    return zlib.decompressobj(wbits=31).decompress(raw)


SALVAGED = {
    "local": {"derived__fitparse__compressed-speed-distance.truncated-60pct.fit"},
    "extended": {
        "derived__gc__4077461142.truncated-60pct.fit",
        "derived__gc__14582164182.truncated.fit.gz",
        "fitparse__activity-unexpected-eof.fit",
    },
}
"""Truncated files of which more than half decodes: their complete records are kept."""


@pytest.mark.parametrize("label", CORPORA)
def test_every_broken_fit_file_raises_a_coded_error(label: str) -> None:
    files = _broken_fit_files(corpus(label).root)
    assert len(files) >= AT_LEAST[label]
    codes = {}
    for path in files:
        if path.name in SALVAGED[label]:
            continue
        raw = path.read_bytes()
        payload = _partial_gunzip(raw) if path.name.endswith(".gz") else raw
        with pytest.raises(BackstrideError) as info:
            read_fit(payload, source_name=path.name)
        codes[path.name] = info.value.code
    assert set(codes.values()) == {"ingest.corrupt_file"}, codes


@pytest.mark.parametrize("label", CORPORA)
def test_truncated_files_that_are_mostly_there_keep_their_complete_records(label: str) -> None:
    root = corpus(label).root
    for name in sorted(SALVAGED[label]):
        raw = (root / "broken" / name).read_bytes()
        payload = _partial_gunzip(raw) if name.endswith(".gz") else raw
        assert sniff_fit(payload[:14])
        fit = decode_fit(payload)
        assert fit.n_records > 0
        assert any("truncated" in w and "complete records" in w for w in fit.warnings), name


@pytest.mark.parametrize(
    "file", named(local=["broken/derived__fitparse__garmin-fenix-5-run.truncated.fit.gz"])
)
def test_a_truncated_gzip_payload_with_too_little_left_is_a_corrupt_fit_file(
    file: CorpusFile,
) -> None:
    payload = _partial_gunzip(file.path.read_bytes())
    assert sniff_fit(payload[:14])
    with pytest.raises(BackstrideError, match="truncated") as info:
        decode_fit(payload)
    assert info.value.code == "ingest.corrupt_file"


FLIPPED_FROM = {
    "broken/derived__fitparse__garmin-fenix-5-walk.crc-flipped.fit": (
        "fit/fitparse__garmin-fenix-5-walk.fit"
    ),
    "broken/derived__gc__2019-09-07-11-22-19.crc-flipped.fit": "fit/gc__2019-09-07-11-22-19.fit",
}
"""Each file with its last CRC byte inverted, and the intact file it was made from."""


@pytest.mark.parametrize(
    "file",
    named(local=list(FLIPPED_FROM)[:1], extended=list(FLIPPED_FROM)[1:]),
)
def test_a_flipped_crc_is_refused_but_the_content_is_intact(file: CorpusFile) -> None:
    raw = file.path.read_bytes()
    with pytest.raises(BackstrideError, match="CRC"):
        decode_fit(raw)
    fit = decode_fit(raw, check_crc=False)
    intact = file.corpus.reference[FLIPPED_FROM[file.key]]["reference"]
    assert fit.n_records == intact["record_count"]


def test_fit_content_behind_a_gpx_name_is_recognised_by_content(activities_dir: Path) -> None:
    raw = (activities_dir / "broken" / "derived__fit-content-with.gpx").read_bytes()
    assert sniff_fit(raw[:14])
    (activity,) = read_fit(raw)
    assert activity.sport == "running"


@pytest.mark.parametrize(
    ("head", "is_fit"),
    [
        (b"\x0e\x10\x00\x00\x10\x00\x00\x00.FIT\x00\x00", True),
        (b"\x0c\x10\x00\x00\x10\x00\x00\x00.FIT", True),
        (b"\x0e\x10\x00\x00\x10\x00\x00\x00.FIX\x00\x00", False),
        (b'<?xml version="1.0"?>', False),
        (b".FIT", False),
        (b"", False),
    ],
)
def test_sniffing_looks_at_the_header_size_and_the_fit_signature(head: bytes, is_fit: bool) -> None:
    assert sniff_fit(head) is is_fit
