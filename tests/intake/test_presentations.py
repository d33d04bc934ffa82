"""Presentations the clinical reference implies, beyond its worked tables (clinical reference §1-3).

Each row: overrides of the plain baseline (builders.doc), the rules that must fire (exactly),
the disposition and the flags (exactly the union of the fired rules' flags, clinical reference
§0). The comment above each group quotes the rule it checks.
"""

from __future__ import annotations

from typing import Any

import pytest

from backstride.intake import Disposition, assess
from backstride.intake.facts import LASLETT_LR_NEGATIVE, LASLETT_LR_POSITIVE, post_test_probability

from .builders import CES_ITEMS, TODAY, doc, merge, startback

E, U, C, S = "emergency", "urgent", "clinician", "self_management"
BSI = {"no_running", "no_impact", "no_axial_loading"}
BLOCKED = {"blocked"}
RF = "red_flags"
CES = "red_flag.cauda_equina"


def ces_only(item: str, answer: str = "yes") -> dict[str, Any]:
    return {RF: {"cauda_equina": {item: answer}}}


def both(*parts: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in parts:
        out = merge(out, part)
    return out


# clinical reference §2.4 F2 answers (some restriction; BMI 17.8; menarche 14; 4 menses; BMD
# unknown; one sacral BSI) -> 1, 1, 0, 2, 0*, 2 = 6 restricted.
F2_TRIAD = {
    "about": {"age_years": 24, "sex": "female"},
    "triad": {
        "energy_availability": "some_restriction",
        "bmi_kg_m2": 17.8,
        "menarche_age_years": 14,
        "menses_last_12_months": 4,
    },
    "running": {"previous_bsi": [{"site": "sacrum"}]},
}
# clinical reference §2.5 M3: some restriction; BMI 18.0; Z -1.1; no BSI -> 3 provisional.
M3_TRIAD = {
    "about": {"age_years": 29, "sex": "male"},
    "triad": {"energy_availability": "some_restriction", "bmi_kg_m2": 18.0, "bmd_z_score": -1.1},
}
LEG_LEFT = {"symptoms": {"leg_pain_below_knee": True, "leg_side": "left"}}

PRESENTATIONS: list[tuple[str, dict[str, Any], set[str], str, set[str]]] = [
    # 1.1 red_flag.cauda_equina: "any one, new or worsening" -> emergency; plan blocked.
    *[(f"CES {item} alone", ces_only(item), {CES}, E, BLOCKED) for item in CES_ITEMS],
    # Appendix 1: bilateral leg symptoms fire ALONE (BASS 2018); 1.2.5: radicular symptoms
    # in both legs fire cauda_equina (and not radicular: "one leg").
    ("sciatica both legs, CES items all no (T2 as symptoms)",
     {"about": {"age_years": 41}, "symptoms": {"leg_pain_below_knee": True, "leg_side": "both",
      "leg_pain_worse_than_back": True}}, {CES}, E, BLOCKED),
    ("weakness in both legs, stable", {"symptoms": {"leg_weakness": "stable", "leg_side": "both"}},
     {CES}, E, BLOCKED),
    ("both legs marked on the body map below the knee",
     {"symptoms": {"locations": ["low_back", "leg_below_knee"], "leg_side": "both"}},
     {CES}, E, BLOCKED),
    # section 0: unknown is not "no" -> screen.incomplete (clinician); self_management impossible.
    *[(f"CES {item} unanswered", ces_only(item, "unanswered"), {"screen.incomplete"}, C, set())
      for item in CES_ITEMS],
    ("CES item unanswered with a radicular leg",
     both(LEG_LEFT, {"symptoms": {"leg_tingling_numbness": True}},
          ces_only("bladder_change", "unanswered")),
     {"pattern.radicular", "screen.incomplete"}, C, set()),
    # 1.1 red_flag.progressive_deficit: new and worsening weakness; foot drop; new gait change.
    ("worsening weakness without leg pain", {"symptoms": {"leg_weakness": "worsening"}},
     {"red_flag.progressive_deficit"}, U, {"no_running"}),
    ("stable weakness alone is not progressive", {"symptoms": {"leg_weakness": "stable"}},
     set(), S, set()),
    # 1.1 red_flag.fracture: significant trauma at any age; or minor trauma/strenuous lift OR
    # sudden severe central pain eased by lying, WITH osteoporosis / steroids >= 3 months / > 70.
    ("significant trauma at 25", {"about": {"age_years": 25},
     "symptoms": {"onset_trigger": "significant_trauma"}}, {"red_flag.fracture"}, U,
     {"no_running", "no_axial_loading"}),
    ("sudden severe pain + osteoporosis (Appendix 3)", {RF: {
     "sudden_severe_central_pain_eased_lying": True, "osteoporosis": True}},
     {"red_flag.fracture"}, U, {"no_running", "no_axial_loading"}),
    ("sudden severe pain + steroids", {RF: {"sudden_severe_central_pain_eased_lying": True,
     "oral_steroids_3_months": True}}, {"red_flag.fracture"}, U,
     {"no_running", "no_axial_loading"}),
    ("lifting onset at 71", {"about": {"age_years": 71}, "symptoms": {"onset_trigger": "lifting"}},
     {"red_flag.fracture"}, U, {"no_running", "no_axial_loading"}),
    ("minor trauma at exactly 70 (> 70 needed)", {"about": {"age_years": 70},
     RF: {"minor_trauma_or_strenuous_lift": True}}, set(), S, set()),
    ("osteoporosis without an event", {"about": {"age_years": 74}, RF: {"osteoporosis": True}},
     set(), S, set()),
    # 1.1 red_flag.malignancy: cancer history alone; weight loss alone; age > 50 with new pain
    # (first episode or < 12 weeks) and >= 1 of night pain eased by no position, no improvement
    # after >= 4 weeks of care, generally unwell.
    ("51 y, new pain, constant night pain", {"about": {"age_years": 51},
     "symptoms": {"night_pain": "constant_unrelieved"}},
     {"red_flag.malignancy", "red_flag.nonmechanical"}, U, {"no_running"}),
    ("51 y, night pain that wakes but eases", {"about": {"age_years": 51},
     "symptoms": {"night_pain": "wakes_me"}}, set(), S, set()),
    ("66 y, recurrent pain for 8 weeks, no better after 4 weeks of care",
     {"about": {"age_years": 66}, "symptoms": {"first_episode": False, "duration_weeks": 8},
      RF: {"no_improvement_after_4_weeks_care": True}}, {"red_flag.malignancy"}, U,
     {"no_running"}),
    ("66 y, recurrent pain for 12 weeks (not new), unwell", {"about": {"age_years": 66},
     "symptoms": {"first_episode": False, "duration_weeks": 12},
     RF: {"generally_unwell": True}}, set(), S, set()),
    ("cancer history at 30, old pain", {"about": {"age_years": 30},
     "symptoms": {"first_episode": False, "duration_weeks": 60},
     RF: {"history_of_cancer": True}}, {"red_flag.malignancy"}, U, {"no_running"}),
    # 1.1 red_flag.infection: fever alone; or IV drugs / immunosuppression / recent infection /
    # penetrating wound / spinal procedure WITH new constant pain.
    ("fever alone", {RF: {"fever": True}}, {"red_flag.infection"}, U, {"no_running"}),
    ("IV drug use + constant pain pattern", {"symptoms": {"pattern": "constant"},
     RF: {"iv_drug_use": True}}, {"red_flag.infection"}, U, {"no_running"}),
    ("recent spinal injection + new constant pain", {RF: {"recent_spinal_procedure": True,
     "new_constant_pain": True}}, {"red_flag.infection"}, U, {"no_running"}),
    ("penetrating wound + new constant pain", {RF: {"penetrating_wound": True,
     "new_constant_pain": True}}, {"red_flag.infection"}, U, {"no_running"}),
    ("immunosuppressed, intermittent pain", {RF: {"immunosuppression": True}}, set(), S, set()),
    ("new constant pain without a risk item", {RF: {"new_constant_pain": True}}, set(), S, set()),
    # 1.6 inflammatory: ASAS >= 4/5 with pain > 3 months; or stiffness > 30 min + alternating
    # buttock pain under 45.
    ("ASAS 4/5 at 13 weeks", {"about": {"age_years": 30}, "symptoms": {"duration_weeks": 13,
     "onset": "gradual", "better_with_exercise": True, "better_with_rest": False}},
     {"pattern.inflammatory"}, C, set()),
    ("ASAS 4/5 at 12 weeks (not > 3 months)", {"about": {"age_years": 30}, "symptoms": {
     "duration_weeks": 12, "onset": "gradual", "better_with_exercise": True,
     "better_with_rest": False}}, set(), S, set()),
    ("ASAS 3/5 at 6 months (just below)", {"about": {"age_years": 30}, "symptoms": {
     "duration_weeks": 26, "onset": "gradual", "better_with_exercise": True}}, set(), S, set()),
    ("stiffness exactly 30 min + alternating buttock (> 30 needed)", {"about": {"age_years": 30},
     "symptoms": {"morning_stiffness_min": 30, "alternating_buttock_pain": True}}, set(), S,
     set()),
    ("stiffness 31 min + alternating buttock at 44", {"about": {"age_years": 44},
     "symptoms": {"morning_stiffness_min": 31, "alternating_buttock_pain": True}},
     {"pattern.inflammatory"}, C, set()),
    # 1.1 / 1.5 pattern.radicular: leg pain below the knee and >= 1 sign, one leg.
    ("radicular: band-like spread", both(LEG_LEFT, {"symptoms": {"leg_pain_dermatomal": True}}),
     {"pattern.radicular"}, C, set()),
    ("radicular: stable weakness", both(LEG_LEFT, {"symptoms": {"leg_weakness": "stable"}}),
     {"pattern.radicular"}, C, set()),
    ("radicular: reflex change", both(LEG_LEFT, {"clinician": {"reflex_change": True}}),
     {"pattern.radicular"}, C, set()),
    ("radicular: dermatomal sensory loss",
     both(LEG_LEFT, {"clinician": {"dermatomal_sensory_loss": True}}),
     {"pattern.radicular"}, C, set()),
    ("radicular: pain marked below the knee, tingling (no direct question)",
     {"symptoms": {"locations": ["low_back", "leg_below_knee"], "leg_side": "right",
      "leg_tingling_numbness": True}}, {"pattern.radicular"}, C, set()),
    ("tingling without pain below the knee", {"symptoms": {"leg_tingling_numbness": True,
     "leg_side": "left"}}, set(), S, set()),
    # 1.1 pattern.bone_stress_high_risk: groin/front-of-hip pain on weight bearing AND (painful
    # hop OR limp OR night pain) -> urgent; the groin pain + hop also meets 2.3 (>= 2 features).
    ("groin on the body map, weight-bearing pain, painful hop", {"symptoms": {"locations":
     ["groin"]}, "bone_stress": {"weight_bearing_pain_builds": True,
     "painful_single_leg_hop": True}}, {"pattern.bone_stress_high_risk", "pattern.bone_stress"},
     U, BSI),
    ("front of hip, weight-bearing pain, limp", {"symptoms": {"locations": ["hip_front"]},
     "bone_stress": {"weight_bearing_pain_builds": True, "limp": True}},
     {"pattern.bone_stress_high_risk"}, U, BSI),
    ("groin pain on weight bearing + night pain", {"symptoms": {"night_pain": "wakes_me"},
     "bone_stress": {"groin_or_front_hip_pain_weight_bearing": True}},
     {"pattern.bone_stress_high_risk"}, U, BSI),
    ("groin pain on weight bearing alone", {"bone_stress": {
     "groin_or_front_hip_pain_weight_bearing": True}}, set(), S, set()),
    ("groin pain, hopping among aggravating factors", {"symptoms": {"aggravating": ["hopping"]},
     "bone_stress": {"groin_or_front_hip_pain_weight_bearing": True}},
     {"pattern.bone_stress_high_risk", "pattern.bone_stress"}, U, BSI),
    # 2.3 pattern.bone_stress (sacral/pelvic) in a female runner with a high Triad score (2.4):
    # F2 -> restricted -> risk.triad_restricted and bone_stress ("or Triad restricted").
    ("female, sacral pattern, Triad F2 restricted", both(F2_TRIAD, {"symptoms": {"locations":
     ["buttock", "low_back"]}, "bone_stress": {"weight_bearing_pain_builds": True}}),
     {"pattern.bone_stress", "risk.triad_restricted"}, C, BSI),
    # 2.5 male runner, M3 provisional (no Triad rule) but 1 feature + 3 risk factors (low EA,
    # low BMI, low BMD) -> bone_stress.
    ("male, buttock pain building with runs, M3 risk factors", both(M3_TRIAD, {"symptoms":
     {"locations": ["buttock"]}, "bone_stress": {"weight_bearing_pain_builds": True}}),
     {"pattern.bone_stress"}, C, BSI),
    ("male, M3 answers without any symptom feature", M3_TRIAD, set(), S, set()),
    ("male, pelvic pain after a 35 % mileage rise", {"about": {"sex": "male", "age_years": 28},
     "symptoms": {"locations": ["buttock"]}, "bone_stress": {"weight_bearing_pain_builds": True},
     "running": {"load_increase_pct": 35}}, {"pattern.bone_stress"}, C, BSI),
    # 2.2 risk factors: "BMI < 18.5 kg/m2 (adults)": a thin 16-year-old's BMI is no risk factor
    ("adult: painful hop + BMI 17.3 + previous BSI", {"about": {"age_years": 25,
     "height_cm": 170, "weight_kg": 50}, "bone_stress": {"painful_single_leg_hop": True},
     "running": {"previous_bsi": [{"site": "tibia"}]}}, {"pattern.bone_stress"}, C, BSI),
    ("16 y: painful hop + BMI 17.3 + previous BSI", {"about": {"age_years": 16,
     "height_cm": 170, "weight_kg": 50}, "bone_stress": {"painful_single_leg_hop": True},
     "running": {"previous_bsi": [{"site": "tibia"}]}}, set(), S, set()),
    # 2.2 "menstrual dysfunction (9 or fewer periods in 12 months, or none for 3 months)":
    # 1 feature + 2 risk factors (late menarche, no period for 3 months) -> bone_stress;
    # the same answers under hormonal contraception leave one risk factor.
    ("female: pain builds + menarche 15 + no period 3 months", {"about": {"sex": "female"},
     "bone_stress": {"weight_bearing_pain_builds": True}, "triad": {"menarche_age_years": 15,
     "menses_last_12_months": 10, "no_period_last_3_months": True}}, {"pattern.bone_stress"},
     C, BSI),
    ("female: same, on hormonal contraception", {"about": {"sex": "female"},
     "bone_stress": {"weight_bearing_pain_builds": True}, "triad": {"menarche_age_years": 15,
     "no_period_last_3_months": True, "menses_not_assessable": True}}, set(), S, set()),
    ("female: pain builds + menarche 15, periods regular", {"about": {"sex": "female"},
     "bone_stress": {"weight_bearing_pain_builds": True}, "triad": {"menarche_age_years": 15,
     "menses_last_12_months": 12, "no_period_last_3_months": False}}, set(), S, set()),
    ("mileage rise of exactly 30 % is not > 30 %", {"bone_stress": {
     "weight_bearing_pain_builds": True}, "running": {"load_increase_pct": 30}}, set(), S, set()),
    # 1.1 pattern.pars: age < 20 with pain on back-bending; or extension/rotation sport and
    # one-sided pain on back-bending -> clinician; no_running, avoid_extension_loading.
    ("teenager 15, central pain on back-bending", {"about": {"age_years": 15},
     "symptoms": {"aggravating": ["extension"]}}, {"pattern.pars"}, C,
     {"no_running", "avoid_extension_loading"}),
    ("19 y, back-bending pain", {"about": {"age_years": 19}, "symptoms": {"aggravating":
     ["extension"]}}, {"pattern.pars"}, C, {"no_running", "avoid_extension_loading"}),
    ("20 y, back-bending pain one side, no extension sport", {"about": {"age_years": 20},
     "symptoms": {"aggravating": ["extension"], "side": "left"}}, set(), S, set()),
    ("24 y cricketer, one-sided back-bending pain", {"about": {"age_years": 24},
     "symptoms": {"aggravating": ["extension"], "side": "right"},
     "running": {"extension_rotation_sport": True}}, {"pattern.pars"}, C,
     {"no_running", "avoid_extension_loading"}),
    ("teenager 16, flexion pain only", {"about": {"age_years": 16},
     "symptoms": {"aggravating": ["flexion"]}}, set(), S, set()),
    # 1.1 / 3 pattern.sacroiliac: >= 3 of 4 runner items; or Laslett >= 2 of the 4
    # non-Gaenslen tests or >= 3 of the 5-test set (Gaenslen counted once).
    ("SI: 4 of 4 runner items", {"symptoms": {"pain_below_l5": True, "side": "left",
     "locations": ["si_region"], "points_one_finger_near_psis": True}},
     {"pattern.sacroiliac"}, C, set()),
    ("SI: below L5, buttock, near PSIS but central", {"symptoms": {"pain_below_l5": True,
     "locations": ["buttock"], "points_one_finger_near_psis": True}},
     {"pattern.sacroiliac"}, C, set()),
    ("Laslett 1 of 4 + Gaenslen = 2 of 5", {"clinician": {"laslett": {"thigh_thrust": True,
     "gaenslen_left": True}}}, set(), S, set()),
    ("Laslett 1 of 4", {"clinician": {"laslett": {"sacral_thrust": True}}}, set(), S, set()),
    ("Laslett thigh thrust + compression = 2 of 4", {"clinician": {"laslett": {
     "thigh_thrust": True, "compression": True, "distraction": False, "sacral_thrust": False}}},
     {"pattern.sacroiliac"}, C, set()),
    # 2 of 4 can only come with the 4 tests, so ">= 3 of 5" adds nothing over ">= 2 of 4"
    # unless Gaenslen is one of the three; 2 of 4 + Gaenslen is positive either way.
    ("Laslett 2 of 4 + Gaenslen both sides", {"clinician": {"laslett": {"distraction": True,
     "sacral_thrust": True, "gaenslen_left": True, "gaenslen_right": True}}},
     {"pattern.sacroiliac"}, C, set()),
    ("Laslett all six negative", {"clinician": {"laslett": dict.fromkeys(
     ("distraction", "thigh_thrust", "compression", "sacral_thrust", "gaenslen_left",
      "gaenslen_right"), False)}}, set(), S, set()),
    # 4.5 / 1.1 risk.startback_high: psychosocial subscale >= 4, at the group boundaries.
    ("STarT S6 subscale 4 (edge)", {"startback": startback("0 0 0 0 1 1 1 0", "extremely")},
     {"risk.startback_high"}, C, set()),
    ("STarT S4 total 4, subscale 3 (medium)",
     {"startback": startback("1 0 0 0 1 1 1 0", "moderately")}, set(), S, set()),
    ("STarT S1 total 3 (low)", {"startback": startback("1 1 0 0 1 0 0 0", "moderately")},
     set(), S, set()),
    ("STarT with item 9 missing is not scored", {"startback": {"items": {
     str(i): True for i in range(1, 9)}}}, set(), S, set()),
    # 1.2: every rule evaluated, highest disposition wins, flags are the union.
    ("CES + fracture + malignancy + STarT high", both({RF: {"significant_trauma": True,
     "history_of_cancer": True, "cauda_equina": {"saddle_numbness": "yes"}}},
     {"startback": startback("0 0 0 0 1 1 1 1", "not_at_all")}),
     {CES, "red_flag.fracture", "red_flag.malignancy", "risk.startback_high"}, E,
     {"blocked", "no_running", "no_axial_loading"}),
    ("pars + radicular + Triad restricted teenager", both(
     {"about": {"age_years": 17, "sex": "female"}, "symptoms": {"aggravating": ["extension"]}},
     LEG_LEFT, {"symptoms": {"leg_tingling_numbness": True}}, {"triad": {
      "energy_availability": "eating_disorder", "pct_expected_weight": 84,
      "menarche_age_years": 16, "menses_last_12_months": 3}}),
     {"pattern.pars", "pattern.radicular", "risk.triad_restricted", "pattern.bone_stress"}, C,
     BSI | {"avoid_extension_loading"}),
    ("older runner: 72 y, lifting onset, unwell, new pain", {"about": {"age_years": 72},
     "symptoms": {"onset_trigger": "lifting"}, RF: {"generally_unwell": True}},
     {"red_flag.fracture", "red_flag.malignancy"}, U, {"no_running", "no_axial_loading"}),
    ("older runner: 68 y, recurrent mechanical pain, nothing else",
     {"about": {"age_years": 68}, "symptoms": {"first_episode": False, "duration_weeks": 40,
      "aggravating": ["standing", "walking"]}}, set(), S, set()),
    ("groin high-risk + SI pattern + CES unanswered", both(
     {"bone_stress": {"groin_or_front_hip_pain_weight_bearing": True, "limp": True}},
     {"symptoms": {"pain_below_l5": True, "side": "right", "locations": ["buttock"]}},
     ces_only("sexual_dysfunction", "unanswered")),
     {"pattern.bone_stress_high_risk", "pattern.sacroiliac", "screen.incomplete"}, U, BSI),
]  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "fired", "disposition", "flags"),
    [pytest.param(o, f, d, fl, id=name) for name, o, f, d, fl in PRESENTATIONS],
)
def test_presentation(
    overrides: dict[str, Any], fired: set[str], disposition: str, flags: set[str]
) -> None:
    a = assess(doc(**overrides), today=TODAY)
    assert set(a.reason_codes) == fired
    assert a.disposition == Disposition(disposition)
    assert a.flags == flags


