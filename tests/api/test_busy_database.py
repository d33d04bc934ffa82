"""When no database connection is free in time, the API answers 503 ``service.busy`` with
``Retry-After`` (the client tries again), never a 500."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from backstride.config import Settings
from backstride.store.db import session_factory
from tests.api.world import World, client_for


def test_a_request_that_finds_no_free_connection_in_time_gets_503_service_busy(
    db_settings: Settings, world: World
) -> None:
    url = db_settings.effective_database_url
    kwargs: dict[str, object] = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.2}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False}
    tiny = create_engine(url, **kwargs)
    client: TestClient
    for client in client_for(db_settings):
        app = client.app
        app.state.session_factory = session_factory(tiny)  # type: ignore[attr-defined]
        held = tiny.connect()  # the pool's only connection, taken
        try:
            busy = client.get("/api/v1/auth/me", headers=world.headers("runner_a"))
        finally:
            held.close()
        assert busy.status_code == 503
        assert busy.json()["code"] == "service.busy"
        assert busy.headers["Retry-After"] == "2"
        # with the connection back in the pool the same request is served
        assert client.get("/api/v1/auth/me", headers=world.headers("runner_a")).status_code == 200
    tiny.dispose()
