"""One plan week's sessions: its runs (``week_runs``), strength, cross-training, rest and
clinic visits.

Each week takes the frozen :class:`PlanSetup` and the :class:`WeekCarry` of the week before
and returns the week with the next carry. Sources: clinical reference §7.2 (ACSM 2009
strength, 48 h apart; no heavy lower-body work the day before a long or hard run [default]),
§9 (low-impact cross-training on easy days), §7.4 (STarT visits [default]).
"""

from __future__ import annotations

import datetime as dt

from backstride.plan.model import Day, Decision, Session, Week
from backstride.plan.modes import PlanMode
from backstride.plan.plan_setup import PlanSetup
from backstride.plan.sessions import (
    STRENGTH_A,
    STRENGTH_B,
    cross_session,
    mobility_session,
    rest_session,
    strength_session,
)
from backstride.plan.volume import WeekVolume
from backstride.plan.week_runs import HARD, WeekCarry, week_runs


def _strength(
    setup: PlanSetup, i: int, dates: list[dt.date], hard_days: set[dt.date]
) -> dict[dt.date, Session]:
    """Strength on the template's days, A and B alternating, no heavy lower-body work the day
    before a long or hard run (clinical reference §7.2 [default])."""
    tpl, out = setup.template, {}
    hard_weekdays = {w for w, t in tpl.runs.items() if t in HARD}
    for n, d in enumerate(d for d in dates if d.weekday() in tpl.strength):
        nxt = d + dt.timedelta(days=1)
        before_hard = nxt in hard_days or nxt.weekday() in hard_weekdays
        template = STRENGTH_A if (n + i + setup.req.week_offset) % 2 == 0 else STRENGTH_B
        out[d] = strength_session(
            setup.catalogue,
            key=f"{d}:strength:0",
            on_date=d,
            template=template,
            state=setup.state,
            forbidden=setup.forbidden,
            equipment=setup.equipment,
            before_hard=before_hard,
        )
    return out


def _other_day(setup: PlanSetup, d: dt.date) -> Session:
    """A training day without a run or strength: gentle mobility (walking only) or easy
    low-impact cross-training for recovery (clinical reference §9)."""
    if setup.walking_only:
        return mobility_session(
            setup.catalogue,
            key=f"{d}:mobility:0",
            on_date=d,
            reason=Decision("plan.urgent", "Walking and gentle mobility only."),
            forbidden=setup.forbidden,
        )
    return cross_session(
        setup.catalogue,
        key=f"{d}:cross_training:0",
        on_date=d,
        forbidden=setup.forbidden,
        equipment=setup.equipment,
        reason=Decision("recovery.cross", "Easy low-impact cross-training for recovery."),
    )


def _visit(setup: PlanSetup, index: int, dates: list[dt.date]) -> Session | None:
    """The week's clinic visit on its first weekday, if the pathway has one this week."""
    if index not in setup.visits:
        return None
    vd = next(d for d in dates if d.weekday() < 5)
    return Session(
        key=f"{vd}:clinic_visit:0",
        date=vd,
        kind="clinic_visit",
        title=setup.visits[index],
        reasons=(
            Decision(
                "visit.pathway",
                "Clinic visit from the care pathway (STarT Back, disposition).",
            ),
        ),
    )


def build_week(
    setup: PlanSetup, i: int, volume: WeekVolume, carry: WeekCarry
) -> tuple[Week, WeekCarry]:
    """All sessions of week ``i`` (0-based within this request) and the carry after it."""
    tpl = setup.template
    start = setup.req.start_date + dt.timedelta(days=7 * i)
    dates = [start + dt.timedelta(days=k) for k in range(7)]
    by_day: dict[dt.date, list[Session]] = {d: [] for d in dates}
    run_dates = [d for d in dates if d.weekday() in tpl.runs]
    hard_days = {d for d in run_dates if tpl.runs[d.weekday()] in HARD}
    runs, carry = week_runs(setup, run_dates, volume, carry)
    for d, s in runs.items():
        by_day[d].append(s)
    if setup.mode is PlanMode.NO_RUN:
        for turn, d in enumerate(run_dates):
            by_day[d].append(
                cross_session(
                    setup.catalogue,
                    key=f"{d}:cross_training:0",
                    on_date=d,
                    forbidden=setup.forbidden,
                    equipment=setup.equipment,
                    turn=turn,
                    reason=Decision("cross.instead_of_run", "Non-impact work instead of running."),
                )
            )
    for d, s in _strength(setup, i, dates, hard_days).items():
        by_day[d].append(s)
    for d in dates:
        if d.weekday() in tpl.other:
            by_day[d].append(_other_day(setup, d))
        if not by_day[d]:
            by_day[d].append(
                rest_session(
                    key=f"{d}:rest:0",
                    on_date=d,
                    reason=Decision("rest.weekly", "Full rest day."),
                )
            )
    visit = _visit(setup, i + setup.req.week_offset, dates)
    if visit is not None:
        by_day[visit.date].append(visit)
    week = Week(
        index=i + setup.req.week_offset,
        start_date=start,
        phase=volume.phase,
        target_distance_m=volume.target_m if setup.mode is PlanMode.NORMAL else 0,
        days=tuple(Day(d, tuple(by_day[d])) for d in dates),
        reasons=(volume.why,),
    )
    return week, carry


__all__ = ["build_week"]
