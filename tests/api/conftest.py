"""API fixtures: fast password hashing, a world of actors and a client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.services import passwords
from backstride.store.db import make_engine, session_factory
from backstride.store.migrate import upgrade
from tests.api.world import World, build_world, client_for


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with tiny costs: the same code path, a fraction of the time."""
    monkeypatch.setattr(
        passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def sqlite_session(settings: Settings) -> Iterator[Session]:
    """A session on a migrated SQLite store of its own (live-server tests that need one store)."""
    upgrade(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


@pytest.fixture
def client(db_settings: Settings, world: World) -> Iterator[TestClient]:
    del world
    yield from client_for(db_settings)
