"""Every worked example of clinical reference §5.1 (guardrail edges), 7.1, 7.2, 2.6 and 9 with its
stated result, asserted through the public plan functions (the generator where it applies)."""

from __future__ import annotations

import datetime as dt

import pytest

from backstride.plan import load_limits as limits
from backstride.plan.advice import footwear_advice
from backstride.plan.catalogue import load_catalogue
from backstride.plan.dosing import dose
from backstride.plan.endurance import endurance_ratios
from backstride.plan.generator import PlanRequest, generate_plan
from backstride.plan.model import (
    Plan,
    PlanRules,
    Preferences,
    ProgressionState,
    RunRecord,
    TrainingContext,
)
from backstride.plan.modes import PainAction
from backstride.plan.monitor import ExerciseResult, PainDecision, SessionLog
from backstride.plan.progression import strength_state
from backstride.plan.sessions import run_session

from .builders import MONDAY, assessment, make_plan, worked_context

RULES = PlanRules()


def week_km(plan: Plan, index: int) -> int:
    w = plan.weeks[index]
    return sum(s.distance_m or 0 for d in w.days for s in d.sessions if s.kind == "run")


# clinical reference §5.1 table: only the "none" band (<= +10 %) passes the plan guardrail (7.1).
@pytest.mark.parametrize(
    ("longest", "run", "allowed"),
    [
        (10_000, 9_000, True),
        (10_000, 11_000, True),  # edge: naive float says 0.10000000000000009
        (10_000, 11_010, False),
        (10_000, 13_000, False),
        (10_000, 13_010, False),
        (10_000, 20_000, False),
        (10_000, 20_010, False),
        (15_000, 16_500, True),  # edge
    ],
)
def test_guardrail_matches_every_row_of_the_spike_table(
    longest: int, run: int, allowed: bool
) -> None:
    assert limits.within_guardrail(run, longest, rules=RULES) is allowed


class TestRunningWorkedCheck:
    """clinical reference §7.1: weeks 28, 30, 32, 30 km; longest run 12.0 km; pain 3/10 during
    runs."""

    def test_with_pain_the_cap_is_33_0_km_and_the_week_stays_under_it(self) -> None:
        plan = make_plan(assessment(pain=3), worked_context(pain=3))
        assert limits.weekly_cap_m(30_000, pain_present=True, rules=RULES) == 33_000
        assert "weekly cap 33.0 km" in plan.weeks[0].reasons[0].text
        assert week_km(plan, 0) <= 33_000

    def test_without_pain_the_cap_is_36_0_km(self) -> None:
        plan = make_plan(assessment(pain=0), worked_context(pain=0))
        assert "weekly cap 36.0 km" in plan.weeks[0].reasons[0].text

    def test_longest_planned_run_is_13_2_km_and_a_longer_one_is_cut_with_the_reason(
        self,
    ) -> None:
        # A long-run share that asks for 18 km: the guardrail cuts it to exactly 13.2 km.
        greedy = PlanRules(growth=0.2, long_run_share=0.5)
        plan = make_plan(
            assessment(pain=0),
            worked_context(pain=0),
            Preferences(long_run_minutes=240),
            rules=greedy,
            weeks=1,
        )
        long_run = max(
            (s for s in plan.sessions() if s.kind == "run"), key=lambda s: s.distance_m or 0
        )
        assert long_run.distance_m == 13_200
        assert "guardrail.single_run" in {r.code for r in long_run.reasons}
        assert limits.check_run(13_300, worked_context().recent_runs, MONDAY, rules=RULES) == (
            "guardrail.single_run"
        )

    def test_as_the_4th_week_of_the_block_next_week_deloads_to_22_5_km(self) -> None:
        plan = generate_plan(
            PlanRequest(
                "p",
                assessment(pain=3),
                worked_context(pain=3),
                Preferences(),
                MONDAY,
                1,
                week_offset=3,
            )
        )
        assert plan.weeks[0].phase == "deload"
        assert plan.weeks[0].target_distance_m == 22_500

    def test_taper_from_50_km_is_32_5_then_22_5_km(self) -> None:
        ctx = TrainingContext(
            weekly_distances_m=(50_000,) * 4,
            recent_runs=(
                RunRecord(MONDAY - dt.timedelta(days=1), 20_000),
                RunRecord(MONDAY - dt.timedelta(days=3), 12_000),
            ),
            months_running=60,
        )
        race = MONDAY + dt.timedelta(days=13)
        plan = make_plan(assessment(), ctx, Preferences(goal_race_date=race), weeks=2)
        assert [w.phase for w in plan.weeks] == ["taper", "race"]
        assert [w.target_distance_m for w in plan.weeks] == [32_500, 22_500]


