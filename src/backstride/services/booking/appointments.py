"""Book, move, cancel and mark appointments: one write transaction each, audited.

The order of a booking: who may act, the consent and the triage (runners), read before the
write transaction (on PostgreSQL the read of the runner takes the clinic's advisory lock);
then ``BEGIN IMMEDIATE`` on SQLite (``transaction.write_transaction``), the Idempotency-Key
(a repeat replays, another body is refused), the same checks as the free-slot list against
the bookings (``clinic.check_slot``), the rows, the audit events and the reminders, one
commit (docs/decisions/0070, 0074). The database
refuses an overlap that slipped past the checks (a lost race): that answers
``booking.slot_taken`` with the next free slots.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from sqlalchemy import (
    Executable,
    Select,
    String,
    Table,
    bindparam,
    exists,
    insert,
    select,
    union_all,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from backstride.clinic import (
    AppointmentType,
    Booking,
    ClinicRules,
    Slot,
    SlotTaken,
    check_slot,
    eligibility,
)
from backstride.clinic.eligibility import require_by, require_type
from backstride.clinic.slots import blocked_range
from backstride.errors import BackstrideError, Conflict, Forbidden, InvalidInput, NotFound
from backstride.services.booking import idempotency
from backstride.services.booking.access import (
    Actor,
    audit,
    audit_values,
    clinic_row,
    has_consent,
    require_staff,
)
from backstride.services.booking.load import load_bookings, load_clinic_rules, load_rules
from backstride.services.booking.queries import one_view, to_view, view_of, view_query
from backstride.services.booking.slots import (
    ATTENDED_HERE,
    LATEST_DISPOSITION,
    next_free,
    runner_eligibility,
)
from backstride.services.booking.transaction import (
    CALENDAR_LOCK,
    calendar_key,
    hold_clinic_calendar,
    write_transaction,
)
from backstride.services.booking.views import AppointmentView, BookingResult
from backstride.services.policy import Principal, clinician_clinic_ids, own_runner_id
from backstride.store.clinic_models import Appointment, overlap_of
from backstride.store.models import Account, AuditEvent, Clinic, Consent, Runner
from backstride.units import new_id


@dataclass(frozen=True, slots=True)
class NewBooking:
    """Passed to the hooks when the row was inserted by this very transaction (so nothing
    about it can be queued yet), with whom its e-mails go to as the booking read them."""

    account_id: str | None
    """The runner's login (``None``: a runner without one gets no e-mail)."""
    email: str | None
    clinic_name: str


ReminderHook = Callable[[Session, Appointment, ClinicRules, dt.datetime, NewBooking | None], None]
_REMINDER_HOOKS: list[ReminderHook] = []
"""Called inside each write with the changed row (reminders schedule themselves here)."""


def on_change(hook: ReminderHook) -> ReminderHook:
    """Register ``hook(session, row, rules, now, new)``, run in every booking write
    transaction (``new`` only for a row the transaction has just made)."""
    _REMINDER_HOOKS.append(hook)
    return hook


def _is_runner(principal: Actor) -> bool:
    return principal is not None and principal.role == "runner"


