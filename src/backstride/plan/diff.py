"""Compare two plan versions: revisions for changed sessions, cancellations, a readable diff."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from backstride.plan.model import Cancelled, Day, Plan, Session, Week


@dataclass(frozen=True, slots=True)
class DiffEntry:
    """One change: ``added`` | ``removed`` | ``changed`` with before/after text and reasons."""

    key: str
    date: dt.date
    change: str
    before: str
    after: str
    reasons: tuple[str, ...] = ()

    def text(self) -> str:
        """One readable line."""
        why = f" ({'; '.join(self.reasons)})" if self.reasons else ""
        if self.change == "added":
            return f"{self.date} + {self.after}{why}"
        if self.change == "removed":
            return f"{self.date} - {self.before}"
        return f"{self.date} ~ {self.before} -> {self.after}{why}"


def _describe(s: Session) -> str:
    bits = [s.title]
    if s.distance_m is not None:
        bits.append(f"{s.distance_m / 1000:.1f} km")
    if s.exercises and s.kind == "strength":
        bits.append(", ".join(e.id for e in s.exercises))
    return " · ".join(bits)


def _signature(s: Session) -> tuple[object, ...]:
    return (s.kind, s.title, s.intensity, s.distance_m, s.duration_s, s.rtr_stage, s.exercises)


def revise(old: Plan, new: Plan, *, today: dt.date) -> tuple[Plan, tuple[DiffEntry, ...]]:
    """Carry revisions forward (bumped on change), list removed sessions as cancelled."""
    before = {s.key: s for s in old.sessions()}
    after = {s.key: s for s in new.sessions()}
    diff: list[DiffEntry] = []
    bumped: dict[str, Session] = {}
    for key, s in after.items():
        prev = before.get(key)
        if prev is None:
            if s.date > today:
                diff.append(
                    DiffEntry(
                        key,
                        s.date,
                        "added",
                        "",
                        _describe(s),
                        tuple(r.text for r in s.reasons[-1:]),
                    )
                )
            continue
        if _signature(prev) != _signature(s):
            bumped[key] = replace(s, revision=prev.revision + 1)
            new_reasons = tuple(r.text for r in s.reasons if r not in prev.reasons)
            diff.append(
                DiffEntry(key, s.date, "changed", _describe(prev), _describe(s), new_reasons)
            )
        elif s.revision != prev.revision:
            bumped[key] = replace(s, revision=prev.revision)
    cancelled = list(old.cancelled)
    for key, s in before.items():
        if key not in after and s.date > today:
            cancelled.append(Cancelled(key, s.date, s.title, s.revision + 1))
            diff.append(DiffEntry(key, s.date, "removed", _describe(s), ""))
    weeks = tuple(
        Week(
            w.index,
            w.start_date,
            w.phase,
            w.target_distance_m,
            tuple(Day(d.date, tuple(bumped.get(s.key, s) for s in d.sessions)) for d in w.days),
            w.reasons,
        )
        for w in new.weeks
    )
    alive = set(after)
    cancelled = [c for c in cancelled if c.key not in alive]
    diff.sort(key=lambda e: (e.date, e.key))
    return replace(new, weeks=weeks, cancelled=tuple(cancelled)), tuple(diff)


__all__ = ["DiffEntry", "revise"]
