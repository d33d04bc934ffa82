"""The outbox sends an e-mail once, only if its transaction committed, only while its guard
holds, with backoff on transient SMTP failures, and keeps no body after sending."""

from __future__ import annotations

import asyncio
import datetime as dt
import smtplib
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage
from types import SimpleNamespace
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from backstride.cli.main import app as cli
from backstride.config import Settings
from backstride.services import outbox
from backstride.services.imports.queue import _Runtime, _send_outbox
from backstride.services.imports.worker import ImportWorker
from backstride.services.mail import FileTransport, Mail, compose
from backstride.store.models import OutboxMessage
from tests.mail_sink import SmtpSink

NOW = dt.datetime(2026, 12, 5, 9, tzinfo=dt.UTC)
ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//backstride//test//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:appt-1@backstride\r\nSEQUENCE:1\r\nDTSTAMP:20261205T090000Z\r\n"
    "DTSTART:20261207T090000Z\r\nDTEND:20261207T094500Z\r\nSUMMARY:Assessment\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)

_still_valid: dict[str, int] = {}


def _appointment_guard(session: Session, ref: str, version: int | None, now: dt.datetime) -> bool:
    return _still_valid.get(ref) == version


outbox.register_guard("test.appointment", _appointment_guard)


def _mail(to: str = "ana@example.org", **extra: str) -> Mail:
    return Mail(to_addr=to, subject="Your visit", body_text="See you on Monday.", **extra)


@pytest.fixture
def sink_settings(db_settings: Settings, smtp_sink: SmtpSink) -> Settings:
    return db_settings.model_copy(
        update={"smtp_host": smtp_sink.host, "smtp_port": smtp_sink.port, "smtp_security": "none"}
    )


@pytest.fixture
def factory(session: Session) -> sessionmaker[Session]:
    bind = session.get_bind()
    return sessionmaker(bind=bind, expire_on_commit=False)


def _row(factory: sessionmaker[Session], row_id: str) -> OutboxMessage:
    with factory() as s:
        row = s.get(OutboxMessage, row_id)
        assert row is not None
        return row


def test_a_committed_message_is_sent_once_and_its_body_erased(
    factory: sessionmaker[Session], sink_settings: Settings, smtp_sink: SmtpSink
) -> None:
    with factory() as s:
        row_id = outbox.enqueue(s, mail=_mail(), kind="test", dedup_key="k1", now=NOW)
        s.commit()
    first = outbox.send_due(factory, settings=sink_settings, now=NOW)
    second = outbox.send_due(factory, settings=sink_settings, now=NOW + dt.timedelta(hours=1))
    assert (first.sent, second.sent) == (1, 0)
    (msg,) = smtp_sink.to("ana@example.org")
    assert msg["Subject"] == "Your visit"
    assert msg.get_content().strip() == "See you on Monday."
    row = _row(factory, row_id)
    assert (row.status, row.sent_at, row.body_text) == ("sent", NOW, None)


def test_a_rolled_back_change_sends_nothing(
    factory: sessionmaker[Session], sink_settings: Settings, smtp_sink: SmtpSink
) -> None:
    with factory() as s:
        outbox.enqueue(s, mail=_mail(), kind="test", dedup_key="k-rolled-back", now=NOW)
        s.rollback()
    assert outbox.send_due(factory, settings=sink_settings, now=NOW).sent == 0
    assert smtp_sink.messages == []


def test_the_same_dedup_key_enqueues_one_message(
    factory: sessionmaker[Session], sink_settings: Settings, smtp_sink: SmtpSink
) -> None:
    with factory() as s:
        a = outbox.enqueue(s, mail=_mail(), kind="test", dedup_key="same", now=NOW)
        s.commit()
    with factory() as s:
        b = outbox.enqueue(
            s, mail=_mail("other@example.org"), kind="test", dedup_key="same", now=NOW
        )
        s.commit()
    assert a == b
    outbox.send_due(factory, settings=sink_settings, now=NOW)
    assert [m["To"] for m in smtp_sink.messages] == ["ana@example.org"]


