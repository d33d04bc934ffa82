"""The compiled GPX scanner (``_gpxscan.c``) decides what the numpy path decides and reads the
same values bit for bit, on well-formed and on mutated files; hostile bytes never crash it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstride.errors import BackstrideError
from backstride.ingest import gpx_fast
from backstride.ingest.gpx import _lxml_parts
from backstride.ingest.gpx_fast import GpxParts, fast_parts

COMPILED = gpx_fast._SCAN
pytestmark = [
    pytest.mark.skipif(COMPILED is None, reason="the compiled scanner was not built"),
    # numpy reads a "+01:00" before the "Z" with this warning (both paths, as before)
    pytest.mark.filterwarnings("ignore:no explicit representation of timezones:UserWarning"),
]

TPX = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"

# the texts a value may have: what loggers write, and what float() reads or refuses
DECIMALS = st.one_of(
    st.floats(min_value=-180, max_value=180, allow_nan=False).map(lambda v: f"{v:.7f}"),
    st.floats(min_value=-1e4, max_value=1e4, allow_nan=False).map(repr),
    st.integers(min_value=-999, max_value=99999).map(str),
    st.decimals(min_value=-1000, max_value=1000, places=20, allow_nan=False).map(str),
    st.sampled_from(
        ["0", "-0", "-0.0", ".5", "-.5", "5.", "-", ".", "", "1e3", "1E-2", "+4", " 12 ",
         "\t7\n", "nan", "inf", "-Infinity", "1,5", "47,3721069", "1_0", "0x10", "1.2.3",
         "--1", "12345678901234567", "0.1234567890123456789", "00000000000000012.5",
         "9999999999999999", "1e400", "&#49;"]
    ),
)  # fmt: skip
TIMES = st.one_of(
    st.datetimes(
        min_value=__import__("datetime").datetime(1900, 1, 1),
        max_value=__import__("datetime").datetime(2200, 12, 31),
    ).map(lambda t: t.strftime("%Y-%m-%dT%H:%M:%S") + "Z"),
    st.builds(
        lambda s, frac: f"2024-03-01T07:{s // 60 % 60:02d}:{s % 60:02d}{frac}Z",
        st.integers(0, 3599),
        st.sampled_from(["", ".0", ".5", ".123", ".123456", ".1234567", ".123456789", "."]),
    ),
    st.sampled_from(
        ["2024-03-01T07:00:00+01:00", "2024-03-01T07:00:00", "2024-02-29T23:59:59Z",
         "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z",
         "2024-01-01T00:00:60Z", "2024-01-01 00:00:00Z", " 2024-01-01T00:00:00Z",
         "0000-01-01T00:00:00Z", "2024-01-01T00:00:00.Z", "2024-1-01T00:00:00Z", "yesterday",
         "2024-01-01T00:00:00.000Z", "2024-01-01T00:00:00z", "9999-12-31T23:59:59.999999Z"]
    ),
)  # fmt: skip
SPACES = st.sampled_from(["", "", " ", "\n  ", "\t", "\r\n"])
# inside a point only: what Python's isspace() takes and XML does not (the scanner declines)
POINT_SPACES = st.one_of(SPACES, st.sampled_from(["\x0b", "\x0c"]))


@st.composite
def gpx_files(draw: st.DrawFn) -> bytes:
    """A GPX file as watches and Strava write it, with random values and layout."""
    n = draw(st.integers(1, 12))
    ele, hr, cad = draw(st.booleans()), draw(st.booleans()), draw(st.booleans())
    gap = draw(POINT_SPACES)
    same_times = draw(st.booleans())
    time_text = draw(TIMES)
    points = []
    for i in range(n):
        lat = draw(DECIMALS) if draw(st.integers(0, 9)) == 0 else f"{47 + i * 1e-5:.7f}"
        lon = draw(DECIMALS) if draw(st.integers(0, 9)) == 0 else f"{8 + i * 1e-5:.7f}"
        inner = f"<ele>{draw(DECIMALS)}</ele>{gap}" if ele else ""
        when = time_text if same_times else draw(TIMES)
        inner += f"<time>{when}</time>{gap}"
        if hr or cad:
            ext = f"<p:hr>{draw(DECIMALS)}</p:hr>" if hr else ""
            ext += f"<p:cad>{draw(DECIMALS)}</p:cad>" if cad else ""
            inner += f"<extensions>{gap}<p:TrackPointExtension>{ext}</p:TrackPointExtension>"
            inner += "</extensions>"
        points.append(f'<trkpt lat="{lat}" lon="{lon}">{gap}{inner}</trkpt>{draw(SPACES)}')
        if draw(st.integers(0, 15)) == 0:
            points.append("</trkseg><trkseg>")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<gpx creator="t" version="1.1" '
        f'xmlns="http://www.topografix.com/GPX/1/1" xmlns:p="{TPX}">\n'
        f"<trk><name>run</name><type>running</type><trkseg>{''.join(points)}</trkseg></trk>"
        f"</gpx>{draw(SPACES)}"
    ).encode()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A file with one random change: cut, a byte changed, bytes inserted or removed."""
    data = draw(gpx_files())
    at = draw(st.integers(0, len(data)))
    change = draw(st.sampled_from(["cut", "byte", "insert", "delete", "element", "tag"]))
    if change == "cut":
        return data[:at]
    if change == "byte":
        return data[:at] + bytes([draw(st.sampled_from(b'<>"/ =t.-0a\x00\xff'))]) + data[at + 1 :]
    if change == "insert":
        return data[:at] + draw(st.sampled_from([b"<", b"<b/>", b"<!-- x -->", b"&amp;", b'"']))
    if change == "element":
        return data.replace(b"</time>", b"</time><x>1</x>", draw(st.integers(1, 3)))
    if change == "tag":
        return data.replace(b"<ele>", b"<elf>", 1).replace(b"</ele>", b"</elf>", 1)
    return data[:at] + data[at + draw(st.integers(1, 40)) :]


