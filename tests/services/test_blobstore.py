"""Original files at rest: per runner, optionally sealed with AES-256-GCM bound to their place."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from backstride.cli.main import app as cli
from backstride.config import Settings
from backstride.errors import ConfigError
from backstride.services.blobstore import MAGIC, BlobUnreadable, blob_store, new_key, parse_key

A, B = "a" * 32, "b" * 32
DATA = b"<gpx>private track near home</gpx>" * 10


def _settings(tmp_path: Path, key: str | None) -> Settings:
    return Settings(data_dir=tmp_path / "data", blob_key=SecretStr(key) if key else None)


def test_with_a_key_the_file_on_disk_is_not_the_upload_but_reads_back_as_it(
    tmp_path: Path,
) -> None:
    store = blob_store(_settings(tmp_path, new_key()))
    sha = store.write(A, DATA)
    raw = store.path(A, sha).read_bytes()
    assert raw.startswith(MAGIC)
    assert b"private track" not in raw
    assert store.read(A, sha) == DATA
    assert sha == hashlib.sha256(DATA).hexdigest()


def test_a_sealed_file_moved_to_another_runner_does_not_open(tmp_path: Path) -> None:
    store = blob_store(_settings(tmp_path, new_key()))
    sha = store.write(A, DATA)
    moved = store.path(B, sha)
    moved.parent.mkdir(parents=True)
    shutil.copy(store.path(A, sha), moved)
    with pytest.raises(BlobUnreadable):
        store.read(B, sha)


def test_the_wrong_key_or_no_key_cannot_read_a_sealed_file(tmp_path: Path) -> None:
    sha = blob_store(_settings(tmp_path, new_key())).write(A, DATA)
    with pytest.raises(BlobUnreadable):
        blob_store(_settings(tmp_path, new_key())).read(A, sha)
    with pytest.raises(BlobUnreadable) as caught:
        blob_store(_settings(tmp_path, None)).read(A, sha)
    assert caught.value.code == "blob.key_missing"


def test_files_stored_before_a_key_was_set_still_read_and_can_be_sealed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sha = blob_store(_settings(tmp_path, None)).write(A, DATA)
    key = new_key()
    sealed = blob_store(_settings(tmp_path, key))
    assert sealed.read(A, sha) == DATA
    monkeypatch.setenv("BACKSTRIDE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BACKSTRIDE_BLOB_KEY", key)
    out = CliRunner().invoke(cli, ["db", "encrypt-blobs"])
    assert out.exit_code == 0, out.output
    assert "encrypted 1 file" in out.output
    assert sealed.is_sealed(A, sha)
    assert sealed.read(A, sha) == DATA


@pytest.mark.parametrize("bad", ["short", "not base64 !!", "AAAA"])
def test_a_key_that_is_not_32_bytes_of_base64_is_a_config_error(bad: str) -> None:
    with pytest.raises(ConfigError):
        parse_key(bad)


def test_new_key_makes_a_usable_key() -> None:
    assert len(parse_key(new_key())) == 32


@pytest.mark.parametrize("key", [None, new_key()], ids=["plain", "sealed"])
def test_an_original_cut_short_by_a_crash_before_its_sync_is_written_again(
    tmp_path: Path, key: str | None
) -> None:
    store = blob_store(_settings(tmp_path, key))
    sha = store.write(A, DATA, durable=False)
    store.path(A, sha).write_bytes(b"")  # what a crash leaves of a file never flushed
    assert store.write(A, DATA, durable=False) == sha
    assert store.read(A, sha) == DATA


def test_an_original_already_whole_is_not_written_again(tmp_path: Path) -> None:
    store = blob_store(_settings(tmp_path, new_key()))
    sha = store.write(A, DATA)
    before = store.path(A, sha).read_bytes()
    store.write(A, DATA, durable=False)
    assert store.path(A, sha).read_bytes() == before  # same nonce: the file was left alone


def test_sync_flushes_the_originals_named_and_their_folders_and_ignores_missing_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = blob_store(_settings(tmp_path, None))
    shas = [store.write(A, DATA + bytes([i]), durable=False) for i in range(3)]
    flushed: set[int] = set()
    real = os.fsync

    def fsync(fd: int) -> None:
        flushed.add(os.fstat(fd).st_ino)
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    store.sync(A, [*shas, "0" * 64])
    paths = [store.path(A, s) for s in shas]
    expected = {p.stat().st_ino for p in [*paths, *(p.parent for p in paths), store.runner_dir(A)]}
    assert expected <= flushed
    assert all(store.read(A, s) == DATA + bytes([i]) for i, s in enumerate(shas))


def test_a_write_that_does_not_wait_starts_the_write_back_in_the_writing_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No flush thread (two interpreter-lock hand-overs per file in a busy parser): the kernel
    is asked to start writing the file out while the writer goes on; ``sync`` waits for it."""
    store = blob_store(_settings(tmp_path, None))
    advised: list[tuple[int, int, int]] = []
    real = os.posix_fadvise

    def advise(fd: int, offset: int, length: int, advice: int) -> None:
        advised.append((os.fstat(fd).st_ino, os.fstat(fd).st_size, advice))
        real(fd, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", advise)
    threads = threading.active_count()
    sha = store.write(A, DATA, durable=False)
    assert threading.active_count() == threads
    inode = store.path(A, sha).stat().st_ino
    assert advised == [(inode, len(DATA), os.POSIX_FADV_DONTNEED)]  # once written whole
    other = store.write(A, DATA + b"!")  # a write that waits: its own fsync, no advice
    assert len(advised) == 1
    assert store.read(A, other) == DATA + b"!"
    assert store.read(A, sha) == DATA
