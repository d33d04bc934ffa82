"""Shoe mileage per gear item and the "check the shoe" alert at a configurable distance.

Retirement at 500-800 km is manufacturer guidance with weak evidence (clinical reference §9); the
default alert is 700 km [default], per shoe overridable; the text says "check", not "replace".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from backstride.analytics import flags as fl


@dataclass(frozen=True, slots=True)
class ShoeInput:
    """A gear item and the dated distances of the runs done in it."""

    gear_id: str
    name: str
    retired: bool
    retire_km: float | None
    run_dates: tuple[dt.date, ...]
    run_distances_m: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class ShoeSummary:
    """Distance so far, the alert distance in force and when it was passed."""

    gear_id: str
    name: str
    distance_m: float
    runs: int
    retire_km: float
    retired: bool
    first_date: dt.date | None
    last_date: dt.date | None
    passed_on: dt.date | None


def shoe_summaries(
    shoes: Sequence[ShoeInput], *, default_retire_km: float
) -> tuple[tuple[ShoeSummary, ...], tuple[fl.Flag, ...]]:
    """Per shoe: total distance (cumulative sum over its runs) and a flag once past its limit."""
    out: list[ShoeSummary] = []
    flags: list[fl.Flag] = []
    for shoe in shoes:  # per gear item, not per day
        order = np.argsort([d.toordinal() for d in shoe.run_dates], kind="stable")
        dist = np.nan_to_num(np.asarray(shoe.run_distances_m, dtype=np.float64)[order])
        dates = [shoe.run_dates[i] for i in order]
        cumulative = np.cumsum(dist)
        limit_km = shoe.retire_km or default_retire_km
        over = np.nonzero(cumulative >= limit_km * 1000.0)[0]
        passed = dates[int(over[0])] if over.size else None
        total = float(cumulative[-1]) if cumulative.size else 0.0
        out.append(
            ShoeSummary(
                gear_id=shoe.gear_id,
                name=shoe.name,
                distance_m=total,
                runs=len(dates),
                retire_km=limit_km,
                retired=shoe.retired,
                first_date=dates[0] if dates else None,
                last_date=dates[-1] if dates else None,
                passed_on=passed,
            )
        )
        if passed is not None and not shoe.retired:
            flags.append(
                fl.make_flag(
                    fl.SHOES_RETIRE,
                    passed,
                    "info",
                    f"'{shoe.name}' has {total / 1000:.0f} km (alert at {limit_km:.0f} km). "
                    "Check the shoe: if the midsole feels flat or it is no longer comfortable, "
                    "consider a new pair. Comfort is the best-supported guide (Nigg 2015).",
                )
            )
    return tuple(out), tuple(flags)


__all__ = ["ShoeInput", "ShoeSummary", "shoe_summaries"]
