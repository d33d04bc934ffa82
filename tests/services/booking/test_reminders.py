"""Reminders through the outbox, with a fake clock and a local SMTP sink: exactly one of each,
none after a cancel, a move gets reminders for its new time; every e-mail carries a calendar
that icalendar reads (METHOD REQUEST/CANCEL, stable UID, SEQUENCE = version)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from email.message import EmailMessage

import pytest
from icalendar import Calendar
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from backstride.config import Settings
from backstride.services import booking, outbox
from backstride.store.clinic_models import Appointment
from tests.mail_sink import SmtpSink
from tests.services.booking.world import MONDAY, NOW, BookingWorld, at, build_booking_world

EMAIL = "alpha@example.org"


@pytest.fixture
def bw(session: Session) -> BookingWorld:
    return build_booking_world(session)


@pytest.fixture
def factory(session: Session) -> sessionmaker[Session]:
    return sessionmaker(bind=session.get_bind(), expire_on_commit=False)


@pytest.fixture
def sink_settings(db_settings: Settings, smtp_sink: SmtpSink) -> Settings:
    return db_settings.model_copy(
        update={"smtp_host": smtp_sink.host, "smtp_port": smtp_sink.port, "smtp_security": "none"}
    )


def send(factory: sessionmaker[Session], settings: Settings, when: dt.datetime) -> int:
    return outbox.send_due(factory, settings=settings, now=when).sent


def calendar(msg: EmailMessage) -> Calendar:
    part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_content())


def subjects(sink: SmtpSink) -> list[str]:
    return [m["Subject"].split(":")[0] for m in sink.to(EMAIL)]


def book(session: Session, bw: BookingWorld, start: dt.datetime) -> booking.AppointmentView:
    return booking.book(
        session,
        principal=bw.principal(session, "runner_a"),
        clinic_id=bw.clinic_id,
        appointment_type_id=bw.assess_id,
        start_at=start,
        now=NOW,
        share_record=True,
    ).appointment


def test_a_confirmation_then_each_reminder_exactly_once_at_its_time(
    session: Session,
    bw: BookingWorld,
    factory: sessionmaker[Session],
    sink_settings: Settings,
    smtp_sink: SmtpSink,
) -> None:
    ap = book(session, bw, at(MONDAY, "09:00"))
    day_before, two_hours = (
        ap.start_at - dt.timedelta(hours=24),
        ap.start_at - dt.timedelta(hours=2),
    )
    assert send(factory, sink_settings, NOW) == 1
    assert send(factory, sink_settings, day_before - dt.timedelta(minutes=1)) == 0
    assert send(factory, sink_settings, day_before) == 1
    assert send(factory, sink_settings, day_before + dt.timedelta(minutes=5)) == 0
    assert send(factory, sink_settings, two_hours) == 1
    assert send(factory, sink_settings, ap.start_at + dt.timedelta(days=1)) == 0
    assert subjects(smtp_sink) == ["Booked", "Reminder", "Reminder"]
    for msg in smtp_sink.to(EMAIL):
        cal = calendar(msg)
        (ev,) = cal.walk("VEVENT")
        assert str(cal["METHOD"]) == "REQUEST"
        assert str(ev["UID"]) == f"appointment-{ap.id}@backstride"
        assert int(str(ev["SEQUENCE"])) == 1
        assert ev.decoded("DTSTART") == ap.start_at
        assert ev.decoded("DTEND") == ap.end_at
        assert str(ev["ORGANIZER"]).startswith("mailto:")
        assert str(ev["ATTENDEE"]) == f"mailto:{EMAIL}"


def test_no_reminder_after_a_cancel_and_the_cancellation_carries_method_cancel(
    session: Session,
    bw: BookingWorld,
    factory: sessionmaker[Session],
    sink_settings: Settings,
    smtp_sink: SmtpSink,
) -> None:
    ap = book(session, bw, at(MONDAY, "09:00"))
    send(factory, sink_settings, NOW)
    booking.cancel(
        session,
        principal=bw.principal(session, "runner_a"),
        appointment_id=ap.id,
        now=NOW + dt.timedelta(hours=1),
    )
    assert send(factory, sink_settings, NOW + dt.timedelta(hours=1)) == 1
    assert send(factory, sink_settings, ap.start_at - dt.timedelta(hours=24)) == 0
    assert send(factory, sink_settings, ap.start_at - dt.timedelta(hours=2)) == 0
    assert subjects(smtp_sink) == ["Booked", "Cancelled"]
    cancel = calendar(smtp_sink.to(EMAIL)[-1])
    (ev,) = cancel.walk("VEVENT")
    assert (str(cancel["METHOD"]), str(ev["STATUS"]), int(str(ev["SEQUENCE"]))) == (
        "CANCEL",
        "CANCELLED",
        2,
    )
    assert str(ev["UID"]) == f"appointment-{ap.id}@backstride"


def test_a_move_to_a_later_time_gets_its_own_reminders_and_the_old_ones_never_go(
    session: Session,
    bw: BookingWorld,
    factory: sessionmaker[Session],
    sink_settings: Settings,
    smtp_sink: SmtpSink,
) -> None:
    ap = book(session, bw, at(MONDAY, "09:00"))
    later = at(MONDAY + dt.timedelta(days=2), "15:00")
    booking.reschedule(
        session,
        principal=bw.principal(session, "runner_a"),
        appointment_id=ap.id,
        version=1,
        start_at=later,
        now=NOW,
    )
    assert send(factory, sink_settings, NOW) == 1  # only the version-2 confirmation
    assert send(factory, sink_settings, ap.start_at - dt.timedelta(hours=24)) == 0
    assert send(factory, sink_settings, ap.start_at - dt.timedelta(hours=2)) == 0
    assert send(factory, sink_settings, later - dt.timedelta(hours=24)) == 1
    assert send(factory, sink_settings, later - dt.timedelta(hours=2)) == 1
    assert send(factory, sink_settings, later + dt.timedelta(days=1)) == 0
    assert subjects(smtp_sink) == ["Moved", "Reminder", "Reminder"]
    assert {int(str(calendar(m).walk("VEVENT")[0]["SEQUENCE"])) for m in smtp_sink.to(EMAIL)} == {2}


def test_a_visit_booked_inside_a_reminder_offset_skips_that_reminder(
    session: Session,
    bw: BookingWorld,
    factory: sessionmaker[Session],
    sink_settings: Settings,
    smtp_sink: SmtpSink,
) -> None:
    soon = at(MONDAY.replace(day=26), "09:00")  # tomorrow, under 24 h away
    ap = book(session, bw, soon)
    assert send(factory, sink_settings, NOW) == 1
    assert send(factory, sink_settings, ap.start_at - dt.timedelta(hours=2)) == 1
    assert send(factory, sink_settings, ap.start_at) == 0
    assert subjects(smtp_sink) == ["Booked", "Reminder"]


def test_a_sender_that_was_down_past_the_start_sends_nothing_for_that_visit(
    session: Session,
    bw: BookingWorld,
    factory: sessionmaker[Session],
    sink_settings: Settings,
    smtp_sink: SmtpSink,
) -> None:
    ap = book(session, bw, at(MONDAY, "09:00"))
    report = outbox.send_due(
        factory, settings=sink_settings, now=ap.start_at + dt.timedelta(minutes=1)
    )
    assert (report.sent, report.voided) == (0, 3)  # the confirmation and both reminders
    assert smtp_sink.to(EMAIL) == []


def test_a_worker_process_of_its_own_sends_the_confirmation(
    session: Session, bw: BookingWorld, sink_settings: Settings, smtp_sink: SmtpSink
) -> None:
    """``backstride worker`` never imports the booking pages or API: the sender must still
    know the booking's guard, or the confirmation would be voided instead of sent."""
    ap = book(session, bw, at(MONDAY, "09:00"))
    # The worker reads the wall clock: move the visit a year past it, so that the guard's
    # "not begun" holds whenever this runs (its reminders are due at once).
    ahead = dt.timedelta(days=(dt.datetime.now(dt.UTC) - ap.start_at).days + 365)
    row = session.get(Appointment, ap.id)
    assert row is not None
    session.execute(
        update(Appointment)
        .where(Appointment.id == ap.id)
        .values(
            start_at=row.start_at + ahead,
            end_at=row.end_at + ahead,
            blocked_start_at=row.blocked_start_at + ahead,
            blocked_end_at=row.blocked_end_at + ahead,
        )
    )
    session.commit()
    env = dict(
        os.environ,
        BACKSTRIDE_DATA_DIR=str(sink_settings.data_dir),
        BACKSTRIDE_DATABASE_URL=sink_settings.effective_database_url,
        BACKSTRIDE_SMTP_HOST=smtp_sink.host,
        BACKSTRIDE_SMTP_PORT=str(smtp_sink.port),
        BACKSTRIDE_SMTP_SECURITY="none",
    )
    ran = subprocess.run(
        [sys.executable, "-c", "from backstride.cli.main import main; main()", "worker", "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    # Every message went (the reminders were due at once); none was voided.
    confirmation = next(m for m in smtp_sink.to(EMAIL) if m["Subject"].startswith("Booked"))
    assert str(calendar(confirmation)["METHOD"]) == "REQUEST"
    assert {v.status for v in outbox.list_messages(session)} == {"sent"}
