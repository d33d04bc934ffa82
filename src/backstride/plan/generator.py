"""The plan generator: (assessment, training context, preferences, today) -> a reasoned plan.

Rules: clinical.md 1.3 (what each disposition allows), 2.6 (return to run), 7.1 (running),
7.2 (strength), 7.4 (STarT pathways). Thresholds live in :class:`PlanRules` and ``rules.py``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from backstride.intake.assessment import Assessment, Disposition
from backstride.plan import rules as pr
from backstride.plan.catalogue import forbidden_tags, load_catalogue
from backstride.plan.guard import enforce_hard_easy
from backstride.plan.layout import make_template, training_days
from backstride.plan.model import (
    Day,
    Decision,
    Plan,
    PlanRules,
    Preferences,
    ProgressionState,
    RunRecord,
    Session,
    TrainingContext,
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


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """Everything the generator needs; ``clearance_date`` is a recorded clinician clearance."""

    plan_id: str
    assessment: Assessment
    context: TrainingContext
    preferences: Preferences
    start_date: dt.date
    weeks: int
    rules: PlanRules = field(default_factory=PlanRules)
    clearance_date: dt.date | None = None
    state: ProgressionState | None = None
    version: int = 1
    week_offset: int = 0
    hold_intensity: bool = False


def pain_level(assessment: Assessment, context: TrainingContext) -> int:
    """The higher of the current pain and the intake's pain during running (0-10)."""
    score = assessment.scores.get("nprs.during_run")
    during = int(score) if isinstance(score, int | float) else 0
    return max(context.current_pain_nprs, during)


def is_novice(context: TrainingContext) -> bool:
    """Under 6 months of running or under 10 km a week on average [default]."""
    if context.months_running is not None and context.months_running < 6:
        return True
    weeks = context.weekly_distances_m
    return not weeks or sum(weeks) / len(weeks) < 10_000


def _mode(req: PlanRequest) -> str:
    a = req.assessment
    if a.plan_blocked:
        return "blocked"
    if a.disposition is Disposition.URGENT:
        return "walk_only"
    if a.flags & {"no_running", "no_impact"}:
        cleared = req.clearance_date is not None and req.clearance_date <= req.start_date
        stage = (req.state.rtr_stage if req.state else None) or 1
        if not cleared:
            return "no_run"
        return "normal" if stage >= 7 else "rtr"
    return "normal"


def blocked_plan(req: PlanRequest) -> Plan:
    """No sessions: only what to do now, the reasons and the safety-netting."""
    a = req.assessment
    reasons = tuple(Decision(r.code, r.text) for r in a.reasons)
    now = a.time_frame or "Seek medical care now; do not wait for a clinic slot."
    return Plan(
        plan_id=req.plan_id,
        version=req.version,
        status="blocked",
        start_date=req.start_date,
        weeks=(),
        decisions=reasons,
        do_now=(now, *a.safety_netting),
        flags=a.flags,
        blocked_reason="; ".join(r.text for r in a.reasons) or "red flag",
    )


def generate_plan(req: PlanRequest) -> Plan:
    """Build the plan (or the blocked answer) for ``req``."""
    mode = _mode(req)
    if mode == "blocked":
        return blocked_plan(req)
    return _Builder(req, mode).build()


