"""validate_intake reports every problem at once with its path; the JSON Schema follows the data."""

from __future__ import annotations

from typing import Any

import pytest

from backstride.errors import InvalidInput
from backstride.intake import intake_json_schema, validate_intake

from .builders import doc


def _problems(raw: Any) -> dict[str, str]:
    with pytest.raises(InvalidInput) as info:
        validate_intake(raw)
    assert info.value.code == "intake.invalid"
    return {p["path"]: p["type"] for p in info.value.problems}


def test_a_valid_document_passes() -> None:
    assert validate_intake(doc()).about.age_years == 35


def test_every_problem_is_listed_with_its_path() -> None:
    raw = doc(
        about={"age_years": "old"},
        odi={"items": {"3": 7, "11": 1, "2": "two"}},
        rmdq={"items": {"1": 1}},
        startback={"items": {"9": "a lot"}},
        nprs={"items": {"now": 11}},
        psfs={"activities": [{"name": "run", "score": 12}]},
    )
    del raw["symptoms"]["side"]
    assert _problems(raw) == {
        "about.age_years": "int_type",
        "symptoms.side": "missing",
        "odi.items.3": "out_of_range",
        "odi.items.11": "unknown_item",
        "odi.items.2": "int_type",
        "rmdq.items.1": "bool_type",
        "startback.items.9": "choice",
        "nprs.items.now": "out_of_range",
        "psfs.activities.0.score": "less_than_equal",
    }


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ({"symptoms": {"locations": ["low_back"], "side": "left", "duration_weeks": 1}}, "about"),
        (doc(unknown_section={}), "unknown_section"),
        (doc(red_flags={"cauda_equina": {"saddle_numbness": "maybe"}}),
         "red_flags.cauda_equina.saddle_numbness"),
        (doc(about={"age_years": 35.5}), "about.age_years"),
        (doc(red_flags={"fever": "yes"}), "red_flags.fever"),
        (doc(psfs={"activities": [{"name": "x", "score": 1}] * 6}), "psfs.activities"),
    ],
)  # fmt: skip
def test_bad_input_is_rejected_at_its_path(raw: dict[str, Any], path: str) -> None:
    assert path in _problems(raw)


def test_a_non_mapping_is_one_coded_problem() -> None:
    assert _problems(["not", "a", "mapping"]) == {"": "dict_type"}


def test_cauda_equina_accepts_booleans_and_null_as_tri_state() -> None:
    ces = {"saddle_numbness": True, "bladder_change": False, "bowel_change": None}
    d = validate_intake(doc(red_flags={"cauda_equina": ces}))
    assert d.red_flags.cauda_equina.saddle_numbness == "yes"
    assert d.red_flags.cauda_equina.bladder_change == "no"
    assert d.red_flags.cauda_equina.bowel_change == "unanswered"


def test_json_schema_lists_instrument_items_from_the_data_files() -> None:
    schema = intake_json_schema()
    odi_items = schema["properties"]["odi"]["anyOf"][0]["properties"]["items"]
    assert set(odi_items["properties"]) == {str(i) for i in range(1, 11)}
    assert odi_items["additionalProperties"] is False
    assert odi_items["properties"]["3"]["maximum"] == 5
    assert "about" in schema["required"]
