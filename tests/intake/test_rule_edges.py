"""Each triage rule at its edges, as clinical reference §1.1-§1.6, §2 and §3 write it.

Complements test_triage_vignettes (the worked cases) and test_presentations: here every row
sits on one side of one edge of one rule - the 2026-12-05 changes (night sweats, infection
risk with feeling unwell, non-mechanical pain, constant pain in the malignancy combination)
and the edges the other tables do not reach. Each group quotes its rule.
"""

from __future__ import annotations

from typing import Any

import pytest

from backstride.intake import Disposition, assess

from .builders import TODAY, doc, merge

U, C, S = "urgent", "clinician", "self_management"
BSI = {"no_running", "no_impact", "no_axial_loading"}
RF = "red_flags"
INF, MAL, NONMECH = "red_flag.infection", "red_flag.malignancy", "red_flag.nonmechanical"
NO_RUN = {"no_running"}
RISK_ITEMS = ("iv_drug_use", "immunosuppression", "recent_bacterial_infection",
              "penetrating_wound", "recent_spinal_procedure")  # fmt: skip
# "the pain is there all the time and no position eases it", said plainly
CONSTANT = {"symptoms": {"constant_no_position_eases": True}}
# the same read from the older answers: constant, better neither with rest nor exercise,
# nothing positional eases it
CONSTANT_READ = {"symptoms": {"pattern": "constant", "better_with_rest": False,
                              "better_with_exercise": False, "easing": ["heat"]}}  # fmt: skip
OLD_PAIN = {"symptoms": {"first_episode": False, "duration_weeks": 20}}


