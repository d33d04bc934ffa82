"""A plan week's runs: the week's distance split over its run days under the single-run
guardrail, or the projected walk-run stages of a return to running.

Sources: clinical reference §7.1 (Frandsen et al. 2025 guardrail: no run over 110 % of the
longest run of the last 30 days; first run <= 20 min easy [default]; long-run share, <= 30 %
for novices; ~80 % of running easy, Seiler 2010, unverified) and §2.6 (walk-run stages).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

from backstride.plan import load_limits as limits
from backstride.plan.model import Decision, ProgressionState, RunRecord, Session
from backstride.plan.modes import PlanMode
from backstride.plan.plan_setup import PlanSetup
from backstride.plan.rtr_stages import LAST_WALK_RUN_STAGE, RTR_STAGES, stage_after_good_session
from backstride.plan.sessions import race_session, run_session
from backstride.plan.volume import WeekVolume

HARD = ("long", "tempo", "race")
"""Run intensities that count as hard days (clinical reference §7.1, hard/easy)."""
MIN_RUN_M = 1000
"""No planned run shorter than 1 km [default]."""


@dataclass(frozen=True, slots=True)
class WeekCarry:
    """What one week hands to the next: the run history for the guardrail window, the
    projected return-to-run stage with its count of good sessions, and the projected
    strength progression (``ladders.project_after``)."""

    history: tuple[RunRecord, ...]
    rtr_stage: int
    rtr_good: int
    strength: ProgressionState


def run_shares(intensities: list[str], *, long_share: float, quality_max: float) -> list[float]:
    """Each run's share of the week: the long run ``long_share``, the rest split evenly; a
    tempo run at most ``quality_max`` (~80 % of running easy, Seiler 2010, unverified), its
    surplus to the easy runs, none of which outgrows the long run (clinical reference §7.1)."""
    n = len(intensities)
    if n == 1 or "long" not in intensities:
        shares = [1 / n] * n
    else:
        rest = (1 - long_share) / (n - 1)
        shares = [long_share if i == "long" else rest for i in intensities]
    surplus = sum(
        max(0.0, x - quality_max) for x, i in zip(shares, intensities, strict=True) if i == "tempo"
    )
    shares = [
        min(x, quality_max) if i == "tempo" else x for x, i in zip(shares, intensities, strict=True)
    ]
    easy = [k for k, i in enumerate(intensities) if i == "easy"]
    ceiling = long_share if "long" in intensities else 1.0
    for k in easy:
        shares[k] = min(ceiling, shares[k] + surplus / len(easy))
    return shares


@dataclass(frozen=True, slots=True)
class PlacedRun:
    """One run of the week after the guardrail: distance, intensity and the reasons."""

    distance_m: int
    intensity: str
    reasons: tuple[Decision, ...]


def place_runs(
    setup: PlanSetup, dates: list[dt.date], target: int, history: tuple[RunRecord, ...]
) -> tuple[dict[dt.date, PlacedRun], tuple[RunRecord, ...]]:
    """Split the target over the run days; clip each run to the single-run guardrail.

    Without a run in the last 30 days the first run is at most 20 min and easy (Frandsen
    2025 guardrail, clinical reference §7.1 [default]); planned runs then enter the window, so the
    history is returned with them.
    """
    rules, prefs, pace = (
        setup.req.rules,
        setup.req.preferences,
        setup.req.context.easy_pace_s_per_km,
    )
    if not dates:
        return {}, history
    share = rules.long_run_share_novice if setup.novice else rules.long_run_share
    intensities = [setup.template.runs[d.weekday()] for d in dates]
    shares = run_shares(intensities, long_share=share, quality_max=rules.quality_share_max)
    runs = list(history)
    out: dict[dt.date, PlacedRun] = {}
    for d, intensity, part in zip(dates, intensities, shares, strict=True):
        want = math.floor(target * part + 1e-9)
        minutes = (
            (prefs.long_run_minutes or 2 * prefs.minutes_per_session)
            if intensity == "long"
            else prefs.minutes_per_session
        )
        want = min(want, minutes * 60 * 1000 // pace) // 10 * 10
        reasons: list[Decision] = []
        longest = limits.longest_in_window(runs, d)
        cap = limits.single_run_cap_m(longest, rules=rules) if longest else setup.first_run_m
        if longest is None and intensity != "easy":
            intensity = "easy"
            reasons.append(
                Decision("guardrail.first_run", "No run in the last 30 days: first run easy.")
            )
        if want > cap:
            reasons.append(
                Decision(
                    "guardrail.single_run",
                    f"Capped at {cap / 1000:.2f} km: no run "
                    "over 110 % of the longest run of the last 30 days "
                    "(Frandsen 2025)."
                    if longest
                    else "No recent run: first run at most 20 min easy.",
                )
            )
            want = cap
        runs.append(RunRecord(d, want))
        out[d] = PlacedRun(want, intensity, tuple(reasons))
    return out, tuple(runs)


def rtr_session(setup: PlanSetup, d: dt.date, carry: WeekCarry) -> tuple[Session, WeekCarry]:
    """A walk-run session at the projected return-to-run stage, and the carry after it."""
    stage = min(carry.rtr_stage, LAST_WALK_RUN_STAGE)
    pace = setup.req.context.easy_pace_s_per_km
    dist = RTR_STAGES[stage].distance_m(pace)
    reasons = (
        Decision(
            "rtr.stage",
            f"Return-to-run stage {stage} (projected: assumes the "
            "previous two sessions were free of bone pain; logging adjusts it).",
        ),
    )
    session = run_session(
        setup.catalogue,
        key=f"{d}:run:0",
        on_date=d,
        intensity="easy",
        distance_m=dist,
        pace_s_per_km=pace,
        forbidden=setup.forbidden,
        reasons=reasons,
        rtr_stage=stage,
    )
    next_stage, good = stage_after_good_session(carry.rtr_stage, carry.rtr_good)
    return session, replace(
        carry, history=(*carry.history, RunRecord(d, dist)), rtr_stage=next_stage, rtr_good=good
    )


def race_day(setup: PlanSetup, dates: list[dt.date]) -> dt.date | None:
    """The goal race's day when it falls in these dates and the plan runs (graded mode)."""
    race = setup.req.preferences.goal_race_date
    if setup.mode is not PlanMode.NORMAL or race is None or race not in dates:
        return None
    return race


