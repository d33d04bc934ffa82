"""When the logs say "contact your clinic": worsening under the pain-monitoring model.

clinical reference §8 (Thomeé 1997; Silbernagel et al. 2007): pain after activity must settle
by the next morning, and pain must not increase week to week. Two escalation rules read the
whole log history up to ``today`` (not only the logs since the last adaptation), so a rise
that spreads over two adaptations is still seen:

- **not settled twice**: next-morning pain or stiffness above the runner's usual morning value
  (the 24-hour rule, ``monitor.not_settled``) after two logged sessions in a row, the later
  within the last 14 days [default];
- **rising over a week**: the median of pain during, after or next morning over the last 7
  days at least 2 points above the median of the 7 days before (each with >= 2 values)
  [default]; 2 points on the 0-10 scale is the NPRS minimal clinically important difference
  (clinical reference §4.2; Childs et al. 2005; Ostelo et al. 2008).

The three-calendar-week rule (``monitor.rising_weeks``, case D5) stays; these catch a faster
rise, such as 2 -> 6 over ten days. While an escalation stands the plan does not progress (a
``progress`` decision becomes ``hold``). Escalation never diagnoses; it asks for a clinician.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence

from backstride.plan.model import Decision
from backstride.plan.modes import PainAction
from backstride.plan.monitor import PainDecision, SessionLog, not_settled

RECENT_DAYS = 14
"""The later of two unsettled sessions must be this recent to escalate [default]."""
RISE_POINTS = 2
"""A rise that matters on the 0-10 scale (NPRS MCID, clinical reference §4.2)."""
WEEK_DAYS = 7
UNTIL_SEEN = "Until then the plan does not progress."
MEASURES = (
    ("pain_during", "during sessions"),
    ("pain_after", "after sessions"),
    ("pain_next_morning", "the next morning"),
)


def _done(logs: Sequence[SessionLog], today: dt.date) -> list[SessionLog]:
    return sorted(
        (lg for lg in logs if lg.on_date <= today and lg.status != "skipped"),
        key=lambda lg: lg.on_date,
    )


def not_settled_twice(logs: Sequence[SessionLog], *, today: dt.date) -> Decision | None:
    """Two sessions in a row whose pain or stiffness had not settled by the next morning."""
    judged = [
        lg
        for lg in _done(logs, today)
        if lg.pain_next_morning is not None or lg.stiffness_next_morning is not None
    ]
    if len(judged) < 2:
        return None
    first, last = judged[-2:]
    if (today - last.on_date).days > RECENT_DAYS or not (not_settled(first) and not_settled(last)):
        return None
    return Decision(
        "escalate.not_settled_twice",
        f"Contact your clinic: pain or stiffness had not settled by the next morning after two "
        f"sessions in a row ({first.on_date} and {last.on_date}). {UNTIL_SEEN}",
    )


def rising_over_a_week(logs: Sequence[SessionLog], *, today: dt.date) -> Decision | None:
    """A rise of at least 2 points in the weekly median of any pain score."""
    done = _done(logs, today)
    week_start = today - dt.timedelta(days=WEEK_DAYS - 1)
    before_start = week_start - dt.timedelta(days=WEEK_DAYS)
    for attr, label in MEASURES:
        recent = [getattr(lg, attr) for lg in done if lg.on_date >= week_start]
        before = [getattr(lg, attr) for lg in done if before_start <= lg.on_date < week_start]
        recent = [v for v in recent if v is not None]
        before = [v for v in before if v is not None]
        if len(recent) < 2 or len(before) < 2:
            continue
        now, then = statistics.median(recent), statistics.median(before)
        if now - then >= RISE_POINTS:
            return Decision(
                "escalate.rising_week",
                f"Contact your clinic: your pain {label} has risen over the last week (typical "
                f"{then:g}/10 the week before, {now:g}/10 now) - a change of 2 points or more "
                f"matters. {UNTIL_SEEN}",
            )
    return None


def hold_while_escalated(
    decision: PainDecision | None, alerts: Sequence[Decision]
) -> PainDecision | None:
    """``progress`` becomes ``hold`` while an escalation stands; other decisions stay."""
    if alerts and decision is not None and decision.action == PainAction.PROGRESS:
        return PainDecision(PainAction.HOLD, "escalate.hold", UNTIL_SEEN, review=True)
    return decision


def escalations(logs: Sequence[SessionLog], *, today: dt.date) -> tuple[Decision, ...]:
    """Every escalation the logs up to ``today`` call for (empty when none)."""
    found = (not_settled_twice(logs, today=today), rising_over_a_week(logs, today=today))
    return tuple(d for d in found if d is not None)


__all__ = [
    "escalations",
    "hold_while_escalated",
    "not_settled_twice",
    "rising_over_a_week",
]
