"""One plan week's sessions: its runs (``week_runs``), strength, cross-training, rest and
clinic visits.

Each week takes the frozen :class:`PlanSetup` and the :class:`WeekCarry` of the week before
and returns the week with the next carry. Sources: clinical reference §7.2 (ACSM 2009
strength, 48 h apart; no heavy lower-body work the day before a long or hard run [default]),
§9 (low-impact cross-training on easy days), §7.4 (STarT visits [default]).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from backstride.plan.ladders import project_after
from backstride.plan.model import REST_DAY_KINDS, Day, Decision, Session, Week
from backstride.plan.modes import PlanMode
from backstride.plan.plan_setup import PlanSetup
from backstride.plan.recovery_sessions import (
    cross_session,
    mobility_session,
    relaxation_session,
    rest_session,
)
from backstride.plan.sessions import STRENGTH_A, STRENGTH_B, strength_session
from backstride.plan.volume import WeekVolume
from backstride.plan.week_runs import HARD, WeekCarry, race_day, week_runs


def _strength(
    setup: PlanSetup, i: int, dates: list[dt.date], hard_days: set[dt.date], carry: WeekCarry
) -> tuple[dict[dt.date, Session], WeekCarry]:
    """Strength on the template's days, A and B alternating, no heavy lower-body work the day
    before a long or hard run (clinical reference §7.2 [default]); each session is built at
    the projected progression and moves it on (``ladders.project_after``)."""
    tpl, out = setup.template, {}
    hard_weekdays = {w for w, t in tpl.runs.items() if t in HARD}
    gap = 14 if setup.req.assessment.startback_group == "high" else 0
    projected = carry.strength
    for n, d in enumerate(d for d in dates if d.weekday() in tpl.strength):
        nxt = d + dt.timedelta(days=1)
        before_hard = nxt in hard_days or nxt.weekday() in hard_weekdays
        template = STRENGTH_A if (n + i + setup.req.week_offset) % 2 == 0 else STRENGTH_B
        out[d] = strength_session(
            setup.catalogue,
            key=f"{d}:strength:0",
            on_date=d,
            template=template,
            state=projected,
            forbidden=setup.forbidden,
            equipment=setup.equipment,
            before_hard=before_hard,
        )
        projected = project_after(projected, out[d], setup.catalogue, step_gap_days=gap)
    return out, replace(carry, strength=projected)


def _weekday(d: dt.date) -> int:
    """Weekday number (0 = Monday): rotates cross-training and relaxation through the week."""
    return d.weekday()


def _other_day(setup: PlanSetup, d: dt.date, *, turn: int) -> Session:
    """A training day without a run or strength: gentle mobility (walking only) or easy
    low-impact cross-training for recovery (clinical reference §9), rotating through what the
    runner's equipment allows (pool: swimming, pool running; bike: cycling; yoga always)."""
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
        turn=turn,
    )


def _visit(setup: PlanSetup, index: int, dates: list[dt.date]) -> Session | None:
    """The week's clinic visit on its first weekday, if the pathway has one this week."""
    if index not in setup.visits:
        return None
    vd = next(d for d in dates if d.weekday() < 5)
    rules = setup.req.rules
    return Session(
        key=f"{vd}:clinic_visit:0",
        date=vd,
        kind="clinic_visit",
        title=setup.visits[index],
        duration_s=rules.visit_duration_min * 60,
        start_min=rules.visit_start_min,
        reasons=(
            Decision(
                "visit.pathway",
                "Clinic visit from the care pathway (STarT Back, disposition).",
            ),
        ),
    )


def _keep_rest_days(
    setup: PlanSetup, by_day: dict[dt.date, list[Session]], race: dt.date, *, turn: int
) -> None:
    """A race on a rest day still leaves the week its rest days (clinical reference §7.1:
    >= 1, >= 2 for novices or pain >= 4/10): the days nearest the race give up their session,
    cross-training first, strength last (the ladders counted it), never the race."""

    def resting(d: dt.date) -> bool:
        return all(s.kind in REST_DAY_KINDS for s in by_day[d])

    missing = setup.min_rest - sum(resting(d) for d in by_day)

    def cost(d: dt.date) -> tuple[bool, bool, int, dt.date]:
        kinds = {s.kind for s in by_day[d]}
        return ("strength" in kinds, "cross_training" not in kinds, abs((d - race).days), d)

    for d in sorted((d for d in by_day if d != race), key=cost):
        if missing <= 0:
            break
        if resting(d):
            continue
        by_day[d] = [
            rest_session(
                key=f"{d}:rest:0",
                on_date=d,
                reason=Decision("rest.race_week", "Full rest day: the race takes a training day."),
            ),
            relaxation_session(
                setup.catalogue, key=f"{d}:relaxation:0", on_date=d, turn=turn + _weekday(d)
            ),
        ]
        missing -= 1


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
    race = race_day(setup, dates)
    if race is not None:
        hard_days.add(race)
    runs, carry = week_runs(setup, dates, run_dates, volume, carry)
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
    training = [d for d in dates if d != race]  # race day: only the race
    strength, carry = _strength(setup, i, training, hard_days, carry)
    for d, s in strength.items():
        by_day[d].append(s)
    for d in dates:
        if d.weekday() in tpl.other and d != race:
            by_day[d].append(
                _other_day(setup, d, turn=7 * (i + setup.req.week_offset) + _weekday(d))
            )
        if not by_day[d]:
            by_day[d] += [
                rest_session(
                    key=f"{d}:rest:0",
                    on_date=d,
                    reason=Decision("rest.weekly", "Full rest day."),
                ),
                relaxation_session(
                    setup.catalogue,
                    key=f"{d}:relaxation:0",
                    on_date=d,
                    turn=i + setup.req.week_offset + _weekday(d),
                ),
            ]
    if race is not None:
        _keep_rest_days(setup, by_day, race, turn=i + setup.req.week_offset)
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
