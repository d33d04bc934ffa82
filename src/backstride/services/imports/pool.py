"""The parser processes of an import: tasks out through one feeder thread, results read by the
caller's own thread.

``concurrent.futures.ProcessPoolExecutor`` moves every task and result through two helper
threads of the calling process (its manager thread reads and unpickles each result, then wakes
the waiting thread; each submission wakes the manager, which wakes a feeder): three thread
handoffs per task on a machine whose two cores the parsers already keep busy. In an import of
761 files (382 tasks) they cost the main process about 0.1-0.2 s of CPU (docs/decisions/0076).
Here the caller pickles a task and hands the bytes to one feeder thread (a task may carry an
archive member of many megabytes: written from the caller's thread, it could block while a
parser blocks writing a result the caller is not reading), and reads the results itself from
one pipe per parser, so a result costs no handoff at all.

Light on purpose (the standard library only): the parsers are forked from, or served to, a
process that has not loaded the database layer yet (``parsing``).
"""

from __future__ import annotations

import pickle
import queue
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkContext, ForkServerContext
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Lock
from typing import Any

_STOP = pickle.dumps(None)
"""What a parser reads to end its loop."""


class ParserPoolBroken(RuntimeError):
    """A parser process ended while it had work (killed, out of memory, a crash in C code)."""


class WaitStopped(Exception):
    """``result`` gave up waiting because its ``stop`` event was set (a class of its own: an
    ``OSError`` such as ``InterruptedError`` could also come from a task)."""


class RemoteError(RuntimeError):
    """An exception of a parser that could not be sent back as it was (not picklable)."""


def _serve(
    tasks: Connection,
    lock: Lock,
    results: Connection,
    init: Callable[[], None] | None,
    parents_end: Connection | None = None,
) -> None:
    """A parser's loop: read a task (under ``lock``: the parsers share the task pipe), run it,
    send ``(task id, ok, value)`` back; an exception is sent as the value.

    A forked parser first closes its copy of the caller's end of the task pipe
    (``parents_end``): then, should the caller die without closing the pool (killed), the
    pipe ends and the parser exits instead of waiting for a task forever."""
    if parents_end is not None:
        parents_end.close()
    if init is not None:
        init()
    try:
        while True:
            with lock:
                try:
                    message = tasks.recv_bytes()
                except EOFError:  # the caller has gone
                    return
            task = pickle.loads(message)  # noqa: S301 (from our own parent, a private pipe)
            if task is None:
                return
            task_id, fn, args = task
            try:
                reply: tuple[int, bool, object] = (task_id, True, fn(*args))
            except Exception as exc:  # the caller raises it where it waits for this task
                reply = (task_id, False, exc)
            try:
                results.send(reply)
            except (pickle.PicklingError, TypeError, AttributeError) as exc:
                results.send((task_id, False, RemoteError(f"{reply[2]!r} ({exc})")))
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group: the caller stops us
        return
    finally:
        results.close()


class ParserPool:
    """``workers`` processes of ``context`` running submitted functions; results by task id."""

    def __init__(
        self,
        context: ForkContext | ForkServerContext,
        workers: int,
        *,
        initializer: Callable[[], None] | None = None,
    ) -> None:
        self.context = context
        task_reader, self._task_writer = context.Pipe(duplex=False)
        # kept for the pool's life: a forkserver's parser opens it by name after ``start``,
        # and the lock's finalizer removes the name once nothing here refers to it
        self._lock = lock = context.Lock()
        self._processes: dict[Connection, BaseProcess] = {}
        forked = context.get_start_method() == "fork"  # a fork inherits the caller's end
        for _ in range(workers):
            reader, writer = context.Pipe(duplex=False)
            process = context.Process(
                target=_serve,
                args=(
                    task_reader,
                    lock,
                    writer,
                    initializer,
                    self._task_writer if forked else None,
                ),
                daemon=True,
                name="backstride-parser",
            )
            process.start()
            writer.close()  # the parser holds it now (and the next parser does not inherit it)
            self._processes[reader] = process
        task_reader.close()  # once every parser has gone, a write fails instead of blocking
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._feeder = threading.Thread(target=self._feed, name="backstride-parser-feed")
        self._feeder.daemon = True
        self._feeder.start()
        self._results: dict[int, tuple[bool, Any]] = {}
        self._next_id = 0
        self._broken: str | None = None
        self._closed = False

    def submit(self, fn: Callable[..., Any], *args: Any) -> int:
        """Queue ``fn(*args)`` for a parser; the task's id (``result`` takes it)."""
        if self._closed:
            raise RuntimeError("the parser pool is closed")
        task_id = self._next_id
        self._next_id += 1
        self._outbox.put(pickle.dumps((task_id, fn, args), protocol=pickle.HIGHEST_PROTOCOL))
        return task_id

    def result(self, task_id: int, stop: threading.Event | None = None) -> Any:
        """The value of task ``task_id`` (its exception raised here), waiting for it; with
        ``stop``, ``WaitStopped`` soon after it is set."""
        while task_id not in self._results:
            if stop is not None and stop.is_set():
                raise WaitStopped("stopped while waiting for a parser")
            if self._broken is not None:
                raise ParserPoolBroken(self._broken)
            self._receive(timeout=None if stop is None else 0.1)
        ok, value = self._results.pop(task_id)
        if not ok:
            raise value
        return value

    def _receive(self, timeout: float | None) -> None:
        """Read every result that is ready; note a parser that has ended."""
        sentinels = {p.sentinel: p for p in self._processes.values()}
        ready = wait([*self._processes, *sentinels], timeout)
        for source in ready:
            if isinstance(source, Connection):
                self._read(source)
        for source in ready:
            if isinstance(source, int) and source in sentinels:
                process = sentinels[source]
                for reader, owner in self._processes.items():  # what it sent before it ended
                    if owner is process:
                        while reader.poll() and self._read(reader):
                            pass
                process.join(1)  # its pipes have closed: it is exiting, or has
                self._broken = (
                    f"a parser process ended unexpectedly (exit code {process.exitcode}) "
                    "while the pool still had work"
                )

    def _read(self, reader: Connection) -> bool:
        """Read one result; False at the end of the pipe (its parser has ended)."""
        try:
            task_id, ok, value = reader.recv()
        except EOFError:  # it ended: its sentinel tells
            return False
        self._results[task_id] = (ok, value)
        return True

    def _feed(self) -> None:
        """The feeder thread: write each task to the parsers' pipe, in order."""
        while True:
            message = self._outbox.get()
            if message is None:
                return
            try:
                self._task_writer.send_bytes(message)
            except OSError:  # every parser has gone (killed, or the pool was terminated)
                return

    def close(self, *, clean: bool = True) -> None:
        """Stop the parsers: let them finish what was submitted (``clean``), or end them now."""
        if self._closed:
            return
        self._closed = True
        processes = list(self._processes.values())
        if clean:
            for _ in processes:
                self._outbox.put(_STOP)
        else:
            for process in processes:
                process.terminate()
        self._outbox.put(None)
        if clean:  # read (and drop) what they still send, so none blocks on a full pipe,
            # until each pipe ends (its parser has read its stop and closed it, or has died)
            open_readers = list(self._processes)
            while open_readers:
                for reader in wait(open_readers):
                    if isinstance(reader, Connection) and not self._read(reader):
                        open_readers.remove(reader)
            self._results.clear()
        for process in processes:
            process.join(5)
        self._feeder.join(5)
        self._task_writer.close()
        for reader in self._processes:
            reader.close()


__all__ = ["ParserPool", "ParserPoolBroken", "RemoteError", "WaitStopped"]
