"""The OpenAPI document shows the shape of every JSON answer: no response is an ``object``
without properties, nor an array of anything, except the stored free-form documents and the
few answers listed (with the reason) below."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from backstride.api.app import create_app
from backstride.config import Settings

FREE_FORM: dict[str, str] = {
    "AdminAuditView.detail": "audit detail: its keys depend on the action recorded",
    "AuditView.detail": "audit detail: its keys depend on the action recorded",
    "AssessmentEntry.result": "the stored triage document of its own rules version, as stored",
    "PlanVersionEntry.document": "the stored plan document of its version, as stored",
    "PlanEditIn.document": "a plan document the service validates (plan.invalid_document)",
    "ProfileIn.preferences": "the runner's free-form preferences",
    "ProfileView.preferences": "the runner's free-form preferences",
    "JobView.report": "the import report: refused files, the failure or the per-file outcome",
    "ActivityDetail.extra": "what the file's reader kept beyond the columns, as stored",
    "ErrorOut.problems": "each error family adds its own problem keys (path/msg, op, values)",
}
"""``Schema.property`` -> why its content is free-form JSON."""

UNTYPED_ANSWERS: dict[tuple[str, str], str] = {}
"""``(method, path)`` of a 2xx JSON answer documented without its shape -> why."""


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("openapi"))
    document: dict[str, Any] = create_app(settings, run_worker=False).openapi()
    return document


def _shapeless(node: Any, where: str) -> Iterator[str]:
    """Places in ``node`` that are an object with no properties (any keys, any values)."""
    if isinstance(node, dict):
        free = node.get("additionalProperties", True) in (True, {})
        if node.get("type") == "object" and "properties" not in node and free:
            yield where
        for key, value in node.items():
            yield from _shapeless(value, where if key in ("anyOf", "items") else f"{where}.{key}")
    elif isinstance(node, list):
        for value in node:
            yield from _shapeless(value, where)


def _untyped(schema: dict[str, Any]) -> bool:
    """An answer schema that says nothing of its content."""
    if schema.get("type") == "array":
        return not schema.get("items")
    return "$ref" not in schema and "properties" not in schema


def test_every_schema_property_has_a_shape_or_a_reason_to_be_free_form(
    spec: dict[str, Any],
) -> None:
    found = {
        place.replace(".properties.", ".")
        for name, schema in spec["components"]["schemas"].items()
        for place in _shapeless(schema, name)
    }
    assert sorted(found - FREE_FORM.keys()) == []
    assert sorted(FREE_FORM.keys() - found) == []  # a property typed since: drop its entry


def test_every_json_answer_is_typed_or_listed_with_its_reason(spec: dict[str, Any]) -> None:
    untyped = {
        (method, path)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        for status, answer in operation["responses"].items()
        if status.startswith("2")
        and (schema := answer.get("content", {}).get("application/json", {}).get("schema"))
        is not None
        and _untyped(schema)
    }
    assert sorted(untyped - UNTYPED_ANSWERS.keys()) == []
    assert sorted(UNTYPED_ANSWERS.keys() - untyped) == []


def test_the_timeline_shows_each_entry_field_by_field(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    timeline = schemas["Timeline"]["properties"]
    assert timeline["pain_entries"]["items"] == {"$ref": "#/components/schemas/PainDiaryEntry"}
    assert list(schemas["PainDiaryEntry"]["properties"]) == [
        "entry_date",
        "nprs_now",
        "morning_pain",
        "morning_stiffness_min",
        "notes",
    ]
    assert schemas["QuestionnaireEntry"]["properties"]["answered_at"]["format"] == "date-time"
