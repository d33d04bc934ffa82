"""Daily load time series over a runners x days grid: EWMAs, rolling and EWMA ACWR, CTL/ATL/form.

Every function takes a 2-D float array ``loads[runner, day]`` (a day without a session is 0,
clinical reference §0) and works on the whole clinic at once: EWMAs are one ``scipy.signal.lfilter``
call along the day axis, rolling means come from cumulative sums. ``start`` gives each runner's
first day in the grid (earlier cells are padding and must be 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatGrid = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolGrid = npt.NDArray[np.bool_]

ACWR_WARMUP_DAYS = 28
"""First 28 days of a runner's history are "warming up": ratios hidden, no flags [default]."""

CHRONIC_FLOOR_FRACTION = 0.10
"""A ratio is undefined while its chronic base (as a weekly load: daily mean x 7) is below 10 %
of the runner's typical week [default]. A ratio's error grows without bound as its
denominator nears 0: after a break the chronic load decays towards 0 and one easy run gave
ratios in the millions (issue 16). Ratios of small, noisy denominators are the core of the
statistical critique of the ACWR (Lolli et al. 2019, BJSM 53:921-922; Impellizzeri et al. 2020,
Sports Med 50:1-9). The 10 % line is backstride's choice, not a published threshold: below it
the ratio says only "you trained after a break", which the single-run spike flag and the
weekly distances show better."""

WARMING_UP = "acwr.warming_up"
LOW_CHRONIC = "acwr.low_chronic_load"
RATIO_REASONS: dict[str, str] = {
    WARMING_UP: f"fewer than {ACWR_WARMUP_DAYS} days of history",
    LOW_CHRONIC: (
        f"chronic load below {CHRONIC_FLOOR_FRACTION * 100:.0f} % of your typical week "
        "(after a break or at the start): a ratio over almost nothing is not meaningful"
    ),
}
"""Why a ratio is undefined (stable codes shown as ``acwr_reason``), with a plain text."""


def ratio_text(value: float | None, reason: str | None) -> str:
    """How a ratio is printed: two decimals, or "—" with the reason (never a huge number)."""
    if value is None or not math.isfinite(value):
        return f"— ({RATIO_REASONS.get(reason or '', 'not defined')})"
    return f"{value:.2f}"


CTL_TAU_D = 42.0
ATL_TAU_D = 7.0
K_VARIANTS: dict[str, str] = {
    "exp": "k = 1 - e^(-1/tau) (Banister/Coggan exponential decay)",
    "inverse": "k = 1/tau (simplified form used by several tools)",
}


def ewma(loads: FloatGrid, *, k: float, seed: FloatGrid | float = 0.0) -> FloatGrid:
    """X_t = X_{t-1} + k (L_t - X_{t-1}) along axis 1, with X_{-1} = seed (per runner).

    One linear filter call for the whole grid (b = [k], a = [1, -(1-k)]).
    """
    from scipy.signal import lfilter  # imported here: scipy.signal costs ~1 s to import

    rows = loads.shape[0]
    seed_arr = np.broadcast_to(np.asarray(seed, dtype=np.float64), (rows,))
    zi = ((1.0 - k) * seed_arr)[:, None]
    out, _ = lfilter([k], [1.0, -(1.0 - k)], loads, axis=1, zi=zi)
    return np.asarray(out, dtype=np.float64)


def tau_k(tau_d: float, *, variant: str = "exp") -> float:
    """Smoothing constant for a time constant in days (clinical reference §5.4): exp or 1/tau."""
    if variant == "exp":
        return 1.0 - math.exp(-1.0 / tau_d)
    if variant == "inverse":
        return 1.0 / tau_d
    raise ValueError(f"unknown k variant {variant!r}")


def _days_since_start(shape: tuple[int, int], start: IntArray) -> IntArray:
    return np.arange(shape[1], dtype=np.int64)[None, :] - start[:, None]


def _cumsum(loads: FloatGrid) -> FloatGrid:
    """Cumulative sums with a leading 0 column: window sums are differences of two columns."""
    csum = np.zeros((loads.shape[0], loads.shape[1] + 1))
    np.cumsum(loads, axis=1, out=csum[:, 1:])
    return csum


def _window_sum(csum: FloatGrid, window: int, *, lag: int = 0) -> FloatGrid:
    """Sum of days t-lag-window+1 ... t-lag (cells before day 0 count as 0); slices only."""
    rows, days = csum.shape[0], csum.shape[1] - 1
    out = np.zeros((rows, days))
    if lag < days:
        out[:, lag:] = csum[:, 1 : days - lag + 1]
    if lag + window < days:
        out[:, lag + window :] -= csum[:, 1 : days - lag - window + 1]
    return out


def _ratio(num: FloatGrid, den: FloatGrid, hidden: BoolGrid, floor: FloatGrid) -> FloatGrid:
    """num / den, NaN where den is below the runner's ``floor`` (per day; never <= 0) or the
    cell is hidden (in place, no extra grids)."""
    out = np.full(num.shape, np.nan)
    with np.errstate(over="ignore"):
        np.divide(num, den, out=out, where=(den > 0) & (den >= floor[:, None]) & ~hidden)
    return out


