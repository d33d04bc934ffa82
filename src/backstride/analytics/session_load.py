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

from backstride.analytics.inputs import ActivityTable, FloatArray, RunnerProfile
from backstride.analytics.load_models import (
    HR_REST_DEFAULT_BPM,
    banister_trimp,
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
    """Per-activity load and model, per-runner chosen model and warnings."""

    load: FloatArray
    model_index: np.ndarray  # index into _ORDER, -1 none
    runner_model: tuple[str, ...]
    runner_warnings: tuple[tuple[str, ...], ...]


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
    seen_max = np.full(n_r, np.nan)
    if len(table):
        np.fmax.at(seen_max, ri, table.max_hr_bpm)
    max_source = np.where(~np.isnan(hr_max), 0, np.where(~np.isnan(birth), 1, 2))
    hr_max = np.where(
        max_source == 0,
        hr_max,
        np.where(max_source == 1, hr_max_tanaka(age_years=today.year - birth), seen_max),
    )
    # Threshold pace: profile, else the fastest average pace of runs lasting 20-60 min.
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        pace = np.where(
            table.distance_m > 0, table.duration_s / (table.distance_m / 1000.0), np.nan
        )
    candidate = table.is_run & (table.duration_s >= 1200) & (table.duration_s <= 3600)
    best = np.full(n_r, np.inf)
    if len(table):
        np.fmin.at(best, ri, np.where(candidate, pace, np.inf))
    thr_est = np.isnan(thr)
    thr = np.where(thr_est, np.where(np.isfinite(best), best, np.nan), thr)

    a_sex = sex[ri] if len(table) else sex[:0]
    men = banister_trimp(
        duration_s=table.duration_s,
        hr_bpm=table.avg_hr_bpm,
        hr_rest_bpm=hr_rest[ri],
        hr_max_bpm=hr_max[ri],
        sex="male",
    )
    women = banister_trimp(
        duration_s=table.duration_s,
        hr_bpm=table.avg_hr_bpm,
        hr_rest_bpm=hr_rest[ri],
        hr_max_bpm=hr_max[ri],
        sex="female",
    )
    men = np.where(np.isnan(table.stream_trimp_male), men, table.stream_trimp_male)
    women = np.where(np.isnan(table.stream_trimp_female), women, table.stream_trimp_female)
    trimp = np.where(a_sex == 1, men, np.where(a_sex == 2, women, (men + women) / 2.0))
    candidates = np.stack(
        [
            trimp,
            srpe_load(rpe=table.rpe, duration_s=table.duration_s),
            np.where(
                table.is_run,
                rtss(
                    duration_s=table.duration_s, pace_s_per_km=pace, threshold_pace_s_per_km=thr[ri]
                ),
                np.nan,
            ),
        ]
    )
    ok = np.isfinite(candidates)
    coverage = np.zeros((len(_ORDER), n_r))
    for m in range(len(_ORDER)):
        coverage[m] = np.bincount(ri, weights=ok[m], minlength=n_r)
    chosen = np.argmax(coverage, axis=0)  # ties go to the earlier (preferred) model
    chosen = np.where(coverage.max(axis=0) > 0, chosen, -1)
    # Per activity: chosen model if it scores, else the first model that does.
    a_chosen = chosen[ri] if len(table) else chosen[:0]
    first_ok = np.where(ok.any(axis=0), np.argmax(ok, axis=0), -1)
    own_ok = np.take_along_axis(ok, np.clip(a_chosen, 0, None)[None, :], axis=0)[0]
    model_index = np.where((a_chosen >= 0) & own_ok, a_chosen, first_ok)
    load = np.take_along_axis(candidates, np.clip(model_index, 0, None)[None, :], axis=0)[0]
    load = np.where(model_index >= 0, np.maximum(load, 0.0), 0.0)
    fallback = np.bincount(
        ri, weights=(model_index != a_chosen) & (model_index >= 0), minlength=n_r
    )
    unscored = np.bincount(ri, weights=model_index < 0, minlength=n_r)

    runner_model: list[str] = []
    warnings: list[tuple[str, ...]] = []
    for r in range(n_r):  # per runner, not per day: a handful of strings each
        name = _ORDER[chosen[r]] if chosen[r] >= 0 else "none"
        runner_model.append(name)
        w: list[str] = []
        if name == "trimp":
            if rest_est[r]:
                w.append("resting heart rate not recorded: 60 bpm assumed (estimated)")
            if max_source[r] == 1:
                w.append(
                    f"maximum heart rate estimated as 208 - 0.7 x age = {hr_max[r]:.0f} bpm "
                    "(Tanaka 2001; estimated)"
                )
            elif max_source[r] == 2:
                w.append(
                    f"maximum heart rate taken from the highest recorded value "
                    f"({hr_max[r]:.0f} bpm; estimated)"
                )
            if sex[r] == 0:
                w.append(
                    "sex not recorded: TRIMP is the mean of the men's and women's constants "
                    "(women's about 12 % higher)"
                )
        if name == "rtss":
            w.append("rTSS uses average pace, not normalised graded pace (estimated)")
            if thr_est[r]:
                w.append("threshold pace not recorded: fastest 20-60 min run used (estimated)")
        if fallback[r]:
            w.append(f"{int(fallback[r])} sessions scored with another model (units differ)")
        if unscored[r]:
            w.append(f"{int(unscored[r])} sessions without heart rate, RPE or pace count as 0")
        warnings.append(tuple(w))
    return SessionLoads(
        load=load,
        model_index=model_index,
        runner_model=tuple(runner_model),
        runner_warnings=tuple(warnings),
    )


__all__ = ["MODELS", "SessionLoads", "session_loads"]
