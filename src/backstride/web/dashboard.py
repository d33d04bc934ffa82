"""The home page's content: today's and this week's sessions, flags, and the load charts.

Reads the same series as the PDF load report (``services.load.load_summary``: weeks, daily
fitness/fatigue/form and acute:chronic, pain, gait, shoes) for the chosen window (12 weeks by
default, 6 months, 1 year or all), and every chart follows that window.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from backstride.analytics import flags as fl
from backstride.analytics.load_summary import DayRow, LoadSummary
from backstride.config import Settings
from backstride.errors import NotFound
from backstride.intake.assessment import Assessment
from backstride.plan.model import Day, Plan, Week
from backstride.reports.load_report import FLAG_TITLES
from backstride.services import intake, load_cache, plans, session_logs
from backstride.services.policy import Principal
from backstride.services.profile import my_handle
from backstride.web import format as fmt
from backstride.web.charts import Band, ChartView, Marker, RefLine, Series, time_chart

WINDOWS: dict[str, tuple[str, int | None]] = {
    "12w": ("12 weeks", 84),
    "6m": ("6 months", 182),
    "1y": ("1 year", 365),
    "all": ("All", None),
}
DEFAULT_WINDOW = "12w"
RECENT_FLAG_DAYS = 14
ACWR_BAND = (0.8, 1.3)
"""The 'sweet spot' drawn for context only: Gabbett 2016 (team sports), contested (Impellizzeri
et al. 2020) and not associated with injury in runners (Frandsen et al. 2025); clinical
reference §5.3."""
BALANCE_GREEN = (49.3, 50.7)
"""Garmin's vendor 'green' zone of ground-contact balance (not evidence; clinical reference §6)."""


@dataclass(frozen=True, slots=True)
class PlanWeekView:
    """The plan's week around today, with the logs of its days."""

    week: Week
    today: Day | None
    logs_by_key: dict[str, session_logs.LogView]
    logs_by_day: dict[dt.date, list[session_logs.LogView]]


def window_of(value: str | None) -> str:
    """A known window key (the default otherwise)."""
    return value if value in WINDOWS else DEFAULT_WINDOW


def window_start(window: str, today: dt.date) -> dt.date | None:
    """The first day of the window (None: the whole history)."""
    days = WINDOWS[window][1]
    return None if days is None else today - dt.timedelta(days=days - 1)


def current_plan(session: Session, *, handle: str) -> tuple[str, int, Plan] | None:
    """``(plan id, version, plan)`` or None before the first plan."""
    try:
        found = plans.current_plan(session, runner_handle=handle)
    except NotFound:
        return None
    return found.plan_id, found.version, found.plan


def week_of(plan: Plan, today: dt.date) -> Week | None:
    """The plan week holding ``today`` (the first week before the plan starts)."""
    for week in plan.weeks:
        if week.start_date <= today < week.start_date + dt.timedelta(days=7):
            return week
    if plan.weeks and today < plan.weeks[0].start_date:
        return plan.weeks[0]
    return None


def plan_week(
    session: Session, *, principal: Principal, plan: Plan, today: dt.date
) -> PlanWeekView | None:
    """This week of the plan with its logs."""
    week = week_of(plan, today)
    if week is None:
        return None
    logs = session_logs.my_logs(
        session,
        principal=principal,
        from_date=week.start_date,
        to_date=week.start_date + dt.timedelta(days=6),
    )
    by_key = {lg.session_key: lg for lg in logs if lg.session_key}
    by_day: dict[dt.date, list[session_logs.LogView]] = {}
    for lg in logs:
        by_day.setdefault(lg.session_date, []).append(lg)
    day = next((d for d in week.days if d.date == today), None)
    return PlanWeekView(week, day, by_key, by_day)