def test_combined_reasons_are_ordered_by_disposition_then_key() -> None:
    """clinical reference §1.2 step 4: disposition descending, then key ascending."""
    combined = dict(PRESENTATIONS[[p[0] for p in PRESENTATIONS].index(
        "CES + fracture + malignancy + STarT high")][1])  # fmt: skip
    a = assess(doc(**combined), today=TODAY)
    assert a.reason_codes == (
        "red_flag.cauda_equina",
        "red_flag.fracture",
        "red_flag.malignancy",
        "risk.startback_high",
    )


def test_unanswered_screen_lists_every_blank_item() -> None:
    """clinical reference §0: unknown is not "no"; the reason names what is missing."""
    raw = doc()
    del raw["red_flags"]  # the whole red-flag section left out
    a = assess(raw, today=TODAY)
    assert a.disposition is Disposition.CLINICIAN
    (reason,) = a.reasons
    assert reason.code == "screen.incomplete"
    assert reason.detail == (
        "unanswered: saddle numbness, bladder change, bowel change, sexual dysfunction, "
        "bilateral leg symptoms"
    )


def test_female_sacral_presentation_reports_the_triad_scores() -> None:
    """clinical reference §2.4 F2 through the document: 1, 1, 0, 2, 0* (menarche substitute), 2 =
    6."""
    a = assess(doc(**F2_TRIAD), today=TODAY)
    points = {k: v for k, v in a.scores.items() if k.startswith("triad.points_")}
    assert points == {
        "triad.points_energy_availability": 1,
        "triad.points_bmi": 1,
        "triad.points_menarche": 0,
        "triad.points_menses": 2,
        "triad.points_bmd": 0,
        "triad.points_bone_stress_history": 2,
    }
    assert (a.scores["triad.total"], a.scores["triad.clearance"]) == (6, "restricted")
    assert a.scores["triad.model"] == "triad_female"
    assert set(a.reason_codes) == {"risk.triad_restricted", "pattern.bone_stress"}


