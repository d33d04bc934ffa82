"""The pain-monitoring model, return-to-run stage steps and the strength 2-for-2 rule.

Pain monitoring: Thomee 1997 (Phys Ther 77:1690, unverified) and Silbernagel et al. 2007 (AJSM
35:897); integer mapping and rule order are backstride defaults (clinical reference §8). Return to
run: clinical reference §2.6 (published clinic protocols, not trial-tested). Load progression: ACSM
2009 (+2-10 % when 1-2 reps over target), on two consecutive sessions (NSCA "2-for-2", unverified),
+5 % rounded down to the available increment [default].
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from backstride.plan.modes import PainAction


@dataclass(frozen=True, slots=True)
class ExerciseResult:
    """What the runner achieved in one exercise: sets, reps per set, load."""

    id: str
    sets: int
    reps: int
    load_kg: float | None = None


@dataclass(frozen=True, slots=True)
class SessionLog:
    """One logged session with pain scores (0-10) and what was done."""

    on_date: dt.date
    kind: str
    status: str
    session_key: str | None = None
    pain_during: int | None = None
    pain_after: int | None = None
    pain_next_morning: int | None = None
    usual_morning_pain: int = 0
    rpe: float | None = None
    distance_m: int | None = None
    exercises: tuple[ExerciseResult, ...] = ()
    bone_pain: int | None = None
    new_red_flag: str | None = None
    good_form: bool = True
    stiffness_next_morning: int | None = None
    usual_morning_stiffness: int = 0


@dataclass(frozen=True, slots=True)
class PainDecision:
    """A :class:`PainAction` with its rule code and text; ``review`` asks for the clinic."""

    action: PainAction
    code: str
    text: str
    review: bool = False


def rising_weeks(logs: Sequence[SessionLog]) -> bool:
    """Weekly median next-morning pain higher than the week before, two weeks running."""
    weeks: dict[tuple[int, int], list[int]] = defaultdict(list)
    for log in logs:
        if log.pain_next_morning is not None:
            iso = log.on_date.isocalendar()
            weeks[(iso.year, iso.week)].append(log.pain_next_morning)
    medians = [statistics.median(weeks[k]) for k in sorted(weeks)]
    return len(medians) >= 3 and medians[-1] > medians[-2] > medians[-3]


def not_settled(log: SessionLog) -> bool:
    """Next-morning pain **or** stiffness >= 1 point above the runner's usual morning value
    (clinical reference §8, integer mapping [default]; the 24-hour rule of Silbernagel et al.
    2007)."""
    pain = log.pain_next_morning is not None and (
        log.pain_next_morning >= log.usual_morning_pain + 1
    )
    stiff = log.stiffness_next_morning is not None and (
        log.stiffness_next_morning >= log.usual_morning_stiffness + 1
    )
    return pain or stiff


def decide(
    log: SessionLog, *, rising: bool, during_max: int = 5, after_max: int = 5
) -> PainDecision:
    """First matching rule wins (clinical reference §8, cases D1-D8).

    (1) new red-flag symptom -> stop and re-triage; (2) rising weeks -> regress and suggest
    review (a trend, so it applies to a skipped session too); D8 skipped -> hold;
    (3) during > ``during_max`` or not settled -> regress one step; (4) during 3 to
    ``during_max`` or after > ``after_max`` -> hold; (5) progress only when during <= 2,
    after <= ``after_max``, settled and stable are all *known*: a log without its during,
    after or next-morning score holds (unknown is not "no", clinical reference §0) [default].

    ``during_max`` / ``after_max``: the highest acceptable pain during and after a session
    (Silbernagel et al. 2007: up to 5/10; a clinic may lower them, ``PlanRules``).
    """
    if log.new_red_flag:
        return PainDecision(
            PainAction.STOP,
            "pain.red_flag",
            f"New symptom ({log.new_red_flag}): stop all sessions and re-run triage now.",
            review=True,
        )
    if rising:
        return PainDecision(
            PainAction.REGRESS,
            "pain.rising_weeks",
            "Morning pain rose two weeks running: step back and see your clinician.",
            review=True,
        )
    if log.status == "skipped":
        return PainDecision(
            PainAction.HOLD,
            "session.skipped",
            "Session skipped: hold; reschedule without stacking hard days.",
        )
    during, after = log.pain_during or 0, log.pain_after or 0
    if during > during_max:
        return PainDecision(
            PainAction.REGRESS,
            "pain.high_during",
            f"Pain {during}/10 during (above {during_max}/10, high risk): step back.",
        )
    if not_settled(log):
        return PainDecision(
            PainAction.REGRESS,
            "pain.not_settled",
            "Pain or stiffness had not settled by the next morning (24-hour rule): step back.",
        )
    if during >= 3:
        return PainDecision(
            PainAction.HOLD,
            "pain.acceptable",
            f"Pain {during}/10 during (acceptable): repeat the session.",
        )
    if after > after_max:
        return PainDecision(
            PainAction.HOLD,
            "pain.after_high",
            f"Pain {after}/10 after (above {after_max}): repeat the session.",
        )
    if log.pain_during is None or log.pain_after is None or log.pain_next_morning is None:
        return PainDecision(
            PainAction.HOLD,
            "pain.incomplete",
            "Pain during, after or next morning not logged: repeat the session; progress "
            "needs all three (low during, settled by the next morning).",
        )
    return PainDecision(
        PainAction.PROGRESS, "pain.safe", "Pain stayed low and settled: progress one step."
    )


NOT_LOGGED = PainDecision(
    PainAction.HOLD,
    "session.not_logged",
    "A planned session has no log: hold rather than progress on missing information.",
)


def combine(decisions: Sequence[PainDecision]) -> PainDecision | None:
    """The most conservative of several decisions (None if there are none)."""
    return max(decisions, key=lambda d: d.action.rank) if decisions else None


@dataclass(frozen=True, slots=True)
class StageStep:
    """Return-to-run result: next stage, good-session count, decision code and text."""

    stage: int
    good: int
    regressed_at: int | None
    code: str
    text: str
    stop_running: bool = False


def rtr_step(stage: int, good: int, regressed_at: int | None, log: SessionLog) -> StageStep:
    """One return-to-run session's effect (clinical reference §2.6, cases R1-R4).

    Progress after 2 consecutive sessions free of bone pain (muscle soreness allowed); any bone
    pain -> stop, 48 h without running, resume one stage lower (stage 1 stays 1); bone pain
    again at that lower stage -> no running and clinician review. Stage 7 is the continuous
    build; bone pain there drops to stage 6 like any other stage.
    """
    if log.status == "skipped":
        return StageStep(stage, good, regressed_at, "rtr.skipped", "Skipped: stage held.")
    if (log.bone_pain or 0) > 0:
        if regressed_at is not None and stage <= max(1, regressed_at - 1):
            return StageStep(
                stage,
                0,
                regressed_at,
                "rtr.stop",
                "Bone pain again at the lower stage: no running; see your clinician.",
                stop_running=True,
            )
        lower = max(1, stage - 1)
        return StageStep(
            lower,
            0,
            stage,
            "rtr.regress",
            f"Bone pain: stop, 48 h without running, resume at stage {lower}.",
        )
    good += 1
    if good >= 2 and stage < 7:
        return StageStep(
            stage + 1,
            0,
            regressed_at,
            "rtr.progress",
            f"Two sessions free of bone pain: next session at stage {stage + 1}.",
        )
    return StageStep(
        stage, good, regressed_at, "rtr.count", f"Counted; session {good + 1} at stage {stage}."
    )


def next_load_kg(load_kg: float, increment_kg: float) -> float:
    """+5 % rounded down to the available increment (clinical reference §7.2 [default]; inside ACSM
    2009's +2-10 %): 20 kg in 1 kg steps -> 21 kg. When one increment is more than +5 % the
    rounded-down raise is zero and the load stays (30 kg in 2.5 kg steps stays 30 kg)."""
    raised = math.floor(load_kg * 1.05 / increment_kg + 1e-9) * increment_kg
    return round(raised, 2) if raised > load_kg + 1e-9 else load_kg


def beats_target(result: ExerciseResult, *, target_reps: int, target_sets: int) -> bool:
    """All target sets done with at least one rep more than the target (ACSM 2009: 1-2 over)."""
    return result.sets >= target_sets and result.reps >= target_reps + 1


def two_for_two(target_reps: int, results: Sequence[ExerciseResult]) -> bool:
    """True when the last two sessions both beat the target by at least one rep per set."""
    last = results[-2:]
    return len(last) == 2 and all(r.reps >= target_reps + 1 for r in last)


__all__ = [
    "NOT_LOGGED",
    "ExerciseResult",
    "PainDecision",
    "SessionLog",
    "StageStep",
    "beats_target",
    "combine",
    "decide",
    "next_load_kg",
    "not_settled",
    "rising_weeks",
    "rtr_step",
    "two_for_two",
]
