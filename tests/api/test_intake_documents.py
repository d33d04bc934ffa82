"""POST /me/intake refuses unknown fields with 422 intake.invalid and the path, storing nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from backstride.services.demo.data import demo_intake_document
from tests.api.world import World

INTAKE = "/api/v1/me/intake"


def _misspelt(path: str) -> dict[str, Any]:
    """The demo intake with a field ``path`` added where the document has no such field."""
    document = demo_intake_document()
    document["running"]["previous_bsi"] = [{"site": "tibia"}]
    *parents, leaf = path.split(".")
    node: Any = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    node[leaf] = 1
    return document


@pytest.mark.parametrize(
    "path",
    [
        "about.age_yaers",
        "symptoms.duration_weekz",
        "red_flags.cauda_equina.saddle_numbess",
        "red_flags.feverr",
        "running.previous_bsi.0.sitee",
        "psfs.activities.0.scroe",
        "odi.itemz",
        "triad.bmd_zscore",
        "clinician.laslett.distractoin",
        "nprs.items.worst_ever",
        "answers",
    ],
)
def test_an_unknown_field_is_refused_with_its_path_and_nothing_is_stored(
    client: TestClient, world: World, path: str
) -> None:
    headers = world.headers("runner_b")
    document = _misspelt(path)
    response = client.post(INTAKE, json=document, headers=headers)
    assert response.status_code == 422
    body = response.json()
    error = body.get("error", body)  # the error envelope, wrapped or not
    assert error["code"] == "intake.invalid"
    assert path in [p["path"] for p in error["problems"]]
    assert client.get("/api/v1/me/assessment", headers=headers).status_code == 404


def test_the_same_document_without_the_misspelling_is_stored(
    client: TestClient, world: World
) -> None:
    headers = world.headers("runner_b")
    response = client.post(INTAKE, json=demo_intake_document(), headers=headers)
    assert response.status_code == 201
    assert client.get("/api/v1/me/assessment", headers=headers).json()["disposition"]
