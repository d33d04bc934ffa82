"""Bad request bodies are refused with a coded 422 naming the path, and nothing is stored."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.api import create_app
from backstride.config import Settings
from backstride.store import models
from backstride.store.base import Base
from tests.api.world import World, plan_document


def _request_schemas(settings: Settings) -> dict[str, dict[str, Any]]:
    """Every JSON request body schema of the API, by operation."""
    spec = create_app(settings, run_worker=False).openapi()
    components = spec["components"]["schemas"]
    out: dict[str, dict[str, Any]] = {}
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            ref = body["schema"].get("$ref", "")
            out[f"{method.upper()} {path}"] = components.get(ref.rsplit("/", 1)[-1], body["schema"])
    return out


def test_every_request_body_model_forbids_unknown_fields(db_settings: Settings) -> None:
    schemas = _request_schemas(db_settings)
    assert "POST /api/v1/me/session-logs" in schemas
    # The intake is a free document validated by its own schema (extra fields forbidden there).
    models_only = {
        k: v for k, v in schemas.items() if v.get("type") == "object" and "properties" in v
    }
    open_ = sorted(k for k, v in models_only.items() if v.get("additionalProperties") is not False)
    assert open_ == []


def _count(session: Session, model: type[Base]) -> int:
    session.rollback()  # a fresh read: see what the API committed meanwhile
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_misspelt_pain_field_is_refused_with_its_path_and_nothing_is_stored(
    client: TestClient, world: World, session: Session
) -> None:
    before = _count(session, models.PainEntry)
    r = client.post(
        "/api/v1/me/pain-entries",
        headers=world.headers("runner_a"),
        json={"entry_date": "2026-11-24", "nprs_nw": 4},
    )
    assert r.status_code == 422
    assert r.json()["code"] == "request.invalid"
    assert "body.nprs_nw" in {p["path"] for p in r.json()["problems"]}
    assert _count(session, models.PainEntry) == before


def test_a_pain_entry_without_any_pain_value_is_refused(
    client: TestClient, world: World, session: Session
) -> None:
    before = _count(session, models.PainEntry)
    r = client.post(
        "/api/v1/me/pain-entries",
        headers=world.headers("runner_a"),
        json={"entry_date": "2026-11-24", "notes": "felt odd"},
    )
    assert (r.status_code, r.json()["code"]) == (422, "pain_entry.empty")
    assert _count(session, models.PainEntry) == before


def test_a_pain_entry_dated_after_today_is_refused(
    client: TestClient, world: World, session: Session
) -> None:
    before = _count(session, models.PainEntry)
    r = client.post(
        "/api/v1/me/pain-entries",
        headers=world.headers("runner_a"),
        json={"entry_date": "2026-11-26", "nprs_now": 3},
    )
    assert (r.status_code, r.json()["code"]) == (422, "pain_entry.future_date")
    assert r.json()["problems"][0]["path"] == "entry_date"
    assert _count(session, models.PainEntry) == before


def test_a_done_session_log_dated_after_today_is_refused(
    client: TestClient, world: World, session: Session
) -> None:
    before = _count(session, models.SessionLog)
    body = {"on_date": "2026-11-27", "kind": "run", "status": "done", "pain_during": 1}
    r = client.post("/api/v1/me/session-logs", headers=world.headers("runner_a"), json=body)
    assert (r.status_code, r.json()["code"]) == (422, "log.future_date")
    assert _count(session, models.SessionLog) == before
    today = client.post(
        "/api/v1/me/session-logs",
        headers=world.headers("runner_a"),
        json={**body, "on_date": "2026-11-25"},
    )
    assert today.status_code == 201
    assert _count(session, models.SessionLog) == before + 1


def test_a_session_log_with_a_misspelt_field_is_refused(client: TestClient, world: World) -> None:
    body = {"on_date": "2026-11-24", "kind": "run", "status": "done", "pain_durng": 6}
    r = client.post("/api/v1/me/session-logs", headers=world.headers("runner_a"), json=body)
    assert r.status_code == 422
    assert "body.pain_durng" in {p["path"] for p in r.json()["problems"]}


def test_a_clinicians_plan_edit_with_an_unknown_field_is_refused_with_its_path(
    client: TestClient, world: World, session: Session
) -> None:
    before = _count(session, models.PlanVersion)
    doc = plan_document()
    doc["weeks"][0]["days"][0]["sessions"][0]["distnce_m"] = 5000
    r = client.post(
        f"/api/v1/clinician/runners/{world.runner_a}/plan-versions",
        headers=world.headers("clinician_with"),
        json={"document": doc, "reason": "fewer hills"},
    )
    assert (r.status_code, r.json()["code"]) == (422, "plan.invalid_document")
    paths = {p["path"] for p in r.json()["problems"]}
    assert "weeks.0.days.0.sessions.0.distnce_m" in paths
    assert _count(session, models.PlanVersion) == before
