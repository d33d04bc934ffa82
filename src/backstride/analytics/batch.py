"""Large clinics in cache-sized blocks of runners, optionally on several threads.

The metrics are the same :func:`~backstride.analytics.engine.analyse` pass; splitting the
runners into blocks keeps every temporary grid small (fewer page faults, better cache use) and
numpy releases the GIL inside its loops, so blocks run in parallel threads. All blocks share
one calendar (``first_date``) so their day columns line up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields

import numpy as np

from backstride.analytics.engine import ClinicAnalysis, analyse
from backstride.analytics.inputs import ActivityTable, AnalyticsOptions, RunnerProfile

DEFAULT_BLOCK = 512


@dataclass(frozen=True, slots=True)
class ClinicBatch:
    """Blocks of analysed runners; ``locate(r)`` gives the block and the index inside it."""

    blocks: tuple[ClinicAnalysis, ...]
    block_size: int

    def locate(self, runner: int) -> tuple[ClinicAnalysis, int]:
        """The block holding runner ``runner`` (batch index) and its index in that block."""
        return self.blocks[runner // self.block_size], runner % self.block_size


def _slice(table: ActivityTable, lo: int, hi: int, offset: int) -> ActivityTable:
    values = {}
    for f in fields(table):
        col = getattr(table, f.name)
        values[f.name] = col[lo:hi] if col.size == len(table) else col
    values["runner_index"] = table.runner_index[lo:hi] - offset
    return ActivityTable(**values)


def analyse_batch(
    table: ActivityTable,
    profiles: Sequence[RunnerProfile],
    *,
    today: dt.date,
    options: AnalyticsOptions | None = None,
    block_size: int = DEFAULT_BLOCK,
    workers: int = 1,
) -> ClinicBatch:
    """Analyse every runner in blocks of ``block_size`` on ``workers`` threads."""
    ri = table.runner_index
    if ri.size > 1 and bool((ri[1:] < ri[:-1]).any()):
        order = np.argsort(ri, kind="stable")
        table = ActivityTable(
            **{
                f.name: getattr(table, f.name)[order]
                if getattr(table, f.name).size == len(table)
                else getattr(table, f.name)
                for f in fields(table)
            }
        )
        ri = table.runner_index
    t_ord = today.toordinal()
    valid = table.day_ordinal[table.day_ordinal <= t_ord]
    first = dt.date.fromordinal(int(valid.min()) if valid.size else t_ord)
    starts = list(range(0, len(profiles), block_size)) or [0]
    bounds = np.searchsorted(ri, [*starts, len(profiles)])

    def run(k: int) -> ClinicAnalysis:
        lo_r = starts[k]
        part = _slice(table, int(bounds[k]), int(bounds[k + 1]), lo_r)
        return analyse(
            part, profiles[lo_r : lo_r + block_size], today=today, options=options, first_date=first
        )

    if workers > 1 and len(starts) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            blocks = tuple(pool.map(run, range(len(starts))))
    else:
        blocks = tuple(run(k) for k in range(len(starts)))
    return ClinicBatch(blocks=blocks, block_size=block_size)


__all__ = ["DEFAULT_BLOCK", "ClinicBatch", "analyse_batch"]