def both(*parts: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in parts:
        out = merge(out, part)
    return out


EDGES: list[tuple[str, dict[str, Any], set[str], str, set[str]]] = [
    # red_flag.infection: "fever/chills/rigors or night sweats with back pain; or an infection
    # risk item ... with new constant pain or with feeling generally unwell".
    ("night sweats alone", {RF: {"night_sweats": True}}, {INF}, U, NO_RUN),
    *[(f"{item} + feeling unwell, no fever", {RF: {item: True, "generally_unwell": True}},
       {INF}, U, NO_RUN) for item in RISK_ITEMS],
    *[(f"{item} + constant pain said plainly", both({RF: {item: True}}, CONSTANT),
       {INF, NONMECH}, U, NO_RUN) for item in RISK_ITEMS],
    ("feeling unwell at 35 without a risk item", {RF: {"generally_unwell": True}}, set(), S,
     set()),
    ("immunosuppressed, neither unwell nor constant pain", {RF: {"immunosuppression": True}},
     set(), S, set()),
    ("immunosuppressed + constant pain that eases lying down (not non-mechanical)",
     {RF: {"immunosuppression": True}, "symptoms": {"pattern": "constant",
      "easing": ["lying_down"]}}, {INF}, U, NO_RUN),
    # red_flag.nonmechanical: "new pain that is constant and eased by no position or rest,
    # including at night ... at any age".
    ("16 y, new constant pain no position eases", both({"about": {"age_years": 16}}, CONSTANT),
     {NONMECH}, U, NO_RUN),
    ("35 y, the same read from the answers", CONSTANT_READ, {NONMECH}, U, NO_RUN),
    ("constant + new_constant_pain, no rest or position helps", {RF: {"new_constant_pain": True},
     "symptoms": {"better_with_rest": False}}, {NONMECH}, U, NO_RUN),
    ("constant but better with rest (mechanical)", both(CONSTANT_READ, {"symptoms": {
     "better_with_rest": True}}), set(), S, set()),
    ("constant but eased by changing position", both(CONSTANT_READ, {"symptoms": {
     "easing": ["changing_position"]}}), set(), S, set()),
    ("constant but better with exercise (varies with activity)", both(CONSTANT_READ,
     {"symptoms": {"better_with_exercise": True}}), set(), S, set()),
    ("on and off, not better with rest", {"symptoms": {"pattern": "intermittent",
     "better_with_rest": False}}, set(), S, set()),
    ("night pain that wakes but eases", {"symptoms": {"night_pain": "wakes_me"}}, set(), S,
     set()),
    ("recurrent pain under 12 weeks counts as new", both(CONSTANT, {"symptoms": {
     "first_episode": False, "duration_weeks": 11.5}}), {NONMECH}, U, NO_RUN),
    ("recurrent pain at 12 weeks is not new", both(CONSTANT, {"symptoms": {
     "first_episode": False, "duration_weeks": 12}}), set(), S, set()),
    ("first episode for 30 weeks is new (first episode)", both(CONSTANT, {"symptoms": {
     "duration_weeks": 30}}), {NONMECH}, U, NO_RUN),
    # red_flag.malignancy: age > 50 with new pain and >= 1 of ... "new pain that is constant
    # (does not vary with position or activity)" (2026-12-05), ... feeling generally unwell.
    ("51 y, constant pain no position eases", both({"about": {"age_years": 51}}, CONSTANT),
     {MAL, NONMECH}, U, NO_RUN),
    ("50 y, the same (malignancy needs > 50)", both({"about": {"age_years": 50}}, CONSTANT),
     {NONMECH}, U, NO_RUN),
    ("58 y, constant read from the answers", both({"about": {"age_years": 58}}, CONSTANT_READ),
     {MAL, NONMECH}, U, NO_RUN),
    ("58 y, constant but better with rest", both({"about": {"age_years": 58}}, CONSTANT_READ,
     {"symptoms": {"better_with_rest": True}}), set(), S, set()),
    ("58 y, recurrent 20 weeks, constant (not new pain)", both({"about": {"age_years": 58}},
     CONSTANT, OLD_PAIN), set(), S, set()),
    ("58 y, recurrent 20 weeks, cancer history (alone)", both({"about": {"age_years": 58}},
     OLD_PAIN, {RF: {"history_of_cancer": True}}), {MAL}, U, NO_RUN),
    ("55 y, new pain, unwell + immunosuppressed", {"about": {"age_years": 55},
     RF: {"generally_unwell": True, "immunosuppression": True}}, {MAL, INF}, U, NO_RUN),
    # red_flag.cauda_equina: "leg pain, numbness or weakness in both legs".
    ("both legs named but no leg symptom", {"symptoms": {"leg_side": "both"}}, set(), S, set()),
    # red_flag.fracture: (minor trauma/strenuous lift or sudden severe central pain eased by
    # lying) and (osteoporosis or oral steroids >= 3 months or age > 70).
    ("sudden severe central pain at 71", {"about": {"age_years": 71},
     RF: {"sudden_severe_central_pain_eased_lying": True}}, {"red_flag.fracture"}, U,
     {"no_running", "no_axial_loading"}),
    ("minor trauma onset + osteoporosis", {"symptoms": {"onset_trigger": "minor_trauma"},
     RF: {"osteoporosis": True}}, {"red_flag.fracture"}, U, {"no_running", "no_axial_loading"}),
    ("steroids without an event", {RF: {"oral_steroids_3_months": True}}, set(), S, set()),
    # pattern.bone_stress (§2.3): (d) night pain after a recent training increase; >= 2
    # features, or 1 feature + >= 2 risk factors (§2.2).
    ("night pain after running more + painful hop", {"symptoms": {"night_pain": "wakes_me",
     "onset_trigger": "mileage_increase"}, "bone_stress": {"painful_single_leg_hop": True}},
     {"pattern.bone_stress"}, C, BSI),
    ("night pain after a reported increase + painful hop", {"symptoms": {"night_pain":
     "wakes_me"}, "running": {"recent_change": "increase"}, "bone_stress": {
     "painful_single_leg_hop": True}}, {"pattern.bone_stress"}, C, BSI),
    ("night pain without an increase + painful hop", {"symptoms": {"night_pain": "wakes_me"},
     "bone_stress": {"painful_single_leg_hop": True}}, set(), S, set()),
    ("mileage rise 30.5 % + pain builds (two features)", {"bone_stress": {
     "weight_bearing_pain_builds": True}, "running": {"load_increase_pct": 30.5}},
     {"pattern.bone_stress"}, C, BSI),
    ("risk factors without a feature", {"about": {"age_years": 18},
     "running": {"previous_bsi": [{"site": "unknown"}], "weekly_distance_km": 60},
     "bone_stress": {"low_calcium_or_vitamin_d": True}}, set(), S, set()),
    ("hop + under 20 at 40 km + previous BSI site unknown", {"about": {"age_years": 19},
     "running": {"previous_bsi": [{"site": "unknown"}], "weekly_distance_km": 40},
     "bone_stress": {"painful_single_leg_hop": True}}, {"pattern.bone_stress"}, C, BSI),
    ("hop + under 20 at 39 km + previous BSI (one risk factor)", {"about": {"age_years": 19},
     "running": {"previous_bsi": [{"site": "tibia"}], "weekly_distance_km": 39},
     "bone_stress": {"painful_single_leg_hop": True}}, set(), S, set()),
    ("hop + low BMD Z -1.1 + low calcium", {"triad": {"bmd_z_score": -1.1},
     "bone_stress": {"painful_single_leg_hop": True, "low_calcium_or_vitamin_d": True}},
     {"pattern.bone_stress"}, C, BSI),
    ("hop + BMD Z -1.0 (not low) + low calcium", {"triad": {"bmd_z_score": -1.0},
     "bone_stress": {"painful_single_leg_hop": True, "low_calcium_or_vitamin_d": True}},
     set(), S, set()),
    # pattern.inflammatory (§1.6): ASAS >= 4 of 5 with back pain > 3 months; (1) onset < 40,
    # (5) pain at night that improves on getting up.
    ("ASAS 4/5 with onset at 39", {"about": {"age_years": 45}, "symptoms": {"duration_weeks": 30,
     "age_at_onset_years": 39, "first_episode": False, "onset": "gradual",
     "better_with_exercise": True, "better_with_rest": False}}, {"pattern.inflammatory"}, C,
     set()),
    ("the same with onset at 40 (3/5)", {"about": {"age_years": 45}, "symptoms": {
     "duration_weeks": 30, "age_at_onset_years": 40, "first_episode": False, "onset": "gradual",
     "better_with_exercise": True, "better_with_rest": False}}, set(), S, set()),
    ("easing on rising counts only with night pain", {"about": {"age_years": 45}, "symptoms": {
     "duration_weeks": 30, "age_at_onset_years": 40, "first_episode": False, "onset": "gradual",
     "better_with_exercise": True, "night_pain_eases_on_rising": True}}, set(), S, set()),
    ("night pain easing on rising makes 4/5", {"about": {"age_years": 45}, "symptoms": {
     "duration_weeks": 30, "age_at_onset_years": 40, "first_episode": False, "onset": "gradual",
     "better_with_exercise": True, "better_with_rest": False, "night_pain": "wakes_me",
     "night_pain_eases_on_rising": True}}, {"pattern.inflammatory"}, C, set()),
    # pattern.radicular (§1.5): leg pain below the knee with >= 1 sign, one leg.
    ("leg pain below the knee as bad as the back", {"symptoms": {"leg_pain_below_knee": True,
     "leg_side": "right", "leg_pain_worse_than_back": True}}, {"pattern.radicular"}, C, set()),
    ("leg pain + myotomal weakness found by a clinician", {"symptoms": {
     "leg_pain_below_knee": True}, "clinician": {"myotomal_weakness": True}},
     {"pattern.radicular"}, C, set()),
    # pattern.sacroiliac (§3): runner items need one side; alternating is not one side.
    ("SI items with alternating side (2 of 4)", {"symptoms": {"pain_below_l5": True,
     "side": "alternating", "locations": ["buttock"]}}, set(), S, set()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "fired", "disposition", "flags"),
    [pytest.param(o, f, d, fl, id=name) for name, o, f, d, fl in EDGES],
)
def test_rule_edge(
    overrides: dict[str, Any], fired: set[str], disposition: str, flags: set[str]
) -> None:
    a = assess(doc(**overrides), today=TODAY)
    assert set(a.reason_codes) == fired
    assert a.disposition == Disposition(disposition)
    assert a.flags == flags


def test_nonmechanical_reason_says_what_was_reported_and_cites_its_source() -> None:
    a = assess(doc(symptoms={"night_pain": "constant_unrelieved"}), today=TODAY)
    (reason,) = a.reasons
    assert reason.code == NONMECH
    assert reason.detail == "new constant pain that no position or rest eases (night included)"
    assert "Finucane" in reason.source
    assert "within a day" in reason.text


def test_infection_detail_names_the_risk_and_what_goes_with_it() -> None:
    a = assess(doc(red_flags={"iv_drug_use": True, "generally_unwell": True}), today=TODAY)
    assert a.reasons[0].detail == "IV drug use with feeling generally unwell"
    sweats = assess(doc(red_flags={"fever": True, "night_sweats": True}), today=TODAY)
    assert sweats.reasons[0].detail == "fever and night sweats with back pain"


def test_rules_version_names_the_appendix_in_force() -> None:
    assert assess(doc(), today=TODAY).rules_version == "2026-12-05"
