"""A tiny FIT writer for tests: definitions, data messages, headers and CRCs by hand."""

from __future__ import annotations

import struct
from collections.abc import Sequence

import fastcrc

# (field number, struct code, FIT base-type byte)
TIMESTAMP = (253, "I", 0x86)
HEART_RATE = (3, "B", 0x02)
CADENCE = (4, "B", 0x02)
DISTANCE = (5, "I", 0x86)
FRACTIONAL_CADENCE = (53, "B", 0x02)
STANCE_TIME_BALANCE = (84, "H", 0x84)
HRV_TIME = (0, "H", 0x84)
FIT_EPOCH = 631_065_600

Field = tuple[int, str, int]


def definition(
    local: int,
    global_num: int,
    fields: Sequence[Field],
    *,
    big_endian: bool = False,
    dev_sizes: Sequence[int] = (),
) -> bytes:
    """A definition message for ``local`` (developer fields only by size)."""
    order = ">" if big_endian else "<"
    head = 0x40 | local | (0x20 if dev_sizes else 0)
    out = bytes([head, 0, 1 if big_endian else 0]) + struct.pack(order + "H", global_num)
    out += bytes([len(fields)])
    for number, code, base in fields:
        out += bytes([number, struct.calcsize(code), base])
    if dev_sizes:
        out += bytes([len(dev_sizes)])
        for i, size in enumerate(dev_sizes):
            out += bytes([i, size, 0])
    return out


def data(
    local: int,
    fields: Sequence[Field],
    values: Sequence[int],
    *,
    big_endian: bool = False,
    dev: bytes = b"",
    compressed_offset: int | None = None,
) -> bytes:
    """A data message (normal header, or compressed-timestamp header with the offset)."""
    order = ">" if big_endian else "<"
    payload = b"".join(
        struct.pack(order + code, v) for (_, code, _), v in zip(fields, values, strict=True)
    )
    if compressed_offset is None:
        return bytes([local]) + payload + dev
    return bytes([0x80 | (local << 5) | (compressed_offset & 0x1F)]) + payload + dev


def fit_file(body: bytes, *, header_size: int = 14) -> bytes:
    """Wrap messages in a FIT header and append the file CRC (CRC-16/ARC)."""
    header = struct.pack("<BBHI4s", header_size, 0x20, 2132, len(body), b".FIT")
    if header_size == 14:
        header += struct.pack("<H", fastcrc.crc16.arc(header))
    whole = header + body
    return whole + struct.pack("<H", fastcrc.crc16.arc(whole))


FILE_ID_FIELDS: list[Field] = [(0, "B", 0x00), (1, "H", 0x84), (2, "H", 0x84)]
"""file_id: type (4 = activity), manufacturer (1 = garmin), product."""


def file_id(local: int = 15, *, file_type: int = 4, product: int = 2691) -> bytes:
    """A file_id definition + message (default: a Garmin activity file, product fr935)."""
    return definition(local, 0, FILE_ID_FIELDS) + data(
        local, FILE_ID_FIELDS, [file_type, 1, product]
    )


SESSION_FIELDS: list[Field] = [
    (253, "I", 0x86),  # timestamp
    (2, "I", 0x86),  # start_time
    (5, "B", 0x00),  # sport
    (7, "I", 0x86),  # total_elapsed_time, s x 1000
    (9, "I", 0x86),  # total_distance, m x 100
    (16, "B", 0x02),  # avg_heart_rate
    (18, "B", 0x02),  # avg_cadence
    (92, "B", 0x02),  # avg_fractional_cadence, x 128
    (193, "B", 0x02),  # workout_rpe, x 10
]


def session(local: int, *, start: int, elapsed_s: int, sport: int, values: Sequence[int]) -> bytes:
    """A session definition + message; ``values`` = distance_cm, avg_hr, avg_cad, frac, rpe."""
    row = [start + elapsed_s, start, sport, elapsed_s * 1000, *values]
    return definition(local, 18, SESSION_FIELDS) + data(local, SESSION_FIELDS, row)
