"""Input limits and the server surface: body size, strict types, the schema, 405, HEAD, docs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.config import Settings
from backstride.store.models import PainEntry
from tests.api.world import World, client_for

# HTTP-level checks, the same on both stores: run once, on the default store
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _pains(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(PainEntry)) or 0


def test_a_json_body_over_the_limit_is_refused_with_413_before_it_is_read(
    db_settings: Settings, world: World, session: Session
) -> None:
    small = db_settings.model_copy(update={"max_json_bytes": 2048})
    before = _pains(session)
    body = '{"entry_date": "2026-11-01", "notes": "' + "x" * 5000 + '"}'
    for client in client_for(small):
        declared = client.post(
            "/api/v1/me/pain-entries",
            content=body,
            headers={**world.headers("runner_a"), "content-type": "application/json"},
        )

        def chunks() -> Iterator[bytes]:
            data = body.encode()
            for i in range(0, len(data), 1000):
                yield data[i : i + 1000]

        chunked = client.post(
            "/api/v1/me/pain-entries",
            content=chunks(),
            headers={**world.headers("runner_a"), "content-type": "application/json"},
        )
        fine = client.post(
            "/api/v1/me/pain-entries",
            json={"entry_date": "2026-11-01", "nprs_now": 3, "notes": "short"},
            headers=world.headers("runner_a"),
        )
    assert (declared.status_code, declared.json()["code"]) == (413, "request.too_large")
    assert (chunked.status_code, chunked.json()["code"]) == (413, "request.too_large")
    assert fine.status_code == 201
    assert _pains(session) == before + 1


@pytest.mark.parametrize("value", ["0", "1700000000", "2026-13-01", "01/11/2026", "2026-11-01T00"])
def test_a_date_is_read_only_as_year_month_day(
    client: TestClient, world: World, value: str
) -> None:
    r = client.get("/api/v1/me/load", params={"to_date": value}, headers=world.headers("runner_a"))
    assert r.status_code == 422
    assert r.json()["code"] == "request.invalid"


def test_a_proper_date_is_read(client: TestClient, world: World) -> None:
    r = client.get(
        "/api/v1/me/load", params={"to_date": "2026-11-20"}, headers=world.headers("runner_a")
    )
    assert r.status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("morning_stiffness_min", False),
        ("morning_stiffness_min", True),
        ("morning_stiffness_min", "30"),
        ("morning_stiffness_min", 30.5),
        ("nprs_now", "3"),
        ("entry_date", 0),
        ("unknown_field", 1),
    ],
)
def test_types_are_strict_where_a_bool_or_string_could_pass_for_a_number(
    client: TestClient, world: World, session: Session, field: str, value: Any
) -> None:
    before = _pains(session)
    body = {"entry_date": "2026-11-01", field: value}
    r = client.post("/api/v1/me/pain-entries", json=body, headers=world.headers("runner_a"))
    assert r.status_code == 422, r.text
    assert _pains(session) == before


def test_the_schema_is_as_strict_as_the_server(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    parts = schema["components"]["schemas"]
    register = parts["RegisterIn"]["properties"]["email"]
    assert register["minLength"] >= 3
    assert "pattern" in register
    assert parts["RegisterIn"]["additionalProperties"] is False
    kind = parts["SessionLogIn"]["properties"]["kind"]
    assert kind["enum"] == ["run", "strength", "mobility", "cross_training", "relaxation"]


@pytest.mark.parametrize("email", ["", "   ", "no-at-sign", "a@b"])
def test_an_address_the_schema_refuses_the_server_refuses_too(
    client: TestClient, email: str
) -> None:
    body = {"email": email, "password": "a long password", "display_name": "X"}
    r = client.post("/api/v1/auth/register", json=body)
    assert r.status_code == 422


def test_every_operation_documents_the_statuses_it_can_answer(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, item in paths.items():
        for method, op in item.items():
            codes = set(op["responses"])
            assert {"401", "404", "422", "503"} <= codes, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert {"400", "409", "413"} <= codes, (method, path)
            else:
                assert "413" not in codes, (method, path)
    assert "429" in paths["/api/v1/auth/login"]["post"]["responses"]
    assert "429" in paths["/api/v1/auth/register"]["post"]["responses"]


def test_405_lists_every_method_of_the_path(client: TestClient, world: World) -> None:
    r = client.put("/api/v1/me/imports", headers=world.headers("runner_a"))
    assert r.status_code == 405
    assert r.json()["code"] == "route.method_not_allowed"
    assert r.headers["allow"] == "GET, HEAD, POST"
    health = client.delete("/api/v1/health")
    assert health.headers["allow"] == "GET, HEAD"


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    r = client.head("/api/v1/health")
    assert r.status_code == 200
    assert r.content == b""


def test_the_docs_load_only_from_this_server_under_a_strict_policy(client: TestClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "http" not in csp
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources
    assert all(s.startswith("/api/v1/docs/static/") for s in sources)
    assert "<script>" not in page.text  # no inline script
    for source in sources:
        assert client.get(source).status_code == 200, source


def test_the_docs_can_be_turned_off(db_settings: Settings, world: World) -> None:
    del world
    off = db_settings.model_copy(update={"api_docs": False})
    for client in client_for(off):
        assert client.get("/api/v1/docs").status_code == 404
        assert client.get("/api/v1/openapi.json").status_code == 200


def test_the_instrument_enum_of_the_schema_is_the_shipped_instruments(client: TestClient) -> None:
    from backstride.intake import shipped_instruments

    paths = client.get("/api/v1/openapi.json").json()["paths"]
    trend = paths["/api/v1/me/questionnaires/{instrument}/trend"]["get"]
    (param,) = [p for p in trend["parameters"] if p["name"] == "instrument"]
    assert sorted(param["schema"]["enum"]) == sorted(shipped_instruments())
