"""Outgoing e-mail: compose a message (text, optional HTML and calendar part) and deliver it.

Delivery goes through a :class:`MailTransport`: :class:`SmtpTransport` when ``smtp_host`` is
set, otherwise :class:`FileTransport`, which writes each message as an ``.eml`` file into
``data_dir/mail`` and logs its path (development, demos: a reset link can be read there).

A calendar invitation follows iMIP (RFC 6047): the iCalendar object is a ``text/calendar``
alternative with its ``method`` parameter (REQUEST or CANCEL) beside the text and HTML bodies,
and the same object is attached as ``invite.ics`` for clients that only look at attachments.
"""

from __future__ import annotations

import binascii
import contextlib
import datetime as dt
import email.policy
import io
import logging
import re
import secrets
import smtplib
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from email import quoprimime
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid
from pathlib import Path
from typing import Any, Protocol, cast

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
    """The MIME message for ``mail`` (multipart/alternative when there is HTML or a calendar,
    inside multipart/mixed with the calendar also attached as ``invite.ics``)."""
    if mail.ics is not None and mail.ics_method not in ICS_METHODS:
        raise ValueError(f"calendar method must be one of {ICS_METHODS}, got {mail.ics_method!r}")
    fast = _compose_plain(mail, sender=sender, now=now)
    return fast if fast is not None else _compose_stdlib(mail, sender=sender, now=now)


_POLICY = email.policy.default
_MAX_LINE: int = _POLICY.max_line_length or 78


def _short_ascii_header(name: str, value: str) -> bool:
    """A header the generator writes as it is: ASCII, printable, one short line."""
    return value.isascii() and value.isprintable() and len(name) + 2 + len(value) <= _MAX_LINE


def _ascii_body(text: str) -> tuple[str, str] | None:
    """``(Content-Transfer-Encoding, payload)`` for ASCII text, chosen and encoded as the
    standard library's content manager does (7bit when every line is short, otherwise
    quoted-printable or base64, whichever its sniff of the first ten lines finds shorter);
    None for other text."""
    if not text.isascii():
        return None
    lines = text.encode("ascii").splitlines()
    body = b"\n".join(lines) + b"\n"
    if max((len(x) for x in lines), default=0) <= _MAX_LINE:
        return "7bit", body.decode("ascii")
    sniff = b"\n".join(lines[:10]) + b"\n"
    qp = quoprimime.body_encode(sniff.decode("latin-1"), _MAX_LINE)
    if len(qp) > len(binascii.b2a_base64(sniff)):
        return "base64", _base64(body)
    if len(lines) <= 10:
        return "quoted-printable", qp
    return "quoted-printable", quoprimime.body_encode(body.decode("latin-1"), _MAX_LINE)


def _base64(data: bytes) -> str:
    return "".join(
        binascii.b2a_base64(data[i : i + _B64_CHUNK]).decode("ascii")
        for i in range(0, len(data), _B64_CHUNK)
    )


def _part(content_type: str, payload: str | list[EmailMessage], **headers: str) -> EmailMessage:
    part = EmailMessage(policy=_POLICY)
    part.set_raw("Content-Type", content_type)
    for name, value in headers.items():
        part.set_raw(name.replace("_", "-"), value)
    part.set_payload(cast(Any, payload))
    return part


def _boundary() -> str:
    return f"=_{secrets.token_hex(12)}"


