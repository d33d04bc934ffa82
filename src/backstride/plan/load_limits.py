"""Running-load limits in integer metres: weekly caps, the single-run guardrail, deload, taper.

Sources (clinical reference §5.1, §7.1): single-run guardrail from Frandsen et al. 2025 (BJSM
59:1203-1210); weekly caps are guidelines (Nielsen et al. 2014, JOSPT 44:739; Buist et al.
2008, AJSM 36:33) with [default] values; deload every 4th week at -25 % (periodisation
practice, unverified); taper 65 % then 45 % of pre-taper volume (Bosquet et al. 2007, MSSE
39:1358). All comparisons use integer metres (clinical reference §0).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from backstride.plan.model import PlanRules, RunRecord

_EPS = 1e-6


def _floor(value: float) -> int:
    return math.floor(value + _EPS)


def weekly_cap_m(last_week_m: int, *, pain_present: bool, rules: PlanRules) -> int:
    """Most distance allowed next week: +10 % with pain, +20 % without, never over +30 %.

    Worked check (clinical reference §7.1): 30 km with pain -> 33.0 km; without pain -> 36.0 km.
    """
    cap = rules.cap_with_pain if pain_present else rules.cap_without_pain
    return _floor(last_week_m * (1 + min(cap, rules.cap_absolute)))


def single_run_cap_m(longest_m: int, *, rules: PlanRules) -> int:
    """Longest allowed planned run: 110 % of the 30-day longest (12.0 km -> 13.2 km)."""
    return longest_m * rules.single_run_factor_tenths // 10


def within_guardrail(distance_m: int, longest_m: int, *, rules: PlanRules) -> bool:
    """``d * 10 <= L * 11`` in integers (Frandsen 2025; 11.000 km after 10.000 km is allowed)."""
    return distance_m * 10 <= longest_m * rules.single_run_factor_tenths


def longest_in_window(runs: Iterable[RunRecord], on_date: dt.date) -> int | None:
    """Longest run of the 30 calendar days before ``on_date`` (d-30 .. d-1); None if none."""
    first = on_date - dt.timedelta(days=30)
    best = [r.distance_m for r in runs if first <= r.on_date < on_date and r.distance_m > 0]
    return max(best) if best else None


def deload_m(previous_week_m: int, *, rules: PlanRules) -> int:
    """A deload week: previous week x 0.75 (30 km -> 22.5 km)."""
    return _floor(previous_week_m * rules.deload_factor)


def taper_m(pre_taper_m: int, *, rules: PlanRules) -> tuple[int, int]:
    """The two taper weeks (50 km -> 32.5 km then 22.5 km)."""
    first, race = rules.taper_factors
    return _floor(pre_taper_m * first), _floor(pre_taper_m * race)


def check_run(
    distance_m: int, runs: Iterable[RunRecord], on_date: dt.date, *, rules: PlanRules
) -> str | None:
    """``guardrail.single_run`` when a planned run exceeds the guardrail, else None."""
    longest = longest_in_window(runs, on_date)
    if longest is None or within_guardrail(distance_m, longest, rules=rules):
        return None
    return "guardrail.single_run"


__all__ = [
    "check_run",
    "deload_m",
    "longest_in_window",
    "single_run_cap_m",
    "taper_m",
    "weekly_cap_m",
    "within_guardrail",
]
