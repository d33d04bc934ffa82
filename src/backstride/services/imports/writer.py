"""The import's only writer: dedup against the runner's activities, then store in batches.

Each parsed file is checked against an in-memory dedup index at once (so later files see it),
and its rows wait in a batch; a batch (``BATCH_FILES`` files) goes in under one savepoint with
one ``executemany`` per table. Should the batch hit a constraint (another importer stored the
same activity or original meanwhile), it is rolled back and redone file by file, each original
and each activity (with its laps) under its own savepoint, so every activity is stored whole or
not at all and the outcome of every file stays exact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backstride.ingest.dedup import dedup_key
from backstride.ingest.garmin import hints_from_summary, match_summary
from backstride.ingest.hints import apply_hints
from backstride.ingest.model import Activity, DataWarningDict
from backstride.ingest.quality import recheck_summary
from backstride.ingest.sources import ImportItem
from backstride.services.imports.dedup_index import DedupIndex
from backstride.services.imports.parsing import Parsed
from backstride.services.rows.activity import Row, activity_values, with_source
from backstride.store import models as sm
from backstride.store.base import Base
from backstride.store.bulk import insert_many
from backstride.units import new_id

BATCH_FILES = 32


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What happened to one file or export entry."""

    label: str
    status: str  # imported | duplicate | skipped
    code: str | None = None
    reason: str | None = None
    activity_ids: tuple[str, ...] = ()
    duplicate_of: str | None = None
    """For a duplicate (or a file with duplicates): the file or activity it duplicates."""
    duplicate_ids: tuple[str, ...] = ()
    """Ids of the activities its duplicates repeat (stored before, or by this import)."""
    warnings: tuple[DataWarningDict, ...] = ()
    """Data warnings of the imported activities (``ingest.quality``), each with its code."""


@dataclass(slots=True)
class _Pending:
    label: str
    blob: Row | None
    rows: list[tuple[Row, list[Row]]] = field(default_factory=list)
    duplicates: int = 0
    outcome: FileOutcome | None = None
    duplicate_of: str | None = None
    duplicate_ids: list[str] = field(default_factory=list)
    warnings: list[DataWarningDict] = field(default_factory=list)


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


