"""The rule table never gives self-management to a runner the safety-netting text sends on.

Clinical reference §1.4 (2026-12-05 appendix): for each sign of the "emergency" and the
"see a doctor within a day" paragraphs, the presentation it describes is built as an intake
and triaged; the disposition must be at least what the paragraph asks for. A sign the rule
table reads only in combination (feeling unwell; a minor fall; constant pain that is not new)
is built in each combination the table names, and, alone, it is said back to the runner in a
safety-netting note.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from backstride.intake import SAFETY_NETTING, Disposition, assess

from .builders import TODAY, doc

EMERGENCY, WITHIN_A_DAY, STOP_RUNNING = SAFETY_NETTING

RF = "red_flags"


def ces(item: str) -> dict[str, Any]:
    return {RF: {"cauda_equina": {item: "yes"}}}


# (the sign as the text says it, the presentations it describes)
EMERGENCY_SIGNS: list[tuple[str, list[dict[str, Any]]]] = [
    ("numbness, tingling or a 'different' feeling around your back passage, genitals or the "
     "inside of your thighs", [ces("saddle_numbness")]),
    ("new difficulty starting to pass urine, a weak stream, not feeling when your bladder is "
     "full, or leaking urine", [ces("bladder_change")]),
    ("new loss of control of your bowels or not feeling when you need to go",
     [ces("bowel_change")]),
    ("new problems with erections, ejaculation or vaginal feeling", [ces("sexual_dysfunction")]),
    ("pain, numbness or weakness that is now in both legs", [
        ces("bilateral_leg_symptoms"),
        {"symptoms": {"leg_pain_below_knee": True, "leg_side": "both"}},
        {"symptoms": {"leg_tingling_numbness": True, "leg_side": "both"}},
        {"symptoms": {"leg_weakness": "stable", "leg_side": "both"}},
    ]),
]  # fmt: skip

WITHIN_A_DAY_SIGNS: list[tuple[str, list[dict[str, Any]]]] = [
    ("a leg or foot is getting weaker or you trip on it", [
        {"symptoms": {"leg_weakness": "worsening"}},
        {RF: {"foot_drop": True}},
        {RF: {"new_gait_disturbance": True}},
    ]),
    ("you have a fever or feel unwell with the back pain", [
        {RF: {"fever": True}},
        {RF: {"night_sweats": True}},
        # unwell with an infection risk item (T18) or over 50 with new pain (§1.1)
        {RF: {"generally_unwell": True, "immunosuppression": True}},
        {RF: {"generally_unwell": True, "recent_spinal_procedure": True}},
        {"about": {"age_years": 58}, RF: {"generally_unwell": True}},
    ]),
    ("the pain is constant and does not ease in any position, including at night", [
        {"symptoms": {"constant_no_position_eases": True}},
        {"symptoms": {"night_pain": "constant_unrelieved"}},
        {"about": {"age_years": 29}, "symptoms": {"constant_no_position_eases": True,
         "night_pain": "wakes_me"}},
        {"about": {"age_years": 66}, "symptoms": {"pattern": "constant",
         "better_with_rest": False}},
    ]),
    ("you are losing weight without trying", [{RF: {"unexplained_weight_loss": True}}]),
    ("the pain started after a fall or accident", [
        {RF: {"significant_trauma": True}},
        {"symptoms": {"onset_trigger": "significant_trauma"}},
        # a minor fall counts with a fragile bone (§1.1 red_flag.fracture, Downie 2013)
        {"about": {"age_years": 72}, "symptoms": {"onset_trigger": "minor_trauma"}},
        {"symptoms": {"onset_trigger": "minor_trauma"}, RF: {"osteoporosis": True}},
    ]),
]  # fmt: skip


def _clauses(paragraph: str) -> list[str]:
    """The signs of one paragraph: the list after its colon, split at semicolons."""
    listed = paragraph.split(":", 1)[1]
    return [c.strip(" .") for c in listed.split(";")]


@pytest.mark.parametrize(
    ("paragraph", "signs"),
    [(EMERGENCY, EMERGENCY_SIGNS), (WITHIN_A_DAY, WITHIN_A_DAY_SIGNS)],
    ids=["emergency", "within a day"],
)
def test_every_sign_of_the_text_has_its_presentations(
    paragraph: str, signs: list[tuple[str, list[dict[str, Any]]]]
) -> None:
    clauses = _clauses(paragraph)
    assert len(clauses) == len(signs)
    for clause, (sign, presentations) in zip(clauses, signs, strict=True):
        assert clause.startswith(sign), (clause, sign)
        assert presentations


CASES = [
    pytest.param(over, Disposition.EMERGENCY, id=f"emergency: {sign[:40]} #{i}")
    for sign, presentations in EMERGENCY_SIGNS
    for i, over in enumerate(presentations)
] + [
    pytest.param(over, Disposition.URGENT, id=f"within a day: {sign[:40]} #{i}")
    for sign, presentations in WITHIN_A_DAY_SIGNS
    for i, over in enumerate(presentations)
]


@pytest.mark.parametrize(("overrides", "at_least"), CASES)
def test_the_presentation_a_sign_describes_is_never_self_management(
    overrides: dict[str, Any], at_least: Disposition
) -> None:
    a = assess(doc(**overrides), today=TODAY)
    assert a.disposition is not Disposition.SELF_MANAGEMENT
    assert a.disposition.rank >= at_least.rank


@pytest.mark.parametrize(
    ("overrides", "said"),
    [
        ({RF: {"generally_unwell": True}}, "you feel generally unwell"),
        ({"symptoms": {"onset_trigger": "minor_trauma"}}, "the pain started after a fall"),
        (
            {"symptoms": {"constant_no_position_eases": True, "first_episode": False,
                          "duration_weeks": 30}},
            "the pain is constant and no position eases it",
        ),
    ],
)  # fmt: skip
def test_a_sign_the_table_reads_only_in_combination_is_said_back_when_alone(
    overrides: dict[str, Any], said: str
) -> None:
    a = assess(doc(**overrides), today=TODAY)
    (note,) = [n for n in a.notes if n.startswith("Safety-netting:")]
    assert said in note
    assert "see a doctor within a day" in note


def test_no_safety_netting_note_when_an_urgent_rule_fired_or_nothing_was_reported() -> None:
    urgent = assess(doc(red_flags={"generally_unwell": True, "fever": True}), today=TODAY)
    plain = assess(doc(red_flags={"minor_trauma_or_strenuous_lift": True},
                       symptoms={"onset_trigger": "lifting"}), today=TODAY)  # fmt: skip
    for a in (urgent, plain):
        assert not [n for n in a.notes if n.startswith("Safety-netting:")]


def test_the_stop_running_paragraph_is_always_shown() -> None:
    a = assess(doc(), today=TODAY)
    assert STOP_RUNNING in a.safety_netting
    assert re.search(r"hopping on one leg hurts", STOP_RUNNING)
