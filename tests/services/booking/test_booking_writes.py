"""What one booking writes, and how few statements it takes: a first booking stores its
consent, the appointment, an audit event for each and the e-mails for the runner's login in
one read of the runner and clinic and four inserts (PostgreSQL: two statements, the clinic's
lock taken with the read); a runner without a login gets the booking and no e-mail; a message
queued twice under one key is refused, never sent twice; a booking refused after the read
ends its transaction; one that waited for the clinic's lock sees what its holder wrote."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import replace

import pytest
from sqlalchemy import Engine, event, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backstride.clinic import SlotTaken
from backstride.errors import Forbidden
from backstride.services import booking, outbox
from backstride.services.booking import appointments
from backstride.services.booking.transaction import calendar_key
from backstride.services.mail import Mail
from backstride.store.clinic_models import Appointment
from backstride.store.db import session_factory
from backstride.store.models import AuditEvent, Clinic, Consent, OutboxMessage, Runner
from backstride.units import new_id
from tests.services.booking.world import MONDAY, NOW, BookingWorld, at, build_booking_world


@pytest.fixture
def bw(session: Session) -> BookingWorld:
    return build_booking_world(session)


def statements_during(engine: Engine) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(" ".join(statement.split()[:3]).upper())

    return seen


def runner_books(session: Session, bw: BookingWorld, actor: str, hhmm: str) -> str:
    return booking.book(
        session,
        principal=bw.principal(session, actor),
        clinic_id=bw.clinic_id,
        appointment_type_id=bw.assess_id,
        start_at=at(MONDAY, hhmm),
        now=NOW,
        share_record=True,
    ).appointment.id


def test_a_first_booking_reads_the_runner_once_and_writes_its_rows_in_few_statements(
    session: Session, bw: BookingWorld, engine: Engine
) -> None:
    runner_books(session, bw, "runner_a", "09:00")  # the clinic's rules are kept from here
    principal = bw.principal(session, "runner_b")  # not yet sharing with the clinic
    session.commit()
    seen = statements_during(engine)
    full: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: full.append(str(args[2])))
    made = booking.book(
        session,
        principal=principal,
        clinic_id=bw.clinic_id,
        appointment_type_id=bw.assess_id,
        start_at=at(MONDAY, "10:00"),
        now=NOW,
        share_record=True,
    ).appointment
    postgres = engine.dialect.name == "postgresql"
    writes = sorted(s for s in seen if s.startswith(("INSERT", "WITH")))
    if postgres:  # the consent, the appointment and both audit events in one statement
        assert writes == ["INSERT INTO OUTBOX_MESSAGES", "WITH GRANTED AS"]
        assert "INSERT INTO audit_events" in next(s for s in full if s.startswith("WITH"))
    else:
        assert writes == [
            "INSERT INTO APPOINTMENTS",
            "INSERT INTO AUDIT_EVENTS",
            "INSERT INTO CONSENTS",
            "INSERT INTO OUTBOX_MESSAGES",
        ]
    # the clinic and its rules' stamp, the runner with everything about them (on PostgreSQL
    # also the clinic's booking lock: no statement of its own), the bookings
    assert len([s for s in seen if s.startswith("SELECT")]) == 3
    assert len(seen) == (5 if postgres else 8)  # SQLite: and its BEGIN IMMEDIATE
    locking = [s for s in full if "pg_advisory_xact_lock" in s]
    if postgres:  # one clinic's queue, taken with the runner's read
        assert len(locking) == 1
        assert "FROM runners" in locking[0]
    else:
        assert locking == []
    runner_id = bw.world.runner_b
    assert session.scalar(
        select(func.count()).where(Consent.runner_id == runner_id, Consent.revoked_at.is_(None))
    )
    audited = session.execute(
        select(AuditEvent.resource, AuditEvent.action, AuditEvent.actor_role).where(
            AuditEvent.runner_id == runner_id, AuditEvent.action == "create"
        )
    ).all()
    assert sorted(audited) == [
        ("appointment", "create", "runner"),
        ("consent", "create", "runner"),
    ]
    mails = session.execute(
        select(OutboxMessage.kind, OutboxMessage.to_addr).where(OutboxMessage.guard_ref == made.id)
    ).all()
    assert {kind for kind, _ in mails} == {"booking.confirmation", "booking.reminder"}
    assert {to for _, to in mails} == {bw.world.emails["runner_b"]}
    runner, clinic = session.get(Runner, runner_id), session.get(Clinic, bw.clinic_id)
    assert runner is not None
    assert clinic is not None
    assert (made.runner_name, made.clinic_name) == (runner.display_name, clinic.name)


def test_a_consent_granted_while_the_booking_was_checked_is_not_granted_twice(
    session: Session, bw: BookingWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The runner, their consent and their triage are read before the write transaction: a
    # second booking of theirs may grant the consent in between. Seen from here: the read
    # said "no consent yet", but one is active by the time this booking writes.
    runner_id = bw.world.runner_b
    session.add(Consent(id=new_id(), runner_id=runner_id, clinic_id=bw.clinic_id, granted_at=NOW))
    session.commit()
    real_who = appointments._who

    def who_before_the_grant(*args: object, **kwargs: object) -> appointments._Who:
        return replace(real_who(*args, **kwargs), consent=False)  # type: ignore[arg-type]

    monkeypatch.setattr(appointments, "_who", who_before_the_grant)
    made = runner_books(session, bw, "runner_b", "10:00")
    active = select(func.count()).where(
        Consent.runner_id == runner_id, Consent.revoked_at.is_(None)
    )
    assert session.scalar(active) == 1
    audited = session.scalars(
        select(AuditEvent.resource).where(
            AuditEvent.runner_id == runner_id, AuditEvent.action == "create"
        )
    ).all()
    assert audited == ["appointment"]  # no consent granted here, so none audited
    assert session.get(Appointment, made) is not None


def test_a_runner_without_a_login_is_booked_by_the_front_desk_and_gets_no_email(
    session: Session, bw: BookingWorld
) -> None:
    runner = Runner(
        id=new_id(), handle="walk-in", account_id=None, display_name="Walk In", created_at=NOW
    )
    session.add(runner)
    session.commit()
    session.add(Consent(id=new_id(), runner_id=runner.id, clinic_id=bw.clinic_id, granted_at=NOW))
    session.commit()
    made = booking.book(
        session,
        principal=None,
        clinic_id=bw.clinic_id,
        appointment_type_id=bw.assess_id,
        start_at=at(MONDAY, "11:00"),
        now=NOW,
        runner_id=runner.id,
    ).appointment
    assert made.runner_name == "Walk In"
    assert session.get(Appointment, made.id) is not None
    assert not session.scalar(select(func.count()).where(OutboxMessage.guard_ref == made.id))


def test_a_message_queued_again_under_its_key_is_refused_not_sent_twice(
    session: Session,
) -> None:
    message = outbox.Outgoing(
        Mail(to_addr="someone@example.org", subject="Hello", body_text="Hi\n"),
        kind="test.hello",
        dedup_key=f"test:{new_id()}",
    )
    outbox.enqueue_many(session, [message], now=NOW, fresh=True)
    session.commit()
    outbox.enqueue_many(session, [message], now=NOW + dt.timedelta(minutes=1))  # looked up
    session.commit()
    with pytest.raises(IntegrityError):
        outbox.enqueue_many(session, [message], now=NOW + dt.timedelta(minutes=2), fresh=True)
    session.rollback()
    queued = select(func.count()).where(OutboxMessage.dedup_key == message.dedup_key)
    assert session.scalar(queued) == 1


def test_a_write_made_before_the_write_transaction_is_committed_on_its_own(
    session: Session, bw: BookingWorld
) -> None:
    """SQLite: a booking's reads take the write lock on the same connection; a request that has
    written already (uncommitted) gets that write committed first, then the body runs in a
    transaction of its own, which a failure rolls back alone."""
    from backstride.services.booking.transaction import write_transaction

    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL writes the request in one transaction: nothing to split")
    runner_id = session.scalars(select(Runner.id)).first()
    assert runner_id is not None
    session.execute(update(Runner).where(Runner.id == runner_id).values(display_name="Before"))

    def failing_booking() -> None:
        with write_transaction(session):
            session.execute(
                update(Runner).where(Runner.id == runner_id).values(display_name="Inside")
            )
            raise RuntimeError("the booking failed")

    with pytest.raises(RuntimeError):
        failing_booking()
    session.expire_all()
    assert session.scalar(select(Runner.display_name).where(Runner.id == runner_id)) == "Before"
    with write_transaction(session):
        session.execute(update(Runner).where(Runner.id == runner_id).values(display_name="After"))
    session.expire_all()
    assert session.scalar(select(Runner.display_name).where(Runner.id == runner_id)) == "After"


def _lock_is_free(engine: Engine, clinic_id: str) -> bool:
    """Whether another connection could take the clinic's booking lock now (PostgreSQL)."""
    with engine.connect() as other:
        free = other.execute(
            text("SELECT pg_try_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": calendar_key(clinic_id)},
        ).scalar()
        other.rollback()
    return bool(free)


