"""The frozen set-up computed once per generation run, and the week volume read from it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from backstride.plan.generator import PlanRequest
from backstride.plan.model import Preferences, ProgressionState
from backstride.plan.modes import PlanMode, WeekPhase
from backstride.plan.plan_setup import make_setup
from backstride.plan.request import plan_mode
from backstride.plan.rtr_stages import RTR_STAGES, stage_after_good_session
from backstride.plan.volume import week_volume

from .builders import MONDAY, assessment, worked_context


def request(**kw: object) -> PlanRequest:
    base = PlanRequest("p", assessment(), worked_context(), Preferences(), MONDAY, 8)
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


def test_the_set_up_is_frozen() -> None:
    setup = make_setup(request(), PlanMode.NORMAL)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setup.pain = 9  # type: ignore[misc]
    with pytest.raises(TypeError):
        setup.visits[0] = "extra"  # type: ignore[index]


def test_modes_compare_equal_to_their_stored_strings() -> None:
    assert plan_mode(request()) is PlanMode.NORMAL
    stored: str = PlanMode.NO_RUN
    assert stored == "no_run"
    assert [p.value for p in WeekPhase] == ["build", "deload", "taper", "race"]


@pytest.mark.parametrize(
    ("group", "pain", "tempo", "growth"),
    [("low", 0, True, 0.10), ("low", 2, True, 0.05), ("medium", 0, False, 0.10)],
)
def test_pain_and_startback_group_set_growth_and_quality(
    group: str, pain: int, tempo: bool, growth: float
) -> None:
    # clinical reference §7.1 (+5 % growth while pain is present [default]); §7.4 (STarT
    # medium and high: no quality sessions).
    setup = make_setup(request(assessment=assessment(group=group, pain=pain)), PlanMode.NORMAL)
    assert (setup.allow_tempo, setup.growth) == (tempo, growth)


def test_a_masters_runner_deloads_every_third_week() -> None:
    ctx = dataclasses.replace(worked_context(), age_years=55)
    assert make_setup(request(context=ctx), PlanMode.NORMAL).deload_every == 3


def test_stage_7_within_two_pain_free_weeks_holds_hills_and_tempo() -> None:
    state = ProgressionState(rtr_stage=7, rtr_stage7_since=MONDAY - dt.timedelta(days=5))
    setup = make_setup(request(state=state), PlanMode.NORMAL)
    assert setup.early_stage7
    assert setup.hold_hills
    assert not setup.allow_tempo
    assert "rtr.stage7" in {d.code for d in setup.decisions}


def test_a_race_in_the_second_week_makes_week_one_the_taper_and_week_two_the_race() -> None:
    prefs = Preferences(goal_race_date=MONDAY + dt.timedelta(days=12))
    setup = make_setup(request(preferences=prefs), PlanMode.NORMAL)
    taper = week_volume(setup, 0, 50_000, 50_000, pre_taper_m=None)
    race = week_volume(setup, 1, 50_000, taper.target_m, pre_taper_m=taper.pre_taper_m)
    assert (taper.phase, taper.target_m, taper.pre_taper_m) == (WeekPhase.TAPER, 32_500, 50_000)
    assert (race.phase, race.target_m) == (WeekPhase.RACE, 22_500)


def test_the_stage_table_is_the_one_of_the_clinical_reference() -> None:
    # clinical reference §2.6: 6 x (1 + 4) ... 3 x (9 + 1), then 30 min continuous.
    assert [(s.repeats, s.run_min, s.walk_min) for s in RTR_STAGES.values()] == [
        (6, 1, 4),
        (6, 2, 3),
        (6, 3, 2),
        (6, 4, 1),
        (3, 9, 1),
        (1, 30, 0),
    ]
    assert all(s.duration_s == 30 * 60 for s in RTR_STAGES.values())
    assert stage_after_good_session(3, 1) == (4, 0)
    assert stage_after_good_session(6, 1) == (6, 2)