def test_endurance_ratios_worked_example() -> None:
    # clinical reference §7.2: flexion 120 s, extension 150 s -> 0.80 ok; side bridges 80/70 s ->
    # 1.143 asymmetry flagged; 80/150 = 0.53 ok.
    r = endurance_ratios(flexion_s=120, extension_s=150, side_right_s=80, side_left_s=70)
    assert r.flexion_extension == pytest.approx(0.80)
    assert r.side_right_left == pytest.approx(1.143, abs=5e-4)
    assert r.side_extension == pytest.approx(0.53, abs=5e-3)
    assert r.flagged == ("endurance.side_symmetry.off_target",)


def test_side_bridge_symmetry_edge_is_within_0_05() -> None:
    # 105/100 = 1.05 exactly at the edge: "within 0.05 of 1.0" passes (section 0 tolerance).
    r = endurance_ratios(flexion_s=90, extension_s=150, side_right_s=105, side_left_s=100)
    assert "endurance.side_symmetry.off_target" not in r.flagged


# clinical reference §2.6 stage table: (stage, running min, walking min), 30-min sessions.
@pytest.mark.parametrize(
    ("stage", "run_min", "walk_min", "title"),
    [
        (1, 6, 24, "Walk-run 6 x (1 run + 4 walk)"),
        (2, 12, 18, "Walk-run 6 x (2 run + 3 walk)"),
        (3, 18, 12, "Walk-run 6 x (3 run + 2 walk)"),
        (4, 24, 6, "Walk-run 6 x (4 run + 1 walk)"),
        (5, 27, 3, "Walk-run 3 x (9 run + 1 walk)"),
        (6, 30, 0, "Easy run 30 min"),
    ],
)
def test_return_to_run_stage_table(stage: int, run_min: int, walk_min: int, title: str) -> None:
    s = run_session(
        load_catalogue(),
        key="k",
        on_date=MONDAY,
        intensity="easy",
        distance_m=1000,
        pace_s_per_km=360,
        forbidden=frozenset(),
        reasons=(),
        rtr_stage=stage,
    )
    assert (s.run_s, (s.duration_s or 0) - (s.run_s or 0)) == (run_min * 60, walk_min * 60)
    assert s.duration_s == 30 * 60
    assert s.title == title


@pytest.mark.parametrize(("km", "notes"), [(699_999, 2), (700_000, 3)])
def test_the_shoe_check_note_starts_at_700_km(km: int, notes: int) -> None:
    # clinical reference §9: "Default alert at 700 km per shoe [default]; say 'check the shoe'".
    advice = footwear_advice(km)
    assert len(advice) == notes
    assert all("replace" not in a.lower() for a in advice)


@pytest.mark.parametrize("big_three", ["curl_up", "side_plank", "bird_dog"])
def test_mcgill_big_three_are_10_s_holds_in_a_5_3_1_reverse_pyramid(big_three: str) -> None:
    # clinical reference §7.2: "10-s holds in a descending ('reverse pyramid') set pattern, default
    # 5-3-1 reps".
    d = dose(load_catalogue()[big_three])
    assert (d.reps_scheme, d.hold_s, d.sets) == ((5, 3, 1), 10, 3)


def test_mcgill_progress_adds_a_rep_to_each_set_6_4_2() -> None:
    # clinical reference §7.2: "progress by adding a rep to each set (e.g. 6-4-2) before lengthening
    # holds"; the curl-up has no ladder above it, so two good sessions add the rep.
    cat = load_catalogue()
    log = SessionLog(
        MONDAY,
        "strength",
        "done",
        pain_during=1,
        pain_after=1,
        pain_next_morning=0,
        exercises=(ExerciseResult("curl_up", 3, 5), ExerciseResult("curl_up", 3, 5)),
    )
    update = strength_state(
        ProgressionState(),
        [log],
        PainDecision(PainAction.PROGRESS, "pain.safe", ""),
        cat,
        today=MONDAY,
    )
    d = dose(cat["curl_up"], update.state)
    assert (d.reps_scheme, d.hold_s) == ((6, 4, 2), 10)
    assert "strength.reps_up" in {n.code for n in update.notes}
