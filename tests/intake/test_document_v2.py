"""Intake schema 2: what a clinician would write, with every version-1 document still valid."""

from __future__ import annotations

from typing import Any

import pytest

from backstride.errors import InvalidInput
from backstride.intake import Disposition, assess, intake_json_schema, validate_intake
from backstride.services.demo.data import demo_intake_document

from .builders import TODAY, doc


def _problems(raw: Any) -> dict[str, str]:
    with pytest.raises(InvalidInput) as info:
        validate_intake(raw)
    assert info.value.code == "intake.invalid"
    return {p["path"]: p["msg"] for p in info.value.problems}


def test_a_version_1_document_is_valid_and_keeps_its_version_and_meaning() -> None:
    v1 = demo_intake_document()
    assert v1["schema_version"] == "1"
    document = validate_intake(v1)
    assert document.schema_version == "1"
    assert document.red_flags.night_sweats is False
    assert document.symptoms.constant_no_position_eases is False
    assert document.symptoms.duration_days is None
    assert validate_intake(document.model_dump(mode="json")) == document


def test_new_documents_are_version_2() -> None:
    assert validate_intake(doc()).schema_version == "2"
    assert _problems(doc(schema_version="3")) == {"schema_version": "Input should be '1' or '2'"}


def test_a_duration_in_days_fills_the_weeks_the_rules_read() -> None:
    raw = doc()
    del raw["symptoms"]["duration_weeks"]
    raw["symptoms"]["duration_days"] = 10
    s = validate_intake(raw).symptoms
    assert s.duration_days == 10
    assert s.duration_weeks == pytest.approx(10 / 7)
    again = validate_intake(validate_intake(raw).model_dump(mode="json")).symptoms
    assert again.duration_weeks == s.duration_weeks


def test_days_and_weeks_that_disagree_are_one_problem() -> None:
    raw = doc(symptoms={"duration_days": 10, "duration_weeks": 3})
    assert _problems(raw) == {
        "symptoms": "Value error, duration_days 10 and duration_weeks 3 disagree; give one of them"
    }
    assert validate_intake(doc(symptoms={"duration_days": 14, "duration_weeks": 2}))


def test_a_duration_is_needed_in_days_or_weeks() -> None:
    raw = doc()
    del raw["symptoms"]["duration_weeks"]
    assert "symptoms.duration_weeks" in _problems(raw)
    schema = intake_json_schema()["$defs"]["Symptoms"]
    assert "duration_weeks" not in schema["required"]
    assert schema["anyOf"] == [{"required": ["duration_weeks"]}, {"required": ["duration_days"]}]


@pytest.mark.parametrize(
    ("days", "fired"),
    [(83, {"red_flag.nonmechanical"}), (84, set())],  # new pain: onset under 12 weeks
)
def test_a_duration_in_days_is_read_by_the_rules_at_the_12_week_edge(
    days: int, fired: set[str]
) -> None:
    raw = doc(symptoms={"first_episode": False, "constant_no_position_eases": True})
    del raw["symptoms"]["duration_weeks"]
    raw["symptoms"]["duration_days"] = days
    assert set(assess(raw, today=TODAY).reason_codes) == fired


def test_mid_back_and_pubic_pain_can_be_said() -> None:
    d = validate_intake(doc(symptoms={"locations": ["thoracic", "pelvis_pubic"]}))
    assert d.symptoms.locations == ["thoracic", "pelvis_pubic"]


@pytest.mark.parametrize(
    ("symptoms", "fired", "disposition"),
    [
        # numbness in both legs without pain: cauda equina (clinical reference §1.1)
        ({"locations": [], "leg_tingling_numbness": True, "leg_side": "both"},
         {"red_flag.cauda_equina"}, Disposition.EMERGENCY),
        # weakness getting worse without pain: progressive deficit
        ({"locations": [], "leg_weakness": "worsening", "leg_side": "left"},
         {"red_flag.progressive_deficit"}, Disposition.URGENT),
        # stable numbness in one leg without pain: no rule (radicular needs leg pain, §1.5)
        ({"locations": [], "leg_tingling_numbness": True, "leg_side": "left"}, set(),
         Disposition.SELF_MANAGEMENT),
    ],
)  # fmt: skip
def test_numbness_or_weakness_without_pain_can_be_said_and_is_triaged(
    symptoms: dict[str, Any], fired: set[str], disposition: Disposition
) -> None:
    a = assess(doc(symptoms=symptoms), today=TODAY)
    assert set(a.reason_codes) == fired
    assert a.disposition is disposition


def test_no_pain_location_needs_numbness_or_weakness() -> None:
    assert _problems(doc(symptoms={"locations": []})) == {
        "symptoms.locations": "say where the pain is; no location fits only numbness or "
        "weakness without pain"
    }


def test_a_previous_bone_stress_injury_at_an_unknown_site_is_a_risk_factor_not_trabecular() -> None:
    over = {"running": {"previous_bsi": [{"site": "unknown"}]}, "about": {"sex": "female"},
            "triad": {"energy_availability": "some_restriction"},
            "bone_stress": {"painful_single_leg_hop": True}}  # fmt: skip
    a = assess(doc(**over), today=TODAY)
    assert "pattern.bone_stress" in a.reason_codes
    bone = next(r for r in a.reasons if r.code == "pattern.bone_stress")
    assert "previous bsi" in (bone.detail or "")
    assert a.scores["triad.points_bone_stress_history"] == 1  # one BSI, not a trabecular site


def test_night_sweats_and_constant_pain_are_their_own_answers() -> None:
    d = validate_intake(doc(red_flags={"night_sweats": True},
                            symptoms={"constant_no_position_eases": True}))  # fmt: skip
    assert d.red_flags.night_sweats
    assert not d.red_flags.fever
    assert d.symptoms.constant_no_position_eases
