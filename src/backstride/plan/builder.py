"""The generation run's state: template, flags, pacing, visits; assembles weeks into a plan."""

from __future__ import annotations

from backstride.plan import rules as pr
from backstride.plan.catalogue import forbidden_tags, load_catalogue
from backstride.plan.guard import enforce_hard_easy
from backstride.plan.layout import make_template, training_days
from backstride.plan.model import (
    Decision,
    Plan,
    ProgressionState,
    RunRecord,
    Week,
)
from backstride.plan.request import PlanRequest, is_novice, pain_level
from backstride.plan.weeks import build_week, week_target


class Builder:
    """Holds what one generation run knows; the week functions read and update it."""

    def __init__(self, req: PlanRequest, mode: str) -> None:
        self.req, self.mode = req, mode
        self.cat = load_catalogue()
        a, ctx, prefs = req.assessment, req.context, req.preferences
        self.state = req.state or ProgressionState()
        self.pain = pain_level(a, ctx, req.logged_pain)
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
        since7 = self.state.rtr_stage7_since
        # clinical reference §2.6 stage 7: no speed work or hills until 2 weeks pain-free at stage
        # 7.
        self.early_stage7 = (
            mode == "normal"
            and self.state.rtr_stage == 7
            and (since7 is None or (req.start_date - since7).days < 14)
        )
        self.hold_hills = "hold_hills" in a.flags or self.early_stage7
        self.allow_tempo = (
            mode == "normal"
            and not self.novice
            and self.pain < 4
            and group in (None, "low")
            and not req.hold_intensity
            and not self.early_stage7
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
                    "STarT medium risk: easy and long runs only; an initial visit, then "
                    "weekly physiotherapy for up to 6 weeks with reviews at 2 and 6 weeks "
                    "(Hill et al. 2011 pathway; clinical reference §7.4 [default]).",
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
        self.rtr_stage, self.rtr_good = req.rtr_start or (
            self.state.rtr_stage or 1,
            self.state.rtr_good_sessions,
        )
        self._mode_decision()
        self._advice()

    def _advice(self) -> None:
        """The "why" texts: exercise evidence (clinical reference §7.3), recovery and manual therapy
        (9).

        Adjustments are one option beside exercise, never a cure or "realignment".
        """
        if self.mode != "walk_only":
            self.decisions.append(
                Decision(
                    "strength.evidence",
                    "Exercise is the recommended treatment for low back pain (NICE NG59; "
                    "Hayden et al. 2021); no single type is clearly best - motor control works "
                    "about as well as other exercise (Saragiotto et al. 2016), and Pilates, "
                    "resistance and motor-control exercise ranked well (Owen et al. 2020).",
                )
            )
        self.decisions.append(
            Decision(
                "recovery.basics",
                "Recovery: sleep well and eat enough for your training (energy availability "
                "matters for bone health); at least one full rest day every week; low-impact "
                "cross-training (swimming, pool running, cycling, yoga) on easy days.",
            )
        )
        if self.visits:
            self.decisions.append(
                Decision(
                    "visit.manual_therapy",
                    "Clinic sessions may include hands-on treatment such as spinal "
                    "manipulation, as one option beside exercise: for chronic low back pain it "
                    "works about as well as other recommended treatments (Rubinstein et al. "
                    "2019) and is not a cure; traction is not recommended (NICE NG59; Wegner "
                    "et al. 2013).",
                )
            )

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
                "graded return to running. Before the first walk-run stage: the clearance "
                "recorded, pain-free daily walking and 30-45 min of brisk walking, 20 pain-free "
                "single-leg hops on the painful side, no night or rest pain (clinical reference "
                "§2.6).",
            ),
            "rtr": (
                "plan.return_to_run",
                "Clinician clearance recorded: graded walk-run stages (30 min) on alternate "
                "days, at most 3 a week, on flat predictable ground with cross-training between; "
                "progress after two sessions free of bone pain during, after and the next "
                "morning; any bone pain: stop, 48 h off running, one stage lower.",
            ),
            "normal": (
                "plan.graded",
                "Graded running within the weekly cap and the single-run guardrail.",
            ),
        }
        code, text = texts[self.mode]
        self.decisions.append(Decision(code, text))
        if self.early_stage7:
            self.decisions.append(
                Decision(
                    "rtr.stage7",
                    "Return-to-run stage 7: build from 30 min within the weekly cap and the "
                    "single-run guardrail; no speed work or hills until 2 weeks pain-free at "
                    "stage 7 (clinical reference §2.6).",
                )
            )
        if self.hold_hills:
            self.decisions.append(
                Decision(
                    "terrain.hold_hills",
                    "Flat routes only: hill and downhill running held while the pain is irritable.",
                )
            )

    def build(self) -> Plan:
        """Every week in order, then the hard/easy pass."""
        weeks: list[Week] = []
        prev = self.req.context.last_week_m
        last_build, last_phase = prev, "build"
        for i in range(self.req.weeks):
            # After a deload or taper week the cap compares with the last build week [default].
            base = prev if last_phase == "build" else max(prev, last_build)
            phase, target, why = week_target(self, i, base, prev)
            if self.mode != "normal":
                phase, why = (
                    "build",
                    Decision("volume.none", "No running volume target this phase."),
                )
            week = build_week(self, i, phase, target, why)
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


__all__ = ["Builder"]
