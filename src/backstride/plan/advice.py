"""The plan's explanatory texts: why this kind of plan (mode), exercise evidence, recovery,
manual therapy and footwear.

Sources: clinical reference §1.3 and §2.6 (modes), §7.3 (exercise evidence: NICE NG59; Hayden
et al. 2021; Saragiotto et al. 2016; Owen et al. 2020), §9 (recovery; manual therapy:
Rubinstein et al. 2019, Wegner et al. 2013; footwear: Nigg et al. 2015, Knapik et al. 2014,
Malisoux et al. 2015).
Adjustments are one option beside exercise, never a cure or "realignment".
"""

from __future__ import annotations

import datetime as dt

from backstride.plan.model import Decision
from backstride.plan.modes import PlanMode

MODE_DECISIONS: dict[PlanMode, Decision] = {
    PlanMode.WALK_ONLY: Decision(
        "plan.urgent",
        "See a doctor today or tomorrow; no running until seen. "
        "Walking and gentle mobility only meanwhile.",
    ),
    PlanMode.NO_RUN: Decision(
        "plan.no_running",
        "Suspected bone stress injury: no running or impact; "
        "non-impact cross-training and strength only until a clinician clears a "
        "graded return to running. Before the first walk-run stage: the clearance "
        "recorded, pain-free daily walking and 30-45 min of brisk walking, 20 pain-free "
        "single-leg hops on the painful side, no night or rest pain (clinical reference §2.6).",
    ),
    PlanMode.RTR: Decision(
        "plan.return_to_run",
        "Clinician clearance recorded: graded walk-run stages (30 min) on alternate "
        "days, at most 3 a week, on flat predictable ground with cross-training between; "
        "progress after two sessions free of bone pain during, after and the next "
        "morning; any bone pain: stop, 48 h off running, one stage lower.",
    ),
    PlanMode.NORMAL: Decision(
        "plan.graded",
        "Graded running within the weekly cap and the single-run guardrail.",
    ),
}
STAGE7 = Decision(
    "rtr.stage7",
    "Return-to-run stage 7: build from 30 min within the weekly cap and the "
    "single-run guardrail; no speed work or hills until 2 weeks pain-free at "
    "stage 7 (clinical reference §2.6).",
)
HOLD_HILLS = Decision(
    "terrain.hold_hills",
    "Flat routes only: hill and downhill running held while the pain is irritable.",
)


def two_rest_days(*, novice: bool, pain: int) -> Decision:
    """Two full rest days for novices and while pain is 4/10 or more (clinical reference
    §7.1, clinical consensus, unverified), with the reason that applies."""
    why = [w for w, on in (("new to running", novice), (f"pain {pain}/10", pain >= 4)) if on]
    return Decision("rest.two_days", f"Two full rest days a week ({' and '.join(why)}).")


STARTBACK = {
    "high": Decision(
        "startback.high",
        "STarT high risk: easy intensity only "
        "until reviewed; weekly visits; one ladder step per 2 weeks.",
    ),
    "medium": Decision(
        "startback.medium",
        "STarT medium risk: easy and long runs only; an initial visit, then "
        "weekly physiotherapy for up to 6 weeks with reviews at 2 and 6 weeks "
        "(Hill et al. 2011 pathway; clinical reference §7.4 [default]).",
    ),
}
STRENGTH_EVIDENCE = Decision(
    "strength.evidence",
    "Exercise is the recommended treatment for low back pain (NICE NG59; "
    "Hayden et al. 2021); no single type is clearly best - motor control works "
    "about as well as other exercise (Saragiotto et al. 2016), and Pilates, "
    "resistance and motor-control exercise ranked well (Owen et al. 2020).",
)
RECOVERY = Decision(
    "recovery.basics",
    "Recovery: sleep well and eat enough for your training (energy availability "
    "matters for bone health); at least one full rest day every week; low-impact "
    "cross-training (swimming, pool running, cycling, yoga) on easy days.",
)
MANUAL_THERAPY = Decision(
    "visit.manual_therapy",
    "Clinic sessions may include hands-on treatment such as spinal "
    "manipulation, as one option beside exercise: for chronic low back pain it "
    "works about as well as other recommended treatments (Rubinstein et al. "
    "2019) and is not a cure; traction is not recommended (NICE NG59; Wegner "
    "et al. 2013).",
)


def visit_ceiling(limit: int) -> Decision:
    """Why fewer visits than the interval asks for (clinical reference §7.4)."""
    return Decision(
        "visit.ceiling",
        f"Clinic visits kept to {min(limit, 9)} in any 12 weeks: NICE CG88 (2009) allows up to "
        "8 structured-exercise or 9 manual-therapy sessions over up to 12 weeks.",
    )


def race_after_plan(race: dt.date, end: dt.date) -> Decision:
    """The goal race lies beyond the plan: no taper yet (clinical reference §7.1)."""
    return Decision(
        "race.after_plan",
        f"Your goal race on {race} is after this plan ends ({end - dt.timedelta(days=1)}): "
        "make the plan long enough to reach it so it includes the 2-week taper.",
    )


def race_not_now(race: dt.date) -> Decision:
    """No race while the plan does not run (clinical reference §1.3, §2.6)."""
    return Decision(
        "race.not_now",
        f"Your goal race on {race} is not in this plan: this plan has no graded running yet. "
        "Talk to your clinician about the race.",
    )


def general_advice(*, mode: PlanMode, has_visits: bool) -> tuple[Decision, ...]:
    """The "why" texts: exercise evidence (clinical reference §7.3), recovery and manual
    therapy (§9)."""
    out = [] if mode is PlanMode.WALK_ONLY else [STRENGTH_EVIDENCE]
    out.append(RECOVERY)
    if has_visits:
        out.append(MANUAL_THERAPY)
    return tuple(out)


FOOTWEAR_ADVICE = (
    "Choose running shoes by comfort (Nigg et al. 2015 'comfort filter'); choosing by arch "
    "or pronation type did not reduce injuries (Knapik et al. 2014).",
    "Rotating two or more pairs was linked with fewer injuries in one observational study "
    "(Malisoux et al. 2015).",
)


def footwear_advice(shoe_distance_m: int | None, *, check_at_m: int = 700_000) -> tuple[str, ...]:
    """Footwear texts; a 'check the shoe' note past 700 km [default] (weak evidence)."""
    notes = list(FOOTWEAR_ADVICE)
    if shoe_distance_m is not None and shoe_distance_m >= check_at_m:
        notes.append(
            f"Your current shoe has about {shoe_distance_m // 1000} km: check it for worn "
            "cushioning (500-800 km is manufacturer guidance with weak evidence)."
        )
    return tuple(notes)


__all__ = [
    "FOOTWEAR_ADVICE",
    "HOLD_HILLS",
    "MODE_DECISIONS",
    "STAGE7",
    "STARTBACK",
    "footwear_advice",
    "general_advice",
    "race_after_plan",
    "race_not_now",
    "two_rest_days",
    "visit_ceiling",
]
