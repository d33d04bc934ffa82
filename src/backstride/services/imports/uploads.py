"""Uploads: stream a request body to disk under a size limit and refuse hostile zip archives.

Two body forms: the raw file (``application/octet-stream`` with its name in the query) and
``multipart/form-data`` with one or more file parts (a browser form, ``curl -F``, ``requests``),
parsed as it streams by python-multipart; nothing is held in memory or spooled elsewhere.
"""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from backstride.config import Settings
from backstride.errors import BackstrideError, InvalidInput

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
ALLOWED_SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz", ".zip")
MAX_FORM_FILES = 500
"""File parts one multipart upload may carry (a whole history goes in as an export .zip)."""
MAX_FORM_FIELD_BYTES = 64 * 1024
"""Bytes of non-file form fields in one upload (they are ignored)."""


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


async def limited(chunks: AsyncIterator[bytes], settings: Settings) -> AsyncIterator[bytes]:
    """``chunks`` as they come; ``upload.too_large`` (413) once past ``max_upload_bytes``."""
    seen = 0
    async for chunk in chunks:
        seen += len(chunk)
        if seen > settings.max_upload_bytes:
            raise TooLarge(
                f"the upload is larger than {settings.max_upload_bytes} bytes",
                code="upload.too_large",
            )
        yield chunk


