"""The compiled stream loops (``_streampack.c``) write the numpy path's bytes: the ``d4``
columns of the stream blob and the stored heart-rate distribution, bit for bit; on values
they do not take (deltas beyond int32, negative rates, other arrays) they hand back None and
numpy decides; no input crashes them."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from backstride.ingest import model as m
from backstride.ingest import streams as stream_codec
from backstride.ingest.model import Streams
from backstride.ingest.streams import _DEFAULT_SCALE, _DELTA_SCALES, _numpy_delta_column
from backstride.services.rows import activity

DELTA_COLUMN = stream_codec.DELTA_COLUMN
PACK = stream_codec.PACK
HR_TIME = stream_codec.HR_TIME
needs_compiled = pytest.mark.skipif(
    stream_codec.packer() != "compiled", reason="the compiled stream loops were not built"
)

SCALES = st.sampled_from(sorted({*_DELTA_SCALES.values(), _DEFAULT_SCALE})) | st.floats(
    min_value=1e-3, max_value=1e9
)
# ordinary samples, halves of the resolution (rounded to even), and what breaks encoders
ODD = st.sampled_from([float("nan"), float("inf"), -float("inf"), -0.0, 0.0, 1e300, -1e300])
HALVES = st.integers(-(10**6), 10**6).map(lambda k: (k + 0.5) / 100.0)
SAMPLES = st.floats(-1e5, 1e5) | HALVES | ODD | st.floats(allow_nan=True, allow_infinity=True)
ORDINARY = st.floats(-1e5, 1e5) | HALVES | st.just(float("nan"))


def _column(n: int, elements: st.SearchStrategy[float]) -> st.SearchStrategy[np.ndarray]:
    return arrays(np.float64, n, elements=elements)


def _numpy_columns(streams: Streams) -> tuple[bytes, bytes | bytearray]:
    hooks = (stream_codec.DELTA_COLUMN, stream_codec.PACK)
    stream_codec.DELTA_COLUMN = stream_codec.PACK = None
    try:
        return stream_codec.columns(streams)
    finally:
        stream_codec.DELTA_COLUMN, stream_codec.PACK = hooks


def _numpy_hr_time(time_s: np.ndarray, hr_bpm: np.ndarray) -> bytes | None:
    compiled, stream_codec.HR_TIME = stream_codec.HR_TIME, None
    try:
        return activity.hr_time_blob(time_s, hr_bpm)
    finally:
        stream_codec.HR_TIME = compiled


@needs_compiled
@settings(max_examples=200, deadline=None)
@given(st.integers(0, 200).flatmap(lambda n: _column(n, SAMPLES)), SCALES)
def test_a_compiled_column_is_the_numpy_column_or_none(values: np.ndarray, scale: float) -> None:
    assert DELTA_COLUMN is not None
    compiled = DELTA_COLUMN(values, scale)
    assert compiled is None or compiled == _numpy_delta_column(values, scale)


@needs_compiled
@settings(max_examples=200, deadline=None)
@given(st.integers(0, 200).flatmap(lambda n: _column(n, ORDINARY)), SCALES)
def test_ordinary_samples_are_always_packed_by_the_compiled_loop(
    values: np.ndarray, scale: float
) -> None:
    assert DELTA_COLUMN is not None
    if _numpy_delta_column(values, scale) is not None:  # else too wide for int32: f4
        assert DELTA_COLUMN(values, scale) == _numpy_delta_column(values, scale)


BLOCK = 512
"""Values per block of the compiled loop (``_streampack.c``): long columns cross blocks."""


def _long_column(n: int, seed: int, changes: list[tuple[int, float]]) -> np.ndarray:
    """``n`` ordinary samples (drawn from ``seed``: Hypothesis draws long arrays slowly), some
    replaced by the odd ones of ``changes`` (position: a block's edge when below 0)."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(-1e5, 1e5, n)
    values[::3] = np.round(values[::3], 2) + 0.005  # halves of the 0.01 resolution
    edges = [i for b in range(1, n // BLOCK + 1) for i in (b * BLOCK - 1, b * BLOCK) if i < n]
    for where, value in changes:
        if n:
            at = edges[-where % len(edges)] if where < 0 and edges else where % n
            values[at] = value
    return values


@needs_compiled
@settings(max_examples=120, deadline=None)
@given(
    st.integers(0, 4 * BLOCK + 3),
    st.integers(0, 2**32 - 1),
    st.lists(st.tuples(st.integers(-8, 5000), ODD | st.floats(-1e5, 1e5)), max_size=6),
    SCALES,
)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy on 1e300 x scale
def test_long_columns_across_blocks_are_the_numpy_column(
    n: int, seed: int, changes: list[tuple[int, float]], scale: float
) -> None:
    """A block of finite, small values takes the vector path, any other the value-by-value
    one; a missing sample carries the last value across a block's edge either way."""
    assert DELTA_COLUMN is not None
    values = _long_column(n, seed, changes)
    assert DELTA_COLUMN(values, scale) == _numpy_delta_column(values, scale)


@needs_compiled
@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 60).flatmap(
        lambda n: st.lists(
            st.tuples(st.sampled_from(m.STREAM_CHANNELS[1:]), _column(n, SAMPLES)), max_size=5
        ).map(lambda cols: (n, cols))
    )
)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy on 1e300 x scale (both paths)
def test_every_channel_packed_at_once_is_the_numpy_payload(
    spec: tuple[int, list[tuple[str, np.ndarray]]],
) -> None:
    n, cols = spec
    streams = Streams({m.TIME_S: np.arange(float(n)), **dict(cols)})
    header, payload = stream_codec.columns(streams)
    numpy_header, numpy_payload = _numpy_columns(streams)
    assert (header, bytes(payload)) == (numpy_header, bytes(numpy_payload))


@needs_compiled
def test_a_channel_the_one_call_cannot_take_leaves_the_activity_to_per_channel_packing() -> None:
    assert PACK is not None
    time_s = np.arange(4.0)
    assert PACK([time_s, np.array([0.0, 3e9, 0.0, 0.0])], [1000.0, 1.0]) is None  # f4
    assert PACK([time_s, time_s[::-1].copy()[:3]], [1000.0, 1.0]) is None  # lengths differ
    assert PACK([time_s, time_s.astype(np.float32)], [1000.0, 1.0]) is None
    assert PACK([time_s], [0.0]) is None
    assert PACK([time_s, time_s], [1000.0]) is None
    assert PACK([], []) == (bytearray(), [])
    streams = Streams({m.TIME_S: time_s, m.HR_BPM: np.array([0.0, 3e9, np.nan, 0.0])})
    assert stream_codec.columns(streams) == _numpy_columns(streams)


@needs_compiled
def test_deltas_beyond_int32_are_left_to_numpy() -> None:
    assert DELTA_COLUMN is not None
    values = np.array([0.0, 3e9, float("nan"), -3e9])
    assert DELTA_COLUMN(values, 1.0) is None
    assert _numpy_delta_column(values, 1.0) is None  # the stream blob writes f4


@needs_compiled
@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 150).flatmap(  # an empty track has no distribution (None) before this
        lambda n: st.tuples(
            _column(n, st.floats(0, 1e5) | HALVES | ODD),
            _column(n, st.floats(-5, 300) | HALVES | ODD | st.floats()),
        )
    )
)
def test_a_compiled_hr_distribution_is_the_numpy_one_or_none(
    cols: tuple[np.ndarray, np.ndarray],
) -> None:
    time_s, hr = cols
    assert HR_TIME is not None
    compiled = HR_TIME(time_s, hr)
    assert compiled is None or compiled == _numpy_hr_time(time_s, hr)