def _parts(data: bytes, scan: gpx_fast._Scan | None) -> GpxParts | None:
    saved = gpx_fast._SCAN
    gpx_fast._SCAN = scan
    try:
        return fast_parts(data)
    finally:
        gpx_fast._SCAN = saved


def _bits(values: np.ndarray) -> bytes:
    return np.ascontiguousarray(values, np.float64).tobytes()


def _identical(a: GpxParts, b: GpxParts) -> None:
    for attr in ("lat", "lon", "posix"):
        assert _bits(getattr(a, attr)) == _bits(getattr(b, attr)), attr
    assert a.columns.keys() == b.columns.keys()
    for key, values in a.columns.items():
        assert _bits(values) == _bits(b.columns[key]), key
    assert a.segment_starts == b.segment_starts
    assert (a.name, a.sport_text, a.description, a.creator) == (
        b.name,
        b.sport_text,
        b.description,
        b.creator,
    )


def _as_lxml_reads_it(data: bytes, compiled: GpxParts, *, well_formed: bool) -> None:
    """Where only the compiled scanner takes a file, the lxml reader reads the same values
    (the numpy path declines some plain files the scanner reads: it guesses where a latitude
    ends from the first point's width, and declines when a shorter one makes it guess wrong).

    Neither fast path checks every character between points (a control character there is
    not XML): of a mutated file lxml refuses, only one that the numpy path declines for that
    guess alone may be read by the scanner."""
    try:
        slow = _lxml_parts(data, "x.gpx")
    except BackstrideError as error:
        if well_formed:
            raise AssertionError(f"the scanner read a file lxml refuses: {error}") from error
        return
    if slow.truncated:  # lxml salvaged a file it could not read whole: the scanner may not
        assert not well_formed
        return
    for attr in ("lat", "lon", "posix"):
        np.testing.assert_array_equal(getattr(compiled, attr), getattr(slow, attr))
    for key, values in compiled.columns.items():
        if key in slow.columns:
            np.testing.assert_array_equal(values, slow.columns[key])
        else:  # lxml keeps a column only where some value is a number
            assert not np.isfinite(values).any()
    assert compiled.segment_starts == slow.segment_starts


