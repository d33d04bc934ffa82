"""The compiled FIT record pass (``_fitrecords.c``) gives the numpy path's columns bit for bit,
whatever base types, byte orders, array fields and invalid markers a file declares, and on
damaged or cut files the same columns or the same refusal; its tables are checked before it
reads anything."""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstride.errors import BackstrideError
from backstride.ingest.fit import columns
from backstride.ingest.fit.decoder import decode_fit

from . import fitbuild as fb
from .test_fuzz import _with_fresh_crcs

COMPILED = columns.COLUMNS
needs_compiled = pytest.mark.skipif(COMPILED is None, reason="the record pass was not built")

# base-type byte -> size; every type a file may declare for a record field
BASE_SIZES = {
    0x00: 1, 0x01: 1, 0x02: 1, 0x83: 2, 0x84: 2, 0x85: 4, 0x86: 4, 0x88: 4, 0x89: 8,
    0x0A: 1, 0x8B: 2, 0x8C: 4, 0x0D: 1, 0x8E: 8, 0x8F: 8, 0x90: 8, 0x07: 1,
}  # fmt: skip
# record fields: positions (semicircles), scaled and offset ones, the timestamp, unknown (99)
RECORD_FIELDS = [0, 1, 2, 3, 4, 5, 6, 7, 13, 39, 53, 73, 78, 253, 99]
Outcome = tuple[str, object]


def _outcome(data: bytes) -> Outcome:
    try:
        fit = decode_fit(data, check_crc=False)
    except BackstrideError as exc:
        return "refused", exc.code
    cols = [(name, values.tobytes()) for name, values in fit.records.items()]
    return "read", (cols, fit.n_records, fit.warnings, dict(fit.counts))


def _both(data: bytes) -> tuple[Outcome, Outcome]:
    assert COMPILED is not None
    compiled = _outcome(data)
    columns.COLUMNS = None
    try:
        return compiled, _outcome(data)
    finally:
        columns.COLUMNS = COMPILED


@st.composite
def _definitions(draw: st.DrawFn) -> tuple[list[tuple[int, int, int]], bool]:
    numbers = draw(st.lists(st.sampled_from(RECORD_FIELDS), min_size=1, max_size=8, unique=True))
    fields = []
    for number in numbers:
        base = draw(st.sampled_from(sorted(BASE_SIZES)))
        fields.append((number, BASE_SIZES[base] * draw(st.sampled_from([1, 1, 1, 2, 3])), base))
    return fields, draw(st.booleans())


def _message_bytes(size: int) -> st.SearchStrategy[bytes]:
    """Field bytes: random, or the patterns of invalid markers, zero and NaN."""
    return st.binary(min_size=size, max_size=size) | st.sampled_from(
        [
            b"\xff" * size,
            b"\x00" * size,
            b"\x7f" + b"\xff" * (size - 1),
            b"\xff" * (size - 1) + b"\x7f",
        ]
    )


@st.composite
def _record_files(draw: st.DrawFn) -> bytes:
    """A FIT file of records from up to three definitions (either byte order, any base type,
    array fields), their messages interleaved, some with compressed-timestamp headers."""
    layouts = draw(st.lists(_definitions(), min_size=1, max_size=3))
    first, big = layouts[0]  # a timestamp first, for the compressed headers to count from
    layouts[0] = ([(253, 4, 0x86), *[f for f in first if f[0] != 253]], big)
    body = fb.file_id()
    for local, (fields, big) in enumerate(layouts):
        head = 0x40 | local
        order = ">" if big else "<"
        body += bytes([head, 0, int(big)]) + struct.pack(order + "H", 20) + bytes([len(fields)])
        body += b"".join(bytes([number, size, base]) for number, size, base in fields)
    for k in range(draw(st.integers(1, 25))):
        local = draw(st.integers(0, len(layouts) - 1)) if k else 0
        fields, _ = layouts[local]
        header = (
            local if draw(st.integers(0, 9)) else 0x80 | (local << 5) | draw(st.integers(0, 31))
        )
        body += bytes([header]) + b"".join(draw(_message_bytes(size)) for _, size, _ in fields)
    return fb.fit_file(body)


@needs_compiled
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_record_files())
# numpy's cast of a float32 signalling NaN warns (the C cast is silent); both give quiet NaN
@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
def test_generated_record_files_decode_the_same_both_ways(data: bytes) -> None:
    compiled, numpy_path = _both(data)
    assert compiled == numpy_path


