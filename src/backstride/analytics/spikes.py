"""Single-run spike and week-over-week change with integer arithmetic (no float edge traps).

Frandsen et al. 2025 (BJSM 59:1203-1210): a run more than 10 % longer than the longest run of
the previous 30 days raised the rate of overuse injury. Distances are whole metres, so the
band edges (+10 %, +30 %, +100 %) are exact: ``d*10 <= L*11`` none, ``d*10 <= L*13`` small,
``d <= 2*L`` moderate, else large (clinical reference §5.1).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntGrid = npt.NDArray[np.int64]
Int8Grid = npt.NDArray[np.int8]

SPIKE_LOOKBACK_D = 30
NO_REFERENCE = -1


def spike_band(*, run_m: object, longest_m: object) -> Int8Grid:
    """Band index per run: -1 no reference, 0 none, 1 small, 2 moderate, 3 large."""
    d = np.asarray(run_m, dtype=np.int64)
    ref = np.asarray(longest_m, dtype=np.int64)
    d10, r10 = d * 10, ref * 10
    band = np.atleast_1d(d10 > r10 + ref).astype(np.int8)  # > +10 %
    band += d10 > r10 + 3 * ref  # > +30 %
    band += d > 2 * ref  # > +100 %
    band[np.atleast_1d(ref <= 0)] = NO_REFERENCE
    return band.reshape(np.shape(d10))


def previous_longest(daily_longest_m: IntGrid, *, lookback_d: int = SPIKE_LOOKBACK_D) -> IntGrid:
    """Longest run of days d-lookback ... d-1 for every runner and day (same day excluded).

    One ``maximum_filter1d`` pass (O(n)) over the left-padded grid.
    """
    from scipy.ndimage import maximum_filter1d  # imported where used (slow to import)

    rows, days = daily_longest_m.shape
    padded = np.zeros((rows, days + lookback_d), dtype=np.int64)
    padded[:, lookback_d:] = daily_longest_m
    # A window of `lookback_d` centred (numpy/scipy convention) at index j covers
    # j - lookback_d//2 ... j + (lookback_d-1)//2; pick j so that it covers d-lookback_d ... d-1.
    filtered = maximum_filter1d(padded, size=lookback_d, axis=1, mode="constant", cval=0)
    shift = lookback_d // 2
    return np.asarray(filtered[:, shift : shift + days], dtype=np.int64)


def weekly_change_pct(*, this_m: object, last_m: object) -> npt.NDArray[np.float64]:
    """(this / last - 1) x 100 for display; NaN when last week is 0 ("no reference")."""
    this = np.asarray(this_m, dtype=np.float64)
    last = np.asarray(last_m, dtype=np.float64)
    out = np.full(np.broadcast(this, last).shape, np.nan)
    np.divide(this, last, out=out, where=last > 0)
    return (out - 1.0) * 100.0


def exceeds_change(*, this_m: object, last_m: object, cap_pct: int) -> npt.NDArray[np.bool_]:
    """True where this week rose by more than ``cap_pct`` % on last week (exact integers).

    30 -> 39 km at a 30 % cap is +30 % exactly and does not exceed (clinical reference §5.2).
    """
    this = np.asarray(this_m, dtype=np.int64)
    last = np.asarray(last_m, dtype=np.int64)
    return np.asarray((last > 0) & (this * 100 > last * (100 + cap_pct)), dtype=np.bool_)


__all__ = [
    "NO_REFERENCE",
    "SPIKE_LOOKBACK_D",
    "exceeds_change",
    "previous_longest",
    "spike_band",
    "weekly_change_pct",
]
