"""What one booking writes, and how few statements it takes: a first booking stores its
consent, the appointment, an audit event for each and the e-mails for the runner's login in
one read of the runner and clinic and four inserts; a runner without a login gets the
booking and no e-mail; a message queued twice under one key is refused, never sent twice."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import Engine, event, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backstride.services import booking, outbox
from backstride.services.booking import appointments
from backstride.services.mail import Mail
from backstride.store.clinic_models import Appointment
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


def test_a_first_booking_reads_the_runner_once_and_writes_its_rows_in_four_inserts(
    session: Session, bw: BookingWorld, engine: Engine
) -> None:
    runner_books(session, bw, "runner_a", "09:00")  # the clinic's rules are kept from here
    principal = bw.principal(session, "runner_b")  # not yet sharing with the clinic
    session.commit()
    seen = statements_during(engine)
    made = booking.book(
        session,
        principal=principal,
        clinic_id=bw.clinic_id,
        appointment_type_id=bw.assess_id,
        start_at=at(MONDAY, "10:00"),
        now=NOW,
        share_record=True,
    ).appointment
    inserts = sorted(s for s in seen if s.startswith("INSERT"))
    assert inserts == [
        "INSERT INTO APPOINTMENTS",
        "INSERT INTO AUDIT_EVENTS",
        "INSERT INTO CONSENTS",
        "INSERT INTO OUTBOX_MESSAGES",
    ]
    # the clinic and its rules' stamp, the runner with everything about them, the bookings
    locks = [s for s in seen if s.startswith("SELECT PG_ADVISORY_XACT_LOCK")]
    assert len(locks) == (1 if engine.dialect.name == "postgresql" else 0)  # one clinic's queue
    assert len([s for s in seen if s.startswith("SELECT")]) - len(locks) == 3
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
