"""The parsing half of an import: parsed ahead, originals kept in the runner's own folder."""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import threading
import zipfile
from pathlib import Path

import pytest

from backstride.config import Settings
from backstride.ingest.sources import ImportItem, collect, count_inputs
from backstride.services.blobstore import blob_store
from backstride.services.imports import forkserver
from backstride.services.imports.parsing import (
    PARALLEL_MIN_ITEMS,
    Parsed,
    ParseStopped,
    ParseStream,
    keep_original,
    resolve,
)
from backstride.units import new_id
from tests.ingest import builders


def _folder(tmp_path: Path, count: int) -> dict[Path, bytes]:
    """``count`` different runs in ``tmp_path/runs`` (apart from the settings' data folder)."""
    folder = tmp_path / "runs"
    folder.mkdir()
    files = {}
    for i in range(count):
        data = builders.gpx(n=60, start=builders.START + dt.timedelta(days=i))
        path = folder / f"run{i}.gpx"
        path.write_bytes(data)
        files[path] = data
    return files


def test_files_parsed_before_the_runner_is_known_are_kept_in_its_folder_once_bound(
    settings: Settings, tmp_path: Path
) -> None:
    files = _folder(tmp_path, PARALLEL_MIN_ITEMS + 2)  # enough for the worker processes
    runner_id = new_id()
    with ParseStream.start([tmp_path / "runs"], settings) as stream:  # workers start at once
        stream.bind(runner_id)
        results = list(stream.results())
    assert len(results) == len(files)
    store = blob_store(settings)
    for item, parsed in results:
        assert parsed.code is None
        assert parsed.kept
        assert parsed.sha256 is not None
        assert store.read(runner_id, parsed.sha256) == files[Path(item.label)]
    assert [p.name for p in settings.blob_dir.iterdir()] == [runner_id]


def test_results_before_the_runner_is_bound_are_refused(settings: Settings, tmp_path: Path) -> None:
    _folder(tmp_path, 1)
    with ParseStream.start([tmp_path / "runs"], settings) as stream, pytest.raises(RuntimeError):
        next(stream.results())


def test_a_file_changed_between_parsing_and_keeping_is_skipped_not_kept(
    settings: Settings, tmp_path: Path
) -> None:
    ((path, data),) = _folder(tmp_path, 1).items()
    parsed = Parsed(sha256=hashlib.sha256(data).hexdigest(), size=len(data), kept=False)
    path.write_bytes(data + b"<!-- edited -->")
    runner_id = new_id()
    kept = keep_original(
        ImportItem(label=str(path), path=path), parsed, blob_store(settings), runner_id
    )
    assert kept.code == "ingest.corrupt_file"
    assert kept.reason is not None
    assert "changed while importing" in kept.reason
    assert not settings.blob_dir.exists() or not any(settings.blob_dir.rglob("*"))


@pytest.mark.parametrize("count", [1, PARALLEL_MIN_ITEMS + 2])
def test_a_set_stop_event_ends_the_stream_at_once(
    settings: Settings, tmp_path: Path, count: int
) -> None:
    _folder(tmp_path, count)
    stop = threading.Event()
    stop.set()
    with (
        ParseStream.start([tmp_path / "runs"], settings, new_id()) as stream,
        pytest.raises(ParseStopped),
    ):
        list(stream.results(stop))


def test_forked_and_forkserver_parsers_give_the_same_results(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _folder(tmp_path, PARALLEL_MIN_ITEMS + 2)
    runner_id = new_id()
    outcomes = []
    for fork in (True, False):
        monkeypatch.setattr(forkserver, "may_fork", lambda fork=fork: fork)
        with ParseStream.start([tmp_path / "runs"], settings, runner_id) as stream:
            outcomes.append([(item.label, pickle.dumps(p)) for item, p in stream.results()])
    forked, served = outcomes
    assert len(forked) == PARALLEL_MIN_ITEMS + 2
    assert forked == served  # the same activities, stream facts and originals, byte for byte


def test_files_parsed_two_to_a_task_come_back_in_input_order_as_parsed_alone(
    settings: Settings, tmp_path: Path
) -> None:
    files = _folder(tmp_path, PARALLEL_MIN_ITEMS + 3)  # an odd count: one task of one file
    folder = tmp_path / "runs"
    (folder / "run4z").mkdir()
    (folder / "run4z" / ".hidden.gpx").write_bytes(b"x")  # left out: not parsed, mid-way
    with zipfile.ZipFile(folder / "run5b.zip", "w") as zf:  # members are parsed one at a time
        for i in range(3):
            zf.writestr(f"z{i}.gpx", builders.gpx(n=30, start=builders.START - dt.timedelta(i + 1)))
    runner_id = new_id()
    with ParseStream.start([folder], settings, runner_id) as stream:
        assert stream._pool is not None
        pooled = [(item.label, pickle.dumps(parsed)) for item, parsed in stream.results()]
    labels = [label for label, _ in pooled]
    assert len(labels) == len(files) + 1 + 3
    hidden = labels.index(str(folder / "run4z" / ".hidden.gpx"))
    assert labels.index(str(folder / "run4.gpx")) < hidden < labels.index(str(folder / "run5.gpx"))
    args = (settings.max_file_bytes, blob_store(settings), runner_id)
    items = list(collect([folder], limits=stream.limits))
    alone = [(item.label, pickle.dumps(resolve(item, None, args))) for item in items]
    assert pooled == alone


def test_counting_for_the_pool_stops_once_there_are_enough_and_the_total_is_still_whole(
    settings: Settings, tmp_path: Path
) -> None:
    files = _folder(tmp_path, PARALLEL_MIN_ITEMS + 5)
    folder = tmp_path / "runs"
    assert count_inputs([folder], at_least=PARALLEL_MIN_ITEMS) == PARALLEL_MIN_ITEMS
    assert count_inputs([folder], at_least=len(files) + 10) == len(files)
    with ParseStream.start([folder], settings, new_id()) as stream:
        assert stream._pool is not None
        assert stream.total == len(files)
        assert len(list(stream.results())) == len(files)


def test_a_few_files_are_parsed_here_and_counted_whole(settings: Settings, tmp_path: Path) -> None:
    files = _folder(tmp_path, PARALLEL_MIN_ITEMS - 1)
    with ParseStream.start([tmp_path / "runs"], settings, new_id()) as stream:
        assert stream._pool is None
        assert stream.total == len(files)
