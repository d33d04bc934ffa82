"""Damaged FIT bytes of any kind raise a coded BackstrideError and nothing else."""

from __future__ import annotations

import struct
from collections.abc import Callable

import fastcrc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstride.errors import BackstrideError
from backstride.ingest.fit.decoder import decode_fit
from backstride.ingest.fit.reader import read_fit

pytestmark = pytest.mark.usefixtures("fit_records")  # compiled and numpy record passes

SMALL = "fit/fitparse__garmin-fenix-5-run.fit"  # 5.6 kB, every kind of message


def _with_fresh_crcs(data: bytes) -> bytes:
    """Recompute header and file CRCs so the parser, not the CRC, meets the damage."""
    if len(data) < 16 or data[0] != 14:
        return data
    head = data[:12] + struct.pack("<H", fastcrc.crc16.arc(data[:12]))
    body = head + data[14:-2]
    return body + struct.pack("<H", fastcrc.crc16.arc(body))


def _read_or_refuse(data: bytes) -> None:
    codes = []
    for call in (lambda: read_fit(data), lambda: decode_fit(data, check_crc=False)):
        try:
            call()
        except BackstrideError as exc:
            codes.append(exc.code)
    assert all(code.startswith("ingest.") for code in codes)


@settings(max_examples=250, deadline=None)
@given(
    flips=st.lists(st.tuples(st.integers(0, 5596), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.integers(0, 5597),
    fresh_crc=st.booleans(),
)
def test_mutated_files_raise_only_coded_errors(
    fit_bytes: Callable[[str], bytes],
    flips: list[tuple[int, int]],
    cut: int,
    fresh_crc: bool,
) -> None:
    data = bytearray(fit_bytes(SMALL))
    for at, value in flips:
        data[at % len(data)] = value
    mutated = bytes(data[: max(cut, 1)]) if cut < len(data) // 2 else bytes(data)
    _read_or_refuse(_with_fresh_crcs(mutated) if fresh_crc else mutated)


@settings(max_examples=100, deadline=None)
@given(blob=st.binary(max_size=400))
def test_random_bytes_after_a_fit_header_raise_only_coded_errors(blob: bytes) -> None:
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(blob), b".FIT")
    header += struct.pack("<H", fastcrc.crc16.arc(header))
    whole = header + blob
    _read_or_refuse(whole + struct.pack("<H", fastcrc.crc16.arc(whole)))


def test_every_prefix_of_a_small_file_is_refused_or_salvaged_with_a_warning(
    fit_bytes: Callable[[str], bytes],
) -> None:
    data = fit_bytes(SMALL)
    whole = decode_fit(data)
    salvaged = 0
    for end in range(0, len(data) - 1, 7):
        refused: BackstrideError | None
        try:
            part = decode_fit(data[:end])
        except BackstrideError as exc:
            refused = exc
        else:
            refused = None
        if refused is not None:
            assert refused.code == "ingest.corrupt_file"
            continue
        salvaged += 1
        assert end >= (len(data) - 16) * 0.5  # at least half of the data is there
        assert any("truncated" in w for w in part.warnings)
        assert part.n_records <= whole.n_records
    assert salvaged > 0


@settings(max_examples=150, deadline=None)
@given(flips=st.lists(st.tuples(st.integers(14, 4000), st.integers(0, 255)), max_size=6))
def test_damage_inside_a_valid_crc_reaches_the_reader_and_stays_coded(
    flips: list[tuple[int, int]],
) -> None:
    """A hand-built multisport file, damaged, then re-sealed with fresh CRCs."""
    from .test_reader import _multisport

    data = bytearray(_multisport())
    for at, value in flips:
        data[14 + at % (len(data) - 16)] = value
    _read_or_refuse(_with_fresh_crcs(bytes(data)))
