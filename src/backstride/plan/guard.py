"""Whole-plan safety passes run after generation and after every adaptation.

Never two hard days in a row and at most two hard sessions a week (Seiler 2010, unverified);
no planned run over 110 % of the longest run in the previous 30 days, planned runs counting
once they enter the window (Frandsen et al. 2025); no reference -> first run <= 20 min.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from backstride.plan import load_limits as limits
from backstride.plan.model import Day, Decision, Plan, PlanRules, RunRecord, Session, Week
from backstride.plan.warm_ups import scale_warm_up


def run_title(intensity: str, duration_s: int) -> str:
    """Calendar-safe title such as ``Easy run 40 min``."""
    label = {"long": "Long run", "tempo": "Tempo run", "easy": "Easy run"}.get(intensity, "Run")
    return f"{label} {round(duration_s / 60)} min"


def _map_sessions(plan: Plan, fn: dict[str, Session]) -> Plan:
    weeks = []
    for w in plan.weeks:
        days = tuple(Day(d.date, tuple(fn.get(s.key, s) for s in d.sessions)) for d in w.days)
        weeks.append(Week(w.index, w.start_date, w.phase, w.target_distance_m, days, w.reasons))
    return replace(plan, weeks=tuple(weeks))


def _made_easy(s: Session, why: str) -> Session:
    dur = s.duration_s or 0
    return replace(
        s,
        intensity="easy",
        title=run_title("easy", dur),
        warm_up=scale_warm_up(s.warm_up, intensity="easy", duration_s=dur, rtr=False),
        reasons=(*s.reasons, Decision("hard_easy.downgraded", why)),
    )


def enforce_hard_easy(plan: Plan) -> Plan:
    """Downgrade a hard run that follows a hard day, or a third hard run in a week, to easy.

    A race is never downgraded: it counts as the week's hard session, and a hard run the day
    before it is made easy instead (Seiler 2010 hard/easy, unverified; clinical reference §7.1).
    """
    changed: dict[str, Session] = {}
    races = {s.date for s in plan.sessions() if s.intensity == "race"}
    last_hard: dt.date | None = None
    for w in plan.weeks:
        hard_in_week = 0
        for d in w.days:
            for s in d.sessions:
                if not s.hard:
                    continue
                if s.intensity != "race":
                    if d.date + dt.timedelta(days=1) in races:
                        changed[s.key] = _made_easy(s, "Made easy: the race is the next day.")
                        continue
                    consecutive = last_hard is not None and (d.date - last_hard).days == 1
                    if consecutive or hard_in_week >= 2:
                        changed[s.key] = _made_easy(
                            s, "Made easy: never two hard days in a row, at most two a week."
                        )
                        continue
                hard_in_week += 1
                last_hard = d.date
    return _map_sessions(plan, changed) if changed else plan


def enforce_guardrail(
    plan: Plan,
    history: Iterable[RunRecord],
    *,
    rules: PlanRules,
    first_run_m: int,
    pace_s_per_km: int,
    from_date: dt.date,
) -> Plan:
    """Clip planned runs on or after ``from_date`` to the single-run guardrail, in date order."""
    runs = list(history)
    changed: dict[str, Session] = {}
    for s in plan.sessions():
        if s.kind != "run" or s.distance_m is None or s.date < from_date:
            continue  # past days are in ``history`` only if they were done
        if s.intensity == "race":  # the runner's chosen race: flagged, never clipped
            runs.append(RunRecord(s.date, s.distance_m))
            continue
        if s.rtr_stage is None or s.rtr_stage >= 6:
            longest = limits.longest_in_window(runs, s.date)
            cap = limits.single_run_cap_m(longest, rules=rules) if longest else first_run_m
            if s.distance_m > cap:
                dur = cap * pace_s_per_km // 1000
                s = replace(
                    s,
                    distance_m=cap,
                    duration_s=dur,
                    run_s=dur,
                    title=run_title(s.intensity, dur),
                    reasons=(
                        *s.reasons,
                        Decision(
                            "guardrail.single_run",
                            f"Capped at {cap / 1000:.2f} km (110 % of the 30-day longest run).",
                        ),
                    ),
                )
                changed[s.key] = s
        runs.append(RunRecord(s.date, s.distance_m or 0))
    return _map_sessions(plan, changed) if changed else plan


def enforce_strength_spacing(plan: Plan, *, from_date: dt.date) -> Plan:
    """Turn a strength session the day after one loading the same regions into mobility."""
    changed: dict[str, Session] = {}
    last: Session | None = None
    for s in plan.sessions():
        if s.kind != "strength":
            continue
        if (
            last is not None
            and s.date >= from_date
            and (s.date - last.date).days < 2
            and s.regions & last.regions
        ):
            changed[s.key] = Session(
                key=f"{s.date}:mobility:0",
                date=s.date,
                kind="mobility",
                title="Gentle mobility 20 min",
                duration_s=20 * 60,
                reasons=(
                    Decision(
                        "strength.spacing",
                        "Strength moved off: 48 h between sessions for the same muscles.",
                    ),
                ),
            )
            continue
        last = s
    return _map_sessions(plan, changed) if changed else plan


__all__ = ["enforce_guardrail", "enforce_hard_easy", "enforce_strength_spacing", "run_title"]
