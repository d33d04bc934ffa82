"""The intake form model: parsing typed answers, conditions, pages and drafts (intake/form.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from backstride.intake import validate_intake
from backstride.intake.form import (
    AnswerError,
    Blank,
    Choice,
    Draft,
    Kind,
    Question,
    Section,
    applies,
    draft_from_dict,
    form_to_dict,
    get_answer,
    given,
    has_any,
    is_,
    is_not,
    parse,
    set_answer,
    validate_page,
)
from backstride.intake.questions import intake_sections, to_document

SIDE = Question(
    "symptoms.side",
    "Which side?",
    Kind.CHOICE,
    (Choice("left", "left"), Choice("both", "both sides")),
)


@pytest.mark.parametrize(
    ("question", "raw", "expected"),
    [
        (Question("a.n", "n", Kind.INT, minimum=0, maximum=10), "7", 7),
        (Question("a.x", "x", Kind.FLOAT, minimum=0, maximum=10), "2,5", 2.5),
        (Question("a.b", "b", Kind.BOOL), "Yes", True),
        (Question("a.b", "b", Kind.BOOL), "n", False),
        (Question("a.t", "t", Kind.TRI, safety=True), "skip", "unanswered"),
        (Question("a.t", "t", Kind.TRI, safety=True), "y", "yes"),
        (Question("a.t", "t", Kind.TRI, safety=True), "unanswered", "unanswered"),  # a radio
        (Question("a.n", "n", Kind.INT), ["2", "3"], 3),  # a field sent twice: the last
        (SIDE, "both", "both"),
        (SIDE, "both sides", "both"),  # by its label
        (SIDE, "1", "left"),  # by its number in the list
        (Question("a.m", "m", Kind.MULTI, SIDE.choices), "left, both", ["left", "both"]),
        (Question("a.m", "m", Kind.MULTI, SIDE.choices), ["left", "left"], ["left"]),
        (Question("a.m", "m", Kind.MULTI, SIDE.choices), "none", []),
        (Question("a.i", "i", Kind.INT, blank=Blank.UNKNOWN, skippable=True), "skip", None),
        (Question("a.i", "i", Kind.INT, blank=Blank.UNKNOWN), "", None),
        (Question("a.c", "c", Kind.CHOICE, SIDE.choices, blank=Blank.DEFAULT, default="left"),
         "", "left"),
    ],
)  # fmt: skip
def test_parse_turns_typed_text_into_the_answer(
    question: Question, raw: Any, expected: Any
) -> None:
    assert parse(question, raw) == expected


@pytest.mark.parametrize(
    ("question", "raw", "message"),
    [
        (Question("a.n", "n", Kind.INT, minimum=8, maximum=110), "200", "from 8 to 110"),
        (Question("a.n", "n", Kind.INT), "3.5", "whole number"),
        (Question("a.x", "x", Kind.FLOAT), "nan", "number"),
        (Question("a.b", "b", Kind.BOOL), "maybe", "y or n"),
        (Question("a.t", "t", Kind.TRI, safety=True), "", "safety question"),
        (SIDE, "spleen", "choose one of: left, both"),
        (Question("a.m", "m", Kind.MULTI, SIDE.choices), "left spleen", "unknown: spleen"),
        (Question("a.i", "i", Kind.INT, skippable=True), "", "or type skip"),
        (Question("a.r", "r", Kind.INT), "skip", "whole number"),  # not skippable
    ],
)
def test_parse_refuses_what_does_not_fit_with_a_plain_message(
    question: Question, raw: str, message: str
) -> None:
    with pytest.raises(AnswerError, match=message):
        parse(question, raw)


def test_conditions_read_earlier_answers() -> None:
    answers = {"about": {"sex": "female"}, "symptoms": {"locations": ["groin", "low_back"]}}
    assert is_("about.sex", "female").holds(answers)
    assert not is_("about.sex", "male").holds(answers)
    assert is_not("triad.menses_not_assessable", True).holds(answers)  # unanswered: not True
    assert has_any("symptoms.locations", "groin", "hip_front").holds(answers)
    assert not given("symptoms.side").holds(answers)
    assert json.dumps(has_any("symptoms.locations", "groin").to_dict())


def test_set_answer_builds_nested_mappings_and_lists_and_none_removes() -> None:
    answers: dict[str, Any] = {}
    name = Question("psfs.activities.1.name", "n", Kind.TEXT)
    set_answer(answers, Question("psfs.activities.0.name", "n", Kind.TEXT), "run")
    set_answer(answers, name, "sit")
    assert answers == {"psfs": {"activities": [{"name": "run"}, {"name": "sit"}]}}
    assert get_answer(answers, "psfs.activities.1.name") == "sit"
    set_answer(answers, name, None)
    assert get_answer(answers, "psfs.activities.1.name") is None
    bsi = Question("running.previous_bsi", "b", Kind.MULTI, (Choice("tibia", "shin"),),
                   item_key="site")  # fmt: skip
    set_answer(answers, bsi, ["tibia"])
    assert answers["running"] == {"previous_bsi": [{"site": "tibia"}]}


LEG = Section(
    "legs",
    "Legs",
    (
        Question("symptoms.leg_pain_below_knee", "leg?", Kind.BOOL, blank=Blank.DEFAULT,
                 default=False),
        Question("symptoms.leg_side", "which?", Kind.CHOICE, SIDE.choices,
                 when=is_("symptoms.leg_pain_below_knee", True)),
    ),
)  # fmt: skip


def test_a_page_is_validated_in_order_so_a_condition_reads_the_same_page() -> None:
    bad = validate_page(LEG, {"symptoms.leg_pain_below_knee": "yes"}, {})
    assert not bad.ok
    assert [(p.path, p.msg) for p in bad.problems] == [("symptoms.leg_side", "an answer is needed")]
    good = validate_page(LEG, {"symptoms.leg_pain_below_knee": "yes", "symptoms.leg_side": "left"},
                         {})  # fmt: skip
    assert good.ok
    assert good.answers == {"symptoms": {"leg_pain_below_knee": True, "leg_side": "left"}}


def test_a_changed_answer_removes_answers_that_no_longer_apply() -> None:
    before = {"symptoms": {"leg_pain_below_knee": True, "leg_side": "left"}}
    after = validate_page(LEG, {"symptoms.leg_pain_below_knee": "no"}, before)
    assert after.answers == {"symptoms": {"leg_pain_below_knee": False}}
    assert before["symptoms"]["leg_side"] == "left"  # the caller's answers are not changed


def test_a_draft_round_trips_through_json_and_refuses_unknown_fields() -> None:
    draft = Draft({"about": {"age_years": 40}}, asked=("about.age_years",), skipped=("odi",))
    again = draft_from_dict(json.loads(json.dumps(draft.to_dict())))
    assert again == draft
    with pytest.raises(AnswerError, match="unknown fields in the draft: answerz"):
        draft_from_dict({**draft.to_dict(), "answerz": {}})
    with pytest.raises(AnswerError, match="not an intake draft"):
        draft_from_dict({"answers": {}})


def test_the_whole_form_is_json_for_a_client_side_wizard() -> None:
    sections = intake_sections()
    as_json = json.loads(json.dumps(form_to_dict(sections)))
    keys = [s["key"] for s in as_json["sections"]]
    assert keys[:6] == ["about", "where", "nerves", "serious", "behaviour", "running"]
    assert {"odi", "startback", "psfs", "triad", "clinician"} <= set(keys)
    paths = [q["path"] for s in as_json["sections"] for q in s["questions"]]
    assert len(paths) == len(set(paths))  # every question writes its own place


def test_answering_every_page_with_its_defaults_gives_a_valid_document() -> None:
    """A web wizard that submits each page in order ends with a document that validates."""
    answers: dict[str, Any] = {}
    typed = {"about.age_years": "40", "about.sex": "male", "symptoms.locations": ["low_back"],
             "symptoms.side": "central", "symptoms.duration": "10 days"}  # fmt: skip
    for section in intake_sections():
        if section.optional or not applies(section, answers):
            continue
        form = dict(typed)
        form.update({q.path: "n" for q in section.questions if q.kind is Kind.TRI})
        page = validate_page(section, form, answers)
        assert page.ok, page.problems
        answers = page.answers
    document = validate_intake(to_document(answers))
    assert document.about.age_years == 40
    assert document.red_flags.cauda_equina.saddle_numbness == "no"
    assert (document.symptoms.duration_days, document.symptoms.duration_weeks) == (10, 10 / 7)


def test_a_page_runs_its_checks_across_answers() -> None:
    """No pain location: the nerves page asks which numbness or weakness brings the runner."""
    nerves = next(s for s in intake_sections() if s.key == "nerves")
    answers: dict[str, Any] = {"symptoms": {"locations": []}}
    form = {q.path: "n" for q in nerves.questions if q.kind is Kind.TRI}
    page = validate_page(nerves, form, answers)
    assert [p.path for p in page.problems] == ["symptoms.leg_tingling_numbness"]
    page = validate_page(nerves, {**form, "symptoms.leg_tingling_numbness": "yes",
                                  "symptoms.leg_side": "left"}, answers)  # fmt: skip
    assert page.ok
    assert page.answers["symptoms"]["leg_side"] == "left"
