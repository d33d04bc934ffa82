"""Reading the mail the services queued (the outbox), and the token in a link."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from backstride.services import outbox


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def mails_to(address: str) -> list[Mail]:
    """Every message queued for ``address``, oldest first."""
    return [Mail(m["to"], m["subject"], m["body"]) for m in outbox.SENT if m["to"] == address]


def clear() -> None:
    """Forget every queued message (between tests)."""
    outbox.SENT.clear()


def token_in(mail: Mail, page: str) -> str:
    """The ``token`` of the link to ``page`` in the message."""
    found = re.search(re.escape(page) + r"\?token=([^\s]+)", mail.body)
    assert found, mail.body
    return unquote(found.group(1))
