"""The parsers' forkserver is started early only when the inputs may need the pool."""

from __future__ import annotations

from multiprocessing import forkserver as mp_forkserver
from pathlib import Path

import pytest

from backstride.services.imports import forkserver, parsing


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
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
