"""Compact columnar stream storage: ``encode_streams`` / ``decode_streams`` (formats ``BSS2``,
``BSS1``).

Layout (little-endian)::

    b"BSS2" | u32 header length | header (UTF-8 JSON) | zstd(column 0 | column 1 | ...)
    b"BSS1" | u32 header length | header (UTF-8 JSON) | zlib(column 0 | column 1 | ...)

The header is ``{"n": samples, "channels": [[name, codec, scale, has_nan_mask], ...]}``.
Codecs, both byte-shuffled (byte 0 of every sample, then byte 1, ...) so the compressor sees
runs:

- ``d4``: ``round(value * scale)`` delta-encoded as int32; missing samples are carried forward
  and flagged in a bit mask (``np.packbits``) stored right after the column when
  ``has_nan_mask``. Resolution (1/scale): time 1 ms, latitude/longitude 1e-7 degree (about
  1 cm), altitude and distance 1 cm, speed 1 mm/s, cadence 1/128 step/min, heart rate, power,
  temperature and running dynamics 0.01 of their unit: finer than any device records them;
- ``f4``: float32, for a channel whose deltas would not fit in int32 (NaN kept as NaN).

The columns are one compressed stream. ``encode_streams`` writes ``BSS2`` (one zstd frame,
level 3, its content size in the frame header): about 3x less CPU than ``BSS1``'s zlib and
about 15 % fewer bytes on the 3-year history (docs/decisions/0067). ``BSS1`` (zlib level 1,
``Z_RLE``; docs/decisions/0047) is what earlier versions wrote: ``decode_streams`` reads both,
forever (stored databases keep their blobs). A blob that is cut short or damaged raises
``ValueError`` (or, for ``BSS1``, ``zlib.error`` as it always did).
"""

from __future__ import annotations

import json
import struct
import threading
import zlib
from collections.abc import Callable

import numpy as np
import zstandard

from backstride.ingest import model as m
from backstride.ingest.model import FloatArray, Streams

_DeltaColumn = Callable[[FloatArray, float], tuple[bytes, bytes | None] | None]
_HrTime = Callable[[FloatArray, FloatArray], bytes | None]
_Pack = Callable[[list[FloatArray], list[float]], tuple[bytearray, list[bool]] | None]
try:  # the compiled loops (docs/decisions/0071); without a compiler at install: numpy
    from backstride.ingest._streampack import delta_column as _compiled_delta_column
    from backstride.ingest._streampack import hr_time as _compiled_hr_time
    from backstride.ingest._streampack import pack as _compiled_pack

    DELTA_COLUMN: _DeltaColumn | None = _compiled_delta_column
    PACK: _Pack | None = _compiled_pack
    """Every ``d4`` column of an activity into one buffer in one call (None: per channel)."""
    HR_TIME: _HrTime | None = _compiled_hr_time
    """``services.rows.activity.hr_time_blob``'s bytes in one pass (None: use numpy)."""
except ImportError:  # pragma: no cover - depends on the build
    DELTA_COLUMN = PACK = HR_TIME = None

MAGIC = b"BSS2"
"""What ``encode_streams`` writes."""
MAGIC_V1 = b"BSS1"
"""The zlib format of earlier versions (still read)."""
ZSTD_LEVEL = 3
_DELTA_SCALES: dict[str, float] = {
    m.TIME_S: 1000.0,
    m.LAT_DEG: 1e7,
    m.LON_DEG: 1e7,
    m.ALTITUDE_M: 100.0,
    m.DISTANCE_M: 100.0,
    m.SPEED_M_S: 1000.0,
    m.CADENCE_SPM: 128.0,  # FIT: 2 x (cadence + fractional/128) is a multiple of 1/64
}
_DEFAULT_SCALE = 100.0
_I4 = 2**31 - 1


def _shuffle(raw: np.ndarray) -> bytes:
    return raw.view(np.uint8).reshape(-1, 4).T.tobytes()  # one copy, in the planes' order


def _unshuffle(buf: bytes, n: int, dtype: str) -> np.ndarray:
    planes = np.frombuffer(buf, dtype=np.uint8, count=4 * n).reshape(4, n)
    return np.ascontiguousarray(planes.T).view(dtype).ravel()


