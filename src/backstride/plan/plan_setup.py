"""The plan set-up: everything one generation run decides once, before any week is built.

A frozen :class:`PlanSetup` computed by :func:`make_setup` from the request and the plan mode:
pain level and experience, what the flags forbid, the weekly template, growth and deload
rhythm, clinic visits and the plan-level decisions. Week functions read it and never change it.

Sources: clinical reference §7.1 (rest days, growth with and without pain, deload every 4th
week, every 3rd for masters runners [default]), §7.4 (STarT Back visits and intensity), §2.6
(return-to-run stage 7: no speed work or hills until 2 weeks pain-free).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from backstride.plan import advice
from backstride.plan.catalogue import Exercise, forbidden_tags, load_catalogue
from backstride.plan.model import Decision, ProgressionState
from backstride.plan.modes import PlanMode
from backstride.plan.request import PlanRequest, is_novice, pain_level
from backstride.plan.training_base import TrainingBase, training_base
from backstride.plan.visits import bound_visits, visit_weeks
from backstride.plan.week_template import Template, make_template, training_days


@dataclass(frozen=True, slots=True)
class PlanSetup:
    """What a generation run knows before its first week (read-only for the week passes)."""

    req: PlanRequest
    mode: PlanMode
    catalogue: Mapping[str, Exercise]
    state: ProgressionState
    pain: int
    novice: bool
    forbidden: frozenset[str]
    equipment: frozenset[str]
    early_stage7: bool
    hold_hills: bool
    allow_tempo: bool
    template: Template
    first_run_m: int
    pain_present: bool
    growth: float
    deload_every: int
    visits: Mapping[int, str]
    decisions: tuple[Decision, ...]
    rtr_start: tuple[int, int]
    """(return-to-run stage, good sessions) at the start of the first week."""
    base: TrainingBase
    """The starting point: recorded or stated running (``training_base``)."""
    min_rest: int = 1
    """Full rest days a week: 1, or 2 for novices and while pain is 4/10 or more."""

    @property
    def walking_only(self) -> bool:
        """The urgent meanwhile plan: walking and gentle mobility only (clinical reference §1.3)."""
        return self.mode is PlanMode.WALK_ONLY


DEFAULT_RUNS_PER_WEEK = 4
"""Runs a week when the runner neither chose nor stated a number [default]."""


def _runs_per_week(req: PlanRequest, mode: PlanMode, *, novice: bool, stated: int | None) -> int:
    """Runs in the template: the runner's choice, else the stated runs a week, else 4
    [default]; at most 3 for novices, none while walking only, at most 3 walk-run stages
    (clinical reference §2.6: alternate days, 3-4 a week)."""
    chosen = req.preferences.runs_per_week or stated or DEFAULT_RUNS_PER_WEEK
    runs = min(chosen, 3 if novice else 7)
    if mode is PlanMode.WALK_ONLY:
        return 0
    if mode is PlanMode.RTR:
        return min(runs, 3)
    return runs


def make_setup(req: PlanRequest, mode: PlanMode) -> PlanSetup:
    """Decide the plan-wide settings once (see the module docstring for the sources)."""
    a, ctx, prefs = req.assessment, req.context, req.preferences
    state = req.state or ProgressionState()
    pain = pain_level(a, ctx, req.logged_pain)
    base = training_base(ctx, req.start_date)
    novice = is_novice(ctx, weeks_m=base.weeks_m)
    decisions: list[Decision] = [base.decision] if mode is PlanMode.NORMAL else []
    min_rest = 2 if (novice or pain >= 4) else 1
    if min_rest == 2:
        decisions.append(advice.two_rest_days(novice=novice, pain=pain))
    group = a.startback_group
    since7 = state.rtr_stage7_since
    early_stage7 = (
        mode is PlanMode.NORMAL
        and state.rtr_stage == 7
        and (since7 is None or (req.start_date - since7).days < 14)
    )
    allow_tempo = (
        mode is PlanMode.NORMAL
        and not novice
        and pain < 4
        and group in (None, "low")
        and not req.hold_intensity
        and not early_stage7
    )
    if group in advice.STARTBACK:
        decisions.append(advice.STARTBACK[group])
    train = training_days(prefs.days_available, min_rest=min_rest)
    if mode is PlanMode.WALK_ONLY:
        train = train[:4]
    template = make_template(
        train,
        runs_per_week=_runs_per_week(req, mode, novice=novice, stated=base.runs_per_week),
        allow_tempo=allow_tempo,
        alternate_only=mode is PlanMode.RTR,
        allow_long=not novice,
        strength_sessions=0 if mode is PlanMode.WALK_ONLY else 2,
    )
    pain_present = pain > 0
    visits = visit_weeks(
        startback_group=group,
        disposition=a.disposition.value,
        weeks=req.weeks + req.week_offset,
        every_weeks=prefs.clinic_visit_every_weeks,
    )
    if mode is PlanMode.NO_RUN:
        visits.setdefault(req.week_offset, "Clinic visit")
    bounded = bound_visits(visits, max_per_12_weeks=req.rules.visits_max_per_12_weeks)
    if len(bounded) < len(visits):
        decisions.append(advice.visit_ceiling(req.rules.visits_max_per_12_weeks))
    visits = bounded
    hold_hills = "hold_hills" in a.flags or early_stage7
    decisions.append(advice.MODE_DECISIONS[mode])
    if early_stage7:
        decisions.append(advice.STAGE7)
    if hold_hills:
        decisions.append(advice.HOLD_HILLS)
    decisions += advice.general_advice(mode=mode, has_visits=bool(visits))
    race = prefs.goal_race_date
    end = req.start_date + dt.timedelta(days=7 * req.weeks)
    if race is not None and req.start_date <= race:
        if race >= end:
            decisions.append(advice.race_after_plan(race, end))
        elif mode is not PlanMode.NORMAL:
            decisions.append(advice.race_not_now(race))
    return PlanSetup(
        req=req,
        mode=mode,
        catalogue=load_catalogue(),
        state=state,
        pain=pain,
        novice=novice,
        forbidden=forbidden_tags(a.flags),
        equipment=prefs.equipment,
        early_stage7=early_stage7,
        hold_hills=hold_hills,
        allow_tempo=allow_tempo,
        template=template,
        first_run_m=req.rules.first_run_s * 1000 // ctx.easy_pace_s_per_km,
        pain_present=pain_present,
        growth=req.rules.growth_with_pain
        if (pain_present or group == "high")
        else req.rules.growth,
        deload_every=state.deload_every
        or (3 if (ctx.age_years or 0) >= 50 else req.rules.deload_every),
        visits=MappingProxyType(visits),
        decisions=tuple(decisions),
        rtr_start=req.rtr_start or (state.rtr_stage or 1, state.rtr_good_sessions),
        base=base,
        min_rest=min_rest,
    )


__all__ = ["PlanSetup", "make_setup"]
