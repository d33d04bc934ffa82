"""Rows to the clinic stage's dataclasses: a clinic's rules and the bookings around a time."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ARRAY,
    BindParameter,
    ColumnElement,
    Engine,
    Executable,
    String,
    any_,
    bindparam,
    case,
    or_,
    select,
)
from sqlalchemy.orm import Session

from backstride.clinic import (
    AppointmentType,
    Audience,
    Booking,
    Clinician,
    ClinicRules,
    Hours,
    Policy,
    Room,
    TimeOff,
    VisitKind,
)
from backstride.errors import NotFound
from backstride.store.clinic_models import (
    MAX_BLOCKED,
    Appointment,
    AppointmentTypeRow,
    BookingPolicy,
    HoursRow,
    RoomRow,
    TimeOffRow,
)
from backstride.store.models import Account, Clinic, ClinicMember

MARGIN = dt.timedelta(days=1)
"""Bookings and time off this far around a search still matter (buffers, long visits)."""


def policy_from_row(row: BookingPolicy | None) -> Policy:
    """The stored policy, or the defaults."""
    if row is None:
        return Policy()
    return Policy(
        timezone=row.timezone,
        slot_step_min=row.slot_step_min,
        horizon_days=row.horizon_days,
        min_notice_min=row.min_notice_min,
        cancel_window_min=row.cancel_window_min,
        triage_window_days=row.triage_window_days,
        reminder_offsets_min=tuple(int(x) for x in row.reminder_offsets_min),
    )


def type_from_row(row: AppointmentTypeRow) -> AppointmentType:
    """An appointment type row as the stage's dataclass."""
    return AppointmentType(
        id=row.id,
        name=row.name,
        visit_kind=VisitKind(row.visit_kind),
        duration_min=row.duration_min,
        buffer_before_min=row.buffer_before_min,
        buffer_after_min=row.buffer_after_min,
        audience=Audience(row.audience),
        online=row.online,
        active=row.active,
    )


def room_from_row(row: RoomRow) -> Room:
    """A room row as the stage's dataclass."""
    return Room(
        row.id, row.name, frozenset(VisitKind(k) for k in row.visit_kinds or ()), row.active
    )


def hours_from_row(row: HoursRow) -> Hours:
    """An hours row as the stage's dataclass."""
    return Hours(
        id=row.id,
        clinician_id=row.clinician_account_id,
        start_min=row.start_min,
        end_min=row.end_min,
        weekday=row.weekday,
        on_date=row.on_date,
        room_id=row.room_id,
        visit_kinds=frozenset(VisitKind(k) for k in row.visit_kinds or ()),
    )


_CLINICIANS = (
    select(Account.id, Account.display_name)
    .join(ClinicMember, ClinicMember.account_id == Account.id)
    .where(
        ClinicMember.clinic_id == bindparam("clinic_id"),
        Account.role == "clinician",
        Account.is_active.is_(True),
    )
    .order_by(Account.display_name, Account.id)
)


def clinicians_of(session: Session, clinic_id: str) -> tuple[Clinician, ...]:
    """The clinic's active clinicians, by name."""
    rows = session.execute(_CLINICIANS, {"clinic_id": clinic_id}).all()
    return tuple(Clinician(r[0], r[1]) for r in rows)


# The rules are read on every booking: the statements are built once (bound parameters).
_P = BookingPolicy
_POLICY = select(
    _P.clinic_id,
    _P.timezone,
    _P.slot_step_min,
    _P.horizon_days,
    _P.min_notice_min,
    _P.cancel_window_min,
    _P.triage_window_days,
    _P.reminder_offsets_min,
).where(_P.clinic_id == bindparam("clinic_id"))
_T = AppointmentTypeRow
_TYPES = select(
    _T.id,
    _T.name,
    _T.visit_kind,
    _T.duration_min,
    _T.buffer_before_min,
    _T.buffer_after_min,
    _T.audience,
    _T.online,
    _T.active,
).where(_T.clinic_id == bindparam("clinic_id"))
_ROOMS = select(RoomRow.id, RoomRow.name, RoomRow.visit_kinds, RoomRow.active).where(
    RoomRow.clinic_id == bindparam("clinic_id")
)
_H = HoursRow
_HOURS = select(
    _H.id,
    _H.clinician_account_id,
    _H.start_min,
    _H.end_min,
    _H.weekday,
    _H.on_date,
    _H.room_id,
    _H.visit_kinds,
).where(_H.clinic_id == bindparam("clinic_id"))
_O = TimeOffRow
_OFF = select(_O.id, _O.start_at, _O.end_at, _O.clinician_account_id, _O.room_id, _O.reason).where(
    _O.clinic_id == bindparam("clinic_id"),
    _O.end_at > bindparam("lo", type_=_O.end_at.type),
)


