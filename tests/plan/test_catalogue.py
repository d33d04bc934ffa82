"""The exercise library loads, is complete, and its validator rejects broken catalogues."""

from __future__ import annotations

import copy
from importlib import resources
from typing import Any

import pytest
import yaml

from backstride.errors import InvalidInput
from backstride.plan.catalogue import (
    KNOWN_TAGS,
    forbidden_tags,
    ladder_of,
    load_catalogue,
    parse_catalogue,
)


def raw_library() -> list[dict[str, Any]]:
    text = resources.files("backstride.plan").joinpath("data/exercises.yaml").read_text()
    data: list[dict[str, Any]] = yaml.safe_load(text)
    return data


def test_the_library_has_at_least_forty_complete_entries() -> None:
    cat = load_catalogue()
    assert len(cat) >= 40
    for ex in cat.values():
        assert ex.name
        assert ex.purpose
        assert ex.instructions
        assert ex.regions
        assert ex.tags <= KNOWN_TAGS


@pytest.mark.parametrize(
    "required",
    [
        "plank",
        "side_plank",
        "glute_bridge",
        "glute_bridge_single_leg",
        "glute_bridge_marching",
        "hip_thrust_loaded",
        "russian_twist_feet_down",
        "bird_dog",
        "dead_bug",
        "curl_up",
        "hip_hinge_dowel",
        "kettlebell_rdl",
        "barbell_rdl",
        "conventional_deadlift",
        "split_squat",
        "reverse_lunge",
        "walking_lunge",
        "back_extension_prone",
        "step_up",
        "calf_raise",
        "leg_swings",
        "high_knees",
        "butt_kicks",
        "skips",
        "walking_lunge_drill",
        "hamstring_stretch",
        "hip_flexor_stretch",
        "lower_back_stretch",
        "glute_stretch",
        "calf_stretch",
        "diaphragmatic_breathing",
        "swimming",
        "pool_running",
        "yoga_gentle",
        "cycling",
    ],
)
def test_the_library_contains_every_exercise_the_clinic_prescribes(required: str) -> None:
    assert required in load_catalogue()


@pytest.mark.parametrize(
    ("member", "ladder"),
    [
        ("plank", ("plank_knees", "plank", "plank_long_lever", "plank_leg_lift")),
        (
            "side_plank",
            ("side_plank_knees", "side_plank", "side_plank_leg_lift", "side_plank_reach"),
        ),
        (
            "glute_bridge",
            (
                "glute_bridge",
                "glute_bridge_marching",
                "glute_bridge_single_leg",
                "hip_thrust_loaded",
            ),
        ),
        (
            "barbell_rdl",
            ("hip_hinge_dowel", "kettlebell_rdl", "barbell_rdl", "conventional_deadlift"),
        ),
        ("split_squat", ("split_squat", "reverse_lunge", "walking_lunge", "walking_lunge_loaded")),
        (
            "back_extension_45",
            ("back_extension_prone", "back_extension_45", "back_extension_loaded"),
        ),
        (
            "russian_twist_loaded",
            ("russian_twist_feet_down", "russian_twist_feet_up", "russian_twist_loaded"),
        ),
        ("bird_dog", ("bird_dog_single", "bird_dog", "bird_dog_band")),
        ("dead_bug", ("dead_bug_arms", "dead_bug_legs", "dead_bug", "dead_bug_long_lever")),
    ],
)
def test_ladders_follow_clinical_section_7_2(member: str, ladder: tuple[str, ...]) -> None:
    assert ladder_of(load_catalogue(), member) == ladder


def test_suspected_pars_forbids_the_back_extension_ladder_above_step_one() -> None:
    cat = load_catalogue()
    forbidden = forbidden_tags(frozenset({"avoid_extension_loading"}))
    assert not cat["back_extension_prone"].tags & forbidden
    assert cat["back_extension_45"].tags & forbidden
    assert cat["back_extension_loaded"].tags & forbidden


def test_suspected_bone_stress_forbids_impact_drills_and_axial_loading() -> None:
    cat = load_catalogue()
    forbidden = forbidden_tags(frozenset({"no_impact", "no_axial_loading"}))
    assert {"skips", "high_knees", "butt_kicks", "conventional_deadlift"} <= {
        k for k, ex in cat.items() if ex.tags & forbidden
    }


def _broken(mutate: str) -> list[dict[str, Any]]:
    lib = copy.deepcopy(raw_library())
    by_id = {e["id"]: e for e in lib}
    if mutate == "unknown_tag":
        by_id["plank"]["tags"] = ["levitation"]
    elif mutate == "dangling_link":
        by_id["plank"]["progression"] = "no_such_exercise"
    elif mutate == "one_way_link":
        by_id["plank_long_lever"]["regression"] = "plank_knees"
    elif mutate == "cycle":
        by_id["plank_leg_lift"]["progression"] = "plank_knees"
        by_id["plank_knees"]["regression"] = "plank_leg_lift"
    elif mutate == "duplicate":
        lib.append(copy.deepcopy(by_id["plank"]))
    elif mutate == "unknown_field":
        by_id["plank"]["colour"] = "red"
    return lib


@pytest.mark.parametrize(
    "mutate",
    ["unknown_tag", "dangling_link", "one_way_link", "cycle", "duplicate", "unknown_field"],
)
def test_the_loader_rejects_a_broken_library_with_one_coded_error(mutate: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_catalogue(_broken(mutate))
    assert err.value.code == "catalogue.invalid"
    assert err.value.problems


def test_the_loader_rejects_something_that_is_not_a_list() -> None:
    with pytest.raises(InvalidInput):
        parse_catalogue({"plank": {}})


def test_loaded_exercises_are_dosed_at_8_to_12_reps_in_1_to_3_sets() -> None:
    # clinical reference §7.2: "loads of 8-12 RM, 1-3 sets" (ACSM 2009).
    for ex in load_catalogue().values():
        d = ex.dosage
        if d.load_kg is not None:
            assert d.reps is not None
            assert 8 <= d.reps <= 12, ex.id
        if ex.category in ("core", "lower"):
            assert d.sets is not None
            assert 1 <= d.sets <= 3, ex.id