def _deltas(ints: FloatArray) -> FloatArray:
    """``np.diff(ints, prepend=0.0)`` without its concatenated copy (the same values)."""
    deltas = np.empty_like(ints)
    if len(ints):
        deltas[0] = ints[0]
        np.subtract(ints[1:], ints[:-1], out=deltas[1:])
    return deltas


def _numpy_delta_column(values: FloatArray, scale: float) -> tuple[bytes, bytes | None] | None:
    """A ``d4`` column (shuffled int32 deltas, the missing samples' mask or None), or None when
    a delta does not fit in int32 (the caller writes ``f4``)."""
    nan = ~np.isfinite(values)
    has_nan = bool(nan.any())
    filled = values
    if has_nan:
        idx = np.where(~nan, np.arange(len(values)), 0)
        np.maximum.accumulate(idx, out=idx)
        filled = np.where(nan[idx], 0.0, values[idx])
    ints = filled * scale
    np.rint(ints, out=ints)  # np.round's values (halves to even), without another copy
    deltas = _deltas(ints)
    # ``not <=``: a NaN delta (a value so large that ``value * scale`` overflowed) goes to
    # ``f4`` too, as the compiled loop decides, instead of a meaningless int32
    if len(deltas) and not max(float(deltas.max()), -float(deltas.min())) <= _I4:
        return None
    return _shuffle(deltas.astype("<i4")), np.packbits(nan).tobytes() if has_nan else None


def _delta_column(values: FloatArray, scale: float) -> tuple[bytes, bytes | None] | None:
    """``_numpy_delta_column``'s bytes, by the compiled loop where it was built and takes the
    values (``_streampack.c``: one pass; None from it means "decide with numpy")."""
    if DELTA_COLUMN is not None and compiled_input(values):
        done = DELTA_COLUMN(values, scale)
        if done is not None:
            return done
    return _numpy_delta_column(values, scale)


def _header(n: int, spec: list[list[object]]) -> bytes:
    return json.dumps({"n": n, "channels": spec}, separators=(",", ":")).encode()


def columns(streams: Streams) -> tuple[bytes, bytes | bytearray]:
    """The header (JSON) and the uncompressed columns of ``streams``, the same for ``BSS1``
    and ``BSS2`` (only the compression differs): in one compiled call where it was built and
    takes every channel (no ``f4`` column), else channel by channel."""
    present = [(name, v) for name in m.STREAM_CHANNELS if (v := streams.get(name)) is not None]
    scales = [_DELTA_SCALES.get(name, _DEFAULT_SCALE) for name, _ in present]
    if PACK is not None and all(compiled_input(v) for _, v in present):
        packed = PACK([v for _, v in present], scales)
        if packed is not None:
            payload, masked = packed
            spec: list[list[object]] = [
                [name, "d4", scale, mask]
                for (name, _), scale, mask in zip(present, scales, masked, strict=True)
            ]
            return _header(len(streams), spec), payload
    spec = []
    parts: list[bytes] = []
    for (name, values), scale in zip(present, scales, strict=True):
        column = _delta_column(values, scale)
        if column is None:
            parts.append(_shuffle(values.astype("<f4")))
            spec.append([name, "f4", 1.0, False])
            continue
        planes, mask = column
        parts.append(planes)
        if mask is not None:
            parts.append(mask)
        spec.append([name, "d4", scale, mask is not None])
    return _header(len(streams), spec), b"".join(parts)


_LOCAL = threading.local()


def _compressor(level: int) -> zstandard.ZstdCompressor:
    """This thread's compressor for ``level``: made once, its context reused frame after frame
    (the same bytes as a new one; a compressor must not be shared by threads)."""
    made: dict[int, zstandard.ZstdCompressor] | None = getattr(_LOCAL, "compressors", None)
    if made is None:
        made = _LOCAL.compressors = {}
    compressor = made.get(level)
    if compressor is None:
        compressor = made[level] = zstandard.ZstdCompressor(level=level)
    return compressor


def encode_streams(streams: Streams, *, level: int = ZSTD_LEVEL) -> bytes:
    """Pack every channel of ``streams`` into one compact ``BSS2`` blob (zstd ``level``)."""
    header, payload = columns(streams)
    body = _compressor(level).compress(payload)
    return MAGIC + struct.pack("<I", len(header)) + header + body