class _Builder:
    def __init__(self, req: PlanRequest, mode: str) -> None:
        self.req, self.mode = req, mode
        self.cat = load_catalogue()
        a, ctx, prefs = req.assessment, req.context, req.preferences
        self.state = req.state or ProgressionState()
        self.pain = pain_level(a, ctx)
        self.novice = is_novice(ctx)
        self.forbidden = forbidden_tags(a.flags)
        self.equipment = prefs.equipment
        self.decisions: list[Decision] = []
        min_rest = 2 if (self.novice or self.pain >= 4) else 1
        if min_rest == 2:
            self.decisions.append(
                Decision(
                    "rest.two_days", "Two full rest days a week (novice or pain 4/10 or more)."
                )
            )
        group = a.startback_group
        self.allow_tempo = (
            mode == "normal"
            and not self.novice
            and self.pain < 4
            and group in (None, "low")
            and not req.hold_intensity
            and (self.state.rtr_stage or 0) < 7
        )
        if group == "high":
            self.decisions.append(
                Decision(
                    "startback.high",
                    "STarT high risk: easy intensity only "
                    "until reviewed; weekly visits; one ladder step per 2 weeks.",
                )
            )
        elif group == "medium":
            self.decisions.append(
                Decision(
                    "startback.medium",
                    "STarT medium risk: easy and long "
                    "runs only; weekly physiotherapy visits for up to 6 weeks.",
                )
            )
        runs = min(prefs.runs_per_week, 3 if self.novice else 7)
        if mode in ("walk_only", "no_run"):
            runs = 0 if mode == "walk_only" else runs
        if mode == "rtr":
            runs = min(runs, 3)
        train = training_days(prefs.days_available, min_rest=min_rest)
        if mode == "walk_only":
            train = train[:4]
        self.tpl = make_template(
            train,
            runs_per_week=runs,
            allow_tempo=self.allow_tempo,
            alternate_only=mode == "rtr",
            allow_long=not self.novice,
            strength_sessions=0 if mode == "walk_only" else 2,
        )
        pace = ctx.easy_pace_s_per_km
        self.first_run_m = req.rules.first_run_s * 1000 // pace
        self.history: list[RunRecord] = list(ctx.recent_runs)
        self.pain_present = self.pain > 0
        growth = (
            req.rules.growth_with_pain
            if (self.pain_present or group == "high")
            else req.rules.growth
        )
        self.growth = growth
        self.deload_every = self.state.deload_every or (
            3 if (ctx.age_years or 0) >= 50 else req.rules.deload_every
        )
        self.visits = pr.visit_weeks(
            startback_group=group,
            disposition=a.disposition.value,
            weeks=req.weeks + req.week_offset,
            every_weeks=prefs.clinic_visit_every_weeks,
        )
        if mode == "no_run":
            self.visits.setdefault(req.week_offset, "Clinic visit")
        self.pre_taper: int | None = None
        self.rtr_stage = self.state.rtr_stage or 1
        self.rtr_good = self.state.rtr_good_sessions
        self._mode_decision()

    def _mode_decision(self) -> None:
        texts = {
            "walk_only": (
                "plan.urgent",
                "See a doctor today or tomorrow; no running until seen. "
                "Walking and gentle mobility only meanwhile.",
            ),
            "no_run": (
                "plan.no_running",
                "Suspected bone stress injury: no running or impact; "
                "non-impact cross-training and strength only until a clinician clears a "
                "graded return to running.",
            ),
            "rtr": (
                "plan.return_to_run",
                "Clinician clearance recorded: graded walk-run stages "
                "on alternate days; progress after two sessions free of bone pain.",
            ),
            "normal": (
                "plan.graded",
                "Graded running within the weekly cap and the single-run guardrail.",
            ),
        }
        code, text = texts[self.mode]
        self.decisions.append(Decision(code, text))
        if "hold_hills" in self.req.assessment.flags:
            self.decisions.append(
                Decision(
                    "terrain.hold_hills",
                    "Flat routes only: hill and downhill running held while the pain is irritable.",
                )
            )

    def _week_target(self, i: int, prev: int) -> tuple[str, int, Decision]:
        rules, prefs = self.req.rules, self.req.preferences
        start = self.req.start_date + dt.timedelta(days=7 * i)
        race = prefs.goal_race_date
        if prev < 1000:  # under 1 km: no reference week [default]
            prev = len(self.tpl.runs) * self.first_run_m
        if race is not None and start <= race < start + dt.timedelta(days=7):
            target = pr.taper_m(self.pre_taper or prev, rules=rules)[1]
            return (
                "race",
                target,
                Decision(
                    "volume.taper",
                    f"Race week: {target / 1000:.1f} km (45 % of pre-taper volume; Bosquet 2007).",
                ),
            )
        if race is not None and start + dt.timedelta(days=7) <= race < start + dt.timedelta(
            days=14
        ):
            self.pre_taper = prev
            target = pr.taper_m(prev, rules=rules)[0]
            return (
                "taper",
                target,
                Decision(
                    "volume.taper",
                    f"Taper: {target / 1000:.1f} km (65 % of pre-taper volume; Bosquet 2007).",
                ),
            )
        if (i + self.req.week_offset + 1) % self.deload_every == 0:
            target = pr.deload_m(prev, rules=rules)
            return (
                "deload",
                target,
                Decision("volume.deload", f"Deload week: {target / 1000:.1f} km (-25 %)."),
            )
        cap = pr.weekly_cap_m(prev, pain_present=self.pain_present, rules=rules)
        if i == 0 and self.state.volume_factor < 1:
            target = math.floor(prev * self.state.volume_factor)
            return (
                "build",
                target,
                Decision(
                    "volume.regress",
                    f"Regressed to {target / 1000:.1f} km after the last pain response.",
                ),
            )
        if i < self.state.hold_weeks:
            return (
                "build",
                min(prev, cap),
                Decision("volume.hold", "Volume held at last week's level."),
            )
        target = min(math.floor(prev * (1 + self.growth) + 1e-6), cap)
        return (
            "build",
            target,
            Decision(
                "volume.build", f"Up to {target / 1000:.1f} km (weekly cap {cap / 1000:.1f} km)."
            ),
        )

    def build(self) -> Plan:
        weeks: list[Week] = []
        prev = self.req.context.last_week_m
        last_build, last_phase = prev, "build"
        for i in range(self.req.weeks):
            # After a deload or taper week the cap compares with the last build week [default].
            base = prev if last_phase == "build" else max(prev, last_build)
            phase, target, why = self._week_target(i, base)
            if self.mode != "normal":
                phase, why = (
                    "build",
                    Decision("volume.none", "No running volume target this phase."),
                )
            week = self._week(i, phase, target, why)
            weeks.append(week)
            ran = sum(s.distance_m or 0 for d in week.days for s in d.sessions if s.kind == "run")
            prev = ran if self.mode == "normal" else prev
            if phase == "build":
                last_build = prev
            last_phase = phase
        plan = Plan(
            plan_id=self.req.plan_id,
            version=self.req.version,
            status="active",
            start_date=self.req.start_date,
            weeks=tuple(weeks),
            decisions=tuple(self.decisions),
            do_now=self._do_now(),
            footwear=pr.footwear_advice(self.req.context.shoe_distance_m),
            state=self.state,
            flags=self.req.assessment.flags,
        )
        return enforce_hard_easy(plan)

    def _do_now(self) -> tuple[str, ...]:
        a = self.req.assessment
        first = a.time_frame or ""
        return tuple(t for t in (first, *a.safety_netting) if t)

    def _runs(
        self, dates: list[dt.date], target: int
    ) -> dict[dt.date, tuple[int, tuple[Decision, ...]]]:
        rules, prefs, pace = (
            self.req.rules,
            self.req.preferences,
            self.req.context.easy_pace_s_per_km,
        )
        n = len(dates)
        share = rules.long_run_share_novice if self.novice else rules.long_run_share
        out: dict[dt.date, tuple[int, tuple[Decision, ...]]] = {}
        for d in dates:
            intensity = self.tpl.runs[d.weekday()]
            if n == 1 or "long" not in self.tpl.runs.values():
                want = target // n
            elif intensity == "long":
                want = math.floor(target * share)
            else:
                want = math.floor(target * (1 - share) / (n - 1))
            minutes = (
                (prefs.long_run_minutes or 2 * prefs.minutes_per_session)
                if intensity == "long"
                else prefs.minutes_per_session
            )
            want = min(want, minutes * 60 * 1000 // pace) // 10 * 10
            reasons: list[Decision] = []
            longest = pr.longest_in_window(self.history, d)
            cap = pr.single_run_cap_m(longest, rules=rules) if longest else self.first_run_m
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
            self.history.append(RunRecord(d, want))
            out[d] = (want, tuple(reasons))
        return out

    def _week(self, i: int, phase: str, target: int, why: Decision) -> Week:
        start = self.req.start_date + dt.timedelta(days=7 * i)
        dates = [start + dt.timedelta(days=k) for k in range(7)]
        by_day: dict[dt.date, list[Session]] = {d: [] for d in dates}
        run_dates = [d for d in dates if d.weekday() in self.tpl.runs]
        hard_days = {d for d in run_dates if self.tpl.runs[d.weekday()] in ("long", "tempo")}
        pace = self.req.context.easy_pace_s_per_km
        if self.mode == "normal":
            planned = self._runs(run_dates, target)
            for d in run_dates:
                dist, reasons = planned[d]
                intensity = self.tpl.runs[d.weekday()]
                if "hold_hills" in self.req.assessment.flags:
                    reasons = (*reasons, Decision("terrain.hold_hills", "Flat route."))
                by_day[d].append(
                    run_session(
                        self.cat,
                        key=f"{d}:run:0",
                        on_date=d,
                        intensity=intensity,
                        distance_m=dist,
                        pace_s_per_km=pace,
                        forbidden=self.forbidden,
                        reasons=(why, *reasons),
                    )
                )
        elif self.mode == "rtr":
            for d in run_dates:
                by_day[d].append(self._rtr(d, pace))
        for turn, d in enumerate(
            d for d in dates if d.weekday() in self.tpl.runs and self.mode in ("no_run",)
        ):
            by_day[d].append(
                cross_session(
                    self.cat,
                    key=f"{d}:cross_training:0",
                    on_date=d,
                    forbidden=self.forbidden,
                    equipment=self.equipment,
                    turn=turn,
                    reason=Decision("cross.instead_of_run", "Non-impact work instead of running."),
                )
            )
        for n, d in enumerate(d for d in dates if d.weekday() in self.tpl.strength):
            nxt = d + dt.timedelta(days=1)
            before_hard = nxt in hard_days or nxt.weekday() in {
                w for w, t in self.tpl.runs.items() if t in ("long", "tempo")
            }
            template = STRENGTH_A if (n + i + self.req.week_offset) % 2 == 0 else STRENGTH_B
            by_day[d].append(
                strength_session(
                    self.cat,
                    key=f"{d}:strength:0",
                    on_date=d,
                    template=template,
                    state=self.state,
                    forbidden=self.forbidden,
                    equipment=self.equipment,
                    before_hard=before_hard,
                )
            )
        for d in dates:
            if d.weekday() in self.tpl.other:
                why_x = Decision("recovery.cross", "Easy low-impact cross-training for recovery.")
                if self.mode == "walk_only":
                    by_day[d].append(
                        mobility_session(
                            self.cat,
                            key=f"{d}:mobility:0",
                            on_date=d,
                            reason=Decision("plan.urgent", "Walking and gentle mobility only."),
                        )
                    )
                else:
                    by_day[d].append(
                        cross_session(
                            self.cat,
                            key=f"{d}:cross_training:0",
                            on_date=d,
                            forbidden=self.forbidden,
                            equipment=self.equipment,
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
        if i + self.req.week_offset in self.visits:
            vd = next(d for d in dates if d.weekday() < 5)
            by_day[vd].append(
                Session(
                    key=f"{vd}:clinic_visit:0",
                    date=vd,
                    kind="clinic_visit",
                    title=self.visits[i + self.req.week_offset],
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
            index=i + self.req.week_offset,
            start_date=start,
            phase=phase,
            target_distance_m=target if self.mode == "normal" else 0,
            days=days,
            reasons=(why,),
        )

    def _rtr(self, d: dt.date, pace: int) -> Session:
        stage = min(self.rtr_stage, 6)
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
            self.cat,
            key=f"{d}:run:0",
            on_date=d,
            intensity="easy",
            distance_m=dist,
            pace_s_per_km=pace,
            forbidden=self.forbidden,
            reasons=reasons,
            rtr_stage=stage,
        )
        self.history.append(RunRecord(d, dist))
        self.rtr_good += 1
        if self.rtr_good >= 2 and self.rtr_stage < 6:
            self.rtr_stage, self.rtr_good = self.rtr_stage + 1, 0
        return session


__all__ = ["PlanRequest", "blocked_plan", "generate_plan", "is_novice", "pain_level"]
