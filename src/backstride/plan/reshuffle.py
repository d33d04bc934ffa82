"""The current week after logs: missed sessions moved without bunching, runs shortened on regress.

Never two hard days in a row, walk-run stages on alternate days (clinical reference §2.6), never
strength next to strength (ACSM 48 h), never more than was planned (so the weekly cap holds);
a session that cannot be placed is dropped (clinical reference §8, case D8) [default].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from backstride.plan.catalogue import load_catalogue
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
from backstride.plan.recovery_sessions import cross_session
from backstride.plan.rtr_stages import LAST_WALK_RUN_STAGE, RTR_STAGES, stage_after_good_session
from backstride.plan.sessions import run_session
from backstride.plan.warm_ups import scale_warm_up


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
            if s.rtr_stage is not None and any(x.kind == "run" for x in neighbours):
                continue  # walk-run stages stay on alternate days (clinical reference §2.6)
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


def restage_week(
    week: Week,
    *,
    today: dt.date,
    state: ProgressionState,
    no_running: bool,
    bone_days: Sequence[dt.date],
    forbidden: frozenset[str],
    equipment: frozenset[str],
    pace_s_per_km: int,
) -> tuple[Week, tuple[int, int]]:
    """The rest of the current week after return-to-run logs (clinical reference §2.6), and the
    projected (stage, good sessions) after it for the weeks that follow.

    No running (suspected BSI, R4 or bone pain) -> every later run becomes non-impact
    cross-training; bone pain -> no run within 48 h of it; walk-run sessions are re-staged
    from the logged stage (the next session after R3 is one stage lower, not the projection).
    """
    cat = load_catalogue()
    stage, good = state.rtr_stage or 1, state.rtr_good_sessions
    last_bone = max(bone_days, default=None)
    new_days: list[Day] = []
    for day in week.days:
        sessions: list[Session] = []
        for s in day.sessions:
            if day.date <= today or s.kind != "run":
                sessions.append(s)
                continue
            rest_48h = last_bone is not None and (day.date - last_bone).days < 2
            if no_running or rest_48h:
                why = (
                    Decision("rtr.rest_48h", "48 h without running after bone pain.")
                    if rest_48h and not no_running
                    else Decision("cross.instead_of_run", "Non-impact work instead of running.")
                )
                sessions.append(
                    cross_session(
                        cat,
                        key=f"{day.date}:cross_training:0",
                        on_date=day.date,
                        forbidden=forbidden | {"impact"},
                        equipment=equipment,
                        reason=why,
                    )
                )
                continue
            if s.rtr_stage is not None:
                cur = min(stage, LAST_WALK_RUN_STAGE)
                if cur != s.rtr_stage:
                    s = run_session(
                        cat,
                        key=s.key,
                        on_date=day.date,
                        intensity="easy",
                        distance_m=RTR_STAGES[cur].distance_m(pace_s_per_km),
                        pace_s_per_km=pace_s_per_km,
                        forbidden=forbidden,
                        reasons=(
                            Decision(
                                "rtr.stage",
                                f"Return-to-run stage {cur} after the logged sessions.",
                            ),
                        ),
                        rtr_stage=cur,
                    )
                stage, good = stage_after_good_session(stage, good)
            sessions.append(s)
        new_days.append(Day(day.date, tuple(sessions)))
    return replace(week, days=tuple(new_days)), (stage, good)


def scaled_run(s: Session, factor: float) -> Session:
    """A run shortened by ``factor`` and made easy after a pain response (clinical reference
    §8), its warm-up scaled to the shorter session; a race is left as planned."""
    if s.distance_m is None or s.rtr_stage is not None or s.intensity == "race":
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
        warm_up=scale_warm_up(s.warm_up, intensity="easy", duration_s=dur, rtr=False),
        reasons=(
            *s.reasons,
            Decision("pain.regress", "Shortened and easy after the pain response."),
        ),
    )


__all__ = ["reshuffle_week", "restage_week", "scaled_run"]
