"""The plan generator: (assessment, training context, preferences, today) -> a reasoned plan.

Typed passes in order: the mode (``request.plan_mode``), the frozen set-up computed once
(``plan_setup``), then week by week the volume (``volume``) and the sessions (``week_sessions``)
with a small frozen carry between weeks, and finally the hard/easy pass (``guard``).

Rules: clinical reference §1.3 (what each disposition allows), §2.6 (return to run), §7.1
(running), §7.2 (strength), §7.4 (STarT pathways). Thresholds live in :class:`PlanRules` and
``load_limits.py``.
"""

from __future__ import annotations

from dataclasses import replace

from backstride.plan.advice import footwear_advice
from backstride.plan.catalogue import load_catalogue
from backstride.plan.guard import enforce_hard_easy
from backstride.plan.ladders import ladder_views
from backstride.plan.model import Decision, Ladder, Plan, Week
from backstride.plan.modes import PlanMode, WeekPhase
from backstride.plan.plan_setup import PlanSetup, make_setup
from backstride.plan.request import PlanRequest, blocked_plan, is_novice, pain_level, plan_mode
from backstride.plan.volume import WeekVolume, week_volume
from backstride.plan.week_runs import WeekCarry
from backstride.plan.week_sessions import build_week

NO_VOLUME = Decision("volume.none", "No running volume target this phase.")


def generate_plan(req: PlanRequest) -> Plan:
    """Build the plan (or the blocked answer) for ``req``."""
    mode = plan_mode(req)
    if mode is PlanMode.BLOCKED:
        return blocked_plan(req)
    setup = make_setup(req, mode)
    plan = Plan(
        plan_id=req.plan_id,
        version=req.version,
        status="active",
        start_date=req.start_date,
        weeks=build_weeks(setup),
        decisions=setup.decisions,
        do_now=_do_now(setup),
        footwear=footwear_advice(req.context.shoe_distance_m),
        state=setup.state,
        flags=req.assessment.flags,
    )
    plan = enforce_hard_easy(plan)
    return replace(plan, ladders=plan_ladders(plan, setup.equipment, setup.forbidden))


def plan_ladders(
    plan: Plan, equipment: frozenset[str], forbidden: frozenset[str]
) -> tuple[Ladder, ...]:
    """The plan's strength ladders with the runner's place on each (``ladders``)."""
    return ladder_views(plan, load_catalogue(), equipment=equipment, forbidden=forbidden)


def build_weeks(setup: PlanSetup) -> tuple[Week, ...]:
    """Every week in order; the volume of each week follows the distance planned before it."""
    weeks: list[Week] = []
    prev = setup.base.last_week_m
    last_build, last_phase = prev, WeekPhase.BUILD
    pre_taper: int | None = None
    stage, good = setup.rtr_start
    carry = WeekCarry(setup.base.runs, stage, good, setup.state)
    graded = setup.mode is PlanMode.NORMAL
    for i in range(setup.req.weeks):
        # After a deload or taper week the cap compares with the last build week [default].
        base = prev if last_phase is WeekPhase.BUILD else max(prev, last_build)
        volume = week_volume(setup, i, base, prev, pre_taper_m=pre_taper)
        pre_taper = volume.pre_taper_m
        if not graded:
            volume = WeekVolume(WeekPhase.BUILD, volume.target_m, NO_VOLUME, pre_taper)
        week, carry = build_week(setup, i, volume, carry)
        weeks.append(week)
        if graded:
            prev = sum(s.distance_m or 0 for d in week.days for s in d.sessions if s.kind == "run")
        if volume.phase is WeekPhase.BUILD:
            last_build = prev
        last_phase = volume.phase
    return tuple(weeks)


def _do_now(setup: PlanSetup) -> tuple[str, ...]:
    a = setup.req.assessment
    return tuple(t for t in (a.time_frame or "", *a.safety_netting) if t)


__all__ = [
    "PlanRequest",
    "blocked_plan",
    "build_weeks",
    "generate_plan",
    "is_novice",
    "pain_level",
    "plan_ladders",
]
