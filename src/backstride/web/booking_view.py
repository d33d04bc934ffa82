"""How the booking pages show times and slots: in the clinic's time zone, said as such.

Presentation only: the slots, the rules and every check come from ``services.booking``; this
module groups what a service returned by the clinic's local day, words a time as people read it
("Tue 8 Dec, 09:30 (London time)") and works out which week a page shows.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from backstride.clinic.model import Slot
from backstride.services.booking import AppointmentView, SlotView

KIND_WORDS = {
    "initial_assessment": "A first examination: your history, how your back moves, what to do "
    "next and whether you need anything else.",
    "re_assessment": "A check of how things changed since your last assessment, and the next "
    "steps.",
    "exercise_review": "Your exercises checked and progressed, with what to change.",
    "adjustment": "Hands-on treatment (manual therapy) with advice.",
    "soft_tissue": "Massage and soft-tissue work with advice.",
    "gait_analysis": "Your running filmed and analysed, with cues to try.",
}
STATUS_WORDS = {
    "booked": "Booked",
    "cancelled": "Cancelled",
    "attended": "Attended",
    "no_show": "Missed",
}


def zone_label(timezone: str) -> str:
    """``Europe/London`` -> ``London time``; ``UTC`` -> ``UTC``."""
    if "/" not in timezone:
        return timezone
    return timezone.rsplit("/", 1)[1].replace("_", " ") + " time"


def local(instant: dt.datetime, timezone: str) -> dt.datetime:
    """The instant on the clinic's wall clock."""
    return instant.astimezone(ZoneInfo(timezone))


def day_words(value: dt.date) -> str:
    """``Tue 8 Dec``."""
    return f"{value:%a} {value.day} {value:%b}"


def long_day(value: dt.date) -> str:
    """``Monday 30 Nov``."""
    return f"{value:%A} {value.day} {value:%b}"


def clock(instant: dt.datetime, timezone: str) -> str:
    """``09:30`` on the clinic's clock."""
    return f"{local(instant, timezone):%H:%M}"


def when(instant: dt.datetime, timezone: str) -> str:
    """``Tue 8 Dec, 09:30 (London time)``."""
    at = local(instant, timezone)
    return f"{day_words(at.date())}, {at:%H:%M} ({zone_label(timezone)})"


def span(start: dt.datetime, end: dt.datetime, timezone: str) -> str:
    """``Fri 4 Dec, 10:30–11:00 (London time)``."""
    at = local(start, timezone)
    return f"{day_words(at.date())}, {at:%H:%M}–{clock(end, timezone)} ({zone_label(timezone)})"


@dataclass(frozen=True, slots=True)
class DaySlots:
    """The free starts of one local day."""

    date: dt.date
    slots: tuple[SlotView, ...]


def by_day(slots: tuple[SlotView, ...], timezone: str) -> list[DaySlots]:
    """Slots grouped by the clinic's local date, in the order the service gave them."""
    days: dict[dt.date, list[SlotView]] = {}
    for s in slots:
        days.setdefault(local(s.start_at, timezone).date(), []).append(s)
    return [DaySlots(d, tuple(v)) for d, v in days.items()]


def first_per_time(day: DaySlots) -> tuple[SlotView, ...]:
    """One slot per start time (the first clinician the service listed): "first available"."""
    seen: dict[dt.datetime, SlotView] = {}
    for s in day.slots:
        seen.setdefault(s.start_at, s)
    return tuple(seen.values())


def taken_slots(next_slots: tuple[Slot, ...], names: dict[str, str]) -> tuple[SlotView, ...]:
    """The ``booking.slot_taken`` error's next free slots, named for the page."""
    return tuple(
        SlotView(
            start_at=s.start_at,
            end_at=s.end_at,
            local_start=s.start_at.isoformat(),
            clinician_id=s.clinician_id,
            clinician_name=names.get(s.clinician_id, ""),
            room_id=s.room_id,
            room_name=None,
        )
        for s in next_slots
    )


@dataclass(frozen=True, slots=True)
class Week:
    """The week a slot page shows: local Monday to Monday, as UTC instants."""

    index: int
    start_date: dt.date
    from_at: dt.datetime
    to_at: dt.datetime

    @property
    def label(self) -> str:
        """``Mon 30 Nov - Sun 6 Dec``."""
        return f"{day_words(self.start_date)} – {day_words(self.start_date + dt.timedelta(days=6))}"


