"""Fast path for plain, well-formed GPX (what watches and Strava write): one pass over the bytes.

``lxml`` builds a tree of every element (about 57 MB/s here); for bulk imports this path
checks the file (every point has the first point's tags, in order, with only whitespace
between them, and every ``<`` is accounted for) and cuts the columns out of the bytes. The
cheap decisions about the file's head are made here in Python (encoding, root, namespaces, the
first point's shape, name/type/desc, creator); the track itself is read by the compiled
scanner ``_gpxscan.c`` in one sequential, bounds-checked pass (about 0.4 ms per MB-sized file,
docs/decisions/0069), or, where it was not built (no C compiler at install), by the numpy
path below: vectorised comparisons at the positions of the ``<`` bytes (docs/decisions/0004,
0047 and 0067). Both make the same checks and read the same values: decimals bit for bit as
``float()``, times as numpy's ``datetime64[us]`` (other time spellings by ``parse_times``).
This path is only taken when the file passes structural checks that make this reading equal
to an XML reading: UTF-8, the GPX 1.0/1.1 default namespace on an unprefixed ``<gpx>``,
closing ``</gpx>`` at the end, after the first ``<trk>`` nothing but the known tags (every
``<`` accounted for: no comments, CDATA, processing instructions, waypoints or unknown
extensions), ``<trkpt lat=".." lon="..">`` as written by Garmin/Strava, and every column
either on every point or on none. TrackPointExtension is found by the prefix its namespace URI
is bound to on the root element. Anything else returns None and the lxml reader
(``gpx.read_gpx``) handles the file, including every error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import unescape

import numpy as np
import numpy.typing as npt

from backstride.ingest import model as m
from backstride.ingest.model import FloatArray
from backstride.ingest.track_math import parse_times

_Scan = Callable[
    [bytes, int, tuple[bytes, ...], tuple[int, ...], int, int, int],
    tuple[bytearray, bytearray, list[bytearray], tuple[bytearray, bytearray] | None, list[int]]
    | None,
]
try:  # the compiled scanner (docs/decisions/0069); without a compiler at install: numpy
    from backstride.ingest._gpxscan import scan as _compiled_scan

    _SCAN: _Scan | None = _compiled_scan
except ImportError:  # pragma: no cover - depends on the build
    _SCAN = None

GPX_NAMESPACES = (b"http://www.topografix.com/GPX/1/1", b"http://www.topografix.com/GPX/1/0")
TPX_URIS = (
    b"http://www.garmin.com/xmlschemas/TrackPointExtension/v1",
    b"http://www.garmin.com/xmlschemas/TrackPointExtension/v2",
)
_ENTITIES = {"&quot;": '"', "&apos;": "'"}
_ROOT = re.compile(rb"<gpx\b([^>]*)>")
_XMLNS = re.compile(rb"""xmlns(?::([\w.-]+))?\s*=\s*["']([^"']*)["']""")
_LATLON = re.compile(rb'<trkpt lat="([^"]*)" lon="([^"]*)">')
_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([^"']*)["']""")
_PLAIN_EXT = re.compile(rb"<(?:[\w.-]+:)?(?:heartrate|cadence|power|speed)>")


@dataclass(slots=True)
class GpxParts:
    """What both GPX paths extract before the shared summary step."""

    lat: FloatArray
    lon: FloatArray
    posix: FloatArray
    segment_starts: list[int]
    columns: dict[str, FloatArray] = field(default_factory=dict)
    sport_text: str | None = None
    name: str | None = None
    description: str | None = None
    creator: str | None = None
    truncated: str | None = None
    """A note when the file was cut off and read up to the cut (lxml path only)."""


def _text(head: bytes, tag: bytes) -> str | None:
    found = re.search(rb"<" + tag + rb">([^<]*)</" + tag + rb">", head)
    if not found:
        return None
    return unescape(found.group(1).decode("utf-8").strip(), _ENTITIES) or None


_POW10 = 10.0 ** np.arange(23)
_IPOW10 = 10 ** np.arange(18, dtype=np.int64)


def _decimals(texts: tuple[bytes, ...]) -> FloatArray:
    """Plain decimals (``-12.345``, ``80``) -> float64 (see ``_decimals_at``)."""
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    ends = np.cumsum(lengths)
    chars = np.frombuffer(b"".join(texts), np.uint8)
    return _decimals_at(chars, ends - lengths, ends)


