"""Free slots and the write-time check of one slot: the same rules, two entry points.

``free_slots`` lists every start a booking of one appointment type could take; ``check_slot``
tells, for one start, why it cannot be booked (a coded error) or where it goes (clinician,
room, blocked range). Both read the same windows, busy ranges and room choice, so a listed
slot always passes the check and a start that passes the check is always listed (tested with
Hypothesis). The database's exclusion constraints / triggers have the last word on overlap.

A booking blocks ``[start - buffer_before, end + buffer_after)`` for its clinician, its room
and its runner; time off blocks its range for its clinician, its room or (neither) everyone.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from backstride.clinic.errors import SlotTaken
from backstride.clinic.model import (
    AppointmentType,
    Booking,
    ClinicRules,
    Hours,
    Room,
    Slot,
    TimeOff,
    VisitKind,
    Window,
)
from backstride.clinic.timegrid import (
    from_s,
    local_day,
    local_minute,
    to_s,
    to_s_ceil,
    wall_instants,
    window_bounds,
    zone,
)
from backstride.errors import Conflict, InvalidInput, NotFound

_ALL = "*"  # a window without a pinned room: every room that hosts the kind


@dataclass(slots=True)
class Busy:
    """Half-open busy ranges in POSIX seconds, sorted by start, with the running maximum of
    their ends: ``[a, b)`` meets one iff the last range starting before ``b`` - or any before
    it - ends after ``a``. Scalar and vectorised (numpy) tests share the arrays."""

    starts: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    ends: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    reach: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))

    @classmethod
    def of(cls, ranges: Iterable[tuple[int, int]]) -> Busy:
        """The ranges (empty ones dropped), in start order."""
        pairs = np.array([r for r in ranges if r[1] > r[0]], dtype=np.int64).reshape(-1, 2)
        return cls.of_arrays(pairs[:, 0], pairs[:, 1])

    @classmethod
    def of_arrays(cls, starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]) -> Busy:
        """Ranges given as two arrays (non-empty ranges)."""
        order = np.argsort(starts, kind="stable")
        starts, ends = starts[order], ends[order]
        return cls(starts, ends, np.maximum.accumulate(ends) if ends.size else ends)

    def overlaps(self, a: int, b: int) -> bool:
        """Whether ``[a, b)`` meets any busy range."""
        i = int(np.searchsorted(self.starts, b, side="left")) - 1
        return i >= 0 and int(self.reach[i]) > a

    def overlaps_many(
        self, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.bool_]:
        """:meth:`overlaps` for arrays of ranges at once."""
        if not self.starts.size:
            return np.zeros(a.shape, dtype=bool)
        i = np.searchsorted(self.starts, b, side="left") - 1
        return (i >= 0) & (self.reach[np.maximum(i, 0)] > a)

    def pairs(self) -> list[tuple[int, int]]:
        """The ranges as (start, end) pairs."""
        return list(zip(self.starts.tolist(), self.ends.tolist(), strict=True))


def _off_range(t: TimeOff) -> tuple[int, int]:
    return to_s(t.start_at), to_s_ceil(t.end_at)


@dataclass(slots=True)
class _Index:
    """Busy ranges by clinician, room and runner, time off apart from bookings."""

    booked_by_clinician: dict[str, Busy]
    booked_by_room: dict[str, Busy]
    runner: Busy
    off_by_clinician: dict[str, Busy]
    off_by_room: dict[str, Busy]
    off_everyone: Busy
    _both_clinician: dict[str, Busy] = field(default_factory=dict)
    _both_room: dict[str, Busy] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        rules: ClinicRules,
        bookings: Sequence[Booking],
        *,
        runner_id: str | None,
        ignore_booking_id: str | None,
    ) -> _Index:
        kept = [b for b in bookings if b.id != ignore_booking_id]
        n = len(kept)
        bs = np.fromiter(
            (math.floor(b.blocked_start_at.timestamp()) for b in kept), np.int64, count=n
        )
        be = np.fromiter((math.ceil(b.blocked_end_at.timestamp()) for b in kept), np.int64, count=n)
        by_c: dict[str, list[int]] = {}
        by_r: dict[str, list[int]] = {}
        runner: list[int] = []
        for i, b in enumerate(kept):
            by_c.setdefault(b.clinician_id, []).append(i)
            if b.room_id is not None:
                by_r.setdefault(b.room_id, []).append(i)
            if runner_id is not None and b.runner_id == runner_id:
                runner.append(i)
        off_c: dict[str, list[tuple[int, int]]] = {}
        off_r: dict[str, list[tuple[int, int]]] = {}
        off_all: list[tuple[int, int]] = []
        for t in rules.time_off:
            rng = _off_range(t)
            if t.clinician_id is not None:
                off_c.setdefault(t.clinician_id, []).append(rng)
            if t.room_id is not None:
                off_r.setdefault(t.room_id, []).append(rng)
            if t.clinician_id is None and t.room_id is None:
                off_all.append(rng)
        return cls(
            booked_by_clinician={k: Busy.of_arrays(bs[v], be[v]) for k, v in by_c.items()},
            booked_by_room={k: Busy.of_arrays(bs[v], be[v]) for k, v in by_r.items()},
            runner=Busy.of_arrays(bs[runner], be[runner]),
            off_by_clinician={k: Busy.of(v + off_all) for k, v in off_c.items()},
            off_by_room={k: Busy.of(v + off_all) for k, v in off_r.items()},
            off_everyone=Busy.of(off_all),
        )

    def booked_clinician(self, cid: str) -> Busy:
        return self.booked_by_clinician.get(cid) or _EMPTY

    def booked_room(self, rid: str) -> Busy:
        return self.booked_by_room.get(rid) or _EMPTY

    def off_clinician(self, cid: str) -> Busy:
        return self.off_by_clinician.get(cid) or self.off_everyone

    def off_room(self, rid: str) -> Busy:
        return self.off_by_room.get(rid) or self.off_everyone

    def clinician(self, cid: str) -> Busy:
        """Bookings and time off together (the fast path of ``free_slots``)."""
        found = self._both_clinician.get(cid)
        if found is None:
            found = self._both_clinician[cid] = _merge(
                self.booked_clinician(cid), self.off_clinician(cid)
            )
        return found

    def room(self, rid: str) -> Busy:
        """A room's bookings and time off together."""
        found = self._both_room.get(rid)
        if found is None:
            found = self._both_room[rid] = _merge(self.booked_room(rid), self.off_room(rid))
        return found


