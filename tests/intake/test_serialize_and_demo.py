"""Assessments round-trip through JSON; the demo runner comes out as the clinic expects."""

from __future__ import annotations

import json

import pytest

from backstride.errors import InvalidInput
from backstride.intake import assess, assessment_from_dict, assessment_to_dict
from backstride.services.demo.data import demo_intake_document

from .builders import TODAY, doc


@pytest.mark.parametrize(
    "document",
    [demo_intake_document(), doc(), doc(red_flags={"cauda_equina": {"bowel_change": "yes"}})],
)
def test_assessment_round_trips_through_json(document: dict[str, object]) -> None:
    a = assess(document, today=TODAY)
    assert assessment_from_dict(json.loads(json.dumps(assessment_to_dict(a)))) == a


def test_a_broken_stored_assessment_is_a_coded_error() -> None:
    with pytest.raises(InvalidInput) as info:
        assessment_from_dict({"disposition": "soon"})
    assert info.value.code == "assessment.invalid"


def test_demo_runner_is_sent_to_the_clinician_for_the_si_pattern() -> None:
    a = assess(demo_intake_document(), today=TODAY)
    assert a.disposition.value == "clinician"
    assert a.reason_codes == ("pattern.sacroiliac",)
    assert a.startback_group == "medium"
    assert a.scores["odi.percent"] == pytest.approx(22.0)
    assert a.scores["rmdq.total"] == 6
    assert a.scores["psfs.rated"] == 3
    assert not a.plan_blocked