def _decimals_at(chars: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> FloatArray:
    """The decimals at ``chars[starts[i]:ends[i]]`` -> float64, vectorised over the bytes.

    Values are right-aligned in an ``n x width`` byte matrix (padded with "0"); with the dot
    and sign read as 0 the row is one integer, from which the digits left and right of the
    dot give the exact mantissa (at most 15 digits), divided once by a power of ten: the
    correctly rounded value, bit for bit what ``float()`` gives. Anything else (exponents,
    ``nan``, spaces, more digits) goes through ``float()`` one by one (which raises
    ``ValueError`` for what is not a number at all).
    """
    n = len(starts)
    lengths = ends - starts
    if n == 0 or (lengths <= 0).any() or (lengths > 17).any():
        return _one_by_one(chars, starts, ends)
    fixed = _fixed_format(chars, starts, lengths)
    if fixed is not None:
        return fixed
    width = int(lengths.max())
    col = np.arange(width)
    first = width - lengths
    lead = max(0, width - int(ends.min()))  # a value closer than width to the first byte
    padded = np.concatenate((np.full(lead, 48, np.uint8), chars)) if lead else chars
    text = np.lib.stride_tricks.sliding_window_view(padded, width)[ends + lead - width]
    if width > int(lengths.min()):
        text = np.where(col >= first[:, None], text, np.uint8(48))
    digits = text - np.uint8(48)
    is_digit = digits < 10  # unsigned: bytes below "0" wrap around
    if width <= 15 and is_digit.all():  # whole numbers (heart rate, cadence): exact
        whole_number: FloatArray = digits @ _POW10[width - 1 - col]
        return whole_number
    dot = text == 46
    minus = text == 45
    if not (is_digit | dot | minus).all():
        return _one_by_one(chars, starts, ends)
    n_dots = dot.sum(axis=1)
    has_minus = bool(minus.any())
    if (n_dots > 1).any() or (lengths - n_dots - minus.sum(axis=1) > 15).any():
        return _one_by_one(chars, starts, ends)
    if (n_dots == lengths).any() or (has_minus and _bad_signs(minus, first, lengths, n_dots)):
        return _one_by_one(chars, starts, ends)  # ".", "-", "-." or a sign not in front
    whole = np.where(is_digit, digits, np.uint8(0)).astype(np.int64) @ _IPOW10[width - 1 - col]
    frac = np.where(n_dots > 0, width - 1 - dot.argmax(axis=1), 0)
    low = _IPOW10[frac]
    mantissa = ((whole // (low * 10)) * low + whole % low).astype(np.float64)
    mantissa = np.where(n_dots > 0, mantissa, whole.astype(np.float64))
    if has_minus:
        mantissa[minus.any(axis=1)] *= -1
    result: FloatArray = mantissa / _POW10[frac]
    return result


def _fixed_format(chars: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> FloatArray | None:
    """The common case, faster: every value as long as the first, its dot in the same place
    (``47.3721069``, ``8.5616717``, ``440.0`` as GPS loggers write them), an optional leading
    minus, digits elsewhere. The digits (the dot and sign counting 0) times their place values
    give the exact integer mantissa (at most 15 digits, exact in float64), divided once by a
    power of ten: the same correctly rounded value as ``float()``. None when the column is
    not so regular (``_decimals_at`` then takes the general way)."""
    width = int(lengths[0])
    if not (lengths == width).all():
        return None
    text = np.lib.stride_tricks.sliding_window_view(chars, width)[starts]
    row = text[0]
    dots = np.flatnonzero(row == 46)
    if len(dots) > 1:
        return None
    dot = int(dots[0]) if len(dots) else width
    minus = text[:, 0] == 45
    digits = text - np.uint8(48)
    weights = np.zeros(width)
    places = [c for c in range(width) if c != dot]
    weights[places] = 10.0 ** np.arange(len(places) - 1, -1, -1)
    ok = digits < 10
    ok[:, dot : dot + 1] = text[:, dot : dot + 1] == 46
    ok[:, 0] |= minus
    if not ok.all() or len(places) - int(minus.any()) > 15 or width - 1 == dot == 0:
        return None
    if minus.any():
        if width == 1 or (minus & (dot == 1)).any():
            return None  # "-" alone or "-.5": let the general way decide
        digits[minus, 0] = 0
    if dot < width:
        digits[:, dot] = 0
    values: FloatArray = (digits @ weights) / (10.0 ** (width - 1 - dot) if dot < width else 1.0)
    values[minus] *= -1.0
    return values


def _bad_signs(minus: np.ndarray, first: np.ndarray, lengths: np.ndarray, dots: np.ndarray) -> bool:
    """A minus that is not the first byte, or one with no digit after it."""
    rows, cols = np.nonzero(minus)
    return bool((cols != first[rows]).any() or (lengths[rows] - dots[rows] < 2).any())


def _one_by_one(chars: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> FloatArray:
    raw = chars.tobytes()
    texts = [raw[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
    return np.fromiter(map(float, texts), np.float64, len(texts))


def _tags_accounted(head: bytes, point_tags: int, all_tags: int, trk: int, trkseg: int) -> bool:
    """Every ``<`` in the track part opens or closes a tag this path understands.

    ``point_tags`` is the number of opening tags inside all ``<trkpt>`` (each checked against
    the first point's shape); each opening tag has one closing tag; ``trk``/``trkseg`` count the
    ``<trk>``/``<trkseg>`` tags. ``name``/``type``/``desc`` are only looked for in ``head``
    (before the first segment): anywhere else they stay unaccounted for, and the file goes to
    the lxml reader. ``all_tags`` is the number of ``<`` in the track part.
    """
    opening = point_tags + trk + trkseg
    for tag in (b"<name>", b"<type>", b"<desc>"):
        opening += head.count(tag)
    return all_tags == 2 * opening + 1  # + </gpx>


@dataclass(frozen=True, slots=True)
class _Shape:
    """The first point's shape: its tags in order (the first, ``<trkpt ...>``, as None), which
    tags hold a value after them, and where each value sits among the tags."""

    tags: tuple[bytes | None, ...]
    opening: int  # opening tags per point
    leaves: dict[str, tuple[int, int]]  # key -> (index of its opening tag, length of that tag)


def _point_shape(first: bytes, leaves: dict[bytes, str]) -> _Shape | None:
    """The tags of a ``<trkpt>`` shaped like the first one, and where its values are."""
    tags: list[bytes | None] = []
    where: dict[str, tuple[int, int]] = {}
    opening = 0
    last_open: bytes | None = None
    for tag, text in re.findall(rb"(<[^>]*>)|([^<]+)", first):
        if tag:
            if tag.startswith(b"<trkpt "):
                if tags or _LATLON.fullmatch(tag) is None:
                    return None
                tags.append(None)
                last_open, opening = b"trkpt", opening + 1
            elif re.fullmatch(rb"</?[\w.:-]+>", tag):
                tags.append(tag)
                is_close = tag.startswith(b"</")
                last_open = None if is_close else tag[1:-1]
                opening += 0 if is_close else 1
            else:
                return None
        elif text.strip():
            key = leaves.get(last_open or b"")
            if key is None:
                return None
            where.pop(key, None)
            where[key] = (len(tags) - 1, len(last_open or b"") + 2)
    if not tags or tags[0] is not None:
        return None
    return _Shape(tuple(tags), opening, where)


_SPACE = np.zeros(256, dtype=bool)
_SPACE[[9, 10, 11, 12, 13, 32]] = True


def _tag_runs(pos: npt.NDArray[np.intp], shape: _Shape) -> list[tuple[int, bytes]]:
    """The shape's tags after ``<trkpt ...>`` as runs of tags that follow each other with
    nothing between them at every point (``</ele><time>``), each run as (index of its first
    tag, its bytes): one comparison per run instead of one per tag (a gather of rows costs
    about the same for 5 bytes as for 60)."""
    lengths = np.array([len(t or b"") for t in shape.tags])
    # next[j]: tag j + 1 starts where tag j ends, at every point (if tag j is what it should be)
    follows = (np.diff(pos[1:], axis=0) == lengths[1:-1, None]).all(axis=1)
    runs: list[tuple[int, bytes]] = []
    for j in range(1, len(shape.tags)):
        tag = shape.tags[j]
        assert tag is not None
        if j > 1 and follows[j - 2]:
            start, text = runs[-1]
            runs[-1] = (start, text + tag)
        else:
            runs.append((j, tag))
    return runs


def _verify_points(
    chars: npt.NDArray[np.uint8],
    lt: npt.NDArray[np.intp],
    first_tag: npt.NDArray[np.intp],
    shape: _Shape,
    tag0_end: npt.NDArray[np.intp],
) -> npt.NDArray[np.intp] | None:
    """Check that every point has the first point's tags, in order, with only whitespace
    between tags that hold no value (what an XML reading would see the same way); return
    the ``<`` positions of every point's tags (tags x points: one contiguous row per tag),
    or None.

    Vectorised over the points: one gather (rows of a sliding-window view of the bytes) and
    one compare per run of adjacent tags of the shape (``_tag_runs``: a run's bytes matching
    at every point puts each of its tags where ``lt`` says the next ``<`` is), and (only
    when some point has whitespace between its tags) one pass over the bytes for whitespace.
    """
    n, width = len(first_tag), len(shape.tags)
    if first_tag[-1] + width > len(lt) or (n > 1 and (np.diff(first_tag) < width).any()):
        return None
    pos: npt.NDArray[np.intp] = np.asarray(lt[np.arange(width)[:, None] + first_tag], np.intp)
    size = len(chars)
    for j, text in _tag_runs(pos, shape):
        if int(pos[j, -1]) + len(text) > size:  # the last point's is the furthest
            return None
        # each row of the window view is the bytes from one offset on (no copy): one gather
        rows = np.lib.stride_tricks.sliding_window_view(chars, len(text))[pos[j]]
        if not (rows == np.frombuffer(text, np.uint8)).all():
            return None
    ends = np.empty_like(pos)
    ends[0] = tag0_end
    ends[1:] = pos[1:] + np.array([len(t or b"") for t in shape.tags[1:]])[:, None]
    gap_start, gap_end = ends[:-1], pos[1:]
    if (gap_start > gap_end).any():
        return None
    leaf = np.zeros(width - 1, dtype=bool)
    for slot, _ in shape.leaves.values():
        leaf[slot] = True
    lengths = (gap_end - gap_start)[~leaf]
    if lengths.any():
        text_bytes = np.cumsum(~_SPACE[chars], dtype=np.int32 if size < 2**31 else np.int64)
        counts = np.concatenate(([0], text_bytes))
        if ((counts[gap_end[~leaf]] - counts[gap_start[~leaf]]) != 0).any():
            return None
    return pos


def _times_at(chars: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> FloatArray:
    """The ISO times at ``chars[starts[i]:ends[i]]`` -> POSIX seconds (NaN if unparsable)."""
    widths = ends - starts
    width = int(widths[0])
    if width >= 20 and (widths == width).all():
        text = chars[starts[:, None] + np.arange(width)]
        if (text[:, width - 1] == ord("Z")).all() and (text[:, 10] == ord("T")).all():
            stamps = np.ascontiguousarray(text[:, : width - 1]).view(f"S{width - 1}").ravel()
            try:
                result: FloatArray = stamps.astype("datetime64[us]").astype(np.int64) / 1e6
                return result
            except ValueError:
                pass
    raw = chars.tobytes()
    texts = [raw[a:b].decode("ascii", "replace") for a, b in zip(starts, ends, strict=True)]
    return parse_times(texts)


_QUOTE_WINDOW = 32


def _next_quote(chars: npt.NDArray[np.uint8], starts: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """The position of the first ``"`` at or after each of ``starts`` (the last ``"`` of the
    bytes, or the last byte, where there is none), for attribute values that must then read
    as numbers: a look at the next few bytes of each, and a search of every quote only when a
    value is longer than that.

    When there is a ``"`` at the first value's width after every start (loggers write
    fixed-width coordinates), those are returned without looking for an earlier one: a value
    with a ``"`` inside it does not read as a number, so the file goes to the lxml reader
    either way, and for every file the caller accepts they are the first quotes."""
    if len(starts) and int(starts.max()) < len(chars):
        width = chars[starts[0] : starts[0] + _QUOTE_WINDOW].tobytes().find(b'"')
        guess = starts + width
        if width >= 0 and int(guess.max()) < len(chars) and (chars[guess] == ord('"')).all():
            return guess
    padded = chars
    if int(starts.max()) + _QUOTE_WINDOW > len(chars):  # rare: a point that close to the end
        padded = np.concatenate((chars, np.full(_QUOTE_WINDOW, ord('"'), np.uint8)))
    rows = np.lib.stride_tricks.sliding_window_view(padded, _QUOTE_WINDOW)[starts] == ord('"')
    found = rows.argmax(axis=1)
    result: npt.NDArray[np.intp] = starts + found
    if rows[np.arange(len(starts)), found].all() and int(result.max()) < len(chars):
        return result
    quotes = np.flatnonzero(chars == ord('"'))
    if not len(quotes):
        return np.full(len(starts), len(chars) - 1, np.intp)
    return quotes[np.minimum(np.searchsorted(quotes, starts), len(quotes) - 1)]


_LAT_OPEN = np.frombuffer(b'<trkpt lat="', np.uint8)
_LON_OPEN = np.frombuffer(b'" lon="', np.uint8)


def _latlon_tags(
    chars: npt.NDArray[np.uint8],
    points: npt.NDArray[np.intp],
    lat_end: npt.NDArray[np.intp],
    lon_end: npt.NDArray[np.intp],
    next_tag: npt.NDArray[np.intp],
) -> bool:
    """Every ``<trkpt`` reads ``<trkpt lat="..." lon="...">`` and ends before its next tag."""
    if int(lon_end.max()) + 2 > len(chars) or (lon_end + 2 > next_tag).any():
        return False
    if (lat_end <= points).any() or (lon_end <= lat_end).any():
        return False
    size = len(chars)
    if int(points.max()) + len(_LAT_OPEN) > size or int(lat_end.max()) + len(_LON_OPEN) > size:
        return False
    window = np.lib.stride_tricks.sliding_window_view
    if not (window(chars, len(_LAT_OPEN))[points] == _LAT_OPEN).all():
        return False
    if not (window(chars, len(_LON_OPEN))[lat_end] == _LON_OPEN).all():
        return False
    return bool((chars[lon_end + 1] == ord(">")).all())


@dataclass(frozen=True, slots=True)
class _Header:
    """What the cheap look at the start of a plain file decides (both scanners need it)."""

    root_attrs: bytes
    first_trk: int
    shape: _Shape
    head: bytes  # from the first <trk> to its first <trkseg> (name, type, desc)


def _header(data: bytes) -> _Header | None:
    enc = _ENCODING.search(data[:200])
    if enc and enc.group(1).lower() not in (b"utf-8", b"utf8"):
        return None
    root = _ROOT.search(data, 0, 4096)
    if root is None or not data[-4096:].rstrip().endswith(b"</gpx>"):
        return None
    ns = {(p or b""): uri for p, uri in _XMLNS.findall(root.group(1))}
    if ns.get(b"") not in GPX_NAMESPACES:
        return None
    first_trk = data.find(b"<trk>", root.end())
    if first_trk < 0:
        return None
    leaves = {b"ele": m.ALTITUDE_M, b"time": "time"}
    for prefix in [p for p, uri in ns.items() if uri in TPX_URIS and p][:1]:
        leaves.update(
            {
                prefix + b":hr": m.HR_BPM,
                prefix + b":cad": "cadence_raw",
                prefix + b":atemp": m.TEMPERATURE_C,
                prefix + b":speed": m.SPEED_M_S,
            }
        )
    start = data.find(b"<trkpt ", first_trk)
    first = data[start : data.find(b"</trkpt>", start) + 8]
    shape = _point_shape(first, leaves) if start >= 0 else None
    if shape is None or "time" not in shape.leaves:
        return None
    first_seg = data.find(b"<trkseg", first_trk)
    head = data[first_trk:first_seg] if first_seg >= 0 else data[first_trk:]
    return _Header(root.group(1), first_trk, shape, head)


def _compiled_columns(
    data: bytes, h: _Header, scan: _Scan
) -> tuple[FloatArray, FloatArray, FloatArray, dict[str, FloatArray], list[int]] | None:
    """The columns by the compiled scanner (``_gpxscan.c``: the same checks and values as
    the numpy path below, in one pass over the bytes), or None."""
    keys = list(h.shape.leaves)
    extra = sum(h.head.count(tag) for tag in (b"<name>", b"<type>", b"<desc>"))
    found = scan(
        data,
        h.first_trk,
        tuple(t for t in h.shape.tags[1:] if t is not None),
        tuple(slot for slot, _ in h.shape.leaves.values()),
        keys.index("time"),
        extra,
        h.shape.opening,
    )
    if found is None:
        return None
    lat_bytes, lon_bytes, leaf_bytes, time_spans, segment_starts = found
    columns = {k: np.frombuffer(b, np.float64) for k, b in zip(keys, leaf_bytes, strict=True)}
    posix = columns.pop("time")
    if time_spans is not None:  # not all "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" of one width
        starts, ends = (np.frombuffer(b, np.int64) for b in time_spans)
        posix = _times_at(np.frombuffer(data, np.uint8), starts, ends)
    if not np.isfinite(posix).all():
        return None
    lat, lon = np.frombuffer(lat_bytes, np.float64), np.frombuffer(lon_bytes, np.float64)
    return lat, lon, posix, columns, segment_starts


def _numpy_columns(
    data: bytes, h: _Header
) -> tuple[FloatArray, FloatArray, FloatArray, dict[str, FloatArray], list[int]] | None:
    """The columns by vectorised comparisons at the positions of the ``<`` bytes, or None."""
    shape, first_trk = h.shape, h.first_trk
    # the track part from its first <trk> on, without a copy (positions below are into it)
    chars = np.frombuffer(data, np.uint8, offset=first_trk)
    lt = np.flatnonzero(chars == ord("<"))
    all_tags = len(lt)
    lt = lt[lt < len(chars) - 9]  # only </trk></gpx> can start that close to the end
    t_tags = np.flatnonzero(chars[lt + 1] == ord("t"))  # <trkpt, <trk>, <trkseg>, <time>
    at = lt[t_tags]
    is_point = np.ones(len(at), dtype=bool)
    is_trk = np.ones(len(at), dtype=bool)
    for k, byte in enumerate(b"rkpt ", 2):
        is_point &= chars[at + k] == byte
    for k, byte in enumerate(b"rk", 2):
        is_trk &= chars[at + k] == byte
    trk = int((is_trk & (chars[at + 4] == ord(">"))).sum())
    trkseg = int((is_trk & (chars[at + 4] == ord("s"))).sum())  # <trks only opens a <trkseg>
    points = at[is_point]
    n = len(points)  # every "<trkpt " (the checks below prove they are all whole points)
    if not n or not _tags_accounted(h.head, n * shape.opening, all_tags, trk, trkseg):
        return None
    first_tag = t_tags[is_point]  # each point's tags follow its <trkpt in order
    lat_start = points + len(b'<trkpt lat="')
    lat_end = _next_quote(chars, lat_start)
    lon_start = lat_end + len(b'" lon="')
    lon_end = _next_quote(chars, lon_start)
    if first_tag[-1] + 1 >= len(lt):
        return None
    if not _latlon_tags(chars, points, lat_end, lon_end, lt[first_tag + 1]):
        return None
    pos = _verify_points(chars, lt, first_tag, shape, lon_end + 2)
    if pos is None:
        return None
    spans = {
        key: (pos[slot] + length, pos[slot + 1]) for key, (slot, length) in shape.leaves.items()
    }
    try:
        lat = _decimals_at(chars, lat_start, lat_end)
        lon = _decimals_at(chars, lon_start, lon_end)
        values = {k: _decimals_at(chars, a, b) for k, (a, b) in spans.items() if k != "time"}
    except ValueError:
        return None
    if not (np.isfinite(lat).all() and np.isfinite(lon).all()):
        return None
    posix = _times_at(chars, *spans["time"])
    if not np.isfinite(posix).all():
        return None
    # every "<trkseg" starts at a "<" (all of them are accounted for): no scan of the track
    seg = at[is_trk & (chars[at + 4] == ord("s"))]
    segments = seg[(chars[seg + 5] == ord("e")) & (chars[seg + 6] == ord("g"))]
    before = np.searchsorted(points, segments) if len(segments) else np.zeros(1, np.int64)
    return lat, lon, posix, values, [int(s) for s in before - before[0]]


def scanner() -> str:
    """Which scanner reads plain GPX here: ``"compiled"`` (``_gpxscan.c``) or ``"numpy"``."""
    return "compiled" if _SCAN is not None else "numpy"


def fast_parts(data: bytes) -> GpxParts | None:
    """The columns of a plain GPX file, or None when the lxml reader must decide.

    The checks (every ``<trkpt`` shaped like the first, only whitespace between its tags, and
    every ``<`` accounted for) pin down the positions of every point's tags; the values are
    then cut out between them: by the compiled scanner where it was built (``_SCAN``), else
    with numpy.
    """
    h = _header(data)
    if h is None:
        return None
    columns = _compiled_columns(data, h, _SCAN) if _SCAN is not None else _numpy_columns(data, h)
    if columns is None:
        return None
    lat, lon, posix, values, segment_starts = columns
    creator = re.search(rb"""\bcreator\s*=\s*["']([^"']*)["']""", h.root_attrs)
    return GpxParts(
        lat=lat,
        lon=lon,
        posix=posix,
        segment_starts=segment_starts,
        columns=values,
        sport_text=_text(h.head, b"type"),
        name=_text(h.head, b"name"),
        description=_text(h.head, b"desc"),
        creator=unescape(creator.group(1).decode("utf-8"), _ENTITIES) if creator else None,
    )


__all__ = ["GpxParts", "fast_parts", "scanner"]
