"""Turn what the user points at (files, folders, export zips) into a lazy stream of items.

A folder is walked recursively, following symbolic links inside it (to files and to folders:
collecting links to files kept elsewhere is common) without loops: a folder reached twice, or
a link to a folder that contains the named one, is not entered again. Every file left out gets
an item saying why (``ingest.left_out``: hidden, broken link, link loop, not a regular file),
so nothing disappears silently. Links inside zip archives are never followed (``archive``
refuses them). A zip is vetted by
``archive.open_zip`` and recognised as a Strava export (``activities.csv``), a Garmin Connect
export (``DI_CONNECT/``) or a plain bundle of activity files; nested zips are opened up to
``ArchiveLimits.max_depth``. Items carry either a path, member bytes, a ready ``summary``
activity (manual Strava activity, Garmin summary) or the coded error that stopped them.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from backstride.ingest import garmin, strava
from backstride.ingest.archive import ArchiveLimits, is_zip, members, open_zip
from backstride.ingest.errors import (
    CORRUPT_FILE,
    LEFT_OUT,
    TOO_LARGE,
    IngestError,
    ingest_error,
)
from backstride.ingest.hints import Hints
from backstride.ingest.model import Activity

ACTIVITY_SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz", ".gz")


@dataclass(eq=False)
class GarminGroup:
    """The summaries of one Garmin export and which of them a FIT file already matched."""

    summaries: list[Activity] = field(default_factory=list)
    matched: set[int] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class ImportItem:
    """One thing to import: a file path, member bytes, a ready summary, or an error."""

    label: str
    source: str = "file"  # file | strava | garmin
    path: Path | None = None
    data: bytes | None = None
    hints: Hints | None = None
    activity: Activity | None = None
    error: IngestError | None = None
    garmin: GarminGroup | None = None


def walk_folder(root: Path) -> Iterator[tuple[Path, str | None]]:
    """Every file under ``root`` as (path, why it is left out or None), sorted by name within
    each folder, following symbolic links without loops (module docstring)."""
    try:
        top = root.stat()
    except OSError as exc:
        yield root, f"cannot read the folder ({exc.strerror})"
        return
    real_root = os.path.realpath(root)
    seen = {(top.st_dev, top.st_ino)}
    yield from _walk(root, real_root, seen)


def _walk(
    folder: Path, real_root: str, seen: set[tuple[int, int]]
) -> Iterator[tuple[Path, str | None]]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield folder, f"cannot read the folder ({exc.strerror})"
        return
    for entry in entries:
        path = Path(entry.path)
        link = entry.is_symlink()
        if entry.name.startswith("."):
            yield path, "hidden " + ("folder" if entry.is_dir() else "file")
            continue
        try:
            info = path.stat()  # follows a link
        except FileNotFoundError:
            yield path, "broken symbolic link" if link else "vanished while reading"
            continue
        except OSError as exc:
            yield path, ("symbolic link loop" if link else "cannot read") + f" ({exc.strerror})"
            continue
        if stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            target = os.path.realpath(path)
            if key in seen or (link and _contains(target, real_root)):
                yield path, "symbolic link loop (a folder already read)"
                continue
            seen.add(key)
            yield from _walk(path, real_root, seen)
        elif stat.S_ISREG(info.st_mode):
            yield path, None
        else:
            yield path, "not a regular file"


def _contains(folder: str, inner: str) -> bool:
    """True when ``folder`` is ``inner`` or one of its ancestors."""
    return inner == folder or inner.startswith(folder.rstrip(os.sep) + os.sep)


def collect(paths: Sequence[Path], *, limits: ArchiveLimits) -> Iterator[ImportItem]:
    """Every importable item under ``paths``, lazily, in a stable order; every file left out
    of a folder is an item with the ``ingest.left_out`` code and the reason."""
    for path in paths:
        if path.is_dir():
            for f, reason in walk_folder(path):
                if reason is None:
                    yield from _file(f, limits)
                else:
                    yield ImportItem(str(f), error=ingest_error(LEFT_OUT, reason, name=str(f)))
        elif path.is_file():
            yield from _file(path, limits)
        else:
            yield ImportItem(
                str(path), error=ingest_error(CORRUPT_FILE, "no such file", name=str(path))
            )


def count_inputs(paths: Sequence[Path], *, at_least: int | None = None) -> int:
    """A cheap estimate of the number of items (zip entries counted from the directory);
    with ``at_least``, counting stops as soon as the count reaches it (is there enough for
    the parser processes? answered before a large folder is counted in full)."""
    total = 0
    for path in paths:
        files = (f for f, _ in walk_folder(path)) if path.is_dir() else iter([path])
        for f in files:
            if at_least is not None and total >= at_least:
                return total
            try:
                with f.open("rb") as fh:
                    zipped = is_zip(fh.read(4))
                total += len(zipfile.ZipFile(f).namelist()) if zipped else 1
            except (OSError, zipfile.BadZipFile):
                total += 1
    return total


def _file(f: Path, limits: ArchiveLimits) -> Iterator[ImportItem]:
    label = str(f)
    try:
        with f.open("rb") as fh:
            head = fh.read(4)
        size = f.stat().st_size
    except OSError as exc:
        yield ImportItem(
            label, error=ingest_error(CORRUPT_FILE, f"cannot read ({exc.strerror})", name=label)
        )
        return
    if is_zip(head):
        if size > limits.max_total_bytes:
            yield ImportItem(label, error=ingest_error(TOO_LARGE, f"{size} bytes", name=label))
            return
        yield from _zip(f, label, limits, depth=1)
    elif size > limits.max_member_bytes:
        yield ImportItem(
            label,
            error=ingest_error(
                TOO_LARGE, f"{size} bytes, limit {limits.max_member_bytes}", name=label
            ),
        )
    else:
        yield ImportItem(label, path=f)


def _zip(
    src: Path | bytes, label: str, limits: ArchiveLimits, *, depth: int
) -> Iterator[ImportItem]:
    try:
        zf = open_zip(src, limits=limits, label=label)
    except IngestError as exc:
        yield ImportItem(label, error=exc)
        return
    with zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
        if any(n.rsplit("/", 1)[-1].lower() == "activities.csv" for n in names):
            yield from _strava(zf, label, limits)
        elif any("DI_CONNECT/" in n or "DI-Connect-" in n for n in names):
            yield from _garmin(zf, label, limits, depth=depth)
        else:
            yield from _bundle(zf, label, limits, depth=depth, source="file")


def _bundle(
    zf: zipfile.ZipFile,
    label: str,
    limits: ArchiveLimits,
    *,
    depth: int,
    source: str,
    group: GarminGroup | None = None,
) -> Iterator[ImportItem]:
    for member in members(zf, label=label):
        base = member.name.rsplit("/", 1)[-1]
        if base.startswith(".") or "__MACOSX/" in member.name:
            continue
        try:
            data = member.read(max_bytes=limits.max_member_bytes)
        except IngestError as exc:
            yield ImportItem(member.label, source=source, error=exc)
            continue
        if is_zip(data):
            if depth >= limits.max_depth:
                err = ingest_error(
                    "ingest.unsafe_archive",
                    f"zip nested deeper than {limits.max_depth}",
                    name=member.label,
                )
                yield ImportItem(member.label, source=source, error=err)
                continue
            if group is not None:
                yield from _nested_garmin(data, member.label, limits, depth=depth + 1, group=group)
            else:
                yield from _zip(data, member.label, limits, depth=depth + 1)
            continue
        yield ImportItem(member.label, source=source, data=data, garmin=group)


def _nested_garmin(
    data: bytes, label: str, limits: ArchiveLimits, *, depth: int, group: GarminGroup
) -> Iterator[ImportItem]:
    try:
        zf = open_zip(data, limits=limits, label=label)
    except IngestError as exc:
        yield ImportItem(label, source="garmin", error=exc)
        return
    with zf:
        yield from _bundle(zf, label, limits, depth=depth, source="garmin", group=group)


def _read_text(zf: zipfile.ZipFile, name: str | None, limits: ArchiveLimits) -> str:
    if name is None:
        return ""
    return zf.read(name)[: limits.max_member_bytes].decode("utf-8-sig", errors="replace")


def _strava(zf: zipfile.ZipFile, label: str, limits: ArchiveLimits) -> Iterator[ImportItem]:
    names = zf.namelist()
    csv_name = next(n for n in names if n.rsplit("/", 1)[-1].lower() == "activities.csv")
    prefix = csv_name[: len(csv_name) - len("activities.csv")]
    lower = {n.lower(): n for n in names}
    shoes = strava.gear_names(
        _read_text(zf, lower.get((prefix + "shoes.csv").lower()), limits), column="Shoe Name"
    )
    bikes = strava.gear_names(
        _read_text(zf, lower.get((prefix + "bikes.csv").lower()), limits), column="Bike Name"
    )
    rows = strava.parse_activities_csv(_read_text(zf, csv_name, limits), shoes=shoes, bikes=bikes)
    by_file = {(prefix + r.filename).lower(): r for r in rows if r.filename}
    seen: set[str] = set()
    act_dir = (prefix + "activities/").lower()
    for member in members(zf, label=label):
        key = member.name.lower()
        if not key.startswith(act_dir) or not key.endswith(ACTIVITY_SUFFIXES):
            continue
        row = by_file.get(key)
        seen.add(key)
        try:
            data = member.read(max_bytes=limits.max_member_bytes)
        except IngestError as exc:
            yield ImportItem(member.label, source="strava", error=exc)
            continue
        yield ImportItem(member.label, source="strava", data=data, hints=row.hints if row else None)
    for row in rows:
        if row.filename and (prefix + row.filename).lower() in seen:
            continue
        act = strava.manual_activity(row)
        item_label = f"{label}:activities.csv#{row.activity_id}"
        if act is None:
            err = ingest_error(
                "ingest.empty_activity", "CSV row without a readable date", name=item_label
            )
            yield ImportItem(item_label, source="strava", error=err)
        else:
            yield ImportItem(item_label, source="strava", activity=act)


def _garmin(
    zf: zipfile.ZipFile, label: str, limits: ArchiveLimits, *, depth: int
) -> Iterator[ImportItem]:
    group = GarminGroup()
    for member in members(zf, label=label):
        if member.name.endswith(garmin.SUMMARY_GLOB):
            try:
                group.summaries.extend(
                    garmin.parse_summaries(
                        member.read(max_bytes=limits.max_total_bytes), label=member.label
                    )
                )
            except IngestError as exc:
                yield ImportItem(member.label, source="garmin", error=exc)
    for member in members(zf, label=label):
        if not any(f"/{d}/" in f"/{member.name}" for d in garmin.UPLOAD_DIRS):
            continue
        try:
            data = member.read(max_bytes=limits.max_total_bytes)
        except IngestError as exc:
            yield ImportItem(member.label, source="garmin", error=exc)
            continue
        if is_zip(data):
            if depth >= limits.max_depth:
                continue
            yield from _nested_garmin(data, member.label, limits, depth=depth + 1, group=group)
        else:
            yield ImportItem(member.label, source="garmin", data=data, garmin=group)
    for summary in group.summaries:
        yield ImportItem(
            summary.source_name or label, source="garmin", activity=summary, garmin=group
        )


__all__ = ["GarminGroup", "ImportItem", "collect", "count_inputs", "walk_folder"]
