"""Change over time that matters, one rule for every instrument (clinical reference §4.1).

improvement = baseline - follow-up (or follow-up - baseline when higher is better);
threshold = max(MDC, min(MCID, 0.30 x |baseline|)); meaningful when |improvement| >= threshold
(tolerance 1e-9). MCIDs and the 30 % alternative: Ostelo et al. 2008 (Spine 33:90-94); the MDC
floor keeps changes inside measurement error from being called meaningful [default rule].
"""

from __future__ import annotations

from dataclasses import dataclass

from backstride.intake.catalog import InstrumentDef

TOLERANCE = 1e-9
RELATIVE_SHARE = 0.30


@dataclass(frozen=True, slots=True)
class Change:
    """The change between two scores of one instrument."""

    baseline: float
    follow_up: float
    change: float
    improvement: float
    threshold: float
    meaningful: bool
    direction: str


def threshold_for(baseline: float, *, mcid: float, mdc: float) -> float:
    """max(MDC, min(MCID, 0.30 x |baseline|))."""
    return max(mdc, min(mcid, RELATIVE_SHARE * abs(baseline)))


def compare(
    baseline: float,
    follow_up: float,
    *,
    mcid: float,
    mdc: float,
    higher_is_better: bool = False,
) -> Change:
    """Change from ``baseline`` to ``follow_up``: direction improved/worsened/unchanged."""
    diff = follow_up - baseline
    improvement = diff if higher_is_better else -diff
    threshold = threshold_for(baseline, mcid=mcid, mdc=mdc)
    meaningful = abs(improvement) >= threshold - TOLERANCE
    if not meaningful:
        direction = "no_meaningful_change"
    else:
        direction = "improved" if improvement > 0 else "worsened"
    return Change(baseline, follow_up, diff, improvement, threshold, meaningful, direction)


def compare_instrument(instrument: InstrumentDef, baseline: float, follow_up: float) -> Change:
    """:func:`compare` with the instrument's MCID/MDC (``ValueError`` if it has none)."""
    if instrument.change is None:
        raise ValueError(f"{instrument.id} has no MCID/MDC; re-score instead")
    return compare(
        baseline,
        follow_up,
        mcid=instrument.change.mcid,
        mdc=instrument.change.mdc,
        higher_is_better=instrument.higher_is_better,
    )


__all__ = [
    "RELATIVE_SHARE",
    "TOLERANCE",
    "Change",
    "compare",
    "compare_instrument",
    "threshold_for",
]
