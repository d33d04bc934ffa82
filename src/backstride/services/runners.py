"""Runner look-up and creation by handle (the CLI's ``--runner NAME``)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.errors import InvalidInput, NotFound
from backstride.store.models import Runner
from backstride.units import new_id

_HANDLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def validate_handle(handle: str) -> str:
    """A runner handle: 1-64 letters, digits, ``_ . -``, starting with a letter or digit."""
    if not _HANDLE.match(handle):
        raise InvalidInput(
            f"runner name {handle!r} must be 1-64 letters, digits, '_', '.' or '-'",
            code="runner.invalid_handle",
        )
    return handle


def find_runner(session: Session, *, handle: str) -> Runner:
    """The runner with this handle, or ``runner.not_found``."""
    row = session.scalars(select(Runner).where(Runner.handle == handle)).one_or_none()
    if row is None:
        raise NotFound(f"no runner named {handle!r}", code="runner.not_found")
    return row


def get_or_create_runner(session: Session, *, handle: str, now: dt.datetime) -> Runner:
    """The runner with this handle, created (not committed) when missing."""
    validate_handle(handle)
    row = session.scalars(select(Runner).where(Runner.handle == handle)).one_or_none()
    if row is None:
        row = Runner(
            id=new_id(), handle=handle, display_name=handle, created_at=now, preferences={}
        )
        session.add(row)
        session.flush()
    return row


__all__ = ["find_runner", "get_or_create_runner", "validate_handle"]
