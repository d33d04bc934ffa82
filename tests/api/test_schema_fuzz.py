"""schemathesis over the whole OpenAPI schema: no request, however odd, causes a server error."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy.orm import Session

from backstride.api import create_app
from backstride.config import Settings
from tests.api.world import NOW, World, build_world


@pytest.fixture
def fuzz_world(session: Session) -> World:
    return build_world(session)


_CURRENT: dict[str, Any] = {
    "app": create_app(
        Settings(data_dir=Path(tempfile.gettempdir()) / "bs-schema"), run_worker=False
    )
}


async def _proxy(scope: Any, receive: Any, send: Any) -> None:
    """Send each request to the app of the running test (its own database and world)."""
    await _CURRENT["app"](scope, receive, send)


schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _proxy)


@pytest.fixture
def fuzz_app(db_settings: Settings, fuzz_world: World) -> Iterator[None]:
    del fuzz_world
    app = create_app(db_settings, clock=lambda: NOW, run_worker=False)
    _CURRENT["app"] = app
    yield
    app.state.engine.dispose()


def _caller(path: str) -> str:
    if path.startswith(("/api/v1/clinician", "/api/v1/clinics/{")):
        return "clinician_with"
    if path.startswith("/api/v1/admin"):
        return "admin"
    return "runner_a"


@schema.parametrize()
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_with_a_server_error(
    case: schemathesis.Case, fuzz_world: World, fuzz_app: None
) -> None:
    del fuzz_app
    headers = fuzz_world.headers(_caller(case.operation.path))
    response = case.call(headers=headers)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert "code" in response.json()
