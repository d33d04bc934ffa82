"""compose() builds the usual message part by part and gives what the standard library's
content manager gives: the same headers, the same tree of parts, each with the same type,
parameters, transfer encoding and decoded content."""

from __future__ import annotations

import datetime as dt
import io
import smtplib
from email import message_from_bytes, policy
from email.generator import BytesGenerator
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstride.services.mail import (
    FileTransport,
    Mail,
    _compose_plain,
    _compose_stdlib,
    _send,
    compose,
    render,
)
from tests.mail_sink import SmtpSink

NOW = dt.datetime(2026, 12, 5, 9, tzinfo=dt.UTC)
SENDER = "clinic@backstride.invalid"
ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//backstride//clinic//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:appointment-1@backstride\r\nSEQUENCE:2\r\n"
    "ATTENDEE;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:ana@exampl\r\n"
    " e.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
LONG = "Your appointment at North Clinic is on Monday 30 November 2026 at 09:00 (Europe/London).\n"

CASES = {
    "text only": Mail("ana@example.org", "Your visit", "See you on Monday.\n"),
    "a long line": Mail("ana@example.org", "Booked: your appointment", LONG),
    "many long lines": Mail("ana@example.org", "Booked", LONG * 12),
    "mostly equals signs": Mail("ana@example.org", "Codes", "=" * 100 + "\n"),
    "html": Mail("ana@example.org", "Reset", "Open the link.\n", body_html="<p>" + "x" * 90),
    "a calendar": Mail("ana@example.org", "Booked", LONG, ics=ICS, ics_method="REQUEST"),
    "html and a calendar": Mail(
        "ana@example.org",
        "Moved",
        "Moved.\n",
        body_html="<p>Moved</p>",
        ics=ICS,
        ics_method="CANCEL",
    ),
}


def _shape(msg: EmailMessage) -> list[tuple[object, ...]]:
    """Every part of a message as a reader sees it once it has crossed the wire."""
    parsed = message_from_bytes(bytes(msg), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    out: list[tuple[object, ...]] = [
        tuple(str(parsed[h]) for h in ("From", "To", "Subject", "Date", "Auto-Submitted")),
        (parsed["MIME-Version"],),
    ]
    for part in parsed.walk():
        params = {k: v for k, v in part.get_params() or [] if k != "boundary"}
        content = None if part.is_multipart() else part.get_content()
        out.append(
            (
                part.get_content_type(),
                params,
                part.get("Content-Transfer-Encoding"),
                part.get_filename(),
                content,
            )
        )
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_the_usual_message_is_built_as_the_standard_library_builds_it(name: str) -> None:
    mail = CASES[name]
    fast = _compose_plain(mail, sender=SENDER, now=NOW)
    assert fast is not None
    assert _shape(fast) == _shape(_compose_stdlib(mail, sender=SENDER, now=NOW))


def test_a_calendar_attachment_holds_the_calendar_with_its_crlf_lines() -> None:
    msg = compose(CASES["a calendar"], sender=SENDER, now=NOW)
    parsed = message_from_bytes(bytes(msg), policy=policy.default)
    attachment = next(p for p in parsed.walk() if p.get_filename() == "invite.ics")
    assert attachment.get_content() == ICS.encode()


@pytest.mark.parametrize(
    "mail",
    [
        Mail("ana@example.org", "Réservé : votre rendez-vous", "Bonjour.\n"),
        Mail("ana@example.org", "Booked", "Clínica São Paulo, Monday.\n"),
        Mail(
            "ana@example.org",
            "Booked",
            "ok\n",
            ics=ICS.replace("2.0", "2.0 é"),
            ics_method="REQUEST",
        ),
        Mail("ana@example.org", "A subject " + "long " * 20, "ok\n"),
    ],
)
def test_other_text_is_left_to_the_standard_library(mail: Mail) -> None:
    assert _compose_plain(mail, sender=SENDER, now=NOW) is None
    parsed = message_from_bytes(bytes(compose(mail, sender=SENDER, now=NOW)), policy=policy.default)
    assert str(parsed["Subject"]) == mail.subject
    body = parsed.get_body(("plain",))
    assert body is not None
    assert body.get_content() == mail.body_text


def test_a_header_with_a_line_break_is_refused_as_before() -> None:
    with pytest.raises(ValueError, match="linefeed"):
        compose(
            Mail("ana@example.org", "Hi\r\nBcc: eve@example.org", "x\n"), sender=SENDER, now=NOW
        )


def _generated(msg: EmailMessage, *, linesep: str = "\n", mangle_from: bool = False) -> bytes:
    """What the standard library's generator writes."""
    buffer = io.BytesIO()
    BytesGenerator(buffer, mangle_from_=mangle_from, policy=msg.policy).flatten(
        msg, linesep=linesep
    )
    return buffer.getvalue()


FROM_LINES = Mail("ana@example.org", "Notes", "Hello\nFrom the clinic: see you.\r\nFrom here\n")


@pytest.mark.parametrize("name", [*CASES, "lines starting From"])
def test_a_message_is_written_byte_for_byte_as_the_generator_writes_it(name: str) -> None:
    msg = compose(CASES.get(name, FROM_LINES), sender=SENDER, now=NOW)
    assert render(msg) == bytes(msg) == _generated(msg)
    assert render(msg, linesep="\r\n", mangle_from=True) == _generated(
        msg, linesep="\r\n", mangle_from=True
    )


_TEXT = st.lists(
    st.sampled_from([*"abc XYZ=.:-\t\r\n", "From ", "é", "=\n", "x" * 90]), max_size=40
).map("".join)


@settings(max_examples=150, deadline=None)
@given(
    text=_TEXT,
    html=st.none() | _TEXT,
    ics=st.none() | _TEXT,
    method=st.sampled_from(["REQUEST", "CANCEL"]),
    subject=st.sampled_from(["Booked", "Réservé", "x" * 80, "Moved: " + "y" * 60]),
)
def test_any_message_is_written_as_the_generator_writes_it(
    text: str, html: str | None, ics: str | None, method: str, subject: str
) -> None:
    mail = Mail("ana@example.org", subject, text, html, ics, method if ics is not None else None)
    try:
        msg = compose(mail, sender=SENDER, now=NOW)
    except ValueError:  # a header the standard library refuses: nothing to write
        return
    assert render(msg) == _generated(msg)
    assert render(msg, linesep="\r\n", mangle_from=True) == _generated(
        msg, linesep="\r\n", mangle_from=True
    )


def test_a_changed_or_foreign_message_goes_through_the_generator() -> None:
    msg = compose(CASES["html and a calendar"], sender=SENDER, now=NOW)
    msg["X-Note"] = "a header object, parsed"  # not a raw header any more
    assert render(msg) == _generated(msg)
    other = EmailMessage()
    other["To"] = "ana@example.org"
    other.set_content("Olá\n")
    assert render(other) == _generated(other)


def test_smtp_delivers_the_same_envelope_and_bytes_as_send_message(smtp_sink: SmtpSink) -> None:
    msg = compose(CASES["html and a calendar"], sender=SENDER, now=NOW)
    plain = compose(FROM_LINES, sender="Clinic <clinic@backstride.invalid>", now=NOW)
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port) as smtp:
        for m in (msg, plain):
            smtp.send_message(m)
            _send(smtp, m)
    first, second, third, fourth = smtp_sink.received
    assert first == second
    assert third == fourth
    assert third[0] == "clinic@backstride.invalid"
    assert b"\r\n>From the clinic" in third[2]  # smtplib's generator quotes such lines


