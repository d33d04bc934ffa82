"""Streams survive the compact columnar codec (BSS1) within the documented precision."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from backstride.ingest.model import Streams
from backstride.ingest.registry import read_activity
from backstride.ingest.streams import decode_streams, encode_streams
from tests.corpus import CorpusFile, named

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
    with pytest.raises(ValueError, match="BSS1"):
        decode_streams(b"nope")


def test_missing_positions_stay_missing() -> None:
    lat = np.array([np.nan, 47.1, np.nan, 47.2, np.nan])
    back = decode_streams(encode_streams(Streams({"time_s": np.arange(5.0), "lat_deg": lat})))
    assert np.array_equal(np.isnan(back["lat_deg"]), np.isnan(lat))
    np.testing.assert_allclose(back["lat_deg"][[1, 3]], [47.1, 47.2], atol=1e-7)