class Writer:
    """Stores parsed files for one runner; ``drain`` hands back outcomes in input order."""

    def __init__(
        self,
        session: Session,
        runner: sm.Runner,
        *,
        now: dt.datetime,
        bases: tuple[Path, ...] = (),
    ) -> None:
        self.session, self.runner, self.now = session, runner, now
        # the folders the inputs sit in: cut from the names kept, so no server path is stored
        self._prefixes = sorted({str(b).rstrip("/") + "/" for b in bases}, key=len, reverse=True)
        self._gear: dict[str, str] = {}
        self._queue: list[_Pending | FileOutcome] = []
        self._counts: list[str] = []
        try:
            self._tz: dt.tzinfo = ZoneInfo(runner.timezone or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            self._tz = dt.UTC
        self._tables = (_table(sm.Blob), _table(sm.Activity), _table(sm.Lap))
        session.flush()  # the runner row exists before its activities reference it
        self._load_index()

    def store(self, item: ImportItem, parsed: Parsed) -> None:
        """Dedup the file's activities now; their rows go in with the next batch."""
        if parsed.code is not None:
            self._queue.append(FileOutcome(item.label, "skipped", parsed.code, parsed.reason))
            self._counts.append("skipped")
            return
        group = item.garmin
        if group is not None and item.activity is not None and id(item.activity) in group.matched:
            return  # this summary's FIT file was imported with it
        sha = parsed.sha256
        blob: Row | None = None
        if sha is not None and sha not in self._blobs:
            blob = {
                "runner_id": self.runner.id,
                "sha256": sha,
                "size_bytes": parsed.size,
                "filename": self._name(item.label),
                "created_at": self.now,
            }
            self._blobs.add(sha)
        pending = _Pending(item.label, blob)
        pending.duplicate_of = self._dedup.same_file(sha)
        self._dedup.add_file(sha, item.label)
        for act, facts in zip(parsed.activities, parsed.facts, strict=True):
            act = apply_hints(act, item.hints)
            if group is not None and item.activity is None:
                summary = match_summary(act, group.summaries)
                if summary is not None:
                    group.matched.add(id(summary))
                    act = apply_hints(act, hints_from_summary(summary))
            act = recheck_summary(act)  # the export may have changed the sport
            key = dedup_key(act)
            found = self._dedup.match_with_id(act, key, label=item.label)
            if pending.duplicate_of is not None or found is not None:
                pending.duplicates += 1
                if found is not None:
                    pending.duplicate_of = pending.duplicate_of or found[0]
                    if found[1] is not None and found[1] not in pending.duplicate_ids:
                        pending.duplicate_ids.append(found[1])
                continue
            pending.warnings.extend(w.to_dict() for w in act.warnings)
            act = with_source(act, self._name(item.label))
            source = item.source if act.format != "summary" or item.source != "file" else "manual"
            row = activity_values(
                act,
                facts,
                runner_id=self.runner.id,
                source=source,
                blob_sha256=sha,
                dedup_key=key,
                gear_id=self._gear_id(act),
                tz=self._tz,
                now=self.now,
            )
            self._dedup.add(act, key, item.label, str(row[0]["id"]))
            pending.rows.append(row)
        self._queue.append(pending)
        if sum(isinstance(p, _Pending) for p in self._queue) >= BATCH_FILES:
            self.flush()

    def flush(self) -> None:
        """Write every waiting file: one batch, or file by file when the batch conflicts."""
        waiting = [p for p in self._queue if isinstance(p, _Pending) and p.outcome is None]
        if not waiting:
            return
        blobs_t, acts_t, laps_t = self._tables
        blobs = [p.blob for p in waiting if p.blob is not None]
        rows = [row for p in waiting for row, _ in p.rows]
        laps = [lap for p in waiting for _, lp in p.rows for lap in lp]
        try:
            with self.session.begin_nested():
                have: set[str] = set()
                if blobs:
                    shas = [b["sha256"] for b in blobs]
                    have = set(
                        self.session.scalars(
                            select(blobs_t.c.sha256).where(
                                blobs_t.c.runner_id == self.runner.id, blobs_t.c.sha256.in_(shas)
                            )
                        )
                    )
                connection = self.session.connection()
                insert_many(connection, blobs_t, [b for b in blobs if b["sha256"] not in have])
                insert_many(connection, acts_t, rows)
                insert_many(connection, laps_t, laps)
            for p in waiting:
                self._resolve(p, [str(row["id"]) for row, _ in p.rows])
        except IntegrityError:
            for p in waiting:
                self._resolve(p, self._one_by_one(p))

    def _name(self, label: str) -> str:
        """The file name as the runner knows it (``run.fit``, ``export.zip/a/b.fit``)."""
        for prefix in self._prefixes:
            if label.startswith(prefix):
                label = label[len(prefix) :]
                break
        else:
            label = Path(label).name or label
        return label[-255:]

    def drain(self) -> tuple[list[FileOutcome], list[str]]:
        """Outcomes resolved so far (in input order) and the activity statuses since last time."""
        done: list[FileOutcome] = []
        while self._queue:
            head = self._queue[0]
            outcome = head if isinstance(head, FileOutcome) else head.outcome
            if outcome is None:
                break
            done.append(outcome)
            self._queue.pop(0)
        counts, self._counts = self._counts, []
        return done, counts

    def _resolve(self, pending: _Pending, ids: list[str]) -> None:
        dups = pending.duplicates + len(pending.rows) - len(ids)
        self._counts.extend(["imported"] * len(ids) + ["duplicate"] * dups)
        status = "imported" if ids else "duplicate"
        pending.outcome = FileOutcome(
            pending.label,
            status,
            activity_ids=tuple(ids),
            duplicate_of=pending.duplicate_of if dups else None,
            duplicate_ids=tuple(pending.duplicate_ids) if dups else (),
            warnings=tuple(pending.warnings) if ids else (),
        )

    def _one_by_one(self, pending: _Pending) -> list[str]:
        blobs_t, acts_t, laps_t = self._tables
        if pending.blob is not None:
            try:
                with self.session.begin_nested():  # already mine: the primary key decides
                    self.session.execute(insert(blobs_t), [pending.blob])
            except IntegrityError:
                pass
        ids: list[str] = []
        for row, laps in pending.rows:
            try:
                with self.session.begin_nested():  # the activity and its laps, or nothing
                    connection = self.session.connection()
                    insert_many(connection, acts_t, [row])
                    insert_many(connection, laps_t, laps)
            except IntegrityError:
                continue
            ids.append(str(row["id"]))
        return ids

    def _load_index(self) -> None:
        self._dedup = DedupIndex(self.session, self.runner.id)
        self._blobs: set[str] = set()

    def _gear_id(self, act: Activity) -> str | None:
        if not act.gear:
            return None
        name = act.gear[:200]
        if name not in self._gear:
            found = self.session.scalars(
                select(sm.Gear).where(sm.Gear.runner_id == self.runner.id, sm.Gear.name == name)
            ).one_or_none()
            if found is None:
                kind = str(
                    act.extra.get("gear_kind") or ("bike" if act.sport == "cycling" else "shoe")
                )
                found = sm.Gear(
                    id=new_id(),
                    runner_id=self.runner.id,
                    name=name,
                    kind=kind,
                    retired=False,
                    created_at=self.now,
                )
                self.session.add(found)
                self.session.flush()
            self._gear[name] = found.id
        return self._gear[name]


__all__ = ["BATCH_FILES", "FileOutcome", "Parsed", "Writer"]
