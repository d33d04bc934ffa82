"""compose() builds the usual message part by part and gives what the standard library's
content manager gives: the same headers, the same tree of parts, each with the same type,
parameters, transfer encoding and decoded content."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from backstride.services.mail import Mail, _compose_plain, _compose_stdlib, compose

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
