"""Uploads: stream a request body to disk under a size limit and refuse hostile zip archives."""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import ClassVar

from backstride.config import Settings
from backstride.errors import InvalidInput

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
ALLOWED_SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz", ".zip")


class TooLarge(InvalidInput):
    """The upload is bigger than ``settings.max_upload_bytes``."""

    status: ClassVar[int] = 413
    default_code: ClassVar[str] = "upload.too_large"


def safe_filename(name: str) -> str:
    """A file name without folders or odd characters; ``upload.invalid_name`` if unusable."""
    base = _SAFE.sub("_", Path(name.replace("\\", "/")).name).strip("._")[:200]
    if not base or not base.lower().endswith(ALLOWED_SUFFIXES):
        raise InvalidInput(
            f"upload a .fit, .gpx or .tcx file (optionally .gz) or a .zip export, not {name!r}",
            code="upload.unsupported_format",
            problems=[{"path": "filename", "msg": "expected " + ", ".join(ALLOWED_SUFFIXES)}],
        )
    return base


async def stream_to_disk(chunks: AsyncIterator[bytes], *, target: Path, settings: Settings) -> int:
    """Write ``chunks`` to ``target``; stop and delete it past ``max_upload_bytes``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with target.open("wb") as out:
            async for chunk in chunks:
                written += len(chunk)
                if written > settings.max_upload_bytes:
                    raise TooLarge(
                        f"the upload is larger than {settings.max_upload_bytes} bytes",
                        code="upload.too_large",
                    )
                out.write(chunk)
    except BaseException:
        shutil.rmtree(target.parent, ignore_errors=True)
        raise
    if written == 0:
        shutil.rmtree(target.parent, ignore_errors=True)
        raise InvalidInput("the upload is empty", code="upload.empty")
    return written


def check_archive(path: Path, *, settings: Settings) -> int:
    """Refuse zip bombs and path tricks before anything is queued; the number of entries.

    Limits: entries, total uncompressed size, per-entry compression ratio (settings), no
    absolute paths, no ``..``, no symbolic links, no encrypted entries.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidInput(
            f"not a readable zip archive: {exc}", code="upload.corrupt_archive"
        ) from exc
    problems: list[dict[str, str]] = []
    if len(infos) > settings.max_archive_entries:
        problems.append(
            {"path": "archive", "msg": f"more than {settings.max_archive_entries} entries"}
        )
    total = sum(i.file_size for i in infos)
    if total > settings.max_archive_uncompressed_bytes:
        problems.append({"path": "archive", "msg": "uncompressed size over the limit"})
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in Path(name).parts or ":" in name:
            problems.append({"path": name, "msg": "path leaves the archive"})
        if stat.S_ISLNK(info.external_attr >> 16):
            problems.append({"path": name, "msg": "symbolic link"})
        if info.flag_bits & 0x1:
            problems.append({"path": name, "msg": "encrypted entry"})
        if info.compress_size and info.file_size / info.compress_size > settings.max_archive_ratio:
            problems.append({"path": name, "msg": "compression ratio too high (zip bomb?)"})
        if len(problems) >= 20:
            break
    if problems:
        raise InvalidInput(
            "the archive is unsafe and was refused", code="upload.unsafe_archive", problems=problems
        )
    return len(infos)


__all__ = ["ALLOWED_SUFFIXES", "TooLarge", "check_archive", "safe_filename", "stream_to_disk"]
