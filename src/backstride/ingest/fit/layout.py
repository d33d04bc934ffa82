"""FIT definition messages compiled into byte layouts, and the per-message decoder.

A definition message says, for one local message type, which fields follow in each data
message, their sizes, base types and byte order. ``compile_layout`` turns it into a
``Layout`` (cached: devices repeat the same definitions in every file) that both the
vectorised record path (a numpy structured dtype) and ``decode_message`` (``struct``) use.
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from backstride.ingest.fit.profile import (
    BASE_TYPES,
    ENUMS,
    FIT_EPOCH_UNIX_S,
    MESSAGES,
    TIMESTAMP_FIELD,
    BaseType,
    FieldSpec,
    enum_name,
)

FieldDef = tuple[int, int, int]
"""(field number, size in bytes, base-type number) as read from a definition message."""


@dataclass(frozen=True, slots=True)
class FieldSlot:
    """Where one known profile field sits in a data message (offset counts the header)."""

    spec: FieldSpec
    base: BaseType
    offset: int
    count: int
    fmt: struct.Struct | None


@dataclass(frozen=True, slots=True, eq=False)
class Layout:
    """A compiled definition: total message size (header byte included) and known fields.

    Compared and hashed by identity: ``compile_layout`` hands out one object per definition.
    """

    global_num: int
    size: int
    big_endian: bool
    slots: tuple[FieldSlot, ...]
    timestamp_offset: int
    timestamp_fmt: struct.Struct | None
    misaligned: tuple[str, ...]
    dev_slots: tuple[tuple[int, int, int, int], ...] = ()
    """Developer fields: (developer data index, field number, offset, size)."""

    def dtype(self) -> np.dtype[np.void]:
        """A numpy structured dtype over whole messages (header byte included) for the slots."""
        return _dtype(self)


@lru_cache(maxsize=4096)
def compile_layout(
    global_num: int,
    *,
    big_endian: bool,
    fields: tuple[FieldDef, ...],
    dev_fields: tuple[FieldDef, ...] = (),
) -> Layout:
    """Compile one definition; fields the profile does not know are skipped (bytes only)."""
    endian = ">" if big_endian else "<"
    spec = MESSAGES.get(global_num)
    slots: list[FieldSlot] = []
    misaligned: list[str] = []
    offset = 1
    ts_offset, ts_fmt = -1, None
    for number, size, base_number in fields:
        base = BASE_TYPES[base_number]
        if number == TIMESTAMP_FIELD and size == 4 and base.size == 4 and base.code != "f":
            ts_offset, ts_fmt = offset, struct.Struct(endian + "I")
        field = spec.fields.get(number) if spec else None
        if field is not None and size > 0:
            if base.code == "s":
                slots.append(FieldSlot(field, base, offset, size, None))
            elif size % base.size:
                misaligned.append(field.name)
            else:
                count = size // base.size
                fmt = struct.Struct(f"{endian}{count}{base.code}")
                slots.append(FieldSlot(field, base, offset, count, fmt))
        offset += size
    dev_slots = []
    for number, size, dev_index in dev_fields:
        dev_slots.append((dev_index, number, offset, size))
        offset += size
    return Layout(
        global_num,
        offset,
        big_endian,
        tuple(slots),
        ts_offset,
        ts_fmt,
        tuple(misaligned),
        tuple(dev_slots),
    )


@lru_cache(maxsize=1024)
def _dtype(layout: Layout) -> np.dtype[np.void]:
    endian = ">" if layout.big_endian else "<"
    names, formats, offsets = [], [], []
    for slot in layout.slots:
        if slot.base.code == "s":
            continue
        code = np.dtype(endian + slot.base.code)
        names.append(slot.spec.name)
        formats.append(code if slot.count == 1 else np.dtype((code, (slot.count,))))
        offsets.append(slot.offset)
    return np.dtype(
        {"names": names, "formats": formats, "offsets": offsets, "itemsize": layout.size}
    )


def _scaled(spec: FieldSpec, base: BaseType, raw: int | float) -> object:
    """One raw value as ``decode_message`` returns it (None: invalid); the reference for the
    converters ``_plan`` compiles (a test compares both on every field of the profile)."""
    if base.invalid is None:
        if raw != raw or raw in (_INF, -_INF):  # NaN or infinite float
            return None
    elif raw == base.invalid:
        return None
    if spec.type_name is not None and spec.type_name in _ENUM_TYPES:
        return enum_name(spec.type_name, int(raw))
    if spec.is_time:
        if not 0 <= raw <= _MAX_TIME:
            return None
        return dt.datetime.fromtimestamp(int(raw) + FIT_EPOCH_UNIX_S, tz=dt.UTC)
    if (spec.scale is not None and spec.scale != 1) or spec.offset:
        return raw / (spec.scale or 1) - (spec.offset or 0)
    return raw


_INF = float("inf")
_MAX_TIME = 0xFFFFFFFE
_ENUM_TYPES = frozenset(ENUMS)
_Convert = Callable[[Any], object]


def _converter(spec: FieldSpec, base: BaseType) -> _Convert:
    """``_scaled`` for one (field, base type), its branches chosen once (a closure each)."""
    invalid = base.invalid
    if spec.type_name is not None and spec.type_name in _ENUM_TYPES:
        names = ENUMS[spec.type_name]
        if invalid is None:
            return lambda raw: _scaled(spec, base, raw)  # an enum stored as a float: rare
        return lambda raw: None if raw == invalid else names.get(int(raw), str(int(raw)))
    if spec.is_time or invalid is None:
        return lambda raw: _scaled(spec, base, raw)
    if (spec.scale is not None and spec.scale != 1) or spec.offset:
        scale, offset = spec.scale or 1, spec.offset or 0
        return lambda raw: None if raw == invalid else raw / scale - offset
    return lambda raw: None if raw == invalid else raw


_Step = tuple[str, int, int, "_Convert | None"]
"""(field name, index of its first value in the unpacked tuple or its byte offset for a string,
value count or string size, converter: None for a string)."""


@lru_cache(maxsize=4096)
def _plan(layout: Layout) -> tuple[struct.Struct | None, int, tuple[_Step, ...]]:
    """One ``struct`` over every numeric field of ``layout`` (gaps skipped as pad bytes), where
    it starts, and each field's step in message order."""
    endian = ">" if layout.big_endian else "<"
    parts: list[str] = []
    steps: list[_Step] = []
    numeric = [s for s in layout.slots if s.fmt is not None]
    first = numeric[0].offset if numeric else 0
    at, index = first, 0
    for slot in layout.slots:
        if slot.fmt is None:
            steps.append((slot.spec.name, slot.offset, slot.count, None))
            continue
        if slot.offset > at:
            parts.append(f"{slot.offset - at}x")
        parts.append(f"{slot.count}{slot.base.code}")
        at = slot.offset + slot.count * slot.base.size
        steps.append((slot.spec.name, index, slot.count, _converter(slot.spec, slot.base)))
        index += slot.count
    fmt = struct.Struct(endian + "".join(parts)) if parts else None
    return fmt, first, tuple(steps)


def decode_message(buf: bytes, pos: int, layout: Layout) -> dict[str, object]:
    """Decode one data message at ``pos`` (its header byte) into ``{field name: value}``.

    Values are scaled, enums named, ``date_time`` fields aware UTC datetimes; invalid values
    (the base type's 0xFF.. marker) are left out, as are fields the profile does not know.
    Every numeric field is unpacked by one ``struct`` call (``_plan``).
    """
    fmt, first, steps = _plan(layout)
    raws = fmt.unpack_from(buf, pos + first) if fmt is not None else ()
    out: dict[str, object] = {}
    for name, index, count, convert in steps:
        if convert is None:
            start = pos + index
            raw_bytes = buf[start : start + count].split(b"\x00", 1)[0]
            if raw_bytes:
                out[name] = raw_bytes.decode("utf-8", errors="replace")
        elif count == 1:
            value = convert(raws[index])
            if value is not None:
                out[name] = value
        else:
            values = tuple(convert(raw) for raw in raws[index : index + count])
            if any(v is not None for v in values):
                out[name] = values
    return out


__all__ = ["FieldDef", "FieldSlot", "Layout", "compile_layout", "decode_message"]
