"""Pick one load model per runner, compute every session's load, and say what was estimated.

Order of preference among the models a runner's sessions support, by how many sessions each
covers: Banister TRIMP from HR samples or average HR ("trimp"), Foster session RPE ("srpe"),
pace-based rTSS ("rtss"). Sessions the chosen model cannot score fall back to the next model
and the runner gets a warning, because the units of the models differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from backstride.analytics.inputs import ActivityTable, FloatArray, RunnerProfile
from backstride.analytics.load_models import (
    HR_REST_DEFAULT_BPM,
    MAX_PLAUSIBLE_THRESHOLD_PACE_S_PER_KM,
    MIN_PLAUSIBLE_PACE_S_PER_KM,
    TRIMP_CONSTANTS,
    heart_rate_reserve,
    hr_max_tanaka,
    rtss,
    srpe_load,
)

MODELS: dict[str, str] = {
    "trimp": "Banister TRIMP from heart rate (Banister 1991)",
    "srpe": "session RPE x minutes (Foster 2001)",
    "rtss": "pace-based rTSS from threshold pace (TrainingPeaks)",
    "none": "no load model: no heart rate, RPE or pace",
}
_ORDER = ("trimp", "srpe", "rtss")


@dataclass(frozen=True, slots=True)
class SessionLoads:
    """Per-activity load and model; per-runner chosen model and what was estimated.

    Warnings are built on demand (``warnings_for``) so a clinic pass creates no strings.
    """

    load: FloatArray
    model_index: npt.NDArray[np.int8]
    """Index into ``("trimp", "srpe", "rtss")`` per activity, -1 when nothing scores it."""
    chosen: npt.NDArray[np.int64]
    hr_max_bpm: FloatArray
    rest_estimated: npt.NDArray[np.bool_]
    max_source: npt.NDArray[np.int64]
    """0 profile, 1 Tanaka from age, 2 highest recorded HR."""
    sex: npt.NDArray[np.int64]
    threshold_estimated: npt.NDArray[np.bool_]
    fallback: FloatArray
    unscored: FloatArray

    @property
    def runner_model(self) -> tuple[str, ...]:
        """Chosen model name per runner ("none" without any scorable session)."""
        return tuple(_ORDER[c] if c >= 0 else "none" for c in self.chosen.tolist())

    def model_of(self, runner: int) -> str:
        c = int(self.chosen[runner])
        return _ORDER[c] if c >= 0 else "none"

    def warnings_for(self, r: int) -> tuple[str, ...]:
        """Plain warnings about missing or estimated inputs for runner ``r``."""
        name = self.model_of(r)
        w: list[str] = []
        if name == "trimp":
            if self.rest_estimated[r]:
                w.append("resting heart rate not recorded: 60 bpm assumed (estimated)")
            if self.max_source[r] == 1:
                w.append(
                    f"maximum heart rate estimated as 208 - 0.7 x age = "
                    f"{self.hr_max_bpm[r]:.0f} bpm (Tanaka 2001; estimated)"
                )
            elif self.max_source[r] == 2:
                w.append(
                    "maximum heart rate taken from the highest recorded value "
                    f"({self.hr_max_bpm[r]:.0f} bpm; estimated)"
                )
            if self.sex[r] == 0:
                w.append(
                    "sex not recorded: TRIMP is the mean of the men's and women's constants "
                    "(women's about 12 % higher)"
                )
        if name == "rtss":
            w.append("rTSS uses average pace, not normalised graded pace (estimated)")
            if self.threshold_estimated[r]:
                w.append("threshold pace not recorded: fastest 20-60 min run used (estimated)")
        if self.fallback[r]:
            w.append(f"{int(self.fallback[r])} sessions scored with another model (units differ)")
        if self.unscored[r]:
            w.append(f"{int(self.unscored[r])} sessions without heart rate, RPE or pace count as 0")
        return tuple(w)


def _profile_column(profiles: Sequence[RunnerProfile], name: str) -> FloatArray:
    values = [getattr(p, name) for p in profiles]
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _sex_code(sex: str | None) -> int:
    """1 male, 2 female, 0 not recorded."""
    s = (sex or "").strip().lower()
    if s in {"m", "male", "man"}:
        return 1
    if s in {"f", "female", "w", "woman"}:
        return 2
    return 0


def _trimp(
    table: ActivityTable, sex: npt.NDArray[np.int64], hr_rest: FloatArray, hr_max: FloatArray
) -> FloatArray:
    """Banister TRIMP per activity with its runner's sex constants (mean of both if unknown);
    per-sample stream TRIMP replaces the average-HR value where it exists."""
    ri = table.runner_index
    dhr = heart_rate_reserve(
        hr_bpm=table.avg_hr_bpm, hr_rest_bpm=hr_rest[ri], hr_max_bpm=hr_max[ri]
    )
    base = table.duration_s / 60.0 * dhr
    a_sex = sex[ri]
    (am, bm), (af, bf) = TRIMP_CONSTANTS["male"], TRIMP_CONSTANTS["female"]
    out = np.empty(len(ri))
    for code, (a, b), stream in (
        (1, (am, bm), table.stream_trimp_male),
        (2, (af, bf), table.stream_trimp_female),
    ):
        rows = np.flatnonzero(a_sex == code)  # one exponential per activity: its runner's sex
        value = base[rows] * a * np.exp(b * dhr[rows])
        own = stream[rows]
        out[rows] = np.where(np.isnan(own), value, own)
    rows = np.flatnonzero((a_sex != 1) & (a_sex != 2))  # sex not recorded: mean of both
    if rows.size:
        men = base[rows] * am * np.exp(bm * dhr[rows])
        women = base[rows] * af * np.exp(bf * dhr[rows])
        m_own, f_own = table.stream_trimp_male[rows], table.stream_trimp_female[rows]
        men = np.where(np.isnan(m_own), men, m_own)
        women = np.where(np.isnan(f_own), women, f_own)
        out[rows] = (men + women) * 0.5
    return out


def session_loads(
    table: ActivityTable, profiles: Sequence[RunnerProfile], *, today: dt.date
) -> SessionLoads:
    """Score every activity of every runner in one pass (see module docstring)."""
    n_r = len(profiles)
    ri = table.runner_index
    sex = np.array([_sex_code(p.sex) for p in profiles], dtype=np.int64)
    birth = _profile_column(profiles, "birth_year")
    hr_rest = _profile_column(profiles, "hr_rest_bpm")
    hr_max = _profile_column(profiles, "hr_max_bpm")
    thr = _profile_column(profiles, "threshold_pace_s_per_km")
    rest_est = np.isnan(hr_rest)
    hr_rest = np.where(rest_est, HR_REST_DEFAULT_BPM, hr_rest)
    # HRmax: profile, else Tanaka from age, else the highest HR seen in the data.
    max_source = np.where(~np.isnan(hr_max), 0, np.where(~np.isnan(birth), 1, 2))
    if (max_source == 2).any() and len(table):
        seen_max = np.full(n_r, np.nan)
        np.fmax.at(seen_max, ri, table.max_hr_bpm)
    else:
        seen_max = np.full(n_r, np.nan)
    hr_max = np.where(
        max_source == 0,
        hr_max,
        np.where(max_source == 1, hr_max_tanaka(age_years=today.year - birth), seen_max),
    )
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        pace = table.duration_s / (table.distance_m * 0.001)
    pace[~(table.distance_m > 0)] = np.nan
    # Threshold pace: profile, else the fastest average pace of runs lasting 20-60 min.
    thr_est = np.isnan(thr)
    if thr_est.any() and len(table):
        # Only plausible paces: one GPS glitch (60 km in a minute, or 3 m in 40 min) must not
        # become the yardstick every other run is scored against.
        candidate = (
            table.is_run
            & (table.duration_s >= 1200)
            & (table.duration_s <= 3600)
            & (pace >= MIN_PLAUSIBLE_PACE_S_PER_KM)
            & (pace <= MAX_PLAUSIBLE_THRESHOLD_PACE_S_PER_KM)
        )
        best = np.full(n_r, np.inf)
        np.fmin.at(best, ri[candidate], pace[candidate])
        thr = np.where(thr_est, np.where(np.isfinite(best), best, np.nan), thr)

    models = (
        _trimp(table, sex, hr_rest, hr_max),
        srpe_load(rpe=table.rpe, duration_s=table.duration_s),
        np.where(
            table.is_run,
            rtss(duration_s=table.duration_s, pace_s_per_km=pace, threshold_pace_s_per_km=thr[ri]),
            np.nan,
        ),
    )
    oks = [np.isfinite(m) for m in models]
    coverage = np.stack([np.bincount(ri, weights=ok, minlength=n_r) for ok in oks])
    chosen = np.where(coverage.max(axis=0) > 0, np.argmax(coverage, axis=0), -1)
    a_chosen = chosen[ri]
    first_ok = np.where(oks[0], 0, np.where(oks[1], 1, np.where(oks[2], 2, -1)))
    own_ok = ((a_chosen == 0) & oks[0]) | ((a_chosen == 1) & oks[1]) | ((a_chosen == 2) & oks[2])
    model_index = np.where(own_ok, a_chosen, first_ok).astype(np.int8)
    load = np.where(
        model_index == 0,
        models[0],
        np.where(model_index == 1, models[1], np.where(model_index == 2, models[2], 0.0)),
    )
    np.maximum(load, 0.0, out=load)
    return SessionLoads(
        load=load,
        model_index=model_index,
        chosen=chosen.astype(np.int64),
        hr_max_bpm=hr_max,
        rest_estimated=rest_est,
        max_source=max_source.astype(np.int64),
        sex=sex,
        threshold_estimated=thr_est,
        fallback=np.asarray(
            np.bincount(ri, weights=~own_ok & (model_index >= 0), minlength=n_r), dtype=np.float64
        ),
        unscored=np.asarray(
            np.bincount(ri, weights=model_index < 0, minlength=n_r), dtype=np.float64
        ),
    )


__all__ = ["MODELS", "SessionLoads", "session_loads"]
