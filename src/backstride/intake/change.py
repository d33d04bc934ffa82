"""Change over time that matters, one rule for every instrument (clinical reference §4.1).

improvement = baseline - follow-up (or follow-up - baseline when higher is better);
threshold = max(MDC, min(MCID, 0.30 x |baseline|)); meaningful when |improvement| >= threshold
(tolerance 1e-9). MCIDs and the 30 % alternative: Ostelo et al. 2008 (Spine 33:90-94); the MDC
floor keeps changes inside measurement error from being called meaningful [default rule].
"""

from __future__ import annotations

from dataclasses import dataclass

from typing_extensions import TypedDict

from backstride.intake.catalog import InstrumentDef
from backstride.intake.display import format_number

TOLERANCE = 1e-9
RELATIVE_SHARE_PCT = 30
"""The baseline-aware part of the threshold, in percent of the baseline (Ostelo 2008)."""
RELATIVE_SHARE = RELATIVE_SHARE_PCT / 100


class ChangeDisplay(TypedDict):
    """A change as a person reads it: signed ``change`` and its ``threshold``, rounded."""

    change: str
    threshold: str


class ChangeDict(TypedDict):
    """A change's JSON form (``Change.to_dict``): the precise values and their display text."""

    baseline: float
    follow_up: float
    change: float
    improvement: float
    threshold: float
    meaningful: bool
    direction: str
    display: ChangeDisplay


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

    def to_dict(self) -> ChangeDict:
        """JSON form: the precise values (data) and ``display`` strings for people."""
        return {
            "baseline": self.baseline,
            "follow_up": self.follow_up,
            "change": self.change,
            "improvement": self.improvement,
            "threshold": self.threshold,
            "meaningful": self.meaningful,
            "direction": self.direction,
            "display": {
                "change": ("+" if self.change > 0 else "") + format_number(self.change, 2),
                "threshold": format_number(self.threshold, 2),
            },
        }


def threshold_for(baseline: float, *, mcid: float, mdc: float) -> float:
    """max(MDC, min(MCID, 0.30 x |baseline|))."""
    # |baseline| x 30 / 100 in one division: 14 -> 4.2 (0.30 x 14 gives 4.199999999999999)
    return max(mdc, min(mcid, abs(baseline) * RELATIVE_SHARE_PCT / 100))


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
    "RELATIVE_SHARE_PCT",
    "TOLERANCE",
    "Change",
    "compare",
    "compare_instrument",
    "threshold_for",
]
