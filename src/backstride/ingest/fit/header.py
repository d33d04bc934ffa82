"""FIT file headers and CRCs: where a (possibly chained) FIT file's data starts and ends.

Header (Garmin FIT protocol, "File Header"): size (12 or 14), protocol version, profile version,
data size (uint32 LE), ``.FIT``, and for 14-byte headers a CRC of the first 12 bytes (0 = not
computed). A 2-byte CRC over header + data follows the data. The FIT CRC is CRC-16/ARC, which
``fastcrc`` computes natively; over data + CRC it leaves 0.
"""

from __future__ import annotations

import struct

import fastcrc

from backstride.errors import InvalidInput

_HEADER = struct.Struct("<BBHI4s")
_U16 = struct.Struct("<H")


def corrupt(detail: str) -> InvalidInput:
    """The coded error for a FIT file we cannot trust (bad header, truncation, CRC, ...)."""
    return InvalidInput(detail, code="ingest.corrupt_file")


def read_header(buf: bytes, pos: int, *, check_crc: bool) -> tuple[int, int]:
    """Check the FIT header at ``pos`` (and the CRCs); return where its data starts and ends.

    A file cut short (``end`` beyond the buffer) raises ``ingest.corrupt_file`` naming the
    truncation; ``data_bounds`` gives the bounds of such a file for salvage."""
    if len(buf) - pos < 12:
        raise corrupt(f"not a FIT file: {len(buf) - pos} bytes where a header should be")
    header_size, _protocol, _profile, data_size, magic = _HEADER.unpack_from(buf, pos)
    if header_size not in (12, 14) or magic != b".FIT" or len(buf) - pos < header_size:
        raise corrupt(f"not a FIT file: no valid FIT header at byte {pos}")
    if check_crc and header_size == 14:
        stored = _U16.unpack_from(buf, pos + 12)[0]
        if stored and fastcrc.crc16.arc(buf[pos : pos + 12]) != stored:
            raise corrupt(f"FIT header CRC mismatch at byte {pos}")
    start = pos + header_size
    end = start + data_size
    if end + 2 > len(buf):
        raise corrupt(
            f"FIT file truncated: the header announces {data_size} data bytes and a CRC, "
            f"{len(buf) - start} bytes follow"
        )
    if check_crc and fastcrc.crc16.arc(buf[pos : end + 2]) != 0:
        raise corrupt(f"FIT file CRC mismatch (file at byte {pos}): the file is damaged")
    return start, end


def data_bounds(buf: bytes, pos: int, *, check_crc: bool) -> tuple[int, int, int]:
    """(data start, data end as announced, bytes present) of the file at ``pos``: the header
    is checked (with its own CRC), the file CRC is not (a truncated file has none)."""
    if len(buf) - pos < 12:
        raise corrupt(f"not a FIT file: {len(buf) - pos} bytes where a header should be")
    header_size, _protocol, _profile, data_size, magic = _HEADER.unpack_from(buf, pos)
    if header_size not in (12, 14) or magic != b".FIT" or len(buf) - pos < header_size:
        raise corrupt(f"not a FIT file: no valid FIT header at byte {pos}")
    if check_crc and header_size == 14:
        stored = _U16.unpack_from(buf, pos + 12)[0]
        if stored and fastcrc.crc16.arc(buf[pos : pos + 12]) != stored:
            raise corrupt(f"FIT header CRC mismatch at byte {pos}")
    start = pos + header_size
    return start, start + data_size, min(len(buf), start + data_size) - start


__all__ = ["corrupt", "data_bounds", "read_header"]