@pytest.mark.parametrize(
    ("case", "over", "total", "worst", "clearance", "worst_clearance", "fired"),
    [
        # clinical reference §2.5 M1: 1, 1, 1, 1 = 4 -> restricted
        ("M1", {"triad": {"energy_availability": "some_restriction", "bmi_kg_m2": 18.2,
          "bmd_z_score": -1.3}, "running": {"previous_bsi": [{"site": "tibia"}]}},
         4, 4, "restricted", "restricted", {"risk.triad_restricted", "pattern.bone_stress"}),
        # M2: none; BMI 22; BMD unknown; one BSI -> 1 (3): full, incomplete (could be provisional)
        ("M2", {"triad": {"energy_availability": "none", "bmi_kg_m2": 22},
          "running": {"previous_bsi": [{"site": "metatarsal"}]}},
         1, 3, "full", "provisional", set()),
        # M3: 1, 1, 1, 0 = 3 -> provisional
        ("M3", {"triad": {"energy_availability": "some_restriction", "bmi_kg_m2": 18.0,
          "bmd_z_score": -1.1}}, 3, 3, "provisional", "provisional", set()),
    ],
)  # fmt: skip
def test_male_runner_triad_cases_through_the_document(
    case: str,
    over: dict[str, Any],
    total: int,
    worst: int,
    clearance: str,
    worst_clearance: str,
    fired: set[str],
) -> None:
    a = assess(doc(**over), today=TODAY)
    s = a.scores
    assert (s["triad.model"], s["triad.total"], s["triad.total_worst_case"]) == (
        "triad_male",
        total,
        worst,
    )
    assert (s["triad.clearance"], s["triad.clearance_worst_case"]) == (clearance, worst_clearance)
    assert set(a.reason_codes) == fired
    assert any("Provisional male model" in n for n in a.notes)


