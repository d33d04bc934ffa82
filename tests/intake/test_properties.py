"""Invariants of triage (Hypothesis): red flags never self-manage, answers never lower safety."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from backstride.intake import Disposition, assess

from .builders import CES_ITEMS, TODAY, doc, merge

RED_FLAG_BOOLS = (
    "foot_drop", "new_gait_disturbance", "significant_trauma", "minor_trauma_or_strenuous_lift",
    "sudden_severe_central_pain_eased_lying", "osteoporosis", "oral_steroids_3_months",
    "history_of_cancer", "unexplained_weight_loss", "no_improvement_after_4_weeks_care",
    "generally_unwell", "fever", "night_sweats", "iv_drug_use", "immunosuppression",
    "recent_bacterial_infection", "penetrating_wound", "recent_spinal_procedure",
    "new_constant_pain",
)  # fmt: skip
ALONE_ENOUGH = (
    "foot_drop", "new_gait_disturbance", "significant_trauma", "history_of_cancer",
    "unexplained_weight_loss", "fever", "night_sweats",
)  # fmt: skip
CLINICIAN_BOOLS = (
    "straight_leg_raise_reproduces_leg_pain", "reflex_change", "dermatomal_sensory_loss",
    "myotomal_weakness", "focal_bony_tenderness",
)  # fmt: skip
LASLETT = ("distraction", "thigh_thrust", "compression", "sacral_thrust", "gaenslen_left",
           "gaenslen_right")  # fmt: skip

tri = st.sampled_from(["yes", "no", "unanswered"])
small_bool = st.booleans()


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """Random but valid intakes touching every rule's inputs."""
    over: dict[str, Any] = {
        "about": {
            "age_years": draw(st.integers(12, 95)),
            "sex": draw(st.sampled_from(["female", "male", "other"])),
        },
        "symptoms": {
            "locations": draw(st.lists(st.sampled_from(
                ["low_back", "buttock", "si_region", "groin", "leg_below_knee"]),
                min_size=1, max_size=3, unique=True)),
            "side": draw(st.sampled_from(["left", "right", "both", "central", "alternating"])),
            "duration_weeks": draw(st.floats(0, 200)),
            "onset": draw(st.sampled_from(["sudden", "gradual"])),
            "night_pain": draw(st.sampled_from(["none", "wakes_me", "constant_unrelieved"])),
            "night_pain_eases_on_rising": draw(small_bool),
            "better_with_exercise": draw(small_bool),
            "better_with_rest": draw(small_bool),
            "morning_stiffness_min": draw(st.floats(0, 120)),
            "alternating_buttock_pain": draw(small_bool),
            "pain_below_l5": draw(small_bool),
            "points_one_finger_near_psis": draw(small_bool),
            "aggravating": draw(st.lists(st.sampled_from(
                ["running", "extension", "flexion", "downhill"]), unique=True)),
            "leg_pain_below_knee": draw(small_bool),
            "leg_side": draw(st.sampled_from([None, "left", "right"])),
            "leg_tingling_numbness": draw(small_bool),
            "leg_weakness": draw(st.sampled_from(["none", "stable"])),
        },
        "running": {"load_increase_pct": draw(st.floats(0, 100)),
                    "extension_rotation_sport": draw(small_bool)},
        "bone_stress": {
            "weight_bearing_pain_builds": draw(small_bool),
            "painful_single_leg_hop": draw(small_bool),
        },
        "red_flags": {
            "cauda_equina": {k: draw(st.sampled_from(["no", "unanswered"])) for k in CES_ITEMS},
        },
        "startback": {"items": {**{str(i): draw(small_bool) for i in range(1, 9)},
                                "9": draw(st.sampled_from(["slightly", "very_much"]))}},
        "nprs": {"items": {k: draw(st.none() | st.integers(0, 10)) for k in (
            "now", "worst_24h", "during_run", "after_run")}},
        "odi": {"items": {str(i): draw(st.none() | st.integers(0, 5)) for i in range(1, 11)}},
        "rmdq": {"items": {str(i): draw(st.none() | st.booleans()) for i in range(1, 25)}},
        "psfs": {"activities": [{"name": "run", "score": draw(st.integers(0, 10))}]},
        "triad": {"energy_availability": draw(st.sampled_from([None, "none", "some_restriction"])),
                  "bmd_z_score": draw(st.none() | st.floats(-3, 2))},
    }  # fmt: skip
    return doc(**over)


@settings(max_examples=100, deadline=None)
@given(base=documents(), flag=st.sampled_from(ALONE_ENOUGH + tuple(f"ces:{c}" for c in CES_ITEMS)))
def test_any_red_flag_is_never_self_management(base: dict[str, Any], flag: str) -> None:
    red = {"cauda_equina": {flag[4:]: "yes"}} if flag.startswith("ces:") else {flag: True}
    a = assess(merge(base, {"red_flags": red}), today=TODAY)
    assert a.disposition.rank >= Disposition.URGENT.rank


def _additions() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.sampled_from(RED_FLAG_BOOLS).map(lambda k: {"red_flags": {k: True}}),
        st.sampled_from(CES_ITEMS).map(lambda k: {"red_flags": {"cauda_equina": {k: "yes"}}}),
        st.sampled_from(CLINICIAN_BOOLS).map(lambda k: {"clinician": {k: True}}),
        st.sampled_from(LASLETT).map(lambda k: {"clinician": {"laslett": {k: True}}}),
        st.just({"symptoms": {"constant_no_position_eases": True}}),
    )


@settings(max_examples=150, deadline=None)
@given(base=documents(), additions=st.lists(_additions(), min_size=1, max_size=4))
def test_adding_red_flags_or_findings_never_lowers_disposition_nor_removes_a_flag(
    base: dict[str, Any], additions: list[dict[str, Any]]
) -> None:
    before = assess(base, today=TODAY)
    after_doc = base
    for extra in additions:
        after_doc = merge(after_doc, extra)
    after = assess(after_doc, today=TODAY)
    assert after.disposition.rank >= before.disposition.rank
    assert before.flags <= after.flags


@settings(max_examples=100, deadline=None)
@given(base=documents())
def test_scores_stay_within_their_ranges(base: dict[str, Any]) -> None:
    s = assess(base, today=TODAY).scores
    ranges = {
        "odi.percent": (0, 100), "rmdq.total": (0, 24), "startback.total": (0, 9),
        "startback.psychosocial": (0, 5), "psfs.mean": (0, 10), "triad.total": (0, 12),
        "triad.total_worst_case": (0, 12),
    }  # fmt: skip
    for key, (low, high) in ranges.items():
        value = s.get(key)
        if value is not None:
            assert isinstance(value, int | float)
            assert low <= value <= high
    assert s["startback.risk_group"] in {"low", "medium", "high"}
    for key, value in s.items():
        if key.startswith("nprs."):
            assert isinstance(value, int)
            assert 0 <= value <= 10
