"""The current week after logs: missed sessions moved without bunching, runs shortened on regress.

Never two hard days in a row, never strength next to strength (ACSM 48 h), never more than
was planned (so the weekly cap holds); a session that cannot be placed is dropped (clinical.md 8,
case D8) [default].
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from backstride.plan.guard import (
    run_title,
)
from backstride.plan.model import (
    Day,
    Decision,
    ProgressionState,
    Session,
    Week,
)


def reshuffle_week(
    week: Week, skipped: list[Session], today: dt.date, state: ProgressionState
) -> Week:
    """Move skipped sessions to free (cross-training) days later this week, never bunching."""
    days = {d.date: list(d.sessions) for d in week.days}
    factor = state.volume_factor
    for d, sessions in days.items():
        if d > today and factor < 1:
            days[d] = [scaled_run(s, factor) if s.kind == "run" else s for s in sessions]
    notes: list[Decision] = []
    for s in skipped:
        placed = False
        for d in sorted(days):
            if d <= today or any(x.kind not in ("cross_training", "mobility") for x in days[d]):
                continue
            neighbours = [
                x
                for n in (d - dt.timedelta(days=1), d + dt.timedelta(days=1))
                for x in days.get(n, [])
            ]
            if s.kind == "run" and s.hard and any(x.hard for x in neighbours):
                continue
            if s.kind == "strength" and any(x.kind == "strength" for x in neighbours):
                continue
            moved = replace(
                s,
                key=f"{d}:{s.kind}:0",
                date=d,
                reasons=(
                    *s.reasons,
                    Decision("reshuffle.moved", f"Moved from {s.date} (skipped)."),
                ),
            )
            days[d] = [moved]
            notes.append(Decision("reshuffle.moved", f"{s.title} moved from {s.date} to {d}."))
            placed = True
            break
        if not placed:
            notes.append(
                Decision(
                    "reshuffle.dropped",
                    f"{s.title} of {s.date} not made up: no free day this week without "
                    "bunching load.",
                )
            )
    new_days = tuple(Day(d.date, tuple(days[d.date])) for d in week.days)
    return Week(
        week.index,
        week.start_date,
        week.phase,
        week.target_distance_m,
        new_days,
        (*week.reasons, *notes),
    )


def scaled_run(s: Session, factor: float) -> Session:
    if s.distance_m is None or s.rtr_stage is not None:
        return s
    dist = int(s.distance_m * factor)
    dur = int((s.duration_s or 0) * factor)
    return replace(
        s,
        distance_m=dist,
        duration_s=dur,
        run_s=dur,
        intensity="easy",
        title=run_title("easy", dur),
        reasons=(
            *s.reasons,
            Decision("pain.regress", "Shortened and easy after the pain response."),
        ),
    )


__all__ = ["reshuffle_week", "scaled_run"]
