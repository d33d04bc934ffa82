"""Reading the mail the services queued in the outbox, and the token in a link."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from sqlalchemy import select

from backstride.config import Settings
from backstride.store.db import make_engine, session_factory
from backstride.store.models import OutboxMessage


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    kind: str


def mails_to(settings: Settings, address: str) -> list[Mail]:
    """Every message queued for ``address`` (a fresh read of the outbox), oldest first."""
    engine = make_engine(settings.effective_database_url)
    try:
        with session_factory(engine)() as session:
            rows = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.to_addr == address)
                .order_by(OutboxMessage.created_at, OutboxMessage.id)
            ).all()
            return [Mail(r.to_addr, r.subject, r.body_text or "", r.kind) for r in rows]
    finally:
        engine.dispose()


def token_in(mail: Mail, page: str) -> str:
    """The ``token`` of the link to ``page`` in the message."""
    found = re.search(re.escape(page) + r"\?token=([^\s]+)", mail.body)
    assert found, mail.body
    return unquote(found.group(1))
