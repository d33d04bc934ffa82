"""Coded ingest errors: one stable code per way a file can be unreadable."""

from __future__ import annotations

from backstride.errors import InvalidInput

CORRUPT_FILE = "ingest.corrupt_file"
UNSUPPORTED_FORMAT = "ingest.unsupported_format"
EMPTY_ACTIVITY = "ingest.empty_activity"
NOT_AN_ACTIVITY = "ingest.not_an_activity"
TOO_LARGE = "ingest.too_large"
UNSAFE_XML = "ingest.unsafe_xml"
UNSAFE_ARCHIVE = "ingest.unsafe_archive"
NO_DATE = "ingest.no_date"
LEFT_OUT = "ingest.left_out"
"""A file in a folder that is not read (hidden, a broken link, a link loop, not a file)."""

INGEST_CODES: tuple[str, ...] = (
    CORRUPT_FILE,
    UNSUPPORTED_FORMAT,
    EMPTY_ACTIVITY,
    NOT_AN_ACTIVITY,
    TOO_LARGE,
    UNSAFE_XML,
    UNSAFE_ARCHIVE,
    NO_DATE,
    LEFT_OUT,
)


class IngestError(InvalidInput):
    """A file or archive we cannot import; ``code`` is one of :data:`INGEST_CODES`."""

    default_code = CORRUPT_FILE


def ingest_error(code: str, detail: str, *, name: str | None = None) -> IngestError:
    """Build a coded ingest error, prefixing the detail with the file name when given."""
    text = f"{name}: {detail}" if name else detail
    return IngestError(text, code=code)


__all__ = [
    "CORRUPT_FILE",
    "EMPTY_ACTIVITY",
    "INGEST_CODES",
    "LEFT_OUT",
    "NOT_AN_ACTIVITY",
    "NO_DATE",
    "TOO_LARGE",
    "UNSAFE_ARCHIVE",
    "UNSAFE_XML",
    "UNSUPPORTED_FORMAT",
    "IngestError",
    "ingest_error",
]
