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
from backstride.plan.training_base import REFERENCE_M, BaseSource


@dataclass(frozen=True, slots=True)
class WeekVolume:
    """The week's phase, running target (m) and reason; ``pre_taper_m`` once a taper began."""

    phase: WeekPhase
    target_m: int
    why: Decision
    pre_taper_m: int | None = None


def _pct(fraction: float) -> str:
    """``0.1`` -> ``10``, ``0.075`` -> ``7.5`` (display only, never float noise)."""
    return f"{round(fraction * 100, 1):g}"


def _km(m: int) -> str:
    return f"{m / 1000:.1f} km"


def _last_week_label(setup: PlanSetup, i: int, last_week: int) -> str:
    """What "last week" is for week ``i``, said truthfully (stated, recorded or planned)."""
    if i > 0:
        return f"last week's planned {_km(last_week)}"
    if setup.base.source is BaseSource.STATED:
        return f"last week's {_km(last_week)} (as stated at the intake)"
    return f"last week's {_km(last_week)}"


def week_volume(
    setup: PlanSetup, i: int, prev: int, last_week: int, *, pre_taper_m: int | None
) -> WeekVolume:
    """The week's phase and target (see :func:`_phase_target`), never above the weekly cap on
    the week before, whatever the phase (clinical reference §7.1: "never > +30 % week on week")."""
    vol = _phase_target(setup, i, prev, last_week, pre_taper_m=pre_taper_m)
    start_m = len(setup.template.runs) * setup.first_run_m
    last = last_week if last_week >= REFERENCE_M else max(prev, start_m)
    cap = limits.weekly_cap_m(last, pain_present=setup.pain_present, rules=setup.req.rules)
    if vol.target_m > cap:
        on = (
            _last_week_label(setup, i, last)
            if last_week >= REFERENCE_M
            else f"the {_km(last)} start"
        )
        why = Decision(vol.why.code, f"{vol.why.text} Held to {_km(cap)}: the weekly cap on {on}.")
        return WeekVolume(vol.phase, cap, why, vol.pre_taper_m)
    return vol


def _cap_text(setup: PlanSetup) -> str:
    """The cap in force, from the rules the clinic set (``+10 % with pain``)."""
    rules = setup.req.rules
    if setup.pain_present:
        return f"+{_pct(min(rules.cap_with_pain, rules.cap_absolute))} % with pain"
    return f"+{_pct(min(rules.cap_without_pain, rules.cap_absolute))} % without pain"


def _phase_target(
    setup: PlanSetup, i: int, prev: int, last_week: int, *, pre_taper_m: int | None
) -> WeekVolume:
    """The week's phase, distance target and reason (taper > deload > regress > hold > build).

    ``prev`` is the reference volume (the last build week after a deload or taper week) and
    ``last_week`` the distance actually planned the week before: growth is measured from the
    reference, but the weekly cap always compares with the week before, so a build week after
    a deload or race week never rises more than +10 % (pain) / +20 % / +30 % week on week
    (clinical reference §7.1; Nielsen et al. 2014). Without a reference week the first week
    plans 20 min of easy running per run [default] and every reason says so.
    """
    req = setup.req
    rules, state = req.rules, setup.state
    start = req.start_date + dt.timedelta(days=7 * i)
    race = req.preferences.goal_race_date
    reference = prev >= REFERENCE_M
    if not reference:
        prev = len(setup.template.runs) * setup.first_run_m
    if last_week < REFERENCE_M:
        last_week = prev
    first, race_share = rules.taper_factors
    bosquet = "Bosquet et al. 2007: a 2-week taper cutting volume by 41-60 %"
    if race is not None and start <= race < start + dt.timedelta(days=7):
        target = limits.taper_m(pre_taper_m or prev, rules=rules)[1]
        why = (
            f"Race week: {_km(target)} of running besides the race ({_pct(race_share)} % of the "
            f"pre-taper volume [default]; {bosquet}, intensity kept)."
        )
        return WeekVolume(WeekPhase.RACE, target, Decision("volume.taper", why), pre_taper_m)
    if race is not None and start + dt.timedelta(days=7) <= race < start + dt.timedelta(days=14):
        target = limits.taper_m(prev, rules=rules)[0]
        why = (
            f"Taper: {_km(target)} ({_pct(first)} % of the pre-taper {_km(prev)} "
            f"[default]; {bosquet}, intensity kept)."
        )
        return WeekVolume(WeekPhase.TAPER, target, Decision("volume.taper", why), prev)
    if (i + req.week_offset + 1) % setup.deload_every == 0:
        target = limits.deload_m(prev, rules=rules)
        why = (
            f"Deload week: {_km(target)} (-{_pct(1 - rules.deload_factor)} % of "
            f"{_km(prev)}; every {_ordinal(setup.deload_every)} week [default])."
        )
        return WeekVolume(WeekPhase.DELOAD, target, Decision("volume.deload", why), pre_taper_m)
    cap = limits.weekly_cap_m(last_week, pain_present=setup.pain_present, rules=rules)
    if i == 0 and state.volume_factor < 1:
        target = math.floor(prev * state.volume_factor)
        why = f"Regressed to {_km(target)} after the last pain response."
        return WeekVolume(WeekPhase.BUILD, target, Decision("volume.regress", why), pre_taper_m)
    if i < state.hold_weeks:
        why = "Volume held at last week's level."
        return WeekVolume(
            WeekPhase.BUILD, min(prev, cap), Decision("volume.hold", why), pre_taper_m
        )
    target = min(math.floor(prev * (1 + setup.growth) + 1e-6), cap)
    if not reference and i == 0:
        why = (
            f"Start: up to {_km(target)} - no reference week, so about 20 min of easy "
            f"running per run [default]; the weekly cap applies from next week."
        )
        return WeekVolume(WeekPhase.BUILD, target, Decision("volume.start", why), pre_taper_m)
    why = (
        f"Up to {_km(target)} (weekly cap {_km(cap)}: {_cap_text(setup)} on "
        f"{_last_week_label(setup, i, last_week)}, never over "
        f"+{_pct(rules.cap_absolute)} %; a guideline, not a law - Nielsen 2014, Buist 2008)."
    )
    return WeekVolume(WeekPhase.BUILD, target, Decision("volume.build", why), pre_taper_m)


def _ordinal(n: int) -> str:
    return {2: "2nd", 3: "3rd"}.get(n, f"{n}th")


__all__ = ["WeekVolume", "week_volume"]