def _race(
    setup: PlanSetup, day: dt.date, history: tuple[RunRecord, ...]
) -> tuple[Session, RunRecord | None]:
    """The goal race session and its record for the guardrail window; says plainly when the
    race is longer than the guardrail would plan (Frandsen et al. 2025: >10 % over the
    longest run of 30 days raised the injury rate)."""
    prefs, rules = setup.req.preferences, setup.req.rules
    distance = prefs.goal_race_distance_m
    reasons = [
        Decision(
            "race.goal",
            "Your goal race: the two weeks before it taper (volume down, intensity kept; "
            "Bosquet et al. 2007).",
        )
    ]
    longest = limits.longest_in_window(history, day)
    if distance and longest and not limits.within_guardrail(distance, longest, rules=rules):
        reasons.append(
            Decision(
                "race.over_guardrail",
                f"The race ({distance / 1000:.1f} km) is more than 110 % of your longest run of "
                f"the last 30 days ({longest / 1000:.1f} km): a spike the plan would not "
                "schedule as training (Frandsen et al. 2025). Race within yourself.",
            )
        )
    session = race_session(
        setup.catalogue,
        key=f"{day}:run:0",
        on_date=day,
        distance_m=distance,
        pace_s_per_km=setup.req.context.easy_pace_s_per_km,
        forbidden=setup.forbidden,
        reasons=tuple(reasons),
    )
    return session, (RunRecord(day, distance) if distance else None)


def week_runs(
    setup: PlanSetup,
    dates: list[dt.date],
    run_dates: list[dt.date],
    volume: WeekVolume,
    carry: WeekCarry,
) -> tuple[dict[dt.date, Session], WeekCarry]:
    """The week's runs: graded runs (normal) with the goal race in its week, or walk-run
    stages (return to run). The race week's volume is the training around the race, run as
    often as before (Bosquet et al. 2007: frequency kept in a taper)."""
    pace = setup.req.context.easy_pace_s_per_km
    out: dict[dt.date, Session] = {}
    if setup.mode is PlanMode.NORMAL:
        race = race_day(setup, dates)
        if race is not None:
            run_dates = [d for d in run_dates if d != race]
        planned, history = place_runs(setup, run_dates, volume.target_m, carry.history)
        dropped = {d for d in run_dates if planned[d].distance_m < MIN_RUN_M}
        if dropped:  # a run not planned is no run of the guardrail's window either
            history = tuple(r for r in history if r.on_date not in dropped)
        for d in run_dates:
            run = planned[d]
            if run.distance_m < MIN_RUN_M:
                continue  # no run under 1 km [default]
            reasons = run.reasons
            if setup.hold_hills:
                reasons = (
                    *reasons,
                    Decision("terrain.hold_hills", "Flat route: no hill or downhill running."),
                )
            out[d] = run_session(
                setup.catalogue,
                key=f"{d}:run:0",
                on_date=d,
                intensity=run.intensity,
                distance_m=run.distance_m,
                pace_s_per_km=pace,
                forbidden=setup.forbidden,
                reasons=(volume.why, *reasons),
            )
        if race is not None:
            out[race], record = _race(setup, race, history)
            history = (*history, record) if record else history
        carry = replace(carry, history=history)
    elif setup.mode is PlanMode.RTR:
        for d in run_dates:
            out[d], carry = rtr_session(setup, d, carry)
    return dict(sorted(out.items())), carry


__all__ = [
    "HARD",
    "PlacedRun",
    "WeekCarry",
    "place_runs",
    "race_day",
    "rtr_session",
    "run_shares",
    "week_runs",
]
