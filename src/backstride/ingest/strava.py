"""Strava bulk export: ``activities.csv`` (+ ``shoes.csv``/``bikes.csv``) and ``activities/``.

CSV pitfalls handled: UTF-8 BOM, quoted newlines, duplicate column names (the first
``Distance`` is in display units, the second in metres: take the last), translated headers
(the first 13 columns are read by position when a name is missing, provided the file column,
recognised by its ``activities/<n>.fit.gz`` content, sits at its standard place; in a
reordered and translated export only the file and date columns are found, by content).
``Activity Date`` is parsed in several locale forms and taken as UTC (Strava writes UTC there;
unverified for every locale). Rows without ``Filename`` are manual activities and become
``summary`` activities.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backstride.ingest import model as m
from backstride.ingest.hints import Hints
from backstride.ingest.model import Activity, Streams
from backstride.ingest.sports import normalise_sport

# English header name -> position in the standard export (used when the name is missing)
_POSITIONS = {
    "Activity ID": 0,
    "Activity Date": 1,
    "Activity Name": 2,
    "Activity Type": 3,
    "Activity Description": 4,
    "Elapsed Time": 5,
    "Distance": 6,
    "Activity Gear": 11,
    "Filename": 12,
}
_FILE_CELL = re.compile(r"^activities/[^/]+\.(?:fit|gpx|tcx)(?:\.gz)?$", re.IGNORECASE)
_DATE_FORMATS = (
    "%b %d, %Y, %I:%M:%S %p",
    "%b %d, %Y %I:%M:%S %p",
    "%d %b %Y, %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
    "%m/%d/%Y %H:%M:%S",
    "%d.%m.%Y, %H:%M:%S",
)


@dataclass(frozen=True, slots=True)
class StravaRow:
    """One ``activities.csv`` row, typed."""

    activity_id: str
    start_at: dt.datetime | None
    filename: str | None
    hints: Hints
    elapsed_s: float | None
    distance_m: float | None
    max_hr_bpm: float | None
    avg_hr_bpm: float | None
    ascent_m: float | None


def parse_date(text: str) -> dt.datetime | None:
    """A Strava ``Activity Date`` in any of the seen locale forms, as aware UTC."""
    text = " ".join(text.replace("\u202f", " ").split())
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    return None


def _num(text: str | None) -> float | None:
    if text is None or not text.strip():
        return None
    t = text.strip()
    t = t.replace(",", "") if "." in t else t.replace(",", ".")  # 1,234.5 and 12,5
    try:
        value = float(t)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def gear_names(text: str, *, column: str) -> set[str]:
    """Gear names from ``shoes.csv`` (``Shoe Name``) or ``bikes.csv`` (``Bike Name``)."""
    names: set[str] = set()
    for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
        for key in (column, "Name"):
            if row.get(key):
                names.add(row[key].strip())
        brand, model = (
            (row.get(f"{column.split()[0]} Brand") or ""),
            (row.get(f"{column.split()[0]} Model") or ""),
        )
        if brand or model:
            names.add(f"{brand} {model}".strip())
    return names


def _best_column(body: list[list[str]], test: Callable[[str], bool]) -> int | None:
    """The column where most cells pass ``test`` (None when no cell does)."""
    hits: dict[int, int] = {}
    for row in body[:200]:
        for i, cell in enumerate(row):
            if cell.strip() and test(cell.strip()):
                hits[i] = hits.get(i, 0) + 1
    return max(hits, key=lambda i: (hits[i], -i)) if hits else None


def _fallback_positions(index: dict[str, list[int]], body: list[list[str]]) -> dict[str, int]:
    """Where to look for columns whose English name is missing (a translated export).

    The file column is recognised by its content (``activities/<n>.fit.gz``), the date column
    too. The other standard positions are trusted only when the file column sits where the
    standard export has it: in a reordered export they would point at the wrong data.
    """
    out = dict(_POSITIONS)
    if "Filename" not in index:
        found = _best_column(body, lambda cell: bool(_FILE_CELL.match(cell)))
        if found is not None and found != _POSITIONS["Filename"]:
            out = {"Filename": found}
            date = _best_column(body, lambda cell: parse_date(cell) is not None)
            if date is not None:
                out["Activity Date"] = date
    return out


def parse_activities_csv(text: str, *, shoes: set[str], bikes: set[str]) -> list[StravaRow]:
    """Parse ``activities.csv`` by name and position (see module docstring)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = next(reader, None)
    if not header:
        return []
    index: dict[str, list[int]] = {}
    for i, name in enumerate(header):
        index.setdefault(name.strip(), []).append(i)
    body = [row for row in reader if row and any(cell.strip() for cell in row)]
    positions = _fallback_positions(index, body)

    def col(row: list[str], name: str, *, last: bool = False) -> str | None:
        found = index.get(name)
        pos = (found[-1] if last else found[0]) if found else positions.get(name)
        if pos is None or pos >= len(row):
            return None
        return row[pos].strip() or None

    rows: list[StravaRow] = []
    for row in body:
        gear = col(row, "Activity Gear")
        kind = "shoe" if gear in shoes else "bike" if gear in bikes else None
        distance = _num(col(row, "Distance", last=True))
        if len(index.get("Distance", [])) < 2 and distance is not None:
            distance *= 1000.0  # only the display-unit column (km) exists
        rows.append(
            StravaRow(
                activity_id=col(row, "Activity ID") or "",
                start_at=parse_date(col(row, "Activity Date") or ""),
                filename=col(row, "Filename"),
                hints=Hints(
                    name=col(row, "Activity Name"),
                    description=col(row, "Activity Description"),
                    sport=normalise_sport(col(row, "Activity Type")),
                    gear=gear,
                    gear_kind=kind,
                    rpe=_num(col(row, "Perceived Exertion")),
                    export_id=f"strava:{col(row, 'Activity ID') or ''}",
                ),
                elapsed_s=_num(col(row, "Elapsed Time", last=True)),
                distance_m=distance,
                max_hr_bpm=_num(col(row, "Max Heart Rate", last=True)),
                avg_hr_bpm=_num(col(row, "Average Heart Rate")),
                ascent_m=_num(col(row, "Elevation Gain")),
            )
        )
    return rows


def manual_activity(row: StravaRow) -> Activity | None:
    """A manual (file-less) Strava activity as a ``summary`` activity; None without a date."""
    if row.start_at is None:
        return None
    h = row.hints
    return Activity(
        format="summary",
        sport=h.sport or "generic",
        start_at=row.start_at,
        elapsed_s=row.elapsed_s or 0.0,
        streams=Streams({m.TIME_S: np.empty(0)}),
        distance_m=row.distance_m,
        ascent_m=row.ascent_m,
        avg_hr_bpm=row.avg_hr_bpm,
        max_hr_bpm=row.max_hr_bpm,
        name=h.name,
        description=h.description,
        gear=h.gear,
        rpe=h.rpe,
        source_name=f"strava activity {row.activity_id}",
        extra={"export_id": h.export_id, **({"gear_kind": h.gear_kind} if h.gear_kind else {})},
    )


__all__ = ["StravaRow", "gear_names", "manual_activity", "parse_activities_csv", "parse_date"]