@pytest.mark.parametrize(
    ("disposition_overrides", "disposition", "phrase"),
    [
        # clinical reference §1.3: time frames by disposition
        (ces_only("saddle_numbness"), E, "within the hour"),
        ({RF: {"fever": True}}, U, "within 24 h"),
        ({"clinician": {"laslett": {"distraction": True, "compression": True}}}, C, "1-2 weeks"),
        ({}, S, "review at 2-4 weeks"),
    ],
)
def test_time_frame_follows_the_disposition(
    disposition_overrides: dict[str, Any], disposition: str, phrase: str
) -> None:
    a = assess(doc(**disposition_overrides), today=TODAY)
    assert a.disposition == Disposition(disposition)
    assert phrase in a.time_frame
    assert a.plan_blocked is (disposition == E)


@pytest.mark.parametrize(
    ("items", "item9", "total", "sub", "group", "pathway"),
    [
        # clinical reference §4.5 S1/S3/S6 through the document, with the Hill 2011 pathway note
        ("1 1 0 0 1 0 0 0", "moderately", 3, 1, "low", "self-management"),
        ("1 1 1 0 0 0 0 0", "very_much", 4, 1, "medium", "physiotherapy for symptoms"),
        ("0 0 0 0 1 1 1 0", "extremely", 4, 4, "high", "psychologically informed"),
    ],
)
def test_startback_group_and_pathway_at_the_boundaries(
    items: str, item9: str, total: int, sub: int, group: str, pathway: str
) -> None:
    a = assess(doc(startback=startback(items, item9)), today=TODAY)
    assert (a.scores["startback.total"], a.scores["startback.psychosocial"]) == (total, sub)
    assert a.startback_group == group
    assert any(n.startswith(f"STarT {group} risk") and pathway in n for n in a.notes)


