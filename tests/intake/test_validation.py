"""validate_intake reports every problem at once with its path; the JSON Schema follows the data."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstride.errors import InvalidInput
from backstride.intake import Assessment, assess, intake_json_schema, validate_intake

from .builders import TODAY, doc


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


@pytest.mark.parametrize(
    ("over", "path", "kind"),
    [
        ({"symptoms": {"duration_weeks": "3"}}, "symptoms.duration_weeks", "float_type"),
        ({"symptoms": {"duration_weeks": True}}, "symptoms.duration_weeks", "float_type"),
        ({"symptoms": {"duration_weeks": float("nan")}}, "symptoms.duration_weeks",
         "finite_number"),
        ({"symptoms": {"morning_stiffness_min": "45"}}, "symptoms.morning_stiffness_min",
         "float_type"),
        ({"symptoms": {"duration_weeks": -1}}, "symptoms.duration_weeks", "greater_than_equal"),
        ({"about": {"age_years": "35"}}, "about.age_years", "int_type"),
        ({"about": {"age_years": 7}}, "about.age_years", "greater_than_equal"),
        ({"triad": {"bmi_kg_m2": "17.5"}}, "triad.bmi_kg_m2", "float_type"),
        ({"triad": {"bmd_z_score": float("inf")}}, "triad.bmd_z_score", "finite_number"),
        ({"triad": {"menses_last_12_months": 4.5}}, "triad.menses_last_12_months", "int_type"),
        ({"running": {"load_increase_pct": "40%"}}, "running.load_increase_pct", "float_type"),
        ({"running": {"previous_bsi": [{"site": "skull"}]}}, "running.previous_bsi.0.site",
         "literal_error"),
        ({"symptoms": {"leg_weakness": "getting worse"}}, "symptoms.leg_weakness",
         "literal_error"),
        ({"symptoms": {"colour": "red"}}, "symptoms.colour", "extra_forbidden"),
        ({"bone_stress": {"painful_single_leg_hop": "yes"}}, "bone_stress.painful_single_leg_hop",
         "bool_type"),
        ({"odi": {"items": {"1": 2.0}}}, "odi.items.1", "int_type"),
        ({"odi": {"items": {"1": [2, 6]}}}, "odi.items.1", "out_of_range"),
        ({"odi": {"items": {"1": [[2]]}}}, "odi.items.1", "int_type"),
        ({"rmdq": {"items": {"25": True}}}, "rmdq.items.25", "unknown_item"),
        ({"nprs": {"items": {"now": 5.5}}}, "nprs.items.now", "int_type"),
        ({"psfs": {"activities": [{"name": "run", "score": "7"}]}}, "psfs.activities.0.score",
         "int_type"),
        ({"psfs": {"activities": []}}, "psfs.activities", "too_short"),
    ],
)  # fmt: skip
def test_wrong_types_and_ranges_give_a_coded_problem_at_the_field_path(
    over: dict[str, Any], path: str, kind: str
) -> None:
    """A string for a number, a boolean, NaN, out of range or an unknown key: never coerced."""
    assert _problems(doc(**over)) == {path: kind}


def test_every_problem_carries_path_message_and_type() -> None:
    with pytest.raises(InvalidInput) as info:
        validate_intake(doc(symptoms={"duration_weeks": "3"}, odi={"items": {"12": 1}}))
    assert info.value.to_dict()["code"] == "intake.invalid"
    for problem in info.value.problems:
        assert set(problem) == {"path", "msg", "type"}
        assert problem["msg"]


def test_yaml_style_integer_item_keys_mean_the_same_items() -> None:
    """A YAML intake's bare ``1:`` key is item "1" (validated and scored like the text key)."""
    d = validate_intake(doc(odi={"items": dict.fromkeys(range(1, 11), 1)}))
    assert d.odi is not None
    assert set(d.odi.items) == {str(i) for i in range(1, 11)}
    assert _problems(doc(odi={"items": {3: 7}})) == {"odi.items.3": "out_of_range"}


def test_odi_accepts_several_marked_statements_in_a_section() -> None:
    d = validate_intake(doc(odi={"items": {"1": [2, 3]}}))
    assert d.odi is not None
    assert d.odi.items["1"] == [2, 3]


JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 200)
    | st.floats(allow_nan=True)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
FIELD_PATHS = (
    ("about", "age_years"), ("about", "sex"), ("about", "height_cm"), ("symptoms", "locations"),
    ("symptoms", "side"), ("symptoms", "duration_weeks"), ("symptoms", "night_pain"),
    ("symptoms", "leg_side"), ("running", "previous_bsi"), ("running", "load_increase_pct"),
    ("red_flags", "cauda_equina"), ("red_flags", "fever"), ("bone_stress", "limp"),
    ("clinician", "laslett"), ("odi", "items"), ("rmdq", "items"), ("startback", "items"),
    ("nprs", "items"), ("psfs", "activities"), ("triad", "bmi_kg_m2"),
    ("triad", "menses_last_12_months"),
    ("about",), ("symptoms",), ("odi",), ("psfs",), ("triad",), ("unknown",),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(path=st.sampled_from(FIELD_PATHS), value=JSONISH)
def test_any_wrong_value_anywhere_is_a_coded_error_never_a_crash(
    path: tuple[str, ...], value: Any
) -> None:
    raw = doc()
    node = raw
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value
    outcome: Assessment | InvalidInput
    try:
        outcome = assess(raw, today=TODAY)
    except InvalidInput as exc:  # anything else escaping fails the test
        outcome = exc
    if isinstance(outcome, InvalidInput):
        assert outcome.code == "intake.invalid"
        assert outcome.problems
        assert all({"path", "msg", "type"} <= set(p) for p in outcome.problems)
    else:
        assert outcome.safety_netting


def test_an_onset_age_above_the_runners_age_is_a_coded_problem() -> None:
    raw = doc(about={"age_years": 30}, symptoms={"age_at_onset_years": 45})
    assert _problems(raw) == {"symptoms.age_at_onset_years": "after_current_age"}
    assert validate_intake(doc(about={"age_years": 30}, symptoms={"age_at_onset_years": 30}))
