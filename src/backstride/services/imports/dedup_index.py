"""The importer's dedup index: one runner's activities (stored and just read) and files, so that
every duplicate is caught and the outcome can say which file or activity it duplicates.

Three checks, in order (``ingest.dedup`` has the rules and their tolerances):

1. the same file content (SHA-256 of the bytes) as a file stored for this runner or read
   earlier in this import: the whole file is a duplicate of that file;
2. the same dedup key (sport family, start minute, whole km);
3. the same activity within the dedup window: same family with a close distance, or any sport
   with the same start and duration (a TCX labelled "training" in a zip and "generic" in a
   folder is one session).

Labels of earlier files are what the runner gave (a path, ``export.zip:activities/1.tcx.gz``);
activities stored by an earlier import are named by the file they came from when it was
recorded (``extra["source_file"]``), else by their date, sport and id.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.ingest.dedup import START_TOLERANCE_S, same_activity
from backstride.ingest.model import Activity
from backstride.store import models as sm


@dataclass(frozen=True, slots=True)
class _Entry:
    start_s: float
    order: int
    sport: str
    distance_m: float | None
    duration_s: float | None
    label: str | None
    """The file it came from in this import; None for a stored activity (see ``activity_id``)."""
    activity_id: str | None
    """The stored activity's id (for one of this import: the id it is to be stored under)."""


class DedupIndex:
    """What one runner already has, kept in memory for the length of one import."""

    def __init__(self, session: Session, runner_id: str) -> None:
        self._session = session
        rows = session.execute(
            select(
                sm.Activity.id,
                sm.Activity.start_at,
                sm.Activity.sport,
                sm.Activity.distance_m,
                sm.Activity.elapsed_s,
                sm.Activity.dedup_key,
                sm.Activity.blob_sha256,
            ).where(sm.Activity.runner_id == runner_id)
        ).all()
        self._keys: dict[str, _Entry] = {}
        self._entries: list[tuple[float, int, _Entry]] = []
        self._files: dict[str, str | _Entry] = {}
        for r in rows:
            entry = _Entry(
                r.start_at.timestamp(),
                len(self._entries),
                r.sport,
                r.distance_m,
                r.elapsed_s,
                None,
                r.id,
            )
            self._entries.append((entry.start_s, entry.order, entry))
            self._keys.setdefault(r.dedup_key, entry)
            if r.blob_sha256:
                self._files.setdefault(r.blob_sha256, entry)
        self._entries.sort()

    def same_file(self, sha256: str | None) -> str | None:
        """What an identical file already imported is called, or None."""
        if sha256 is None or sha256 not in self._files:
            return None
        seen = self._files[sha256]
        return seen if isinstance(seen, str) else f"{self._describe(seen)} (identical file)"

    def add_file(self, sha256: str | None, label: str) -> None:
        """Remember a file read in this import."""
        if sha256 is not None:
            self._files.setdefault(sha256, label)

    def match(self, act: Activity, key: str, *, label: str | None = None) -> str | None:
        """What ``act`` duplicates (a file label or a stored activity), or None; activities of
        the file ``label`` itself (the legs of one multisport file) are not compared."""
        found = self.match_with_id(act, key, label=label)
        return None if found is None else found[0]

    def match_with_id(
        self, act: Activity, key: str, *, label: str | None = None
    ) -> tuple[str, str | None] | None:
        """``match`` and the id of the activity it duplicates (None if it has none yet)."""
        entry = self._find(act, key, label)
        return None if entry is None else (self._describe(entry), entry.activity_id)

    def _find(self, act: Activity, key: str, label: str | None) -> _Entry | None:
        seen = self._keys.get(key)
        if seen is not None and (label is None or seen.label != label):
            return seen
        t = act.start_at.timestamp()
        lo = bisect.bisect_left(self._entries, (t - START_TOLERANCE_S,))
        for start, _, entry in self._entries[lo:]:
            if start > t + START_TOLERANCE_S:
                break
            if label is not None and entry.label == label:
                continue
            if same_activity(
                act.sport,
                act.start_at,
                act.distance_m,
                entry.sport,
                dt.datetime.fromtimestamp(start, dt.UTC),
                entry.distance_m,
                duration_a=act.elapsed_s,
                duration_b=entry.duration_s,
            ):
                return entry
        return None

    def add(self, act: Activity, key: str, label: str, activity_id: str | None = None) -> None:
        """Remember an activity of this import (later files are checked against it), with the
        id it is to be stored under."""
        start = act.start_at.timestamp()
        entry = _Entry(
            start, len(self._entries), act.sport, act.distance_m, act.elapsed_s, label, activity_id
        )
        self._keys.setdefault(key, entry)
        bisect.insort(self._entries, (start, entry.order, entry))

    def _describe(self, entry: _Entry) -> str:
        if entry.label is not None:
            return entry.label
        row = self._session.execute(
            select(
                sm.Activity.id, sm.Activity.local_date, sm.Activity.sport, sm.Activity.extra
            ).where(sm.Activity.id == entry.activity_id)
        ).first()
        if row is None:
            return f"activity {entry.activity_id}"
        source = (row.extra or {}).get("source_file")
        what = f"activity {row.id[:8]} of {row.local_date.isoformat()} ({row.sport})"
        return f"{source} ({what}, imported before)" if source else f"{what}, imported before"


__all__ = ["DedupIndex"]
