"""Walk a FIT file's messages: definitions, runs and cycles of data messages, timestamps.

FIT layout (Garmin FIT protocol, "FIT File Structure"): header (see ``header.py``), messages,
CRC; several such files may be chained. Each message starts with a header byte: definition
(bit 6), data (bit 6 clear) or compressed-timestamp data (bit 7; local type in bits 5-6,
seconds offset in bits 0-4, added to the last full timestamp with a 32 s roll-over).

Runs of consecutive data messages that share one header byte (thousands of ``record``
messages) are found with one strided numpy comparison, and records interleaved with other
messages in a repeating pattern (record, hrv, record, hrv, ...) as cycles; both are handed on
as ``RecordRun`` tuples without touching their bytes in Python. Other known messages are
decoded one by one; unknown ones are only counted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import struct
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from backstride.errors import InvalidInput
from backstride.ingest.fit.header import corrupt, data_bounds, read_header
from backstride.ingest.fit.layout import FieldDef, Layout, compile_layout, decode_message
from backstride.ingest.fit.profile import (
    BASE_TYPES,
    COUNT_ONLY,
    FIT_EPOCH_UNIX_S,
    MESSAGES,
    RECORD,
    message_name,
)

_U16 = (struct.Struct("<H"), struct.Struct(">H"))
_FIRST_CHUNK = 32
_TS_INVALID = 0xFFFFFFFF
_MAX_CYCLE = 16
_PYTHON_CYCLES = 4
SALVAGE_MIN_SHARE = 0.5
"""A truncated FIT file is read up to the cut when at least half of the data its header
announces is there and decodes [default]; with less it is refused (``ingest.corrupt_file``)."""

RecordRun = tuple[Layout, int, int, int, int, int]
"""(layout, byte offset, count, byte stride, first record index, record index step)."""


@dataclass(slots=True)
class Walk:
    """What a walk found: record runs, decoded other messages, counts and warnings."""

    record_runs: list[RecordRun] = field(default_factory=list)
    compressed_times: list[tuple[int, int]] = field(default_factory=list)
    n_records: int = 0
    messages: dict[str, list[dict[str, object]]] = field(default_factory=lambda: defaultdict(list))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    warnings: list[str] = field(default_factory=list)
    n_files: int = 0
    complete_to: int = 0
    """Byte offset after the last message decoded whole (where a salvage stops)."""


def walk(buf: bytes, *, check_crc: bool = True) -> Walk:
    """Walk every chained FIT file in ``buf``; raise ``ingest.corrupt_file`` on damage.

    A file cut short (the last of a chain) is read up to its last complete message when at
    least ``SALVAGE_MIN_SHARE`` of its announced data decodes; a warning says so."""
    result = Walk()
    arr = np.frombuffer(buf, dtype=np.uint8)
    pos, size = 0, len(buf)
    while pos < size:
        if result.n_files and not arr[pos:].any():
            result.warnings.append(f"{size - pos} zero bytes after the last FIT file ignored")
            break
        try:
            start, end = read_header(buf, pos, check_crc=check_crc)
        except InvalidInput as exc:
            if "truncated" not in exc.detail:
                raise
            _salvage(buf, arr, pos, result, exc, check_crc=check_crc)
            result.n_files += 1
            break
        _walk_messages(buf, arr, start, end, result)
        result.n_files += 1
        pos = end + 2
    if not result.n_files:
        raise corrupt("not a FIT file: it is empty")
    return result


def _salvage(
    buf: bytes,
    arr: npt.NDArray[np.uint8],
    pos: int,
    result: Walk,
    cause: InvalidInput,
    *,
    check_crc: bool,
) -> None:
    """Read a truncated file up to its last complete message, or re-raise ``cause``."""
    start, end, present = data_bounds(buf, pos, check_crc=check_crc)
    records_before = result.n_records
    result.complete_to = start
    # stops at the message cut by the end of the file (or at damage before it)
    with contextlib.suppress(InvalidInput):
        _walk_messages(buf, arr, start, start + present, result)
    announced = end - start
    decoded = result.complete_to - start
    if announced <= 0 or decoded < SALVAGE_MIN_SHARE * announced:
        raise cause
    result.warnings.append(
        f"FIT file truncated: {decoded:,} of the {announced:,} data bytes its header announces "
        f"decode; the {result.n_records - records_before:,} complete records before the cut kept"
    )


def _walk_messages(
    buf: bytes, arr: npt.NDArray[np.uint8], pos: int, end: int, result: Walk
) -> None:
    local: list[Layout | None] = [None] * 16
    state = _Cursor()
    while pos < end:
        head = buf[pos]
        if head & 0x80:
            state.cycle_start = -1
            layout = local[(head >> 5) & 0x03]
            if layout is None:
                raise corrupt(f"local message {(head >> 5) & 3} used before its definition")
            last = state.last_timestamp(buf)
            if last < 0:
                raise corrupt(f"compressed timestamp at byte {pos} with no timestamp before it")
            offset = head & 0x1F
            state.last_ts = (last & ~0x1F) + offset + (0x20 if offset < (last & 0x1F) else 0)
            if pos + layout.size > end:
                raise corrupt(f"FIT message at byte {pos} runs past the end of the data")
            _take(buf, layout, pos, 1, layout.size, result, state.last_ts)
            pos += layout.size
            result.complete_to = pos
            continue
        if head & 0x40:
            state.cycle_start = -1
            pos = _definition(buf, pos, end, head, local, result)
            result.complete_to = pos
            continue
        layout = local[head & 0x0F]
        if layout is None:
            raise corrupt(f"FIT data message at byte {pos}: local message {head} not defined")
        step = layout.size
        if pos + step > end:
            raise corrupt(f"FIT message at byte {pos} runs past the end of the data")
        if state.cycle_start >= 0 and head == buf[state.cycle_start]:
            cycles = _repeat_cycles(buf, arr, pos, end, state)
            if cycles:
                pos = _take_cycles(buf, pos, cycles, state, result)
                result.complete_to = pos
                continue
        count = 1
        if pos + 2 * step <= end and buf[pos + step] == head:
            count = _run_length(arr, pos, step, head, end)
        _take(buf, layout, pos, count, step, result, -1)
        state.note(layout, pos, count, head, buf)
        pos += count * step
        result.complete_to = pos


class _Cursor:
    """Walk state: the last timestamp and the candidate cycle since the last record."""

    __slots__ = ("cycle", "cycle_start", "last_ts", "ts_at")

    def __init__(self) -> None:
        self.last_ts = -1
        self.ts_at: tuple[Layout, int] | None = None
        self.cycle_start = -1
        self.cycle: list[tuple[int, int, Layout]] = []

    def last_timestamp(self, buf: bytes) -> int:
        """The last timestamp seen (read only now: few files need it, for compressed headers)."""
        if self.ts_at is not None:
            layout, at = self.ts_at
            assert layout.timestamp_fmt is not None
            value = layout.timestamp_fmt.unpack_from(buf, at + layout.timestamp_offset)[0]
            if value != _TS_INVALID:
                self.last_ts = value
            self.ts_at = None
        return self.last_ts

    def note(self, layout: Layout, pos: int, count: int, head: int, buf: bytes) -> None:
        """Remember the timestamp and extend (or restart) the candidate repeating cycle."""
        step = layout.size
        if layout.timestamp_fmt is not None:
            self.ts_at = (layout, pos + (count - 1) * step)
        if layout.global_num == RECORD:
            self.cycle_start = pos + (count - 1) * step
            self.cycle = [(0, head, layout)]
        elif self.cycle_start >= 0:
            if len(self.cycle) + count > _MAX_CYCLE:
                self.cycle_start = -1
                return
            for k in range(count):
                self.cycle.append((pos + k * step - self.cycle_start, head, layout))


def _repeat_cycles(
    buf: bytes, arr: npt.NDArray[np.uint8], pos: int, end: int, state: _Cursor
) -> int:
    """How many times the message pattern seen since the last record repeats from ``pos``.

    Records interleaved with other messages (record, hrv, record, hrv, ...) repeat with a
    fixed period; every header byte of every cycle is checked, so a match proves the layout.
    """
    cycle = state.cycle
    period = pos - state.cycle_start
    if len(cycle) < 2 or pos + period > end:
        return 0
    limit = (end - pos) // period
    count = 0
    while count < min(limit, _PYTHON_CYCLES):  # short repeats: no numpy call
        base = pos + count * period
        for offset, head, _ in cycle:
            if buf[base + offset] != head:
                return count
        count += 1
    chunk = _FIRST_CHUNK
    while count < limit:
        take = min(chunk, limit - count)
        first = pos + count * period
        ok = np.ones(take, dtype=bool)
        for offset, head, _ in cycle:
            ok &= arr[first + offset : first + offset + take * period : period] == head
        misses = np.flatnonzero(~ok)
        if misses.size:
            return count + int(misses[0])
        count += take
        chunk *= 4
    return count


def _take_cycles(buf: bytes, pos: int, cycles: int, state: _Cursor, result: Walk) -> int:
    """Hand on ``cycles`` repeats of the current cycle from ``pos``; return the end position."""
    period = pos - state.cycle_start
    records = [entry for entry in state.cycle if entry[2].global_num == RECORD]
    first_index = result.n_records
    rank = 0
    for offset, _, layout in state.cycle:
        if layout.global_num == RECORD:
            result.record_runs.append(
                (layout, pos + offset, cycles, period, first_index + rank, len(records))
            )
            result.counts["record"] += cycles
            rank += 1
        else:
            _take(buf, layout, pos + offset, cycles, period, result, -1)
    result.n_records = first_index + cycles * len(records)
    last_cycle = pos + (cycles - 1) * period
    for offset, head, layout in state.cycle:
        state.note(layout, last_cycle + offset, 1, head, buf)
    state.cycle_start = -1
    return pos + cycles * period


def _definition(
    buf: bytes, pos: int, end: int, head: int, local: list[Layout | None], result: Walk
) -> int:
    if pos + 6 > end:
        raise corrupt(f"FIT definition at byte {pos} runs past the end of the data")
    arch = buf[pos + 2]
    if arch > 1:
        raise corrupt(f"FIT definition at byte {pos}: unknown byte order {arch}")
    global_num = _U16[arch].unpack_from(buf, pos + 3)[0]
    n_fields = buf[pos + 5]
    q = pos + 6
    if q + 3 * n_fields > end:
        raise corrupt(f"FIT definition at byte {pos} runs past the end of the data")
    fields: list[FieldDef] = []
    for i in range(q, q + 3 * n_fields, 3):
        base_number = buf[i + 2] & 0x1F
        if base_number not in BASE_TYPES:
            raise corrupt(f"FIT definition at byte {pos}: invalid base type {buf[i + 2]:#x}")
        fields.append((buf[i], buf[i + 1], base_number))
    q += 3 * n_fields
    dev_fields: list[FieldDef] = []
    if head & 0x20:
        if q + 1 > end or q + 1 + 3 * buf[q] > end:
            raise corrupt(f"FIT definition at byte {pos} runs past the end of the data")
        n_dev = buf[q]
        dev_fields = [(buf[i], buf[i + 1], buf[i + 2]) for i in range(q + 1, q + 1 + 3 * n_dev, 3)]
        q += 1 + 3 * n_dev
    layout = compile_layout(
        global_num, big_endian=arch == 1, fields=tuple(fields), dev_fields=tuple(dev_fields)
    )
    for name in layout.misaligned:
        note = f"{message_name(global_num)}.{name}: field size does not fit its type; skipped"
        if note not in result.warnings:
            result.warnings.append(note)
    local[head & 0x0F] = layout
    return q


def _run_length(arr: npt.NDArray[np.uint8], pos: int, step: int, head: int, end: int) -> int:
    """How many messages from ``pos`` on, ``step`` bytes apart, start with ``head``."""
    limit = (end - pos) // step
    count, chunk = 1, _FIRST_CHUNK
    while count < limit:
        take = min(chunk, limit - count)
        first = pos + count * step
        heads = arr[first : first + take * step : step]
        misses = np.flatnonzero(heads != head)
        if misses.size:
            return count + int(misses[0])
        count += take
        chunk *= 4
    return count


def _take(
    buf: bytes, layout: Layout, pos: int, count: int, stride: int, result: Walk, ts: int
) -> None:
    number = layout.global_num
    name = message_name(number)
    result.counts[name] += count
    if number == RECORD:
        result.record_runs.append((layout, pos, count, stride, result.n_records, 1))
        if ts >= 0:
            result.compressed_times.append((result.n_records, ts))
        result.n_records += count
    elif number in MESSAGES and number not in COUNT_ONLY:
        bucket = result.messages[name]
        for k in range(count):
            message = decode_message(buf, pos + k * stride, layout)
            if ts >= 0:
                message["timestamp"] = dt.datetime.fromtimestamp(ts + FIT_EPOCH_UNIX_S, tz=dt.UTC)
            bucket.append(message)


__all__ = ["RecordRun", "Walk", "walk"]
