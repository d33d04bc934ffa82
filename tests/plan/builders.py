"""Test builders: assessments, contexts and plans written directly (no intake needed)."""

from __future__ import annotations

import datetime as dt

from backstride.intake.assessment import Assessment, Disposition, Reason
from backstride.plan.generator import PlanRequest, generate_plan
from backstride.plan.model import Plan, PlanRules, Preferences, RunRecord, TrainingContext

MONDAY = dt.date(2026, 11, 30)


def assessment(
    disposition: str = "self_management",
    *,
    flags: frozenset[str] = frozenset(),
    group: str | None = "low",
    pain: int = 0,
    code: str = "pattern.nonspecific",
) -> Assessment:
    d = Disposition(disposition)
    return Assessment(
        disposition=d,
        reasons=(Reason(code, f"Reason {code}", "test source", d, flags),),
        scores={"nprs.during_run": pain},
        startback_group=group,
        flags=flags,
        safety_netting=("Saddle numbness or bladder changes: emergency care now.",),
        rules_version="test",
        time_frame="within 24 h" if d is Disposition.URGENT else "",
    )


def worked_context(*, pain: int = 0) -> TrainingContext:
    """clinical reference §7.1: weeks 28, 30, 32, 30 km; longest run of 30 days 12.0 km."""
    return TrainingContext(
        weekly_distances_m=(28_000, 30_000, 32_000, 30_000),
        recent_runs=(
            RunRecord(MONDAY - dt.timedelta(days=8), 12_000),
            RunRecord(MONDAY - dt.timedelta(days=5), 7_000),
            RunRecord(MONDAY - dt.timedelta(days=3), 6_000),
            RunRecord(MONDAY - dt.timedelta(days=1), 7_000),
        ),
        current_pain_nprs=pain,
        months_running=36,
    )


def make_plan(
    a: Assessment | None = None,
    ctx: TrainingContext | None = None,
    prefs: Preferences | None = None,
    *,
    weeks: int = 8,
    start: dt.date = MONDAY,
    clearance: dt.date | None = None,
    rules: PlanRules | None = None,
) -> Plan:
    return generate_plan(
        PlanRequest(
            "plan-1",
            a or assessment(),
            ctx or worked_context(),
            prefs or Preferences(),
            start,
            weeks,
            rules=rules or PlanRules(),
            clearance_date=clearance,
        )
    )
