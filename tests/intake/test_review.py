"""A clinician's review changes the disposition and the binding flags, never the record."""

from __future__ import annotations

import datetime as dt

from backstride.intake import assess
from backstride.intake.assessment import Disposition
from backstride.intake.review import apply_review
from backstride.intake.triage import TIME_FRAMES
from tests.intake.builders import doc
from tests.intake.test_triage_vignettes import BSI, T10

TODAY = dt.date(2026, 11, 25)


def test_ruling_out_a_bone_stress_injury_lifts_its_flags_but_keeps_its_reasons() -> None:
    triaged = assess(doc(**T10), today=TODAY)
    assert triaged.disposition is Disposition.CLINICIAN
    assert triaged.flags >= BSI
    reviewed = apply_review(triaged, Disposition.SELF_MANAGEMENT)
    assert reviewed.disposition is Disposition.SELF_MANAGEMENT
    assert reviewed.time_frame == TIME_FRAMES[Disposition.SELF_MANAGEMENT]
    assert not (BSI & reviewed.flags)
    assert reviewed.reasons == triaged.reasons  # what the runner answered stays visible
    assert reviewed.safety_netting == triaged.safety_netting
    assert "lowered the disposition from clinician to self_management" in reviewed.notes[-1]


def test_raising_keeps_every_flag_and_the_same_level_changes_nothing() -> None:
    triaged = assess(doc(**T10), today=TODAY)
    raised = apply_review(triaged, Disposition.URGENT)
    assert raised.disposition is Disposition.URGENT
    assert raised.flags == triaged.flags
    assert "raised" in raised.notes[-1]
    assert apply_review(triaged, Disposition.CLINICIAN) is triaged


def test_an_emergency_lowered_after_examination_unblocks_the_plan() -> None:
    triaged = assess(doc(red_flags={"cauda_equina": {"saddle_numbness": True}}), today=TODAY)
    assert triaged.plan_blocked
    reviewed = apply_review(triaged, Disposition.CLINICIAN)
    assert not reviewed.plan_blocked
    assert {r.code for r in reviewed.reasons} == {r.code for r in triaged.reasons}


def test_a_changed_disposition_clears_the_derived_plan_flags_too() -> None:
    """SI pattern reviewed away: its hill hold goes with it (as before derived_flags existed)."""
    si = {"symptoms": {"pain_below_l5": True, "side": "right", "locations": ["buttock"]}}
    triaged = assess(doc(**si), today=TODAY)
    assert (triaged.flags, triaged.derived_flags) == (frozenset(), frozenset({"hold_hills"}))
    reviewed = apply_review(triaged, Disposition.SELF_MANAGEMENT)
    assert reviewed.plan_flags == frozenset()
    assert apply_review(triaged, Disposition.CLINICIAN).plan_flags == {"hold_hills"}
