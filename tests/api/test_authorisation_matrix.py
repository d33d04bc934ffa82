"""Every API operation x every kind of caller gives the expected status, and nothing leaks.

The matrix must name every operation in the OpenAPI schema: adding an endpoint without its
row here fails ``test_the_matrix_covers_every_operation``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from backstride.api import create_app
from backstride.config import Settings
from backstride.services.demo.data import demo_intake_document
from tests.api.world import (
    ACTORS,
    SAMPLE_GPX,
    SECRET_NAME,
    World,
    add_booking,
    build_world,
    client_for,
    plan_document,
)

_seq = itertools.count()

Body = Callable[[World], Any]

RUNNERS_ONLY = {"anonymous": 401, "runner_a": 200, "runner_b": 200} | dict.fromkeys(
    ("clinician_with", "clinician_without", "admin"), 403
)
ANY_SIGNED_IN = {"anonymous": 401} | dict.fromkeys(ACTORS[1:], 200)
ADMIN_ONLY = {"anonymous": 401, "admin": 200} | dict.fromkeys(
    ("runner_a", "runner_b", "clinician_with", "clinician_without"), 403
)
CLINIC_STAFF = {"anonymous": 401, "clinician_with": 200} | dict.fromkeys(
    ("runner_a", "runner_b", "clinician_without", "admin"), 403
)
STAFF_OR_RUNNERS = {"anonymous": 401, "runner_a": 200, "runner_b": 200, "clinician_with": 200} | {
    "clinician_without": 403,
    "admin": 403,
}
SETUP = {"anonymous": 401, "clinician_with": 200, "admin": 200} | dict.fromkeys(
    ("runner_a", "runner_b", "clinician_without"), 403
)


def _with(base: dict[str, int], ok: int) -> dict[str, int]:
    return {k: (ok if v == 200 else v) for k, v in base.items()}


def _unique_email(_w: World) -> dict[str, str]:
    return {
        "email": f"new{next(_seq)}@example.org",
        "password": "another long pass",
        "display_name": "New",
    }


# (method, path) -> (expected status per actor, body builder or None, query params)
MATRIX: dict[tuple[str, str], tuple[dict[str, int], Body | None, dict[str, str]]] = {
    ("GET", "/api/v1/health"): (dict.fromkeys(ACTORS, 200), None, {}),
    ("POST", "/api/v1/auth/register"): (dict.fromkeys(ACTORS, 202), _unique_email, {}),
    ("POST", "/api/v1/auth/register/confirm"): (
        dict.fromkeys(ACTORS, 422),
        lambda w: {"token": "not-a-token"},
        {},
    ),
    ("POST", "/api/v1/auth/login/totp"): (
        dict.fromkeys(ACTORS, 401),
        lambda w: {"challenge": "not-a-challenge", "code": "123456"},
        {},
    ),
    ("POST", "/api/v1/auth/logout-all"): (ANY_SIGNED_IN, None, {}),
    ("GET", "/api/v1/auth/sessions"): (ANY_SIGNED_IN, None, {}),
    ("DELETE", "/api/v1/auth/sessions/{session_id}"): (_with(ANY_SIGNED_IN, 404), None, {}),
    ("POST", "/api/v1/auth/reauthenticate"): (
        ANY_SIGNED_IN,
        lambda w: {"password": "correct horse battery"},
        {},
    ),
    ("POST", "/api/v1/auth/password"): (
        ANY_SIGNED_IN,
        lambda w: {
            "current_password": "correct horse battery",
            "new_password": "another long pass",
        },
        {},
    ),
    ("POST", "/api/v1/auth/password-reset/request"): (
        dict.fromkeys(ACTORS, 202),
        lambda w: {"email": w.emails["runner_a"]},
        {},
    ),
    ("POST", "/api/v1/auth/password-reset/confirm"): (
        dict.fromkeys(ACTORS, 422),
        lambda w: {"token": "not-a-token", "new_password": "another long pass"},
        {},
    ),
    ("POST", "/api/v1/auth/email"): (
        _with(ANY_SIGNED_IN, 202),
        lambda w: {"new_email": f"moved{next(_seq)}@example.org"},
        {},
    ),
    ("POST", "/api/v1/auth/email/confirm"): (
        dict.fromkeys(ACTORS, 422),
        lambda w: {"token": "not-a-token"},
        {},
    ),
    ("POST", "/api/v1/auth/totp/enrolment"): (_with(ANY_SIGNED_IN, 201), None, {}),
    ("POST", "/api/v1/auth/totp/enrolment/confirm"): (
        _with(ANY_SIGNED_IN, 409),
        lambda w: {"code": "123456"},
        {},
    ),
    ("DELETE", "/api/v1/auth/totp"): (
        {"anonymous": 401, "runner_a": 409, "runner_b": 409}
        | dict.fromkeys(("clinician_with", "clinician_without", "admin"), 403),
        None,
        {},
    ),
    ("POST", "/api/v1/auth/totp/recovery-codes"): (_with(ANY_SIGNED_IN, 409), None, {}),
    ("DELETE", "/api/v1/admin/accounts/{account}/totp"): (_with(ADMIN_ONLY, 204), None, {}),
    ("POST", "/api/v1/auth/login"): (
        dict.fromkeys(ACTORS, 200),
        lambda w: {
            "email": w.emails["runner_a"],
            "password": "correct horse battery",
            "mode": "token",
        },
        {},
    ),
    ("POST", "/api/v1/auth/logout"): (
        {"anonymous": 401} | dict.fromkeys(ACTORS[1:], 204),
        None,
        {},
    ),
    ("GET", "/api/v1/auth/me"): (ANY_SIGNED_IN, None, {}),
    ("GET", "/api/v1/me/profile"): (RUNNERS_ONLY, None, {}),
    ("PATCH", "/api/v1/me/profile"): (RUNNERS_ONLY, lambda w: {"hr_max_bpm": 185}, {}),
    ("GET", "/api/v1/me/dashboard"): (RUNNERS_ONLY, None, {}),
    ("GET", "/api/v1/me/timeline"): (RUNNERS_ONLY, None, {}),
    ("GET", "/api/v1/me/consents"): (RUNNERS_ONLY, None, {}),
    ("POST", "/api/v1/me/consents"): (
        _with(RUNNERS_ONLY, 201),
        lambda w: {"clinic_id": w.clinic_id},
        {},
    ),
    ("DELETE", "/api/v1/me/consents/{clinic_id}"): (
        _with(RUNNERS_ONLY, 204) | {"runner_b": 404},
        None,
        {},
    ),
    ("GET", "/api/v1/me/audit"): (RUNNERS_ONLY, None, {}),
    ("POST", "/api/v1/me/pain-entries"): (
        _with(RUNNERS_ONLY, 201),
        lambda w: {"entry_date": "2026-11-24", "nprs_now": 2},
        {},
    ),
    ("GET", "/api/v1/me/export"): (RUNNERS_ONLY, None, {}),
    ("DELETE", "/api/v1/me"): (_with(RUNNERS_ONLY, 204), None, {}),
    ("GET", "/api/v1/clinics"): (ANY_SIGNED_IN, None, {}),
    ("POST", "/api/v1/me/imports"): (
        _with(RUNNERS_ONLY, 202),
        lambda w: SAMPLE_GPX.read_bytes(),
        {"filename": "run.gpx"},
    ),
    ("GET", "/api/v1/me/imports"): (RUNNERS_ONLY, None, {}),
    ("POST", "/api/v1/me/intake"): (_with(RUNNERS_ONLY, 201), lambda w: demo_intake_document(), {}),
    ("GET", "/api/v1/me/assessment"): (RUNNERS_ONLY | {"runner_b": 404}, None, {}),
    ("GET", "/api/v1/me/questionnaires/{instrument}/trend"): (RUNNERS_ONLY, None, {}),
    ("GET", "/api/v1/me/load"): (RUNNERS_ONLY, None, {}),
    ("POST", "/api/v1/me/plan"): (
        _with(RUNNERS_ONLY, 201) | {"runner_b": 404},
        lambda w: {"weeks": 4},
        {},
    ),
    ("GET", "/api/v1/me/plan"): (RUNNERS_ONLY | {"runner_b": 404}, None, {}),
    ("POST", "/api/v1/me/plan/adapt"): (_with(RUNNERS_ONLY, 201) | {"runner_b": 404}, None, {}),
    ("POST", "/api/v1/me/session-logs"): (
        _with(RUNNERS_ONLY, 201),
        lambda w: {"on_date": "2026-11-24", "kind": "run", "status": "done", "pain_during": 2},
        {},
    ),
    ("GET", "/api/v1/me/imports/{job_id}"): (RUNNERS_ONLY | {"runner_b": 404}, None, {}),
    ("GET", "/api/v1/me/activities"): (RUNNERS_ONLY, None, {}),
    ("GET", "/api/v1/me/activities/{activity_id}"): (
        RUNNERS_ONLY | {"runner_b": 404},
        None,
        {},
    ),
    ("GET", "/api/v1/clinician/runners"): (
        {"anonymous": 401, "clinician_with": 200, "clinician_without": 200}
        | dict.fromkeys(("runner_a", "runner_b", "admin"), 403),
        None,
        {},
    ),
    ("GET", "/api/v1/clinician/runners/{runner_id}/timeline"): (
        {"anonymous": 401, "clinician_with": 200, "clinician_without": 404}
        | dict.fromkeys(("runner_a", "runner_b", "admin"), 403),
        None,
        {},
    ),
    ("POST", "/api/v1/clinician/runners/{runner_id}/plan-versions"): (
        {"anonymous": 401, "clinician_with": 201, "clinician_without": 404}
        | dict.fromkeys(("runner_a", "runner_b", "admin"), 403),
        lambda w: {"document": plan_document(), "reason": "fewer hills"},
        {},
    ),
    ("POST", "/api/v1/clinician/runners/{runner_id}/reviews"): (
        {"anonymous": 401, "clinician_with": 201, "clinician_without": 404}
        | dict.fromkeys(("runner_a", "runner_b", "admin"), 403),
        lambda w: {"disposition": "self_management", "reason": "seen in clinic, no red flags"},
        {},
    ),
    ("GET", "/api/v1/clinics/{clinic_id}/settings"): (
        {"anonymous": 401, "clinician_with": 200}
        | dict.fromkeys(("runner_a", "runner_b", "admin", "clinician_without"), 403),
        None,
        {},
    ),
    ("PUT", "/api/v1/clinics/{clinic_id}/settings/{key}"): (
        {"anonymous": 401, "clinician_with": 200}
        | dict.fromkeys(("runner_a", "runner_b", "admin", "clinician_without"), 403),
        lambda w: {"value": 1.2, "reason": "our protocol"},
        {},
    ),
    ("GET", "/api/v1/admin/clinics"): (ADMIN_ONLY, None, {}),
    ("POST", "/api/v1/admin/clinics"): (
        _with(ADMIN_ONLY, 201),
        lambda w: {"slug": f"c{next(_seq)}", "name": "East"},
        {},
    ),
    ("GET", "/api/v1/admin/clinics/{clinic_id}"): (ADMIN_ONLY, None, {}),
    ("PATCH", "/api/v1/admin/clinics/{clinic_id}"): (ADMIN_ONLY, lambda w: {"name": "N2"}, {}),
    # runner A consents to the clinic: an admin may not delete it (409)
    ("DELETE", "/api/v1/admin/clinics/{clinic_id}"): (_with(ADMIN_ONLY, 409), None, {}),
    ("GET", "/api/v1/admin/clinicians"): (ADMIN_ONLY, None, {}),
    ("GET", "/api/v1/admin/audit"): (ADMIN_ONLY, None, {}),
    ("POST", "/api/v1/admin/clinicians"): (
        _with(ADMIN_ONLY, 201),
        lambda w: _unique_email(w) | {"clinic_id": w.clinic_id},
        {},
    ),
    ("DELETE", "/api/v1/admin/clinicians/{account_id}"): (_with(ADMIN_ONLY, 204), None, {}),
    # clinic booking (world.booking: A's assessment on Wed 2 Dec 09:00 London)
    ("GET", "/api/v1/clinics/{clinic_id}/booking/options"): (RUNNERS_ONLY, None, {}),
    ("GET", "/api/v1/clinics/{clinic_id}/appointment-types"): (ANY_SIGNED_IN, None, {}),
    ("GET", "/api/v1/clinics/{clinic_id}/clinicians"): (ANY_SIGNED_IN, None, {}),
    ("GET", "/api/v1/clinics/{clinic_id}/slots"): (
        STAFF_OR_RUNNERS,
        None,
        {"appointment_type_id": "{type_id}"},
    ),
    ("POST", "/api/v1/me/appointments"): (
        _with(RUNNERS_ONLY, 201) | {"runner_b": 409},  # B: the time A just took
        lambda w: {
            "clinic_id": w.clinic_id,
            "appointment_type_id": w.booking["type_id"],
            "start_at": "2026-12-02T11:00:00+00:00",
            "share_record": True,
        },
        {},
    ),
    ("GET", "/api/v1/me/appointments"): (RUNNERS_ONLY, None, {}),
    ("GET", "/api/v1/me/appointments/{appointment_id}"): (
        RUNNERS_ONLY | {"runner_b": 404},
        None,
        {},
    ),
    ("GET", "/api/v1/me/appointments/{appointment_id}/calendar.ics"): (
        RUNNERS_ONLY | {"runner_b": 404},
        None,
        {},
    ),
    ("POST", "/api/v1/me/appointments/{appointment_id}/reschedule"): (
        RUNNERS_ONLY | {"runner_b": 404},
        lambda w: {"version": 1, "start_at": "2026-12-02T14:00:00+00:00"},
        {},
    ),
    ("POST", "/api/v1/me/appointments/{appointment_id}/cancel"): (
        RUNNERS_ONLY | {"runner_b": 404},
        lambda w: {},
        {},
    ),
    ("GET", "/api/v1/me/plan/suggested-visits"): (
        RUNNERS_ONLY | {"runner_b": 404},
        None,
        {"clinic_id": "{clinic_id}"},
    ),
    ("GET", "/api/v1/me/plan/calendar.ics"): (RUNNERS_ONLY | {"runner_b": 404}, None, {}),
    ("GET", "/api/v1/clinician/clinics/{clinic_id}/appointments"): (
        CLINIC_STAFF,
        None,
        {"from": "2026-11-30T00:00:00Z", "to": "2026-12-07T00:00:00Z"},
    ),
    ("GET", "/api/v1/clinician/runners/{runner_id}/appointments"): (
        CLINIC_STAFF | {"clinician_without": 404},
        None,
        {},
    ),
    ("POST", "/api/v1/clinician/runners/{runner_id}/appointments"): (
        _with(CLINIC_STAFF, 201),
        lambda w: {
            "clinic_id": w.clinic_id,
            "appointment_type_id": w.booking["type_id"],
            "start_at": "2026-12-03T10:00:00+00:00",
        },
        {},
    ),
    ("GET", "/api/v1/clinician/appointments/{appointment_id}"): (
        CLINIC_STAFF | {"clinician_without": 404},
        None,
        {},
    ),
    ("POST", "/api/v1/clinician/appointments/{appointment_id}/reschedule"): (
        CLINIC_STAFF | {"clinician_without": 404},
        lambda w: {"version": 1, "start_at": "2026-12-03T15:00:00+00:00"},
        {},
    ),
    ("POST", "/api/v1/clinician/appointments/{appointment_id}/cancel"): (
        CLINIC_STAFF | {"clinician_without": 404},
        lambda w: {},
        {},
    ),
    ("POST", "/api/v1/clinician/appointments/{appointment_id}/attendance"): (
        _with(CLINIC_STAFF, 409) | {"clinician_without": 404},  # the visit has not started
        lambda w: {"version": 1, "status": "attended"},
        {},
    ),
    ("GET", "/api/v1/clinician/appointments/{appointment_id}/pre-visit"): (
        CLINIC_STAFF | {"clinician_without": 404},
        None,
        {},
    ),
    ("GET", "/api/v1/admin/clinics/{clinic_id}/booking-policy"): (ANY_SIGNED_IN, None, {}),
    ("PUT", "/api/v1/admin/clinics/{clinic_id}/booking-policy"): (
        SETUP,
        lambda w: {"cancel_window_min": 720},
        {},
    ),
    ("GET", "/api/v1/admin/clinics/{clinic_id}/appointment-types"): (ANY_SIGNED_IN, None, {}),
    ("POST", "/api/v1/admin/clinics/{clinic_id}/appointment-types"): (
        _with(SETUP, 201),
        lambda w: {
            "name": f"Review {next(_seq)}",
            "visit_kind": "exercise_review",
            "duration_min": 30,
        },
        {},
    ),
    ("PATCH", "/api/v1/admin/appointment-types/{type_id}"): (SETUP, lambda w: {"online": True}, {}),
    ("GET", "/api/v1/admin/clinics/{clinic_id}/rooms"): (ANY_SIGNED_IN, None, {}),
    ("POST", "/api/v1/admin/clinics/{clinic_id}/rooms"): (
        _with(SETUP, 201),
        lambda w: {"name": f"Room x{next(_seq)}"},
        {},
    ),
    ("PATCH", "/api/v1/admin/rooms/{room_id}"): (SETUP, lambda w: {"active": True}, {}),
    ("GET", "/api/v1/admin/clinics/{clinic_id}/hours"): (ANY_SIGNED_IN, None, {}),
    ("POST", "/api/v1/admin/clinics/{clinic_id}/hours"): (
        _with(SETUP, 201),
        lambda w: (  # each caller its own half hour: overlapping hours are refused
            lambda n: {
                "clinician_id": w.accounts["clinician_with"],
                "weekday": 6,
                "start": f"{n:02d}:00",
                "end": f"{n:02d}:30",
            }
        )(next(_seq) % 24),
        {},
    ),
    ("DELETE", "/api/v1/admin/hours/{hours_id}"): (
        _with(SETUP, 204) | {"clinician_without": 404, "admin": 404},  # deleted by then
        None,
        {},
    ),
    ("GET", "/api/v1/admin/clinics/{clinic_id}/time-off"): (ANY_SIGNED_IN, None, {}),
    ("POST", "/api/v1/admin/clinics/{clinic_id}/time-off"): (
        _with(SETUP, 201),
        lambda w: {"start_at": "2026-12-31T00:00:00Z", "end_at": "2027-01-02T00:00:00Z"},
        {},
    ),
    ("DELETE", "/api/v1/admin/time-off/{time_off_id}"): (
        _with(SETUP, 204) | {"clinician_without": 404, "admin": 404},
        None,
        {},
    ),
}

# Callers allowed to see runner A's data (login with A's password is A).
MAY_SEE_A = {"runner_a", "clinician_with"}
LEAK_EXEMPT = {("POST", "/api/v1/auth/login")}
IDS_SHOWN = {("GET", "/api/v1/admin/audit")}
"""The compliance view names runners by their random id, never by name or e-mail."""


def _path(template: str, world: World) -> str:
    return template.format(
        clinic_id=world.clinic_id,
        runner_id=world.runner_a,
        job_id=world.job_id,
        activity_id=world.activity_id,
        account_id=world.accounts["clinician_with"],
        key="load.single_run_spike_ratio",
        instrument="odi",
        session_id="no-such-session",
        account=world.accounts["clinician_with"],
        **world.booking,
    )


def test_the_matrix_covers_every_operation(settings: Settings) -> None:
    schema = create_app(settings, run_worker=False).openapi()
    operations = {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}
    assert operations - set(MATRIX) == set(), "add a row to MATRIX for each new operation"
    assert set(MATRIX) - operations == set(), "MATRIX names operations that no longer exist"


@pytest.mark.parametrize("operation", sorted(MATRIX), ids=lambda op: f"{op[0]} {op[1]}")
def test_each_caller_gets_the_expected_status_and_no_leak(
    operation: tuple[str, str], db_settings: Settings, session: Session
) -> None:
    method, template = operation
    expected, body, params = MATRIX[operation]
    # One world per operation: the callers run in ACTORS order (admin last), and no caller's
    # change alters what a later caller may do with this operation.
    world = build_world(session)
    add_booking(session, world)
    for client in client_for(db_settings):
        for actor in ACTORS:
            query = {k: _path(v, world) for k, v in params.items()}
            kwargs: dict[str, Any] = {"headers": world.headers(actor), "params": query}
            if body is not None:
                payload = body(world)
                if isinstance(payload, bytes):
                    kwargs["content"] = payload
                else:
                    kwargs["json"] = payload
            response = client.request(method, _path(template, world), **kwargs)
            _check(operation, actor, expected[actor], response, world)


def _check(
    operation: tuple[str, str], actor: str, status: int, response: Any, world: World
) -> None:
    assert response.status_code == status, (actor, response.text)
    if response.status_code >= 400:
        assert set(response.json()) >= {"code", "detail"}
    if actor not in MAY_SEE_A and operation not in LEAK_EXEMPT:
        text = response.text
        if operation not in IDS_SHOWN:
            assert world.runner_a not in text, actor
        assert SECRET_NAME not in text, actor
        assert world.emails["runner_a"] not in text, actor
