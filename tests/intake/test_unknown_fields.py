"""Every intake document refuses unknown fields and repeated keys, with the path (issue 15)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from backstride.errors import InvalidInput
from backstride.intake import IntakeDocument, validate_intake
from backstride.intake.document_text import Format, parse_document_text

from .builders import doc


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[type[BaseModel]]:
    """``model`` and every model its fields hold (lists and optionals included)."""
    if model in seen:
        return seen
    seen.add(model)
    for field in model.model_fields.values():
        stack: list[Any] = [field.annotation]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                _models(tp, seen)
            stack.extend(getattr(tp, "__args__", ()))
    return seen


def test_every_model_of_the_document_forbids_extra_fields() -> None:
    models = _models(IntakeDocument, set())
    assert len(models) >= 12
    assert {m.__name__ for m in models if m.model_config.get("extra") != "forbid"} == set()


@pytest.mark.parametrize(
    ("over", "path"),
    [
        ({"about": {"agee": 3}}, "about.agee"),
        ({"symptoms": {"night_sweats": True}}, "symptoms.night_sweats"),  # belongs in red_flags
        ({"red_flags": {"cauda_equina": {"saddle": "no"}}}, "red_flags.cauda_equina.saddle"),
        ({"running": {"previous_bsi": [{"site": "tibia", "when": 2020}]}},
         "running.previous_bsi.0.when"),
        ({"psfs": {"activities": [{"name": "run", "score": 3, "note": "x"}]}},
         "psfs.activities.0.note"),
        ({"odi": {"items": {"1": 2}, "total": 4}}, "odi.total"),
        ({"rmdq": {"items": {"25": True}}}, "rmdq.items.25"),
        ({"clinician": {"slr": True}}, "clinician.slr"),
        ({"extra_section": {}}, "extra_section"),
    ],
)  # fmt: skip
def test_an_unknown_field_anywhere_is_one_coded_problem_at_its_path(
    over: dict[str, Any], path: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        validate_intake(doc(**over))
    assert info.value.code == "intake.invalid"
    assert [p["path"] for p in info.value.problems] == [path]


def test_a_key_given_twice_in_yaml_is_refused_with_its_path_and_line() -> None:
    text = yaml.safe_dump(doc()) + "red_flags:\n  fever: true\n"
    with pytest.raises(InvalidInput) as info:
        parse_document_text(text, fmt="yaml")
    assert info.value.code == "intake.invalid"
    (problem,) = info.value.problems
    assert problem["path"] == "red_flags"
    assert problem["type"] == "duplicate_key"
    assert "line" in problem["msg"]


def test_a_key_given_twice_in_json_is_refused_with_its_path() -> None:
    text = json.dumps(doc())[:-1] + ', "about": {"age_years": 40, "sex": "male"}}'
    nested = '{"symptoms": {"side": "left", "side": "right"}}'
    with pytest.raises(InvalidInput) as info:
        parse_document_text(text, fmt="json")
    assert [p["path"] for p in info.value.problems] == ["about"]
    with pytest.raises(InvalidInput) as nested_info:
        parse_document_text(nested, fmt="json")
    assert [p["path"] for p in nested_info.value.problems] == ["symptoms.side"]


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_a_well_formed_file_parses_to_the_same_document(fmt: Format) -> None:
    raw = doc(psfs={"activities": [{"name": "run", "score": 3}]})
    text = json.dumps(raw) if fmt == "json" else yaml.safe_dump(raw)
    assert parse_document_text(text, fmt=fmt) == raw
    assert validate_intake(parse_document_text(text, fmt=fmt)).psfs