_EMPTY = Busy()


def _merge(a: Busy, b: Busy) -> Busy:
    if not b.starts.size:
        return a
    if not a.starts.size:
        return b
    return Busy.of([*a.pairs(), *b.pairs()])


def room_order(rules: ClinicRules, kind: VisitKind) -> list[Room]:
    """Active rooms that host ``kind``, by name then id (the order rooms are chosen in)."""
    return sorted((r for r in rules.rooms if r.hosts(kind)), key=lambda r: (r.name, r.id))


def _has_rooms(rules: ClinicRules) -> bool:
    return any(r.active for r in rules.rooms)


@dataclass(slots=True)
class _Hours:
    """One clinician's hours: weekly by weekday, and date exceptions that replace them."""

    weekly: dict[int, list[Hours]]
    dated: dict[dt.date, list[Hours]]

    @classmethod
    def of(cls, hours: Iterable[Hours], clinician_id: str) -> _Hours:
        weekly: dict[int, list[Hours]] = {}
        dated: dict[dt.date, list[Hours]] = {}
        for h in sorted(hours, key=lambda h: (h.start_min, h.end_min, h.id)):
            if h.clinician_id != clinician_id or h.end_min <= h.start_min:
                continue
            if h.on_date is not None:
                dated.setdefault(h.on_date, []).append(h)
            elif h.weekday is not None:
                weekly.setdefault(h.weekday, []).append(h)
        return cls(weekly, dated)

    def on(self, day: dt.date) -> list[Hours]:
        found = self.dated.get(day)
        return found if found is not None else self.weekly.get(day.weekday(), [])


