"""What the plan generator reads: the training context (recorded and stated running), the
runner's preferences and the configurable rules (clinical reference §7.1, §7.4, §8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RunRecord:
    """A run that already happened (or is planned) on a calendar day, in metres."""

    on_date: dt.date
    distance_m: int


@dataclass(frozen=True, slots=True)
class StatedRunning:
    """What the runner told the intake about their running, as of the intake day.

    Used when the recorded history is missing or thin (``plan.training_base``); ``None``
    fields were not answered.
    """

    as_of_date: dt.date
    weekly_distance_m: int | None = None
    longest_run_m: int | None = None
    runs_per_week: int | None = None


@dataclass(frozen=True, slots=True)
class TrainingContext:
    """What the plan needs from the training history (the analytics ``LoadSummary`` later).

    ``weekly_distances_m`` are the most recent complete weeks, oldest first; ``recent_runs``
    are the runs of (at least) the last 30 days, used by the single-run guardrail.
    """

    weekly_distances_m: tuple[int, ...] = ()
    recent_runs: tuple[RunRecord, ...] = ()
    easy_pace_s_per_km: int = 390
    typical_run_s: int = 2400
    current_pain_nprs: int = 0
    months_running: int | None = None
    age_years: int | None = None
    shoe_distance_m: int | None = None
    stated: StatedRunning | None = None
    """The intake's stated running (weekly distance, longest recent run, runs a week)."""

    @property
    def last_week_m(self) -> int:
        """Distance of the most recent complete week (0 without history)."""
        return self.weekly_distances_m[-1] if self.weekly_distances_m else 0


@dataclass(frozen=True, slots=True)
class Preferences:
    """What the runner chooses: training weekdays (0 = Monday), time, equipment, goal race."""

    days_available: frozenset[int] = frozenset({0, 1, 2, 3, 4, 5, 6})
    minutes_per_session: int = 60
    long_run_minutes: int | None = None
    runs_per_week: int | None = None
    """Runs a week the runner chose; ``None``: the stated runs a week, else 4 [default]."""
    equipment: frozenset[str] = frozenset()
    goal_race_date: dt.date | None = None
    goal_race_distance_m: int | None = None
    clinic_visit_every_weeks: int | None = None


@dataclass(frozen=True, slots=True)
class PlanRules:
    """Configurable thresholds (clinical reference §7.1); every default is a backstride
    [default]."""

    cap_with_pain: float = 0.10
    cap_without_pain: float = 0.20
    cap_absolute: float = 0.30
    growth_with_pain: float = 0.05
    growth: float = 0.10
    single_run_factor_tenths: int = 11
    first_run_s: int = 1200
    deload_every: int = 4
    deload_factor: float = 0.75
    taper_factors: tuple[float, float] = (0.65, 0.45)
    regress_factor: float = 0.80
    long_run_share: float = 0.35
    long_run_share_novice: float = 0.30
    quality_share_max: float = 0.20
    """Most of a week's running distance at tempo: ~80 % of running easy (Seiler 2010,
    unverified; clinical reference §7.1)."""
    pain_during_max: int = 5
    """Highest acceptable pain during a session, 0-10 (Silbernagel et al. 2007: up to 5)."""
    pain_after_max: int = 5
    """Highest acceptable pain after a session, 0-10 (Silbernagel et al. 2007: up to 5)."""
    visits_max_per_12_weeks: int = 8
    """Most clinic visits in any 12 weeks: NICE CG88 (2009) allows up to 8 structured-exercise
    (9 manual-therapy) sessions over up to 12 weeks (clinical reference §7.4) [default 8]."""
    visit_start_min: int = 9 * 60
    """A clinic visit's default start, minutes after local midnight (09:00) [default]."""
    visit_duration_min: int = 30
    """A clinic visit's default length in minutes [default]."""


__all__ = ["PlanRules", "Preferences", "RunRecord", "StatedRunning", "TrainingContext"]