@needs_compiled
@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 150).flatmap(
        lambda n: st.tuples(
            _column(n, st.integers(0, 30_000).map(lambda ms: ms / 1000)).map(np.cumsum),
            _column(n, st.floats(0, 250) | st.integers(0, 250).map(float) | st.just(np.nan)),
        )
    )
)
def test_real_heart_rates_are_always_counted_by_the_compiled_loop(
    cols: tuple[np.ndarray, np.ndarray],
) -> None:
    time_s, hr = cols
    assert HR_TIME is not None
    assert HR_TIME(time_s, hr) == _numpy_hr_time(time_s, hr)


@needs_compiled
@pytest.mark.parametrize(
    "hr",
    [
        [-0.0, 120.0, 121.0],  # -0.0 and 0.0 are one rate for np.unique: numpy decides
        [-3.0, 120.0, 121.0],
        [0.0, 2e7, 1.0],  # too wide a range to count in bins
        [3e7, 3e7, 3e7],  # past 2**31 hundredths of a bpm
    ],
)
def test_rates_outside_the_binned_range_are_left_to_numpy(hr: list[float]) -> None:
    assert HR_TIME is not None
    assert HR_TIME(np.array([0.0, 1.0, 2.0]), np.array(hr)) is None


@needs_compiled
def test_a_track_with_heart_rate_gives_the_same_distribution_both_ways() -> None:
    time_s = np.arange(0.0, 3600.0, 1.0)
    time_s[100:110] += 0.0004  # rounded to the millisecond first
    hr = 120 + 30 * np.sin(time_s / 300.0)
    hr[::97] = np.nan
    assert HR_TIME is not None
    blob = HR_TIME(time_s, hr)
    assert blob
    assert blob == _numpy_hr_time(time_s, hr)


