"""Reader registry: pick a reader by sniffing the content (``fit``, ``gpx``, ``tcx``), gz aware.

The extension is only a tie-breaker for error messages: a FIT file named ``.gpx`` is read as
FIT. Gzip (magic ``1f 8b``) is undone transparently with a size cap; inputs larger than
``max_bytes`` (settings ``max_file_bytes``) are refused before they are read whole. Every
failure is a coded :class:`~backstride.ingest.errors.IngestError`. Every activity read carries
its coded data warnings (``ingest.quality.check``).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from pathlib import Path

from backstride.errors import BackstrideError
from backstride.ingest.errors import (
    CORRUPT_FILE,
    EMPTY_ACTIVITY,
    TOO_LARGE,
    UNSUPPORTED_FORMAT,
    IngestError,
    ingest_error,
)
from backstride.ingest.fit.reader import read_fit, sniff_fit
from backstride.ingest.gpx import read_gpx
from backstride.ingest.model import Activity
from backstride.ingest.quality import check
from backstride.ingest.tcx import read_tcx
from backstride.ingest.xmlsafe import strip_prolog_junk, wide_codec

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
_XML_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(gpx|TrainingCenterDatabase)[\s>/]")

Reader = Callable[..., list[Activity]]


READERS: dict[str, Reader] = {"fit": read_fit, "gpx": read_gpx, "tcx": read_tcx}


def is_fit(head: bytes) -> bool:
    """A FIT file header: size byte 12 or 14 and the ``.FIT`` signature at offset 8."""
    return sniff_fit(head)


def sniff(data: bytes) -> str | None:
    """The format key of ``data`` (``fit``/``gpx``/``tcx``/``gzip``/``zip``), or None."""
    head = data[:16384]
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if is_fit(head):
        return "fit"
    codec = wide_codec(head)
    if codec is not None:  # UTF-16/32 XML: look at it as text (the cut may split a character)
        head = head.decode(codec, errors="ignore").lstrip("\ufeff").encode()
    body = strip_prolog_junk(head)
    if body.startswith(b"<"):
        found = _XML_ROOT.search(body)
        if found:
            return "gpx" if found.group(1) == b"gpx" else "tcx"
        return "xml"
    return None


def gunzip(
    data: bytes, *, max_bytes: int, name: str | None = None, partial_ok: bool = False
) -> bytes:
    """Decompress gzip (all members) with an output cap; a truncated stream is corrupt, or
    with ``partial_ok`` gives what was decompressed before the cut (the reader then salvages
    the complete records, or refuses the file, as for any truncated file)."""
    out: list[bytes] = []
    total = 0
    rest = data
    while rest:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            chunk = d.decompress(rest, max_bytes + 1 - total)
        except zlib.error as exc:
            raise ingest_error(CORRUPT_FILE, f"broken gzip stream ({exc})", name=name) from None
        total += len(chunk)
        out.append(chunk)
        if total > max_bytes:
            raise ingest_error(TOO_LARGE, f"decompresses to more than {max_bytes} bytes", name=name)
        if not d.eof:
            if partial_ok and total:
                break
            raise ingest_error(CORRUPT_FILE, "truncated gzip stream", name=name)
        rest = d.unused_data
        if rest and not rest.startswith(GZIP_MAGIC):
            break  # trailing garbage after the last member is ignored, as gzip(1) does
    return b"".join(out)


def read_bytes(data: bytes, *, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Activity]:
    """Read one activity file given as bytes (``name`` is used for messages and hints)."""
    if len(data) > max_bytes:
        raise ingest_error(TOO_LARGE, f"larger than {max_bytes} bytes", name=name)
    kind = sniff(data)
    if kind == "gzip":
        data = gunzip(data, max_bytes=max_bytes, name=name, partial_ok=True)
        kind = sniff(data)
    if not data[:1].strip() and not data.strip():  # a first byte not blank: no copy of it all
        raise ingest_error(EMPTY_ACTIVITY, "the file is empty", name=name)
    if kind is None and name.lower().removesuffix(".gz").endswith(".fit"):
        raise ingest_error(CORRUPT_FILE, "no valid FIT file header", name=name)
    if kind not in READERS:
        what = {"zip": "a zip archive (import it as an export)", "xml": "XML of another kind"}
        raise ingest_error(
            UNSUPPORTED_FORMAT,
            f"not FIT, GPX or TCX: {what.get(kind or '', 'unknown content')}",
            name=name,
        )
    try:
        return [check(act) for act in READERS[kind](data, source_name=name)]
    except BackstrideError as exc:
        if name in exc.detail:
            raise
        raise IngestError(f"{name}: {exc.detail}", code=exc.code, problems=exc.problems) from None
    except Exception as exc:  # a reader bug or an exotic malformation: still a coded error
        raise ingest_error(
            CORRUPT_FILE, f"unreadable {kind} ({type(exc).__name__}: {exc})", name=name
        ) from None


def read_activity(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Activity]:
    """Read one activity file from disk (size checked before it is read whole)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ingest_error(CORRUPT_FILE, f"cannot read ({exc.strerror})", name=path.name) from None
    if size > max_bytes:
        raise ingest_error(TOO_LARGE, f"{size} bytes, limit {max_bytes}", name=path.name)
    return read_bytes(path.read_bytes(), name=path.name, max_bytes=max_bytes)


__all__ = [
    "DEFAULT_MAX_BYTES",
    "READERS",
    "gunzip",
    "is_fit",
    "read_activity",
    "read_bytes",
    "sniff",
]
