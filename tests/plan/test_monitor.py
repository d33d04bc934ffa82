"""Pain-monitoring cases D1-D8, return-to-run cases R1-R4 and the 2-for-2 load rule."""

from __future__ import annotations

import datetime as dt

import pytest

from backstride.plan.monitor import (
    ExerciseResult,
    SessionLog,
    decide,
    next_load_kg,
    rising_weeks,
    rtr_step,
    two_for_two,
)

DAY = dt.date(2026, 12, 3)


def log(
    during: int | None,
    after: int | None,
    morning: int | None = 1,
    *,
    usual: int = 1,
    status: str = "done",
    red_flag: str | None = None,
) -> SessionLog:
    return SessionLog(
        DAY,
        "run",
        status,
        "k",
        pain_during=during,
        pain_after=after,
        pain_next_morning=morning,
        usual_morning_pain=usual,
        new_red_flag=red_flag,
    )


@pytest.mark.parametrize(
    ("case", "entry", "rising", "action", "code"),
    [
        ("D1", log(2, 3), False, "progress", "pain.safe"),
        ("D2", log(4, 5), False, "hold", "pain.acceptable"),
        ("D3", log(6, 6), False, "regress", "pain.high_during"),
        ("D4", log(3, 4, morning=3), False, "regress", "pain.not_settled"),
        ("D5", log(2, 2), True, "regress", "pain.rising_weeks"),
        ("D6", log(2, 6), False, "hold", "pain.after_high"),
        ("D7", log(1, 1, red_flag="saddle numbness"), False, "stop", "pain.red_flag"),
        ("D8", log(None, None, None, status="skipped"), False, "hold", "session.skipped"),
    ],
)
def test_pain_monitoring_cases(
    case: str, entry: SessionLog, rising: bool, action: str, code: str
) -> None:
    decision = decide(entry, rising=rising)
    assert (decision.action, decision.code) == (action, code), case


def test_d5_suggests_a_clinician_review() -> None:
    assert decide(log(2, 2), rising=True).review


def test_rising_weeks_needs_two_rises_in_a_row() -> None:
    def week(offset: int, morning: int) -> SessionLog:
        return SessionLog(
            DAY + dt.timedelta(days=7 * offset), "run", "done", pain_next_morning=morning
        )

    assert rising_weeks([week(0, 1), week(1, 2), week(2, 3)])
    assert not rising_weeks([week(0, 1), week(1, 2), week(2, 2)])
    assert not rising_weeks([week(0, 1), week(1, 2)])


def rtr_log(bone_pain: int = 0, *, morning: int = 0) -> SessionLog:
    return SessionLog(DAY, "run", "done", "k", pain_next_morning=morning, bone_pain=bone_pain)


def test_r1_two_pain_free_sessions_at_stage_3_move_to_stage_4() -> None:
    step = rtr_step(3, 1, None, rtr_log())
    assert (step.stage, step.code) == (4, "rtr.progress")


def test_r2_calf_ache_without_bone_pain_counts_the_session() -> None:
    step = rtr_step(4, 0, None, rtr_log(morning=2))
    assert (step.stage, step.good, step.code) == (4, 1, "rtr.count")


def test_r3_bone_pain_at_stage_5_drops_to_stage_4_after_48_hours() -> None:
    step = rtr_step(5, 1, None, rtr_log(bone_pain=3))
    assert (step.stage, step.code, step.regressed_at) == (4, "rtr.regress", 5)
    assert "48 h" in step.text


def test_r4_bone_pain_again_at_the_lower_stage_stops_running() -> None:
    step = rtr_step(4, 0, 5, rtr_log(bone_pain=2))
    assert step.stop_running
    assert step.code == "rtr.stop"


def test_2_for_2_raises_20_kg_to_21_kg() -> None:
    done = [ExerciseResult("barbell_rdl", 3, 12, 20.0)] * 2
    assert two_for_two(10, done)
    assert next_load_kg(20.0, 1.0) == 21.0


def test_one_good_session_is_not_enough_for_2_for_2() -> None:
    assert not two_for_two(10, [ExerciseResult("barbell_rdl", 3, 12, 20.0)])
    assert not two_for_two(10, [ExerciseResult("x", 3, 10), ExerciseResult("x", 3, 12)])


@pytest.mark.parametrize(
    ("load", "increment", "expected"),
    # clinical reference §7.2: "raises by 5 % rounded down to the available increment" - so a step
    # that is more than +5 % (30 kg in 2.5 kg steps: 31.5 -> 30) leaves the load where it is.
    [(20.0, 1.0, 21.0), (30.0, 2.5, 30.0), (20.0, 2.5, 20.0), (12.0, 2.0, 12.0), (40.0, 2.0, 42.0)],
)
def test_load_rises_5_percent_rounded_down_to_the_increment(
    load: float, increment: float, expected: float
) -> None:
    assert next_load_kg(load, increment) == expected


# clinical reference §8 integer mapping: during <= 2 safe, 3-5 acceptable, >= 6 high risk; after may
# reach 5; "not settled" = next-morning pain or stiffness >= 1 above the usual morning value.
@pytest.mark.parametrize(
    ("during", "after", "action", "code"),
    [
        (2, 5, "progress", "pain.safe"),  # after exactly 5 is allowed
        (3, 3, "hold", "pain.acceptable"),
        (5, 5, "hold", "pain.acceptable"),  # the acceptable limit itself
        (6, 2, "regress", "pain.high_during"),  # first point above the limit
    ],
)
def test_the_acceptable_limit_edges(during: int, after: int, action: str, code: str) -> None:
    decision = decide(log(during, after), rising=False)
    assert (decision.action, decision.code) == (action, code)


def test_a_clinic_that_lowers_the_limit_to_4_regresses_at_5() -> None:
    assert decide(log(5, 2), rising=False, during_max=4).action == "regress"
    assert decide(log(4, 2), rising=False, during_max=4).action == "hold"


def test_next_morning_stiffness_above_usual_breaks_the_24_hour_rule() -> None:
    stiff = SessionLog(
        DAY,
        "run",
        "done",
        "k",
        pain_during=1,
        pain_after=1,
        pain_next_morning=1,
        usual_morning_pain=1,
        stiffness_next_morning=3,
        usual_morning_stiffness=2,
    )
    assert (decide(stiff, rising=False).action, decide(stiff, rising=False).code) == (
        "regress",
        "pain.not_settled",
    )


def test_morning_pain_back_to_usual_counts_as_settled() -> None:
    assert decide(log(1, 2, morning=2, usual=2), rising=False).action == "progress"


def test_rising_weeks_regress_even_when_the_last_session_was_skipped() -> None:
    # clinical reference §8: rule (2) rising weeks comes before the D8 skipped-session hold.
    decision = decide(log(None, None, None, status="skipped"), rising=True)
    assert (decision.action, decision.code, decision.review) == (
        "regress",
        "pain.rising_weeks",
        True,
    )


@pytest.mark.parametrize(
    "entry", [log(None, 1), log(1, None), log(1, 1, None), log(None, None, None)]
)
def test_a_log_without_its_pain_scores_holds_instead_of_progressing(entry: SessionLog) -> None:
    decision = decide(entry, rising=False)
    assert (decision.action, decision.code) == ("hold", "pain.incomplete")
