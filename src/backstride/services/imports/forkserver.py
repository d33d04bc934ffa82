"""The parser processes' forkserver, startable before anything heavy is imported.

Light on purpose (the standard library only): the CLI's ``import`` starts the forkserver as its
first step, so that the server loads the readers (numpy, lxml, the FIT decoder: about a quarter
of a second) while the command itself still imports its settings, the parsing module and the
database layer, instead of the command waiting for the server when it submits the first file
(docs/decisions/0067). ``parsing._pool`` takes its processes from the same server.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from multiprocessing.context import ForkServerContext
from pathlib import Path

PRELOAD = ["backstride.services.imports.parsing", "backstride.ingest.registry", "numpy.ma"]
"""What the forkserver imports before it forks a parser (numpy.ma: numpy imports it on the
first ``np.median``, the summaries', in every worker)."""
PARALLEL_MIN_ITEMS = 8
"""Fewer items than this are parsed in the calling process, without the pool (re-exported by
``parsing``)."""


def context() -> ForkServerContext:
    """The forkserver context, its preload set."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def start_early(paths: Sequence[Path]) -> None:
    """Start the forkserver now when ``paths`` may hold enough files to be parsed by the
    pool (a folder, an archive, or many files); a handful of plain files never needs it."""
    if len(paths) < PARALLEL_MIN_ITEMS and not any(_may_hold_many(p) for p in paths):
        return
    from multiprocessing import forkserver

    context()
    forkserver.ensure_running()


def _may_hold_many(path: Path) -> bool:
    try:
        return path.is_dir() or path.suffix.lower() == ".zip"
    except OSError:
        return False


__all__ = ["PARALLEL_MIN_ITEMS", "PRELOAD", "context", "start_early"]
