"""Worsening pain tells the runner to contact the clinic (clinical reference §8; issue 15:
pain rising 2 -> 6 over ten days during, after and the next morning)."""

from __future__ import annotations

import datetime as dt

from backstride.plan.adapt import AdaptResult, adapt_plan
from backstride.plan.escalation import escalations, not_settled_twice, rising_over_a_week
from backstride.plan.model import Plan, Preferences
from backstride.plan.monitor import SessionLog

from .builders import MONDAY, assessment, make_plan, worked_context

A = assessment()
RISE = (2, 3, 3, 4, 5, 6)  # every second day over ten days


def run_logs(plan: Plan, scores: tuple[int, ...], *, morning_offset: int = 0) -> list[SessionLog]:
    days = [MONDAY + dt.timedelta(days=2 * k) for k in range(len(scores))]
    keys = {s.date: s.key for s in plan.sessions() if s.kind == "run"}
    return [
        SessionLog(d, "run", "done", keys.get(d), p, p, max(0, p + morning_offset))
        for d, p in zip(days, scores, strict=True)
    ]


def adapt(plan: Plan, logs: list[SessionLog], today: dt.date) -> AdaptResult:
    return adapt_plan(
        plan, logs, assessment=A, context=worked_context(), preferences=Preferences(), today=today
    )


def test_pain_rising_2_to_6_over_ten_days_asks_to_contact_the_clinic() -> None:
    plan = make_plan(weeks=4)
    today = MONDAY + dt.timedelta(days=10)
    result = adapt(plan, run_logs(plan, RISE), today)
    codes = {d.code for d in result.escalations}
    assert codes == {"escalate.not_settled_twice", "escalate.rising_week"}
    assert result.clinician_review
    assert result.plan.escalations == result.escalations
    assert result.plan.do_now[0].startswith("Contact your clinic")
    assert "escalate.rising_week" in {d.code for d in result.decisions}


def test_the_escalation_is_seen_even_when_the_rise_spans_two_adaptations() -> None:
    plan = make_plan(weeks=4)
    logs = run_logs(plan, RISE, morning_offset=-6)  # settled mornings: only the weekly rise
    first = adapt(
        plan,
        [lg for lg in logs if lg.on_date <= MONDAY + dt.timedelta(days=5)],
        MONDAY + dt.timedelta(days=5),
    )
    assert not first.escalations
    second = adapt(first.plan, logs, MONDAY + dt.timedelta(days=10))
    assert {d.code for d in second.escalations} == {"escalate.rising_week"}


def test_while_escalated_the_plan_does_not_progress() -> None:
    plan = make_plan(weeks=4)
    # Low pain during and after, but never settled by the morning: two in a row escalate.
    logs = run_logs(plan, (1, 1), morning_offset=1)
    result = adapt(plan, logs, MONDAY + dt.timedelta(days=3))
    assert result.escalations
    assert result.plan.state.volume_factor < 1 or result.plan.state.hold_weeks >= 1


def test_stable_settled_pain_does_not_escalate() -> None:
    plan = make_plan(weeks=4)
    result = adapt(
        plan, run_logs(plan, (2, 2, 2, 2, 2, 2), morning_offset=-2), MONDAY + dt.timedelta(days=10)
    )
    assert not result.escalations
    assert not result.plan.escalations


def test_unsettled_mornings_must_be_consecutive_and_recent() -> None:
    day = MONDAY
    bad = SessionLog(day, "run", "done", None, 1, 1, 3)
    good = SessionLog(day + dt.timedelta(days=2), "run", "done", None, 1, 1, 0)
    late_bad = SessionLog(day + dt.timedelta(days=4), "run", "done", None, 1, 1, 3)
    assert not_settled_twice([bad, good, late_bad], today=day + dt.timedelta(days=5)) is None
    twice = [bad, late_bad]
    assert not_settled_twice(twice, today=day + dt.timedelta(days=5)) is not None
    assert not_settled_twice(twice, today=day + dt.timedelta(days=30)) is None


def test_a_weekly_rise_needs_two_scores_in_each_week_and_two_points() -> None:
    def log(offset: int, pain: int) -> SessionLog:
        return SessionLog(MONDAY + dt.timedelta(days=offset), "run", "done", None, pain, None, None)

    today = MONDAY + dt.timedelta(days=13)
    assert rising_over_a_week([log(0, 2), log(2, 2), log(8, 4), log(10, 4)], today=today)
    assert not rising_over_a_week([log(0, 2), log(2, 2), log(8, 3), log(10, 4)], today=today)
    assert not rising_over_a_week([log(0, 2), log(8, 6), log(10, 6)], today=today)
    assert escalations([], today=today) == ()
