"""The GPX fast path reads plain files exactly as lxml does, and declines the rest: through the
compiled scanner and through the numpy path alike (the ``gpx_scanner`` fixture)."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backstride.ingest import gpx_fast
from backstride.ingest.gpx import _lxml_parts, read_gpx
from backstride.ingest.gpx_fast import _decimals, fast_parts
from tests.corpus import CorpusFile, each_file

pytestmark = pytest.mark.usefixtures("gpx_scanner")
BUILT = gpx_fast._SCAN is not None  # at import, before the fixture switches scanners


def _garmin_like(n: int) -> bytes:
    pts = "".join(
        f'<trkpt lat="{47 + i * 1e-5:.7f}" lon="{8 + i * 1e-5:.7f}"><ele>{400 + i % 7}</ele>'
        f"<time>2024-03-0{1 + i // 3600}T07:{(i // 60) % 60:02d}:{i % 60:02d}Z</time>"
        f"<extensions><ns3:TrackPointExtension><ns3:hr>{120 + i % 30}</ns3:hr>"
        f"<ns3:cad>{80 + i % 9}</ns3:cad></ns3:TrackPointExtension></extensions></trkpt>\n"
        for i in range(n)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx creator="Garmin Connect" version="1.1" '
        'xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:ns3="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        "<metadata><time>2024-03-01T07:00:00Z</time></metadata>"
        f"<trk><name>Morning &amp; Run</name><type>running</type><trkseg>{pts}</trkseg></trk></gpx>"
    ).encode()


def _same(data: bytes) -> None:
    fast = fast_parts(data)
    assert fast is not None
    slow = _lxml_parts(data, "x.gpx")
    for attr in ("lat", "lon", "posix"):
        np.testing.assert_array_equal(getattr(fast, attr), getattr(slow, attr))
    assert fast.columns.keys() == slow.columns.keys()
    for key, values in fast.columns.items():
        np.testing.assert_array_equal(values, slow.columns[key])
    assert fast.segment_starts == slow.segment_starts
    assert (fast.sport_text, fast.name, fast.creator) == (slow.sport_text, slow.name, slow.creator)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d,
        lambda d: d + b"\n\n",  # a newline after </gpx>
        lambda d: d.replace(b"</trkpt>\n", b"</trkpt>\n</trkseg>\n<trkseg>", 3),  # 4 segments
        lambda d: d.replace(b'lon="8.0000100"', b'lon="-8.00001"'),  # negative, shorter
        lambda d: d.replace(b"<ele>403</ele>", b"<ele>-0.25</ele>"),
        lambda d: d.replace(b"><", b">\n  <"),  # pretty-printed: whitespace between tags
        lambda d: d.replace(b"</ele>", b"</ele>\t\r\n"),
        lambda d: d.replace(b"</ele><time>", b"</ele> <time>", 1),  # a space at one point only
        lambda d: d.replace(b'lat="47.0000200"', b'lat="47.000020000000000000000000000000000001"'),
    ],
    ids=[
        "as-is",
        "trailing-newline",
        "segments",
        "negative-lon",
        "negative-ele",
        "pretty",
        "odd-whitespace",
        "one-point-spaced",
        "a-latitude-longer-than-the-quote-window",
    ],
)
def test_a_garmin_style_file_reads_the_same_both_ways(change: object) -> None:
    _same(change(_garmin_like(500)))  # type: ignore[operator]


@pytest.mark.parametrize(
    ("old", "new", "channel", "value"),
    [
        # its closing quote + 6 is lon's opening one:
        (b'lat="47.0000300"', b'lat="47.0"', "lat_deg", 47.0),
        (b'lon="8.0000300"', b'lon="8.0"', "lon_deg", 8.0),
        (b'lat="47.0000300"', b'lat="47.00003"', "lat_deg", 47.00003),
        (b'lat="47.0000300" lon="8.0000300"', b'lat="47.0" lon="8.0"', "lon_deg", 8.0),
    ],
    ids=["lat-6-shorter", "lon-shorter", "lat-shorter", "both-shorter"],
)
def test_coordinates_of_another_width_read_the_same_or_go_to_lxml(
    old: bytes, new: bytes, channel: str, value: float
) -> None:
    data = _garmin_like(50).replace(old, new)
    if fast_parts(data) is not None:  # else the lxml reader reads the file
        _same(data)
    (act,) = read_gpx(data, source_name="x.gpx")  # whichever path: the new value, exactly
    column = act.streams.get(channel)
    assert column is not None
    assert column[3] == value


@pytest.mark.parametrize("file", each_file(lambda c: c.keys("gpx")))
def test_corpus_files_read_the_same_when_the_fast_path_takes_them(file: CorpusFile) -> None:
    data = file.path.read_bytes()
    if fast_parts(data) is not None:
        _same(data)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.replace(b"<ns3:hr>121</ns3:hr>", b""),  # a column not on every point
        lambda d: d.replace(b"</trkseg>", b"<!-- <trkpt lat='1' lon='2'> --></trkseg>"),
        lambda d: d.replace(b"<ns3:cad>", b"<other:cad>", 1),  # an unknown prefix
        lambda d: d[:-20],  # truncated
        lambda d: d.replace(b'lat="47.0000100"', b'lat="undefined"'),
        lambda d: d.replace(b"</ele><time>", b"</ele>junk<time>", 1),  # text between tags
        lambda d: d.replace(b"<ele>404</ele>", b"<ele>404</ele><ele>404</ele>", 1),
        lambda d: d.replace(b' lon="8.0000300">', b' lon="8.0000300" x="1">', 1),
        lambda d: d.replace(b"<ele>405</ele><time>", b"<time>", 1).replace(
            b"Z</time><extensions><ns3:TrackPointExtension><ns3:hr>125",
            b"Z</time><ele>405</ele><extensions><ns3:TrackPointExtension><ns3:hr>125",
            1,
        ),  # one point's tags in another order
        lambda d: d.replace(b"<ns3:hr>126</ns3:hr>", b"<ns3:hr>1<b/>26</ns3:hr>"),
        lambda d: d.replace(b"</ele><time>", b"</ele><tima>", 1),  # misspelt inside a run
        lambda d: d.replace(
            b"</ns3:TrackPointExtension></extensions></trkpt>",
            b"</ns3:TrackPointExtension></extensionz></trkpt>",
            1,
        ),
    ],
    ids=[
        "ragged-column",
        "comment",
        "unknown-prefix",
        "truncated",
        "bad-number",
        "text-between-tags",
        "repeated-tag",
        "extra-attribute",
        "reordered",
        "markup-in-a-value",
        "misspelt-tag-in-a-run",
        "misspelt-closing-tag-in-a-run",
    ],
)
def test_anything_unusual_goes_to_the_lxml_reader(change: object) -> None:
    data = change(_garmin_like(50))  # type: ignore[operator]
    assert fast_parts(data) is None


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=50))
def test_vectorised_decimals_equal_float_bit_for_bit(values: list[float]) -> None:
    texts = tuple(f"{v:.{len(str(abs(int(v)))) % 7}f}".encode() for v in values)
    np.testing.assert_array_equal(_decimals(texts), [float(t) for t in texts])


@given(
    st.lists(st.integers(min_value=0, max_value=10**15 - 1), min_size=1, max_size=50),
    st.integers(min_value=0, max_value=2),
)
def test_whole_numbers_of_any_width_equal_float_bit_for_bit(values: list[int], zeros: int) -> None:
    texts = tuple(("0" * (zeros * (i % 2)) + str(v)).encode() for i, v in enumerate(values))
    np.testing.assert_array_equal(_decimals(texts), [float(t) for t in texts])


def test_whole_numbers_past_15_digits_still_equal_float() -> None:
    texts = (b"1234567890123456", b"7", b"98765432109876543")
    np.testing.assert_array_equal(_decimals(texts), [float(t) for t in texts])


def test_unusual_numbers_fall_back_to_float() -> None:
    texts = (b"1e3", b" 7", b"-0.5", b"nan")
    np.testing.assert_array_equal(_decimals(texts), [1000.0, 7.0, -0.5, np.nan])


@given(
    st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=40),
    st.integers(min_value=0, max_value=8),
    st.sampled_from(["none", "all", "some"]),
)
def test_fixed_width_columns_equal_float_bit_for_bit(
    values: list[float], decimals: int, signs: str
) -> None:
    """Columns as GPS loggers write them (one width, the dot in one place) take a faster
    way that must give exactly what ``float()`` gives, signs and all."""
    width = len(f"{max(values):.{decimals}f}")
    texts = []
    for i, v in enumerate(values):
        text = f"{v:0{width}.{decimals}f}"
        negative = signs == "all" or (signs == "some" and i % 2)
        texts.append(("-" + text if negative else text).encode())
    np.testing.assert_array_equal(_decimals(tuple(texts)), [float(t) for t in texts])


@pytest.mark.parametrize(
    "texts",
    [(b"5.", b"6."), (b".5", b".7"), (b"-5", b"15"), (b"-.5", b"-.7"), (b"007", b"120")],
)
def test_odd_but_valid_fixed_width_numbers_read_as_float(texts: tuple[bytes, ...]) -> None:
    np.testing.assert_array_equal(_decimals(texts), [float(t) for t in texts])


def test_the_compiled_scanner_is_built_where_it_is_required() -> None:
    """CI sets ``BACKSTRIDE_REQUIRE_COMPILED=1`` (``.ci/run``): there the C scanner must have
    been built, or its tests would only be skipped."""
    if os.environ.get("BACKSTRIDE_REQUIRE_COMPILED") != "1":
        pytest.skip("the compiled scanner is optional here (BACKSTRIDE_REQUIRE_COMPILED unset)")
    assert BUILT, "the C scanner was not built: is gcc installed?"