def test_t14_startback_high_scores() -> None:
    """clinical reference §1.7 T14: STarT total 5, subscale 4; nothing else -> startback_high."""
    a = assess(doc(startback=startback("1 0 0 0 1 1 1 0", "extremely")), today=TODAY)
    assert (a.scores["startback.total"], a.scores["startback.psychosocial"]) == (5, 4)
    assert a.scores["startback.risk_group"] == "high"
    assert a.reason_codes == ("risk.startback_high",)
    assert a.reasons[0].detail == "STarT psychosocial subscale 4/5"


def test_partially_answered_questionnaires_score_by_their_missing_data_rules() -> None:
    """clinical reference §4.0/§4.3/§4.4/§4.6: ODI <= 2 sections missing scored on the rest (O3), >
    2 not scored (O4); RMDQ <= 2 missing count 0, > 2 not scored; PSFS mean of the rated activities.
    Missing questionnaire answers never change the triage (nothing fires)."""
    a = assess(
        doc(
            odi={"items": {"1": 2, "2": 3, "3": 1, "4": 0, "5": 2, "7": 1, "9": 0, "10": 1}},
            rmdq={"items": {str(k): k <= 6 for k in range(1, 23)}},
            psfs={"activities": [{"name": "run 10 km", "score": 3}, {"name": "sit", "score": 6}]},
        ),
        today=TODAY,
    )
    assert a.scores["odi.percent"] == pytest.approx(25.0)  # O3: 10/40
    assert a.scores["odi.band"] == "moderate"
    assert (a.scores["rmdq.total"], a.scores["rmdq.missing"]) == (6, 2)
    assert (a.scores["psfs.mean"], a.scores["psfs.rated"]) == (4.5, 2)
    assert any("sections 6, 8 unanswered" in n for n in a.notes)
    assert any("items 23, 24 unanswered, counted 0" in n for n in a.notes)
    assert a.disposition is Disposition.SELF_MANAGEMENT

    b = assess(
        doc(
            odi={"items": {"1": 2, "3": 1, "5": 2, "7": 1, "8": 2, "9": 0, "10": 1}},  # O4
            rmdq={"items": {str(k): True for k in range(1, 22)}},
            psfs={"activities": [{"name": "run", "score": None}]},
        ),
        today=TODAY,
    )
    assert (b.scores["odi.percent"], b.scores["odi.band"]) == (None, None)
    assert b.scores["rmdq.total"] is None
    assert b.scores["psfs.mean"] is None
    assert any("ODI not scored: 3 sections unanswered (2, 4, 6)" in n for n in b.notes)
    assert any("RMDQ not scored: 3 items unanswered" in n for n in b.notes)
    assert any("PSFS not scored" in n for n in b.notes)


