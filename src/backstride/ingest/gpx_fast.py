"""Fast path for plain, well-formed GPX (what watches and Strava write): regex over bytes.

``lxml`` builds a tree of every element (about 57 MB/s here); for bulk imports this path
pulls the few columns we need straight out of the bytes with C-speed regular expressions and
numpy (several times faster, see bench/RESULTS-ingest.md). It is only taken when the file
passes structural checks that make the regex reading equal to an XML reading: UTF-8, the GPX
1.0/1.1 default namespace on an unprefixed ``<gpx>``, closing ``</gpx>`` at the end, after the
first ``<trk>`` nothing but the known tags (every ``<`` accounted for: no comments, CDATA,
processing instructions, waypoints or unknown extensions), ``<trkpt lat=".." lon="..">`` as
written by Garmin/Strava, and every column either on every point or on none.
TrackPointExtension is found
by the prefix its namespace URI is bound to on the root element. Anything else returns None
and the lxml reader (``gpx.read_gpx``) handles the file, including every error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.sax.saxutils import unescape

import numpy as np

from backstride.ingest import model as m
from backstride.ingest.model import FloatArray
from backstride.ingest.summary import parse_times

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


def _text(head: bytes, tag: bytes) -> str | None:
    found = re.search(rb"<" + tag + rb">([^<]*)</" + tag + rb">", head)
    if not found:
        return None
    return unescape(found.group(1).decode("utf-8").strip(), _ENTITIES) or None


def _fixed_width_times(times: list[bytes]) -> FloatArray | None:
    """``YYYY-MM-DDTHH:MM:SS[.fff]Z`` of one width for every point -> POSIX seconds."""
    n = len(times)
    width = len(times[0])
    joined = b"".join(times)
    if width < 20 or len(joined) != n * width:
        return None
    chars = np.frombuffer(joined, np.uint8).reshape(n, width)
    if not ((chars[:, width - 1] == ord("Z")).all() and (chars[:, 10] == ord("T")).all()):
        return None
    stamps = np.ascontiguousarray(chars[:, : width - 1]).view(f"S{width - 1}").ravel()
    try:
        return stamps.astype("datetime64[us]").astype(np.int64) / 1e6
    except ValueError:
        return None


_POW10 = 10.0 ** np.arange(23)


def _decimals(texts: tuple[bytes, ...]) -> FloatArray:
    """Plain decimals (``-12.345``, ``80``) -> float64, vectorised over the bytes.

    The mantissa is summed exactly (at most 15 digits) and divided once by a power of ten, so
    the result is the correctly rounded value, bit for bit what ``float()`` gives. Anything
    else (exponents, ``nan``, spaces, more digits) goes through ``float()`` one by one.
    """
    n = len(texts)
    chars = np.frombuffer(b" ".join(texts), np.uint8)
    sep, dot, minus = chars == 32, chars == 46, chars == 45
    digit = (chars - 48) < 10  # unsigned: bytes below "0" wrap around
    tok = np.cumsum(sep, dtype=np.int64)
    if not (digit | sep | dot | minus).all() or tok[-1] != n - 1:
        return np.fromiter(map(float, texts), np.float64, n)
    ndig = np.bincount(tok[digit], minlength=n)
    dots = np.bincount(tok[dot], minlength=n)
    prev_sep = np.concatenate(([True], sep[:-1]))
    if (ndig == 0).any() or (ndig > 15).any() or (dots > 1).any() or (minus & ~prev_sep).any():
        return np.fromiter(map(float, texts), np.float64, n)
    after = np.cumsum(ndig)[tok] - np.cumsum(digit, dtype=np.int64)
    mantissa = np.bincount(
        tok[digit], weights=(chars[digit] - 48) * _POW10[after[digit]], minlength=n
    )
    mantissa[tok[minus]] *= -1
    frac = np.zeros(n, dtype=np.int64)
    frac[tok[dot]] = after[dot]
    result: FloatArray = mantissa / _POW10[frac]
    return result


def _tags_accounted(body: bytes, head: bytes, point_tags: int) -> bool:
    """Every ``<`` in the track part opens or closes a tag this path understands.

    ``point_tags`` is the number of opening tags inside all ``<trkpt>`` (each matched by the
    point regex); each opening tag has one closing tag. ``name``/``type``/``desc`` are only
    looked for in ``head`` (before the first segment): anywhere else they stay unaccounted
    for, and the file goes to the lxml reader.
    """
    opening = point_tags + body.count(b"<trk>") + body.count(b"<trkseg>")
    for tag in (b"<name>", b"<type>", b"<desc>"):
        opening += head.count(tag)
    return body.count(b"<") == 2 * opening + 1  # + </gpx>


def _point_pattern(
    first: bytes, leaves: dict[bytes, str]
) -> tuple[re.Pattern[bytes], list[str], int] | None:
    """A regex for a whole ``<trkpt>`` shaped like the first one: (pattern, keys, tags/point)."""
    parts: list[bytes] = []
    keys: list[str] = []
    opening = 0
    last_open: bytes | None = None
    for tag, text in re.findall(rb"(<[^>]*>)|([^<]+)", first):
        if tag:
            if parts and not parts[-1].endswith(rb"\s*"):
                parts.append(rb"\s*")
            if tag.startswith(b"<trkpt "):
                if _LATLON.fullmatch(tag) is None:
                    return None
                parts.append(_LATLON.pattern)
                keys += ["lat", "lon"]
                last_open, opening = b"trkpt", opening + 1
            elif re.fullmatch(rb"</?[\w.:-]+>", tag):
                parts.append(re.escape(tag))
                is_close = tag.startswith(b"</")
                last_open = None if is_close else tag[1:-1]
                opening += 0 if is_close else 1
            else:
                return None
        elif text.strip():
            key = leaves.get(last_open or b"")
            if key is None:
                return None
            parts.append(rb"([^<]*)")
            keys.append(key)
    return re.compile(b"".join(parts)), keys, opening


def fast_parts(data: bytes) -> GpxParts | None:
    """The columns of a plain GPX file, or None when the lxml reader must decide."""
    enc = _ENCODING.search(data[:200])
    if enc and enc.group(1).lower() not in (b"utf-8", b"utf8"):
        return None
    root = _ROOT.search(data, 0, 4096)
    if root is None or not data.rstrip().endswith(b"</gpx>"):
        return None
    ns = {(p or b""): uri for p, uri in _XMLNS.findall(root.group(1))}
    if ns.get(b"") not in GPX_NAMESPACES:
        return None
    first_trk = data.find(b"<trk>", root.end())
    if first_trk < 0:
        return None
    body = data[first_trk:]
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
    start = body.find(b"<trkpt ")
    first = body[start : body.find(b"</trkpt>", start) + 8]
    shape = _point_pattern(first, leaves) if start >= 0 else None
    if shape is None:
        return None
    pattern, keys, per_point = shape
    n = body.count(b"<trkpt ")
    rows = pattern.findall(body)
    if len(rows) != n or "time" not in keys:
        return None
    head = body[: body.find(b"<trkseg")] if b"<trkseg" in body else body
    if not _tags_accounted(body, head, n * per_point):
        return None
    cols = list(zip(*rows, strict=True))
    try:
        values = {k: _decimals(cols[j]) for j, k in enumerate(keys) if k != "time"}
    except ValueError:
        return None
    lat, lon = values.pop("lat"), values.pop("lon")
    if not (np.isfinite(lat).all() and np.isfinite(lon).all()):
        return None
    times = list(cols[keys.index("time")])
    posix = _fixed_width_times(times)
    if posix is None:
        posix = parse_times(b"\n".join(times).decode("ascii", "replace").split("\n"))
    if not np.isfinite(posix).all():
        return None
    pieces = body.split(b"<trkseg")[1:]
    starts = list(np.cumsum([0] + [p.count(b"<trkpt") for p in pieces[:-1]]).astype(int))
    creator = re.search(rb"""\bcreator\s*=\s*["']([^"']*)["']""", root.group(1))
    return GpxParts(
        lat=lat,
        lon=lon,
        posix=posix,
        segment_starts=[int(s) for s in starts],
        columns=values,
        sport_text=_text(head, b"type"),
        name=_text(head, b"name"),
        description=_text(head, b"desc"),
        creator=unescape(creator.group(1).decode("utf-8"), _ENTITIES) if creator else None,
    )


__all__ = ["GpxParts", "fast_parts"]
