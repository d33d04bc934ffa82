"""Where the parser processes come from: forked from a caller that runs no other thread (the
readers loaded first), else from a forkserver, started early only when the inputs may need it."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from multiprocessing import forkserver as mp_forkserver
from pathlib import Path

import pytest

from backstride.services.imports import forkserver, parsing


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(forkserver, "may_fork", lambda: False)  # a server process
    monkeypatch.setattr(mp_forkserver, "ensure_running", lambda: calls.append(1))
    return calls


def test_a_folder_starts_the_forkserver_at_once(tmp_path: Path, started: list[int]) -> None:
    forkserver.start_early([tmp_path])
    assert started == [1]


def test_an_export_zip_starts_it_too(tmp_path: Path, started: list[int]) -> None:
    forkserver.start_early([tmp_path / "export_123.ZIP"])
    assert started == [1]


def test_a_few_plain_files_do_not(tmp_path: Path, started: list[int]) -> None:
    files = [tmp_path / f"run{i}.fit" for i in range(3)]
    for f in files:
        f.write_bytes(b"x")
    forkserver.start_early(files)
    assert started == []


def test_as_many_files_as_the_pool_takes_do(tmp_path: Path, started: list[int]) -> None:
    forkserver.start_early([tmp_path / f"run{i}.fit" for i in range(parsing.PARALLEL_MIN_ITEMS)])
    assert started == [1]


def test_the_pool_forks_from_the_server_with_the_readers_preloaded() -> None:
    context = forkserver.context()
    assert context.get_start_method() == "forkserver"
    preload = getattr(mp_forkserver._forkserver, "_preload_modules", None)
    assert preload is not None
    assert "backstride.ingest.registry" in preload


def test_a_caller_that_forks_needs_no_forkserver(
    tmp_path: Path, started: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forkserver, "may_fork", lambda: True)
    forkserver.start_early([tmp_path])
    assert started == []


@pytest.fixture
def other_thread() -> Iterator[None]:
    done = threading.Event()
    thread = threading.Thread(target=done.wait)
    thread.start()
    yield
    done.set()
    thread.join()


@pytest.mark.usefixtures("other_thread")
def test_a_process_running_another_thread_does_not_fork() -> None:
    assert not forkserver.may_fork()


def test_the_pool_is_forked_from_a_single_threaded_caller_with_the_readers_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(forkserver, "may_fork", lambda: True)
    pool = parsing._pool()
    try:
        assert pool.context.get_start_method() == "fork"
        assert all(name in sys.modules for name in forkserver.PRELOAD)
    finally:
        pool.close()


def test_a_server_gets_its_pool_from_the_forkserver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forkserver, "may_fork", lambda: False)
    pool = parsing._pool()
    try:
        assert pool.context.get_start_method() == "forkserver"
    finally:
        pool.close()


def test_a_forked_parser_has_the_default_signal_handlers_whatever_its_parent_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(forkserver, "may_fork", lambda: True)
    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a parent that ignores SIGTERM
    try:
        pool = parsing._pool()
        try:
            handler = pool.result(pool.submit(signal.getsignal, signal.SIGTERM))
            interrupt = pool.result(pool.submit(signal.getsignal, signal.SIGINT))
        finally:
            pool.close()
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert handler == signal.SIG_DFL  # so ``terminate`` (an interrupted import) ends it
    assert interrupt is signal.default_int_handler