@needs_compiled
@settings(max_examples=150, deadline=None)
@given(
    flips=st.lists(st.tuples(st.integers(0, 5596), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.integers(0, 5597),
    fresh_crc=st.booleans(),
)
def test_damaged_files_decode_or_are_refused_the_same_both_ways(
    fit_bytes: Callable[[str], bytes], flips: list[tuple[int, int]], cut: int, fresh_crc: bool
) -> None:
    data = bytearray(fit_bytes("fit/fitparse__garmin-fenix-5-run.fit"))
    for at, value in flips:
        data[at % len(data)] = value
    mutated = bytes(data[: max(cut, 1)]) if cut < len(data) // 2 else bytes(data)
    compiled, numpy_path = _both(_with_fresh_crcs(mutated) if fresh_crc else mutated)
    assert compiled == numpy_path


@needs_compiled
@pytest.mark.parametrize(
    "name",
    [
        "fit/fitparse__activity-small-fenix2-run.fit",
        "fit/fitparse__garmin-fenix-5-run.fit",
    ],
)
def test_real_files_decode_the_same_both_ways(fit_bytes: Callable[[str], bytes], name: str) -> None:
    compiled, numpy_path = _both(fit_bytes(name))
    assert compiled[0] == "read"
    assert compiled == numpy_path


def _table(rows: Sequence[Sequence[float]], dtype: type = np.int64) -> bytes:
    return np.array(rows, dtype=dtype).tobytes()


# one layout (0) of 8-byte messages with a uint32 at offset 1, read as column 0
SLOT = (0, 1, 5, 0, 0, 1, 0xFFFFFFFF, 0, 0)
SCALE = (1.0, 0.0)


@needs_compiled
@pytest.mark.parametrize(
    "run",
    [
        (0, 0, 4, 8, 0, 1, 8),  # fits: 32 bytes, records 0..3
        (0, 8, 4, 8, 0, 1, 8),  # past the end of the bytes
        (0, -8, 1, 8, 0, 1, 8),  # before the start
        (0, 0, 4, 8, 1, 1, 8),  # record index 4 of 4
        (0, 0, 2, 8, 0, -1, 8),  # backwards
        (0, 0, 4, 8, 0, 1, 4),  # a field past its message
        (0, 0, -1, 8, 0, 1, 8),
        (0, 0, 2**40, 8, 0, 1, 8),
    ],
)
def test_runs_outside_the_bytes_or_the_columns_are_left_to_numpy(
    run: tuple[int, ...],
) -> None:
    assert COMPILED is not None
    answer = COMPILED(
        bytes(range(32)), 4, 1, _table([run]), _table([SLOT]), _table([SCALE], np.float64),
        _table([(0,)]),
    )  # fmt: skip
    if run == (0, 0, 4, 8, 0, 1, 8):
        assert answer is not None
        assert np.frombuffer(answer).tolist() == [
            float(int.from_bytes(bytes(range(8 * k + 1, 8 * k + 5)), "little")) for k in range(4)
        ]
    else:
        assert answer is None


@needs_compiled
@pytest.mark.parametrize(
    "tables",
    [
        (b"\x00" * 7, _table([SLOT]), _table([SCALE], np.float64), _table([(0,)])),
        (_table([(0, 0, 4, 8, 0, 1, 8)]), _table([SLOT]), b"", _table([(0,)])),
        (_table([(0, 0, 4, 8, 0, 1, 8)]), _table([(0, 1, 11, 0, 0, 0, 0, 0, 0)]),
         _table([SCALE], np.float64), _table([(0,)])),  # an unknown type
        (_table([(0, 0, 4, 8, 0, 1, 8)]), _table([(0, 1, 5, 1, 0, 0, 0, 0, 0)]),
         _table([SCALE], np.float64), _table([(0,)])),  # a column that does not exist
        (_table([(0, 0, 4, 8, 0, 1, 8)]), _table([(0, 1, 5, 0, 7, 0, 0, 0, 0)]),
         _table([SCALE], np.float64), _table([(0,)])),  # an unknown kind
    ],
)  # fmt: skip
def test_tables_that_do_not_match_are_left_to_numpy(tables: tuple[bytes, ...]) -> None:
    assert COMPILED is not None
    assert COMPILED(bytes(32), 4, 1, *tables) is None


@needs_compiled
@settings(max_examples=200, deadline=None)
@given(
    data=st.binary(max_size=64),
    n_records=st.integers(-2, 70),
    n_columns=st.integers(-1, 3),
    runs=st.lists(st.tuples(*[st.integers(-(2**40), 2**40)] * 7), max_size=3),
    slots=st.lists(st.tuples(*[st.integers(-(2**40), 2**40)] * 9), max_size=3),
)
def test_hostile_tables_never_crash_the_record_pass(
    data: bytes,
    n_records: int,
    n_columns: int,
    runs: list[tuple[int, ...]],
    slots: list[tuple[int, ...]],
) -> None:
    assert COMPILED is not None
    answer = COMPILED(
        data,
        n_records,
        n_columns,
        _table(runs) if runs else b"",
        _table(slots) if slots else b"",
        _table([SCALE] * len(slots), np.float64) if slots else b"",
        _table([(0,)] * len(runs)) if runs else b"",
    )
    assert answer is None or len(answer) == 8 * max(n_columns, 0) * max(n_records, 0)


def test_the_compiled_record_pass_is_built_where_it_is_required() -> None:
    """CI sets ``BACKSTRIDE_REQUIRE_COMPILED=1`` (``.ci/run``): there the C pass must have been
    built, or its tests would only be skipped."""
    import os

    if os.environ.get("BACKSTRIDE_REQUIRE_COMPILED") != "1":
        pytest.skip("the compiled pass is optional here (BACKSTRIDE_REQUIRE_COMPILED unset)")
    assert COMPILED is not None