def _check(data: bytes, *, well_formed: bool = True) -> None:
    compiled = _parts(data, COMPILED)
    vectorised = _parts(data, None)
    if compiled is not None and vectorised is not None:
        _identical(compiled, vectorised)
    elif compiled is not None:
        _as_lxml_reads_it(data, compiled, well_formed=well_formed)
    # compiled is None: the lxml reader decides, as for every file the fast path declines


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gpx_files())
def test_generated_files_read_the_same_through_both_scanners(data: bytes) -> None:
    _check(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_files_read_the_same_or_go_to_the_lxml_reader(data: bytes) -> None:
    _check(data, well_formed=False)


def test_a_plain_file_is_taken_by_the_scanner() -> None:
    data = (
        f'<gpx xmlns="http://www.topografix.com/GPX/1/1" xmlns:p="{TPX}"><trk><trkseg>'
        + "".join(
            f'<trkpt lat="47.{i:07d}" lon="-8.5"><ele>-0.25</ele>'
            f"<time>2024-02-29T23:59:{i:02d}.5Z</time><extensions><p:TrackPointExtension>"
            f"<p:hr>{120 + i}</p:hr></p:TrackPointExtension></extensions></trkpt>\n"
            for i in range(20)
        )
        + "</trkseg></trk></gpx>"
    ).encode()
    parts = _parts(data, COMPILED)
    assert parts is not None
    assert parts.lat[3] == 47.0000003
    assert parts.posix[0] == 1709251140.5  # 2024-02-29T23:59:00.5Z
    assert parts.columns["hr_bpm"][5] == 125.0
    _check(data)


def test_times_the_scanner_does_not_read_itself_are_read_as_before() -> None:
    data = (
        b'<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
        b'<trkpt lat="1.0" lon="2.0"><time>2024-03-01T08:00:00+01:00</time></trkpt>'
        b'<trkpt lat="1.0" lon="2.0"><time>2024-03-01T07:00:01Z</time></trkpt>'
        b"</trkseg></trk></gpx>"
    )
    parts = _parts(data, COMPILED)
    assert parts is not None
    assert list(parts.posix) == [1709276400.0, 1709276401.0]
    _check(data)


def _plain(n: int) -> bytes:
    return (
        '<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
        + "".join(
            f'<trkpt lat="1.{i}" lon="2.{i}"><ele>{i}</ele><time>2024-03-01T07:00:{i:02d}Z</time>'
            "</trkpt>"
            for i in range(n)
        )
        + "</trkseg></trk></gpx>"
    ).encode()


def test_every_cut_of_a_file_is_declined_or_read_without_a_crash() -> None:
    data = _plain(8)
    for end in range(len(data)):
        _check(data[:end], well_formed=False)
        _check(data[end:], well_formed=False)


@given(st.binary(max_size=300), st.integers(-5, 400))
def test_hostile_bytes_and_arguments_never_crash_the_scanner(data: bytes, start: int) -> None:
    assert COMPILED is not None
    tags = (b"<ele>", b"</ele>", b"<time>", b"</time>", b"</trkpt>")
    for buffer in (data, _plain(3)[: len(data)] + data):
        for leaves, time_leaf in (((1, 3), 1), ((3,), 0), ((0, 9), 1), ((), 0), ((1, 1), 1)):
            found = COMPILED(buffer, start, tags, leaves, time_leaf, 0, 3)
            assert found is None or len(found[0]) == len(found[1]) * 1


def test_a_shape_the_scanner_does_not_take_is_declined_not_misread() -> None:
    assert COMPILED is not None
    data = _plain(3)
    start = data.find(b"<trk>")
    assert COMPILED(data, start, (b"ele>",), (1,), 0, 0, 1) is None  # a tag not starting "<"
    assert COMPILED(data, start, (b"<e<le>",), (1,), 0, 0, 1) is None  # a "<" inside a tag
    assert COMPILED(data, start, (b"<x>",) * 300, (1,), 0, 0, 1) is None  # too many tags
    with pytest.raises(TypeError):
        COMPILED(data, start, ("<ele>",), (1,), 0, 0, 1)  # type: ignore[arg-type]


def test_the_scanner_in_use_is_named() -> None:
    assert gpx_fast.scanner() == "compiled"
    saved = gpx_fast._SCAN
    gpx_fast._SCAN = None
    try:
        assert gpx_fast.scanner() == "numpy"
    finally:
        gpx_fast._SCAN = saved