def typical_week(loads: FloatGrid, *, start: IntArray) -> FloatGrid:
    """Each runner's typical weekly load: the median of the 7-day blocks (from grid day 0, a
    Monday in the engine's grid) that hold any load, from the runner's first block on; 0 for
    a runner without any load. Vectorised: one sort of the runners x weeks sums."""
    rows, days = loads.shape
    weeks = -(-days // 7)
    padded = np.zeros((rows, weeks * 7))
    padded[:, :days] = loads
    sums = padded.reshape(rows, weeks, 7).sum(axis=2)
    active = (sums > 0) & (np.arange(weeks)[None, :] >= (start // 7)[:, None])
    ordered = np.sort(np.where(active, sums, np.inf), axis=1)
    n = active.sum(axis=1)
    idx = np.arange(rows)
    lo = np.clip((n - 1) // 2, 0, weeks - 1)
    hi = np.clip(n // 2, 0, weeks - 1)
    median = np.where(n > 0, (ordered[idx, lo] + ordered[idx, hi]) / 2.0, 0.0)
    return np.asarray(median, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class AcwrSeries:
    """Acute:chronic ratios per runner and day; NaN while warming up or without chronic load.

    Context only, never an injury probability (Impellizzeri 2020; Frandsen 2025).
    """

    rolling_coupled: FloatGrid
    rolling_uncoupled: FloatGrid
    ewma_acute: FloatGrid
    ewma_chronic: FloatGrid
    ewma_coupled: FloatGrid
    ewma_uncoupled: FloatGrid
    warming_up: BoolGrid
    chronic_floor: FloatGrid | None = None
    """Per runner: the daily chronic load below which ratios are undefined
    (``CHRONIC_FLOOR_FRACTION`` of the typical week / 7)."""

    def reason(self, runner: int, day: int) -> str | None:
        """Why the uncoupled EWMA ratio of this cell is undefined (None when it is defined)."""
        if not np.isnan(self.ewma_uncoupled[runner, day]):
            return None
        return WARMING_UP if self.warming_up[runner, day] else LOW_CHRONIC


def acwr(
    loads: FloatGrid, *, start: IntArray, floor_fraction: float = CHRONIC_FLOOR_FRACTION
) -> AcwrSeries:
    """Rolling 7:28 (Gabbett 2016) and EWMA (Williams et al. 2017) ratios, clinical reference §5.3.

    Rolling: acute = mean of t-6..t; coupled chronic = mean of t-27..t; uncoupled = t-27..t-7.
    EWMA: lambda = 2/(N+1), N = 7 and 28, both seeded with the mean daily load of the first
    min(28, available) days of each runner [default]; uncoupled EWMA ratio = acute(t) /
    chronic(t-7) [default; no standard definition]. The first 28 days are "warming up".
    Every ratio is undefined (NaN) where its chronic base is below ``floor_fraction`` of the
    runner's typical week (``CHRONIC_FLOOR_FRACTION``), so a ratio is at most
    max daily load / floor: finite and bounded.
    """
    rows, days = loads.shape
    since = _days_since_start(loads.shape, start)
    csum = _cumsum(loads)
    acute_r = _window_sum(csum, 7) / 7.0
    warming = since < ACWR_WARMUP_DAYS - 1
    # Seed: mean of each runner's first min(28, available) days.
    end = np.minimum(start + ACWR_WARMUP_DAYS, days)
    n_seed = np.maximum(end - start, 1)
    idx = np.arange(rows)
    seed = (csum[idx, end] - csum[idx, np.minimum(start, days)]) / n_seed
    # Cells before a runner's start hold the seed, so the filter "starts" at each runner's day 0.
    before = since < 0
    padded = np.where(before, seed[:, None], loads) if before.any() else loads
    acute_e = ewma(padded, k=2.0 / 8.0, seed=seed)
    chronic_e = ewma(padded, k=2.0 / 29.0, seed=seed)
    chronic_lag = np.empty_like(chronic_e)
    chronic_lag[:, 7:] = chronic_e[:, :-7]
    chronic_lag[:, :7] = seed[:, None]
    floor = floor_fraction * typical_week(loads, start=start) / 7.0
    return AcwrSeries(
        rolling_coupled=_ratio(acute_r, _window_sum(csum, 28) / 28.0, warming, floor),
        rolling_uncoupled=_ratio(acute_r, _window_sum(csum, 21, lag=7) / 21.0, warming, floor),
        ewma_acute=acute_e,
        ewma_chronic=chronic_e,
        ewma_coupled=_ratio(acute_e, chronic_e, warming, floor),
        ewma_uncoupled=_ratio(acute_e, chronic_lag, warming, floor),
        warming_up=warming,
        chronic_floor=floor,
    )


@dataclass(frozen=True, slots=True)
class FitnessSeries:
    """CTL (fitness), ATL (fatigue) at the end of each day and form (TSB) at its start."""

    fitness: FloatGrid
    fatigue: FloatGrid
    form: FloatGrid
    k_variant: str


def fitness_fatigue(
    loads: FloatGrid,
    *,
    k_variant: str = "exp",
    ctl_tau_d: float = CTL_TAU_D,
    atl_tau_d: float = ATL_TAU_D,
) -> FitnessSeries:
    """CTL/ATL as EWMAs with tau 42/7 d from 0, form(t) = CTL(t-1) - ATL(t-1).

    Banister et al. 1975 (unverified); Coggan's CTL/ATL/TSB; clinical reference §5.4. A model of
    performance, not of injury.
    """
    ctl = ewma(loads, k=tau_k(ctl_tau_d, variant=k_variant))
    atl = ewma(loads, k=tau_k(atl_tau_d, variant=k_variant))
    form = np.zeros_like(ctl)
    form[:, 1:] = ctl[:, :-1] - atl[:, :-1]
    return FitnessSeries(fitness=ctl, fatigue=atl, form=form, k_variant=k_variant)


__all__ = [
    "ACWR_WARMUP_DAYS",
    "CHRONIC_FLOOR_FRACTION",
    "K_VARIANTS",
    "LOW_CHRONIC",
    "RATIO_REASONS",
    "WARMING_UP",
    "AcwrSeries",
    "FitnessSeries",
    "acwr",
    "ewma",
    "fitness_fatigue",
    "ratio_text",
    "tau_k",
    "typical_week",
]
