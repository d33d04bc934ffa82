"""Checks every plan must pass (used by the Hypothesis tests)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

from backstride.intake.assessment import Assessment
from backstride.plan import load_limits as limits
from backstride.plan.catalogue import forbidden_tags, load_catalogue
from backstride.plan.model import Plan, PlanRules, RunRecord


def assert_guardrail(
    plan: Plan,
    history: Iterable[RunRecord],
    *,
    after: dt.date | None = None,
    rules: PlanRules | None = None,
) -> None:
    rules = rules or PlanRules()
    runs = list(history)
    for s in plan.sessions():
        if s.kind != "run" or (after is not None and s.date <= after):
            continue
        if s.intensity == "race":
            # The runner's goal race is never clipped; a race over the guardrail says so.
            longest = limits.longest_in_window(runs, s.date)
            if s.distance_m and longest:
                over = not limits.within_guardrail(s.distance_m, longest, rules=rules)
                assert over == any(r.code == "race.over_guardrail" for r in s.reasons), s
                runs.append(RunRecord(s.date, s.distance_m))
            continue
        assert s.distance_m is not None
        if s.rtr_stage is not None and s.rtr_stage <= 5:
            # Walk-run stages 1-5 follow the clinician-cleared stage table (clinical reference
            # §2.6).
            runs.append(RunRecord(s.date, s.distance_m))
            continue
        longest = limits.longest_in_window(runs, s.date)
        if longest is None:
            assert (s.run_s or 0) <= rules.first_run_s, s
        else:
            assert limits.within_guardrail(s.distance_m, longest, rules=rules), (s, longest)
        runs.append(RunRecord(s.date, s.distance_m))


def assert_no_contraindicated(plan: Plan, a: Assessment) -> None:
    cat = load_catalogue()
    forbidden = forbidden_tags(a.flags)
    for s in plan.sessions():
        for e in (*s.exercises, *s.warm_up, *s.cool_down):
            assert not cat[e.id].tags & forbidden, (s.key, e.id)
    if a.flags & {"no_running", "no_impact"}:
        assert all(s.rtr_stage is not None for s in plan.sessions() if s.kind == "run")


def assert_rest_every_week(plan: Plan, *, min_rest: int = 1) -> None:
    for w in plan.weeks:
        if len(w.days) == 7:
            assert sum(d.is_rest for d in w.days) >= min_rest, w.start_date


def assert_strength_spacing(plan: Plan) -> None:
    strength = [s for s in plan.sessions() if s.kind == "strength"]
    for a in strength:
        for b in strength:
            if (b.date - a.date).days == 1:
                assert not (a.regions & b.regions), (a.key, b.key)


def assert_hard_easy(plan: Plan) -> None:
    hard = sorted({s.date for s in plan.sessions() if s.hard})
    assert all((b - a).days > 1 for a, b in itertools.pairwise(hard))


def assert_weekly_caps(plan: Plan, last_week_m: int, *, pain_present: bool = False) -> None:
    """clinical reference §7.1: "<= +10 %/week while pain is present, <= +20 % otherwise; never >
    +30 % week on week" - checked against the week before, deload and race weeks included."""
    limit_tenths = 110 if pain_present else 120
    prev = last_week_m
    for w in plan.weeks:
        ran = sum(s.distance_m or 0 for d in w.days for s in d.sessions if s.kind == "run")
        if prev >= 1000 and not any(s.rtr_stage for d in w.days for s in d.sessions):
            assert ran * 100 <= prev * limit_tenths, (w.index, ran, prev)
            assert ran * 10 <= prev * 13, (w.index, ran, prev)
        prev = ran


__all__ = [
    "assert_guardrail",
    "assert_hard_easy",
    "assert_no_contraindicated",
    "assert_rest_every_week",
    "assert_strength_spacing",
    "assert_weekly_caps",
]
