"""Realistic runners checked against the documents (clinical reference §1.3, §7.1-7.4, §8, §9)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from backstride.plan.adapt import adapt_plan
from backstride.plan.catalogue import load_catalogue
from backstride.plan.generator import PlanRequest, generate_plan
from backstride.plan.model import Plan, Preferences, RunRecord, Session, TrainingContext
from backstride.plan.monitor import SessionLog
from backstride.plan.week_runs import run_shares

from .builders import MONDAY, assessment, make_plan, worked_context
from .invariants import assert_guardrail, assert_weekly_caps

CAT = load_catalogue()
KIT = Preferences(equipment=frozenset({"barbell", "kettlebell", "bench", "dumbbells", "band"}))


def runs(plan: Plan) -> list[Session]:
    return [s for s in plan.sessions() if s.kind == "run"]


def week_runs(plan: Plan, index: int) -> list[Session]:
    return [s for d in plan.weeks[index].days for s in d.sessions if s.kind == "run"]


def codes(plan: Plan) -> set[str]:
    return {d.code for d in plan.decisions}


def visits(plan: Plan) -> list[Session]:
    return [s for s in plan.sessions() if s.kind == "clinic_visit"]


class TestSelfManagementLowStart:
    plan = make_plan(assessment(group="low"), worked_context(), KIT, weeks=8)

    def test_one_visit_then_a_remote_review_at_4_weeks(self) -> None:
        # clinical reference §7.4 low: "1 visit; self-managed plan; remote review at 4 weeks".
        assert [(s.date, s.title) for s in visits(self.plan)] == [
            (MONDAY, "Clinic visit"),
            (MONDAY + dt.timedelta(weeks=4), "Clinic review (remote)"),
        ]

    def test_every_week_keeps_the_caps_the_guardrail_and_a_rest_day(self) -> None:
        assert_weekly_caps(self.plan, 30_000)
        assert_guardrail(self.plan, worked_context().recent_runs)
        for w in self.plan.weeks:
            assert sum(d.is_rest for d in w.days) >= 1

    def test_at_most_two_hard_sessions_a_week_never_back_to_back(self) -> None:
        for w in self.plan.weeks:
            assert sum(s.hard for d in w.days for s in d.sessions) <= 2
        hard = sorted(s.date for s in self.plan.sessions() if s.hard)
        assert all((b - a).days > 1 for a, b in itertools.pairwise(hard))

    def test_about_80_percent_of_running_is_easy(self) -> None:
        # clinical reference §7.1 hard/easy: "~80 % of running time easy" (Seiler 2010).
        for i in range(len(self.plan.weeks)):
            rr = week_runs(self.plan, i)
            tempo = sum(s.duration_s or 0 for s in rr if s.intensity == "tempo")
            assert tempo * 5 <= sum(s.duration_s or 0 for s in rr)

    def test_runs_have_a_warm_up_and_a_cool_down_of_the_documented_kind(self) -> None:
        # clinical reference §7.1: warm-up "brisk walk, leg swings, skips"; cool-down "easy walk,
        # gentle mobility".
        for s in runs(self.plan):
            assert {"brisk_walk", "leg_swings", "skips"} <= {e.id for e in s.warm_up}
            assert {"easy_walk", "lower_back_stretch"} <= {e.id for e in s.cool_down}
        assert "easy walk" in CAT["easy_walk"].name.lower()

    def test_strength_sessions_are_dosed_with_form_cues(self) -> None:
        # clinical reference §7.2: 2-3 sessions a week, 1-3 sets; every exercise has cues.
        for w in self.plan.weeks:
            strength = [s for d in w.days for s in d.sessions if s.kind == "strength"]
            assert 2 <= len(strength) <= 3
            for s in strength:
                for e in s.exercises:
                    assert e.sets is not None
                    assert 1 <= e.sets <= 3
                    assert e.reps or e.hold_s
                    assert CAT[e.id].cues

    def test_the_why_texts_footwear_and_recovery_are_given(self) -> None:
        assert {"strength.evidence", "recovery.basics", "visit.manual_therapy"} <= codes(self.plan)
        manual = next(d for d in self.plan.decisions if d.code == "visit.manual_therapy")
        assert "not a cure" in manual.text
        assert any("comfort" in f for f in self.plan.footwear)

    def test_cross_training_sits_on_non_running_days(self) -> None:
        for d in (d for w in self.plan.weeks for d in w.days):
            kinds = {s.kind for s in d.sessions}
            assert not ({"cross_training", "run"} <= kinds)


@pytest.mark.parametrize(("group", "count"), [("medium", 7), ("high", 8)])
def test_medium_and_high_start_visit_counts(group: str, count: int) -> None:
    # clinical reference §7.4: medium "initial visit, then weekly for up to 6 weeks; reviews at 2
    # and 6 weeks" (weeks 0-6); high "weekly for up to 8 weeks" (weeks 0-7).
    plan = make_plan(assessment("clinician", group=group), worked_context(), weeks=12)
    vv = visits(plan)
    assert len(vv) == count
    assert [s.date for s in vv] == [MONDAY + dt.timedelta(weeks=k) for k in range(count)]
    assert not any(s.intensity == "tempo" for s in runs(plan))


def test_start_high_intensity_never_rises_before_the_first_visit() -> None:
    plan = make_plan(assessment("clinician", group="high"), worked_context(), weeks=4)
    assert visits(plan)[0].date == MONDAY
    assert "startback.high" in codes(plan)


def test_si_joint_pattern_runs_on_flat_routes() -> None:
    # clinical reference §7.1 terrain: hill and downhill volume held while SI-pattern pain is
    # irritable.
    plan = make_plan(
        assessment("clinician", flags=frozenset({"hold_hills"}), code="pattern.sacroiliac"),
        worked_context(),
    )
    assert runs(plan)
    assert all("terrain.hold_hills" in {r.code for r in s.reasons} for s in runs(plan))
    assert visits(plan)[0].date == MONDAY


def test_avoid_extension_loading_keeps_only_the_first_back_extension_step() -> None:
    # clinical reference §7.2: avoid_extension_loading removes extension past neutral, supermans,
    # loaded extension, hip thrusts into hyperextension, back-extension ladder above step 1.
    flags = frozenset({"avoid_extension_loading"})
    from backstride.plan.model import ProgressionState

    state = ProgressionState(
        ladder_steps={
            "back_extension_prone": "back_extension_loaded",
            "glute_bridge": "hip_thrust_loaded",
        }
    )
    plan = generate_plan(
        PlanRequest(
            "p",
            assessment("clinician", flags=flags),
            worked_context(),
            KIT,
            MONDAY,
            2,
            state=state,
        )
    )
    ids = {e.id for s in plan.sessions() for e in (*s.exercises, *s.warm_up, *s.cool_down)}
    assert "back_extension_prone" in ids  # the documented alternative: partial range only
    assert not ids & {"back_extension_45", "back_extension_loaded", "hip_thrust_loaded"}
    assert not ids & {"cat_cow"}
    assert "glute_bridge_single_leg" in ids  # the hip-thrust step comes down one rung
    stepped = [r for s in plan.sessions() for r in s.reasons if r.code == "strength.stepped_down"]
    assert stepped


class TestGoalRace:
    ctx = TrainingContext(
        weekly_distances_m=(40_000,) * 4,
        recent_runs=(
            RunRecord(MONDAY - dt.timedelta(days=1), 16_000),
            RunRecord(MONDAY - dt.timedelta(days=3), 9_000),
        ),
        months_running=60,
    )

    def test_a_race_inside_the_plan_tapers_the_last_two_weeks_keeping_frequency(self) -> None:
        race = MONDAY + dt.timedelta(weeks=5, days=6)
        plan = make_plan(assessment(), self.ctx, Preferences(goal_race_date=race), weeks=6)
        assert [w.phase for w in plan.weeks][4:] == ["taper", "race"]
        pre = sum(s.distance_m or 0 for s in week_runs(plan, 2))  # last build week, planned
        assert plan.weeks[4].target_distance_m == int(pre * 0.65)
        assert plan.weeks[5].target_distance_m == int(pre * 0.45)
        # Bosquet 2007: intensity and frequency kept.
        assert len(week_runs(plan, 4)) == len(week_runs(plan, 2))
        assert len(week_runs(plan, 5)) == len(week_runs(plan, 2))

    def test_a_race_after_the_plan_changes_nothing(self) -> None:
        far = make_plan(
            assessment(), self.ctx, Preferences(goal_race_date=MONDAY + dt.timedelta(weeks=20))
        )
        none = make_plan(assessment(), self.ctx, Preferences())
        assert [w.target_distance_m for w in far.weeks] == [w.target_distance_m for w in none.weeks]
        assert "taper" not in {w.phase for w in far.weeks}

    def test_weeks_after_a_race_rebuild_inside_the_cap(self) -> None:
        race = MONDAY + dt.timedelta(weeks=2, days=6)
        plan = make_plan(assessment(), self.ctx, Preferences(goal_race_date=race), weeks=6)
        assert [w.phase for w in plan.weeks][1:3] == ["taper", "race"]
        assert_weekly_caps(plan, 40_000)


def test_a_runner_with_no_history_starts_with_20_minute_easy_runs() -> None:
    # clinical reference §7.1: "no reference run -> first run <= 20 min easy"; novices rest 2 days.
    ctx = TrainingContext(easy_pace_s_per_km=400)
    plan = make_plan(assessment(), ctx, weeks=4)
    first = runs(plan)[0]
    assert first.intensity == "easy"
    assert (first.run_s or 0) <= 20 * 60
    assert first.distance_m == 3_000  # 20 min at 6:40 /km
    assert "guardrail.single_run" in {r.code for r in first.reasons}
    assert_guardrail(plan, ())
    for w in plan.weeks:
        assert sum(d.is_rest for d in w.days) >= 2
        assert all(s.intensity == "easy" for s in week_runs(plan, w.index))


def test_without_a_run_in_30_days_the_first_run_is_easy_even_for_an_experienced_runner() -> None:
    ctx = TrainingContext(weekly_distances_m=(0, 0, 30_000, 30_000), months_running=60)
    plan = make_plan(assessment(), ctx, Preferences(runs_per_week=5), weeks=1)
    first = runs(plan)[0]
    assert first.intensity == "easy"
    assert (first.run_s or 0) <= 20 * 60


def test_a_recent_weekly_spike_does_not_set_the_next_long_run() -> None:
    # Last week 50 km after 30s, with a 20 km long run 2 days ago: runs stay <= 110 % of the
    # longest of 30 days and the week <= last week + 10 % (pain present).
    ctx = TrainingContext(
        weekly_distances_m=(30_000, 30_000, 30_000, 50_000),
        recent_runs=(
            RunRecord(MONDAY - dt.timedelta(days=2), 20_000),
            RunRecord(MONDAY - dt.timedelta(days=4), 10_000),
        ),
        current_pain_nprs=2,
        months_running=48,
    )
    plan = make_plan(assessment(pain=2), ctx, Preferences(long_run_minutes=200), weeks=6)
    assert_guardrail(plan, ctx.recent_runs)
    assert_weekly_caps(plan, 50_000, pain_present=True)
    assert max(s.distance_m or 0 for s in runs(plan)) <= 22_000


@pytest.mark.parametrize(("age", "deloads"), [(35, [3, 7]), (55, [2, 5])])
def test_deload_every_4th_week_or_every_3rd_for_masters(age: int, deloads: list[int]) -> None:
    # clinical reference §7.1: 3:1 at -25 %; 2:1 for masters runners (age >= 50 here [default]).
    ctx = TrainingContext(
        weekly_distances_m=(30_000,) * 4,
        recent_runs=worked_context().recent_runs,
        months_running=60,
        age_years=age,
    )
    plan = make_plan(assessment(), ctx, weeks=8)
    assert [w.index for w in plan.weeks if w.phase == "deload"] == deloads
    for i in deloads:
        prev = sum(s.distance_m or 0 for s in week_runs(plan, i - 1))
        assert plan.weeks[i].target_distance_m == int(prev * 0.75)


def test_run_shares_keep_tempo_at_20_percent_and_easy_runs_under_the_long_run() -> None:
    shares = run_shares(["easy", "tempo", "long"], long_share=0.35, quality_max=0.20)
    assert shares == pytest.approx([0.35, 0.20, 0.35])
    four = run_shares(["easy", "easy", "tempo", "long"], long_share=0.35, quality_max=0.20)
    assert four == pytest.approx([0.225, 0.225, 0.20, 0.35])


class TestAdaptation:
    plan = make_plan(assessment(), worked_context(), KIT, weeks=6)
    sunday = MONDAY + dt.timedelta(days=6)

    def adapt(self, during: int, after: int, morning: int, usual: int = 0) -> Plan:
        logs = [
            SessionLog(s.date, s.kind, "done", s.key, during, after, morning, usual)
            for s in self.plan.sessions()
            if s.kind in ("run", "strength") and s.date <= self.sunday
        ]
        return adapt_plan(
            self.plan,
            logs,
            assessment=assessment(),
            context=worked_context(),
            preferences=KIT,
            today=self.sunday,
        ).plan

    def next_week_km(self, plan: Plan) -> int:
        return sum(s.distance_m or 0 for s in week_runs(plan, 1))

    def test_pain_inside_the_limit_holds_the_volume(self) -> None:
        # D2: during 4, after 5 -> hold: next week no more than this week.
        held = self.adapt(4, 5, 0)
        this_week = sum(s.distance_m or 0 for s in week_runs(self.plan, 0))
        assert self.next_week_km(held) <= this_week

    def test_pain_above_the_limit_regresses_and_doubles_the_rest_days(self) -> None:
        # D3: during 6 -> regress; pain >= 4/10 -> two rest days (clinical reference §7.1).
        down = self.adapt(6, 6, 0)
        assert self.next_week_km(down) < self.next_week_km(self.plan)
        assert sum(d.is_rest for d in down.weeks[1].days) >= 2
        assert not any(s.intensity == "tempo" for s in week_runs(down, 1))

    def test_pain_next_morning_regresses(self) -> None:
        # D4: 24-hour rule broken.
        assert self.next_week_km(self.adapt(3, 4, 2)) < self.next_week_km(self.plan)

    def test_pain_that_settles_progresses(self) -> None:
        # D1: during 2, after 3, settled -> progress (next week builds on this one).
        up = self.adapt(2, 3, 0)
        this_week = sum(s.distance_m or 0 for s in week_runs(up, 0))
        assert self.next_week_km(up) > this_week


def test_pain_that_has_gone_in_the_logs_lifts_the_cap_from_10_to_20_percent() -> None:
    # clinical reference §7.1: "<= +10 %/week while pain is present, <= +20 % otherwise"; the
    # intake's 3/10 is a snapshot, the pain-free logs of the week are the present.
    a = assessment(pain=3)
    plan = make_plan(a, worked_context(), KIT, weeks=4)
    sunday = MONDAY + dt.timedelta(days=6)

    def cap_text(pain: int) -> str:
        logs = [
            SessionLog(s.date, s.kind, "done", s.key, pain, pain, 0)
            for s in plan.sessions()
            if s.kind in ("run", "strength") and s.date <= sunday
        ]
        new = adapt_plan(
            plan, logs, assessment=a, context=worked_context(), preferences=KIT, today=sunday
        ).plan
        return new.weeks[1].reasons[0].text

    assert "+20 % without pain" in cap_text(0)
    assert "+10 % with pain" in cap_text(1)


def test_after_a_flare_deloads_come_every_3rd_week() -> None:
    # clinical reference §7.1 deload: "every 3rd week (2:1) ... after a flare".
    plan = make_plan(assessment(), worked_context(), KIT, weeks=8)
    sunday = MONDAY + dt.timedelta(days=6)
    logs = [
        SessionLog(s.date, s.kind, "done", s.key, 6, 6, 0)
        for s in plan.sessions()
        if s.kind in ("run", "strength") and s.date <= sunday
    ]
    new = adapt_plan(
        plan,
        logs,
        assessment=assessment(),
        context=worked_context(),
        preferences=KIT,
        today=sunday,
    ).plan
    assert [w.index for w in new.weeks if w.phase == "deload"] == [2, 5]


def test_morning_pain_rising_two_weeks_running_regresses_and_asks_for_review() -> None:
    # clinical reference §8 D5 / rule (2): rising weeks -> regress and suggest clinician review.
    plan = make_plan(assessment(), worked_context(), KIT, weeks=6)
    today = MONDAY + dt.timedelta(days=20)
    logs = [
        SessionLog(s.date, s.kind, "done", s.key, 1, 1, (s.date - MONDAY).days // 7 + 1, 1)
        for s in plan.sessions()
        if s.kind in ("run", "strength") and s.date <= today
    ]
    result = adapt_plan(
        plan,
        logs,
        assessment=assessment(),
        context=worked_context(),
        preferences=KIT,
        today=today,
    )
    assert "pain.rising_weeks" in {d.code for d in result.decisions}
    assert result.clinician_review
