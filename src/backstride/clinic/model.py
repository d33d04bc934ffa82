"""The clinic's scheduling data: appointment types, clinicians, rooms, hours, time off, policy.

Frozen dataclasses only (a pure stage: no I/O, no clock). Instants are tz-aware UTC
(``*_at``); weekly hours are wall-clock minutes after local midnight in the clinic's IANA
zone (``start_min``/``end_min``), so "Tuesday 09:00-12:00" stays 09:00 local across DST.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class VisitKind(StrEnum):
    """What happens in the visit (decides which rooms can host it and what triage allows)."""

    INITIAL_ASSESSMENT = "initial_assessment"
    RE_ASSESSMENT = "re_assessment"
    ADJUSTMENT = "adjustment"
    """Adjustment / manual therapy: one option beside exercise, never on its own (clinical
    reference §9; NICE NG59)."""
    SOFT_TISSUE = "soft_tissue"
    EXERCISE_REVIEW = "exercise_review"
    GAIT_ANALYSIS = "gait_analysis"


class Audience(StrEnum):
    """Who may have this type: any runner, only new ones, or only returning ones."""

    ANY = "any"
    NEW = "new"
    RETURNING = "returning"


class Status(StrEnum):
    """An appointment's life: booked, then cancelled, attended or no-show."""

    BOOKED = "booked"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


@dataclass(frozen=True, slots=True)
class AppointmentType:
    """A bookable service: how long, the buffers around it, for whom, booked by whom."""

    id: str
    name: str
    visit_kind: VisitKind
    duration_min: int
    buffer_before_min: int = 0
    buffer_after_min: int = 0
    audience: Audience = Audience.ANY
    online: bool = True
    """Runners may book it themselves; ``False``: staff only (front desk, clinician)."""
    active: bool = True

    @property
    def duration(self) -> dt.timedelta:
        """The visit itself."""
        return dt.timedelta(minutes=self.duration_min)


@dataclass(frozen=True, slots=True)
class Clinician:
    """A clinician who takes appointments at the clinic (their account id and name)."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Room:
    """A treatment room and the visit kinds it can host (empty: every kind)."""

    id: str
    name: str
    visit_kinds: frozenset[VisitKind] = frozenset()
    active: bool = True

    def hosts(self, kind: VisitKind) -> bool:
        """Whether a visit of ``kind`` can take place here."""
        return self.active and (not self.visit_kinds or kind in self.visit_kinds)


@dataclass(frozen=True, slots=True)
class Hours:
    """A clinician's working window in local wall-clock minutes (``start_min`` < ``end_min``).

    Weekly when ``weekday`` is set (0 = Monday); a one-date exception when ``on_date`` is
    set: any exception on a date replaces that date's weekly hours for the clinician. A
    window may pin a room and limit the visit kinds it offers (empty: every kind).
    """

    id: str
    clinician_id: str
    start_min: int
    end_min: int
    weekday: int | None = None
    on_date: dt.date | None = None
    room_id: str | None = None
    visit_kinds: frozenset[VisitKind] = frozenset()

    def offers(self, kind: VisitKind) -> bool:
        """Whether this window offers ``kind``."""
        return not self.visit_kinds or kind in self.visit_kinds


@dataclass(frozen=True, slots=True)
class TimeOff:
    """Time nobody can book: a clinician's (``clinician_id``), a room's (``room_id``) or the
    whole clinic's (neither)."""

    id: str
    start_at: dt.datetime
    end_at: dt.datetime
    clinician_id: str | None = None
    room_id: str | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Policy:
    """The clinic's booking policy. Every number is a backstride [default] a clinic changes."""

    timezone: str = "Europe/London"
    slot_step_min: int = 15
    """Appointments start on this grid of local wall-clock minutes after midnight."""
    horizon_days: int = 60
    """Runners book at most this far ahead."""
    min_notice_min: int = 120
    """Runners book at least this long before the start."""
    cancel_window_min: int = 24 * 60
    """Runners cancel or move an appointment at least this long before its start."""
    triage_window_days: int = 14
    """A ``clinician`` disposition books an initial assessment within this many days
    (clinical reference §1.3: within 1-2 weeks [default])."""
    reminder_offsets_min: tuple[int, ...] = (24 * 60, 120)
    """Reminders go this long before the start (24 h and 2 h [default])."""


@dataclass(frozen=True, slots=True)
class ClinicRules:
    """Everything that decides where an appointment may go, for one clinic."""

    policy: Policy
    types: tuple[AppointmentType, ...] = ()
    clinicians: tuple[Clinician, ...] = ()
    rooms: tuple[Room, ...] = ()
    hours: tuple[Hours, ...] = ()
    time_off: tuple[TimeOff, ...] = ()

    def type_by_id(self, type_id: str) -> AppointmentType | None:
        """The appointment type with this id."""
        return next((t for t in self.types if t.id == type_id), None)

    def clinician_by_id(self, clinician_id: str) -> Clinician | None:
        """The clinician with this id."""
        return next((c for c in self.clinicians if c.id == clinician_id), None)

    def room_by_id(self, room_id: str) -> Room | None:
        """The room with this id."""
        return next((r for r in self.rooms if r.id == room_id), None)


@dataclass(frozen=True, slots=True)
class Booking:
    """An appointment that holds time (any status but cancelled), as the rules see it.

    ``blocked_*`` is the visit plus its buffers: the range no other booking of the same
    clinician, room or runner may overlap (half-open ``[start, end)``).
    """

    id: str
    clinician_id: str
    runner_id: str
    start_at: dt.datetime
    end_at: dt.datetime
    blocked_start_at: dt.datetime
    blocked_end_at: dt.datetime
    room_id: str | None = None


@dataclass(frozen=True, slots=True, order=True)
class Slot:
    """A free start: the visit ``[start_at, end_at)`` with a clinician in a room.

    Ordered by start, then clinician id, then room id (the order ``free_slots`` returns).
    """

    start_at: dt.datetime
    clinician_id: str
    room_id: str | None
    end_at: dt.datetime = field(compare=False)
    blocked_start_at: dt.datetime = field(compare=False)
    blocked_end_at: dt.datetime = field(compare=False)


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open UTC range ``[start_at, end_at)`` to look for slots in."""

    start_at: dt.datetime
    end_at: dt.datetime


__all__ = [
    "AppointmentType",
    "Audience",
    "Booking",
    "ClinicRules",
    "Clinician",
    "Hours",
    "Policy",
    "Room",
    "Slot",
    "Status",
    "TimeOff",
    "VisitKind",
    "Window",
]