def test_a_message_waits_until_it_is_due(
    factory: sessionmaker[Session], sink_settings: Settings, smtp_sink: SmtpSink
) -> None:
    later = NOW + dt.timedelta(hours=22)
    with factory() as s:
        outbox.enqueue(s, mail=_mail(), kind="test", dedup_key="due", now=NOW, send_after=later)
        s.commit()
    assert (
        outbox.send_due(factory, settings=sink_settings, now=later - dt.timedelta(seconds=1)).sent
        == 0
    )
    assert outbox.send_due(factory, settings=sink_settings, now=later).sent == 1


def test_a_guard_that_no_longer_holds_voids_the_message(
    factory: sessionmaker[Session], sink_settings: Settings, smtp_sink: SmtpSink
) -> None:
    _still_valid["appt-moved"] = 1
    guard = outbox.GuardRef(kind="test.appointment", ref="appt-moved", version=1)
    with factory() as s:
        row_id = outbox.enqueue(s, mail=_mail(), kind="test", dedup_key="g1", now=NOW, guard=guard)
        s.commit()
    _still_valid["appt-moved"] = 2  # rescheduled: version 1's reminder no longer applies
    report = outbox.send_due(factory, settings=sink_settings, now=NOW)
    assert (report.sent, report.voided) == (0, 1)
    assert smtp_sink.messages == []
    assert _row(factory, row_id).status == "void"


def test_void_cancels_pending_messages_of_a_guarded_thing(
    factory: sessionmaker[Session], sink_settings: Settings, smtp_sink: SmtpSink
) -> None:
    _still_valid["appt-cancel"] = 3
    guard = outbox.GuardRef(kind="test.appointment", ref="appt-cancel", version=3)
    with factory() as s:
        outbox.enqueue(s, mail=_mail(), kind="test", dedup_key="c24", now=NOW, guard=guard)
        outbox.enqueue(s, mail=_mail(), kind="test", dedup_key="c2", now=NOW, guard=guard)
        s.commit()
    with factory() as s:
        assert outbox.void(s, guard=guard) == 2
        s.commit()
    assert outbox.send_due(factory, settings=sink_settings, now=NOW).sent == 0
    assert smtp_sink.messages == []


def test_an_unregistered_guard_is_refused_when_enqueueing(session: Session) -> None:
    with pytest.raises(ValueError, match="no outbox guard"):
        outbox.enqueue(
            session,
            mail=_mail(),
            kind="test",
            dedup_key="x",
            now=NOW,
            guard=outbox.GuardRef(kind="nobody.registered", ref="1"),
        )


