"""The training-error note: a recent rise in running, said back with the load rule behind it.

Overuse - doing more than the body has adapted to - is the usual cause of running pain that
has no other explanation, and a sudden rise in weekly distance is how it shows in a training
log. The note names the rule it comes from: clinical reference §5.2, week-over-week change
(change = this week / last week - 1); Nielsen et al. 2014 (JOSPT 44:739-747, 874 novice
runners): a rise of more than 30 % went with more distance-related injuries than a rise under
10 % (HR 1.59, 95 % CI 0.96-2.66, not statistically significant); Buist et al. 2008 (Am J Sports
Med 36:33-39): the 10 % rule alone did not prevent injuries - so the caps are guidelines. The
plan keeps rises within §7.1's weekly cap. The note informs; it never changes the triage.
"""

from __future__ import annotations

from backstride.intake.display import format_percent
from backstride.intake.document import IntakeDocument
from backstride.intake.facts import training_increase

_EPS = 1e-9
RISE_HIGH_PCT = 30.0
"""Above this weekly rise, Nielsen 2014 saw more distance-related injuries (clinical reference
§5.2); also the plan's never-exceed cap (§7.1)."""
RISE_WITH_PAIN_PCT = 10.0
"""The plan's weekly cap while pain is present (clinical reference §7.1 [default])."""

TRAINING_ERROR_PREFIX = "Training error:"


def _band(rise_pct: float) -> str:
    if rise_pct > RISE_HIGH_PCT + _EPS:
        return f"more than {RISE_HIGH_PCT:g} %, the size of rise linked with injury"
    if rise_pct > RISE_WITH_PAIN_PCT + _EPS:
        return f"more than {RISE_WITH_PAIN_PCT:g} % but not above {RISE_HIGH_PCT:g} %"
    return f"not above {RISE_WITH_PAIN_PCT:g} %"


def training_error_note(doc: IntakeDocument) -> str | None:
    """The note when the runner reports a recent rise in running (``None`` otherwise)."""
    if not training_increase(doc):
        return None
    rise = doc.running.load_increase_pct
    said = (
        f"your weekly distance rose by {format_percent(rise)} before the pain ({_band(rise)})"
        if rise is not None and rise > _EPS
        else "you have been running more lately"
    )
    return (
        f"{TRAINING_ERROR_PREFIX} {said}. Doing more than the body has adapted to (overuse) is "
        "the usual training error behind running pain. The load rule it comes from: "
        "week-over-week change (clinical reference §5.2) - runners who raised their weekly "
        f"distance by more than {RISE_HIGH_PCT:g} % had more distance-related injuries than "
        f"those under {RISE_WITH_PAIN_PCT:g} % (Nielsen et al. 2014, JOSPT 44:739-747; not "
        "statistically significant). The plan raises your weekly distance by at most "
        f"{RISE_WITH_PAIN_PCT:g} % a week while you have pain and never by more than "
        f"{RISE_HIGH_PCT:g} % (clinical reference §7.1)."
    )


__all__ = ["RISE_HIGH_PCT", "RISE_WITH_PAIN_PCT", "TRAINING_ERROR_PREFIX", "training_error_note"]