@pytest.mark.parametrize(
    ("pre", "lr", "post"),
    [
        # clinical reference §3 worked: LR+ = 0.94 / 0.22 = 4.27; LR- = 0.06 / 0.78 = 0.077
        (0.25, LASLETT_LR_POSITIVE, 0.588),
        (0.25, LASLETT_LR_NEGATIVE, 0.025),
        (0.10, LASLETT_LR_POSITIVE, 0.322),
        (0.10, LASLETT_LR_NEGATIVE, 0.008),
    ],
)
def test_laslett_post_test_probabilities(pre: float, lr: float, post: float) -> None:
    assert round(LASLETT_LR_POSITIVE, 2) == 4.27
    assert round(LASLETT_LR_NEGATIVE, 3) == 0.077
    assert post_test_probability(pre, lr) == pytest.approx(post, abs=0.0005)


def test_laslett_positive_detail_and_all_negative_note() -> None:
    """clinical reference §3: a positive cluster reports its LR+; all six negative -> "can be ruled
    out" is shown as context, while the runner-side pattern still fires (section 0)."""
    pos = assess(doc(clinician={"laslett": {"distraction": True, "compression": True}}),
                 today=TODAY)  # fmt: skip
    assert pos.reasons[0].detail == "Laslett cluster positive (2/4 non-Gaenslen, 2/5; LR+ 4.27)"
    six = dict.fromkeys(
        ("distraction", "thigh_thrust", "compression", "sacral_thrust", "gaenslen_left",
         "gaenslen_right"), False)  # fmt: skip
    neg = assess(
        doc(
            symptoms={"pain_below_l5": True, "side": "right", "locations": ["buttock"]},
            clinician={"laslett": six},
        ),
        today=TODAY,
    )
    assert neg.reason_codes == ("pattern.sacroiliac",)
    assert any(n.startswith("All six Laslett provocation tests negative") for n in neg.notes)