def _compose_plain(mail: Mail, *, sender: str, now: dt.datetime) -> EmailMessage | None:
    """:func:`compose` for the usual message (ASCII headers and bodies, short lines) built
    part by part with its headers as written, skipping the standard library's header
    parsing and content manager (most of an e-mail's CPU cost; docs/decisions/0065). None
    for anything else, which the standard library composes."""
    heads = {"From": sender, "To": mail.to_addr, "Subject": mail.subject}
    if not all(_short_ascii_header(k, v) for k, v in heads.items()):
        return None
    text = _ascii_body(mail.body_text)
    html = _ascii_body(mail.body_html) if mail.body_html is not None else None
    ics = _ascii_body(mail.ics) if mail.ics is not None else None
    if text is None or (mail.body_html is not None and html is None):
        return None
    if mail.ics is not None and ics is None:
        return None
    body = _part('text/plain; charset="utf-8"', text[1], Content_Transfer_Encoding=text[0])
    if html is not None or ics is not None:
        parts = [body]
        if html is not None:
            parts.append(
                _part('text/html; charset="utf-8"', html[1], Content_Transfer_Encoding=html[0])
            )
        if ics is not None:
            assert mail.ics_method is not None
            method = f'text/calendar; charset="utf-8"; method="{mail.ics_method}"'
            parts.append(_part(method, ics[1], Content_Transfer_Encoding=ics[0]))
        body = _part(f'multipart/alternative; boundary="{_boundary()}"', parts)
        if ics is not None:
            assert mail.ics is not None
            attachment = _part(
                "application/ics",
                _base64(mail.ics.encode("utf-8")),
                Content_Transfer_Encoding="base64",
                Content_Disposition='attachment; filename="invite.ics"',
            )
            body = _part(f'multipart/mixed; boundary="{_boundary()}"', [body, attachment])
    top = EmailMessage(policy=_POLICY)
    for name, value in heads.items():
        top.set_raw(name, value)
    top.set_raw("Date", format_datetime(now))
    top.set_raw("Message-ID", make_msgid(domain=_domain(sender)))
    top.set_raw("Auto-Submitted", "auto-generated")
    top.set_raw("MIME-Version", "1.0")
    for name, value in body.raw_items():
        top.set_raw(name, value)
    top.set_payload(body.get_payload())
    return top


_B64_CHUNK = _MAX_LINE // 4 * 3
"""Bytes per base64 line, as the standard library's content manager cuts them."""


def _domain(sender: str) -> str:
    return sender.rsplit("@", 1)[-1].strip("> ") or "localhost"


