"""Decode a FIT file into plain data: message dicts, record columns, counts and warnings.

``decode_fit`` is fast on the common case (thousands of ``record`` messages sharing one
definition, decoded with numpy views) and exact on the rest (definitions, developer data,
compressed-timestamp headers of FR60/FR70-era files, chained files), checking the file CRC
(CRC-16/ARC, by the ``fastcrc`` package) by default. It knows nothing of the canonical
``Activity``; ``reader.read_fit`` maps its output to that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from backstride.errors import InvalidInput
from backstride.ingest.fit.columns import FloatArray, record_columns
from backstride.ingest.fit.header import corrupt
from backstride.ingest.fit.profile import FIT_EPOCH_UNIX_S, RELATIVE_TIME_LIMIT
from backstride.ingest.fit.walker import walk

Message = Mapping[str, object]


@dataclass(frozen=True, slots=True)
class FitData:
    """A decoded FIT file.

    ``messages`` holds the decoded non-record messages by profile name (``file_id``,
    ``session``, ``lap``, ``event``, ``device_info``, ``activity``, ``developer_data_id``,
    ``field_description``, ...) in file order; ``records`` holds one float64 column per record
    field seen (profile names, scaled; ``timestamp`` in Unix seconds, positions in degrees,
    NaN where a message lacks the field); ``counts`` counts every data message by name
    (``mesg_<n>`` for messages outside our profile subset, e.g. ``hrv`` is counted only).
    """

    messages: Mapping[str, tuple[Message, ...]]
    records: Mapping[str, FloatArray]
    n_records: int
    counts: Mapping[str, int]
    warnings: tuple[str, ...]
    n_files: int = 1

    def of(self, name: str) -> tuple[Message, ...]:
        """The decoded messages of one type (empty when the file has none)."""
        return self.messages.get(name, ())

    @property
    def file_type(self) -> str | None:
        """``file_id.type`` of the first file (``activity``, ``monitoring_b``, ...)."""
        for message in self.of("file_id"):
            value = message.get("type")
            if value is not None:
                return str(value)
        return None


DEVELOPER_NATIVE_RECORD_FIELDS = {3: "heart_rate", 7: "power"}
"""Developer fields declaring these native record fields (FIT ``field_description``
``native_field_num``) fill that column where the device wrote none: e.g. Stryd's Power on a
Forerunner 955. Only bpm and watts, whose units cannot differ; Stryd's vertical oscillation
(cm, not mm) or cadence (rpm) are not mapped."""


def developer_targets(
    descriptions: list[dict[str, object]],
) -> dict[tuple[int, int], tuple[str, int]]:
    """(developer data index, field number) -> (native record field, base type number)."""
    out: dict[tuple[int, int], tuple[str, int]] = {}
    for message in descriptions:
        native = message.get("native_field_num")
        index = message.get("developer_data_index")
        number = message.get("field_definition_number")
        base = message.get("fit_base_type_id")
        if message.get("native_mesg_num") != 20 or native not in DEVELOPER_NATIVE_RECORD_FIELDS:
            continue
        if isinstance(index, int) and isinstance(number, int) and isinstance(base, int):
            out[(index, number)] = (DEVELOPER_NATIVE_RECORD_FIELDS[native], base & 0x1F)
    return out


def decode_fit(data: bytes, *, check_crc: bool = True) -> FitData:
    """Decode FIT bytes; raise ``InvalidInput`` coded ``ingest.corrupt_file`` on damage.

    An activity file with neither records nor sessions raises ``ingest.empty_activity``.
    """
    buf = data if isinstance(data, bytes) else bytes(data)
    try:
        walked = walk(buf, check_crc=check_crc)
        targets = developer_targets(walked.messages.get("field_description", []))
        columns = record_columns(
            buf, walked.record_runs, walked.n_records, walked.compressed_times, targets
        )
    except InvalidInput:
        raise
    except (ArithmeticError, ValueError, IndexError, KeyError, TypeError, OSError) as exc:
        raise corrupt(f"FIT file could not be decoded: {exc}") from exc
    warnings = list(walked.warnings)
    times = columns.get("timestamp")
    if times is not None:
        relative = int(np.count_nonzero(times < FIT_EPOCH_UNIX_S + RELATIVE_TIME_LIMIT))
        if relative:
            warnings.append(f"{relative} record timestamps are relative (device time), not UTC")
    for column in columns.values():
        column.flags.writeable = False
    fit = FitData(
        messages=MappingProxyType({k: tuple(v) for k, v in walked.messages.items()}),
        records=MappingProxyType(columns),
        n_records=walked.n_records,
        counts=MappingProxyType(dict(walked.counts)),
        warnings=tuple(warnings),
        n_files=walked.n_files,
    )
    if fit.file_type == "activity" and not fit.n_records and not fit.of("session"):
        raise InvalidInput(
            "the FIT activity file holds no records and no session summary",
            code="ingest.empty_activity",
        )
    return fit


__all__ = ["FitData", "Message", "decode_fit"]
