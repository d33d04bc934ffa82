"""Flags raised by the analytics: stable codes, severities, plain texts and their sources.

A flag is an observation to look at, never a diagnosis or an injury probability. Codes are
stable dotted strings that other stages (plan, reports, API) may rely on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Severity = Literal["info", "caution", "alert"]

SPIKE_SINGLE_RUN = "load.spike_single_run"
WEEKLY_JUMP = "load.weekly_jump"
NO_REST_DAY = "load.no_rest_day"
MONOTONY_HIGH = "load.monotony_high"
LOAD_ESTIMATED = "load.inputs_estimated"
ACWR_CONTEXT = "load.acwr_context"
BALANCE_DRIFT = "gait.balance_drift"
CADENCE_DROP = "gait.cadence_drop"
SHOES_RETIRE = "shoes.retire"

SOURCES: dict[str, str] = {
    SPIKE_SINGLE_RUN: "Frandsen et al. 2025, BJSM 59:1203-1210 (Garmin-RUNSAFE, 5,205 runners)",
    WEEKLY_JUMP: "Nielsen et al. 2014, JOSPT 44:739-747; Buist et al. 2008 (cap is a "
    "guideline) [default 30 %]",
    NO_REST_DAY: "Recovery guidance: at least one rest day a week (clinical reference §9) "
    "[default]",
    MONOTONY_HIGH: "Foster 1998, Med Sci Sports Exerc 30:1164-1168 (unverified); monotony > 2.0",
    LOAD_ESTIMATED: "Tanaka et al. 2001 (HRmax estimate, unverified); rest HR 60 [default]; "
    "TrainingPeaks rTSS",
    ACWR_CONTEXT: "Gabbett 2016, BJSM 50:273-280 ('danger zone' > 1.5, team sports); contested: "
    "Lolli et al. 2019, Impellizzeri et al. 2020; not associated with injury in runners "
    "(Frandsen et al. 2025) - context only [clinic setting acwr.context_high]",
    BALANCE_DRIFT: "backstride default: median of last 5 runs vs 90-day baseline, > 1.0 point; "
    "Garmin balance colour zones (vendor)",
    CADENCE_DROP: "backstride default: last 5 easy runs > 5 spm below 90-day median at similar "
    "pace; Heiderscheit et al. 2011",
    SHOES_RETIRE: "Manufacturer guidance 500-800 km (weak evidence) [default 700 km]",
}

SPIKE_BANDS: tuple[str, ...] = ("none", "small", "moderate", "large")
"""Single-run bands vs the 30-day longest run: <= 10 %, > 10-30 %, > 30-100 %, > 100 %."""

SPIKE_HAZARD: dict[str, str] = {"small": "1.64", "moderate": "1.52", "large": "2.28"}


@dataclass(frozen=True, slots=True)
class Flag:
    """One observation: stable ``code``, the ``date`` it applies to, ``severity``, plain
    ``text`` for the runner and clinician, and the ``source`` of the rule."""

    code: str
    date: dt.date
    severity: Severity
    text: str
    source: str

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form (date as ISO string)."""
        return {
            "code": self.code,
            "date": self.date.isoformat(),
            "severity": self.severity,
            "text": self.text,
            "source": self.source,
        }


def make_flag(code: str, day: dt.date, severity: Severity, text: str) -> Flag:
    """A flag with the source registered for its code."""
    return Flag(code=code, date=day, severity=severity, text=text, source=SOURCES[code])


def spike_text(*, run_m: int, longest_m: int, band: str, flag_pct: int = 10) -> str:
    """Plain explanation of a single-run spike.

    ``band`` "none" happens only when a clinic flags from below +10 % (``flag_pct``): the run
    is under the cohort's first band, so no hazard is quoted.
    """
    pct = (run_m / longest_m - 1.0) * 100.0
    if band not in SPIKE_HAZARD:
        return (
            f"This run ({run_m / 1000:.1f} km) was {pct:.0f} % longer than your longest run of "
            f"the previous 30 days ({longest_m / 1000:.1f} km); your clinic flags runs more "
            f"than {flag_pct} % longer. Build long runs up in small steps."
        )
    return (
        f"This run ({run_m / 1000:.1f} km) was {pct:.0f} % longer than your longest run of "
        f"the previous 30 days ({longest_m / 1000:.1f} km): the '{band}' band, in which "
        f"runners in a large cohort had about {SPIKE_HAZARD[band]}x the rate of overuse "
        "injury. Build long runs up in steps of at most 10 %."
    )


__all__ = [
    "BALANCE_DRIFT",
    "CADENCE_DROP",
    "LOAD_ESTIMATED",
    "MONOTONY_HIGH",
    "NO_REST_DAY",
    "SHOES_RETIRE",
    "SOURCES",
    "SPIKE_BANDS",
    "SPIKE_HAZARD",
    "SPIKE_SINGLE_RUN",
    "WEEKLY_JUMP",
    "Flag",
    "Severity",
    "make_flag",
    "spike_text",
]
