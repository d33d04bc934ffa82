"""The ``BSS1`` stream encoder as versions before decision 0067 had it (frozen copy, tests
only): databases hold such blobs, so tests of stored data (migration 0005, reading old rows)
write them with this."""

from __future__ import annotations

import json
import struct
import zlib

import numpy as np

from backstride.ingest import model as m
from backstride.ingest.model import Streams

_DELTA_SCALES: dict[str, float] = {
    m.TIME_S: 1000.0,
    m.LAT_DEG: 1e7,
    m.LON_DEG: 1e7,
    m.ALTITUDE_M: 100.0,
    m.DISTANCE_M: 100.0,
    m.SPEED_M_S: 1000.0,
    m.CADENCE_SPM: 128.0,
}
_DEFAULT_SCALE = 100.0
_I4 = 2**31 - 1


def _shuffle(raw: np.ndarray) -> bytes:
    return np.ascontiguousarray(raw.view(np.uint8).reshape(-1, 4).T).tobytes()


def encode_bss1(streams: Streams) -> bytes:
    """``streams`` as a ``BSS1`` blob (zlib level 1, ``Z_RLE``), byte for byte as written
    before ``BSS2``."""
    spec: list[list[object]] = []
    parts: list[bytes] = []
    for name in m.STREAM_CHANNELS:
        values = streams.get(name)
        if values is None:
            continue
        scale = _DELTA_SCALES.get(name, _DEFAULT_SCALE)
        nan = ~np.isfinite(values)
        has_nan = bool(nan.any())
        filled = values
        if has_nan:
            idx = np.where(~nan, np.arange(len(values)), 0)
            np.maximum.accumulate(idx, out=idx)
            filled = np.where(nan[idx], 0.0, values[idx])
        ints = np.round(filled * scale)
        deltas = np.diff(ints, prepend=0.0)
        if len(deltas) and float(np.abs(deltas).max()) > _I4:
            parts.append(_shuffle(values.astype("<f4")))
            spec.append([name, "f4", 1.0, False])
            continue
        parts.append(_shuffle(deltas.astype("<i4")))
        if has_nan:
            parts.append(np.packbits(nan).tobytes())
        spec.append([name, "d4", scale, has_nan])
    header = json.dumps({"n": len(streams), "channels": spec}, separators=(",", ":")).encode()
    packer = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS, 8, zlib.Z_RLE)
    body = packer.compress(b"".join(parts)) + packer.flush()
    return b"BSS1" + struct.pack("<I", len(header)) + header + body
