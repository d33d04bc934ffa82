"""The parser pool: results by task id, errors where they are waited for, no deadlock on big
tasks and results, a dead parser reported instead of waited for forever, a quick stop."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from backstride.services.imports.pool import (
    ParserPool,
    ParserPoolBroken,
    RemoteError,
    WaitStopped,
)

FORK = multiprocessing.get_context("fork")


@pytest.fixture
def pool() -> Iterator[ParserPool]:
    made = ParserPool(FORK, 2)
    yield made
    made.close(clean=False)


def _within(seconds: float, call: Callable[[], Any]) -> Any:
    """``call()``'s value, failing the test (not hanging it) if it takes longer."""
    box: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            box.append(call())
        except BaseException as exc:  # handed to the test
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s"
    if errors:
        raise errors[0]
    return box[0]


def _echo(value: bytes, delay: float = 0.0) -> bytes:
    time.sleep(delay)
    return value[::-1]


def _fail(message: str) -> None:
    raise ValueError(message)


class _Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("held a lock")
        self.lock = threading.Lock()


def _fail_unpicklably() -> None:
    raise _Unpicklable


def _interrupted() -> None:
    raise InterruptedError("a system call was interrupted")


def _die(code: int) -> None:
    os._exit(code)


def test_results_come_by_task_id_in_any_order_of_asking(pool: ParserPool) -> None:
    slow = pool.submit(_echo, b"slow", 0.3)
    fast = [pool.submit(_echo, bytes([i])) for i in range(10)]
    assert [pool.result(t) for t in reversed(fast)] == [bytes([i]) for i in reversed(range(10))]
    assert pool.result(slow) == b"wols"


def test_an_error_is_raised_where_its_result_is_waited_for_and_the_pool_goes_on(
    pool: ParserPool,
) -> None:
    bad = pool.submit(_fail, "bad file")
    good = pool.submit(_echo, b"ab")
    with pytest.raises(ValueError, match="bad file"):
        pool.result(bad)
    assert pool.result(good) == b"ba"
    with pytest.raises(RemoteError, match="held a lock"):
        pool.result(pool.submit(_fail_unpicklably))
    assert pool.result(pool.submit(_echo, b"cd")) == b"dc"
    with pytest.raises(InterruptedError):  # a task's own, not taken for a stop
        pool.result(pool.submit(_interrupted), threading.Event())


def test_big_tasks_and_big_results_never_deadlock(pool: ParserPool) -> None:
    """Tasks of 4 MB (an archive member) submitted while the parsers' 4 MB results wait
    unread: a pipe holds 64 KB, so a caller writing the tasks itself would block on a parser
    blocked on its result."""
    blob = os.urandom(4 * 1024 * 1024)

    def run() -> list[bytes]:
        ids = [pool.submit(_echo, blob) for _ in range(12)]
        return [pool.result(t) for t in ids]

    assert _within(120, run) == [blob[::-1]] * 12


def test_a_parser_that_dies_is_reported_not_waited_for(pool: ParserPool) -> None:
    task = pool.submit(_die, 7)
    with pytest.raises(ParserPoolBroken, match="exit code 7"):
        _within(60, lambda: pool.result(task))


def test_a_set_stop_event_ends_the_wait_soon(pool: ParserPool) -> None:
    stop = threading.Event()
    task = pool.submit(_echo, b"x", 30.0)
    threading.Timer(0.2, stop.set).start()
    with pytest.raises(WaitStopped):
        _within(10, lambda: pool.result(task, stop))


def test_closing_ends_parsers_busy_or_with_results_nobody_read() -> None:
    pool = ParserPool(FORK, 2)
    processes = list(pool._processes.values())
    for _ in range(6):  # results bigger than a pipe holds, never read
        pool.submit(_echo, os.urandom(1024 * 1024))
    _within(60, pool.close)
    assert all(not p.is_alive() for p in processes)

    busy = ParserPool(FORK, 2)
    processes = list(busy._processes.values())
    busy.submit(_echo, b"x", 60.0)
    busy.submit(_echo, b"y", 60.0)
    _within(20, lambda: busy.close(clean=False))
    assert all(not p.is_alive() for p in processes)
    with pytest.raises(RuntimeError, match="closed"):
        busy.submit(_echo, b"z")


def test_a_pool_from_the_forkserver_works_after_its_maker_returns() -> None:
    """The forkserver's parsers open the task lock by name after ``start`` returns: the pool
    must keep it (its finalizer removes the name) or they die at start."""
    served = ParserPool(multiprocessing.get_context("forkserver"), 2)
    try:
        ids = [served.submit(_echo, bytes([i])) for i in range(8)]
        assert _within(120, lambda: [served.result(t) for t in ids]) == [
            bytes([i]) for i in range(8)
        ]
    finally:
        served.close()


def _gone(pid: int) -> bool:
    """The process has ended (no such process, or a zombie nobody has reaped yet)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_forked_parsers_exit_when_their_caller_is_killed() -> None:
    """A caller killed with SIGKILL closes nothing: the parsers must see the task pipe end
    (no copy of its writing end left in them) and exit, not wait for a task forever."""
    import subprocess
    import sys

    code = (
        "import multiprocessing, os, signal, time\n"
        "from backstride.services.imports.pool import ParserPool\n"
        "pool = ParserPool(multiprocessing.get_context('fork'), 2)\n"
        "print(' '.join(str(p.pid) for p in pool._processes.values()), flush=True)\n"
        "time.sleep(0.3)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    caller = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert caller.returncode == -9
    pids = [int(p) for p in caller.stdout.split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 20
    while not all(_gone(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(_gone(pid) for pid in pids)
