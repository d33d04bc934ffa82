"""Original uploaded files on disk: one folder per runner, content-addressed inside it.

``blobs/<runner_id>/<sha[:2]>/<sha256>`` holds the bytes a runner uploaded; the ``blobs`` table
has one row per (runner, sha256) with that runner's own file name. Nothing is shared between
runners, on disk or in the store, so no runner can learn what another uploaded and deleting a
runner is removing one folder (docs/decisions/0015-blobs-per-runner.md).

Optional encryption at rest (``settings.blob_key``): files are written as
``MAGIC + nonce(12) + AES-256-GCM(data)`` with ``"<runner_id>/<sha256>"`` as associated data, so
a file moved to another runner's folder or name does not decrypt. Plain files (written before a
key was set) are still read; ``backstride db encrypt-blobs`` seals them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from backstride.errors import BackstrideError, ConfigError

if TYPE_CHECKING:  # light at run time: the parser processes import this module (no SQLAlchemy)
    from sqlalchemy.orm import Session

    from backstride.config import Settings

MAGIC = b"BSBLOB1\n"
"""First bytes of an encrypted original file."""
_NONCE_BYTES = 12
_TAG_BYTES = 16
_SYNC_THREADS = 16
_SHA = re.compile(r"^[0-9a-f]{64}$")
_RUNNER = re.compile(r"^[0-9a-f]{32}$")


class BlobUnreadable(BackstrideError):
    """A stored original cannot be read back (wrong or missing key, tampered file)."""

    status = 500
    default_code = "blob.unreadable"


@dataclass(frozen=True, slots=True)
class BlobStore:
    """Where and how original files are kept (picklable: import workers get a copy)."""

    root: Path
    key: bytes | None = None

    def runner_dir(self, runner_id: str) -> Path:
        """The folder of one runner's originals."""
        if not _RUNNER.match(runner_id):
            raise ValueError(f"not a runner id: {runner_id!r}")
        return self.root / runner_id

    def path(self, runner_id: str, sha256: str) -> Path:
        """Where the original with this digest of this runner lives (it may not exist)."""
        if not _SHA.match(sha256):
            raise ValueError(f"not a SHA-256 digest: {sha256!r}")
        return self.runner_dir(runner_id) / sha256[:2] / sha256

    def write(self, runner_id: str, data: bytes, *, durable: bool = True) -> str:
        """Keep ``data`` for the runner (atomically, once per digest); its SHA-256.

        ``durable`` False does not wait for the disk: the kernel is asked to start writing the
        file out at once (``start_writeback``) while the caller goes on (an import: waiting
        for one ``fsync`` per file in turn cost about as much as parsing it), and the caller
        must ``sync`` before it commits rows that name the file. A file already there but of
        the wrong size (cut short by a crash before its ``sync``) is written again.
        """
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(runner_id, digest)
        if _size(target) != self._sealed_size(len(data)):
            _atomic_write(target, self._seal(runner_id, digest, data), durable=durable)
        return digest

    def sync(self, runner_id: str, digests: Iterable[str]) -> None:
        """Flush these originals of the runner (and their folders) to disk, in parallel: the
        disk groups concurrent flushes, so many files cost little more than one."""
        paths = {self.path(runner_id, d) for d in digests}
        if not paths:
            return
        targets = [*paths, *{p.parent for p in paths}, self.runner_dir(runner_id)]
        with ThreadPoolExecutor(max_workers=min(_SYNC_THREADS, len(targets))) as pool:
            list(pool.map(_fsync, targets))

    def _sealed_size(self, size: int) -> int:
        return size if self.key is None else len(MAGIC) + _NONCE_BYTES + size + _TAG_BYTES

    def read(self, runner_id: str, sha256: str) -> bytes | None:
        """The original's bytes (decrypted), or None when the file is gone."""
        try:
            raw = self.path(runner_id, sha256).read_bytes()
        except FileNotFoundError:
            return None
        return self._open(runner_id, sha256, raw)

    def remove_runner(self, runner_id: str) -> None:
        """Delete every original of the runner (account deletion)."""
        shutil.rmtree(self.runner_dir(runner_id), ignore_errors=True)

    def files(self) -> Iterator[tuple[str, str, Path]]:
        """Every stored original as (runner_id, sha256, path)."""
        if not self.root.is_dir():
            return
        for runner in sorted(self.root.iterdir()):
            if not (runner.is_dir() and _RUNNER.match(runner.name)):
                continue
            for path in sorted(runner.glob("??/*")):
                if _SHA.match(path.name):
                    yield runner.name, path.name, path

    def is_sealed(self, runner_id: str, sha256: str) -> bool:
        """True when the stored file is encrypted."""
        with self.path(runner_id, sha256).open("rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC

    def reseal(self, runner_id: str, sha256: str) -> bool:
        """Encrypt a plain stored file with the key in force; False if it was already sealed."""
        if self.key is None:
            raise ConfigError("set BACKSTRIDE_BLOB_KEY first", code="blob.key_missing")
        if self.is_sealed(runner_id, sha256):
            return False
        data = self.path(runner_id, sha256).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BlobUnreadable(f"{runner_id}/{sha256} does not match its digest")
        _atomic_write(self.path(runner_id, sha256), self._seal(runner_id, sha256, data))
        return True

    def _seal(self, runner_id: str, sha256: str, data: bytes) -> bytes:
        if self.key is None:
            return data
        nonce = os.urandom(_NONCE_BYTES)
        aad = f"{runner_id}/{sha256}".encode()
        return MAGIC + nonce + AESGCM(self.key).encrypt(nonce, data, aad)

    def _open(self, runner_id: str, sha256: str, raw: bytes) -> bytes:
        if not raw.startswith(MAGIC):
            return raw
        if self.key is None:
            raise BlobUnreadable(
                "this original file is encrypted and no BACKSTRIDE_BLOB_KEY is set",
                code="blob.key_missing",
            )
        nonce = raw[len(MAGIC) : len(MAGIC) + _NONCE_BYTES]
        body = raw[len(MAGIC) + _NONCE_BYTES :]
        try:
            return AESGCM(self.key).decrypt(nonce, body, f"{runner_id}/{sha256}".encode())
        except InvalidTag as exc:
            raise BlobUnreadable(
                "an original file does not decrypt with the key in force (wrong key or altered)"
            ) from exc


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return None


def start_writeback(fd: int) -> None:
    """Have the kernel start writing the file's dirty pages to disk now, without waiting for
    them (``POSIX_FADV_DONTNEED`` starts the write-back on Linux), so that a later ``fsync``
    finds little left to do.

    Before, a thread of the parser process ran one ``fsync`` per file: every file then cost
    two hand-overs of the interpreter lock between a parser and its flush thread, on cores
    the parsers already keep busy (docs/decisions/0076). Where the call is missing (not
    Linux) nothing starts early and ``sync`` writes everything.
    """
    advise = getattr(os, "posix_fadvise", None)
    if advise is not None:
        advise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


def _fsync(path: Path) -> None:
    """Flush a file or folder (whoever wrote it) to disk; gone or unopenable: nothing."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _atomic_write(target: Path, data: bytes, *, durable: bool = True) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
            else:
                start_writeback(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def parse_key(text: str) -> bytes:
    """A 256-bit key from its base64 (standard or URL-safe) text; ``config.invalid`` if not."""
    cleaned = text.strip()
    try:
        key = base64.urlsafe_b64decode(cleaned.replace("+", "-").replace("/", "_") + "==")
    except (binascii.Error, ValueError) as exc:
        raise ConfigError("BACKSTRIDE_BLOB_KEY is not base64", code="config.invalid") from exc
    if len(key) != 32:
        raise ConfigError(
            "BACKSTRIDE_BLOB_KEY must be 32 bytes in base64 (backstride db new-key)",
            code="config.invalid",
        )
    return key


def new_key() -> str:
    """A fresh random key for ``BACKSTRIDE_BLOB_KEY`` (URL-safe base64)."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


def blob_store(settings: Settings) -> BlobStore:
    """The store of original files for these settings."""
    key = settings.blob_key.get_secret_value() if settings.blob_key is not None else None
    return BlobStore(settings.blob_dir, parse_key(key) if key else None)


def adopt_legacy(session: Session, settings: Settings) -> int:
    """Move originals from the shared layout of before 0015 into their runners' folders.

    A legacy file (``blobs/<ab>/<sha>`` or ``blobs/<sha>``) is copied to the folder of every
    runner whose ``blobs`` row names its digest (sealed if a key is set) and then removed; a
    legacy file nobody owns any more is removed. Idempotent; the number of legacy files handled.
    """
    root = settings.blob_dir
    if not root.is_dir():
        return 0
    legacy = [p for p in root.iterdir() if p.is_file() and _SHA.match(p.name)]
    folders = [p for p in root.iterdir() if p.is_dir() and re.match(r"^[0-9a-f]{2}$", p.name)]
    for folder in folders:
        legacy.extend(p for p in folder.iterdir() if p.is_file() and _SHA.match(p.name))
    if not legacy:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
        return 0
    from sqlalchemy import select

    from backstride.store.models import Blob

    owners: dict[str, list[str]] = {}
    for runner_id, sha in session.execute(select(Blob.runner_id, Blob.sha256)):
        owners.setdefault(sha, []).append(runner_id)
    store = blob_store(settings)
    for path in sorted(legacy):
        data = path.read_bytes()
        for runner_id in owners.get(path.name, []):
            target = store.path(runner_id, path.name)
            if not target.exists():
                _atomic_write(target, store._seal(runner_id, path.name, data))
        path.unlink()
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    return len(legacy)


def _has_legacy(root: Path) -> bool:
    """True when ``root`` holds originals in the shared layout of before 0015."""
    if not root.is_dir():
        return False
    return any(
        (p.is_file() and _SHA.match(p.name)) or (p.is_dir() and re.match(r"^[0-9a-f]{2}$", p.name))
        for p in root.iterdir()
    )


def upgrade_store(settings: Settings) -> None:
    """Migrate the database to the newest schema, then move legacy original files (0015)."""
    from backstride.store.db import make_engine, session_factory
    from backstride.store.migrate import upgrade_if_needed

    upgrade_if_needed(settings.effective_database_url)  # only checked when already the newest
    if not _has_legacy(settings.blob_dir):
        return
    engine = make_engine(settings.effective_database_url, null_pool=True)
    try:
        with session_factory(engine)() as session:
            adopt_legacy(session, settings)
    finally:
        engine.dispose()


__all__ = [
    "MAGIC",
    "BlobStore",
    "BlobUnreadable",
    "adopt_legacy",
    "blob_store",
    "new_key",
    "parse_key",
    "upgrade_store",
]
