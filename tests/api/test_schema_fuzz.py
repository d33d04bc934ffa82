"""schemathesis with every check over the whole OpenAPI schema, on SQLite and PostgreSQL.

No request, however odd, causes a server error; responses match their documented status codes,
content types, headers and schemas; schema-invalid data is rejected and schema-valid data
accepted — except where ``TRIAGED`` says why not (also listed in SECURITY.md).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS
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


TRIAGED: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/api/v1/auth/register"): {
        "positive_data_acceptance": "password rules beyond length (4 distinct characters, not "
        "a common password, not the e-mail) are checked by the service: 422 "
        "account.weak_password",
    },
    ("POST", "/api/v1/admin/clinicians"): {
        "positive_data_acceptance": "the same password rules as registration (422 "
        "account.weak_password); the clinic must exist (404)",
    },
    ("PATCH", "/api/v1/me/profile"): {
        "positive_data_acceptance": "a resting heart rate must stay below the maximum one "
        "(also against the stored value): a rule across fields, 422 profile.invalid",
    },
    ("POST", "/api/v1/me/intake"): {
        "positive_data_acceptance": "the intake document is validated against its own "
        "versioned schema (intake.invalid lists every problem); the API takes any object",
    },
    ("POST", "/api/v1/me/imports"): {
        "positive_data_acceptance": "a raw body needs ?filename= (OpenAPI cannot tie a query "
        "parameter to one content type) and the file itself must be an activity",
    },
    ("POST", "/api/v1/me/pain-entries"): {
        "positive_data_acceptance": "an entry needs at least one pain value (422 "
        "pain_entry.empty) and a date that is not after the runner's today "
        "(pain_entry.future_date): rules across fields and the clock",
    },
    ("POST", "/api/v1/me/session-logs"): {
        "positive_data_acceptance": "a log's date may not be after the runner's today "
        "(log.future_date): a rule on the clock",
    },
    **{
        ("POST", path): {
            "positive_data_acceptance": "a booking is checked against the clinic's slot grid, "
            "hours, notice, horizon, time off, cancellation window, the caller's role and the "
            "stored bookings (422/409 with booking.* codes); an end must follow its start",
        }
        for path in (
            "/api/v1/me/appointments",
            "/api/v1/me/appointments/{appointment_id}/reschedule",
            "/api/v1/me/appointments/{appointment_id}/cancel",
            "/api/v1/clinician/runners/{runner_id}/appointments",
            "/api/v1/clinician/appointments/{appointment_id}/reschedule",
            "/api/v1/clinician/appointments/{appointment_id}/cancel",
        )
    },
    **{
        ("POST", path): {
            "positive_data_acceptance": "a one-time token is valid only as issued by e-mail "
            "(422 *.invalid_token for any other string)",
        }
        for path in (
            "/api/v1/auth/register/confirm",
            "/api/v1/auth/password-reset/confirm",
            "/api/v1/auth/email/confirm",
        )
    },
}
"""Checks an operation is exempt from, each with the reason (SECURITY.md, triaged findings)."""


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
    case: schemathesis.Case[Any], fuzz_world: World, fuzz_app: None
) -> None:
    del fuzz_app
    headers = fuzz_world.headers(_caller(case.operation.path))
    triaged = TRIAGED.get((case.operation.method.upper(), case.operation.path), {})
    checks: list[Any] = [c for c in CHECKS.get_all() if c.__name__ not in triaged]
    response = case.call_and_validate(headers=headers, checks=checks)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert "code" in response.json()
