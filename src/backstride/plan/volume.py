"""A plan week's running volume: its phase (build, deload, taper, race) and distance target.

Sources: clinical reference §7.1 (weekly caps +10 % with pain / +20 % without, never over
+30 % week on week - guidelines, Nielsen et al. 2014, Buist et al. 2008; deload -25 % every
4th week, periodisation practice, unverified; taper 65 % then 45 % of pre-taper volume,
Bosquet et al. 2007, Med Sci Sports Exerc 39:1358-1365). Integer metres throughout
(clinical reference §0).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from backstride.plan import load_limits as limits
from backstride.plan.model import Decision
from backstride.plan.modes import WeekPhase
from backstride.plan.plan_setup import PlanSetup


@dataclass(frozen=True, slots=True)
class WeekVolume:
    """The week's phase, running target (m) and reason; ``pre_taper_m`` once a taper began."""

    phase: WeekPhase
    target_m: int
    why: Decision
    pre_taper_m: int | None = None


def week_volume(
    setup: PlanSetup, i: int, prev: int, last_week: int, *, pre_taper_m: int | None
) -> WeekVolume:
    """The week's phase and target (see :func:`_phase_target`), never above the weekly cap on
    the week before, whatever the phase (clinical reference §7.1: "never > +30 % week on week")."""
    vol = _phase_target(setup, i, prev, last_week, pre_taper_m=pre_taper_m)
    last = (
        last_week if last_week >= 1000 else max(prev, len(setup.template.runs) * setup.first_run_m)
    )
    cap = limits.weekly_cap_m(last, pain_present=setup.pain_present, rules=setup.req.rules)
    if vol.target_m > cap:
        why = Decision(
            vol.why.code,
            f"{vol.why.text} Held to {cap / 1000:.1f} km: the weekly cap on last week's "
            f"{last / 1000:.1f} km.",
        )
        return WeekVolume(vol.phase, cap, why, vol.pre_taper_m)
    return vol


def _phase_target(
    setup: PlanSetup, i: int, prev: int, last_week: int, *, pre_taper_m: int | None
) -> WeekVolume:
    """The week's phase, distance target and reason (taper > deload > regress > hold > build).

    ``prev`` is the reference volume (the last build week after a deload or taper week) and
    ``last_week`` the distance actually planned the week before: growth is measured from the
    reference, but the weekly cap always compares with the week before, so a build week after
    a deload or race week never rises more than +10 % (pain) / +20 % / +30 % week on week
    (clinical reference §7.1; Nielsen et al. 2014).
    """
    req = setup.req
    rules, state = req.rules, setup.state
    start = req.start_date + dt.timedelta(days=7 * i)
    race = req.preferences.goal_race_date
    if prev < 1000:  # under 1 km: no reference week [default]
        prev = len(setup.template.runs) * setup.first_run_m
    if last_week < 1000:
        last_week = prev
    if race is not None and start <= race < start + dt.timedelta(days=7):
        target = limits.taper_m(pre_taper_m or prev, rules=rules)[1]
        why = f"Race week: {target / 1000:.1f} km (45 % of pre-taper volume; Bosquet 2007)."
        return WeekVolume(WeekPhase.RACE, target, Decision("volume.taper", why), pre_taper_m)
    if race is not None and start + dt.timedelta(days=7) <= race < start + dt.timedelta(days=14):
        target = limits.taper_m(prev, rules=rules)[0]
        why = f"Taper: {target / 1000:.1f} km (65 % of pre-taper volume; Bosquet 2007)."
        return WeekVolume(WeekPhase.TAPER, target, Decision("volume.taper", why), prev)
    if (i + req.week_offset + 1) % setup.deload_every == 0:
        target = limits.deload_m(prev, rules=rules)
        why = f"Deload week: {target / 1000:.1f} km (-25 %)."
        return WeekVolume(WeekPhase.DELOAD, target, Decision("volume.deload", why), pre_taper_m)
    cap = limits.weekly_cap_m(last_week, pain_present=setup.pain_present, rules=rules)
    if i == 0 and state.volume_factor < 1:
        target = math.floor(prev * state.volume_factor)
        why = f"Regressed to {target / 1000:.1f} km after the last pain response."
        return WeekVolume(WeekPhase.BUILD, target, Decision("volume.regress", why), pre_taper_m)
    if i < state.hold_weeks:
        why = "Volume held at last week's level."
        return WeekVolume(
            WeekPhase.BUILD, min(prev, cap), Decision("volume.hold", why), pre_taper_m
        )
    target = min(math.floor(prev * (1 + setup.growth) + 1e-6), cap)
    limit = "+10 % with pain" if setup.pain_present else "+20 % without pain"
    why = (
        f"Up to {target / 1000:.1f} km (weekly cap {cap / 1000:.1f} km: {limit} on last "
        "week, never over +30 %; a guideline, not a law - Nielsen 2014, Buist 2008)."
    )
    return WeekVolume(WeekPhase.BUILD, target, Decision("volume.build", why), pre_taper_m)


__all__ = ["WeekVolume", "week_volume"]