_STAMP = select(Clinic.rules_version, Clinic.created_at).where(Clinic.id == bindparam("clinic_id"))
_REF: BindParameter[str] = bindparam("ref", type_=String())
_RESOLVE = (
    select(Clinic.id, Clinic.rules_version, Clinic.created_at)
    .where(or_(Clinic.id == _REF, Clinic.slug == _REF))
    .order_by(case((Clinic.id == _REF, 0), else_=1))
    .limit(1)
)


@dataclass(frozen=True, slots=True)
class _Cached:
    """One clinic's rules as read at ``version``, with every time off ending after
    ``off_from`` (the window of a later request is filtered from it in memory)."""

    version: tuple[int, dt.datetime] | None
    off_from: dt.datetime
    rules: ClinicRules


class RulesCache:
    """Each clinic's rules, per database, kept while ``clinics.rules_version`` is unchanged.

    The stamp is bumped by triggers in the same transaction as any change to the clinic's
    set-up (migration 0013_clinic_rules_version), so one cheap query per request tells whether
    the kept rules are still the stored ones, whichever process changed them
    (docs/decisions/0061). Keyed by the engine and the clinic id: never another database's or
    another clinic's rules.
    """

    def __init__(self, max_clinics: int = 256) -> None:
        self._max = max_clinics
        self._by_engine: weakref.WeakKeyDictionary[Engine, OrderedDict[str, _Cached]] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def get(self, bind: Engine, clinic_id: str) -> _Cached | None:
        with self._lock:
            found = self._by_engine.get(bind)
            return None if found is None else found.get(clinic_id)

    def put(self, bind: Engine, clinic_id: str, entry: _Cached) -> None:
        with self._lock:
            clinics = self._by_engine.setdefault(bind, OrderedDict())
            clinics[clinic_id] = entry
            clinics.move_to_end(clinic_id)
            while len(clinics) > self._max:
                clinics.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._by_engine.clear()


RULES_CACHE = RulesCache()


def _engine_of(session: Session) -> Engine | None:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else getattr(bind, "engine", None)


def load_rules(
    session: Session,
    clinic_id: str,
    *,
    start_at: dt.datetime,
    end_at: dt.datetime,
    margin: dt.timedelta = MARGIN,
) -> ClinicRules:
    """The clinic's rules with the time off that meets ``[start_at, end_at)`` widened by
    ``margin``.

    Reads the clinic's ``rules_version`` first and reuses this process's copy when it was read
    at that version (one query instead of six); otherwise reads the rules and keeps them. The
    stamp is read *before* the rules, so a change committed in between is kept under the older
    stamp and read again at the next call: never old rules under a new stamp.
    """
    found = session.connection().execute(_STAMP, {"clinic_id": clinic_id}).first()
    if found is None:  # no such clinic: nothing to keep
        return _read_rules(session, clinic_id, off_from=start_at - margin).rules
    return _kept_rules(session, clinic_id, found, start_at, end_at, margin)


def load_clinic_rules(
    session: Session,
    clinic_ref: str,
    *,
    start_at: dt.datetime,
    end_at: dt.datetime,
    margin: dt.timedelta = MARGIN,
) -> tuple[str, ClinicRules]:
    """The clinic (by id, else by slug) and its rules as :func:`load_rules` gives them: the
    clinic and its stamp in one query. ``clinic.not_found`` when there is no such clinic."""
    found = session.connection().execute(_RESOLVE, {"ref": clinic_ref}).first()
    if found is None:
        raise NotFound("no such clinic", code="clinic.not_found")
    clinic_id = str(found[0])
    return clinic_id, _kept_rules(session, clinic_id, found[1:], start_at, end_at, margin)


def _kept_rules(
    session: Session,
    clinic_id: str,
    stamp: Sequence[Any],
    start_at: dt.datetime,
    end_at: dt.datetime,
    margin: dt.timedelta,
) -> ClinicRules:
    lo, hi = start_at - margin, end_at + margin
    engine = _engine_of(session)
    if engine is None:
        return _read_rules(session, clinic_id, off_from=lo).rules
    # With the creation time: a clinic deleted and made again under the same id starts
    # counting from 0 again, but not at the same instant.
    version = (int(stamp[0]), stamp[1])
    kept = RULES_CACHE.get(engine, clinic_id)
    if kept is None or kept.version != version or lo < kept.off_from:
        off_from = lo if kept is None or kept.version != version else min(lo, kept.off_from)
        kept = _read_rules(session, clinic_id, off_from=off_from, version=version)
        RULES_CACHE.put(engine, clinic_id, kept)
    rules = kept.rules
    return dataclasses.replace(
        rules, time_off=tuple(o for o in rules.time_off if o.end_at > lo and o.start_at < hi)
    )


