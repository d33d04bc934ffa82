"""Outgoing e-mail: compose a message (text, optional HTML and calendar part) and deliver it.

Delivery goes through a :class:`MailTransport`: :class:`SmtpTransport` when ``smtp_host`` is
set, otherwise :class:`FileTransport`, which writes each message as an ``.eml`` file into
``data_dir/mail`` and logs its path (development, demos: a reset link can be read there).

A calendar invitation follows iMIP (RFC 6047): the iCalendar object is a ``text/calendar``
alternative with its ``method`` parameter (REQUEST or CANCEL) beside the text and HTML bodies,
and the same object is attached as ``invite.ics`` for clients that only look at attachments.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol

from backstride.config import Settings

log = logging.getLogger(__name__)

ICS_METHODS = ("REQUEST", "CANCEL", "PUBLISH")


@dataclass(frozen=True, slots=True)
class Mail:
    """One message to one recipient, as the outbox stores it."""

    to_addr: str
    subject: str
    body_text: str
    body_html: str | None = None
    ics: str | None = None
    ics_method: str | None = None


def compose(mail: Mail, *, sender: str, now: dt.datetime) -> EmailMessage:
    """The MIME message for ``mail`` (multipart/alternative when there is HTML or a calendar)."""
    if mail.ics is not None and mail.ics_method not in ICS_METHODS:
        raise ValueError(f"calendar method must be one of {ICS_METHODS}, got {mail.ics_method!r}")
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.to_addr
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(now)
    domain = sender.rsplit("@", 1)[-1].strip("> ") or "localhost"
    msg["Message-ID"] = make_msgid(domain=domain)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(mail.body_text)
    if mail.body_html is not None:
        msg.add_alternative(mail.body_html, subtype="html")
    if mail.ics is not None:
        assert mail.ics_method is not None
        msg.add_alternative(
            mail.ics, subtype="calendar", params={"method": mail.ics_method, "charset": "utf-8"}
        )
        msg.add_attachment(
            mail.ics.encode("utf-8"),
            maintype="application",
            subtype="ics",
            filename="invite.ics",
        )
    return msg


class MailTransport(Protocol):
    """Hands a composed message to the world; raises on failure."""

    def send(self, message: EmailMessage) -> None:
        """Deliver ``message`` (an exception means it was not accepted)."""


class SmtpTransport:
    """SMTP delivery with STARTTLS, implicit TLS or plain (a local relay or test sink)."""

    def __init__(self, settings: Settings) -> None:
        assert settings.smtp_host is not None
        self._settings = settings

    def send(self, message: EmailMessage) -> None:
        """One connection per message: simple, and a failure affects one message only."""
        s = self._settings
        assert s.smtp_host is not None
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.smtp_security == "tls":
            smtp = smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_s, context=context
            )
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_s)
        with smtp:
            if s.smtp_security == "starttls":
                smtp.starttls(context=context)
            if s.smtp_username:
                password = s.smtp_password.get_secret_value() if s.smtp_password else ""
                smtp.login(s.smtp_username, password)
            smtp.send_message(message)


class FileTransport:
    """Writes each message as ``<Message-ID>.eml`` into a folder (no SMTP server configured)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        """Write the message; its path goes to the log."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = str(message["Message-ID"]).strip("<>").replace("/", "_").replace("@", "_at_")
        path = self.folder / f"{name}.eml"
        path.write_bytes(bytes(message))
        log.warning(
            "no SMTP server configured: e-mail to %s (%s) written to %s",
            message["To"],
            message["Subject"],
            path,
        )


def transport_for(settings: Settings) -> MailTransport:
    """SMTP when a host is configured, otherwise files in ``settings.mail_dir``."""
    if settings.smtp_host:
        return SmtpTransport(settings)
    return FileTransport(settings.mail_dir)


__all__ = [
    "ICS_METHODS",
    "FileTransport",
    "Mail",
    "MailTransport",
    "SmtpTransport",
    "compose",
    "transport_for",
]
