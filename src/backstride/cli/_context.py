"""What CLI commands share: settings, a migrated database and a session per command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from backstride.config import Settings, load_settings
from backstride.services.blobstore import upgrade_store
from backstride.store.db import make_engine, session_factory


def utc_now() -> dt.datetime:
    """The current time, aware UTC (only interfaces read the clock; stages get it passed in)."""
    return dt.datetime.now(dt.UTC)


@contextmanager
def open_session(settings: Settings | None = None) -> Iterator[Session]:
    """A session on the configured database, migrated to the newest schema first (a database
    already at the newest revision is only checked, without loading Alembic)."""
    settings = settings or load_settings()
    url = settings.effective_database_url
    upgrade_store(settings)  # only checked when already at the newest revision
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


__all__ = ["open_session", "utc_now"]