def blocked_range(t: AppointmentType, start_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The range a visit of type ``t`` starting at ``start_at`` holds, buffers included."""
    return (
        start_at - dt.timedelta(minutes=t.buffer_before_min),
        start_at + dt.timedelta(minutes=t.duration_min + t.buffer_after_min),
    )


def _slot(t: AppointmentType, s: int, clinician_id: str, room_id: str | None) -> Slot:
    start = from_s(s)
    dur = dt.timedelta(minutes=t.duration_min)
    return Slot(
        start_at=start,
        clinician_id=clinician_id,
        room_id=room_id,
        end_at=start + dur,
        blocked_start_at=start - dt.timedelta(minutes=t.buffer_before_min),
        blocked_end_at=start + dur + dt.timedelta(minutes=t.buffer_after_min),
    )


def _require_aware(value: dt.datetime, path: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(
            f"{path} has no time zone; send an ISO 8601 time with an offset (Z or +01:00)",
            code="booking.naive_datetime",
            problems=[{"path": path, "msg": "a time with a UTC offset"}],
        )


def _candidates(allowed: set[str], hosting: list[Room], has_rooms: bool) -> Sequence[Room | None]:
    if not has_rooms:
        return (None,)
    if _ALL in allowed:
        return hosting
    return [r for r in hosting if r.id in allowed]


def free_slots(
    rules: ClinicRules,
    bookings: Sequence[Booking],
    appointment_type: AppointmentType,
    window: Window,
    *,
    now: dt.datetime,
    clinician_id: str | None = None,
    runner_id: str | None = None,
    ignore_booking_id: str | None = None,
    staff: bool = False,
    limit: int | None = None,
) -> tuple[Slot, ...]:
    """Every free start for ``appointment_type`` in ``window``, by start, clinician, room.

    A start is free when it lies on the clinic's local slot grid, inside ``window``, at least
    the minimum notice after ``now`` and at most the horizon ahead (``staff``: only not in the
    past), the visit fits inside one of the clinician's windows for that local date, and the
    blocked range meets no booking or time off of the clinician, of some room that hosts the
    kind (the first such room, by name), or of ``runner_id``. ``ignore_booking_id`` leaves one
    booking out (rescheduling it). ``bookings`` are the non-cancelled appointments around the
    window (of the clinic's clinicians and rooms and of the runner).
    """
    _require_aware(now, "now")
    _require_aware(window.start_at, "from")
    _require_aware(window.end_at, "to")
    t = appointment_type
    if not t.active:
        return ()
    policy = rules.policy
    tz = zone(policy.timezone)
    earliest = now if staff else now + dt.timedelta(minutes=policy.min_notice_min)
    lo = max(to_s_ceil(window.start_at), to_s_ceil(earliest))
    hi = to_s_ceil(window.end_at)
    if not staff:
        hi = min(hi, to_s(now + dt.timedelta(days=policy.horizon_days)) + 1)
    if lo >= hi:
        return ()
    has_rooms = _has_rooms(rules)
    hosting = room_order(rules, t.visit_kind)
    if has_rooms and not hosting:
        return ()
    idx = _Index.build(rules, bookings, runner_id=runner_id, ignore_booking_id=ignore_booking_id)
    dur, before, after = t.duration_min * 60, t.buffer_before_min * 60, t.buffer_after_min * 60
    step = policy.slot_step_min
    first = (from_s(lo) - dt.timedelta(days=1)).astimezone(tz).date()
    last = (from_s(hi) + dt.timedelta(days=1)).astimezone(tz).date()
    days = [local_day(tz, first + dt.timedelta(days=i)) for i in range((last - first).days + 1)]
    runner_busy = idx.runner
    has = has_rooms
    pins = {r.id: k + 1 for k, r in enumerate(hosting)}  # 0: any hosting room
    clinicians = sorted(
        (c for c in rules.clinicians if clinician_id is None or c.id == clinician_id),
        key=lambda c: c.id,
    )
    found: list[tuple[int, str, str | None]] = []
    room_busy = [idx.room(r.id) for r in hosting]
    for c in clinicians:
        hours = _Hours.of(rules.hours, c.id)
        starts: list[npt.NDArray[np.int64]] = []
        pin_of: list[npt.NDArray[np.int64]] = []
        for day in days:
            for h in hours.on(day.date):
                if not h.offers(t.visit_kind):
                    continue
                if has and h.room_id is not None and h.room_id not in pins:
                    continue  # pinned to a room that does not host this kind
                a0, a1 = window_bounds(tz, day, h.start_min, h.end_min)
                first_m = -(-h.start_min // step) * step
                if day.offset_s is not None:  # the usual day: one offset, plain arithmetic
                    base = day.naive_midnight_s - day.offset_s
                    cand = np.arange(
                        base + first_m * 60, base + h.end_min * 60, step * 60, dtype=np.int64
                    )
                else:
                    cand = np.array(
                        [
                            s
                            for m in range(first_m, h.end_min, step)
                            for s in wall_instants(tz, day, m)
                        ],
                        dtype=np.int64,
                    )
                cand = cand[(cand >= max(lo, a0)) & (cand < hi) & (cand + dur <= a1)]
                if cand.size:
                    starts.append(cand)
                    pin_of.append(np.full(cand.size, pins.get(h.room_id or "", 0), dtype=np.int64))
        if not starts:
            continue
        s_all = np.concatenate(starts)
        p_all = np.concatenate(pin_of)
        a_all, b_all = s_all - before, s_all + dur + after
        keep = ~idx.clinician(c.id).overlaps_many(a_all, b_all)
        keep &= ~runner_busy.overlaps_many(a_all, b_all)
        s_all, p_all, a_all, b_all = s_all[keep], p_all[keep], a_all[keep], b_all[keep]
        if not s_all.size:
            continue
        uniq, inverse = np.unique(s_all, return_inverse=True)
        ua, ub = uniq - before, uniq + dur + after
        if not has:
            found.extend((int(x), c.id, None) for x in uniq)
            continue
        chosen = np.full(uniq.size, -1, dtype=np.int64)
        for k, busy in enumerate(room_busy):
            allowed = np.zeros(uniq.size, dtype=bool)
            np.logical_or.at(allowed, inverse, (p_all == 0) | (p_all == k + 1))
            free = allowed & (chosen < 0) & ~busy.overlaps_many(ua, ub)
            chosen[free] = k
        for x, k in zip(uniq.tolist(), chosen.tolist(), strict=True):
            if k >= 0:
                found.append((x, c.id, hosting[k].id))
    found.sort(key=lambda f: (f[0], f[1]))
    if limit is not None:
        found = found[:limit]
    out = [_slot(t, s, cid, room) for s, cid, room in found]
    return tuple(out)


def _containing(
    rules: ClinicRules, t: AppointmentType, clinician_id: str, s: int, tz: ZoneInfo
) -> set[str]:
    """Rooms allowed by the clinician's windows that contain the visit at ``s`` (``*``: any);
    empty when no window contains it."""
    local_date, minute, _extra = local_minute(tz, from_s(s))
    day = local_day(tz, local_date)
    allowed: set[str] = set()
    for h in _Hours.of(rules.hours, clinician_id).on(local_date):
        if not h.offers(t.visit_kind) or not h.start_min <= minute < h.end_min:
            continue
        a0, a1 = window_bounds(tz, day, h.start_min, h.end_min)
        if a0 <= s and s + t.duration_min * 60 <= a1:
            allowed.add(h.room_id or _ALL)
    return allowed


def check_slot(
    rules: ClinicRules,
    bookings: Sequence[Booking],
    appointment_type: AppointmentType,
    *,
    clinician_id: str,
    start_at: dt.datetime,
    now: dt.datetime,
    room_id: str | None = None,
    runner_id: str | None = None,
    ignore_booking_id: str | None = None,
    staff: bool = False,
    override_availability: bool = False,
) -> Slot:
    """Where a visit of ``appointment_type`` at ``start_at`` goes, or the coded reason it can't.

    The checks of ``free_slots`` for one start, in this order, the first failure raised:
    ``booking.naive_datetime``, ``appointment_type.not_found`` (inactive), ``clinician.not_found``,
    ``room.not_found``, ``booking.in_past``, ``booking.off_grid``, ``booking.inside_notice``,
    ``booking.beyond_horizon`` (not for ``staff``), ``booking.no_room``,
    ``booking.room_unsuitable``, ``booking.outside_availability`` (hours or time off; skipped
    with ``override_availability``), then overlap: ``booking.slot_taken`` (clinician or every
    suitable room busy) and ``booking.runner_busy`` (the runner has another visit then).
    Overlap is never overridden.
    """
    _require_aware(start_at, "start_at")
    _require_aware(now, "now")
    t = appointment_type
    policy = rules.policy
    tz = zone(policy.timezone)
    if not t.active:
        raise NotFound(
            "this appointment type is no longer offered", code="appointment_type.not_found"
        )
    if rules.clinician_by_id(clinician_id) is None:
        raise NotFound("no such clinician at this clinic", code="clinician.not_found")
    given_room = None
    if room_id is not None:
        given_room = rules.room_by_id(room_id)
        if given_room is None or not given_room.active:
            raise NotFound("no such room at this clinic", code="room.not_found")
    if start_at < now:
        raise InvalidInput(
            "this time is in the past",
            code="booking.in_past",
            problems=[{"path": "start_at", "msg": "in the past"}],
        )
    _date, minute, extra = local_minute(tz, start_at)
    if extra or minute % policy.slot_step_min:
        raise InvalidInput(
            f"appointments start every {policy.slot_step_min} minutes "
            f"({policy.timezone} time); this start is off that grid",
            code="booking.off_grid",
            problems=[{"path": "start_at", "msg": f"a multiple of {policy.slot_step_min} min"}],
        )
    if not staff:
        if start_at < now + dt.timedelta(minutes=policy.min_notice_min):
            raise InvalidInput(
                f"book at least {_span(policy.min_notice_min)} ahead",
                code="booking.inside_notice",
                problems=[{"path": "start_at", "msg": "inside the minimum notice"}],
            )
        if start_at > now + dt.timedelta(days=policy.horizon_days):
            raise InvalidInput(
                f"bookings open {policy.horizon_days} days ahead",
                code="booking.beyond_horizon",
                problems=[{"path": "start_at", "msg": "beyond the booking horizon"}],
            )
    has_rooms = _has_rooms(rules)
    hosting = room_order(rules, t.visit_kind)
    if has_rooms and not hosting:
        raise InvalidInput(
            f"no room at this clinic hosts a {t.visit_kind.value.replace('_', ' ')}",
            code="booking.no_room",
        )
    if given_room is not None and given_room not in hosting:
        raise InvalidInput(
            f"{given_room.name} does not host a {t.visit_kind.value.replace('_', ' ')}",
            code="booking.room_unsuitable",
            problems=[{"path": "room_id", "msg": "does not host this visit kind"}],
        )
    s = to_s(start_at)
    dur = t.duration_min * 60
    a, b = s - t.buffer_before_min * 60, s + dur + t.buffer_after_min * 60
    idx = _Index.build(rules, bookings, runner_id=runner_id, ignore_booking_id=ignore_booking_id)
    if override_availability:
        allowed: set[str] = {_ALL}
    else:
        allowed = _containing(rules, t, clinician_id, s, tz)
        if not allowed:
            raise InvalidInput(
                "the clinician does not offer this visit at this time",
                code="booking.outside_availability",
                problems=[{"path": "start_at", "msg": "outside the clinician's hours"}],
            )
        if idx.off_clinician(clinician_id).overlaps(a, b):
            raise InvalidInput(
                "the clinician is away at this time",
                code="booking.outside_availability",
                problems=[{"path": "start_at", "msg": "during time off"}],
            )
    if idx.booked_clinician(clinician_id).overlaps(a, b):
        raise SlotTaken("this time has just been taken", code="booking.slot_taken")
    if idx.runner.overlaps(a, b):
        raise Conflict("you already have an appointment at this time", code="booking.runner_busy")
    candidates: Sequence[Room | None] = _candidates(allowed, hosting, has_rooms)
    if given_room is not None:
        if given_room.id not in {r.id for r in candidates if r is not None}:
            raise InvalidInput(
                "the clinician's hours at this time are in another room",
                code="booking.outside_availability",
                problems=[{"path": "room_id", "msg": "not this clinician's room at this time"}],
            )
        candidates = [given_room]
    if not override_availability:
        free_of_off = [r for r in candidates if r is None or not idx.off_room(r.id).overlaps(a, b)]
        if not free_of_off:
            raise InvalidInput(
                "no suitable room is open at this time",
                code="booking.outside_availability",
                problems=[{"path": "start_at", "msg": "room closed"}],
            )
        candidates = free_of_off
    for room in candidates:
        if room is None or not idx.booked_room(room.id).overlaps(a, b):
            return _slot(t, s, clinician_id, None if room is None else room.id)
    raise SlotTaken("every suitable room is taken at this time", code="booking.slot_taken")


def _span(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"


def window_days(start: dt.date, days: int, tz_name: str) -> Window:
    """``days`` local days from local midnight of ``start`` in ``tz_name``, as a UTC window."""
    tz = zone(tz_name)
    first = dt.datetime.combine(start, dt.time(), tzinfo=tz).astimezone(dt.UTC)
    last = dt.datetime.combine(start + dt.timedelta(days=days), dt.time(), tzinfo=tz)
    return Window(first, last.astimezone(dt.UTC))


def ceil_to_minute(value: dt.datetime) -> dt.datetime:
    """``value`` rounded up to the whole minute."""
    floor = value.replace(second=0, microsecond=0)
    return floor if floor == value else floor + dt.timedelta(minutes=1)


__all__ = [
    "Busy",
    "blocked_range",
    "ceil_to_minute",
    "check_slot",
    "free_slots",
    "room_order",
    "window_days",
]
