"""Streams survive the compact columnar codec (BSS2; BSS1 still read) within the documented
precision, encoded by the compiled loops and by the numpy path alike (``stream_packer``)."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from backstride.ingest import model as m
from backstride.ingest.model import Streams
from backstride.ingest.registry import read_activity
from backstride.ingest.streams import MAGIC, MAGIC_V1, decode_streams, encode_streams
from backstride.services.rows.activity import hr_time_from_streams
from tests.corpus import CorpusFile, named
from tests.ingest.bss1 import encode_bss1

pytestmark = pytest.mark.usefixtures("stream_packer")
finite = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, width=32)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=0, max_value=300).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, n, elements=st.floats(0, 1e5, allow_nan=False)),
            arrays(np.float64, n, elements=finite | st.just(float("nan"))),
        )
    )
)
def test_any_streams_round_trip(cols: tuple[np.ndarray, np.ndarray]) -> None:
    time_s, hr = cols
    back = decode_streams(encode_streams(Streams({"time_s": time_s, "hr_bpm": hr})))
    assert set(back) == {"time_s", "hr_bpm"}
    np.testing.assert_allclose(back["time_s"], time_s, atol=5e-4)
    assert np.array_equal(np.isnan(back["hr_bpm"]), np.isnan(hr))
    ok = ~np.isnan(hr)
    np.testing.assert_allclose(back["hr_bpm"][ok], hr[ok], rtol=0, atol=0.0051)  # 0.01 bpm


@pytest.mark.parametrize(
    "file",
    named(
        local=["fit/fitparse__activity-small-fenix2-run.fit"],
        extended=["gpx/gc__UrbanBiker2019-04-18_16-12.gpx"],
    ),
)
def test_a_real_track_round_trips_to_centimetres(file: CorpusFile) -> None:
    (act,) = read_activity(file.path)
    blob = encode_streams(act.streams)
    back = decode_streams(blob)
    assert set(back) == set(act.streams.channels)
    np.testing.assert_allclose(back["lat_deg"], act.streams.channels["lat_deg"], atol=1e-7)
    raw = 8 * len(act.streams.channels) * act.n_samples
    assert len(blob) < raw / 4  # compact: well under a quarter of float64 columns


def test_something_else_is_not_a_stream_blob() -> None:
    with pytest.raises(ValueError, match="BSS2 or BSS1"):
        decode_streams(b"nope")


def test_missing_positions_stay_missing() -> None:
    lat = np.array([np.nan, 47.1, np.nan, 47.2, np.nan])
    back = decode_streams(encode_streams(Streams({"time_s": np.arange(5.0), "lat_deg": lat})))
    assert np.array_equal(np.isnan(back["lat_deg"]), np.isnan(lat))
    np.testing.assert_allclose(back["lat_deg"][[1, 3]], [47.1, 47.2], atol=1e-7)


def test_new_blobs_are_written_as_bss2() -> None:
    blob = encode_streams(Streams({"time_s": np.arange(3.0)}))
    assert blob.startswith(MAGIC)
    assert MAGIC == b"BSS2"


def test_every_channel_round_trips_with_its_gaps_and_both_codecs() -> None:
    n = 500
    rng = np.random.default_rng(7)
    cols: dict[str, np.ndarray] = {m.TIME_S: np.cumsum(rng.uniform(0.5, 1.5, n))}
    for k, name in enumerate(m.STREAM_CHANNELS[1:]):
        values = rng.normal(50.0 * (k + 1), 5.0, n)
        values[rng.random(n) < 0.1] = np.nan  # every channel has gaps
        cols[name] = values
    cols[m.POWER_W][::7] = 1e9  # deltas past int32 at scale 100: stored as float32 ("f4")
    cols[m.POWER_W][::7][::2] = -1e9
    back = decode_streams(encode_streams(Streams(cols)))
    assert set(back) == set(cols)
    for name, values in cols.items():
        assert np.array_equal(np.isnan(back[name]), np.isnan(values)), name
        ok = ~np.isnan(values)
        if name == m.POWER_W:
            np.testing.assert_array_equal(back[name][ok], values[ok].astype(np.float32))
        else:
            np.testing.assert_allclose(back[name][ok], values[ok], rtol=0, atol=0.0051)


# Written by the BSS1 encoder (zlib) before BSS2 existed: a d4 column, two with NaN masks and
# an f4 column (a distance jump past int32). Databases hold such blobs; they stay readable.
_BSS1_BLOB = bytes.fromhex(
    "425353318b0000007b226e223a342c226368616e6e656c73223a5b5b2274696d655f73222c226434222c31"
    "3030302e302c66616c73655d2c5b226c61745f646567222c226434222c31303030303030302e302c747275"
    "655d2c5b2264697374616e63655f6d222c226634222c312e302c66616c73655d2c5b2268725f62706d222c"
    "226434222c3130302e302c747275655d5d7d7801637871e70b03332b230314bc0d64d0cd606060b4616060"
    "90616060506050606060d8c3c0c0b08f4181c187c1e101c334233d06047000007018096a"
)


_BSS1_STREAMS = {
    "time_s": np.array([0.0, 1.0, 2.5, 3.0]),
    "hr_bpm": np.array([120.0, np.nan, 121.5, 122.0]),
    "lat_deg": np.array([47.3721069, 47.3721150, np.nan, 47.3721451]),
    "distance_m": np.array([0.0, 1e8, 0.0, 2.5]),
}


def test_a_bss1_blob_from_earlier_versions_still_decodes() -> None:
    assert _BSS1_BLOB.startswith(MAGIC_V1)
    assert encode_bss1(Streams(_BSS1_STREAMS)) == _BSS1_BLOB  # the tests' frozen encoder
    back = decode_streams(_BSS1_BLOB)
    np.testing.assert_array_equal(back["time_s"], [0.0, 1.0, 2.5, 3.0])
    np.testing.assert_allclose(back["lat_deg"], [47.3721069, 47.372115, np.nan, 47.3721451])
    np.testing.assert_array_equal(back["distance_m"], [0.0, 1e8, 0.0, 2.5])
    np.testing.assert_array_equal(back["hr_bpm"], [120.0, np.nan, 121.5, 122.0])


def _bss2(n: int = 400) -> bytes:
    t = np.arange(float(n))
    return encode_streams(Streams({"time_s": t, "hr_bpm": 120 + 10 * np.sin(t / 9)}))


@pytest.mark.parametrize("cut", [1, 9, 40])
def test_a_bss2_blob_cut_short_is_refused_clearly(cut: int) -> None:
    blob = _bss2()
    with pytest.raises(ValueError, match="damaged stream blob"):
        decode_streams(blob[:-cut])
    assert hr_time_from_streams(blob[:-cut]) is None  # the callers' "damaged blob" path
    assert hr_time_from_streams(_BSS1_BLOB[:-cut]) is None  # as for BSS1


def test_a_bss2_blob_with_damaged_bytes_is_refused_clearly() -> None:
    blob = bytearray(_bss2())
    (hlen,) = struct.unpack_from("<I", blob, 4)
    body = 8 + hlen
    blob[body + 6 : body + 14] = b"\xff" * 8  # the frame header's sizes and the first block
    with pytest.raises(ValueError, match="damaged stream blob"):
        decode_streams(bytes(blob))


def test_a_bss2_header_claiming_other_columns_is_refused() -> None:
    blob = _bss2()
    (hlen,) = struct.unpack_from("<I", blob, 4)
    header = blob[8 : 8 + hlen].replace(b'"n":400', b'"n":401')
    forged = MAGIC + struct.pack("<I", len(header)) + header + blob[8 + hlen :]
    with pytest.raises(ValueError, match="damaged stream blob"):
        decode_streams(forged)
