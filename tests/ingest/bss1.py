"""The ``BSS1`` stream blob as versions before decision 0067 wrote it (tests only): databases
hold such blobs, so tests of stored data (migration 0005, reading old rows) write them with
this. The columns are the ones ``BSS2`` compresses (checked byte for byte on the 3-year
history when ``BSS2`` came in); ``BSS1`` put them through zlib level 1 with ``Z_RLE``."""

from __future__ import annotations

import struct
import zlib

from backstride.ingest.model import Streams
from backstride.ingest.streams import columns


def encode_bss1(streams: Streams) -> bytes:
    """``streams`` as a ``BSS1`` blob."""
    header, payload = columns(streams)
    packer = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS, 8, zlib.Z_RLE)
    body = packer.compress(payload) + packer.flush()
    return b"BSS1" + struct.pack("<I", len(header)) + header + body
