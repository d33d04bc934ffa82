"""Zip safety: refuse bombs and path tricks before reading any member; capped member reads.

Checks on the central directory (before any member is decompressed), each a problem of one
``ingest.unsafe_archive`` error: entry count, declared total uncompressed size, compression
ratio of any member over 1 MiB, absolute names (``/x``, ``C:\\x``), ``..`` components, symlinks.
Member reads are bounded by the declared size (zipfile stops there); nested zips are opened
up to ``max_depth`` levels (Garmin exports nest one). A truncated or corrupt member is a coded
``ingest.corrupt_file`` for that member only.
"""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from backstride.ingest.errors import (
    CORRUPT_FILE,
    TOO_LARGE,
    UNSAFE_ARCHIVE,
    IngestError,
    ingest_error,
)

RATIO_MIN_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """Limits for one archive (from settings: ``max_archive_*``, ``max_file_bytes``)."""

    max_total_bytes: int = 4 * 1024**3
    max_ratio: float = 200.0
    max_entries: int = 100_000
    max_member_bytes: int = 64 * 1024**2
    max_depth: int = 2


@dataclass(frozen=True, slots=True)
class Member:
    """One regular file inside an archive; ``read()`` decompresses it (bounded)."""

    archive: zipfile.ZipFile
    info: zipfile.ZipInfo
    label: str

    @property
    def name(self) -> str:
        return self.info.filename

    def read(self, *, max_bytes: int) -> bytes:
        """The member's bytes; oversized -> ``too_large``, truncated/corrupt -> ``corrupt_file``."""
        if self.info.file_size > max_bytes:
            raise ingest_error(TOO_LARGE, f"{self.info.file_size} bytes", name=self.label)
        try:
            return self.archive.read(self.info)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
            raise ingest_error(
                CORRUPT_FILE, f"broken archive member ({exc})", name=self.label
            ) from None


def _name_problem(name: str) -> str | None:
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "absolute path"
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        return "'..' in path"
    if "\x00" in name:
        return "NUL in name"
    return None


def open_zip(data: bytes | Path, *, limits: ArchiveLimits, label: str) -> zipfile.ZipFile:
    """Open and vet a zip archive (a path or bytes; raises ``ingest.unsafe_archive``)."""
    try:
        zf = zipfile.ZipFile(data if isinstance(data, Path) else io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise ingest_error(
            CORRUPT_FILE, f"not a readable zip archive ({exc})", name=label
        ) from None
    infos = zf.infolist()
    problems: list[dict[str, str]] = []
    if len(infos) > limits.max_entries:
        problems.append({"path": label, "msg": f"{len(infos)} entries, limit {limits.max_entries}"})
    total = sum(i.file_size for i in infos)
    if total > limits.max_total_bytes:
        problems.append(
            {"path": label, "msg": f"{total} bytes uncompressed, limit {limits.max_total_bytes}"}
        )
    for info in infos:
        reason = _name_problem(info.filename)
        if reason:
            problems.append({"path": info.filename, "msg": reason})
        if stat.S_ISLNK(info.external_attr >> 16):
            problems.append({"path": info.filename, "msg": "symbolic link"})
        if info.file_size > RATIO_MIN_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                problems.append({"path": info.filename, "msg": f"compression ratio {ratio:.0f}:1"})
        if len(problems) >= 50:
            break
    if problems:
        raise IngestError(
            f"{label}: unsafe archive refused ({problems[0]['path']}: {problems[0]['msg']})",
            code=UNSAFE_ARCHIVE,
            problems=problems,
        )
    return zf


def members(zf: zipfile.ZipFile, *, label: str) -> Iterator[Member]:
    """Regular-file members in archive order (folders skipped)."""
    for info in zf.infolist():
        if info.is_dir():
            continue
        yield Member(zf, info, f"{label}:{info.filename}")


def is_zip(data: bytes) -> bool:
    """Zip local-file-header magic (an empty archive starts with the end record)."""
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


__all__ = ["ArchiveLimits", "Member", "is_zip", "members", "open_zip"]