@needs_compiled
@pytest.mark.parametrize(
    "values",
    [
        np.arange(10, dtype=np.float32),
        np.arange(20, dtype=np.float64)[::2],  # not contiguous
        np.arange(10, dtype=np.int64),
        b"\x00" * 16,
        bytearray(b"\x00" * 16),
        memoryview(b"\x00" * 16).cast("B"),
        "text",
        None,
        7,
    ],
)
def test_anything_but_contiguous_float64_is_left_to_numpy(values: object) -> None:
    assert DELTA_COLUMN is not None
    assert HR_TIME is not None
    assert DELTA_COLUMN(values, 100.0) is None  # type: ignore[arg-type]
    assert HR_TIME(values, np.zeros(10)) is None  # type: ignore[arg-type]
    assert HR_TIME(np.zeros(10), values) is None  # type: ignore[arg-type]


@needs_compiled
def test_columns_of_different_lengths_are_left_to_numpy() -> None:
    assert HR_TIME is not None
    assert HR_TIME(np.zeros(10), np.zeros(9)) is None


@needs_compiled
@pytest.mark.parametrize("scale", [0.0, -1.0, float("nan"), float("inf")])
def test_a_scale_the_codec_never_uses_is_left_to_numpy(scale: float) -> None:
    assert DELTA_COLUMN is not None
    assert DELTA_COLUMN(np.zeros(4), scale) is None


@needs_compiled
def test_a_long_track_packs_the_same_both_ways() -> None:
    rng = np.random.default_rng(7)
    lat = 47.0 + np.cumsum(rng.normal(0, 1e-5, 100_000))
    lat[rng.integers(0, 100_000, 500)] = np.nan
    scale = _DELTA_SCALES[m.LAT_DEG]
    assert DELTA_COLUMN is not None
    assert DELTA_COLUMN(lat, scale) == _numpy_delta_column(lat, scale)


def test_the_compiled_loops_are_built_where_they_are_required() -> None:
    """CI sets ``BACKSTRIDE_REQUIRE_COMPILED=1`` (``.ci/run``): there the C loops must have
    been built, or their tests would only be skipped."""
    if os.environ.get("BACKSTRIDE_REQUIRE_COMPILED") != "1":
        pytest.skip("the compiled loops are optional here (BACKSTRIDE_REQUIRE_COMPILED unset)")
    assert stream_codec.packer() == "compiled"