def recent_flags(summary: LoadSummary) -> list[dict[str, Any]]:
    """The load flags of the last two weeks (newest first) with their plain titles."""
    cutoff = summary.today - dt.timedelta(days=RECENT_FLAG_DAYS)
    found = [f for f in summary.flags if f.date > cutoff or f.code == fl.SHOES_RETIRE]
    found.sort(key=lambda f: (f.date, f.code), reverse=True)
    seen: set[tuple[str, dt.date]] = set()
    out = []
    for f in found:
        if (f.code, f.date) in seen:
            continue
        seen.add((f.code, f.date))
        out.append(
            {
                "title": FLAG_TITLES.get(f.code, f.code),
                "severity": f.severity,
                "text": f.text,
                "source": f.source,
                "date": f.date,
                "code": f.code,
            }
        )
    return out[:6]


def acwr_context(summary: LoadSummary) -> dict[str, Any]:
    """Today's acute:chronic ratio as context, or a dash with the reason it is undefined."""
    last = summary.daily[-1] if summary.daily else None
    if last is not None and last.acwr is not None:
        low, high = ACWR_BAND
        where = "inside" if low <= last.acwr <= high else "above" if last.acwr > high else "below"
        return {
            "value": f"{last.acwr:.2f}",
            "reason": f"{where} the 0.8-1.3 band drawn for context",
        }
    recent = [d for d in summary.daily if (summary.today - d.date).days < 28]
    if any(d.runs for d in recent):
        reason = "needs 4 weeks of training history to compare this week with"
    else:
        reason = "no training in the last 4 weeks to compare with"
    return {"value": fmt.DASH, "reason": reason}


def _weekly_chart(summary: LoadSummary) -> ChartView:
    spikes = [f for f in summary.flags if f.code == fl.SPIKE_SINGLE_RUN]
    weeks = list(summary.weeks)
    km = [w.distance_m / 1000 for w in weeks]
    classes: list[str] = []
    markers: list[Marker] = []
    for w, value in zip(weeks, km, strict=True):
        inside = [f for f in spikes if 0 <= (f.date - w.start_date).days < 7]
        sev = "alert" if any(f.severity == "alert" for f in inside) else "caution" if inside else ""
        classes.append(sev)
        if sev:
            markers.append(
                Marker(
                    w.start_date,
                    value,
                    sev,
                    "week with a run much longer than your recent longest"
                    if sev == "caution"
                    else "week with a run more than twice your recent longest",
                )
            )
    total = sum(km)
    summary_text = (
        f"{len(weeks)} weeks, {total:.0f} km in all; "
        f"{len(markers)} week(s) with a single-run spike."
        if weeks
        else "No weeks in this window."
    )
    shown: list[float | None] = list(km) if total > 0 else [None] * len(km)  # no runs: "no data"
    return time_chart(
        "chart-weekly",
        title="Weekly distance",
        summary=summary_text,
        dates=[w.start_date for w in weeks],
        series=[Series("distance", shown, kind="bar", cls="s1", point_cls=classes)],
        unit="km",
        markers=markers,
        bar_days=7,
        date_label=lambda d: f"week of {d.day} {d:%b %Y}",
        notes=(
            "A spike is one run more than 10 % longer than your longest run of the previous "
            "30 days (Frandsen et al. 2025).",
        ),
    )


MAX_DAILY_POINTS = 400
"""Daily series longer than this are drawn from every n-th day (and always today): a year's
chart is ~700 px wide, so more points add bytes, not detail."""