def _payload_size(n: int, channels: list[list[object]]) -> int:
    """How many bytes the columns of this header take once decompressed."""
    return sum(4 * n + ((n + 7) // 8 if has_mask else 0) for _, _, _, has_mask in channels)


def _zstd_payload(body: bytes, expected: int) -> bytes:
    """The columns of a ``BSS2`` body; ``ValueError`` when it is cut short or damaged (its
    declared size is checked before anything is allocated)."""
    try:
        declared = zstandard.frame_content_size(body)
        if declared != expected:
            raise ValueError(f"damaged stream blob (BSS2): {declared} bytes, expected {expected}")
        payload = zstandard.ZstdDecompressor().decompress(body)
    except zstandard.ZstdError as exc:
        raise ValueError(f"damaged stream blob (BSS2): {exc}") from exc
    if len(payload) != expected:
        raise ValueError("damaged stream blob (BSS2): columns cut short")
    return payload


def decode_streams(blob: bytes) -> dict[str, np.ndarray]:
    """Unpack a ``BSS2`` or ``BSS1`` blob into ``{channel: float64 array}`` (NaN where a sample
    is missing)."""
    magic = blob[:4]
    if magic not in (MAGIC, MAGIC_V1):
        raise ValueError("not a backstride stream blob (BSS2 or BSS1)")
    (hlen,) = struct.unpack_from("<I", blob, 4)
    header = json.loads(blob[8 : 8 + hlen])
    n = int(header["n"])
    if magic == MAGIC:
        payload = _zstd_payload(blob[8 + hlen :], _payload_size(n, header["channels"]))
    else:
        payload = zlib.decompress(blob[8 + hlen :])
    out: dict[str, np.ndarray] = {}
    offset = 0
    for name, codec, scale, has_mask in header["channels"]:
        chunk = payload[offset : offset + 4 * n]
        offset += 4 * n
        if codec == "f4":
            values: FloatArray = _unshuffle(chunk, n, "<f4").astype(np.float64)
        elif codec == "d4":
            ints = np.cumsum(_unshuffle(chunk, n, "<i4").astype(np.int64))
            values = ints / float(scale)
            if has_mask:
                nbytes = (n + 7) // 8
                mask = np.unpackbits(np.frombuffer(payload, np.uint8, nbytes, offset), count=n)
                offset += nbytes
                values[mask.astype(bool)] = np.nan
        else:
            raise ValueError(f"unknown stream codec {codec!r}")
        out[str(name)] = values
    return out


def packer() -> str:
    """Which loops encode streams here: ``"compiled"`` (``_streampack.c``) or ``"numpy"``."""
    built = DELTA_COLUMN is not None and PACK is not None and HR_TIME is not None
    return "compiled" if built else "numpy"


def compiled_input(values: FloatArray) -> bool:
    """True when the compiled loops take ``values`` as they are (C-contiguous float64)."""
    return values.dtype == np.float64 and bool(values.flags.c_contiguous)


def stored_values(name: str, values: FloatArray) -> FloatArray:
    """``values`` as ``decode_streams`` will return them (the channel's ``d4`` resolution)."""
    scale = _DELTA_SCALES.get(name, _DEFAULT_SCALE)
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(v), np.round(v * scale) / scale, np.nan)


def encode_pairs(values: FloatArray, weights: FloatArray) -> bytes:
    """Two equal-length float64 columns as bytes (``values`` then ``weights``)."""
    return np.concatenate([values, weights]).astype("<f8").tobytes()


def decode_pairs(blob: bytes) -> tuple[FloatArray, FloatArray]:
    """The two columns of ``encode_pairs``; ``ValueError`` when the length is not a pair."""
    flat = np.frombuffer(blob, dtype="<f8")
    if flat.size % 2:
        raise ValueError("not a pair of columns")
    half = flat.size // 2
    return flat[:half].astype(np.float64), flat[half:].astype(np.float64)


__all__ = [
    "MAGIC",
    "MAGIC_V1",
    "columns",
    "decode_pairs",
    "decode_streams",
    "encode_pairs",
    "encode_streams",
    "packer",
    "stored_values",
]