def _read_rules(
    session: Session,
    clinic_id: str,
    *,
    off_from: dt.datetime,
    version: tuple[int, dt.datetime] | None = None,
) -> _Cached:
    """The stored rules with every time off that ends after ``off_from``.
    Plain column queries (no ORM objects)."""
    key = {"clinic_id": clinic_id}
    found = session.execute(_POLICY, key).first()
    policy = (
        Policy()
        if found is None
        else Policy(
            found[1],
            found[2],
            found[3],
            found[4],
            found[5],
            found[6],
            tuple(int(x) for x in found[7]),
        )
    )
    types = session.execute(_TYPES, key).all()
    rooms = session.execute(_ROOMS, key).all()
    hours = session.execute(_HOURS, key).all()
    off = session.execute(_OFF, {"clinic_id": clinic_id, "lo": off_from}).all()
    rules = ClinicRules(
        policy=policy,
        types=tuple(
            AppointmentType(
                r[0], r[1], VisitKind(r[2]), r[3], r[4], r[5], Audience(r[6]), r[7], r[8]
            )
            for r in types
        ),
        clinicians=clinicians_of(session, clinic_id),
        rooms=tuple(
            Room(r[0], r[1], frozenset(VisitKind(k) for k in r[2] or ()), r[3]) for r in rooms
        ),
        hours=tuple(
            Hours(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                frozenset(VisitKind(k) for k in r[7] or ()),
            )
            for r in hours
        ),
        time_off=tuple(TimeOff(*r) for r in off),
    )
    return _Cached(version, off_from, rules)


def _bookings_around(with_runner: bool, *, arrays: bool) -> Executable:
    """``arrays``: the id lists as one array parameter each (``= ANY(:clinicians)``,
    PostgreSQL) instead of ``IN`` lists that SQLAlchemy expands into the SQL text at every
    execution (SQLite has no arrays). The same rows either way; the array form's text is
    fixed, so its compiled form and the server's prepared statement serve every clinic."""
    clinicians: ColumnElement[bool]
    rooms: ColumnElement[bool]
    if arrays:
        clinicians = Appointment.clinician_account_id == any_(
            bindparam("clinicians", type_=ARRAY(String()))
        )
        rooms = Appointment.room_id == any_(bindparam("rooms", type_=ARRAY(String())))
    else:
        clinicians = Appointment.clinician_account_id.in_(bindparam("clinicians", expanding=True))
        rooms = Appointment.room_id.in_(bindparam("rooms", expanding=True))
    who: list[ColumnElement[bool]] = [clinicians, rooms]
    if with_runner:
        who.append(Appointment.runner_id == bindparam("runner_id", type_=String()))
    return select(
        Appointment.id,
        Appointment.clinician_account_id,
        Appointment.runner_id,
        Appointment.start_at,
        Appointment.end_at,
        Appointment.blocked_start_at,
        Appointment.blocked_end_at,
        Appointment.room_id,
    ).where(
        Appointment.status != "cancelled",
        Appointment.blocked_end_at > bindparam("lo", type_=Appointment.blocked_end_at.type),
        Appointment.blocked_start_at < bindparam("hi", type_=Appointment.blocked_start_at.type),
        # Implied by the two above (no appointment blocks longer than MAX_BLOCKED): lets the
        # (who, blocked_start_at) indexes read a bounded stretch instead of all of the past.
        Appointment.blocked_start_at
        >= bindparam("earliest", type_=Appointment.blocked_start_at.type),
        or_(*who),
    )


# Read on every booking and every free-slot search: built once (bound parameters), not per
# call; keyed by (PostgreSQL, with the runner).
_BOOKINGS_AROUND = {
    (arrays, runner): _bookings_around(runner, arrays=arrays)
    for arrays in (False, True)
    for runner in (False, True)
}


def load_bookings(
    session: Session,
    rules: ClinicRules,
    *,
    runner_id: str | None,
    start_at: dt.datetime,
    end_at: dt.datetime,
    margin: dt.timedelta = MARGIN,
) -> list[Booking]:
    """Non-cancelled appointments of the clinic's clinicians and rooms and of the runner
    (at any clinic) whose blocked range meets ``[start_at, end_at)`` widened by ``margin``
    (a write checks one blocked range: ``margin=0``)."""
    params: dict[str, Any] = {
        "clinicians": [c.id for c in rules.clinicians],
        "rooms": [r.id for r in rules.rooms],
        "lo": start_at - margin,
        "hi": end_at + margin,
        "earliest": start_at - margin - MAX_BLOCKED,
    }
    if runner_id is not None:
        params["runner_id"] = runner_id
    connection = session.connection()
    arrays = connection.dialect.name == "postgresql"
    rows = connection.execute(_BOOKINGS_AROUND[arrays, runner_id is not None], params).all()
    return [Booking(*row) for row in rows]


__all__ = [
    "MARGIN",
    "RULES_CACHE",
    "RulesCache",
    "clinicians_of",
    "hours_from_row",
    "load_bookings",
    "load_clinic_rules",
    "load_rules",
    "policy_from_row",
    "room_from_row",
    "type_from_row",
]