def _aware(value: dt.datetime, path: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(
            f"{path} has no time zone; send an ISO 8601 time with an offset (Z or +01:00)",
            code="booking.naive_datetime",
            problems=[{"path": path, "msg": "a time with a UTC offset"}],
        )


def _override(principal: Actor, reason: str | None) -> str | None:
    if reason is None:
        return None
    if _is_runner(principal):
        raise Forbidden(
            "only the clinic's staff can book outside the clinician's hours",
            code="booking.override_forbidden",
        )
    text = reason.strip()
    if not 3 <= len(text) <= 500:
        raise InvalidInput(
            "an override of the clinician's hours needs a reason (3-500 characters)",
            code="booking.override_reason_required",
            problems=[{"path": "override_reason", "msg": "3-500 characters"}],
        )
    return text


@dataclass(frozen=True, slots=True)
class _Who:
    """What a booking reads about its runner and clinic, in one statement."""

    runner_name: str
    account_id: str | None
    email: str | None
    clinic: str
    consent: bool
    disposition: str | None
    returning: bool


# Core inserts (no ORM unit of work): a booking writes its rows in three statements.
_CONSENTS = cast(Table, Consent.__table__)
_INSERT_CONSENT = (
    insert(_CONSENTS)
    .from_select(
        ["id", "runner_id", "clinic_id", "granted_at", "revoked_at"],
        select(
            bindparam("id", type_=String()),
            bindparam("runner_id", type_=String()),
            bindparam("clinic_id", type_=String()),
            bindparam("granted_at", type_=_CONSENTS.c.granted_at.type),
            bindparam("revoked_at", type_=_CONSENTS.c.revoked_at.type),
        ).where(
            ~exists().where(
                _CONSENTS.c.runner_id == bindparam("runner_id"),
                _CONSENTS.c.clinic_id == bindparam("clinic_id"),
                _CONSENTS.c.revoked_at.is_(None),
            )
        ),
    )
    .returning(_CONSENTS.c.id)
)
"""The runner's consent to the clinic, unless one is active already: read outside the write
transaction, so another booking of theirs may have granted it meanwhile (then nothing is
inserted, and neither is the consent's audit event)."""
_APPOINTMENTS = cast(Table, Appointment.__table__)
_AUDITS = cast(Table, AuditEvent.__table__)
_INSERT_APPOINTMENT = insert(_APPOINTMENTS)
_INSERT_AUDIT = insert(_AUDITS)


def _audit_row(prefix: str) -> Select[Any]:
    """One audit event's columns as parameters ``<prefix><column>``."""
    return select(*(bindparam(prefix + c.name, type_=c.type) for c in _AUDITS.c if c.name != "id"))


def _insert_rows(*, consent: bool) -> Executable:
    """PostgreSQL: the appointment, its audit event and (``consent``) the runner's consent
    with its own audit event, in one statement (data-modifying ``WITH``; SQLite has none).

    The consent is inserted unless one is active (as :data:`_INSERT_CONSENT`, parameter
    ``consent_id``); its audit event is selected from what that insert returned, so a consent
    granted meanwhile by another booking is neither inserted nor audited. The audit rows are
    one ``INSERT ... SELECT`` (consent's first, as before). The appointment's columns are
    parameters named after them; the audit events' ``audit_<column>`` and
    ``consent_audit_<column>``. A lost race fails the whole statement (the exclusion
    constraint), as the appointment's own insert did.
    """
    made = (
        insert(_APPOINTMENTS)
        .values({c.name: bindparam(c.name, type_=c.type) for c in _APPOINTMENTS.c})
        .cte("made")
    )
    columns = [c.name for c in _AUDITS.c if c.name != "id"]
    if not consent:
        return insert(_AUDITS).from_select(columns, _audit_row("audit_")).add_cte(made)
    granted = (
        insert(_CONSENTS)
        .from_select(
            ["id", "runner_id", "clinic_id", "granted_at"],
            select(
                bindparam("consent_id", type_=String()),
                _CONSENT_RUNNER,
                _CONSENT_CLINIC,
                bindparam("granted_at", type_=_CONSENTS.c.granted_at.type),
            ).where(
                ~exists().where(
                    _CONSENTS.c.runner_id == _CONSENT_RUNNER,
                    _CONSENTS.c.clinic_id == _CONSENT_CLINIC,
                    _CONSENTS.c.revoked_at.is_(None),
                )
            ),
        )
        .returning(_CONSENTS.c.id)
        .cte("granted")
    )
    rows = union_all(_audit_row("consent_audit_").select_from(granted), _audit_row("audit_"))
    return insert(_AUDITS).from_select(columns, rows).add_cte(granted, made)


_CONSENT_RUNNER = bindparam("runner_id", type_=String())
_CONSENT_CLINIC = bindparam("clinic_id", type_=String())
_INSERT_ROWS = {flag: _insert_rows(consent=flag) for flag in (False, True)}

# Every booking reads these before its write transaction: the runner (and their login's e-mail,
# for the confirmation), the clinic's name, whether the runner's consent to it is active,
# and the triage inputs (the latest disposition; a visit attended here before). One
# statement, built once, instead of five.
_RUNNER = bindparam("runner_id", type_=String())
_CLINIC = bindparam("clinic_id", type_=String())
_WHO = (
    select(
        Runner.display_name,
        Runner.account_id,
        Account.email,
        select(Clinic.name).where(Clinic.id == _CLINIC).scalar_subquery(),
        exists()
        .where(
            Consent.runner_id == _RUNNER,
            Consent.clinic_id == _CLINIC,
            Consent.revoked_at.is_(None),
        )
        .correlate(None),
        LATEST_DISPOSITION,
        ATTENDED_HERE,
    )
    .select_from(Runner)
    .outerjoin(Account, Account.id == Runner.account_id)
    .where(Runner.id == _RUNNER)
)


_WHO_LOCKING = _WHO.add_columns(CALENDAR_LOCK)
"""PostgreSQL: :data:`_WHO` that also takes the clinic's booking lock (docs/decisions/0074)."""


def _who(session: Session, *, runner_id: str, clinic_id: str) -> _Who:
    """The runner and clinic as the booking needs them; ``runner.not_found``,
    ``clinic.not_found`` (gone since its rules were read).

    On PostgreSQL the same statement takes the clinic's booking lock (decision 0066), held
    until the transaction ends: the placement's read of the bookings is a later statement,
    so it sees every booking committed before, and the lock costs no round trip of its own.
    The caller rolls back on any error before its write transaction, so a refused booking
    does not keep the clinic waiting."""
    connection = session.connection()
    params = {"runner_id": runner_id, "clinic_id": clinic_id}
    statement = _WHO
    if connection.dialect.name == "postgresql":
        statement = _WHO_LOCKING
        params["calendar_key"] = calendar_key(clinic_id)
    found = connection.execute(statement, params).first()
    if found is None:
        raise NotFound("no such runner", code="runner.not_found")
    if found[3] is None:
        raise NotFound("no such clinic", code="clinic.not_found")
    return _Who(
        runner_name=found[0],
        account_id=found[1],
        email=found[2],
        clinic=found[3],
        consent=bool(found[4]),
        disposition=found[5],
        returning=bool(found[6]),
    )


def _place(
    rules: ClinicRules,
    bookings: Sequence[Booking],
    t: AppointmentType,
    *,
    clinician_id: str | None,
    start_at: dt.datetime,
    now: dt.datetime,
    room_id: str | None,
    runner_id: str,
    staff: bool,
    override: bool,
    ignore: str | None = None,
) -> Slot:
    """The slot for this start: with the given clinician, or the first one free ("first
    available", in the order ``free_slots`` lists clinicians)."""

    def at(cid: str) -> Slot:
        return check_slot(
            rules,
            bookings,
            t,
            clinician_id=cid,
            start_at=start_at,
            now=now,
            room_id=room_id,
            runner_id=runner_id,
            staff=staff,
            override_availability=override,
            ignore_booking_id=ignore,
        )

    if clinician_id is not None:
        return at(clinician_id)
    errors: list[BackstrideError] = []
    for c in sorted(rules.clinicians, key=lambda c: c.id):
        try:
            return at(c.id)
        except BackstrideError as exc:
            errors.append(exc)
    taken = next((e for e in errors if isinstance(e, SlotTaken)), None)
    if taken is not None:
        raise taken
    if errors:
        raise errors[0]
    raise InvalidInput(
        "no clinician takes appointments here yet", code="booking.outside_availability"
    )


def _taken_error(
    session: Session,
    exc: BackstrideError,
    *,
    clinic_id: str,
    type_id: str,
    start_at: dt.datetime,
    now: dt.datetime,
    runner_id: str,
    clinician_id: str | None,
    staff: bool,
    ignore: str | None = None,
) -> BackstrideError:
    """A lost race or a taken slot, with the next free slots (a fresh read)."""
    if not isinstance(exc, SlotTaken):
        return exc
    return exc.with_next(
        next_free(
            session,
            clinic_id=clinic_id,
            appointment_type_id=type_id,
            after=start_at,
            now=now,
            runner_id=runner_id,
            clinician_id=clinician_id,
            staff=staff,
            ignore_booking_id=ignore,
        )
    )


def _granted(session: Session, consent: dict[str, object]) -> bool:
    """Insert the consent unless one is active; whether it was (the row it returns: drivers
    do not all count the rows of an ``INSERT ... SELECT``)."""
    return session.connection().execute(_INSERT_CONSENT, consent).first() is not None


def _db_refusal(exc: IntegrityError) -> BackstrideError:
    kind = overlap_of(exc)
    if kind == "runner":
        return Conflict("you already have an appointment at this time", code="booking.runner_busy")
    if kind is not None:
        return SlotTaken("this time has just been taken", code="booking.slot_taken")
    raise exc


def _book(  # noqa: C901 - debt, to split (decision 0059)
    session: Session,
    *,
    principal: Actor,
    clinic_id: str,
    appointment_type_id: str,
    start_at: dt.datetime,
    now: dt.datetime,
    clinician_id: str | None = None,
    runner_id: str | None = None,
    room_id: str | None = None,
    end_at: dt.datetime | None = None,
    override_reason: str | None = None,
    idempotency_key: str | None = None,
    share_record: bool = False,
    last_try: bool,
) -> BookingResult:
    """Book an appointment; ``clinician_id=None`` takes the first clinician free then.

    A runner books for themselves (triage-allowed types, within notice, horizon and the
    triage deadline; ``share_record=True`` grants the consent the clinic needs, else
    ``booking.consent_required``). The clinic's staff book on behalf of a consenting runner
    (``runner_id``), any type, inside the notice, and with ``override_reason`` outside the
    clinician's hours (never over another booking). Errors: see ``clinic.check_slot``, plus
    ``booking.slot_taken`` (409, with ``next_slots``) when the database refuses a lost race,
    ``booking.duration_mismatch`` / ``booking.end_before_start`` for a wrong ``end_at``,
    ``idempotency.key_reused`` (422).
    """
    staff = not _is_runner(principal)
    if staff:
        if runner_id is None:
            raise InvalidInput(
                "say which runner to book for",
                code="booking.runner_required",
                problems=[{"path": "runner_id", "msg": "required"}],
            )
        if room_id is not None and not room_id:
            room_id = None
    else:
        assert principal is not None
        own = own_runner_id(principal)
        if runner_id not in (None, own):
            raise Forbidden("runners book only for themselves", code="auth.forbidden")
        if room_id is not None:
            raise Forbidden("the clinic chooses the room", code="auth.forbidden")
        runner_id = own
    _aware(start_at, "start_at")
    if end_at is not None:
        _aware(end_at, "end_at")
        if end_at <= start_at:
            raise InvalidInput(
                "the end must be after the start",
                code="booking.end_before_start",
                problems=[{"path": "end_at", "msg": "must be after start_at"}],
            )
    reason = _override(principal, override_reason)
    idempotency.check_key(idempotency_key)
    account_id = None if principal is None else principal.account_id
    digest = idempotency.request_hash(
        op="book",
        clinic=clinic_id,
        type=appointment_type_id,
        start=start_at.astimezone(dt.UTC).isoformat(),
        end=None if end_at is None else end_at.astimezone(dt.UTC).isoformat(),
        clinician=clinician_id,
        runner=runner_id,
        room=room_id,
        override=reason,
    )
    keyed = idempotency_key is not None and account_id is not None
    made: str | None = None
    # The clinic's rules (types, hours, rooms, time off) are read before the write transaction:
    # configuration, not bookings, so SQLite's one writer at a time does not wait for them
    # (docs/decisions/0057). Overlaps are still refused by the database inside it.
    clinic_key, rules = load_clinic_rules(session, clinic_id, start_at=start_at, end_at=start_at)
    try:
        # Everything that decides whether this runner may have this type at this time reads
        # outside the write transaction; only the placement against the clinic's bookings and
        # the inserts run inside it, so the one writer of a SQLite file holds the lock for the
        # shortest time (docs/decisions/0070). PostgreSQL takes the clinic's lock with this
        # read (no round trip of its own; the checks after it run in memory, but for the
        # staff's membership read: decision 0074).
        who = _who(session, runner_id=runner_id, clinic_id=clinic_key)
        if staff:
            require_staff(session, principal, clinic_key)
        consent: dict[str, object] | None = None
        consent_audit: dict[str, object] | None = None
        if not who.consent:
            if staff or not share_record:
                raise Forbidden(
                    "the runner has not shared their record with this clinic",
                    code="booking.consent_required",
                )
            consent = {
                "id": new_id(),
                "runner_id": runner_id,
                "clinic_id": clinic_key,
                "granted_at": now,
                "revoked_at": None,
            }
            consent_audit = audit_values(
                actor=principal,
                runner_id=runner_id,
                action="create",
                resource="consent",
                now=now,
                detail={"clinic_id": clinic_key, "via": "booking"},
            )
        t = rules.type_by_id(appointment_type_id)
        if t is None:
            raise NotFound(
                "no such appointment type at this clinic", code="appointment_type.not_found"
            )
        if end_at is not None and end_at - start_at != t.duration:
            raise InvalidInput(
                f"a {t.name} lasts {t.duration_min} minutes",
                code="booking.duration_mismatch",
                problems=[{"path": "end_at", "msg": f"start_at + {t.duration_min} min"}],
            )
        if not staff:
            found = eligibility(
                rules, disposition=who.disposition, returning=who.returning, now=now
            )
            require_type(found, t)
            require_by(found, start_at)
        with write_transaction(session):
            made = idempotency.replay(
                session,
                account_id=account_id,
                scope="book",
                key=idempotency_key,
                digest=digest,
                now=now,
            )
            if made is not None:
                return _replayed(session, made, principal)
            with session.no_autoflush:
                blocked_start, blocked_end = blocked_range(t, start_at)
                bookings = load_bookings(
                    session,
                    rules,
                    runner_id=runner_id,
                    start_at=blocked_start,
                    end_at=blocked_end,
                    margin=dt.timedelta(0),
                )
            slot = _place(
                rules,
                bookings,
                t,
                clinician_id=clinician_id,
                start_at=start_at,
                now=now,
                room_id=room_id,
                runner_id=runner_id,
                staff=staff,
                override=reason is not None,
            )
            values = {
                "id": new_id(),
                "clinic_id": clinic_key,
                "appointment_type_id": t.id,
                "clinician_account_id": slot.clinician_id,
                "room_id": slot.room_id,
                "runner_id": runner_id,
                "start_at": slot.start_at,
                "end_at": slot.end_at,
                "blocked_start_at": slot.blocked_start_at,
                "blocked_end_at": slot.blocked_end_at,
                "status": "booked",
                "version": 1,
                "booked_by": account_id,
                "booked_via": "cli" if principal is None else ("runner" if not staff else "staff"),
                "override_reason": reason,
                "cancel_reason": None,
                "created_at": now,
                "updated_at": now,
                "cancelled_at": None,
            }
            row = Appointment(**values)  # not added: the hooks and the view read it
            audits = [
                audit_values(
                    actor=principal,
                    runner_id=runner_id,
                    action="create",
                    resource="appointment",
                    now=now,
                    detail={
                        "appointment_id": row.id,
                        "start_at": row.start_at.isoformat(),
                        "clinician_id": row.clinician_account_id,
                        "override_reason": reason,
                    },
                )
            ]
            # Plain inserts, not a unit-of-work flush of ORM objects: the consent (unless
            # another booking of theirs granted it meanwhile), the appointment (a lost race is
            # refused here, before the e-mails are made) and the audit events; on PostgreSQL
            # in one statement (one round trip instead of three: decision 0074).
            connection = session.connection()
            if connection.dialect.name == "postgresql":
                params: dict[str, object] = dict(values)
                params.update({"audit_" + k: v for k, v in audits[0].items()})
                if consent is not None and consent_audit is not None:
                    params.update(consent_id=consent["id"], granted_at=now)
                    params.update({"consent_audit_" + k: v for k, v in consent_audit.items()})
                connection.execute(_INSERT_ROWS[consent is not None], params)
            else:
                if consent is not None and consent_audit is not None and _granted(session, consent):
                    audits.insert(0, consent_audit)
                connection.execute(_INSERT_APPOINTMENT, values)
                connection.execute(_INSERT_AUDIT, audits)
            new = NewBooking(account_id=who.account_id, email=who.email, clinic_name=who.clinic)
            for hook in _REMINDER_HOOKS:
                hook(session, row, rules, now, new)
            if keyed:
                idempotency.remember(
                    session,
                    account_id=account_id,
                    scope="book",
                    key=idempotency_key,
                    digest=digest,
                    resource_id=row.id,
                    now=now,
                )
            made = row.id
            view = view_of(row, rules, clinic_name=who.clinic, runner_name=who.runner_name)
    except IntegrityError as exc:
        kind = overlap_of(exc)
        if not last_try and (
            (kind == "room" and room_id is None) or (kind == "clinician" and clinician_id is None)
        ):
            session.rollback()
            raise _Retry from exc  # we chose that room or clinician: choose again
        if keyed:
            again = idempotency.replay(
                session,
                account_id=account_id,
                scope="book",
                key=idempotency_key,
                digest=digest,
                now=now,
            )
            session.rollback()
            if again is not None:
                return _replayed(session, again, principal)
        raise _taken_error(
            session,
            _db_refusal(exc),
            clinic_id=clinic_key,
            type_id=appointment_type_id,
            start_at=start_at,
            now=now,
            runner_id=runner_id,
            clinician_id=clinician_id,
            staff=staff,
        ) from exc
    except SlotTaken as exc:
        raise _taken_error(
            session,
            exc,
            clinic_id=clinic_key,
            type_id=appointment_type_id,
            start_at=start_at,
            now=now,
            runner_id=runner_id,
            clinician_id=clinician_id,
            staff=staff,
        ) from None
    except BaseException:
        # Refused before the write transaction (consent, type, triage, staff): end the
        # transaction now, and with it the clinic's lock that PostgreSQL took with the
        # runner's read, instead of when the request's session closes.
        session.rollback()
        raise
    return BookingResult(view)


def _replayed(session: Session, appointment_id: str, principal: Actor) -> BookingResult:
    view = one_view(session, appointment_id, show_runner=True)
    if view is None:
        raise NotFound("the appointment this key made is gone", code="appointment.not_found")
    del principal
    return BookingResult(view, replayed=True)


def _row_for(session: Session, principal: Actor, appointment_id: str, *, lock: bool) -> Appointment:
    """The appointment if the caller may change it (else ``appointment.not_found``)."""
    query = select(Appointment).where(Appointment.id == appointment_id)
    if lock:
        query = query.with_for_update()
    row = session.scalars(query).one_or_none()
    missing = NotFound("no such appointment", code="appointment.not_found")
    if row is None:
        raise missing
    if _is_runner(principal):
        assert principal is not None
        if row.runner_id != own_runner_id(principal):
            raise missing
        return row
    if principal is not None and (
        principal.role != "clinician"
        or row.clinic_id not in clinician_clinic_ids(session, account_id=principal.account_id)
    ):
        raise missing
    if principal is not None and not has_consent(
        session, runner_id=row.runner_id, clinic_id=row.clinic_id
    ):
        raise missing
    return row


def _require_booked(row: Appointment, version: int | None) -> None:
    if row.status != "booked":
        raise Conflict(
            f"this appointment is {row.status.replace('_', ' ')}", code="booking.not_booked"
        )
    if version is not None and version != row.version:
        raise Conflict(
            f"the appointment changed meanwhile (version {row.version}, you sent {version}); "
            "reload it and try again",
            code="booking.stale_version",
        )


def _policy_deadline(row: Appointment, rules: ClinicRules, now: dt.datetime, *, what: str) -> None:
    if now > row.start_at - dt.timedelta(minutes=rules.policy.cancel_window_min):
        hours = rules.policy.cancel_window_min / 60
        raise Conflict(
            f"appointments can be {what} online until {hours:g} hours before; "
            "please phone the clinic",
            code="booking.too_late_to_cancel"
            if what == "cancelled"
            else "booking.too_late_to_change",
        )


def _reschedule(
    session: Session,
    *,
    principal: Actor,
    appointment_id: str,
    version: int,
    start_at: dt.datetime,
    now: dt.datetime,
    clinician_id: str | None = None,
    room_id: str | None = None,
    override_reason: str | None = None,
    idempotency_key: str | None = None,
    last_try: bool,
) -> BookingResult:
    """Move an appointment in place (same id, ``version`` + 1); ``version`` must be the one
    the caller saw (``booking.stale_version`` otherwise). Runners move their own, until the
    policy window before the start (``booking.too_late_to_change``); the clinic's staff any
    booked one, with ``override_reason`` outside the clinician's hours. The same checks as
    booking apply to the new time; the old time frees in the same commit."""
    _aware(start_at, "start_at")
    reason = _override(principal, override_reason)
    if _is_runner(principal) and room_id is not None:
        raise Forbidden("the clinic chooses the room", code="auth.forbidden")
    idempotency.check_key(idempotency_key)
    account_id = None if principal is None else principal.account_id
    scope = "reschedule"
    digest = idempotency.request_hash(
        op=scope,
        id=appointment_id,
        version=version,
        start=start_at.astimezone(dt.UTC).isoformat(),
        clinician=clinician_id,
        room=room_id,
        override=reason,
    )
    keyed = idempotency_key is not None and account_id is not None
    staff = not _is_runner(principal)
    info: dict[str, str] = {}
    try:
        with write_transaction(session):
            made = idempotency.replay(
                session,
                account_id=account_id,
                scope=scope,
                key=idempotency_key,
                digest=digest,
                now=now,
            )
            if made is not None:
                return _replayed(session, made, principal)
            row = _row_for(session, principal, appointment_id, lock=True)
            hold_clinic_calendar(session, row.clinic_id)
            info = {
                "clinic": row.clinic_id,
                "type": row.appointment_type_id,
                "runner": row.runner_id,
            }
            _require_booked(row, version)
            rules = load_rules(session, row.clinic_id, start_at=start_at, end_at=start_at)
            if not staff:
                _policy_deadline(row, rules, now, what="moved")
                found = runner_eligibility(
                    session, rules, runner_id=row.runner_id, clinic_id=row.clinic_id, now=now
                )
                if found.refusal is not None:
                    t_now = rules.type_by_id(row.appointment_type_id)
                    assert t_now is not None
                    require_type(found, t_now)
                require_by(found, start_at)
            t = rules.type_by_id(row.appointment_type_id)
            assert t is not None
            t = replace(t, active=True)  # a type retired since keeps its booked visits movable
            blocked_start, blocked_end = blocked_range(t, start_at)
            bookings = load_bookings(
                session,
                rules,
                runner_id=row.runner_id,
                start_at=blocked_start,
                end_at=blocked_end,
                margin=dt.timedelta(0),
            )
            slot = _place(
                rules,
                bookings,
                t,
                clinician_id=clinician_id or row.clinician_account_id,
                start_at=start_at,
                now=now,
                room_id=room_id,
                runner_id=row.runner_id,
                staff=staff,
                override=reason is not None,
                ignore=row.id,
            )
            old = {
                "start_at": row.start_at.isoformat(),
                "clinician_id": row.clinician_account_id,
                "room_id": row.room_id,
            }
            row.start_at, row.end_at = slot.start_at, slot.end_at
            row.blocked_start_at, row.blocked_end_at = slot.blocked_start_at, slot.blocked_end_at
            row.clinician_account_id, row.room_id = slot.clinician_id, slot.room_id
            row.version += 1
            row.updated_at = now
            if reason is not None:
                row.override_reason = reason
            session.flush()
            audit(
                session,
                actor=principal,
                runner_id=row.runner_id,
                action="update",
                resource="appointment",
                now=now,
                detail={
                    "appointment_id": row.id,
                    "old": old,
                    "start_at": row.start_at.isoformat(),
                    "clinician_id": row.clinician_account_id,
                    "version": row.version,
                    "override_reason": reason,
                },
            )
            for hook in _REMINDER_HOOKS:
                hook(session, row, rules, now, None)
            if keyed:
                idempotency.remember(
                    session,
                    account_id=account_id,
                    scope=scope,
                    key=idempotency_key,
                    digest=digest,
                    resource_id=row.id,
                    now=now,
                )
    except IntegrityError as exc:
        session.rollback()
        kind = overlap_of(exc)
        if not last_try and (
            (kind == "room" and room_id is None) or (kind == "clinician" and clinician_id is None)
        ):
            raise _Retry from exc
        raise _taken_error(
            session,
            _db_refusal(exc),
            clinic_id=info["clinic"],
            type_id=info["type"],
            start_at=start_at,
            now=now,
            runner_id=info["runner"],
            clinician_id=clinician_id,
            staff=staff,
            ignore=appointment_id,
        ) from exc
    except SlotTaken as exc:
        raise _taken_error(
            session,
            exc,
            clinic_id=info["clinic"],
            type_id=info["type"],
            start_at=start_at,
            now=now,
            runner_id=info["runner"],
            clinician_id=clinician_id,
            staff=staff,
            ignore=appointment_id,
        ) from None
    view = one_view(session, appointment_id, show_runner=True)
    assert view is not None
    return BookingResult(view)


def _lost_to_a_concurrent_writer(exc: DBAPIError) -> bool:
    """PostgreSQL chose this transaction as a deadlock victim or failed it for serialisation
    (SQLSTATE class 40): concurrent inserts checked against the same exclusion constraint
    can wait on each other. The whole use case rolled back, so it is simply run again."""
    state = getattr(exc.orig, "sqlstate", None)
    return isinstance(state, str) and state.startswith("40")


class _Retry(Exception):
    """The database refused the room or clinician this attempt chose; another may be free."""


RETRIES = 8
"""Attempts when a concurrent booking took the room (or first-available clinician) chosen."""


def book(
    session: Session,
    *,
    principal: Actor,
    clinic_id: str,
    appointment_type_id: str,
    start_at: dt.datetime,
    now: dt.datetime,
    clinician_id: str | None = None,
    runner_id: str | None = None,
    room_id: str | None = None,
    end_at: dt.datetime | None = None,
    override_reason: str | None = None,
    idempotency_key: str | None = None,
    share_record: bool = False,
) -> BookingResult:
    """Book an appointment; ``clinician_id=None`` takes the first clinician free then.

    A runner books for themselves (triage-allowed types, within notice, horizon and the
    triage deadline; ``share_record=True`` grants the consent the clinic needs, else
    ``booking.consent_required``). The clinic's staff book on behalf of a consenting runner
    (``runner_id``), any type, inside the notice, and with ``override_reason`` outside the
    clinician's hours (never over another booking). Errors: see ``clinic.check_slot``, plus
    ``booking.slot_taken`` (409, with ``next_slots``) when the database refuses a lost race,
    ``booking.duration_mismatch`` / ``booking.end_before_start`` for a wrong ``end_at``,
    ``idempotency.key_reused`` (422). When a concurrent booking took the room (or the
    first-available clinician) this one chose, it chooses again (``RETRIES`` attempts).
    """
    for attempt in range(RETRIES):
        try:
            return _book(
                session,
                principal=principal,
                clinic_id=clinic_id,
                appointment_type_id=appointment_type_id,
                start_at=start_at,
                now=now,
                clinician_id=clinician_id,
                runner_id=runner_id,
                room_id=room_id,
                end_at=end_at,
                override_reason=override_reason,
                idempotency_key=idempotency_key,
                share_record=share_record,
                last_try=attempt == RETRIES - 1,
            )
        except _Retry:
            continue
        except DBAPIError as exc:
            if attempt == RETRIES - 1 or not _lost_to_a_concurrent_writer(exc):
                raise
            session.rollback()  # nothing of this attempt stays: the next one starts afresh
    raise AssertionError("unreachable: the last attempt never retries")


def reschedule(
    session: Session,
    *,
    principal: Actor,
    appointment_id: str,
    version: int,
    start_at: dt.datetime,
    now: dt.datetime,
    clinician_id: str | None = None,
    room_id: str | None = None,
    override_reason: str | None = None,
    idempotency_key: str | None = None,
) -> BookingResult:
    """Move an appointment in place (same id, ``version`` + 1); ``version`` must be the one
    the caller saw (``booking.stale_version`` otherwise). Runners move their own, until the
    policy window before the start (``booking.too_late_to_change``); the clinic's staff any
    booked one, with ``override_reason`` outside the clinician's hours. The same checks as
    booking apply to the new time; the old time frees in the same commit."""
    for attempt in range(RETRIES):
        try:
            return _reschedule(
                session,
                principal=principal,
                appointment_id=appointment_id,
                version=version,
                start_at=start_at,
                now=now,
                clinician_id=clinician_id,
                room_id=room_id,
                override_reason=override_reason,
                idempotency_key=idempotency_key,
                last_try=attempt == RETRIES - 1,
            )
        except _Retry:
            continue
        except DBAPIError as exc:
            if attempt == RETRIES - 1 or not _lost_to_a_concurrent_writer(exc):
                raise
            session.rollback()  # nothing of this attempt stays: the next one starts afresh
    raise AssertionError("unreachable: the last attempt never retries")


def cancel(
    session: Session,
    *,
    principal: Actor,
    appointment_id: str,
    now: dt.datetime,
    version: int | None = None,
    reason: str | None = None,
    idempotency_key: str | None = None,
) -> BookingResult:
    """Cancel: runners their own until the policy window before the start
    (``booking.too_late_to_cancel``), the clinic's staff any booked one. Its time frees at
    once; its reminders will not go."""
    if reason is not None and len(reason) > 500:
        raise InvalidInput(
            "at most 500 characters",
            code="booking.invalid_reason",
            problems=[{"path": "reason", "msg": "at most 500 characters"}],
        )
    idempotency.check_key(idempotency_key)
    account_id = None if principal is None else principal.account_id
    digest = idempotency.request_hash(
        op="cancel", id=appointment_id, version=version, reason=reason
    )
    keyed = idempotency_key is not None and account_id is not None
    with write_transaction(session):
        made = idempotency.replay(
            session,
            account_id=account_id,
            scope="cancel",
            key=idempotency_key,
            digest=digest,
            now=now,
        )
        if made is not None:
            return _replayed(session, made, principal)
        row = _row_for(session, principal, appointment_id, lock=True)
        _require_booked(row, version)
        rules = load_rules(session, row.clinic_id, start_at=row.start_at, end_at=row.start_at)
        if _is_runner(principal):
            _policy_deadline(row, rules, now, what="cancelled")
        row.status = "cancelled"
        row.cancelled_at = now
        row.cancel_reason = None if reason is None else reason.strip() or None
        row.version += 1
        row.updated_at = now
        audit(
            session,
            actor=principal,
            runner_id=row.runner_id,
            action="update",
            resource="appointment",
            now=now,
            detail={"appointment_id": row.id, "status": "cancelled", "version": row.version},
        )
        for hook in _REMINDER_HOOKS:
            hook(session, row, rules, now, None)
        if keyed:
            idempotency.remember(
                session,
                account_id=account_id,
                scope="cancel",
                key=idempotency_key,
                digest=digest,
                resource_id=row.id,
                now=now,
            )
    view = one_view(session, appointment_id, show_runner=True)
    assert view is not None
    return BookingResult(view)


def mark_attendance(
    session: Session,
    *,
    principal: Actor,
    appointment_id: str,
    status: str,
    version: int,
    now: dt.datetime,
) -> BookingResult:
    """The clinic marks a visit ``attended`` or ``no_show`` once it has started (staff only)."""
    if status not in ("attended", "no_show"):
        raise InvalidInput(
            "attended or no_show",
            code="booking.invalid_status",
            problems=[{"path": "status", "msg": "attended or no_show"}],
        )
    if _is_runner(principal):
        raise Forbidden("only the clinic marks attendance", code="auth.forbidden")
    with write_transaction(session):
        row = _row_for(session, principal, appointment_id, lock=True)
        _require_booked(row, version)
        if now < row.start_at:
            raise Conflict("the visit has not started yet", code="booking.not_started")
        row.status = status
        row.version += 1
        row.updated_at = now
        audit(
            session,
            actor=principal,
            runner_id=row.runner_id,
            action="update",
            resource="appointment",
            now=now,
            detail={"appointment_id": row.id, "status": status, "version": row.version},
        )
        rules = load_rules(session, row.clinic_id, start_at=row.start_at, end_at=row.start_at)
        for hook in _REMINDER_HOOKS:
            hook(session, row, rules, now, None)
    view = one_view(session, appointment_id, show_runner=True)
    assert view is not None
    return BookingResult(view)


def get_appointment(
    session: Session, *, principal: Actor, appointment_id: str, now: dt.datetime
) -> AppointmentView:
    """One appointment: the runner's own, or (audited read) a consenting runner's for staff."""
    row = _row_for(session, principal, appointment_id, lock=False)
    if not _is_runner(principal):
        audit(
            session,
            actor=principal,
            runner_id=row.runner_id,
            action="read",
            resource="appointment",
            now=now,
            detail={"appointment_id": row.id},
        )
    session.commit()
    view = one_view(session, appointment_id, show_runner=True)
    assert view is not None
    return view


def list_my_appointments(
    session: Session, *, principal: Principal, now: dt.datetime, upcoming_only: bool = False
) -> list[AppointmentView]:
    """My appointments at every clinic, by start (``upcoming_only``: not yet ended)."""
    runner_id = own_runner_id(principal)
    query = view_query().where(Appointment.runner_id == runner_id)
    if upcoming_only:
        query = query.where(Appointment.end_at > now)
    rows = session.execute(query.order_by(Appointment.start_at, Appointment.id)).all()
    return [to_view(r, show_runner=True) for r in rows]


def list_runner_appointments(
    session: Session, *, principal: Principal, runner_id: str, now: dt.datetime
) -> list[AppointmentView]:
    """A consenting runner's appointments at my clinics (audited read)."""
    from backstride.services.policy import require_clinician_access

    require_clinician_access(session, principal, runner_id=runner_id, now=now)
    clinics = clinician_clinic_ids(session, account_id=principal.account_id)
    rows = session.execute(
        view_query()
        .where(Appointment.runner_id == runner_id, Appointment.clinic_id.in_(clinics))
        .order_by(Appointment.start_at, Appointment.id)
    ).all()
    audit(
        session,
        actor=principal,
        runner_id=runner_id,
        action="read",
        resource="appointments",
        now=now,
        detail={},
    )
    session.commit()
    return [to_view(r) for r in rows]


def clinic_schedule(
    session: Session,
    *,
    principal: Actor,
    clinic_id: str,
    from_at: dt.datetime,
    to_at: dt.datetime,
    now: dt.datetime,
    include_cancelled: bool = False,
) -> list[AppointmentView]:
    """The clinic's appointments starting in ``[from_at, to_at)`` (at most 31 days), by start;
    runners' names only while their consent is active; one audited read per runner named."""
    from backstride.services.booking.setup import require_range

    clinic = clinic_row(session, clinic_id)
    require_staff(session, principal, clinic.id)
    require_range(from_at, to_at)
    if to_at - from_at > dt.timedelta(days=31):
        raise InvalidInput(
            "at most 31 days at once",
            code="booking.window_too_long",
            problems=[{"path": "to", "msg": "at most 31 days after from"}],
        )
    query = view_query().where(
        Appointment.clinic_id == clinic.id,
        Appointment.start_at >= from_at,
        Appointment.start_at < to_at,
    )
    if not include_cancelled:
        query = query.where(Appointment.status != "cancelled")
    views = [
        to_view(r)
        for r in session.execute(query.order_by(Appointment.start_at, Appointment.id)).all()
    ]
    for runner_id in dict.fromkeys(v.runner_id for v in views if v.runner_name is not None):
        audit(
            session,
            actor=principal,
            runner_id=runner_id,
            action="read",
            resource="clinic_schedule",
            now=now,
            detail={"clinic_id": clinic.id},
        )
    session.commit()
    return views


__all__ = [
    "book",
    "cancel",
    "clinic_schedule",
    "get_appointment",
    "list_my_appointments",
    "list_runner_appointments",
    "mark_attendance",
    "on_change",
    "reschedule",
]