async def stream_to_disk(chunks: AsyncIterator[bytes], *, target: Path, settings: Settings) -> int:
    """Write ``chunks`` to ``target``; stop and delete it past ``max_upload_bytes``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with target.open("wb") as out:
            async for chunk in limited(chunks, settings):
                written += len(chunk)
                out.write(chunk)
    except BaseException:
        shutil.rmtree(target.parent, ignore_errors=True)
        raise
    if written == 0:
        shutil.rmtree(target.parent, ignore_errors=True)
        raise InvalidInput("the upload is empty", code="upload.empty")
    return written


def is_multipart(content_type: str | None) -> bool:
    """True for a ``multipart/form-data`` body."""
    return (content_type or "").split(";", 1)[0].strip().lower() == "multipart/form-data"


@dataclass(frozen=True, slots=True)
class Refused:
    """A file of an upload that was not taken, with the coded reason."""

    name: str
    code: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        """JSON form (kept in the import job's report)."""
        return {"name": self.name, "code": self.code, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class FormUpload:
    """What a multipart form carried: the files written, small fields, files refused."""

    paths: list[Path]
    fields: dict[str, str]
    refused: list[Refused]


class _FormFiles:
    """python-multipart callbacks that write every file part to ``folder`` as it arrives.

    ``keep_going``: a part with an unsupported name is refused on its own (the others are
    kept) instead of refusing the whole form. Ordinary fields up to 4 KB are kept (the web
    form's CSRF token); all of them count against ``MAX_FORM_FIELD_BYTES``.
    """

    def __init__(self, folder: Path, *, keep_going: bool = False) -> None:
        self.folder = folder
        self.keep_going = keep_going
        self.paths: list[Path] = []
        self.fields: dict[str, str] = {}
        self.refused: list[Refused] = []
        self.field_bytes = 0
        self.ended = False
        self._name = self._value = b""
        self._disposition = b""
        self._out: Any = None
        self._field: str | None = None
        self._buffer = b""
        self._skipping = False
        self.error: InvalidInput | None = None

    def callbacks(self) -> dict[str, Any]:
        return {
            "on_part_begin": self.part_begin,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
            "on_header_field": self.header_field,
            "on_header_value": self.header_value,
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_end": self.end,
        }

    def part_begin(self) -> None:
        self._disposition, self._out = b"", None
        self._field, self._buffer, self._skipping = None, b"", False

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._name += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def header_end(self) -> None:
        if self._name.strip().lower() == b"content-disposition":
            self._disposition = self._value
        self._name = self._value = b""

    def headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        raw = options.get(b"filename")
        if raw is None:  # an ordinary form field: counted, kept when small
            self._field = options.get(b"name", b"").decode("utf-8", "replace")[:64]
            return
        if len(self.paths) >= MAX_FORM_FILES:
            raise InvalidInput(
                f"at most {MAX_FORM_FILES} files per upload; send a whole history as a .zip",
                code="upload.too_many_files",
            )
        label = raw.decode("utf-8", "replace")
        if not label and self.keep_going:  # a file input left empty
            self._skipping = True
            return
        try:
            name = safe_filename(label)
        except InvalidInput as exc:
            if not self.keep_going:
                raise
            self.refused.append(Refused(Path(label).name[:200] or "?", exc.code, exc.detail))
            self._skipping = True
            return
        target = self.folder / name
        n = 1
        while target.exists():  # two parts with one name keep both
            n += 1
            target = self.folder / f"{n}-{name}"
        self._out = target.open("wb")
        self.paths.append(target)

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self._out is not None:
            self._out.write(data[start:end])
            return
        if self._skipping:
            return
        self.field_bytes += end - start
        if self._field is not None and len(self._buffer) < 4096:
            self._buffer += data[start:end][: 4096 - len(self._buffer)]
        if self.field_bytes > MAX_FORM_FIELD_BYTES:
            raise InvalidInput(
                "the form carries too much besides its files", code="upload.form_too_large"
            )

    def part_end(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        elif self._field is not None:
            self.fields.setdefault(self._field, self._buffer.decode("utf-8", "replace"))

    def end(self) -> None:
        self.ended = True

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


async def stream_form_files(
    chunks: AsyncIterator[bytes],
    *,
    content_type: str,
    folder: Path,
    settings: Settings,
    keep_going: bool = False,
) -> FormUpload:
    """Write every file part of a ``multipart/form-data`` body into ``folder``.

    The whole body counts against ``max_upload_bytes``. Refused with a code, and ``folder``
    removed: a body without a boundary or that breaks off (``upload.malformed_form``), more
    than ``MAX_FORM_FILES`` files (``upload.too_many_files``), too many other fields
    (``upload.form_too_large``), an upload over the limit (``upload.too_large``). Without
    ``keep_going`` also a form without a file (``upload.no_file``), a part with an
    unsupported name (``upload.unsupported_format``) or an empty file (``upload.empty``);
    with it those files are listed in ``refused`` and the others kept (the web form: one bad
    file never loses the good ones).
    """
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        raise InvalidInput("a multipart body needs its boundary", code="upload.malformed_form")
    folder.mkdir(parents=True, exist_ok=True)
    form = _FormFiles(folder, keep_going=keep_going)
    refused = form.refused
    try:
        try:
            parser = MultipartParser(boundary, form.callbacks())  # type: ignore[arg-type]
            async for chunk in limited(chunks, settings):
                parser.write(chunk)
            parser.finalize()
        except FormParserError as exc:
            raise InvalidInput(
                f"the multipart body could not be read: {exc}", code="upload.malformed_form"
            ) from exc
        finally:
            form.close()
        if not form.ended:
            raise InvalidInput("the multipart body broke off", code="upload.malformed_form")
        empty = [p for p in form.paths if p.stat().st_size == 0]
        if empty and not keep_going:
            raise InvalidInput(
                "an uploaded file is empty",
                code="upload.empty",
                problems=[{"path": p.name, "msg": "empty file"} for p in empty],
            )
        for path in empty:
            refused.append(Refused(path.name, "upload.empty", "the file is empty"))
            path.unlink(missing_ok=True)
        paths = [p for p in form.paths if p not in empty]
        if not paths and not keep_going:
            raise InvalidInput(
                "the form has no file: send the activity file or export .zip as a file field",
                code="upload.no_file",
            )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FormUpload(paths, dict(form.fields), refused)


async def stream_form_to_disk(
    chunks: AsyncIterator[bytes], *, content_type: str, folder: Path, settings: Settings
) -> list[Path]:
    """Every file part written into ``folder`` (:func:`stream_form_files`, all or nothing)."""
    upload = await stream_form_files(
        chunks, content_type=content_type, folder=folder, settings=settings
    )
    return upload.paths


@dataclass(frozen=True, slots=True)
class Prepared:
    """Files checked and ready to import (``upload_path`` None when none is left)."""

    upload_path: Path | None
    files_total: int
    refused: list[Refused]


def prepare_files(
    job_dir: Path,
    files: list[Path],
    *,
    settings: Settings,
    precheck: Callable[[Path, Settings], Any] | None,
) -> Prepared:
    """Check each uploaded file on its own; a refused one is removed and listed, the others
    kept: archives are checked for bombs and path tricks, single files read now
    (``precheck``) so a broken one is refused with its code before anything is queued.
    """
    kept: list[Path] = []
    refused: list[Refused] = []
    total = 0
    for path in files:
        try:
            if path.name.lower().endswith(".zip"):
                count = check_archive(path, settings=settings)
            else:
                count = 1
                if precheck is not None:
                    precheck(path, settings)
        except BackstrideError as exc:
            refused.append(Refused(path.name, exc.code, exc.detail))
            path.unlink(missing_ok=True)
            continue
        total += count
        kept.append(path)
    if not kept:
        return Prepared(None, 0, refused)
    if len(kept) == 1:
        single = job_dir / kept[0].name
        kept[0].replace(single)
        return Prepared(single, total, refused)
    return Prepared(kept[0].parent, total, refused)


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


__all__ = [
    "ALLOWED_SUFFIXES",
    "MAX_FORM_FILES",
    "FormUpload",
    "Prepared",
    "Refused",
    "TooLarge",
    "check_archive",
    "is_multipart",
    "prepare_files",
    "safe_filename",
    "stream_form_files",
    "stream_form_to_disk",
    "stream_to_disk",
]
