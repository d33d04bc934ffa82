"""The plan's frozen data: the plan document (weeks -> days -> sessions, decisions, the
progression state, ladders, escalations); the generator's inputs live in ``inputs.py`` and
are re-exported here.

Every decision carries a stable reason code and text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import ConfigDict, PlainSerializer, with_config

from backstride.plan.inputs import PlanRules, Preferences, RunRecord, StatedRunning, TrainingContext

_DOCUMENT = ConfigDict(extra="forbid")
"""Plan document types refuse unknown fields when parsed (a clinician's edited document with
a misspelt field is an error naming its path, never a silently dropped value)."""

SortedSet = Annotated[frozenset[str], PlainSerializer(sorted, return_type=list[str])]
"""A set written as a sorted list: the same plan gives the same document in every process
(a frozenset's order follows string hashing, which differs between processes)."""

SESSION_KINDS = (
    "run",
    "strength",
    "mobility",
    "cross_training",
    "relaxation",
    "rest",
    "clinic_visit",
)
REST_DAY_KINDS = frozenset({"rest", "clinic_visit", "relaxation"})
"""A day with only these sessions is a full rest day."""
HARD_INTENSITIES = frozenset({"long", "tempo", "race"})


@with_config(_DOCUMENT)
@dataclass(frozen=True, slots=True)
class Decision:
    """One reasoned decision: stable dotted ``code`` and a plain-language ``text``."""

    code: str
    text: str


@with_config(_DOCUMENT)
@dataclass(frozen=True, slots=True)
class Dose:
    """One exercise in a session with its dosage (``reps`` or ``hold_s`` or both)."""

    id: str
    name: str
    sets: int | None = None
    reps: int | None = None
    hold_s: int | None = None
    load_kg: float | None = None
    rpe: int | None = None
    minutes: int | None = None
    reps_scheme: tuple[int, ...] = ()
    """Reps set by set when they differ (McGill reverse pyramid 5-3-1); ``reps`` is the first."""
    step: int | None = None
    """Position on its progression ladder (1 = easiest), for strength exercises."""
    of_steps: int | None = None
    """Number of steps on that ladder."""


@with_config(_DOCUMENT)
@dataclass(frozen=True, slots=True)
class Session:
    """One planned session. ``key`` is stable across versions (date, kind, slot)."""

    key: str
    date: dt.date
    kind: str
    title: str
    intensity: str = "easy"
    distance_m: int | None = None
    duration_s: int | None = None
    run_s: int | None = None
    warm_up: tuple[Dose, ...] = ()
    cool_down: tuple[Dose, ...] = ()
    exercises: tuple[Dose, ...] = ()
    regions: SortedSet = frozenset()
    rtr_stage: int | None = None
    reasons: tuple[Decision, ...] = ()
    revision: int = 0
    start_min: int | None = None
    """Set start, minutes after local midnight (clinic visits); ``None``: any time that day."""

    @property
    def hard(self) -> bool:
        """A long or quality run (for the hard/easy alternation)."""
        return self.kind == "run" and self.intensity in HARD_INTENSITIES

    def summary(self) -> str:
        """A short title with no health details (calendar-safe)."""
        return self.title


@with_config(_DOCUMENT)
@dataclass(frozen=True, slots=True)
class Day:
    """One calendar day of the plan."""

    date: dt.date
    sessions: tuple[Session, ...]

    @property
    def is_rest(self) -> bool:
        """No training on this day (rest, a clinic visit, a few minutes of relaxation)."""
        return all(s.kind in REST_DAY_KINDS for s in self.sessions)


@with_config(_DOCUMENT)
@dataclass(frozen=True, slots=True)
class Week:
    """One plan week (Monday start): its phase, target running distance and days."""

    index: int
    start_date: dt.date
    phase: str
    target_distance_m: int
    days: tuple[Day, ...]
    reasons: tuple[Decision, ...] = ()


@with_config(_DOCUMENT)
@dataclass(frozen=True, slots=True)
class ProgressionState:
    """Where the runner stands: ladder steps, loads, 2-for-2 counters, return-to-run stage."""

    ladder_steps: dict[str, str] = field(default_factory=dict)
    loads_kg: dict[str, float] = field(default_factory=dict)
    good_sessions: dict[str, int] = field(default_factory=dict)
    reps_bonus: dict[str, int] = field(default_factory=dict)
    beat_target: dict[str, int] = field(default_factory=dict)
    """Consecutive logged sessions per loaded exercise that beat the target reps (2-for-2)."""
    rtr_stage: int | None = None
    rtr_good_sessions: int = 0
    rtr_regressed_at: int | None = None
    rtr_stopped_on: dt.date | None = None
    """Running stopped for bone pain (R4, or bone pain outside the stages) on this day; running
    resumes only with a clinician clearance recorded after it (clinical reference §2.6, §1.4)."""
    rtr_stage7_since: dt.date | None = None
    """Start of the current pain-free spell at return-to-run stage 7 (clinical reference §2.6: no
    speed work or hills until 2 weeks pain-free at stage 7)."""
    deload_every: int | None = None
    volume_factor: float = 1.0
    hold_weeks: int = 0
    adapted_through: dt.date | None = None
    last_ladder_step: dt.date | None = None


@with_config(_DOCUMENT)
@dataclass(frozen=True, slots=True)
class LadderStep:
    """One step of a progression ladder: when the plan first schedules it, and what it
    needs that the runner lacks (equipment) or that a flag rules out."""

    id: str
    name: str
    first_planned: dt.date | None = None
    needs: tuple[str, ...] = ()


@with_config(_DOCUMENT)
@dataclass(frozen=True, slots=True)
class Ladder:
    """A progression ladder of the strength sessions and where the runner is on it:
    ``current`` is the step reached so far (from the logs), the steps' ``first_planned``
    dates are the plan's schedule if the coming sessions stay pain-acceptable."""

    key: str
    name: str
    current: str
    steps: tuple[LadderStep, ...]

    @property
    def current_index(self) -> int:
        """0-based position of ``current`` on the ladder."""
        return next(i for i, s in enumerate(self.steps) if s.id == self.current)


@with_config(_DOCUMENT)
@dataclass(frozen=True, slots=True)
class Cancelled:
    """A session removed in a later version (kept so calendars can cancel it)."""

    key: str
    date: dt.date
    title: str
    revision: int


@with_config(_DOCUMENT)
@dataclass(frozen=True, slots=True)
class Plan:
    """The whole plan (one version). ``status`` is ``active`` or ``blocked``."""

    plan_id: str
    version: int
    status: str
    start_date: dt.date
    weeks: tuple[Week, ...]
    decisions: tuple[Decision, ...]
    do_now: tuple[str, ...] = ()
    footwear: tuple[str, ...] = ()
    state: ProgressionState = field(default_factory=ProgressionState)
    cancelled: tuple[Cancelled, ...] = ()
    flags: SortedSet = frozenset()
    blocked_reason: str | None = None
    ladders: tuple[Ladder, ...] = ()
    """The strength ladders, where the runner is on each and when the plan steps up."""
    escalations: tuple[Decision, ...] = ()
    """Why the runner should contact the clinic now (worsening pain, bone pain); empty when
    nothing calls for it (``plan.escalation``)."""

    def sessions(self) -> tuple[Session, ...]:
        """Every session in date order."""
        return tuple(s for w in self.weeks for d in w.days for s in d.sessions)


__all__ = [
    "HARD_INTENSITIES",
    "REST_DAY_KINDS",
    "SESSION_KINDS",
    "Cancelled",
    "Day",
    "Decision",
    "Dose",
    "Ladder",
    "LadderStep",
    "Plan",
    "PlanRules",
    "Preferences",
    "ProgressionState",
    "RunRecord",
    "Session",
    "StatedRunning",
    "TrainingContext",
    "Week",
]
