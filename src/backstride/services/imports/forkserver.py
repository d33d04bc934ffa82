"""Where the parser processes come from: forked from the caller, or from a forkserver.

Light on purpose (the standard library only). Two ways, chosen per pool (``parsing._pool``):

- **Forked from the caller** when the caller runs no other thread (``may_fork``): a command-line
  process (``backstride import``), a benchmark, a script. The caller imports the readers first
  (``preload``: once, shared by both workers through copy-on-write) and the workers start at
  once, without a second interpreter that imports numpy, lxml and the parsing module again
  (≈ 0.2 s of CPU and ≈ 0.3 s before the first file is parsed: docs/decisions/0072). Each
  worker puts the signal handlers back to Python's defaults first (``worker_init``), as the
  forkserver's children get them.
- **From a forkserver** otherwise: a server process (uvicorn's threads and signal handlers, the
  import worker's thread): a fork of it would inherit them (and then ignore SIGTERM), while the
  forkserver starts from a clean interpreter with the readers preloaded. A caller that knows it
  will need that server may start it early (``start_early``) so that it loads the readers while
  the caller goes on.
"""

from __future__ import annotations

import importlib
import multiprocessing
import signal
import sys
import threading
from collections.abc import Sequence
from multiprocessing.context import ForkContext, ForkServerContext
from pathlib import Path

PRELOAD = ["backstride.services.imports.parsing", "backstride.ingest.registry", "numpy.ma"]
"""What a parser needs loaded before it parses (numpy.ma: numpy imports it on the first
``np.median``, the summaries', in every worker): the forkserver's preload, or what the caller
imports before it forks."""
PARALLEL_MIN_ITEMS = 8
"""Fewer items than this are parsed in the calling process, without the pool (re-exported by
``parsing``)."""


def context() -> ForkServerContext:
    """The forkserver context, its preload set."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def may_fork() -> bool:
    """True when the parser processes can be forked from this process: Linux (macOS's system
    libraries are not safe to use after a fork, which is why Python spawns there), and this
    process runs no thread but the main one (no server: nothing a child could inherit half-done,
    no handlers of a server's threads)."""
    return (
        sys.platform.startswith("linux")
        and threading.current_thread() is threading.main_thread()
        and threading.active_count() == 1
    )


def fork_context() -> ForkContext:
    """The fork context, after loading what the parsers need here (``preload``)."""
    preload()
    return multiprocessing.get_context("fork")


def preload() -> None:
    """Import what the parsers need (``PRELOAD``) in this process."""
    for name in PRELOAD:
        if name not in sys.modules:
            importlib.import_module(name)


def worker_init() -> None:
    """First thing in a forked parser: Python's default signal handlers (as a forkserver's
    child has them), whatever its parent had set, so that ``terminate`` ends it and Ctrl-C
    interrupts it."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)


def start_early(paths: Sequence[Path]) -> None:
    """Start the forkserver now when ``paths`` may hold enough files to be parsed by the
    pool (a folder, an archive, or many files) and the pool will come from it (``may_fork``
    False); a handful of plain files never needs it."""
    if may_fork():
        return
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


__all__ = [
    "PARALLEL_MIN_ITEMS",
    "PRELOAD",
    "context",
    "fork_context",
    "may_fork",
    "preload",
    "start_early",
    "worker_init",
]