def week(index: int, *, now: dt.datetime, timezone: str) -> Week:
    """Week ``index`` from this one (0) in the clinic's zone; never starts before ``now``."""
    tz = ZoneInfo(timezone)
    today = now.astimezone(tz).date()
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7 * index)
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(0), tzinfo=tz).astimezone(
        dt.UTC
    )
    return Week(index, monday, max(start, now), end)


def week_index(value: str | None, *, limit: int = 60) -> int:
    """The ``?week=`` number (0 when missing or not a small whole number)."""
    if value is not None and value.isdigit() and int(value) <= limit:
        return int(value)
    return 0


def local_instant(on_date: str, at_time: str, timezone: str) -> dt.datetime | None:
    """A date and ``HH:MM`` typed on the clinic's clock as an aware instant (None: unreadable)."""
    try:
        day = dt.date.fromisoformat(on_date)
        hhmm = dt.time.fromisoformat(at_time)
    except ValueError:
        return None
    return dt.datetime.combine(day, hhmm.replace(second=0, microsecond=0), ZoneInfo(timezone))


@dataclass(frozen=True, slots=True)
class Cell:
    """One clinician's cell in one time row: an appointment starting (``rows`` tall), a row
    an earlier appointment covers (not drawn), or free."""

    kind: str
    appointment: AppointmentView | None = None
    rows: int = 1


@dataclass(frozen=True, slots=True)
class Row:
    """A time row of the day grid."""

    label: str
    cells: tuple[Cell, ...]


def day_grid(
    appointments: list[AppointmentView],
    clinician_ids: list[str],
    *,
    on_date: dt.date,
    timezone: str,
    step_min: int,
    first_hour: int = 8,
    last_hour: int = 18,
) -> list[Row]:
    """Time rows (every ``step_min``) by clinician columns for one local day; the rows widen
    to show every appointment of the day. Presentation of ``clinic_schedule``'s answer."""
    tz = ZoneInfo(timezone)
    step = dt.timedelta(minutes=max(5, step_min))
    start = dt.datetime.combine(on_date, dt.time(first_hour), tzinfo=tz)
    end = dt.datetime.combine(on_date, dt.time(0), tzinfo=tz) + dt.timedelta(hours=last_hour)
    for a in appointments:
        start = min(start, a.start_at.astimezone(tz))
        end = max(end, a.end_at.astimezone(tz))
    midnight = dt.datetime.combine(on_date, dt.time(0), tzinfo=tz)
    start = midnight + step * ((start - midnight) // step)
    times: list[dt.datetime] = []
    t = start
    while t < end:
        times.append(t)
        t = t + step
    covered: dict[tuple[int, str], bool] = {}
    starts: dict[tuple[int, str], Cell] = {}
    for a in appointments:
        local_start = a.start_at.astimezone(tz)
        index = (local_start - start) // step
        span = max(1, -(-(a.end_at.astimezone(tz) - local_start) // step))
        if (index, a.clinician_id) in starts or (index, a.clinician_id) in covered:
            continue
        starts[(index, a.clinician_id)] = Cell("booked", a, span)
        for k in range(index + 1, min(index + span, len(times))):
            covered[(k, a.clinician_id)] = True
    rows = []
    for i, at in enumerate(times):
        cells = []
        for cid in clinician_ids:
            if (i, cid) in starts:
                cell = starts[(i, cid)]
                cells.append(Cell(cell.kind, cell.appointment, min(cell.rows, len(times) - i)))
            elif covered.get((i, cid)):
                cells.append(Cell("covered"))
            else:
                cells.append(Cell("free"))
        rows.append(Row(f"{at:%H:%M}", tuple(cells)))
    return rows


def new_key() -> str:
    """A fresh idempotency key for one rendered form (a re-submit sends the same one)."""
    return secrets.token_urlsafe(18)


__all__ = [
    "KIND_WORDS",
    "STATUS_WORDS",
    "Cell",
    "DaySlots",
    "Row",
    "Week",
    "by_day",
    "clock",
    "day_grid",
    "day_words",
    "first_per_time",
    "local",
    "local_instant",
    "long_day",
    "new_key",
    "span",
    "taken_slots",
    "week",
    "week_index",
    "when",
    "zone_label",
]