def test_a_message_whose_guard_the_sender_does_not_know_waits_and_is_neither_sent_nor_voided(
    factory: sessionmaker[Session],
    sink_settings: Settings,
    smtp_sink: SmtpSink,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _still_valid["appt-unknown"] = 1
    guard = outbox.GuardRef(kind="test.appointment", ref="appt-unknown", version=1)
    with factory() as s:
        row_id = outbox.enqueue(s, mail=_mail(), kind="test", dedup_key="u1", now=NOW, guard=guard)
        s.commit()
    with monkeypatch.context() as m:  # a sending process that did not load the feature
        m.delitem(outbox._GUARDS, "test.appointment")
        report = outbox.send_due(factory, settings=sink_settings, now=NOW)
    assert (report.sent, report.voided, report.retried) == (0, 0, 1)
    row = _row(factory, row_id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "no guard registered" in (row.last_error or "")
    assert smtp_sink.messages == []
    later = NOW + dt.timedelta(minutes=1)  # a process that knows the guard sends it
    assert outbox.send_due(factory, settings=sink_settings, now=later).sent == 1
    assert len(smtp_sink.messages) == 1


def test_a_transient_failure_is_retried_with_backoff(
    factory: sessionmaker[Session], sink_settings: Settings, smtp_sink: SmtpSink
) -> None:
    with factory() as s:
        row_id = outbox.enqueue(s, mail=_mail(), kind="test", dedup_key="t1", now=NOW)
        s.commit()
    smtp_sink.refuse_with = "451 Try again later"
    assert outbox.send_due(factory, settings=sink_settings, now=NOW).retried == 1
    row = _row(factory, row_id)
    assert (row.status, row.attempts, row.send_after) == (
        "pending",
        1,
        NOW + dt.timedelta(minutes=1),
    )
    smtp_sink.refuse_with = None
    assert (
        outbox.send_due(factory, settings=sink_settings, now=NOW + dt.timedelta(seconds=30)).sent
        == 0
    )
    assert (
        outbox.send_due(factory, settings=sink_settings, now=NOW + dt.timedelta(minutes=1)).sent
        == 1
    )
    assert len(smtp_sink.messages) == 1


def test_a_permanent_failure_gives_up_at_once(
    factory: sessionmaker[Session], sink_settings: Settings, smtp_sink: SmtpSink
) -> None:
    with factory() as s:
        row_id = outbox.enqueue(s, mail=_mail(), kind="test", dedup_key="p1", now=NOW)
        s.commit()
    smtp_sink.refuse_with = "554 Transaction failed"
    assert outbox.send_due(factory, settings=sink_settings, now=NOW).failed == 1
    row = _row(factory, row_id)
    assert (row.status, row.body_text) == ("failed", None)
    assert "554" in (row.last_error or "")


def test_an_unreachable_server_is_given_up_after_the_configured_attempts(
    factory: sessionmaker[Session], db_settings: Settings
) -> None:
    closed = db_settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": 9,
            "smtp_security": "none",
            "outbox_max_attempts": 2,
            "smtp_timeout_s": 2.0,
        }
    )
    with factory() as s:
        row_id = outbox.enqueue(s, mail=_mail(), kind="test", dedup_key="u1", now=NOW)
        s.commit()
    assert outbox.send_due(factory, settings=closed, now=NOW).retried == 1
    later = NOW + dt.timedelta(minutes=1)
    assert outbox.send_due(factory, settings=closed, now=later).failed == 1
    assert _row(factory, row_id).status == "failed"


def test_a_message_left_sending_by_a_dead_worker_is_never_sent_again(
    factory: sessionmaker[Session], sink_settings: Settings, smtp_sink: SmtpSink
) -> None:
    with factory() as s:
        row_id = outbox.enqueue(s, mail=_mail(), kind="test", dedup_key="d1", now=NOW)
        s.commit()
        row = s.get(OutboxMessage, row_id)
        assert row is not None
        row.status, row.claimed_at = "sending", NOW  # claimed, then the process died
        s.commit()
    report = outbox.send_due(
        factory, settings=sink_settings, now=NOW + dt.timedelta(seconds=outbox.SENDING_STALE_S + 1)
    )
    assert (report.unknown, report.sent) == (1, 0)
    assert smtp_sink.messages == []
    assert _row(factory, row_id).status == "unknown"


def test_a_calendar_invitation_is_an_imip_alternative_and_an_attachment(
    factory: sessionmaker[Session], sink_settings: Settings, smtp_sink: SmtpSink
) -> None:
    with factory() as s:
        outbox.enqueue(
            s, mail=_mail(ics=ICS, ics_method="REQUEST"), kind="test", dedup_key="ics", now=NOW
        )
        s.commit()
    outbox.send_due(factory, settings=sink_settings, now=NOW)
    (msg,) = smtp_sink.messages
    parts = {p.get_content_type(): p for p in msg.walk()}
    calendar_part = parts["text/calendar"]
    assert calendar_part.get_param("method") == "REQUEST"
    event = Calendar.from_ical(calendar_part.get_content()).walk("VEVENT")[0]
    assert (str(event["UID"]), int(str(event["SEQUENCE"]))) == ("appt-1@backstride", 1)
    attachment = parts["application/ics"]
    assert attachment.get_filename() == "invite.ics"


def test_without_an_smtp_server_messages_are_written_as_files(
    factory: sessionmaker[Session], db_settings: Settings
) -> None:
    assert db_settings.smtp_host is None
    with factory() as s:
        outbox.enqueue(s, mail=_mail(), kind="test", dedup_key="f1", now=NOW)
        s.commit()
    assert outbox.send_due(factory, settings=db_settings, now=NOW).sent == 1
    (path,) = db_settings.mail_dir.glob("*.eml")
    assert b"See you on Monday." in path.read_bytes()


