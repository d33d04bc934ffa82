"""activities.hr_time: seconds at each heart rate, so training load never decodes streams

Revision ID: 0005_activity_hr_time
Revises: 0004_import_lease

Upgrade adds the column and fills it for every stored activity with streams (decoded once,
in batches); new imports fill it themselves. A row left NULL is computed from its streams when
the load is read, so nothing depends on the backfill having run.

Frozen: the stream decoding and the heart-rate time distribution are copied here as they were
when this revision was written (``ingest.streams.decode_streams`` and ``stored_values``,
``analytics.load_models.hr_time``, ``services.rows.activity.hr_time_blob``), so later changes
to the application cannot change what this migration writes. ``tests/store/
test_hr_time_migration.py`` checks that it writes what the application computes today.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Sequence

import numpy as np
import sqlalchemy as sa
from alembic import op

revision: str = "0005_activity_hr_time"
down_revision: str | None = "0004_import_lease"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 200


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hr_time", sa.LargeBinary(), nullable=True))
    _backfill()


def _backfill() -> None:
    bind = op.get_bind()
    acts = sa.table(
        "activities",
        sa.column("id", sa.String),
        sa.column("streams", sa.LargeBinary),
        sa.column("hr_time", sa.LargeBinary),
    )
    last = ""
    while True:
        rows = bind.execute(
            sa.select(acts.c.id, acts.c.streams)
            .where(acts.c.id > last, acts.c.streams.is_not(None), acts.c.hr_time.is_(None))
            .order_by(acts.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        values = [{"b_id": row.id, "b_hr_time": hr_time_from_streams(row.streams)} for row in rows]
        bind.execute(
            acts.update()
            .where(acts.c.id == sa.bindparam("b_id"))
            .values(hr_time=sa.bindparam("b_hr_time")),
            values,
        )
        last = rows[-1].id


# --- frozen copy of the application code of 2026-12 (never import backstride here) ---

_MAGIC = b"BSS1"
_TIME_S, _HR_BPM = "time_s", "hr_bpm"
_SCALES = {_TIME_S: 1000.0, _HR_BPM: 100.0}  # d4 resolution of the two channels used
_MAX_GAP_S = 30.0  # pauses count 0 (analytics.load_models.hr_time)


def _unshuffle(buf: bytes, n: int, dtype: str) -> np.ndarray:
    planes = np.frombuffer(buf, dtype=np.uint8, count=4 * n).reshape(4, n)
    return np.ascontiguousarray(planes.T).view(dtype).ravel()


def _decode_streams(blob: bytes) -> dict[str, np.ndarray]:
    """``BSS1`` blob -> ``{channel: float64 array}`` (NaN where a sample is missing)."""
    if not blob.startswith(_MAGIC):
        raise ValueError("not a backstride stream blob (BSS1)")
    (hlen,) = struct.unpack_from("<I", blob, 4)
    header = json.loads(blob[8 : 8 + hlen])
    payload = zlib.decompress(blob[8 + hlen :])
    n = int(header["n"])
    out: dict[str, np.ndarray] = {}
    offset = 0
    for name, codec, scale, has_mask in header["channels"]:
        chunk = payload[offset : offset + 4 * n]
        offset += 4 * n
        if codec == "f4":
            values = _unshuffle(chunk, n, "<f4").astype(np.float64)
        elif codec == "d4":
            ints = np.cumsum(_unshuffle(chunk, n, "<i4").astype(np.int64))
            values = ints / float(scale)
            if has_mask:
                nbytes = (n + 7) // 8
                mask = np.unpackbits(np.frombuffer(payload, np.uint8, nbytes, offset), count=n)
                offset += nbytes
                values[mask.astype(bool)] = np.nan
        else:
            raise ValueError(f"unknown stream codec {codec!r}")
        out[str(name)] = values
    return out


def _stored(name: str, values: np.ndarray) -> np.ndarray:
    scale = _SCALES[name]
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(v), np.round(v * scale) / scale, np.nan)


def _hr_time_blob(time_s: np.ndarray | None, hr_bpm: np.ndarray | None) -> bytes | None:
    """Seconds at each heart rate as ``values | seconds`` float64 columns; ``b""`` without HR."""
    if time_s is None or not len(time_s):
        return None
    if hr_bpm is None:
        return b""
    t, hr = _stored(_TIME_S, time_s), _stored(_HR_BPM, hr_bpm)
    if t.size < 2:
        return b""
    gaps = np.diff(t)
    gaps = np.where((gaps > 0) & (gaps <= _MAX_GAP_S), gaps, 0.0)
    head = hr[:-1]
    valid = np.isfinite(head)
    if not valid.any():
        return b""
    values, which = np.unique(head[valid], return_inverse=True)
    seconds = np.asarray(
        np.bincount(which, weights=gaps[valid], minlength=values.size), dtype=np.float64
    )
    return np.concatenate([values, seconds]).astype("<f8").tobytes()


def hr_time_from_streams(blob: bytes | None) -> bytes | None:
    """The stored heart-rate time distribution of a stream blob; None when there is no blob
    or it cannot be read (the session mean HR is used then)."""
    if not blob:
        return None
    try:
        channels = _decode_streams(blob)
    except (ValueError, KeyError, struct.error, zlib.error):  # a damaged blob
        return None
    return _hr_time_blob(channels.get(_TIME_S), channels.get(_HR_BPM))


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("hr_time")