def test_the_usual_message_never_reaches_the_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    from backstride.services import mail as module

    messages = [compose(m, sender=SENDER, now=NOW) for m in CASES.values()]
    expected = [bytes(msg) for msg in messages]
    monkeypatch.setattr(module, "BytesGenerator", None)  # any use would fail
    assert [render(msg) for msg in messages] == expected


def test_a_message_with_more_recipients_than_to_goes_through_send_message(
    smtp_sink: SmtpSink,
) -> None:
    msg = compose(CASES["a calendar"], sender=SENDER, now=NOW)
    msg["Cc"] = "desk@example.org"
    msg["Bcc"] = "audit@example.org"
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port) as smtp:
        _send(smtp, msg)
    ((mail_from, recipients, data),) = smtp_sink.received
    assert mail_from == SENDER
    assert sorted(recipients) == ["ana@example.org", "audit@example.org", "desk@example.org"]
    assert b"audit@example.org" not in data  # send_message drops the Bcc header


def test_files_of_messages_without_an_id_never_overwrite_each_other(tmp_path: Path) -> None:
    transport = FileTransport(tmp_path / "mail")
    for subject in ("first", "second"):
        message = EmailMessage()
        message["To"] = "ana@example.org"
        message["Subject"] = subject
        message.set_content(subject)
        transport.send(message)
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2  # both were "None.eml": the second replaced the first
    assert {f.read_bytes().count(b"first") + f.read_bytes().count(b"second") for f in files} == {2}


@pytest.mark.parametrize(
    ("message_id", "name"),
    [
        ("<abc.123@clinic.example>", "abc.123_at_clinic.example.eml"),
        ("<../../etc/passwd@x>", "_.._etc_passwd_at_x.eml"),
        ("<a b\\c:d@x>", "a_b_c_d_at_x.eml"),
    ],
)
def test_a_message_id_becomes_a_file_name_inside_the_folder(
    tmp_path: Path, message_id: str, name: str
) -> None:
    message = EmailMessage()
    message.set_raw("Message-ID", message_id)  # as composed: set, not parsed
    message["To"] = "ana@example.org"
    message.set_content("x")
    FileTransport(tmp_path / "mail").send(message)
    assert [p.name for p in (tmp_path / "mail").iterdir()] == [name]
