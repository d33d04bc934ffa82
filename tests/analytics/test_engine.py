"""The clinic pass: constructed histories raise exactly the flags they should."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstride.analytics import ActivityRow, RunnerProfile, analyse, summarise, table_from_rows
from backstride.analytics.inputs import AnalyticsOptions

from .builders import MONDAY, PROFILE, run, steady_weeks

TODAY = MONDAY + dt.timedelta(days=20 * 7 - 1)


def codes(flags: tuple) -> list[str]:  # type: ignore[type-arg]
    return [f.code for f in flags]


def test_a_steady_history_raises_nothing() -> None:
    analysis = analyse(table_from_rows(steady_weeks(20)), [PROFILE], today=TODAY)
    assert analysis.flags[0] == ()


def test_an_injected_spike_is_flagged_on_its_day_only() -> None:
    rows = steady_weeks(20)
    spike_day = MONDAY + dt.timedelta(days=7 * 12 + 6)
    rows = [r for r in rows if r.local_date != spike_day] + [run(spike_day, 25)]
    analysis = analyse(table_from_rows(rows), [PROFILE], today=TODAY)
    spikes = [f for f in analysis.flags[0] if f.code == "load.spike_single_run"]
    assert [f.date for f in spikes] == [spike_day]
    assert spikes[0].severity == "alert"  # 25 km vs 12 km: more than +100 %
    assert "Frandsen" in spikes[0].source


def test_a_run_exactly_10_percent_longer_is_not_a_spike() -> None:
    rows = steady_weeks(20)
    day = MONDAY + dt.timedelta(days=7 * 12 + 6)
    rows = [r for r in rows if r.local_date != day] + [run(day, 13.2)]
    analysis = analyse(table_from_rows(rows), [PROFILE], today=TODAY)
    assert "load.spike_single_run" not in codes(analysis.flags[0])


def test_a_weekly_jump_is_flagged_on_the_day_the_cap_is_passed() -> None:
    rows = steady_weeks(20)
    tuesday = MONDAY + dt.timedelta(days=7 * 10 + 1)
    rows += [run(tuesday, 8), run(tuesday + dt.timedelta(days=2), 8)]  # 52 km after 36 km
    analysis = analyse(table_from_rows(rows), [PROFILE], today=TODAY)
    jumps = [f for f in analysis.flags[0] if f.code == "load.weekly_jump"]
    # Running total: 40 km by Friday (+11 %), 52 km on Sunday (+44 % > 30 %).
    assert [f.date for f in jumps] == [tuesday + dt.timedelta(days=5)]


def test_seven_days_in_a_row_raise_no_rest_day_once() -> None:
    rows = steady_weeks(20)
    week = MONDAY + dt.timedelta(days=7 * 9)
    rows += [run(week + dt.timedelta(days=d), 5) for d in (1, 3, 5)]
    analysis = analyse(table_from_rows(rows), [PROFILE], today=TODAY)
    rest = [f for f in analysis.flags[0] if f.code == "load.no_rest_day"]
    # The previous Sunday's long run starts the streak: Sunday..Saturday is 7 days.
    assert [f.date for f in rest] == [week + dt.timedelta(days=5)]


def _block_week(rows: list[ActivityRow], week: int) -> list[ActivityRow]:
    """A training-camp week (10 km every day) in place of ``week`` of a steady history."""
    start = MONDAY + dt.timedelta(days=7 * week)
    camp = [start + dt.timedelta(days=d) for d in range(7)]
    return [r for r in rows if r.local_date not in camp] + [run(day, 10) for day in camp]


def test_a_high_acute_chronic_ratio_is_context_once_per_stretch() -> None:
    rows = _block_week(steady_weeks(20), 12)
    analysis = analyse(table_from_rows(rows), [PROFILE], today=TODAY)
    context = [f for f in analysis.flags[0] if f.code == "load.acwr_context"]
    assert len(context) == 1  # one stretch above the line, one flag on its first day
    (flag,) = context
    assert flag.severity == "info"
    assert "Context only" in flag.text
    assert "Frandsen" in flag.source
    camp = MONDAY + dt.timedelta(days=7 * 12)
    assert camp < flag.date < camp + dt.timedelta(days=7)
    ratio = {d.date: d.acwr for d in summarise(analysis, 0).daily}
    on_the_day, before = ratio[flag.date], ratio[flag.date - dt.timedelta(days=1)]
    assert on_the_day is not None
    assert before is not None
    assert before <= 1.5 < on_the_day


def test_the_acwr_context_line_is_a_setting() -> None:
    rows = _block_week(steady_weeks(20), 12)
    table = table_from_rows(rows)
    high = analyse(table, [PROFILE], today=TODAY, options=AnalyticsOptions(acwr_context_high=3.0))
    assert "load.acwr_context" not in codes(high.flags[0])
    low = analyse(table, [PROFILE], today=TODAY, options=AnalyticsOptions(acwr_context_high=1.2))
    (early,) = [f for f in low.flags[0] if f.code == "load.acwr_context"]
    (default,) = [
        f for f in analyse(table, [PROFILE], today=TODAY).flags[0] if f.code == "load.acwr_context"
    ]
    assert early.date < default.date
    assert "above 1.20" in early.text


def test_identical_daily_loads_raise_monotony() -> None:
    rows = [
        ActivityRow(0, MONDAY + dt.timedelta(days=d), 8000.0, 2400.0, rpe=5.0) for d in range(14)
    ]
    analysis = analyse(table_from_rows(rows), [PROFILE], today=MONDAY + dt.timedelta(days=13))
    mono = [f for f in analysis.flags[0] if f.code == "load.monotony_high"]
    assert len(mono) == 2
    assert "same load every day" in mono[0].text


def test_missing_hr_profile_is_estimated_and_said_so() -> None:
    profile = RunnerProfile("r2", birth_year=1986)
    analysis = analyse(
        table_from_rows(steady_weeks(6)), [profile], today=MONDAY + dt.timedelta(days=41)
    )
    assert analysis.sessions.runner_model == ("trimp",)
    warnings = " ".join(analysis.sessions.warnings_for(0))
    assert "208 - 0.7 x age" in warnings
    assert "60 bpm" in warnings
    assert "sex not recorded" in warnings
    assert "load.inputs_estimated" in codes(analysis.flags[0])


def test_rpe_model_is_used_when_sessions_carry_rpe_and_no_hr() -> None:
    rows = [
        ActivityRow(0, MONDAY + dt.timedelta(days=d), 8000.0, 3000.0, rpe=6.0)
        for d in range(0, 28, 2)
    ]
    analysis = analyse(table_from_rows(rows), [PROFILE], today=MONDAY + dt.timedelta(days=27))
    assert analysis.sessions.runner_model == ("srpe",)
    assert analysis.grid.load[0, 0] == pytest.approx(300.0)


def test_the_clinic_pass_equals_runner_by_runner() -> None:
    a = steady_weeks(20, runner=0)
    b = steady_weeks(10, runner=1, start=MONDAY + dt.timedelta(days=70))
    b.append(run(MONDAY + dt.timedelta(days=7 * 18 + 6), 30, runner=1))
    both = analyse(table_from_rows(a + b), [PROFILE, PROFILE], today=TODAY)
    alone = analyse(table_from_rows(b), [PROFILE, PROFILE], today=TODAY, first_date=MONDAY)
    assert both.flags[1] == alone.flags[1]
    assert np.allclose(both.fitness.fitness[1], alone.fitness.fitness[1])


def test_load_summary_exposes_the_guardrail_inputs() -> None:
    analysis = analyse(table_from_rows(steady_weeks(20)), [PROFILE], today=TODAY)
    summary = summarise(analysis, 0, current_pain=3)
    assert summary.longest_run_30d_m == 12_000
    assert summary.recent_weekly_distances_m == (36_000, 36_000, 36_000, 36_000)
    assert summary.weeks[-1].distance_m == 36_000
    assert summary.daily[-1].date == TODAY
    assert summary.current_pain == 3
    assert summary.daily[-1].acwr == pytest.approx(1.0, abs=0.2)


def test_summary_window_limits_days_and_flags() -> None:
    rows = steady_weeks(20)
    spike_day = MONDAY + dt.timedelta(days=7 * 12 + 6)
    rows.append(run(spike_day + dt.timedelta(days=1), 30))
    analysis = analyse(table_from_rows(rows), [PROFILE], today=TODAY)
    later = summarise(analysis, 0, from_date=spike_day + dt.timedelta(days=7))
    assert "load.spike_single_run" not in codes(later.flags)
    assert later.daily[0].date == spike_day + dt.timedelta(days=7)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 120),
            st.floats(0, 60_000),
            st.floats(0, 20_000),
            st.one_of(st.none(), st.floats(60, 200)),
            st.one_of(st.none(), st.floats(0, 10)),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_load_is_never_negative(
    sessions: list[tuple[int, float, float, float | None, float | None]],
) -> None:
    rows = [
        ActivityRow(0, MONDAY + dt.timedelta(days=d), dist, dur, avg_hr_bpm=hr, rpe=rpe)
        for d, dist, dur, hr, rpe in sessions
    ]
    analysis = analyse(
        table_from_rows(rows), [RunnerProfile("x")], today=MONDAY + dt.timedelta(days=130)
    )
    assert (analysis.sessions.load >= 0).all()
    assert (analysis.grid.load >= 0).all()
    assert (analysis.fitness.fitness >= 0).all()


def test_blocks_on_threads_give_the_same_results_as_one_pass() -> None:
    from backstride.analytics.batch import analyse_batch
    from backstride.analytics.engine import flags_for

    rows = []
    for r in range(5):
        history = steady_weeks(12 + r, runner=r)
        history.append(run(MONDAY + dt.timedelta(days=7 * 10 + r), 20 + r, runner=r))
        rows += history
    profiles = [PROFILE] * 5
    whole = analyse(table_from_rows(rows), profiles, today=TODAY)
    batch = analyse_batch(
        table_from_rows(rows[::-1]), profiles, today=TODAY, block_size=2, workers=2
    )
    for r in range(5):
        block, local = batch.locate(r)
        assert flags_for(block, local) == flags_for(whole, r)
        assert np.allclose(block.fitness.form[local], whole.fitness.form[r])


def test_a_gps_glitch_does_not_become_the_threshold_pace() -> None:
    # Pace-only history (no HR, no RPE): the threshold is estimated from 20-60 min runs. When
    # the only such "run" recorded 3 m in 30 min, it must not set a 600,000 s/km threshold that
    # scores every 66-min easy run at an intensity factor of 1,800 (a load of 10^8).
    easy = [
        ActivityRow(0, MONDAY + dt.timedelta(days=d), 12_000.0, 3960.0) for d in range(0, 60, 2)
    ]
    glitch = ActivityRow(0, MONDAY + dt.timedelta(days=61), 3.0, 1800.0)
    analysis = analyse(
        table_from_rows([*easy, glitch]), [RunnerProfile("x")], today=MONDAY + dt.timedelta(days=70)
    )
    loads = analysis.sessions.load
    assert np.isfinite(loads).all()
    assert loads.max() < 1000