def _daily(summary: LoadSummary) -> tuple[list[DayRow], int]:
    """The window's days for a chart, thinned for long windows; and the step in days."""
    days = list(summary.daily)
    step = -(-len(days) // MAX_DAILY_POINTS) if len(days) > MAX_DAILY_POINTS else 1
    if step == 1:
        return days, 1
    picked = days[len(days) - 1 :: -step][::-1]
    return picked, step


def _thinned_note(step: int) -> str:
    return f"One point every {step} days in this window." if step > 1 else ""


def _table_every(days: list[DayRow], step: int) -> int:
    """About one table row a week once a window is longer than 120 days."""
    return max(1, 7 // step) if len(days) * step > 120 else 1


def _table_note(days: list[DayRow], step: int) -> str:
    every = _table_every(days, step) * step
    return f"One row every {every} days, ending today." if every > 1 else ""


def _fitness_chart(summary: LoadSummary) -> ChartView:
    days, step = _daily(summary)
    last = days[-1] if days else None
    text = (
        f"Today fitness {last.fitness:.0f}, fatigue {last.fatigue:.0f}, form {last.form:+.0f}."
        if last
        else "No data."
    )
    trained = any(d.fitness or d.fatigue for d in days)  # no load yet: "no data", not zeros

    def values(pick: Callable[[DayRow], float]) -> list[float | None]:
        return [pick(d) if trained else None for d in days]

    return time_chart(
        "chart-fitness",
        title="Fitness, fatigue and form",
        summary=text if trained else "No training load in this window yet.",
        dates=[d.date for d in days],
        series=[
            Series("fitness (42-day)", values(lambda d: d.fitness), cls="s1"),
            Series("fatigue (7-day)", values(lambda d: d.fatigue), cls="s2 thin"),
            Series("form = fitness - fatigue", values(lambda d: d.form), kind="area", cls="s3"),
        ],
        unit=summary.load_model,
        table_every=_table_every(days, step),
        table_note=_table_note(days, step),
        notes=(
            "A model of performance, not of injury (clinical reference §5.4).",
            _thinned_note(step),
        ),
    )


def _acwr_chart(summary: LoadSummary) -> ChartView:
    days, step = _daily(summary)
    return time_chart(
        "chart-acwr",
        title="Acute:chronic load ratio (context only)",
        summary="The ratio of the last week's load to the last six weeks', shown as context; "
        "it is not an injury risk.",
        dates=[d.date for d in days],
        series=[Series("acute:chronic (EWMA)", [d.acwr for d in days], cls="s4")],
        unit="",
        bands=[Band(*ACWR_BAND, "0.8-1.3, a contested team-sport 'sweet spot'")],
        y_floor=0.0,
        table_every=_table_every(days, step),
        table_note=_table_note(days, step),
        notes=(
            "Not associated with injury in runners (Frandsen et al. 2025); contested in general "
            "(Impellizzeri et al. 2020). Shown as context only (clinical reference §5.3).",
            _thinned_note(step),
        ),
    )


def _pain_chart(summary: LoadSummary, start: dt.date | None) -> ChartView:
    points = [p for p in summary.pain if start is None or p.date >= start]
    dates = sorted({p.date for p in points})
    kinds = (
        ("diary", "pain now (diary)", "s2"),
        ("during", "during a session", "s1"),
        ("after", "after a session", "s4"),
    )
    series = []
    for kind, label, cls in kinds:
        by_day = {p.date: float(p.score) for p in points if p.kind == kind}
        if by_day:
            series.append(
                Series(
                    label,
                    [by_day.get(d) for d in dates],
                    cls=cls,
                    join=True,
                    fmt=lambda v: fmt.DASH if v is None else f"{v:.0f}/10",
                )
            )
    latest = points[-1] if points else None
    text = (
        f"{len(points)} pain scores; the latest {latest.score}/10 on {fmt.day(latest.date)}."
        if latest
        else "No pain scores in this window."
    )
    return time_chart(
        "chart-pain",
        title="Pain (0-10)",
        summary=text,
        dates=dates,
        series=series or [Series("pain", [], cls="s2")],
        unit="",
        y_floor=0.0,
        y_ceiling=10.0,
        bands=[Band(0, 2, "0-2: the safe zone of the pain-monitoring model", "ok")],
    )


def _gait_charts(summary: LoadSummary, start: dt.date | None) -> list[ChartView]:
    runs = [
        r
        for r in (summary.gait.runs if summary.gait else ())
        if start is None or r.local_date >= start
    ]
    out: list[ChartView] = []
    cad = [(r.local_date, r.cadence_spm) for r in runs if r.cadence_spm]
    if cad:
        values = [float(v) for _, v in cad if v is not None]
        median7 = [statistics.median(values[max(0, i - 6) : i + 1]) for i in range(len(values))]
        out.append(
            time_chart(
                "chart-cadence",
                title="Cadence per run",
                summary=f"{len(values)} runs; the median of the last 7 is {median7[-1]:.0f} "
                "steps per minute.",
                dates=[d for d, _ in cad],
                series=[
                    Series("cadence", values, kind="dots", cls="s1", fmt=lambda v: fmt.spm(v)),
                    Series(
                        "median of the last 7 runs", median7, cls="s1", fmt=lambda v: fmt.spm(v)
                    ),
                ],
                unit="steps/min",
                y_floor=None,
            )
        )
    bal = [(r.local_date, r.stance_balance_left_pct) for r in runs if r.stance_balance_left_pct]
    if bal:
        g = summary.gait
        refs = []
        if g is not None and g.balance_baseline_pct is not None:
            refs.append(
                RefLine(
                    g.balance_baseline_pct, f"your baseline {g.balance_baseline_pct:.1f} % left"
                )
            )
        out.append(
            time_chart(
                "chart-balance",
                title="Ground-contact balance (% on the left foot)",
                summary=f"{len(bal)} runs with running dynamics; the latest "
                f"{bal[-1][1]:.1f} % left.",
                dates=[d for d, _ in bal],
                series=[
                    Series(
                        "left share",
                        [float(v) for _, v in bal if v is not None],
                        kind="dots",
                        cls="s2",
                        fmt=lambda v: fmt.DASH if v is None else f"{v:.1f} %",
                    )
                ],
                unit="% left",
                y_floor=None,
                bands=[Band(*BALANCE_GREEN, "Garmin's 'green' zone (vendor, not evidence)", "ok")],
                refs=refs,
                notes=("An observation to discuss, never a diagnosis (clinical reference §6).",),
            )
        )
    return out


def build(
    session: Session,
    *,
    principal: Principal,
    now: dt.datetime,
    settings: Settings,
    window: str,
) -> dict[str, Any]:
    """Everything the home page shows."""
    today = now.date()
    handle = my_handle(session, principal=principal)
    start = window_start(window, today)
    summary = load_cache.cached_load_summary(
        session,
        runner_id=principal.runner_id or "",
        runner_handle=handle,
        from_date=start,
        today=today,
        settings=settings,
    )
    assessment: Assessment | None = intake.latest_assessment(
        session, runner_id=principal.runner_id or ""
    )
    found = current_plan(session, handle=handle)
    week = plan_week(session, principal=principal, plan=found[2], today=today) if found else None
    waiting = session_logs.awaiting_morning(session, principal=principal, today=today)
    weeks = summary.weeks
    this_week = weeks[-1] if weeks else None
    prior = summary.recent_weekly_distances_m
    session.rollback()
    return {
        "summary": summary,
        "assessment": assessment,
        "plan": found[2] if found else None,
        "plan_week": week,
        "waiting": waiting,
        "flags": recent_flags(summary),
        "acwr": acwr_context(summary),
        "this_week_m": this_week.distance_m if this_week else 0,
        "this_week_runs": this_week.runs if this_week else 0,
        "avg4_m": sum(prior) / len(prior) if prior else None,
        "charts": {
            "pain": _pain_chart(summary, start),
            "weekly": _weekly_chart(summary),
            "fitness": _fitness_chart(summary),
            "acwr": _acwr_chart(summary),
            "gait": _gait_charts(summary, start),
        },
        "shoes": sorted(summary.shoes, key=lambda s: (s.retired, -s.distance_m)),
        "window": window,
        "windows": WINDOWS,
    }


__all__ = [
    "DEFAULT_WINDOW",
    "WINDOWS",
    "build",
    "current_plan",
    "plan_week",
    "week_of",
    "window_of",
]
