"""The FIT profile subset backstride reads: base types, messages, fields and enum names.

The numbers come from the FIT protocol profile (Garmin FIT SDK ``Profile.xlsx``), taken from
fitdecode's generated ``profile.py`` (MIT) by ``scripts/gen_fit_profile.py`` into
``profile_data.py``. Unknown messages and fields are skipped by the decoder; unknown enum
values are rendered as their number in a string (``"255"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from backstride.ingest.fit.profile_data import ENUM_TEXT, MESSAGE_FIELDS, MESSAGE_NAMES

FIT_EPOCH_UNIX_S = 631_065_600
"""Seconds from 1970-01-01 to the FIT epoch 1989-12-31T00:00:00Z (FIT protocol, date_time)."""
RELATIVE_TIME_LIMIT = 0x10000000
"""FIT date_time values below this are seconds relative to device power-up, not absolute."""
SEMICIRCLE_DEG = 180.0 / 2**31
"""Degrees per semicircle (FIT position_lat/position_long)."""
TIMESTAMP_FIELD = 253
MESSAGE_INDEX_FIELD = 254

FILE_ID = 0
DEVICE_INFO = 23
SESSION = 18
LAP = 19
RECORD = 20
EVENT = 21
ACTIVITY = 34
HRV = 78
FIELD_DESCRIPTION = 206
DEVELOPER_DATA_ID = 207
COUNT_ONLY = frozenset({HRV})
"""Messages that are counted but not decoded (hrv: thousands of beat-interval arrays)."""


@dataclass(frozen=True, slots=True)
class BaseType:
    """One FIT base type: numpy/struct type code, size in bytes and the invalid raw value."""

    number: int
    name: str
    code: str
    size: int
    invalid: int | float | None


BASE_TYPES: dict[int, BaseType] = {
    0: BaseType(0, "enum", "B", 1, 0xFF),
    1: BaseType(1, "sint8", "b", 1, 0x7F),
    2: BaseType(2, "uint8", "B", 1, 0xFF),
    3: BaseType(3, "sint16", "h", 2, 0x7FFF),
    4: BaseType(4, "uint16", "H", 2, 0xFFFF),
    5: BaseType(5, "sint32", "i", 4, 0x7FFFFFFF),
    6: BaseType(6, "uint32", "I", 4, 0xFFFFFFFF),
    7: BaseType(7, "string", "s", 1, None),
    8: BaseType(8, "float32", "f", 4, None),
    9: BaseType(9, "float64", "d", 8, None),
    10: BaseType(10, "uint8z", "B", 1, 0),
    11: BaseType(11, "uint16z", "H", 2, 0),
    12: BaseType(12, "uint32z", "I", 4, 0),
    13: BaseType(13, "byte", "B", 1, 0xFF),
    14: BaseType(14, "sint64", "q", 8, 0x7FFFFFFFFFFFFFFF),
    15: BaseType(15, "uint64", "Q", 8, 0xFFFFFFFFFFFFFFFF),
    16: BaseType(16, "uint64z", "Q", 8, 0),
}
"""FIT base types by number (the low 5 bits of the base-type byte); floats use NaN."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One profile field: name, scale/offset (value = raw / scale - offset), units, type."""

    number: int
    name: str
    scale: float | None
    offset: float | None
    units: str | None
    type_name: str | None

    @property
    def is_time(self) -> bool:
        """True for FIT ``date_time`` fields (seconds since the FIT epoch, UTC)."""
        return self.type_name == "date_time"


@dataclass(frozen=True, slots=True)
class MessageSpec:
    """One profile message: its global number, name and known fields by field number."""

    number: int
    name: str
    fields: dict[int, FieldSpec]


def _parse_enum(text: str) -> dict[int, str]:
    out: dict[int, str] = {}
    for item in text.split():
        key, _, name = item.partition(":")
        out[int(key)] = name
    return out


ENUMS: dict[str, dict[int, str]] = {name: _parse_enum(text) for name, text in ENUM_TEXT.items()}
MESSAGES: dict[int, MessageSpec] = {
    number: MessageSpec(
        number,
        MESSAGE_NAMES[number],
        {f[0]: FieldSpec(f[0], f[1], f[3], f[4], f[5], f[6]) for f in fields},
    )
    for number, fields in MESSAGE_FIELDS.items()
}
GARMIN_MANUFACTURERS = frozenset({"garmin", "dynastream", "dynastream_oem", "tacx"})
"""Manufacturers whose ``product`` numbers are ``garmin_product`` values (FIT profile)."""


def enum_name(type_name: str, value: int) -> str:
    """The enum value's profile name, or the number as a string when unknown."""
    return ENUMS.get(type_name, {}).get(value, str(value))


@cache
def message_name(number: int) -> str:
    """The message's profile name, or ``mesg_<number>`` for messages we do not know."""
    spec = MESSAGES.get(number)
    return spec.name if spec else f"mesg_{number}"


def product_name(manufacturer: str | None, product: int) -> str:
    """The product's name (Garmin family products by name, others as ``"<number>"``)."""
    if manufacturer in GARMIN_MANUFACTURERS:
        return enum_name("garmin_product", product)
    return str(product)


__all__ = [
    "BASE_TYPES",
    "ENUMS",
    "FIT_EPOCH_UNIX_S",
    "MESSAGES",
    "SEMICIRCLE_DEG",
    "BaseType",
    "FieldSpec",
    "MessageSpec",
    "enum_name",
    "message_name",
    "product_name",
]