def test_a_booking_refused_before_its_write_ends_its_transaction_and_the_clinics_lock(
    session: Session, bw: BookingWorld, engine: Engine
) -> None:
    """On PostgreSQL the read of the runner takes the clinic's booking lock (decision 0074); a
    booking refused after it (here: no consent shared) must not keep the clinic waiting
    until the request's session closes."""
    principal = bw.principal(session, "runner_b")  # not yet sharing with the clinic
    session.commit()
    with pytest.raises(Forbidden):
        booking.book(
            session,
            principal=principal,
            clinic_id=bw.clinic_id,
            appointment_type_id=bw.assess_id,
            start_at=at(MONDAY, "10:00"),
            now=NOW,
            share_record=False,
        )
    assert not session.in_transaction()
    if engine.dialect.name == "postgresql":
        assert _lock_is_free(engine, bw.clinic_id)


def test_a_booking_waiting_for_the_clinics_lock_places_against_what_its_holder_committed(
    session: Session, bw: BookingWorld, engine: Engine
) -> None:
    """The lock is taken by a statement of its own before the bookings are read (READ
    COMMITTED: a snapshot per statement), so a booking that waited sees the holder's row and
    is refused by the placement, without an insert the database has to refuse."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's BEGIN IMMEDIATE lets one writer in before any read")
    first = runner_books(session, bw, "runner_a", "09:00")
    principal = bw.principal(session, "runner_a")
    session.commit()
    row = session.execute(select(Appointment.__table__).where(Appointment.id == first)).one()
    later = {
        **row._asdict(),
        "id": new_id(),
        "runner_id": bw.world.runner_b,
        **{
            k: getattr(row, k) + dt.timedelta(hours=1)
            for k in ("start_at", "end_at", "blocked_start_at", "blocked_end_at")
        },
    }
    mine: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        if threading.current_thread() is booker:
            mine.append(statement)

    outcome: list[BaseException | None] = []

    def book_10() -> None:
        with session_factory(engine)() as other:
            try:
                booking.book(
                    other,
                    principal=principal,
                    clinic_id=bw.clinic_id,
                    appointment_type_id=bw.assess_id,
                    start_at=at(MONDAY, "10:00"),
                    now=NOW,
                )
                outcome.append(None)
            except BaseException as exc:  # handed to the test's thread
                outcome.append(exc)

    booker = threading.Thread(target=book_10)
    with engine.connect() as holder:
        holder.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": calendar_key(bw.clinic_id)},
        )
        booker.start()
        waiting = text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'"
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with engine.connect() as probe:
                if probe.execute(waiting).scalar():
                    break
            time.sleep(0.01)
        else:
            raise AssertionError("the booking never waited for the clinic's lock")
        holder.execute(insert(Appointment), later)  # the time it is waiting for
        holder.commit()
    booker.join(timeout=10)
    assert len(outcome) == 1
    assert isinstance(outcome[0], SlotTaken)
    assert not [s for s in mine if s.lstrip().upper().startswith("INSERT INTO APPOINTMENTS")]


def test_the_bookings_read_has_one_text_for_any_clinic_on_postgres_and_the_same_rows(
    session: Session, bw: BookingWorld, engine: Engine
) -> None:
    """PostgreSQL reads the bookings around a time with an array parameter per id list
    (decision 0074): the statement's text does not grow with the clinic's clinicians and
    rooms (no expansion at every execution, one prepared statement on the server), and it
    finds the rows the ``IN`` lists find."""
    from backstride.services.booking.load import _BOOKINGS_AROUND, load_bookings, load_rules

    for hhmm in ("09:00", "10:00"):
        runner_books(session, bw, "runner_a" if hhmm == "09:00" else "runner_b", hhmm)
    rules = load_rules(session, bw.clinic_id, start_at=at(MONDAY, "09:00"), end_at=NOW)
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(str(args[2])))
    lo, hi = at(MONDAY, "08:00"), at(MONDAY, "12:00")
    found = load_bookings(session, rules, runner_id=bw.world.runner_a, start_at=lo, end_at=hi)
    alone = replace(rules, clinicians=rules.clinicians[:1], rooms=())
    load_bookings(session, alone, runner_id=bw.world.runner_a, start_at=lo, end_at=hi)
    assert len(found) == 2
    if engine.dialect.name == "postgresql":
        assert seen[0] == seen[1]
        assert "ANY" in seen[0]
        params = {
            "clinicians": [c.id for c in rules.clinicians],
            "rooms": [r.id for r in rules.rooms],
            "runner_id": bw.world.runner_a,
            "lo": lo - dt.timedelta(days=1),
            "hi": hi + dt.timedelta(days=1),
            "earliest": lo - dt.timedelta(days=2),
        }
        as_lists = session.connection().execute(_BOOKINGS_AROUND[False, True], params).all()
        assert sorted(r[0] for r in as_lists) == sorted(b.id for b in found)
