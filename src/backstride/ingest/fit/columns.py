"""Record messages into float64 columns, all at once with numpy structured views.

Every run of records found by the walker is viewed in place (``np.frombuffer`` with the
definition's structured dtype, byte order included); runs sharing a definition are gathered
together, so each field of each definition costs a handful of vectorised operations whatever
the number of messages. Raw values become ``raw / scale - offset``; a base type's invalid
marker (0xFF.., or NaN for floats) becomes NaN; semicircles become degrees; timestamps become
Unix seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from backstride.ingest.fit.layout import Layout
from backstride.ingest.fit.profile import BASE_TYPES, FIT_EPOCH_UNIX_S, SEMICIRCLE_DEG, FieldSpec
from backstride.ingest.fit.walker import RecordRun

_Columns = Callable[[bytes, int, int, bytes, bytes, bytes, bytes], bytearray | None]
try:  # the compiled pass (docs/decisions/0071); without a compiler at install: numpy
    from backstride.ingest._fitrecords import columns as _compiled_columns

    COLUMNS: _Columns | None = _compiled_columns
except ImportError:  # pragma: no cover - depends on the build
    COLUMNS = None

FloatArray = npt.NDArray[np.float64]
Rows = npt.NDArray[np.void]
_GATHER_MIN_RUNS = 8
_CSD = "compressed_speed_distance"
_CSD_DISTANCE_RAW = "_compressed_distance_raw"
_DEV = "_developer_"


def record_columns(
    buf: bytes,
    runs: list[RecordRun],
    n_records: int,
    compressed_times: list[tuple[int, int]],
    dev_targets: Mapping[tuple[int, int], tuple[str, int]] | None = None,
) -> dict[str, FloatArray]:
    """Columns by profile field name for ``n_records`` records in file order.

    ``dev_targets`` maps developer fields ((data index, field number)) that stand for a native
    record field to (that field's name, base type); they fill the native column's gaps.
    """
    by_layout: dict[Layout, list[RecordRun]] = {}
    for run in runs:
        by_layout.setdefault(run[0], []).append(run)
    columns: dict[str, FloatArray] = {}
    plain = _compiled_plain(buf, by_layout, n_records) if COLUMNS is not None else None
    for layout, parts in by_layout.items():
        if plain is None:
            _numpy_layout(buf, layout, parts, columns, n_records)
        else:  # the compiled columns, inserted in the numpy path's order
            for slot in layout.slots:
                if slot.fmt is not None:
                    columns.setdefault(slot.spec.name, plain[slot.spec.name])
        if layout.dev_slots and dev_targets:
            _developer_columns(buf, layout, parts, dev_targets, columns, n_records)
    if compressed_times:
        at = np.array([i for i, _ in compressed_times], dtype=np.int64)
        ts = np.array([t for _, t in compressed_times], dtype=np.float64) + FIT_EPOCH_UNIX_S
        _put(columns, "timestamp", ts, at, n_records)
    if _CSD_DISTANCE_RAW in columns:
        _accumulate_distance(columns)
    for name in [n for n in columns if n.startswith(_DEV)]:
        derived, native = columns.pop(name), name[len(_DEV) :]
        if not (derived > 0).any():  # an app field with nothing but zeros: no sensor
            continue
        column = columns.get(native)
        if column is None:
            columns[native] = derived
        else:
            gaps = ~np.isfinite(column)
            column[gaps] = derived[gaps]
    return columns


def _numpy_layout(
    buf: bytes,
    layout: Layout,
    parts: list[RecordRun],
    columns: dict[str, FloatArray],
    n_records: int,
) -> None:
    """The numeric fields of one layout's records into ``columns``, with numpy."""
    rows, where = _rows(buf, layout, parts)
    for slot in layout.slots:
        if slot.fmt is None:
            continue
        raw = rows[slot.spec.name]
        if slot.spec.name == _CSD:
            _compressed_speed_distance(raw, where, columns, n_records)
            continue
        if raw.ndim > 1:
            raw = raw[:, 0]
        values = _to_float(raw, slot.base.invalid, slot.spec)
        _put(columns, slot.spec.name, values, where, n_records)


_TYPES = {"B": 1, "b": 2, "H": 3, "h": 4, "I": 5, "i": 6, "Q": 7, "q": 8, "f": 9, "d": 10}
_KINDS = {"position_lat": 1, "position_long": 1}
_U64 = 2**64


_Plain = tuple[tuple[str, tuple[int, ...], tuple[float, float]], ...]


@lru_cache(maxsize=1024)
def _plain_slots(layout: Layout) -> _Plain | None:
    """Per numeric field of a layout: its name, its compiled-table row (offset, type, kind,
    has invalid marker, marker, divide, subtract) and (scale, offset); None when the layout
    needs the numpy path (a compressed speed/distance field, a field name twice)."""
    names: list[str] = []
    rows: list[tuple[str, tuple[int, ...], tuple[float, float]]] = []
    for slot in layout.slots:
        if slot.fmt is None:
            continue
        spec, base = slot.spec, slot.base
        if spec.name == _CSD or spec.name in names or base.code not in _TYPES:
            return None
        kind = 2 if spec.is_time else _KINDS.get(spec.name, 0)
        invalid = base.invalid if isinstance(base.invalid, int) else 0
        if invalid >= 2**63:
            invalid -= _U64  # the same 64 bits, as int64
        divide = spec.scale is not None and spec.scale != 1
        names.append(spec.name)
        row = (slot.offset, _TYPES[base.code], kind, base.invalid is not None, invalid, divide)
        scales = (float(spec.scale or 1), float(spec.offset or 0))
        rows.append((spec.name, (*row, bool(spec.offset)), scales))
    return tuple(rows)


def _compiled_plain(
    buf: bytes, by_layout: Mapping[Layout, list[RecordRun]], n_records: int
) -> dict[str, FloatArray] | None:
    """Every numeric record field's column by the compiled pass (``_fitrecords.c``), in the
    numpy path's order; None when a layout or the compiled pass leaves it to numpy."""
    assert COLUMNS is not None
    index: dict[str, int] = {}
    run_rows: list[tuple[int, ...]] = []
    slot_rows: list[tuple[int, ...]] = []
    scales: list[tuple[float, float]] = []
    big: list[int] = []
    for number, (layout, parts) in enumerate(by_layout.items()):
        table = _plain_slots(layout)
        if table is None:
            return None
        for run in parts:
            run_rows.append((number, *run[1:], layout.size))
            big.append(layout.big_endian)
        for name, row, scale in table:
            column = index.setdefault(name, len(index))
            slot_rows.append((number, row[0], row[1], column, *row[2:]))
            scales.append(scale)
    block = COLUMNS(
        buf,
        n_records,
        len(index),
        np.array(run_rows, dtype=np.int64).tobytes(),
        np.array(slot_rows, dtype=np.int64).tobytes(),
        np.array(scales, dtype=np.float64).tobytes(),
        np.array(big, dtype=np.int64).tobytes(),
    )
    if block is None:
        return None
    values = np.frombuffer(block, dtype=np.float64).reshape(len(index), n_records)
    return {name: values[k] for name, k in index.items()}


def _developer_columns(
    buf: bytes,
    layout: Layout,
    parts: list[RecordRun],
    targets: Mapping[tuple[int, int], tuple[str, int]],
    columns: dict[str, FloatArray],
    n_records: int,
) -> None:
    endian = ">" if layout.big_endian else "<"
    for dev_index, number, offset, size in layout.dev_slots:
        target = targets.get((dev_index, number))
        base = BASE_TYPES.get(target[1]) if target else None
        if target is None or base is None or base.code == "s" or size != base.size:
            continue
        dtype = np.dtype(
            {
                "names": ["v"],
                "formats": [endian + base.code],
                "offsets": [offset],
                "itemsize": layout.size,
            }
        )
        rows, where = _rows(buf, layout, parts, dtype)
        raw = rows["v"]
        values = raw.astype(np.float64)
        if base.invalid is not None:
            values[raw == base.invalid] = np.nan
        _put(columns, _DEV + target[0], values, where, n_records)


Where = slice | npt.NDArray[np.int64]


def _view(buf: bytes, dtype: np.dtype[np.void], pos: int, count: int, stride: int) -> Rows:
    return np.ndarray((count,), dtype=dtype, buffer=buf, offset=pos, strides=(stride,))


def _rows(
    buf: bytes, layout: Layout, parts: list[RecordRun], dtype: np.dtype[np.void] | None = None
) -> tuple[Rows, Where]:
    """The structured rows of every message with this layout, and their record indices."""
    dtype = layout.dtype() if dtype is None else dtype
    if len(parts) == 1:
        _, pos, count, stride, first, step = parts[0]
        return _view(buf, dtype, pos, count, stride), slice(first, first + count * step, step)
    table = np.array([run[1:] for run in parts], dtype=np.int64)
    starts, counts, strides, firsts, steps = table.T
    within = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    where = np.repeat(firsts, counts) + within * np.repeat(steps, counts)
    if len(parts) < _GATHER_MIN_RUNS:
        views = [_view(buf, dtype, run[1], run[2], run[3]) for run in parts]
        return np.concatenate(views), where
    offsets = np.repeat(starts, counts) + within * np.repeat(strides, counts)
    arr = np.frombuffer(buf, dtype=np.uint8)
    block = arr[offsets[:, None] + np.arange(layout.size, dtype=np.int64)]
    return block.view(dtype)[:, 0], where


def _to_float(
    raw: npt.NDArray[np.generic], invalid: int | float | None, spec: FieldSpec
) -> FloatArray:
    values = raw.astype(np.float64)
    if invalid is not None:
        values[raw == invalid] = np.nan
    if spec.name in ("position_lat", "position_long"):
        values *= SEMICIRCLE_DEG
    elif spec.is_time:
        values += FIT_EPOCH_UNIX_S
    else:
        if spec.scale is not None and spec.scale != 1:
            values /= spec.scale
        if spec.offset:
            values -= spec.offset
    return values


def _put(
    columns: dict[str, FloatArray],
    name: str,
    values: FloatArray,
    where: Where,
    n_records: int,
) -> None:
    column = columns.get(name)
    if column is None:
        if isinstance(where, slice) and (where.start, where.stop, where.step) == (0, n_records, 1):
            columns[name] = values  # every record, in order: a fresh array of ours already
            return
        column = columns[name] = np.full(n_records, np.nan)
    column[where] = values


def _compressed_speed_distance(
    raw: npt.NDArray[np.generic],
    where: Where,
    columns: dict[str, FloatArray],
    n_records: int,
) -> None:
    """FIT record.compressed_speed_distance: 3 bytes, speed 12 bits /100 m/s, distance 12 bits
    /16 m accumulated (FIT profile components of record field 8)."""
    if raw.ndim != 2 or raw.shape[1] < 3:
        return
    b = raw[:, :3].astype(np.int64)
    invalid = (b == 0xFF).all(axis=1)
    speed = ((b[:, 0] | ((b[:, 1] & 0x0F) << 8)) / 100.0).astype(np.float64)
    dist = ((b[:, 1] >> 4) | (b[:, 2] << 4)).astype(np.float64)
    speed[invalid] = np.nan
    dist[invalid] = np.nan
    _put(columns, "_compressed_speed", speed, where, n_records)
    _put(columns, _CSD_DISTANCE_RAW, dist, where, n_records)


def _accumulate_distance(columns: dict[str, FloatArray]) -> None:
    raw = columns.pop(_CSD_DISTANCE_RAW)
    speed = columns.pop("_compressed_speed")
    ok = np.isfinite(raw)
    if not ok.any():
        return
    steps = np.diff(raw[ok], prepend=0.0) % 4096.0
    total = np.full(raw.shape, np.nan)
    total[ok] = np.cumsum(steps) / 16.0
    for name, derived in (("distance", total), ("speed", speed)):
        column = columns.get(name)
        if column is None:
            columns[name] = derived
        else:
            gaps = ~np.isfinite(column)
            column[gaps] = derived[gaps]


__all__ = ["FloatArray", "record_columns"]