def _compose_stdlib(mail: Mail, *, sender: str, now: dt.datetime) -> EmailMessage:
    """:func:`compose` through the standard library's content manager (any text)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.to_addr
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain=_domain(sender))
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


_MULTIPART = re.compile(r'multipart/(?:mixed|alternative); boundary="([0-9A-Za-z=_]{1,70})"')
_LEAF_TYPES = ("text/", "application/")
_NL = re.compile(r"\r\n|\r|\n")
_FROM_LINE = re.compile(r"^From ", re.MULTILINE)
_ENVELOPE_HEADERS = frozenset({"sender", "bcc", "cc", "resent-date"})


def render(message: EmailMessage, *, linesep: str = "\n", mangle_from: bool = False) -> bytes:
    """The bytes of ``message`` exactly as the standard library's ``BytesGenerator`` writes
    them (``bytes(message)`` by default; ``linesep="\r\n", mangle_from=True`` as
    ``smtplib.send_message`` does).

    A message made by :func:`_compose_plain` (short ASCII headers as written, ASCII payloads,
    ``multipart/mixed`` or ``alternative`` with its boundary) is written directly; the
    generator would parse every header again to find each part's type and took about
    1 ms of the sender's CPU per e-mail, 30 times the composing (docs/decisions/0073).
    Anything else goes through the generator."""
    out: list[str] = []
    if message.policy is _POLICY and _render_plain(message, out, linesep, mangle_from):
        return "".join(out).encode("ascii")
    buffer = io.BytesIO()
    generator = BytesGenerator(buffer, mangle_from_=mangle_from, policy=message.policy)
    generator.flatten(message, linesep=linesep)
    return buffer.getvalue()


def _render_plain(msg: EmailMessage, out: list[str], nl: str, mangle_from: bool) -> bool:
    """Append ``msg`` as the generator writes it; False (``out`` to be dropped) for anything
    this short path does not know."""
    content_type = "text/plain"
    for name, value in msg.raw_items():
        if type(value) is not str or not _short_ascii_header(name, value) or not name.isascii():
            return False  # a parsed header object, or one the generator would fold
        if name.lower() == "content-type" and content_type == "text/plain":
            content_type = value
        out.append(f"{name}: {value}{nl}")
    out.append(nl)
    # What get_payload() gives without decoding (it would parse Content-Transfer-Encoding).
    payload: object = getattr(msg, "_payload", None)
    if isinstance(payload, str):
        if not content_type.startswith(_LEAF_TYPES) or not payload.isascii():
            return False
        if mangle_from:
            payload = _FROM_LINE.sub(">From ", payload)
        lines = _NL.split(payload)
        out.extend(line + nl for line in lines[:-1])
        if lines[-1]:
            out.append(lines[-1])
        return True
    found = _MULTIPART.fullmatch(content_type)
    if not isinstance(payload, list) or found is None:
        return False
    if msg.preamble is not None or msg.epilogue is not None:
        return False
    boundary = found.group(1)
    for i, part in enumerate(payload):
        if not isinstance(part, EmailMessage) or part.policy is not _POLICY:
            return False
        out.append(f"--{boundary}{nl}" if i == 0 else f"{nl}--{boundary}{nl}")
        if not _render_plain(part, out, nl, mangle_from):
            return False
    if not payload:
        out.append(f"--{boundary}{nl}")
    out.append(f"{nl}--{boundary}--{nl}")
    return True


def _plain_envelope(message: EmailMessage) -> tuple[str, list[str]] | None:
    """``(from, recipients)`` as ``smtplib.send_message`` takes them from a message with only
    From and To (None for any other: Sender, Cc, Bcc or Resent-* headers)."""
    names = {name.lower() for name, _ in message.raw_items()}
    if names & _ENVELOPE_HEADERS or any(n.startswith("resent-") for n in names):
        return None
    sender, to = message.get_all("From", []), message.get_all("To", [])
    if len(sender) != 1 or not to:
        return None
    from_addr = getaddresses([str(sender[0])])[0][1]
    recipients = [a[1] for a in getaddresses([str(v) for v in to])]
    if not all(x.isascii() for x in (from_addr, *recipients)):
        return None
    return from_addr, recipients


def _send(smtp: smtplib.SMTP, message: EmailMessage) -> None:
    """``smtp.send_message(message)``, with the message written by :func:`render`."""
    envelope = _plain_envelope(message)
    if envelope is None:
        smtp.send_message(message)
        return
    smtp.sendmail(*envelope, render(message, linesep="\r\n", mangle_from=True))


class MailTransport(Protocol):
    """Hands a composed message to the world; raises on failure."""

    def send(self, message: EmailMessage) -> None:
        """Deliver ``message`` (an exception means it was not accepted)."""


class SmtpTransport:
    """SMTP delivery with STARTTLS, implicit TLS or plain (a local relay or test sink).

    One connection per message, or one for several inside :meth:`batch` (the outbox sends a
    claimed batch through one connection: one TCP and TLS handshake and one login instead of
    one per message). After any failure the connection is dropped, so a failure affects one
    message and the next opens a new connection."""

    def __init__(self, settings: Settings) -> None:
        assert settings.smtp_host is not None
        self._settings = settings
        self._batches = 0
        self._open: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
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
        try:
            if s.smtp_security == "starttls":
                smtp.starttls(context=context)
            if s.smtp_username:
                password = s.smtp_password.get_secret_value() if s.smtp_password else ""
                smtp.login(s.smtp_username, password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _drop(self, *, polite: bool) -> None:
        smtp, self._open = self._open, None
        if smtp is None:
            return
        try:
            if polite:
                smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
        finally:
            smtp.close()

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Send the messages given inside through one connection (opened at the first)."""
        self._batches += 1
        try:
            yield
        finally:
            self._batches -= 1
            if not self._batches:
                self._drop(polite=True)

    def send(self, message: EmailMessage) -> None:
        """Deliver ``message`` (an exception means it was not accepted)."""
        if not self._batches:
            with self._connect() as smtp:
                _send(smtp, message)
            return
        if self._open is None:
            self._open = self._connect()
        try:
            _send(self._open, message)
        except BaseException:
            self._drop(polite=False)
            raise


class FileTransport:
    """Writes each message as ``<Message-ID>.eml`` into a folder (no SMTP server configured)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        """Write the message; its path goes to the log."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{_file_name(_raw(message, 'Message-ID', default=''))}.eml"
        path.write_bytes(render(message))
        log.warning(
            "no SMTP server configured: e-mail to %s (%s) written to %s",
            _raw(message, "To"),
            _raw(message, "Subject"),
            path,
        )


def _raw(message: EmailMessage, name: str, *, default: str = "None") -> str:
    """A header's value as set, without the policy parsing it again (``message[name]``
    parses on every read)."""
    wanted = name.lower()
    return next((str(v) for k, v in message.raw_items() if k.lower() == wanted), default)


_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._+=-]")


def _file_name(message_id: str) -> str:
    """A file name for a message: its Message-ID (``@`` as ``_at_``, anything but letters,
    digits and ``._+=-`` as ``_``), or a fresh unique one when it has none, so two messages
    without an ID never overwrite each other (both were ``None.eml``)."""
    found = message_id.strip().strip("<>").replace("@", "_at_")
    name = _UNSAFE_IN_NAME.sub("_", found).lstrip(".")[:200]
    return name or f"no-message-id-{secrets.token_hex(16)}"


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
    "render",
    "transport_for",
]
