"""``decode_message`` (one ``struct`` per layout, converters compiled once) against the plain
field-by-field reading it replaced, over every message and field of the profile."""

from __future__ import annotations

import math
import random
import struct

import pytest

from backstride.ingest.fit.layout import Layout, _scaled, compile_layout, decode_message
from backstride.ingest.fit.profile import BASE_TYPES, MESSAGES

NUMERIC = [n for n, b in BASE_TYPES.items() if b.code != "s"]
UNKNOWN_FIELD = 250  # no profile message defines it: its bytes are a gap


def _reference(buf: bytes, pos: int, layout: Layout) -> dict[str, object]:
    """The field-by-field decoder (one ``unpack_from`` and one ``_scaled`` per value)."""
    out: dict[str, object] = {}
    for slot in layout.slots:
        start = pos + slot.offset
        if slot.fmt is None:
            raw_bytes = buf[start : start + slot.count].split(b"\x00", 1)[0]
            if raw_bytes:
                out[slot.spec.name] = raw_bytes.decode("utf-8", errors="replace")
            continue
        raws = slot.fmt.unpack_from(buf, start)
        values = tuple(_scaled(slot.spec, slot.base, raw) for raw in raws)
        if slot.count == 1:
            if values[0] is not None:
                out[slot.spec.name] = values[0]
        elif any(v is not None for v in values):
            out[slot.spec.name] = values
    return out


def _value_bytes(base_number: int, count: int, big_endian: bool, rng: random.Random) -> bytes:
    """``count`` values of the base type: random, its invalid marker, or for floats NaN/inf."""
    base = BASE_TYPES[base_number]
    fmt = struct.Struct((">" if big_endian else "<") + base.code)
    out = b""
    for _ in range(count):
        roll = rng.random()
        if base.invalid is None:  # float32 / float64
            value: float | int = rng.choice([math.nan, math.inf, -math.inf, 0.0, 2.5e9])
            value = value if roll < 0.3 else rng.uniform(-1e6, 1e6)
        elif roll < 0.25:
            value = base.invalid
        else:
            bits = 8 * base.size
            signed = base.code.islower()
            low, high = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
            value = rng.choice(
                [low, high, 0, 1, rng.randint(low, high), min(rng.randint(0, 300), high)]
            )
        out += fmt.pack(value)
    return out


def _message(number: int, rng: random.Random) -> tuple[Layout, bytes]:
    """A definition of every field of message ``number`` (random base types and counts,
    strings, unknown fields between them) and one data message for it."""
    big_endian = rng.random() < 0.3
    fields: list[tuple[int, int, int]] = []
    body = b""
    for field_number in MESSAGES[number].fields:
        if rng.random() < 0.2:  # an unknown field: bytes the decoder skips
            size = rng.randint(1, 6)
            fields.append((UNKNOWN_FIELD, size, 13))
            body += bytes(rng.randrange(256) for _ in range(size))
        if rng.random() < 0.1:
            text = rng.choice([b"Forerunner\x00\x00", b"abc", b"\x00\x00\x00", b"caf\xc3\xa9 \xff"])
            fields.append((field_number, len(text), 7))
            body += text
            continue
        base_number = rng.choice(NUMERIC)
        count = 1 if rng.random() < 0.8 else rng.randint(2, 4)
        fields.append((field_number, count * BASE_TYPES[base_number].size, base_number))
        body += _value_bytes(base_number, count, big_endian, rng)
    layout = compile_layout(number, big_endian=big_endian, fields=tuple(fields))
    return layout, b"\x00" + body


@pytest.mark.parametrize("number", sorted(MESSAGES))
def test_decode_message_equals_the_field_by_field_reading(number: int) -> None:
    rng = random.Random(number)
    for _ in range(40):
        layout, message = _message(number, rng)
        buf = b"\xaa" * 3 + message + b"\xbb"
        got = decode_message(buf, 3, layout)
        want = _reference(buf, 3, layout)
        # equal values (NaN-free by construction: NaN and inf are invalid), keys in order
        assert list(got.items()) == list(want.items())
        assert [type(v) for v in got.values()] == [type(v) for v in want.values()]


def test_a_layout_of_strings_only_and_an_empty_layout_decode() -> None:
    file_id = next(n for n, m in MESSAGES.items() if m.name == "file_id")
    product_name = next(f for f, s in MESSAGES[file_id].fields.items() if s.name == "product_name")
    strings = compile_layout(file_id, big_endian=False, fields=((product_name, 6, 7),))
    assert decode_message(b"\x00Edge\x00\x00", 0, strings) == {"product_name": "Edge"}
    empty = compile_layout(file_id, big_endian=False, fields=((UNKNOWN_FIELD, 3, 13),))
    assert decode_message(b"\x00abc", 0, empty) == {}
