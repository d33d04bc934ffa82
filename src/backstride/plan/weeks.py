"""One plan week: its volume target (build, deload, taper), runs under the guardrail, strength,
cross-training, rest and clinic visits; return-to-run walk-run sessions.

Sources: clinical reference §7.1 (Frandsen 2025 guardrail; weekly caps [default]; deload; Bosquet
2007 taper), 7.2 (ACSM 2009 strength), 2.6 (return-to-run stages), 7.4 (STarT visits [default]).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

from backstride.plan import rules as pr
from backstride.plan.model import (
    Day,
    Decision,
    RunRecord,
    Session,
    Week,
)
from backstride.plan.sessions import (
    STRENGTH_A,
    STRENGTH_B,
    cross_session,
    mobility_session,
    rest_session,
    run_session,
    strength_session,
)

if TYPE_CHECKING:
    from backstride.plan.builder import Builder


def week_target(b: Builder, i: int, prev: int, last_week: int) -> tuple[str, int, Decision]:
    """The week's phase and target (see :func:`_phase_target`), never above the weekly cap on
    the week before, whatever the phase (clinical reference §7.1: "never > +30 % week on week")."""
    phase, target, why = _phase_target(b, i, prev, last_week)
    last = last_week if last_week >= 1000 else max(prev, len(b.tpl.runs) * b.first_run_m)
    cap = pr.weekly_cap_m(last, pain_present=b.pain_present, rules=b.req.rules)
    if target > cap:
        target = cap
        why = Decision(
            why.code,
            f"{why.text} Held to {cap / 1000:.1f} km: the weekly cap on last week's "
            f"{last / 1000:.1f} km.",
        )
    return phase, target, why


def _phase_target(b: Builder, i: int, prev: int, last_week: int) -> tuple[str, int, Decision]:
    """The week's phase, distance target and reason (taper > deload > regress > hold > build).

    ``prev`` is the reference volume (the last build week after a deload or taper week) and
    ``last_week`` the distance actually planned the week before: growth is measured from the
    reference, but the weekly cap always compares with the week before, so a build week after
    a deload or race week never rises more than +10 % (pain) / +20 % / +30 % week on week
    (clinical reference §7.1; Nielsen et al. 2014).
    """
    rules, prefs = b.req.rules, b.req.preferences
    start = b.req.start_date + dt.timedelta(days=7 * i)
    race = prefs.goal_race_date
    if prev < 1000:  # under 1 km: no reference week [default]
        prev = len(b.tpl.runs) * b.first_run_m
    if last_week < 1000:
        last_week = prev
    if race is not None and start <= race < start + dt.timedelta(days=7):
        target = pr.taper_m(b.pre_taper or prev, rules=rules)[1]
        return (
            "race",
            target,
            Decision(
                "volume.taper",
                f"Race week: {target / 1000:.1f} km (45 % of pre-taper volume; Bosquet 2007).",
            ),
        )
    if race is not None and start + dt.timedelta(days=7) <= race < start + dt.timedelta(days=14):
        b.pre_taper = prev
        target = pr.taper_m(prev, rules=rules)[0]
        return (
            "taper",
            target,
            Decision(
                "volume.taper",
                f"Taper: {target / 1000:.1f} km (65 % of pre-taper volume; Bosquet 2007).",
            ),
        )
    if (i + b.req.week_offset + 1) % b.deload_every == 0:
        target = pr.deload_m(prev, rules=rules)
        return (
            "deload",
            target,
            Decision("volume.deload", f"Deload week: {target / 1000:.1f} km (-25 %)."),
        )
    cap = pr.weekly_cap_m(last_week, pain_present=b.pain_present, rules=rules)
    if i == 0 and b.state.volume_factor < 1:
        target = math.floor(prev * b.state.volume_factor)
        return (
            "build",
            target,
            Decision(
                "volume.regress",
                f"Regressed to {target / 1000:.1f} km after the last pain response.",
            ),
        )
    if i < b.state.hold_weeks:
        return (
            "build",
            min(prev, cap),
            Decision("volume.hold", "Volume held at last week's level."),
        )
    target = min(math.floor(prev * (1 + b.growth) + 1e-6), cap)
    limit = "+10 % with pain" if b.pain_present else "+20 % without pain"
    return (
        "build",
        target,
        Decision(
            "volume.build",
            f"Up to {target / 1000:.1f} km (weekly cap {cap / 1000:.1f} km: {limit} on last "
            "week, never over +30 %; a guideline, not a law - Nielsen 2014, Buist 2008).",
        ),
    )


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


def place_runs(
    b: Builder, dates: list[dt.date], target: int
) -> dict[dt.date, tuple[int, str, tuple[Decision, ...]]]:
    """Split the target over the run days; clip each run to the single-run guardrail.

    Without a run in the last 30 days the first run is at most 20 min and easy (Frandsen
    2025 guardrail, clinical reference §7.1 [default]); planned runs then enter the window.
    """
    rules, prefs, pace = (
        b.req.rules,
        b.req.preferences,
        b.req.context.easy_pace_s_per_km,
    )
    share = rules.long_run_share_novice if b.novice else rules.long_run_share
    intensities = [b.tpl.runs[d.weekday()] for d in dates]
    shares = run_shares(intensities, long_share=share, quality_max=rules.quality_share_max)
    out: dict[dt.date, tuple[int, str, tuple[Decision, ...]]] = {}
    for d, intensity, part in zip(dates, intensities, shares, strict=True):
        want = math.floor(target * part + 1e-9)
        minutes = (
            (prefs.long_run_minutes or 2 * prefs.minutes_per_session)
            if intensity == "long"
            else prefs.minutes_per_session
        )
        want = min(want, minutes * 60 * 1000 // pace) // 10 * 10
        reasons: list[Decision] = []
        longest = pr.longest_in_window(b.history, d)
        cap = pr.single_run_cap_m(longest, rules=rules) if longest else b.first_run_m
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
        b.history.append(RunRecord(d, want))
        out[d] = (want, intensity, tuple(reasons))
    return out


def build_week(b: Builder, i: int, phase: str, target: int, why: Decision) -> Week:
    """All sessions of week ``i`` (0-based within this request)."""
    start = b.req.start_date + dt.timedelta(days=7 * i)
    dates = [start + dt.timedelta(days=k) for k in range(7)]
    by_day: dict[dt.date, list[Session]] = {d: [] for d in dates}
    run_dates = [d for d in dates if d.weekday() in b.tpl.runs]
    hard_days = {d for d in run_dates if b.tpl.runs[d.weekday()] in ("long", "tempo")}
    pace = b.req.context.easy_pace_s_per_km
    if b.mode == "normal":
        planned = place_runs(b, run_dates, target)
        for d in run_dates:
            dist, intensity, reasons = planned[d]
            if b.hold_hills:
                reasons = (
                    *reasons,
                    Decision("terrain.hold_hills", "Flat route: no hill or downhill running."),
                )
            by_day[d].append(
                run_session(
                    b.cat,
                    key=f"{d}:run:0",
                    on_date=d,
                    intensity=intensity,
                    distance_m=dist,
                    pace_s_per_km=pace,
                    forbidden=b.forbidden,
                    reasons=(why, *reasons),
                )
            )
    elif b.mode == "rtr":
        for d in run_dates:
            by_day[d].append(rtr_session(b, d, pace))
    for turn, d in enumerate(
        d for d in dates if d.weekday() in b.tpl.runs and b.mode in ("no_run",)
    ):
        by_day[d].append(
            cross_session(
                b.cat,
                key=f"{d}:cross_training:0",
                on_date=d,
                forbidden=b.forbidden,
                equipment=b.equipment,
                turn=turn,
                reason=Decision("cross.instead_of_run", "Non-impact work instead of running."),
            )
        )
    for n, d in enumerate(d for d in dates if d.weekday() in b.tpl.strength):
        nxt = d + dt.timedelta(days=1)
        before_hard = nxt in hard_days or nxt.weekday() in {
            w for w, t in b.tpl.runs.items() if t in ("long", "tempo")
        }
        template = STRENGTH_A if (n + i + b.req.week_offset) % 2 == 0 else STRENGTH_B
        by_day[d].append(
            strength_session(
                b.cat,
                key=f"{d}:strength:0",
                on_date=d,
                template=template,
                state=b.state,
                forbidden=b.forbidden,
                equipment=b.equipment,
                before_hard=before_hard,
            )
        )
    for d in dates:
        if d.weekday() in b.tpl.other:
            why_x = Decision("recovery.cross", "Easy low-impact cross-training for recovery.")
            if b.mode == "walk_only":
                by_day[d].append(
                    mobility_session(
                        b.cat,
                        key=f"{d}:mobility:0",
                        on_date=d,
                        reason=Decision("plan.urgent", "Walking and gentle mobility only."),
                        forbidden=b.forbidden,
                    )
                )
            else:
                by_day[d].append(
                    cross_session(
                        b.cat,
                        key=f"{d}:cross_training:0",
                        on_date=d,
                        forbidden=b.forbidden,
                        equipment=b.equipment,
                        reason=why_x,
                    )
                )
        if not by_day[d]:
            by_day[d].append(
                rest_session(
                    key=f"{d}:rest:0",
                    on_date=d,
                    reason=Decision("rest.weekly", "Full rest day."),
                )
            )
    if i + b.req.week_offset in b.visits:
        vd = next(d for d in dates if d.weekday() < 5)
        by_day[vd].append(
            Session(
                key=f"{vd}:clinic_visit:0",
                date=vd,
                kind="clinic_visit",
                title=b.visits[i + b.req.week_offset],
                reasons=(
                    Decision(
                        "visit.pathway",
                        "Clinic visit from the care pathway (STarT Back, disposition).",
                    ),
                ),
            )
        )
    days = tuple(Day(d, tuple(by_day[d])) for d in dates)
    return Week(
        index=i + b.req.week_offset,
        start_date=start,
        phase=phase,
        target_distance_m=target if b.mode == "normal" else 0,
        days=days,
        reasons=(why,),
    )


def rtr_session(b: Builder, d: dt.date, pace: int) -> Session:
    """A walk-run session at the projected return-to-run stage."""
    stage = min(b.rtr_stage, 6)
    reps, run_min, walk_min = {
        1: (6, 1, 4),
        2: (6, 2, 3),
        3: (6, 3, 2),
        4: (6, 4, 1),
        5: (3, 9, 1),
        6: (1, 30, 0),
    }[stage]
    dist = reps * (run_min * 60 * 1000 // pace + walk_min * 100)
    reasons = (
        Decision(
            "rtr.stage",
            f"Return-to-run stage {stage} (projected: assumes the "
            "previous two sessions were free of bone pain; logging adjusts it).",
        ),
    )
    session = run_session(
        b.cat,
        key=f"{d}:run:0",
        on_date=d,
        intensity="easy",
        distance_m=dist,
        pace_s_per_km=pace,
        forbidden=b.forbidden,
        reasons=reasons,
        rtr_stage=stage,
    )
    b.history.append(RunRecord(d, dist))
    b.rtr_good += 1
    if b.rtr_good >= 2 and b.rtr_stage < 6:
        b.rtr_stage, b.rtr_good = b.rtr_stage + 1, 0
    return session


__all__ = ["build_week", "place_runs", "rtr_session", "run_shares", "week_target"]