def test_compose_refuses_an_unknown_calendar_method() -> None:
    with pytest.raises(ValueError, match="calendar method"):
        compose(_mail(ics=ICS, ics_method="PUBLISHED"), sender="a@b.c", now=NOW)


def test_file_transport_names_files_after_the_message_id(tmp_path) -> None:  # type: ignore[no-untyped-def]
    message: EmailMessage = compose(_mail(), sender="clinic <no-reply@clinic.example>", now=NOW)
    FileTransport(tmp_path).send(message)
    (path,) = tmp_path.glob("*.eml")
    assert "clinic.example" in path.name


def test_list_messages_shows_state_but_no_body(
    factory: sessionmaker[Session], sink_settings: Settings
) -> None:
    with factory() as s:
        outbox.enqueue(s, mail=_mail(), kind="reset", dedup_key="l1", now=NOW)
        s.commit()
        (view,) = outbox.list_messages(s, kind="reset")
    assert (view.status, view.to_addr) == ("pending", "ana@example.org")
    assert not hasattr(view, "body_text")
    with factory() as s:
        assert s.scalars(select(OutboxMessage.kind)).all() == ["reset"]


def test_backstride_worker_once_sends_the_due_mail(
    factory: sessionmaker[Session],
    sink_settings: Settings,
    smtp_sink: SmtpSink,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with factory() as s:
        outbox.enqueue(s, mail=_mail(), kind="test", dedup_key="cli", now=NOW)
        s.commit()
    for name, value in {
        "DATA_DIR": str(sink_settings.data_dir),
        "DATABASE_URL": sink_settings.effective_database_url,
        "SMTP_HOST": smtp_sink.host,
        "SMTP_PORT": str(smtp_sink.port),
        "SMTP_SECURITY": "none",
    }.items():
        monkeypatch.setenv(f"BACKSTRIDE_{name}", value)
    ran = CliRunner().invoke(cli, ["worker", "--once"])
    assert ran.exit_code == 0, ran.output
    # On PostgreSQL the queue's periodic outbox task may send it during the same run.
    assert "e-mail(s)" in ran.output
    assert [m["Subject"] for m in smtp_sink.messages] == ["Your visit"]


@pytest.mark.parametrize("backend", ["postgres"])
def test_the_periodic_queue_task_sends_the_due_mail(
    factory: sessionmaker[Session], sink_settings: Settings, smtp_sink: SmtpSink
) -> None:
    with factory() as s:
        outbox.enqueue(s, mail=_mail(), kind="test", dedup_key="periodic", now=NOW)
        s.commit()
    runtime = _Runtime(factory, sink_settings, lambda: NOW, None, threading.Event())
    context = SimpleNamespace(additional_context={"backstride": runtime})
    asyncio.run(_send_outbox(context, 0))  # type: ignore[arg-type]
    assert len(smtp_sink.messages) == 1


def test_the_background_worker_thread_sends_due_mail(
    factory: sessionmaker[Session], sink_settings: Settings, smtp_sink: SmtpSink
) -> None:
    worker = ImportWorker(factory, settings=sink_settings, clock=lambda: NOW, poll_s=0.05)
    with factory() as s:
        outbox.enqueue(s, mail=_mail(), kind="test", dedup_key="thread", now=NOW)
        s.commit()
    worker.start()
    try:
        deadline = time.monotonic() + 20
        while not smtp_sink.messages and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    assert len(smtp_sink.messages) == 1


def test_the_worker_sends_mail_every_few_tenths_and_looks_at_the_job_queue_at_its_own_pace(
    factory: sessionmaker[Session],
    sink_settings: Settings,
    smtp_sink: SmtpSink,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Mail queued while the worker waits goes out at the next mail pass (every
    ``mail_poll_s``), not at the job queue's next poll; the queue is still looked at once per
    ``poll_s``."""
    from backstride.services.imports import worker as worker_module

    looks: list[float] = []
    claim = getattr(worker_module, "claim_next")  # noqa: B009 - not exported, patched here

    def counted(*args: Any, **kw: Any) -> Any:
        looks.append(time.monotonic())
        return claim(*args, **kw)

    monkeypatch.setattr(worker_module, "claim_next", counted)
    worker = ImportWorker(
        factory, settings=sink_settings, clock=lambda: NOW, poll_s=30.0, mail_poll_s=0.05
    )
    worker.start()
    try:
        time.sleep(0.3)  # the first look and a few empty mail passes
        with factory() as s:
            outbox.enqueue(s, mail=_mail(), kind="test", dedup_key="between", now=NOW)
            s.commit()
        deadline = time.monotonic() + 10
        while not smtp_sink.messages and time.monotonic() < deadline:
            time.sleep(0.02)
        sent_after = time.monotonic() - (deadline - 10)
    finally:
        worker.stop()
    assert len(smtp_sink.messages) == 1
    assert sent_after < 5  # long before the queue's next look, 30 s away
    assert len(looks) == 1


class _Recorder:
    """A transport that keeps what it is given and can act before each message."""

    def __init__(self, before: Callable[[EmailMessage], None] = lambda m: None) -> None:
        self.messages: list[EmailMessage] = []
        self._before = before

    def send(self, message: EmailMessage) -> None:
        self._before(message)
        self.messages.append(message)


def _outbox_writes(
    factory: sessionmaker[Session], settings: Settings, count: int, prefix: str
) -> int:
    """The UPDATEs of the outbox one pass issues to send ``count`` due messages."""
    with factory() as s:
        for i in range(count):
            outbox.enqueue(s, mail=_mail(), kind="test", dedup_key=f"{prefix}{i}", now=NOW)
        s.commit()
    bind = factory.kw["bind"]
    writes: list[str] = []

    def keep(conn: object, cursor: object, statement: str, *rest: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE OUTBOX_MESSAGES"):
            writes.append(statement)

    event.listen(bind, "before_cursor_execute", keep)
    try:
        report = outbox.send_due(factory, settings=settings, now=NOW, transport=_Recorder())
    finally:
        event.remove(bind, "before_cursor_execute", keep)
    assert report.sent == count
    return len(writes)


def test_a_batch_of_due_messages_is_claimed_and_marked_sent_with_as_many_writes_as_one(
    factory: sessionmaker[Session], settings: Settings
) -> None:
    none = _outbox_writes(factory, settings, 0, "none")
    one = _outbox_writes(factory, settings, 1, "one")
    batch = _outbox_writes(factory, settings, outbox.BATCH, "many")
    assert batch == one == 2  # claim, mark sent (the stale sweep only reads: nothing stale)
    assert none == 0  # a pass with nothing to send takes no write lock


def test_a_message_whose_thing_was_cancelled_after_the_claim_is_not_sent(
    factory: sessionmaker[Session], settings: Settings
) -> None:
    for ref in ("appt-first", "appt-second"):
        _still_valid[ref] = 1
    with factory() as s:
        for ref in ("appt-first", "appt-second"):
            guard = outbox.GuardRef(kind="test.appointment", ref=ref, version=1)
            outbox.enqueue(
                s,
                mail=_mail(to=f"{ref}@example.org"),
                kind="test",
                dedup_key=ref,
                now=NOW,
                guard=guard,
            )
        s.commit()

    def cancel_the_other(message: EmailMessage) -> None:
        # both are claimed by now; while the first goes out, the other one is cancelled
        sending = str(message["To"]).split("@")[0]
        for ref in ("appt-first", "appt-second"):
            if ref != sending:
                _still_valid.pop(ref, None)

    transport = _Recorder(cancel_the_other)
    report = outbox.send_due(factory, settings=settings, now=NOW, transport=transport)
    assert (report.sent, report.voided) == (1, 1)
    (sent,) = transport.messages
    cancelled = "appt-second" if sent["To"] == "appt-first@example.org" else "appt-first"
    with factory() as s:
        other = s.scalars(select(OutboxMessage).where(OutboxMessage.dedup_key == cancelled)).one()
        assert (other.status, other.body_text) == ("void", None)


def test_claimed_messages_not_tried_in_time_go_back_to_the_queue_uncounted(
    factory: sessionmaker[Session], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with factory() as s:
        row_id = outbox.enqueue(s, mail=_mail(), kind="test", dedup_key="slow", now=NOW)
        s.commit()
    monkeypatch.setattr(outbox, "SENDING_STALE_S", -1.0)  # the batch has run out of time
    transport = _Recorder()
    assert outbox.send_due(factory, settings=settings, now=NOW, transport=transport).sent == 0
    assert transport.messages == []
    row = _row(factory, row_id)
    assert (row.status, row.attempts, row.claimed_at) == ("pending", 0, None)
    monkeypatch.undo()
    assert outbox.send_due(factory, settings=settings, now=NOW, transport=transport).sent == 1


def _count_connections(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    opened: list[int] = []
    real = smtplib.SMTP

    class Counting(real):  # type: ignore[misc,valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            opened.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(smtplib, "SMTP", Counting)  # the class mail.py opens
    return opened


def test_a_batch_goes_through_one_smtp_connection(
    factory: sessionmaker[Session],
    sink_settings: Settings,
    smtp_sink: SmtpSink,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with factory() as s:
        for i in range(3):
            outbox.enqueue(
                s, mail=_mail(to=f"r{i}@example.org"), kind="test", dedup_key=f"b{i}", now=NOW
            )
        s.commit()
    opened = _count_connections(monkeypatch)
    assert outbox.send_due(factory, settings=sink_settings, now=NOW).sent == 3
    assert len(opened) == 1
    assert sorted(m["To"] for m in smtp_sink.messages) == [f"r{i}@example.org" for i in range(3)]


def test_after_a_refused_message_the_next_one_opens_a_new_connection_and_goes(
    factory: sessionmaker[Session],
    sink_settings: Settings,
    smtp_sink: SmtpSink,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with factory() as s:
        for i in range(2):
            outbox.enqueue(
                s, mail=_mail(to=f"q{i}@example.org"), kind="test", dedup_key=f"q{i}", now=NOW
            )
        s.commit()
    opened = _count_connections(monkeypatch)
    real_handle = smtp_sink.handle_DATA
    answers = iter(["554 Transaction failed", None])

    async def refuse_the_first(server: object, session: object, envelope: object) -> str:
        smtp_sink.refuse_with = next(answers)
        return await real_handle(server, session, envelope)

    monkeypatch.setattr(smtp_sink, "handle_DATA", refuse_the_first)
    report = outbox.send_due(factory, settings=sink_settings, now=NOW)
    assert (report.sent, report.failed) == (1, 1)
    assert len(opened) == 2
    assert len(smtp_sink.messages) == 1


def test_the_worker_drains_more_than_one_pass_of_due_mail(
    factory: sessionmaker[Session], settings: Settings
) -> None:
    """A pass sends at most ``limit`` messages; the worker's drain goes on until a pass finds
    fewer, so a busy clinic's confirmations do not wait for later passes."""
    with factory() as s:
        for i in range(25):
            outbox.enqueue(s, mail=_mail(), kind="test", dedup_key=f"drain{i}", now=NOW)
        s.commit()
    one_pass = outbox.send_due(factory, settings=settings, now=NOW, transport=_Recorder(), limit=10)
    assert one_pass.sent == 10
    recorder = _Recorder()
    drained = outbox.drain_due(factory, settings=settings, now=NOW, transport=recorder, limit=10)
    assert drained.sent == len(recorder.messages) == 15
    assert outbox.drain_due(factory, settings=settings, now=NOW, transport=recorder).sent == 0


def test_a_drain_stops_at_a_pass_that_sends_nothing_even_when_messages_fail(
    factory: sessionmaker[Session], settings: Settings
) -> None:
    """Messages that fail for now are put back for later, not tried again in the same drain."""
    with factory() as s:
        for i in range(3):
            outbox.enqueue(s, mail=_mail(), kind="test", dedup_key=f"fail{i}", now=NOW)
        s.commit()

    attempts: list[str] = []

    def refuse(message: EmailMessage) -> None:
        attempts.append(str(message["Message-ID"]))
        raise smtplib.SMTPServerDisconnected("gone")

    recorder = _Recorder(before=refuse)
    report = outbox.drain_due(factory, settings=settings, now=NOW, transport=recorder, limit=2)
    assert report.sent == 0
    assert report.retried == 3
    assert recorder.messages == []
    assert len(attempts) == len(set(attempts)) == 3  # each tried once in this drain
